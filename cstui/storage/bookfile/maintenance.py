"""Looking after the book: integrity checks (`cstui doctor`), restore, and daily automatic backups.

Besides SQLite's own checks, `doctor` reads the values the schema cannot vouch for: dates written
before the date guards of migration 0008 (or with them dropped), conversations and survey
responses dated after today, and health settings the score cannot use. Each is named by table,
column and row with the command that fixes it; a restore is advised only for a damaged file.
"""

import os
import shlex
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from cstui.errors import UserError
from cstui.metrics.config_rules import config_problems
from cstui.safe_text import visible
from cstui.storage import predicates as rule
from cstui.storage.bookfile.book_file import foreign_reason
from cstui.storage.bookfile.connection import applied_steps, backup_to, connect
from cstui.storage.bookfile.date_guards import DATE_COLUMNS, DATE_GUARD_STEP, date_guard_names, not_a_date
from cstui.storage.bookfile.migrations import known_steps

DAILY_BACKUPS_KEPT = 7
SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}
# What the CSM logs happened on or before the day it is logged (issue 11).
NOT_AFTER_TODAY = (("interactions", "occurred_on"), ("surveys", "responded_on"))
# Tables whose rows have an `id` column (the others are named by rowid).
ID_TABLES = {"accounts", "contacts", "mrr_history", "invoices", "interactions", "surveys", "tickets", "tasks"}
BAD_VALUES_SHOWN = 10  # per column; the rest are counted
# The cstui command that edits a row's date (recorded in the history, undoable) where there is one.
EDIT_COMMANDS = {"interactions": "note", "surveys": "survey"}


@dataclass
class Checkup:
    """What `cstui doctor` found: facts to show and problems in plain words."""

    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _checking(path: Path) -> sqlite3.Connection:
    """A connection for the integrity check that cannot write (`query_only`) but is not opened
    read-only where the file allows writing: on a read-only connection SQLite's integrity_check
    skips the CHECK constraints, so a score of 11 written with the checks switched off went unseen."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
        conn.execute("PRAGMA query_only = 1")
        return conn
    except sqlite3.OperationalError:
        return _read_only(path)  # a read-only file or folder: the constraints go unchecked


def check_file(path: Path) -> tuple[list[str], list[str]]:
    """Integrity, foreign keys and schema steps of a book file, without writing to it.

    Returns (facts, problems); a file SQLite cannot read is a problem, not an exception.
    """
    facts: list[str] = []
    problems: list[str] = []
    try:
        conn = _checking(path)
        try:
            integrity = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
            orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
            steps = applied_steps(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return facts, [f"SQLite cannot read this file ({error}): it is damaged or not a cstui book."]
    except UnicodeDecodeError:
        return facts, [
            "the book holds text that is not valid UTF-8 where cstui keeps its schema record: it is damaged."
        ]
    if integrity == ["ok"]:
        facts.append("integrity_check: ok")
    else:
        problems.append("integrity_check found damage: " + "; ".join(integrity[:5]))
    if orphans:
        tables = sorted({row[0] for row in orphans})
        problems.append(f"{len(orphans)} rows point at rows that no longer exist (in {', '.join(tables)})")
    else:
        facts.append("foreign_key_check: ok (no row points at a missing row)")
    known = known_steps()
    unknown = [s for s in steps if s not in known]
    pending = [s for s in known if s not in steps]
    if unknown:
        problems.append(f"written by a newer cstui (unknown schema steps: {', '.join(unknown)}); upgrade cstui")
    elif not steps:
        problems.append("no cstui schema steps recorded: this is not a cstui book")
    else:
        state = "up to date" if not pending else f"{len(pending)} pending (applied on the next open)"
        facts.append(f"schema: {len(steps)} of {len(known)} steps applied, {state}; latest {steps[-1]}")
    return facts, problems


def _account_key(table: str, columns: set[str]) -> str:
    """SQL for the key of the account a row of `table` belongs to (NULL for a table of no account)."""
    if table == "accounts":
        return "t.key"
    return "(SELECT key FROM accounts WHERE id = t.account_id)" if "account_id" in columns else "NULL"


@dataclass(frozen=True)
class BadValue:
    """A value in the book that the engine cannot use, where it is, and why."""

    table: str
    column: str
    rowid: int
    account: str | None
    value: object
    why: str

    def row(self) -> str:
        return f"id = {self.rowid}" if self.table in ID_TABLES else f"rowid = {self.rowid}"

    def describe(self, book: str) -> str:
        """One line: where, what, why, and the command that puts a real date in its place."""
        where = f"{self.table}.{self.column} of {self.row().replace(' = ', ' ')}"
        if self.account is not None:
            where += f" (account {visible(self.account, one_line=True, limit=40)})"
        shown = visible(self.value, one_line=True, limit=40)
        return f"{where} is '{shown}', {self.why}; fix with: {self.fix(book)}"

    def fix(self, book: str) -> str:
        """The command that puts a real date in its place: cstui's own edit where one exists."""
        if self.why.startswith("after today") and self.table in EDIT_COMMANDS:
            return f"cstui {EDIT_COMMANDS[self.table]} edit {self.rowid} --date YYYY-MM-DD --db {book}"
        update = f"UPDATE {self.table} SET {self.column} = 'YYYY-MM-DD' WHERE {self.row()}"
        return f'sqlite-utils query {book} "{update}"'


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM pragma_table_info(?)", [table])}


