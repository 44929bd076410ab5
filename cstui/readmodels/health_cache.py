"""Today's health, for screens and commands that need it (the check-in, the CLI).

Minimal stand-in: computed from the engine on every call. The cached version (served from today's
stored snapshot while the book is unchanged) replaces this file with the same two functions.
"""

from datetime import date

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown, health_for_accounts


def current_health(conn: Conn, as_of: date) -> dict[int, Breakdown]:
    """Every account on the books after `as_of`, its breakdown as of that day."""
    return health_for_accounts(conn, as_of)


def current_scores(conn: Conn, as_of: date) -> dict[int, tuple[float | None, Band]]:
    """Every account on the books after `as_of`, its score and band as of that day."""
    return {a: (b.score, b.band) for a, b in health_for_accounts(conn, as_of).items()}
