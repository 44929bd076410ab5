"""Dates read back from the book, where a value that is not a date stops with one clear line.

The schema refuses such values (migration 0008), but a book may hold them from before that step
or from a hand edit with the guards dropped. Every place the engine turns a book value into a
`date` goes through `book_date`, so '2026-11-00' ends a command with a line that names the value,
where it is and `cstui doctor`, instead of `ValueError: day is out of range for month`.
"""

import re
import sqlite3
from collections.abc import Iterable
from datetime import date

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.bookfile.date_guards import DATE_COLUMNS, not_a_date

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
    raise _refusal(value, where)


def _refusal(value: object, where: str) -> BadBookDate:
    shown = visible(value, one_line=True, limit=40)
    return BadBookDate(
        f"the book holds '{shown}' in {where}, which is not a date (YYYY-MM-DD); "
        "`cstui doctor` names the row and how to fix it"
    )


def refuse_bad_dates(conn: sqlite3.Connection, tables: Iterable[str] | None = None) -> None:
    """Stop with `book_date`'s one line if a date column of `tables` (default: every table with
    one) holds a value that is not a date.

    A command that aggregates in SQL compares dates as text, so a due date of '2025-13-01' or a
    note dated 'yesterday' (written with the date guards dropped) would be counted, silently, as
    overdue or as the latest contact. The commands that read the book whole (report, checkin,
    brief, task list) call this first; values are found with the guards' own test
    (`date_guards.not_a_date`), one scan per column.
    """
    for table in DATE_COLUMNS if tables is None else tables:
        present = {name for (name,) in conn.execute("SELECT name FROM pragma_table_info(?)", [table])}
        for column in (c for c in DATE_COLUMNS[table] if c in present):
            # Identifiers from date_guards.DATE_COLUMNS only, never from input.
            found = conn.execute(f"SELECT {column} FROM {table} WHERE {not_a_date(column)} LIMIT 1").fetchone()
            if found is not None:
                raise _refusal(found[0], f"{table}.{column}")
