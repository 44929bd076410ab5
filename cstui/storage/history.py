"""History and undo: what changed in the book, when, through what, and how to take it back.

A change (`changes` row) is one user action: a CLI command, a TUI form, an import run, an undo.
While it is open, AFTER triggers on every tracked table copy each inserted, updated or deleted row
into `history` with its old and new values as JSON. An import marks its change `bulk`: the insert
triggers stay silent and the importer records its new rows as ranges of rowids (`record_inserts`),
one history row per account and run of consecutive rows, without copying their values (undo
deletes the range, which records the deleted values, so a redo still puts back every byte). The
triggers list columns, so they are
regenerated from the live schema after every migration (`refresh_history_triggers`): a column a
later step adds is recorded from then on. Undo replays a change's rows backwards, in one
transaction that is itself a recorded change (so it can be redone, and shows in the history).

Values are JSON with REAL numbers written by SQLite's `quote()` (which round-trips exactly, unlike
json_object's 15 digits), infinities (which JSON cannot write) as `{"real": "Inf"}` / `{"real": "-Inf"}`
and BLOBs as `{"blob": "HEX"}`, so an undo puts back the same bytes. (SQLite stores a NaN as NULL.)
"""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

from cstui.errors import UserError

TRIGGER_PREFIX = "cstui_history_"
# Never recorded: the history itself, derived data (snapshots are recomputed), bookkeeping.
UNTRACKED_TABLES = frozenset(
    {"changes", "history", "open_change", "health_snapshots", "_sqlite_migrations"}
    | {"derived_figures", "month_figures", "snapshot_versions"}  # stored figures (cstui/storage/derived.py)
    | {"checkin_days", "checkin_findings"}  # the check-in's stored findings (cstui/storage/checkin_findings.py)
    | {"account_seen"}  # when each account was last opened (cstui/storage/seen.py): a marker, not a fact
)
SOURCES = ("cli", "tui", "import", "demo")
_default_source = "cli"


def set_default_source(source: str) -> None:
    """Name where this process's changes come from (the TUI sets 'tui'; the CLI is the default)."""
    global _default_source
    if source not in SOURCES:
        raise ValueError(f"unknown change source {source!r}")
    _default_source = source


# --- the triggers ---------------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def tracked_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables of the main schema that cstui writes (not virtual, shadow or untracked)."""
    rows = conn.execute("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name")
    return [name for (name,) in rows if name not in UNTRACKED_TABLES and not name.startswith("sqlite_")]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """Stored columns, in table order (generated columns cannot be written back, so are left out)."""
    rows = conn.execute("SELECT name, hidden FROM pragma_table_xinfo(?) ORDER BY cid", [table])
    return [name for name, hidden in rows if hidden == 0]


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    row = conn.execute("SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", [table]).fetchone()
    return not row[0]


# The largest finite double: a REAL outside +-this is an infinity, which JSON has no number for.
_FINITE = "1.7976931348623157e308"


def _json_values(row: str, columns: list[str]) -> str:
    def encoded(column: str) -> str:
        value = f"{row}.{_ident(column)}"
        real = (
            f"CASE WHEN {value} BETWEEN -{_FINITE} AND {_FINITE} THEN json(quote({value}))"
            f" ELSE json_object('real', quote({value})) END"
        )
        return (
            f"CASE typeof({value}) WHEN 'real' THEN {real}"
            f" WHEN 'blob' THEN json_object('blob', hex({value})) ELSE {value} END"
        )

    return "json_object(" + ", ".join(f"{_literal(c)}, {encoded(c)}" for c in columns) + ")"


def _owner(table: str, columns: list[str]) -> str | None:
    """The column naming the account a row belongs to (for `history.account_id`), if any."""
    return "id" if table == "accounts" else "account_id" if "account_id" in columns else None


def _has_bulk_flag(conn: sqlite3.Connection) -> bool:
    """Whether `open_change` has its `bulk` column (schema step 0016 on)."""
    return conn.execute("SELECT 1 FROM pragma_table_info('open_change') WHERE name = 'bulk'").fetchone() is not None


