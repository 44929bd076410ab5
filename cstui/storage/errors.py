"""SQLite and file-system errors in words: the real cause, and a restore only when the book is damaged.

A full disk, a read-only folder or a busy book leave a healthy book behind; telling the user to
put a backup back would trade their latest work for nothing. Only damage (SQLite's CORRUPT or
NOTADB) sends them to `cstui doctor`, whose integrity check decides whether a restore is needed.
"""

import enum
import sqlite3


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


def cause_of(error: sqlite3.Error) -> Cause:
    """Classify by SQLite's primary result code when present, else by its message."""
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


def explain(error: sqlite3.Error) -> str:
    """What to tell the user about `error`, naming the real cause."""
    return _ADVICE[cause_of(error)]
