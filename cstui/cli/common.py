"""Options and helpers shared by every command."""

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cstui.errors import UserError
from cstui.storage.connection import Book, connect, default_book_path
from cstui.storage.csv_format import CellError, parse_date

# Every date the CLI accepts (--as-of, --period, --date ...) lies in this range: wide enough for
# any book, narrow enough that the engine's date arithmetic (windows, horizons, month-ends) never
# overflows Python's date and no computation runs over thousands of years.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The book file (default: $CSTUI_DB, else book.db in the user's data dir).", show_default=False
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Report date YYYY-MM-DD (default: today).", show_default=False)
]

opened: list[Path] = []  # the books this command opened, so an error met later can name the book


def book_path(db_path: Path | None) -> Path:
    return Path(db_path).expanduser() if db_path else default_book_path()


def open_book(db_path: Path | None, *, create: bool = False, migrate: bool = True) -> Book:
    """Open the book; only `init`, `demo` and `import` pass `create=True` (a missing book is an error)."""
    path = book_path(db_path)
    opened.append(path)
    return connect(path, create=create, migrate=migrate)


def as_of_date(text: str | None, label: str = "--as-of") -> date:
    if text is None:
        return date.today()
    try:
        day = date.fromisoformat(parse_date(text.strip()))
    except CellError as error:
        raise UserError(f"{label}: {error}") from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise UserError(f"{label}: {day} is outside the dates cstui works with ({EARLIEST_DATE} to {LATEST_DATE})")
    return day


def tolerant_output() -> None:
    """Let output that the terminal's encoding cannot show (café€ on latin-1, ✓ on ASCII) come out
    escaped instead of ending the command in a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            reconfigure(errors="backslashreplace")
