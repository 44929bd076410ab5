"""Stored figures and the book version they were computed from, so unchanged figures are not recomputed.

The book version: every change made through cstui (a form, a command, an import, an undo) goes
through `write_transaction(change=...)`, whose triggers copy each row it wrote into `history`, so
the newest `history.id` of a row of an input table (FIGURE_INPUTS) moves with every recorded write
that can change a figure; a check-in review, a task or a playbook run does not move it. With the
newest schema step, the engine's formula version (`ENGINE_VERSION`, bumped when a formula
changes) and a fingerprint of the figures' input tables (each one's `max(rowid)`, O(1)), it
names the state figures came from.

A write made outside cstui (sqlite3 shell, Datasette, a script) records no history. The
fingerprint catches its inserts (a table's max rowid beyond what the recorded changes inserted);
an outside UPDATE or DELETE of an older row goes unseen (docs/book.md says so); deleting the rows of
the three tables below makes cstui compute every figure again.

Invalidation by date: a stored month's figures read only facts dated before the month's end. For
the changes made since they were stored, `earliest_touched` finds the earliest date among the
date columns (`date_guards.DATE_COLUMNS`) of every row those changes inserted, updated (old and
new values) or deleted in an input table; months ending on or before it stay valid. A row with no
date at all (a health weight, a feature name) touches everything.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date

from sqlite_utils import Database

from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.bookfile.date_guards import DATE_COLUMNS
from cstui.storage.bookfile.migrations import MIGRATION_SET

ENGINE_VERSION = 2  # bump when a formula of the engine changes: every stored figure is recomputed (2: no score yet)
# The tables the stored figures (portfolio report, health, month figures) are computed from.
FIGURE_INPUTS = (
    "accounts",
    "feature_usage",
    "features",
    "health_config",
    "interactions",
    "invoices",
    "mrr_history",
    "surveys",
    "tickets",
    "usage_daily",
)
# One statement each, built only from the constant names above.
_NEWEST_CHANGE_SQL = (
    "SELECT max("
    + ", ".join("(SELECT coalesce(max(id), 0) FROM history WHERE table_name = ?)" for _ in FIGURE_INPUTS)
    + ")"
)
_FINGERPRINT_SQL = "SELECT " + ", ".join(f"(SELECT coalesce(max(rowid), 0) FROM {t})" for t in FIGURE_INPUTS)
EVERYTHING = date.min  # "every date is touched": a change without a date, a new schema or engine


@dataclass(frozen=True)
class BookVersion:
    """The state of the book that figures were computed from (see the module docstring)."""

    history_id: int
    schema: str
    engine: int
    fingerprint: tuple[int, ...]  # max rowid of each FIGURE_INPUTS table, in that order

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "BookVersion | None":
        """The stored version, or None when the text is not one (an older or damaged row: recompute)."""
        try:
            values = json.loads(text)
            return cls(
                int(values["history_id"]),
                str(values["schema"]),
                int(values["engine"]),
                tuple(int(v) for v in values["fingerprint"]),
            )
        except (ValueError, TypeError, KeyError):
            return None


def book_version(conn: sqlite3.Connection) -> BookVersion:
    """The book's version now: a handful of O(1) lookups."""
    history_id = conn.execute(_NEWEST_CHANGE_SQL, FIGURE_INPUTS).fetchone()[0]
    schema = conn.execute("SELECT max(name) FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET])
    fingerprint = tuple(int(v) for v in conn.execute(_FINGERPRINT_SQL).fetchone())
    return BookVersion(int(history_id), str(schema.fetchone()[0]), ENGINE_VERSION, fingerprint)


def _outside_writes(conn: sqlite3.Connection, since: BookVersion, now: BookVersion) -> bool:
    """Whether an input table's max rowid moved in a way the recorded changes do not explain."""
    inserted = dict(
        conn.execute(
            "SELECT table_name, max(row_id) FROM history WHERE id > ? AND op = 'insert' GROUP BY table_name",
            [since.history_id],
        ).fetchall()
    )
    touched = {
        name for (name,) in conn.execute("SELECT DISTINCT table_name FROM history WHERE id > ?", [since.history_id])
    }
    for table, before, after in zip(FIGURE_INPUTS, since.fingerprint, now.fingerprint):
        if table not in touched and before != after:
            return True
        if after > max(before, inserted.get(table) or 0):
            return True
    return False


def _earliest_in(conn: sqlite3.Connection, table: str, history_id: int) -> date | None:
    """The earliest date among the date columns of `table`'s rows written after `history_id`."""
    columns = DATE_COLUMNS.get(table, ())
    paths = [f"$.{c}" for c in columns]
    values = ", ".join("json_extract(old_values, ?), json_extract(new_values, ?)" for _ in columns)
    row_min = f"(SELECT min(value) FROM json_each(json_array({values})))" if columns else "NULL"
    params: list[object] = [p for path in paths for p in (path, path)]
    earliest, undated, rows = conn.execute(
        f"SELECT min(d), count(*) - count(d), count(*) FROM (SELECT {row_min} AS d FROM history"
        " WHERE id > ? AND table_name = ? AND last_row_id IS NULL)",
        [*params, history_id, table],
    ).fetchone()
    found = [earliest] if rows else []
    for first, last in conn.execute(
        "SELECT row_id, last_row_id FROM history WHERE id > ? AND table_name = ? AND last_row_id IS NOT NULL",
        [history_id, table],
    ):
        rows += 1
        in_range = _earliest_in_rows(conn, table, first, last)
        undated += in_range is None
        found.append(in_range)
    if not rows:
        return None
    if undated:
        return EVERYTHING
    try:
        return min(date.fromisoformat(d) for d in found)
    except (TypeError, ValueError):
        return EVERYTHING


def _earliest_in_rows(conn: sqlite3.Connection, table: str, first: int, last: int) -> str | None:
    """The earliest date of rows `first`..`last` of `table` (an import's inserts are recorded as such
    a range, without their values); None when a row of it has no date, or the rows are gone."""
    columns = DATE_COLUMNS.get(table, ())
    if not columns:
        return None
    # Identifiers from the constant lists above and date_guards.DATE_COLUMNS, never from input.
    lowest = ", ".join(f"min({c})" for c in columns)  # aggregate min: a column's NULLs are skipped
    undated = f"sum(coalesce({', '.join(columns)}, NULL) IS NULL)"  # rows with no date at all
    *earliest, missing, count = conn.execute(
        f"SELECT {lowest}, {undated}, count(*) FROM {table} WHERE rowid BETWEEN ? AND ?", [first, last]
    ).fetchone()
    dated = [d for d in earliest if d is not None]
    return None if not count or missing or not dated else str(min(dated))


def earliest_touched(conn: sqlite3.Connection, since: BookVersion, now: BookVersion) -> date | None:
    """The earliest fact date the book's changes since `since` touched: None if nothing that feeds a
    figure changed, EVERYTHING if a change has no date, the schema or engine changed, or rows were
    inserted outside cstui. Figures of a period ending on or before that date are still valid."""
    if since.schema != now.schema or since.engine != now.engine or len(since.fingerprint) != len(now.fingerprint):
        return EVERYTHING
    if since == now:
        return None
    if _outside_writes(conn, since, now):
        return EVERYTHING
    found = [d for table in FIGURE_INPUTS if (d := _earliest_in(conn, table, since.history_id)) is not None]
    return min(found, default=None)


# --- the stored figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """Figures as stored: their version (None if unreadable), the end of their period, the JSON body."""

    version: BookVersion | None
    end_day: str
    body: str


def load_figures(conn: sqlite3.Connection, name: str, as_of: date) -> Stored | None:
    row = conn.execute(
        "SELECT version, as_of, body FROM derived_figures WHERE name = ? AND as_of = ?", [name, as_of.isoformat()]
    ).fetchone()
    return None if row is None else Stored(BookVersion.from_json(row[0]), row[1], row[2])


def save_figures(db: Database, name: str, as_of: date, version: BookVersion, body: str) -> None:
    """Store figures as of a date, replacing older ones of that name (one row per name is kept)."""
    with write_transaction(db):
        db.execute("DELETE FROM derived_figures WHERE name = ?", [name])
        db.execute(
            "INSERT INTO derived_figures (name, as_of, version, body) VALUES (?, ?, ?, ?)",
            [name, as_of.isoformat(), version.to_json(), body],
        )


def load_months(conn: sqlite3.Connection) -> dict[str, Stored]:
    """Every stored month's figures, by YYYY-MM."""
    rows = conn.execute("SELECT month, end_day, version, body FROM month_figures")
    return {month: Stored(BookVersion.from_json(version), end, body) for month, end, version, body in rows}


def save_months(db: Database, months: Iterable[tuple[str, date, BookVersion, str]]) -> None:
    """Store (month, end of its period, version, body) rows, replacing those of the same month."""
    values = [(month, end.isoformat(), version.to_json(), body) for month, end, version, body in months]
    with write_transaction(db):
        db.conn.executemany(
            "INSERT INTO month_figures (month, end_day, version, body) VALUES (?, ?, ?, ?) ON CONFLICT (month)"
            " DO UPDATE SET end_day = excluded.end_day, version = excluded.version, body = excluded.body",
            values,
        )


def snapshot_version(conn: sqlite3.Connection, day: date) -> BookVersion | None:
    """The book version the day's health snapshot was taken at (None: unknown, taken before 0015)."""
    row = conn.execute("SELECT version FROM snapshot_versions WHERE as_of = ?", [day.isoformat()]).fetchone()
    return None if row is None else BookVersion.from_json(row[0])


def save_snapshot_version(db: Database, day: date, version: BookVersion) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO snapshot_versions (as_of, version) VALUES (?, ?)"
            " ON CONFLICT (as_of) DO UPDATE SET version = excluded.version",
            [day.isoformat(), version.to_json()],
        )


@contextmanager
def reading(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction, so a version and the figures computed after it come from the same state
    (a write committed meanwhile by another connection is not half seen). Joins an open transaction."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")