def _trigger_sql(conn: sqlite3.Connection, table: str) -> list[str]:
    columns = _columns(conn, table)
    rowid = _has_rowid(conn, table)
    owner = _owner(table, columns)
    changed = " OR ".join(f"OLD.{_ident(c)} IS NOT NEW.{_ident(c)}" for c in columns)
    # An import records its inserts itself, as ranges (`record_inserts`); only rowid tables can be.
    quiet = " WHERE bulk = 0" if rowid and _has_bulk_flag(conn) else ""
    statements = []
    for op, event, row, old, new, extra, marker in (
        ("insert", "INSERT", "NEW", "NULL", _json_values("NEW", columns), "", quiet),
        (
            "update",
            "UPDATE",
            "NEW",
            _json_values("OLD", columns),
            _json_values("NEW", columns),
            f" AND ({changed})",
            "",
        ),
        ("delete", "DELETE", "OLD", _json_values("OLD", columns), "NULL", "", ""),
    ):
        account = f"{row}.{_ident(owner)}" if owner else "NULL"
        statements.append(
            f"CREATE TRIGGER {_ident(TRIGGER_PREFIX + table + '_' + op)} AFTER {event} ON {_ident(table)}"
            f" WHEN EXISTS (SELECT 1 FROM open_change{marker}){extra} BEGIN"
            " INSERT INTO history (change_id, table_name, row_id, account_id, op, old_values, new_values)"
            f" SELECT change_id, {_literal(table)}, {row + '.rowid' if rowid else 'NULL'}, {account},"
            f" {_literal(op)}, {old}, {new} FROM open_change; END"
        )
    return statements


def drop_history_triggers(conn: sqlite3.Connection) -> None:
    """Drop the generated triggers (before schema steps, so none can trip over a trigger's column list)."""
    names = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND substr(name, 1, ?) = ?",
        [len(TRIGGER_PREFIX), TRIGGER_PREFIX],
    ).fetchall()
    for (name,) in names:
        conn.execute(f"DROP TRIGGER {_ident(name)}")


def refresh_history_triggers(conn: sqlite3.Connection) -> None:
    """The migration hook: (re)generate the history triggers from the schema as it is now.

    Run at the end of every schema step, inside the step's transaction (`migrations._step`), so
    the triggers always list every column of every tracked table, including columns and tables
    added by later steps. A book without the history tables (a step before 0010) gets none.
    """
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'open_change'").fetchone():
        return
    outer = conn.in_transaction
    if not outer:
        conn.execute("BEGIN IMMEDIATE")
    try:
        drop_history_triggers(conn)
        for table in tracked_tables(conn):
            for statement in _trigger_sql(conn, table):
                conn.execute(statement)
    except BaseException:
        if not outer:
            conn.rollback()
        raise
    if not outer:
        conn.execute("COMMIT")


# --- opening and closing a change -----------------------------------------------------------------


def change_is_open(db: Database) -> bool:
    return open_change_id(db) is not None


def open_change_id(db: Database) -> int | None:
    """The id of the change being recorded in this transaction, None when none is open."""
    row = db.execute("SELECT change_id FROM open_change").fetchone()
    return None if row is None else int(row[0])


def open_change(
    db: Database, description: str, source: str | None = None, *, kind: str = "change", reverts: int | None = None
) -> int:
    """Start recording: a `changes` row and the marker the triggers look for. Inside a transaction."""
    made_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    cursor = db.execute(
        "INSERT INTO changes (made_at, source, description, kind, reverts) VALUES (?, ?, ?, ?, ?)",
        [made_at, source or _default_source, description, kind, reverts],
    )
    change_id = int(cursor.lastrowid or 0)
    db.execute("INSERT INTO open_change (id, change_id) VALUES (1, ?)", [change_id])
    return change_id