def _scan(
    conn: sqlite3.Connection, book: str, table: str, column: str, condition: str, params: list[str], why: str
) -> list[str]:
    """Up to BAD_VALUES_SHOWN values of `table.column` meeting `condition`, then how many more."""
    columns = {name for (name,) in conn.execute("SELECT name FROM pragma_table_info(?)", [table])}
    rows = conn.execute(
        f"SELECT t.rowid, t.{column}, {_account_key(table, columns)} FROM {table} AS t WHERE {condition}"
        f" ORDER BY t.rowid LIMIT {BAD_VALUES_SHOWN + 1}",
        params,
    ).fetchall()
    found = [BadValue(table, column, rowid, key, value, why) for rowid, value, key in rows]
    lines = [bad.describe(book) for bad in found[:BAD_VALUES_SHOWN]]
    if len(found) > BAD_VALUES_SHOWN:
        total = conn.execute(f"SELECT count(*) FROM {table} AS t WHERE {condition}", params).fetchone()[0]
        lines.append(f"{table}.{column}: {total - BAD_VALUES_SHOWN:,} more rows like these")
    return lines


def value_problems(conn: sqlite3.Connection, book: Path, today: date) -> list[str]:
    """Bad dates, missing date guards, future-dated entries and unusable health settings, in words."""
    quoted = shlex.quote(str(book))
    problems = []
    guarded = DATE_GUARD_STEP in applied_steps(conn)
    triggers = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table, columns in DATE_COLUMNS.items():
        present = {name for (name,) in conn.execute("SELECT name FROM pragma_table_info(?)", [table])}
        for column in (c for c in columns if c in present):  # a pending step may add one later
            problems += _scan(conn, quoted, table, column, f"({not_a_date(column)})", [], "not a date (YYYY-MM-DD)")
            missing = [name for name in date_guard_names(table, column) if name not in triggers]
            if guarded and missing:
                problems.append(
                    f"{table}.{column} accepts values that are not dates: its guard trigger {missing[0]} is missing"
                )
    for table, column in NOT_AFTER_TODAY:
        condition = f"t.{column} > ? AND NOT ({not_a_date(column)})"
        if table == "interactions" and "ingest_key" in _columns(conn, table):  # booked meetings are dated ahead
            condition += f" AND NOT {rule.calendar_meeting('t')}"
        why = f"after today ({today.isoformat()}): put the day it happened"
        problems += _scan(conn, quoted, table, column, condition, [today.isoformat()], why)
    settings = conn.execute("SELECT name, value FROM health_config").fetchall()
    problems += [f"{p.message}; fix with: {p.fix}" for p in config_problems(settings, quoted)]
    return problems


