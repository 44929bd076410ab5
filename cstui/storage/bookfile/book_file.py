"""What is at a book's path, decided before SQLite touches it: a cstui book, nothing, or someone else's file.

A cstui book carries SQLite's `application_id` header field set to `APPLICATION_ID`. Books made
before the mark existed are recognised by their `cstui` rows in `_sqlite_migrations` and get the
mark the next time they are opened for writing. Anything else is foreign and is refused without
a byte written, a mode changed or a side file (-wal, -shm) created: the header and the schema are
read only through an `immutable` read-only SQLite handle.

`BookIdentity` pins the file a connection opened (device and inode), so a book renamed, deleted
or replaced under a running cstui is noticed before the next write or load instead of a new,
empty book being created at the old path.
"""

import enum
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

from cstui.errors import UserError
from cstui.storage.bookfile.migrations import MIGRATION_SET

APPLICATION_ID = 0x43535455  # "CSTU" in the SQLite header's application_id field (offset 68)


class FileKind(enum.Enum):
    MISSING = "missing"
    EMPTY = "empty"  # a 0-byte file, or an SQLite file with no schema and no mark: `init` may make it a book
    CSTUI = "cstui"  # marked with APPLICATION_ID
    UNMARKED_CSTUI = "unmarked cstui"  # a cstui book from before the mark


class BookGone(UserError):
    """The file at the book's path is no longer the file cstui opened (moved, deleted or replaced)."""


class BookReadOnly(UserError):
    """The book is opened read-only (its mode or its folder says so); nothing may be written."""


def _stat(path: Path) -> os.stat_result | None:
    """`os.stat`, with a missing file as None and an unreachable one as a UserError (no traceback)."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError:
        raise UserError(f"{path}: cannot reach the book: permission denied on its folder") from None
    except OSError as error:
        raise UserError(f"{path}: cannot reach the book ({error.strerror})") from None


def _kind_of(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _look_inside(path: Path) -> tuple[int, int, bool]:
    """(application_id, schema objects, has cstui migration rows), read through an `immutable`
    read-only handle: no lock, no side file, no byte written. A marked book is not read further
    (its header field is all that is needed, and it never changes once set).

    Never a plain open()/close() of the file: closing any descriptor of a database file drops every
    POSIX lock this process holds on it, including those of the app's own live connections.
    """
    try:
        return _read_inside(f"{path.resolve().as_uri()}?mode=ro&immutable=1")
    except sqlite3.DatabaseError as error:
        if not path.with_name(path.name + "-wal").exists():
            raise _not_a_book(path, error) from None
    # A crash during a checkpoint leaves the main file readable only with its WAL, which `immutable`
    # ignores: read it once more through a plain read-only handle, which applies the WAL (rare: only
    # after such a crash, and before this process has the book open).
    try:
        return _read_inside(f"{path.resolve().as_uri()}?mode=ro")
    except sqlite3.DatabaseError as error:
        raise _not_a_book(path, error) from None


def _not_a_book(path: Path, error: sqlite3.DatabaseError) -> UserError:
    what = "not an SQLite database" if "not a database" in str(error) else f"SQLite cannot read it: {error}"
    return UserError(
        f"{path}: not a cstui book ({what}); cstui left it untouched. "
        f"If it was your book, `cstui doctor --db {path}` checks it."
    )


def _read_inside(uri: str) -> tuple[int, int, bool]:
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != 0:
            return app_id, 0, False
        objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        has_log = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
        ).fetchone()
        ours = bool(has_log) and bool(
            conn.execute("SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1", [MIGRATION_SET]).fetchone()
        )
        return app_id, objects, ours
    finally:
        conn.close()


def classify(path: Path) -> FileKind:
    """What is at `path`; a file that is not (and cannot become) a cstui book raises a UserError."""
    found = _stat(path)
    if found is None:
        return FileKind.MISSING
    if stat.S_ISDIR(found.st_mode):
        raise UserError(f"{path}: is a directory, not a book file")
    if not stat.S_ISREG(found.st_mode):  # a device, a FIFO, a socket: never opened, chmodded or journalled
        raise UserError(f"{path}: {_kind_of(found.st_mode)}, not a book file; cstui left it untouched")
    if found.st_size == 0:
        return FileKind.EMPTY
    if not os.access(path, os.R_OK):
        raise UserError(f"{path}: cannot read the book: permission denied")
    app_id, objects, ours = _look_inside(path)
    if app_id == APPLICATION_ID:
        return FileKind.CSTUI
    if app_id != 0:
        raise UserError(
            f"{path}: not a cstui book (an SQLite database of another program, application_id {app_id:#x}); "
            "cstui left it untouched"
        )
    if ours:
        return FileKind.UNMARKED_CSTUI
    if objects == 0:
        _refuse_damaged(path)  # `init`/`demo` would mark it, then fail on the damage
        return FileKind.EMPTY
    raise UserError(f"{path}: not a cstui book (an SQLite database with tables of its own); cstui left it untouched")


def foreign_reason(path: Path) -> str | None:
    """Why the file at `path` is plainly not a cstui book and must not be replaced (by `restore`) or
    diagnosed as a damaged book (by `doctor`): not a regular file, or a readable SQLite database of
    another program. None for a cstui book, an empty or missing file, or one SQLite cannot read
    (which may be a damaged book)."""
    found = _stat(path)
    if found is None or stat.S_ISDIR(found.st_mode):
        return None
    if not stat.S_ISREG(found.st_mode):
        return f"{_kind_of(found.st_mode)}, not a book file"
    if found.st_size == 0:
        return None
    try:
        app_id, objects, ours = _read_inside(f"{path.resolve().as_uri()}?mode=ro&immutable=1")
    except sqlite3.DatabaseError:
        return None
    if app_id not in (0, APPLICATION_ID):
        return f"not a cstui book (an SQLite database of another program, application_id {app_id:#x})"
    if app_id == 0 and not ours and objects:
        return "not a cstui book (an SQLite database with tables of its own)"
    return None


def _refuse_damaged(path: Path) -> None:
    """An SQLite file with no schema may still be damaged (a broken freelist): checked before any
    byte of it is written, so a book is not half made in it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        found = [row[0] for row in conn.execute("PRAGMA quick_check(1)")]
    except sqlite3.DatabaseError as error:
        found = [str(error)]
    finally:
        conn.close()
    if found != ["ok"]:
        first = found[0].replace("*** in database main ***", "").strip().splitlines()[0] if found else "?"
        raise UserError(f"{path}: an SQLite file with no tables that is damaged ({first}); cstui left it untouched")