@contextmanager
def bulk_inserts(db: Database) -> Iterator[None]:
    """Within the open change, insert triggers stay silent: the caller records every row it inserts
    with `record_inserts` (the importer, after each batch). Other tables' inserts made meanwhile
    would go unrecorded, so nothing else may insert inside this block."""
    db.execute("UPDATE open_change SET bulk = 1")
    yield
    db.execute("UPDATE open_change SET bulk = 0")


def last_rowid(db: Database, table: str) -> int:
    """The highest rowid of `table` (0 when empty): rows inserted after it get higher ones."""
    return int(db.execute(f"SELECT ifnull(max(rowid), 0) FROM {_ident(table)}").fetchone()[0])


def record_inserts(db: Database, table: str, after: int) -> None:
    """Record the rows of `table` with a rowid above `after` as inserted by the open change: one
    history row per account and run of consecutive rowids (`row_id` .. `last_row_id`), values not
    copied (`new_values` is JSON null). New rows get rowid max+1, so inside the change's write
    transaction every row above `after` is one it inserted."""
    owner = _owner(table, _columns(db.conn, table))
    account = _ident(owner) if owner else "NULL"
    db.execute(
        "INSERT INTO history (change_id, table_name, row_id, last_row_id, account_id, op, old_values, new_values)"
        " SELECT (SELECT change_id FROM open_change), ?, min(rowid), max(rowid), owner, 'insert', NULL, 'null'"
        f" FROM (SELECT rowid, {account} AS owner,"
        f" rowid - row_number() OVER (PARTITION BY {account} ORDER BY rowid) AS run"
        f" FROM {_ident(table)} WHERE rowid > ?)"
        " GROUP BY owner, run ORDER BY min(rowid)",
        [table, after],
    )


def close_change(db: Database, change_id: int) -> None:
    """Stop recording; a change that touched no row is not kept (nothing to list or undo)."""
    db.execute("DELETE FROM open_change")
    if db.execute("SELECT 1 FROM history WHERE change_id = ? LIMIT 1", [change_id]).fetchone() is None:
        db.execute("DELETE FROM changes WHERE id = ?", [change_id])


# --- reading the history --------------------------------------------------------------------------


@dataclass(frozen=True)
class RowChange:
    """One row a change inserted, updated or deleted; values are None where the row did not exist.

    An import's inserts are ranges: rows `row_id` .. `last_row_id` of one account, `new` None (the
    values are the rows themselves). `last_row_id` is None for a single row."""

    id: int
    table: str
    row_id: int | None
    op: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    last_row_id: int | None = None

    @property
    def size(self) -> int:
        """How many rows this stands for."""
        if self.last_row_id is None or self.row_id is None:
            return 1
        return self.last_row_id - self.row_id + 1


@dataclass(frozen=True)
class Change:
    id: int
    made_at: str
    source: str
    description: str
    kind: str  # change, undo, redo
    reverts: int | None
    reverted_by: int | None  # the undo (or, for an undo, the redo) that reverted this change
    redone_by: int | None  # the redo that reverted that undo: the change is in force again
    rows: list[RowChange] = field(default_factory=list)
    redo_undone_by: int | None = None  # the undo that took that redo back again (not in force after all)


