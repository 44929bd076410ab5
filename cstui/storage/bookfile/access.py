"""What the layers above storage need of SQLite, without importing `sqlite3` themselves.

The TUI and the CLI hold connections and catch a busy book; the types and the error check come
from here, so the storage layer stays the only one that knows the database driver.
"""

import sqlite3

Conn = sqlite3.Connection  # a book connection, as the read models and the engine take it
Error = sqlite3.Error  # any error of the database driver
OperationalError = sqlite3.OperationalError  # raised when the book is locked past the busy timeout


def is_busy(error: sqlite3.OperationalError) -> bool:
    """True when the error says another connection holds the book (locked or busy)."""
    return "locked" in str(error) or "busy" in str(error)


def is_interrupted(error: sqlite3.OperationalError) -> bool:
    """True when the query was stopped by `Connection.interrupt` (a newer one superseded it)."""
    return str(error) == "interrupted"
