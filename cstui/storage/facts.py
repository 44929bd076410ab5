"""Facts a book records about itself (`book_facts`): for now, that `cstui demo` built it.

The mark lives in the book, not in its file name or its data, so `cstui demo --rebuild` can tell a
demo book from a real one whose account keys happen to look like the demo's.
"""

from sqlite_utils import Database

from cstui.storage.connection import write_transaction

BUILT_BY = "built_by"
DEMO = "cstui demo"


def mark_as_demo(db: Database) -> None:
    with write_transaction(db):
        db.execute(
            "INSERT INTO book_facts (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [BUILT_BY, DEMO],
        )


def is_demo(db: Database) -> bool:
    row = db.execute("SELECT value FROM book_facts WHERE name = ?", [BUILT_BY]).fetchone()
    return row is not None and row[0] == DEMO
