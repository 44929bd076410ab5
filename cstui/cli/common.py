"""Options and helpers shared by every command (the ones that need no typer live in `cstui.cli.args`)."""

from pathlib import Path
from typing import Annotated

import typer

from cstui.cli.args import as_of_date, book_path, opened
from cstui.storage.book import Book
from cstui.storage.connection import connect

__all__ = ["AsOfOption", "DbOption", "as_of_date", "book_path", "open_book", "opened"]

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The book file (default: $CSTUI_DB, else book.db in the user's data dir).", show_default=False
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Report date YYYY-MM-DD (default: today).", show_default=False)
]


def open_book(db_path: Path | None, *, create: bool = False, migrate: bool = True) -> Book:
    """Open the book; only `init`, `demo` and `import` pass `create=True` (a missing book is an error)."""
    path = book_path(db_path)
    opened.append(path)
    return connect(path, create=create, migrate=migrate)
