"""What the layers above storage need of SQLite, without importing `sqlite3` themselves.

The TUI and the CLI hold connections and catch a busy book; the types and the reader context
come from here, so the storage layer stays the only one that knows the database driver.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cstui.storage.connection import connect

Conn = sqlite3.Connection  # a book connection, as the read models and the engine take it
OperationalError = sqlite3.OperationalError  # raised when the book is locked past the busy timeout


def is_busy(error: sqlite3.OperationalError) -> bool:
    """True when the error says another connection holds the book (locked or busy)."""
    return "locked" in str(error) or "busy" in str(error)


@contextmanager
def reader(path: Path) -> Iterator[Conn]:
    """A connection of its own for a worker thread (WAL lets it read while another writes)."""
    db = connect(path, migrate=False)
    try:
        yield db.conn
    finally:
        db.conn.close()
