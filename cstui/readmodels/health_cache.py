"""Every active account's health now, from today's stored snapshot while it is current.

The snapshot of a day is current when it was taken at the book's present version
(`storage/derived.py`): then reading it gives exactly what `health_for_accounts` would compute,
without running the engine. Otherwise the engine runs, as before.
"""

import json
from collections.abc import Iterable
from datetime import date

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown, Component, account_health, health_for_accounts
from cstui.storage import derived, snapshots


def _snapshot_is_current(conn: Conn, as_of: date) -> bool:
    stored = derived.snapshot_version(conn, as_of)
    return stored is not None and stored == derived.book_version(conn)


def _breakdown(row: snapshots.SnapshotRow) -> Breakdown:
    components = [Component(**c) for c in json.loads(row.components)]
    return Breakdown(row.account_id, row.as_of, row.score, Band(row.band), components)


def current_health(conn: Conn, as_of: date) -> dict[int, Breakdown]:
    """All active accounts' breakdowns as of `as_of`: from the day's snapshot when current, else computed."""
    if _snapshot_is_current(conn, as_of):
        return {row.account_id: _breakdown(row) for row in snapshots.day_rows(conn, as_of)}
    return health_for_accounts(conn, as_of)


Scores = dict[int, tuple[float | None, Band]]
# Scores computed for a day with no current snapshot (the check-in's "14 days ago"), kept for this
# process by (book file, day) with the version they came from: reloading the check-in after a review
# does not run the engine again while nothing that feeds a score has changed.
_computed: dict[tuple[str, date], tuple[derived.BookVersion, Scores]] = {}


def _book_file(conn: Conn) -> str:
    return str(conn.execute("SELECT file FROM pragma_database_list WHERE name = 'main'").fetchone()[0])


def current_scores(conn: Conn, as_of: date) -> Scores:
    """All active accounts' (score, band) as of `as_of`; cheap when the day's snapshot is current,
    or when this process computed them for the same book version."""
    if _snapshot_is_current(conn, as_of):
        return {account: (score, Band(band)) for account, (score, band) in snapshots.day_scores(conn, as_of).items()}
    version, key = derived.book_version(conn), (_book_file(conn), as_of)
    kept = _computed.get(key)
    if kept is not None and kept[0] == version:
        return dict(kept[1])
    scores = {account: (b.score, b.band) for account, b in health_for_accounts(conn, as_of).items()}
    _computed[key] = (version, scores)
    return dict(scores)


def current_breakdowns(conn: Conn, as_of: date, accounts: Iterable[int]) -> dict[int, Breakdown]:
    """A few accounts' breakdowns (the dashboard's movers): snapshot rows when current, else computed."""
    if _snapshot_is_current(conn, as_of):
        return {row.account_id: _breakdown(row) for row in snapshots.day_rows(conn, as_of, accounts)}
    return {a: account_health(conn, a, as_of) for a in accounts}
