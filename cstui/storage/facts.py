"""Facts a book records about itself (`book_facts`): that `cstui demo` built it, the currency of its amounts.

The mark lives in the book, not in its file name or its data, so `cstui demo --rebuild` can tell a
demo book from a real one whose account keys happen to look like the demo's.
"""

from sqlite_utils import Database

from cstui.storage.bookfile.connection import write_transaction

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


CURRENCY = "currency"


def book_currency(db: Database) -> str | None:
    """The currency the book's amounts are in, once an import has said it (`--book-currency`)."""
    row = db.execute("SELECT value FROM book_facts WHERE name = ?", [CURRENCY]).fetchone()
    return str(row[0]) if row is not None else None


def record_book_currency(db: Database, code: str) -> None:
    """Write the book's currency; called inside the import's change (so undo takes it back too)."""
    db.execute("INSERT INTO book_facts (name, value) VALUES (?, ?)", [CURRENCY, code])
