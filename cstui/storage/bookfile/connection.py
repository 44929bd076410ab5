"""Open the book: the single `connect()` used by the CLI, the TUI and the tests.

Every connection gets the same safety settings (WAL, synchronous=FULL, foreign keys, a busy
timeout), the file and its -wal/-shm are private to the user (0600), and pending schema steps are
applied after a backup taken with SQLite's online backup API. A book written by a newer cstui, a
file that is not a cstui book, and a missing file (unless asked to create one) are refused before
anything is written; a read-only book is opened read-only.

`open_connection()` does all of that on a plain `sqlite3` connection; `connect()` wraps it in a
`Book` (sqlite-utils, `cstui.storage.bookfile.book`) for the code that writes. This module imports neither
sqlite-utils nor the history, so the app's first frame waits only for the checks and the pragmas.
"""

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cstui.errors import UserError
from cstui.storage.bookfile.book_file import APPLICATION_ID, BookIdentity, FileKind, classify, read_only_reason
from cstui.storage.bookfile.errors import Cause, cause_of, explain
from cstui.storage.bookfile.migrations import MIGRATION_SET, known_steps

if TYPE_CHECKING:
    from sqlite_utils import Database

    from cstui.storage.bookfile.book import Book

BUSY_TIMEOUT_MS = 10_000
PRIVATE = 0o600
PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)
READ_ONLY_PRAGMAS = ("PRAGMA query_only = ON", "PRAGMA foreign_keys = ON", f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


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


def _read_only_uri(path: Path) -> str:
    """A read-only URI for the book. Without a -wal next to it, nothing is being written and the
    file's own pages are the whole book, so it is opened `immutable`: no -wal or -shm is created
    next to a read-only book or in a read-only folder (where SQLite could not create them anyway)."""
    live = Path(f"{path}-wal").exists()
    return f"{path.resolve().as_uri()}?mode=ro" + ("" if live or not read_only_reason(path) else "&immutable=1")


def _inspect_read_only(path: Path) -> list[str]:
    """Read the applied steps of a cstui book without writing a byte, so a refused book stays untouched.
    Without a -wal next to it the file is the whole book and is read `immutable`: a plain read-only
    open would create an empty -wal and -shm beside a book that is then refused (a newer one)."""
    live = Path(f"{path}-wal").exists()
    uri = _read_only_uri(path) if live else f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            return applied_steps(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        if cause_of(error, path) is not Cause.DAMAGED and cause_of(error, path) is not Cause.OTHER:
            raise UserError(f"{path}: cannot open the book ({error}); {explain(error, path)}") from None
        raise UserError(
            f"{path}: cannot read this book ({error}); cstui left it untouched. "
            f"`cstui doctor --db {path}` checks whether it is damaged."
        ) from None


def _refuse_newer(path: Path, applied: list[str]) -> None:
    known = set(known_steps())
    unknown = [name for name in applied if name not in known]
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


def _create_file(path: Path) -> None:
    """Create an empty, private book file (and its folders): only for `init`, `demo`, `import`, `restore`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE))
    except PermissionError:
        raise UserError(f"{path}: cannot create the book: permission denied (is {path.parent} writable?)") from None
    except OSError as error:
        raise UserError(f"{path}: cannot create the book ({error.strerror})") from None


def _open_sqlite(path: Path, read_only: str | None) -> sqlite3.Connection:
    if read_only:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        for pragma in READ_ONLY_PRAGMAS:
            conn.execute(pragma)
        return conn
    _make_private(path)  # before SQLite opens them: it gives a new -wal and -shm the main file's mode
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        # Before WAL: a new book's header is marked on disk at once, not only in its -wal.
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for pragma in PRAGMAS:
        conn.execute(pragma)
    return conn


@dataclass(frozen=True)
class Opened:
    """A plain connection to a checked book, with what `connect()` and the app need to know of it."""

    conn: sqlite3.Connection
    path: Path
    read_only: str | None  # why the book is open read-only, or None
    identity: BookIdentity  # the file opened, so a move, deletion or replacement is noticed
    existed: bool  # a book before this open (not made by it): its schema steps are backed up first
    created: bool = False  # the file was made by this open: a failure before the book is whole removes it


def open_connection(path: Path | str | None = None, *, create: bool = False) -> Opened:
    """Open the cstui book at `path` with cstui's pragmas, refusing what `connect()` refuses; the
    schema is not brought up to date here (`bring_up_to_date`), and no sqlite-utils is involved."""
    path = Path(path).expanduser() if path is not None else default_book_path()
    kind = classify(path)
    if kind is FileKind.MISSING and not create:
        raise UserError(f"{path}: no book here. Create one with `cstui init --db {path}`, or try `cstui demo`.")
    if kind is FileKind.EMPTY and not create:
        raise UserError(f"{path}: an empty file, not a cstui book; `cstui init --db {path}` makes it one")
    created = kind is FileKind.MISSING
    if created:
        _create_file(path)
    try:
        return _open_checked(path, kind, created)
    except BaseException:
        if created:
            _take_back(path)
        raise


def _open_checked(path: Path, kind: FileKind, created: bool) -> Opened:
    existed = kind in (FileKind.CSTUI, FileKind.UNMARKED_CSTUI)
    if existed:
        _refuse_newer(path, _inspect_read_only(path))
    read_only = read_only_reason(path)
    if read_only and not existed:
        raise UserError(f"{path}: cannot make this file a book: {read_only}")
    try:
        conn = _open_sqlite(path, read_only)
    except sqlite3.DatabaseError as error:
        raise UserError(f"{path}: cannot open the book ({error}); {_cause(error, path)}") from None
    return Opened(conn, path, read_only, BookIdentity.of(path), existed, created)


def _take_back(path: Path) -> None:
    """Remove a book this process created and could not finish (a full disk during `init`): a
    0-byte or half-made file left behind would be refused later as "not a cstui book"."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def bring_up_to_date(opened: Opened, book: "Database | None" = None) -> None:
    """Apply the schema steps the book lacks (a read-only book that lacks some is refused). Which
    steps are lacking is read with plain SQL; sqlite-utils is loaded only to apply them (through
    `book`, or a `Book` made on the same connection). Errors close the connection."""
    path, conn = opened.path, opened.conn
    try:
        if not pending_of(conn):
            return
        if opened.read_only:
            raise UserError(
                f"{path}: the book is read-only ({opened.read_only}) and needs schema steps this cstui applies "
                "first; nothing was changed"
            )
        if book is None:
            from cstui.storage.bookfile.book import Book

            book = Book(opened)
        apply_pending(book, path, backup=opened.existed)
    except sqlite3.DatabaseError as error:
        conn.close()
        raise UserError(f"{path}: cannot open the book ({error}); {_cause(error, path)}") from None
    except BaseException:
        conn.close()
        raise


def finish_opening(opened: Opened) -> None:
    """After the schema steps: the book and its side files private again (a new -wal, a step's backup)."""
    if not opened.read_only:
        _make_private(opened.path)


def connect(path: Path | str | None = None, *, migrate: bool = True, create: bool = False) -> "Book":
    """Open the cstui book at `path` with cstui's pragmas and an up-to-date schema.

    Only `create=True` (for `init`, `demo`, `import`, `restore`) makes a new book, at a missing
    path or in an empty file; everything else at a missing path is a UserError, and a file that is
    not a cstui book is refused untouched. A read-only file, or one in a read-only folder, is
    opened read-only: reads work, writes are refused with a message.
    """
    opened = open_connection(path, create=create)
    try:
        from cstui.storage.bookfile.book import Book

        db = Book(opened)
    except sqlite3.DatabaseError as error:
        opened.conn.close()
        if opened.created:
            _take_back(opened.path)
        raise UserError(f"{opened.path}: cannot open the book ({error}); {_cause(error, opened.path)}") from None
    except BaseException:
        opened.conn.close()
        if opened.created:
            _take_back(opened.path)
        raise
    if migrate:
        try:
            bring_up_to_date(opened, db)
        except BaseException:  # the connection is closed already
            if opened.created:
                _take_back(opened.path)
            raise
    finish_opening(opened)
    return db


def _cause(error: sqlite3.DatabaseError, path: Path) -> str:
    """The likely cause of an error met while opening, in words (see `cstui.storage.bookfile.errors`)."""
    return explain(error, path)


@dataclass(frozen=True)
class ChangeMade:
    """What `write_transaction` yields: the change its rows are recorded under, so the caller can
    name it (the check-in's undo, a playbook applied) without looking up "the newest change" after.

    `id` is the `changes` row (0 when the transaction records no change). A change that touched no
    row is not kept, so an id is only worth keeping when something was written."""

    id: int


@contextmanager
def write_transaction(db: "Database", change: str | None = None, source: str | None = None) -> "Iterator[ChangeMade]":
    """One write transaction that takes the write lock up front (BEGIN IMMEDIATE).

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" when another connection wrote in between (WAL snapshot conflict), without waiting for
    the busy timeout. Taking the lock first makes concurrent writers queue instead. Nested use
    becomes a savepoint.

    `change` names what the user did ("note 12 edited") and `source` where (cli, tui, import;
    default: the process's, see `history.set_default_source`): every row written is then recorded
    in the book's history under that change, so it can be listed and undone. A nested transaction
    joins the change already open. It yields the `ChangeMade` its rows are recorded under.

    A `Book` is asked first whether it may write (not read-only) and, once the lock is held,
    whether its path is still the file it opened: a moved, deleted or replaced book raises
    `BookGone` and nothing is written.
    """
    from cstui.storage import history
    from cstui.storage.bookfile.book import Book

    if db.conn.in_transaction:
        with db.atomic():
            opened = history.open_change(db, change, source) if change and not history.change_is_open(db) else None
            yield ChangeMade(opened or history.open_change_id(db) or 0)
            if opened is not None:
                history.close_change(db, opened)
        return
    if isinstance(db, Book) and db.read_only:
        db.check_writable()
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        if isinstance(db, Book):
            db.check_writable()
        opened = history.open_change(db, change, source) if change else None
        yield ChangeMade(opened or 0)
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


def pending_of(conn: sqlite3.Connection) -> list[str]:
    """The schema steps this cstui knows and the book lacks, oldest first: the steps' file names
    against the book's `_sqlite_migrations` rows, without sqlite-utils or the steps' SQL."""
    applied = set(applied_steps(conn))
    return [name for name in known_steps() if name not in applied]


def pending_steps(db: "Database") -> list[str]:
    return pending_of(db.conn)


def apply_pending(db: "Database", path: Path, *, backup: bool = True) -> Path | None:
    """Apply pending schema steps, first backing up a book that already holds data."""
    from cstui.storage.bookfile.migrations import migration_set

    pending = pending_steps(db)
    if not pending:
        return None
    saved = _backup_before_migrating(db.conn, path, pending[0]) if backup else None
    migration_set().apply(db)
    return saved
