"""The check-in's findings of a day kept in the book (schema step 0021), with the version they came from.

What the kept rules find depends on the tables the figures read (`derived.FIGURE_INPUTS`, whose
`BookVersion` a review, a snooze, a task or a playbook run does not move), on `contacts`
(champion_silent) and on the rule rows (on/off, threshold). The findings' version names all of
them, with CHECKIN_VERSION (bumped when a rule's code changes): while the book is at that version,
the kept rows are what the rules would find now. Follow-ups (tasks) and the accounts' reviews and
snoozes are not in them; the check-in reads those at every load.

Derived data, like the stored figures: not recorded in the history, one day kept (the newest
stored), and deleting the rows only makes cstui compute them again.
"""

import json
import sqlite3
from dataclasses import asdict
from typing import NamedTuple

from sqlite_utils import Database

from cstui.storage import derived
from cstui.storage.bookfile.connection import write_transaction

CHECKIN_VERSION = 1  # bump when a check-in rule's code changes: kept findings are computed again
# What the kept rules read beyond the figures' inputs, and the newest history row of each.
CHECKIN_INPUTS = ("contacts", "checkin_rules")
_NEWEST_SQL = "SELECT " + ", ".join(
    "(SELECT coalesce(max(id), 0) FROM history WHERE table_name = ?)" for _ in CHECKIN_INPUTS
)
_ROWIDS_SQL = "SELECT " + ", ".join(f"(SELECT coalesce(max(rowid), 0) FROM {t})" for t in CHECKIN_INPUTS)


def findings_version(conn: sqlite3.Connection) -> str:
    """The version of everything the kept rules read, as stored (JSON): a few O(1) lookups."""
    rules = conn.execute("SELECT name, enabled, threshold FROM checkin_rules ORDER BY name").fetchall()
    return json.dumps(
        {
            "book": asdict(derived.book_version(conn)),
            "checkin": CHECKIN_VERSION,
            "inputs": list(conn.execute(_NEWEST_SQL, CHECKIN_INPUTS).fetchone()),
            "rowids": list(conn.execute(_ROWIDS_SQL).fetchone()),  # inserts made outside cstui
            "rules": [list(row) for row in rules],
        },
        sort_keys=True,
    )


class Row(NamedTuple):
    """One active account's kept findings (a `checkin_findings` row, its day left out)."""

    account_id: int
    key: str
    name: str
    renewal: str | None
    score: float | None
    band: str
    arr: float
    base: float
    weight: int
    rank: int
    found: str  # JSON [[rule, text, object, severity], ...]


_COLUMNS = "account_id, key, name, renewal, score, band, arr, base, weight, rank, found"


def load(conn: sqlite3.Connection, day: str, version: str) -> list[Row] | None:
    """The day's kept rows if they were stored at `version`, else None (compute them)."""
    stored = conn.execute("SELECT version FROM checkin_days WHERE checkin_day = ?", [day]).fetchone()
    if stored is None or stored[0] != version:
        return None
    rows = conn.execute(f"SELECT {_COLUMNS} FROM checkin_findings WHERE checkin_day = ?", [day])
    return [Row(*row) for row in rows]


def save(db: Database, day: str, version: str, rows: list[Row]) -> bool:
    """Keep the day's rows, computed at `version`, in place of any kept before; only if the book is
    still at that version (else they are already stale). In one write transaction."""
    with write_transaction(db):
        if findings_version(db.conn) != version:
            return False
        db.execute("DELETE FROM checkin_findings")
        db.execute("DELETE FROM checkin_days")
        db.execute("INSERT INTO checkin_days (checkin_day, version) VALUES (?, ?)", [day, version])
        db.conn.executemany(
            f"INSERT INTO checkin_findings (checkin_day, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(day, *row) for row in rows],
        )
    return True
