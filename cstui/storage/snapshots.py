"""Stored daily health snapshots: written in one write transaction, read back for "what changed"."""

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.storage.bookfile.connection import write_transaction


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One account's stored breakdown for one day; `components` is the breakdown's JSON."""

    account_id: int
    as_of: str
    score: float | None
    band: str
    components: str


def save_snapshots(db: Database, rows: Iterable[SnapshotRow]) -> int:
    """Store the rows, replacing any of the same account and day; one BEGIN IMMEDIATE transaction."""
    values = [(r.account_id, r.as_of, r.score, r.band, r.components) for r in rows]
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO health_snapshots (account_id, as_of, score, band, components) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, as_of) DO UPDATE SET score = excluded.score, band = excluded.band,"
            " components = excluded.components",
            values,
        )
    return len(values)


def latest_before(conn: sqlite3.Connection, account_id: int, before: date) -> SnapshotRow | None:
    """The latest stored snapshot of an account dated before `before`."""
    row = conn.execute(
        "SELECT account_id, as_of, score, band, components FROM health_snapshots"
        " WHERE account_id = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1",
        [account_id, before.isoformat()],
    ).fetchone()
    return SnapshotRow(*row) if row else None


def latest_scores_before(conn: sqlite3.Connection, before: date) -> dict[int, tuple[str, float | None]]:
    """For every account, its latest snapshot (date, score) before `before`: one query."""
    rows = conn.execute(
        """
        SELECT s.account_id, s.as_of, s.score FROM health_snapshots s
        JOIN (SELECT account_id, max(as_of) AS as_of FROM health_snapshots WHERE as_of < ? GROUP BY account_id) last
          ON last.account_id = s.account_id AND last.as_of = s.as_of""",
        [before.isoformat()],
    )
    return {account: (day, score) for account, day, score in rows}


def replace_day(db: Database, day: date, rows: Iterable[SnapshotRow]) -> int:
    """Make `rows` the whole of the day's snapshot (an account off the books since loses its row)."""
    with write_transaction(db):
        db.execute("DELETE FROM health_snapshots WHERE as_of = ?", [day.isoformat()])
        return save_snapshots(db, rows)


def day_rows(conn: sqlite3.Connection, day: date, accounts: Iterable[int] | None = None) -> list[SnapshotRow]:
    """The day's stored rows (of the given accounts only, when named: one indexed lookup each)."""
    sql = "SELECT account_id, as_of, score, band, components FROM health_snapshots WHERE as_of = ?"
    if accounts is None:
        return [SnapshotRow(*row) for row in conn.execute(sql, [day.isoformat()])]
    found = (conn.execute(sql + " AND account_id = ?", [day.isoformat(), a]).fetchone() for a in accounts)
    return [SnapshotRow(*row) for row in found if row is not None]


def day_scores(conn: sqlite3.Connection, day: date) -> dict[int, tuple[float | None, str]]:
    """Account -> (score, band) of the day's snapshot, without reading the breakdowns."""
    rows = conn.execute("SELECT account_id, score, band FROM health_snapshots WHERE as_of = ?", [day.isoformat()])
    return {account: (score, band) for account, score, band in rows}
