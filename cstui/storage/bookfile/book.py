"""`Book`: a checked connection to one cstui book as a sqlite-utils `Database`, for the code that writes.

Kept apart from `cstui.storage.bookfile.connection` so that opening and checking a book (what the app's first
frame waits for) does not import sqlite-utils; `connect()` and the app make a `Book` when they need one.
"""

from sqlite_utils import Database

from cstui.storage.bookfile.book_file import BookReadOnly
from cstui.storage.bookfile.connection import Opened


class Book(Database):
    """A connection to one cstui book that remembers which file it opened and whether it may write.

    `write_transaction` asks it before every write (`check_writable`), and the app before every
    load (`identity.check()`), so a book moved, deleted, replaced or made read-only is never
    written blindly and never re-created empty at its old path.
    """

    def __init__(self, opened: Opened):
        super().__init__(opened.conn)
        self.path = opened.path
        self.identity = opened.identity
        self.read_only = opened.read_only  # why the book is read-only, or None

    def check_writable(self) -> None:
        if self.read_only:
            raise BookReadOnly(f"{self.path}: the book is open read-only ({self.read_only}); nothing was saved")
        self.identity.check()
