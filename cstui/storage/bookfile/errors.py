"""SQLite and file-system errors in words: the real cause, and a restore only when the book is damaged.

A full disk, a read-only folder or a busy book leave a healthy book behind; telling the user to
put a backup back would trade their latest work for nothing. Only damage (SQLite's CORRUPT or
NOTADB) sends them to `cstui doctor`, whose integrity check decides whether a restore is needed.
"""

import enum
import os
import sqlite3
from pathlib import Path

# Below this much free space where the book lives, an I/O error is taken for a full disk: SQLite
# reports a -shm or -wal it cannot create or grow on a full disk as a plain "disk I/O error".
FULL_BELOW_BYTES = 256 * 1024


class Cause(enum.Enum):
    BUSY = "busy"
    DISK_FULL = "disk full"
    IO = "disk I/O"
    READ_ONLY = "read-only"
    CANNOT_OPEN = "cannot open"
    DAMAGED = "damaged"
    OTHER = "other"


_BY_CODE = {
    "SQLITE_BUSY": Cause.BUSY,
    "SQLITE_LOCKED": Cause.BUSY,
    "SQLITE_FULL": Cause.DISK_FULL,
    "SQLITE_IOERR": Cause.IO,
    "SQLITE_READONLY": Cause.READ_ONLY,
    "SQLITE_PERM": Cause.READ_ONLY,
    "SQLITE_CANTOPEN": Cause.CANNOT_OPEN,
    "SQLITE_CORRUPT": Cause.DAMAGED,
    "SQLITE_NOTADB": Cause.DAMAGED,
}
_BY_TEXT = (
    ("locked", Cause.BUSY),
    ("busy", Cause.BUSY),
    ("disk is full", Cause.DISK_FULL),
    ("disk i/o error", Cause.IO),
    ("readonly database", Cause.READ_ONLY),
    ("unable to open database file", Cause.CANNOT_OPEN),
    ("malformed", Cause.DAMAGED),
    ("file is not a database", Cause.DAMAGED),
)


def disk_is_full(path: Path) -> bool:
    """Whether the file system holding `path` (a book, or where one would be) has next to no room."""
    where = path if path.is_dir() else path.parent
    try:
        found = os.statvfs(where)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < FULL_BELOW_BYTES


def cause_of(error: sqlite3.Error, path: Path | None = None) -> Cause:
    """Classify by SQLite's primary result code when present, else by its message; an I/O error
    (or a file that cannot be opened) where the disk at `path` is full is a full disk."""
    cause = _cause_of(error)
    if path is not None and cause in (Cause.IO, Cause.CANNOT_OPEN, Cause.OTHER) and disk_is_full(path):
        return Cause.DISK_FULL
    return cause


def _cause_of(error: sqlite3.Error) -> Cause:
    name = getattr(error, "sqlite_errorname", None) or ""
    primary = "_".join(name.split("_")[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    if primary in _BY_CODE:
        return _BY_CODE[primary]
    text = str(error).lower()
    return next((cause for fragment, cause in _BY_TEXT if fragment in text), Cause.OTHER)


_ADVICE = {
    Cause.BUSY: (
        "the book is busy (another cstui is writing to it, an import perhaps); "
        "nothing was changed, try again in a moment."
    ),
    Cause.DISK_FULL: "the disk is full; nothing was changed and the book is as it was. Free some space and try again",
    Cause.IO: "the disk reported an I/O error; this command's changes were not saved. Check the disk and try again",
    Cause.READ_ONLY: "the book or its folder is read-only (permissions); nothing was changed",
    Cause.CANNOT_OPEN: "the book's files cannot be opened or created (permissions on the file or its folder?)",
    Cause.DAMAGED: "the book may be damaged; `cstui doctor` checks it and says whether to put a backup back",
    Cause.OTHER: "`cstui doctor` checks the book",
}


def explain(error: sqlite3.Error, path: Path | None = None) -> str:
    """What to tell the user about `error` met on the book at `path`, naming the real cause."""
    return _ADVICE[cause_of(error, path)]
