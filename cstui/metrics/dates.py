"""Dates read back from the book, where a value that is not a date stops with one clear line.

The schema refuses such values (migration 0008), but a book may hold them from before that step
or from a hand edit with the guards dropped. Every place the engine turns a book value into a
`date` goes through `book_date`, so '2026-11-00' ends a command with a line that names the value,
where it is and `cstui doctor`, instead of `ValueError: day is out of range for month`.
"""

import re
from datetime import date

from cstui.errors import UserError
from cstui.safe_text import visible

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadBookDate(UserError):
    """A value in a date column of the book that is not a calendar date."""


def book_date(value: object, where: str) -> date:
    """`value` (read from `where`, e.g. "interactions.occurred_on") as a date, or `BadBookDate`."""
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = visible(value, one_line=True, limit=40)
    raise BadBookDate(
        f"the book holds '{shown}' in {where}, which is not a date (YYYY-MM-DD); "
        "`cstui doctor` names the row and how to fix it"
    )
