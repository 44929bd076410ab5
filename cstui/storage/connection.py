"""Open the book: the single `connect()` used by the CLI, the TUI and the tests.

Every connection gets the same safety settings (WAL, synchronous=FULL, foreign keys, a busy
timeout), the file and its -wal/-shm are private to the user (0600), and pending schema steps are
applied after a backup taken with SQLite's online backup API. A book written by a newer cstui is
refused before anything is written to it.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage import history
from cstui.storage.migrations import MIGRATION_SET, known_steps, migration_set

BUSY_TIMEOUT_MS = 10_000
PRIVATE = 0o600
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)


def default_book_path() -> Path:
    """`CSTUI_DB` if set, else `book.db` in the user's data directory."""
    if env := os.environ.get("CSTUI_DB"):
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("cstui") / "book.db"


def applied_steps(conn: sqlite3.Connection) -> list[str]:
    """Migration steps recorded in a book, oldest first (empty for a new file)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not has_table:
        return []
    rows = conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET])
    return [name for (name,) in rows]


def _inspect_read_only(path: Path) -> list[str]:
    """Read the applied steps without writing a byte, so a refused book stays untouched."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return applied_steps(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise UserError(
            f"{path}: cannot read this book ({error}); it is not a cstui book or it is damaged. "
            "Check it with `cstui doctor` or put a backup back with `cstui restore BACKUP`."
        ) from None


def _refuse_newer(path: Path, applied: list[str]) -> None:
    unknown = [name for name in applied if name not in set(known_steps())]
    if unknown:
        raise UserError(
            f"{path}: this book was written by a newer cstui (schema steps unknown here: "
            f"{', '.join(unknown)}). Upgrade cstui to open it; the book was left untouched."
        )


def _make_private(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            os.chmod(candidate, PRIVATE)


def backup_to(conn: sqlite3.Connection, target: Path) -> Path:
    """Copy a live book (WAL content included) to `target` with the online backup API, mode 0600."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, PRIVATE))
    os.chmod(target, PRIVATE)
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    _make_private(target)
    return target


def _backup_before_migrating(conn: sqlite3.Connection, path: Path, step: str) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return backup_to(conn, path.with_name(f"{path.name}.before-{step}-{stamp}.bak"))


def connect(path: Path | str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the book at `path` with cstui's pragmas and an up-to-date schema."""
    path = Path(path).expanduser() if path is not None else default_book_path()
    if path.is_dir():
        raise UserError(f"{path}: is a directory, not a book file")
    existed = path.exists() and path.stat().st_size > 0
    if existed:
        _refuse_newer(path, _inspect_read_only(path))
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE))
    os.chmod(path, PRIVATE)  # SQLite gives -wal and -shm the main file's mode
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        for pragma in PRAGMAS:
            conn.execute(pragma)
        db = Database(conn)
        if migrate:
            apply_pending(db, path, backup=existed)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise UserError(
            f"{path}: cannot open this book ({error}). Check it with `cstui doctor` "
            "or put a backup back with `cstui restore BACKUP`."
        ) from None
    _make_private(path)
    return db


@contextmanager
def write_transaction(db: Database, change: str | None = None, source: str | None = None) -> Iterator[Database]:
    """One write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" when another connection wrote in between (WAL snapshot conflict), without waiting for
    the busy timeout. Taking the lock first makes concurrent writers queue instead. Nested use
    becomes a savepoint.

    `change` names what the user did ("note 12 edited") and `source` where (cli, tui, import;
    default: the process's, see `history.set_default_source`): every row written is then recorded
    in the book's history under that change, so it can be listed and undone. A nested transaction
    joins the change already open.
    """
    if db.conn.in_transaction:
        with db.atomic():
            opened = history.open_change(db, change, source) if change and not history.change_is_open(db) else None
            yield db
            if opened is not None:
                history.close_change(db, opened)
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        opened = history.open_change(db, change, source) if change else None
        yield db
        if opened is not None:
            history.close_change(db, opened)
    except BaseException:
        db.conn.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.conn.rollback()
        raise


def pending_steps(db: Database) -> list[str]:
    return [m.name for m in migration_set().pending(db)]


def apply_pending(db: Database, path: Path, *, backup: bool = True) -> Path | None:
    """Apply pending schema steps, first backing up a book that already holds data."""
    pending = pending_steps(db)
    if not pending:
        return None
    saved = _backup_before_migrating(db.conn, path, pending[0]) if backup else None
    migration_set().apply(db)
    return saved
