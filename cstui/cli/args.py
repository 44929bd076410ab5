"""What a command line names, read without typer: the book's path, a date, and output that never fails.

Bare `cstui` (the app) uses these before any of the CLI's machinery is imported; `cstui.cli.common`
hands the same functions and the same `opened` list to every command.
"""

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cstui import clock
from cstui.date_range import EARLIEST_DATE, LATEST_DATE  # every date the CLI accepts lies here
from cstui.errors import UserError
from cstui.storage.bookfile.connection import default_book_path
from cstui.storage.imports.csv_format import CellError, parse_date

opened: list[Path] = []  # the books this command opened, so an error met later can name the book

# The options every command takes, in any position: which book, and which day is today.
BOOK_OPTIONS = ("--db", "--as-of")


@dataclass
class BookOptions:
    """`--db` and `--as-of` as given on this command line, wherever they stood (see `hoist_book_options`)."""

    db: str | None = None
    as_of: str | None = None


given = BookOptions()


def hoist_book_options(args: list[str]) -> list[str]:
    """Move `--db` and `--as-of` to the front of the command line, wherever the user put them.

    They name the book and the day for the whole command, so `cstui --db X account add ...` and
    `cstui account add ... --db X` must mean the same; a click option is only read where its command
    stands, which let the first form silently use the default book. Once in front, the top-level
    callback reads them and every command's `--db`/`--as-of` takes them from `given`. The same option
    given twice with different values is refused: which book was meant cannot be guessed.
    Words after `--` are arguments, never options."""
    front: dict[str, str] = {}
    rest: list[str] = []
    words = list(args)
    while words:
        word = words.pop(0)
        if word == "--":
            rest += [word, *words]
            break
        name, equals, value = word.partition("=")
        if name not in BOOK_OPTIONS or (not equals and not words):
            rest.append(word)  # not ours, or an option without its value: typer names the mistake
            continue
        value = value if equals else words.pop(0)
        if name in front and _same(name, front[name], value) is False:
            raise UserError(f"{name} is given twice ({front[name]} and {value}); give it once")
        front[name] = value
    hoisted = [part for name, value in front.items() for part in (name, value)]
    return hoisted + rest


def _same(name: str, first: str, second: str) -> bool:
    if name == "--db":
        return Path(first).expanduser().resolve() == Path(second).expanduser().resolve()
    return first.strip() == second.strip()


def book_path(db_path: Path | None) -> Path:
    db = db_path if db_path else given.db
    return Path(db).expanduser() if db else default_book_path()


def pin_today(text: str | None) -> None:
    """`--as-of` pins the day every check and default date of this command counts from (`cstui.clock`)."""
    clock.pin(as_of_date(text) if text is not None else None)


def as_of_date(text: str | None, label: str = "--as-of") -> date:
    if text is None:
        return clock.today()
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
