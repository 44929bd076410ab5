"""Options and helpers shared by every command (the ones that need no typer live in `cstui.cli.args`)."""

from pathlib import Path
from typing import Annotated, Any

import typer

from cstui.cli.args import as_of_date, book_path, given, opened
from cstui.storage.bookfile.book import Book
from cstui.storage.bookfile.connection import connect

__all__ = ["AsOfOption", "DbOption", "as_of_date", "book_path", "open_book", "opened"]


def given_db(value: Path | None) -> Path | None:
    """A command's `--db`: `cstui.cli.main` moved every `--db` on the line to the front, so it is in `given`."""
    return value if value is not None else (Path(given.db) if given.db is not None else None)


def given_as_of(value: str | None) -> str | None:
    """A command's `--as-of`, likewise taken from the front of the line."""
    return value if value is not None else given.as_of


def db_option(help_text: str) -> Any:
    """`--db`, for every command: it may stand before or after the command's name."""
    return typer.Option("--db", help=help_text, show_default=False, callback=given_db)


DbOption = Annotated[Path | None, db_option("The book file (default: $CSTUI_DB, else book.db in the user's data dir).")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Report date YYYY-MM-DD (default: today).", show_default=False, callback=given_as_of),
]


def open_book(db_path: Path | None, *, create: bool = False, migrate: bool = True) -> Book:
    """Open the book; only `init`, `demo` and `import` pass `create=True` (a missing book is an error)."""
    path = book_path(db_path)
    opened.append(path)
    return connect(path, create=create, migrate=migrate)
