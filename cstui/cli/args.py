"""What a command line names, read without typer: the book's path, a date, and output that never fails.

Bare `cstui` (the app) uses these before any of the CLI's machinery is imported; `cstui.cli.common`
hands the same functions and the same `opened` list to every command.
"""

import sys
from datetime import date
from pathlib import Path

from cstui.date_range import EARLIEST_DATE, LATEST_DATE  # every date the CLI accepts lies here
from cstui.errors import UserError
from cstui.storage.connection import default_book_path
from cstui.storage.csv_format import CellError, parse_date

opened: list[Path] = []  # the books this command opened, so an error met later can name the book


def book_path(db_path: Path | None) -> Path:
    return Path(db_path).expanduser() if db_path else default_book_path()


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