def _decoded(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return float(value["real"]) if "real" in value else bytes.fromhex(value["blob"])


def _decode(text: str | None) -> dict[str, Any] | None:
    values = None if text is None else json.loads(text)
    if values is None:  # no row, or a range's values (not copied)
        return None
    return {k: _decoded(v) for k, v in values.items()}


def _rows(db: Database, change_id: int, account: int | None = None) -> list[RowChange]:
    where = "change_id = ?" + (" AND account_id = ?" if account is not None else "")
    params = [change_id] + ([account] if account is not None else [])
    rows = db.execute(
        "SELECT id, table_name, row_id, op, old_values, new_values, last_row_id"
        f" FROM history WHERE {where} ORDER BY id",
        params,
    )
    return [RowChange(i, t, r, op, _decode(old), _decode(new), last) for i, t, r, op, old, new, last in rows]


_CHANGE_COLUMNS = (
    "c.id, c.made_at, c.source, c.description, c.kind, c.reverts,"
    " (SELECT u.id FROM changes u WHERE u.reverts = c.id ORDER BY u.id DESC LIMIT 1),"
    " (SELECT r.id FROM changes u JOIN changes r ON r.reverts = u.id WHERE u.reverts = c.id"
    " ORDER BY r.id DESC LIMIT 1),"
    # The undo that took back the redo above (for an undo: the redo that reverted it), if any.
    " (SELECT x.id FROM changes x WHERE x.kind = 'undo' AND x.reverts = CASE WHEN c.kind = 'undo'"
    " THEN (SELECT r.id FROM changes r WHERE r.reverts = c.id ORDER BY r.id DESC LIMIT 1)"
    " ELSE (SELECT r.id FROM changes u JOIN changes r ON r.reverts = u.id WHERE u.reverts = c.id"
    " ORDER BY r.id DESC LIMIT 1) END ORDER BY x.id DESC LIMIT 1)"
)


def _change_from(row: tuple[Any, ...], rows: list[RowChange]) -> Change:
    change_id, made_at, source, description, kind, reverts, reverted_by, redone_by, redo_undone_by = row
    return Change(change_id, made_at, source, description, kind, reverts, reverted_by, redone_by, rows, redo_undone_by)


def list_changes(db: Database, account: int | None = None, limit: int | None = None) -> list[Change]:
    """Changes, newest first, each with its rows (only the account's rows when `account` is given)."""
    if account is None:
        sql = f"SELECT {_CHANGE_COLUMNS} FROM changes c ORDER BY c.id DESC LIMIT ?"
        params: list[Any] = [-1 if limit is None else limit]
    else:
        sql = (
            f"SELECT {_CHANGE_COLUMNS} FROM changes c WHERE c.id IN"
            " (SELECT change_id FROM history WHERE account_id = ?) ORDER BY c.id DESC LIMIT ?"
        )
        params = [account, -1 if limit is None else limit]
    return [_change_from(row, _rows(db, row[0], account)) for row in db.execute(sql, params).fetchall()]


# --- undo and redo --------------------------------------------------------------------------------


def _key_columns(db: Database, table: str) -> list[str]:
    rows = db.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", [table]).fetchall()
    return [name for (name,) in rows] or ["rowid"]


@lru_cache(maxsize=256)
def _statement(verb: str, table: str, columns: tuple[str, ...], keys: tuple[str, ...]) -> str:
    """The SQL to select, delete, update or insert one row (built once per table shape, not per row)."""
    where = " AND ".join(f"{_ident(c)} IS ?" for c in keys)
    if verb == "select":
        return f"SELECT {', '.join(_ident(c) for c in columns)} FROM {_ident(table)} WHERE {where}"
    if verb == "delete":
        return f"DELETE FROM {_ident(table)} WHERE {where}"
    if verb == "update":
        return f"UPDATE {_ident(table)} SET {', '.join(f'{_ident(c)} = ?' for c in columns)} WHERE {where}"
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {_ident(table)} ({', '.join(_ident(c) for c in columns)}) VALUES ({marks})"


def _current(db: Database, table: str, key: dict[str, Any], columns: tuple[str, ...]) -> dict[str, Any] | None:
    row = db.execute(_statement("select", table, columns, tuple(key)), list(key.values())).fetchone()
    return None if row is None else dict(zip(columns, row))


@dataclass(frozen=True)
class _Shape:
    """A table's live columns and the columns that find one row (its primary key, else rowid)."""

    columns: frozenset[str]
    keys: list[str]
    rowid: bool = False  # an ordinary table (not WITHOUT ROWID): a row put back gets its rowid again


def _revert_range(db: Database, row: RowChange, target: Change) -> None:
    """Delete the rows of an imported range. Their values were not copied, so instead of comparing
    them the undo refuses when a row is gone or a later change still in force wrote to one; the
    delete records every row's values, so a redo puts back exactly what was there."""
    table = _ident(row.table)
    present = db.execute(f"SELECT count(*) FROM {table} WHERE rowid BETWEEN ? AND ?", [row.row_id, row.last_row_id])
    if (
        present.fetchone()[0] != row.size
        or db.execute(_LATER_IN_FORCE, [target.id, row.table, row.row_id, row.last_row_id]).fetchone()
    ):
        raise UserError(
            f"{row.table} rows {row.row_id}..{row.last_row_id} were changed since (by a later change, or outside"
            " cstui); nothing was undone"
        )
    db.execute(f"DELETE FROM {table} WHERE rowid BETWEEN ? AND ?", [row.row_id, row.last_row_id])


# A later change or redo, not undone, that wrote one of the rows in a range.
_LATER_IN_FORCE = (
    "SELECT 1 FROM history h JOIN changes c ON c.id = h.change_id"
    " WHERE h.change_id > ? AND h.table_name = ? AND h.row_id BETWEEN ? AND ? AND c.kind IN ('change', 'redo')"
    " AND NOT EXISTS (SELECT 1 FROM changes u WHERE u.reverts = c.id AND u.kind = 'undo') LIMIT 1"
)


def _origin(db: Database, change_id: int, cache: dict[int, int]) -> int:
    """The user's change a change stands for: itself, or for a redo the change it makes again
    (through the undo it reverts, and so on back). Redos run in the reverse order of their undos,
    so their ids say nothing of which write came after which; their origins do."""
    if change_id not in cache:
        kind, reverts = db.execute("SELECT kind, reverts FROM changes WHERE id = ?", [change_id]).fetchone()
        if kind == "change" or reverts is None:
            cache[change_id] = change_id
        else:  # a redo reverts an undo, an undo reverts the change (or redo) it took back
            cache[change_id] = _origin(db, reverts, cache)
    return cache[change_id]


def _written_later(db: Database, target: Change) -> dict[str, list[tuple[int, int]]]:
    """The rowids (as ranges) of `target`'s tables written by a change or redo still in force that
    comes after it in the user's order of changes.

    Comparing values is not enough: a task added, deleted and added again reuses the rowid with the
    same values, and undoing the first add must not delete the row the third change made."""
    tables = sorted({row.table for row in target.rows if row.last_row_id is None})
    if not tables or not target.rows:
        return {}
    marks = ", ".join("?" for _ in tables)
    rows = db.execute(
        "SELECT h.change_id, h.table_name, h.row_id, ifnull(h.last_row_id, h.row_id) FROM history h"
        " JOIN changes c ON c.id = h.change_id"
        f" WHERE h.table_name IN ({marks}) AND h.id > ? AND h.change_id > ? AND h.row_id IS NOT NULL"
        " AND c.kind IN ('change', 'redo')"
        " AND NOT EXISTS (SELECT 1 FROM changes u WHERE u.reverts = c.id AND u.kind = 'undo')",
        [*tables, target.rows[-1].id, target.id],
    ).fetchall()
    origins: dict[int, int] = {}
    own = _origin(db, target.id, origins)
    written: dict[str, list[tuple[int, int]]] = {}
    for change_id, table, first, last in rows:
        if _origin(db, change_id, origins) > own:
            written.setdefault(table, []).append((first, last))
    return written


def _revert_row(db: Database, row: RowChange, shape: _Shape) -> None:
    """Put one row back as it was before `row`; refuse if it has changed since (outside cstui)."""
    live, keys = shape.columns, shape.keys
    if row.new is not None:
        expected = {c: v for c, v in row.new.items() if c in live}
        key = {c: row.new[c] if c != "rowid" else row.row_id for c in keys}
        if _current(db, row.table, key, tuple(expected)) != expected:
            _conflict(row)
        if row.old is None:
            db.execute(_statement("delete", row.table, (), tuple(key)), list(key.values()))
            return
        old = {c: v for c, v in row.old.items() if c in live}
        sql = _statement("update", row.table, tuple(old), tuple(key))
        db.execute(sql, [*old.values(), *key.values()])
        return
    assert row.old is not None
    old = {c: v for c, v in row.old.items() if c in live}
    key = {c: old[c] if c != "rowid" else row.row_id for c in keys}
    if _current(db, row.table, key, tuple(key)) is not None:
        _conflict(row)
    if "rowid" in keys or (shape.rowid and row.row_id is not None and not _rowid_taken(db, row)):
        # Its own rowid, also where the key is another column (usage_daily's account and day):
        # an undone import's rows come back with the rowids, and in the order, they had.
        old = {"rowid": row.row_id, **old}
    db.execute(_statement("insert", row.table, tuple(old), ()), list(old.values()))


def _rowid_taken(db: Database, row: RowChange) -> bool:
    """Whether another row holds `row`'s rowid now (then the row comes back under a new one)."""
    sql = f"SELECT 1 FROM {_ident(row.table)} WHERE rowid = ?"
    return db.execute(sql, [row.row_id]).fetchone() is not None


def _conflict(row: RowChange) -> None:
    raise UserError(
        f"{row.table} row {row.row_id} was changed since (by a later change, or outside cstui); nothing was undone"
    )


def _change(db: Database, change_id: int) -> Change:
    row = db.execute(f"SELECT {_CHANGE_COLUMNS} FROM changes c WHERE c.id = ?", [change_id]).fetchone()
    return _change_from(row, _rows(db, change_id))


def _revert(db: Database, target: Change, kind: str, source: str | None) -> Change:
    """Replay `target`'s rows backwards as a new change of `kind`; inside the caller's transaction."""
    # A redo names the change it makes again, not the undo it reverts.
    described = _change(db, target.reverts) if kind == "redo" and target.reverts else target
    # Rows go back newest first; a parent restored after its children is fine until COMMIT.
    db.execute("PRAGMA defer_foreign_keys = ON")
    new_id = open_change(db, f"{kind} {described.id}: {described.description}", source, kind=kind, reverts=target.id)
    shapes: dict[str, _Shape] = {}
    later = _written_later(db, target)
    for row in reversed(target.rows):
        if row.last_row_id is not None:
            _revert_range(db, row, target)
            continue
        if row.row_id is not None and any(first <= row.row_id <= last for first, last in later.get(row.table, ())):
            _conflict(row)  # the same row id, written again since: maybe equal values, but not this row
        if row.table not in shapes:
            shapes[row.table] = _Shape(
                frozenset(_columns(db.conn, row.table)), _key_columns(db, row.table), _has_rowid(db.conn, row.table)
            )
        _revert_row(db, row, shapes[row.table])
    _refuse_knock_on(db, new_id, target)
    close_change(db, new_id)
    return _change(db, new_id)


def _refuse_knock_on(db: Database, new_id: int, target: Change) -> None:
    """Each replayed row records one history row; more means the book cascaded into rows written
    later (a task of a re-deleted note, say). Refuse rather than change what the user did not ask."""
    written = db.execute("SELECT count(*) FROM history WHERE change_id = ?", [new_id]).fetchone()[0]
    if written == sum(row.size for row in target.rows):
        return
    knock_on = db.execute("SELECT table_name, row_id FROM history WHERE change_id = ? ORDER BY id", [new_id]).fetchall()
    own = {(row.table, row.row_id) for row in target.rows if row.last_row_id is None}
    ranges = [
        (row.table, row.row_id, row.last_row_id)
        for row in target.rows
        if row.row_id is not None and row.last_row_id is not None
    ]

    def owned(table: str, row_id: int) -> bool:
        return (table, row_id) in own or any(t == table and first <= row_id <= last for t, first, last in ranges)

    others = ", ".join(f"{table} {row_id}" for table, row_id in knock_on if not owned(table, row_id))
    raise UserError(
        f"change {target.id} cannot be reverted alone: it would also change rows written since ({others});"
        " revert the later changes first. Nothing was changed."
    )


_UNDOABLE = (
    "SELECT id FROM changes c WHERE kind IN ('change', 'redo')"
    " AND NOT EXISTS (SELECT 1 FROM changes u WHERE u.reverts = c.id AND u.kind = 'undo')"
)
_REDOABLE = (
    "SELECT id FROM changes c WHERE kind = 'undo'"
    " AND NOT EXISTS (SELECT 1 FROM changes r WHERE r.reverts = c.id)"
    " AND NOT EXISTS (SELECT 1 FROM changes n WHERE n.id > c.id AND n.kind = 'change')"
)


def _revert_one(db: Database, row: tuple[int] | None, kind: str, source: str | None, nothing: str) -> Change:
    if row is None:
        raise UserError(nothing)
    return _revert(db, _change(db, row[0]), kind, source)


def newest_change_id(db: Database) -> int:
    """The id of the newest change in the book (0 for none): what "the last change" means when a
    command is given, before it waits for the write lock."""
    return int(db.execute("SELECT ifnull(max(id), 0) FROM changes").fetchone()[0])


def undo(
    db: Database, source: str | None = None, change_id: int | None = None, *, given_at: int | None = None
) -> Change:
    """Revert the newest change (or redo) not yet undone, or the one given; return the undo.

    The undo is itself a change. Picking and reverting share one write transaction, so two cstui
    processes never revert the same change; a row changed since (outside cstui, or by a later
    change when one is picked by id) makes it refuse and change nothing. `given_at` (the
    `newest_change_id` when the user asked) bounds "the newest": a note the app saved while this
    undo waited for the book is not what the user asked to undo (issue 27 item 11).
    """
    from cstui.storage.bookfile.connection import write_transaction

    try:
        with write_transaction(db):
            if change_id is None:
                ceiling = -1 if given_at is None else given_at
                row = db.execute(_UNDOABLE + " AND (? < 0 OR id <= ?) ORDER BY id DESC LIMIT 1", [ceiling, ceiling])
                row = row.fetchone()
                nothing = "nothing to undo: the book's history holds no change that is not undone yet"
            else:
                row = db.execute(_UNDOABLE + " AND id = ?", [change_id]).fetchone()
                nothing = (
                    f"change {change_id}: no such change, or it is an undo or already undone (see `cstui history`)"
                )
            return _revert_one(db, row, "undo", source, nothing)
    except sqlite3.IntegrityError as error:  # a restored row whose parent is gone (deferred FK check)
        raise UserError(f"the book refused the undo ({error}); nothing was changed") from None


def redo(db: Database, source: str | None = None) -> Change:
    """Revert the newest undo, if no new change was made after it."""
    from cstui.storage.bookfile.connection import write_transaction

    try:
        with write_transaction(db):
            row = db.execute(_REDOABLE + " ORDER BY id DESC LIMIT 1").fetchone()
            return _revert_one(db, row, "redo", source, "nothing to redo: no undo since the last change")
    except sqlite3.IntegrityError as error:
        raise UserError(f"the book refused the redo ({error}); nothing was changed") from None


def iter_rows_text(change: Change) -> Iterator[str]:
    """Each row of a change in words: `tasks 12 update: done_on None -> 2026-11-20`."""
    for row in change.rows:
        if row.last_row_id is not None:
            yield f"{row.table} {row.row_id}..{row.last_row_id} insert: {row.size} rows (imported)"
        elif row.op == "update":
            assert row.old is not None and row.new is not None
            diff = [f"{c} {row.old.get(c)!r} -> {v!r}" for c, v in row.new.items() if row.old.get(c) != v]
            yield f"{row.table} {row.row_id} update: {', '.join(diff)}"
        else:
            values = row.new if row.op == "insert" else row.old
            yield f"{row.table} {row.row_id} {row.op}: {json.dumps(values, default=str, ensure_ascii=False)}"