def read_only_reason(path: Path) -> str | None:
    """Why the book must be opened read-only, or None: its owner-write bit is off (respected even
    for root, who could write anyway), or the user may not write it or its folder."""
    mode = os.stat(path).st_mode
    if not mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        return f"its mode is {stat.S_IMODE(mode):o}; `chmod 600 {path}` makes it writable"
    if not os.access(path.parent, os.W_OK):
        return f"its folder {path.parent} is not writable"
    return None


@dataclass(frozen=True)
class BookIdentity:
    """The file a connection opened, by device and inode, and the path it was opened by."""

    path: Path
    device: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> "BookIdentity":
        found = os.stat(path)
        return cls(path, found.st_dev, found.st_ino)

    def check(self) -> None:
        """Raise `BookGone` unless `path` is still the very file that was opened."""
        found = _stat(self.path)
        if found is not None and (found.st_dev, found.st_ino) == (self.device, self.inode):
            return
        now = self.whereabouts()
        if now == "deleted":
            where = "was deleted"
        elif now is not None:
            where = f"was moved to {now}"
        elif found is None:
            where = "was moved or deleted"
        else:
            where = "was replaced by another file"
        raise BookGone(
            f"the book at {self.path} {where}; nothing was saved, and cstui will not create a new book there"
        )

    def whereabouts(self) -> str | None:
        """Where the opened file is now ("deleted" or its new path), found through this process's own
        open file descriptors (Linux /proc); None where that cannot be known."""
        fd_dir = Path("/proc/self/fd")
        try:
            entries = list(fd_dir.iterdir())
        except OSError:
            return None
        for entry in entries:
            try:
                found = os.stat(entry)
                if (found.st_dev, found.st_ino) != (self.device, self.inode):
                    continue
                target = os.readlink(entry)
            except OSError:
                continue
            return "deleted" if target.endswith(" (deleted)") else target
        return None
