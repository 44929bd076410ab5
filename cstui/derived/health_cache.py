"""Every active account's health now, from today's stored snapshot while it is current.

The snapshot of a day is current when it was taken at the book's present version
(`storage/derived.py`): then reading it gives exactly what `health_for_accounts` would compute,
without running the engine. Otherwise the engine runs, as before.
"""

import json
import threading
from collections.abc import Iterable
from datetime import date

from cstui.metrics.bands import SCORED, Band
from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown, Component, account_health, health_for_accounts
from cstui.metrics.month_ends import band_counts_at
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


def current_scores(conn: Conn, as_of: date) -> Scores:
    """All active accounts' (score, band) as of `as_of`; cheap when the day's snapshot is current."""
    if _snapshot_is_current(conn, as_of):
        return {account: (score, Band(band)) for account, (score, band) in snapshots.day_scores(conn, as_of).items()}
    return {account: (b.score, b.band) for account, b in health_for_accounts(conn, as_of).items()}


def current_band_counts(conn: Conn, day: date) -> dict[Band, int]:
    """Accounts per scored band as of `day`: counted from the day's snapshot when current, else
    scored inside SQLite (`month_ends.band_counts_at`, equal to the engine's, no breakdowns built)."""
    if not _snapshot_is_current(conn, day):
        return band_counts_at(conn, day)
    counts = dict.fromkeys(SCORED, 0)
    for _, band in snapshots.day_scores(conn, day).values():
        if band in counts:
            counts[Band(band)] += 1
    return counts


class RememberedScores:
    """`current_scores` for one open book (the app's), remembering the days it had to compute with
    the book version they came from: the check-in's "14 days ago" has no current snapshot, and
    reloading the check-in after each review must not run the engine again while no fact changed.
    Scores of a day stay valid while the book's changes since touched no fact dated on or before
    it (`derived.earliest_touched`): a note logged today keeps "14 days ago". The dashboard hands in
    what it computed (`remember`). Kept by the app, never shared between books (two books can be at
    equal versions).

    Several workers use it at once (the dashboard's remembers, the check-in's and the one preparing
    it ahead read): the lock guards the dict, not the computing, so the UI thread asking for a
    fingerprint never waits for a worker's engine run."""

    def __init__(self) -> None:
        self._kept: dict[date, tuple[derived.BookVersion, Scores]] = {}
        self._lock = threading.Lock()

    def remember(self, as_of: date, version: derived.BookVersion, health: dict[int, Breakdown]) -> None:
        """Keep the scores of breakdowns computed elsewhere at `version` (the dashboard's, today's)."""
        scores = {a: (b.score, b.band) for a, b in health.items()}
        with self._lock:
            self._kept[as_of] = (version, scores)

    def __call__(self, conn: Conn, as_of: date) -> Scores:
        version = derived.book_version(conn)
        with self._lock:
            kept = self._kept.get(as_of)
        if kept is not None and kept[0] != version:
            touched = derived.earliest_touched(conn, kept[0], version)
            kept = (version, kept[1]) if touched is None or touched > as_of else None
        if kept is None:
            kept = (version, _valid_snapshot(conn, as_of, version) or current_scores(conn, as_of))
        with self._lock:
            self._kept[as_of] = kept
        return dict(kept[1])


def _valid_snapshot(conn: Conn, as_of: date, version: derived.BookVersion) -> Scores | None:
    """The scores of the day's stored snapshot (the check-in's "14 days ago", taken that day) while no
    fact dated on or before the day has changed since it was taken; else None."""
    taken = derived.snapshot_version(conn, as_of)
    if taken is None:
        return None
    if (
        taken != version
        and (touched := derived.earliest_touched(conn, taken, version)) is not None
        and touched <= as_of
    ):
        return None
    return {account: (score, Band(band)) for account, (score, band) in snapshots.day_scores(conn, as_of).items()}


def current_breakdowns(conn: Conn, as_of: date, accounts: Iterable[int]) -> dict[int, Breakdown]:
    """A few accounts' breakdowns (the dashboard's movers): snapshot rows when current, else computed."""
    if _snapshot_is_current(conn, as_of):
        return {row.account_id: _breakdown(row) for row in snapshots.day_rows(conn, as_of, accounts)}
    return {a: account_health(conn, a, as_of) for a in accounts}