def checkup(path: Path, today: date) -> Checkup:
    """Everything `cstui doctor` reports about the book at `path`."""
    result = Checkup()
    if not path.exists():
        result.problems.append(f"{path}: no book here (create one with `cstui init` or `cstui demo`)")
        return result
    if (why := foreign_reason(path)) is not None:  # someone else's file: nothing to repair or restore
        result.problems.append(f"{path}: {why}; cstui does not change it (give --db the path of a cstui book)")
        return result
    mode = path.stat().st_mode & 0o777
    result.facts.append(f"book: {path} ({path.stat().st_size / 1e6:.1f} MB, mode {mode:o})")
    if mode & 0o077:
        result.problems.append(f"the book is readable by other users (mode {mode:o}); cstui sets 600 on open")
    facts, problems = check_file(path)
    result.facts += facts
    result.problems += problems
    if not problems:
        try:
            result.facts.append(f"pragmas in force: {_pragmas(path)}")
        except UserError as error:
            result.problems.append(str(error))
    backups = sorted(backup_dir(path).glob("*.db"))
    result.facts.append(
        f"daily backups: {len(backups)} in {backup_dir(path)}" + (f" (newest {backups[-1].name})" if backups else "")
    )
    if result.problems and backups:
        result.problems.append(f"to put the newest backup back: cstui restore {backups[-1]} --db {path}")
    elif result.problems:
        result.problems.append("put a backup back with: cstui restore BACKUP")
    if not problems:  # the file is sound: look at what it holds (a restore would not help here)
        conn = _read_only(path)
        conn.text_factory = lambda raw: raw.decode("utf-8", "replace")  # a damaged text is shown, not fatal
        try:
            result.problems += value_problems(conn, path, today)
        except sqlite3.DatabaseError as error:
            result.problems.append(f"SQLite could not read every value of the book ({error})")
        finally:
            conn.close()
    return result


def _pragmas(path: Path) -> str:
    """The settings a cstui connection to this book runs with."""
    conn = connect(path, migrate=False).conn
    try:
        return (
            f"journal_mode={conn.execute('PRAGMA journal_mode').fetchone()[0]} "
            f"synchronous={SYNCHRONOUS[conn.execute('PRAGMA synchronous').fetchone()[0]]} "
            f"foreign_keys={'ON' if conn.execute('PRAGMA foreign_keys').fetchone()[0] else 'OFF'} "
            f"busy_timeout={conn.execute('PRAGMA busy_timeout').fetchone()[0]}ms"
        )
    finally:
        conn.close()


def restore(backup: Path, book: Path) -> Path | None:
    """Replace the book's content with a checked backup; the old content is kept aside first.

    Returns where the old content was kept, or None when there was no book at `book` to keep.
    """
    if not backup.is_file():
        raise UserError(f"{backup}: no such backup file")
    if (why := foreign_reason(book)) is not None:
        raise UserError(f"{book}: {why}; not restored, cstui left it untouched. Give --db a cstui book or a new path")
    _, problems = check_file(backup)
    if problems:
        raise UserError(f"{backup}: not restored, the backup itself is unusable: {problems[0]}")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside: Path | None = None
    if book.exists() and book.stat().st_size > 0:
        aside = book.with_name(f"{book.name}.before-restore-{stamp}.bak")
        _, book_problems = check_file(book)
        if book_problems:  # a damaged book cannot be copied page by page; keep its bytes as they are
            os.replace(book, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{book}{suffix}").unlink(missing_ok=True)
        else:
            current = connect(book)
            backup_to(current.conn, aside)
            current.conn.close()
    source = _read_only(backup)
    target = connect(book, migrate=False, create=True)
    try:
        source.backup(target.conn)
    finally:
        source.close()
        target.conn.close()
    connect(book).conn.close()  # bring an older backup's schema up to date
    return aside


def backup_dir(book: Path) -> Path:
    return book.with_name(f"{book.name}.backups")


def daily_backup(conn: sqlite3.Connection, book: Path, day: date, keep: int = DAILY_BACKUPS_KEPT) -> Path | None:
    """Once a day, copy the book next to itself and keep only the newest `keep` copies."""
    directory = backup_dir(book)
    target = directory / f"{book.stem}-{day.isoformat()}.db"
    if target.exists():
        return None
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    # Copied under another name, then renamed: the app quit (or killed) half-way through copying a
    # large book must not leave a partial file that counts as the day's backup.
    partial = directory / f".{target.name}.partial"
    for leftover in (partial, Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
    backup_to(conn, partial)
    os.replace(partial, target)
    for old in sorted(directory.glob(f"{book.stem}-*.db"))[:-keep]:
        old.unlink()
    return target
