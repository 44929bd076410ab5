"""Options and helpers shared by every command."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage.connection import connect
from cstui.storage.csv_format import CellError, parse_date

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="The book file (default: $CSTUI_DB, else book.db in the user's data dir).", show_default=False
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Report date YYYY-MM-DD (default: today).", show_default=False)
]


def open_book(db_path: Path | None) -> Database:
    return connect(db_path)


def as_of_date(text: str | None, label: str = "--as-of") -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(parse_date(text.strip()))
    except CellError as error:
        raise UserError(f"{label}: {error}") from None
