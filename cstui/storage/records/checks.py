"""The field checks every record kind shares; each raises `FieldError(field, reason)`."""

import re
import sqlite3
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui.errors import FieldError, UserError
from cstui.storage import resolve
from cstui.storage.imports.csv_format import CellError, parse_date, parse_int


def account_id(db: Database, key: str) -> int:
    """The account's id by its key in any case (`cstui.storage.resolve`: did-you-mean on a miss)."""
    return resolve.account_id(db.conn, key)


def check_date(label: str, text: str, not_after: date | None = None) -> str:
    """A YYYY-MM-DD calendar date; with `not_after` (today), a day after it is refused too."""
    try:
        day = parse_date(text.strip())
    except CellError as error:
        raise FieldError(label, str(error)) from None
    if not_after is not None and day > not_after.isoformat():
        raise FieldError(label, f"{day} is after today ({not_after.isoformat()}): only what has happened is logged")
    return day


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def check_email(label: str, text: str | None) -> str | None:
    """An email address (trimmed), None for none, or a FieldError: a name is not an email."""
    if text is None or not text.strip():
        return None
    if not _EMAIL.fullmatch(text.strip()):
        raise FieldError(label, f"'{text.strip()}' is not an email address (expected name@example.com)")
    return text.strip()


def optional(text: str) -> str | None:
    return text.strip() or None


def required(label: str, text: str) -> str:
    if not text.strip():
        raise FieldError(label, "cannot be empty")
    return text.strip()


def optional_date(label: str, text: str) -> str | None:
    return check_date(label, text) if text.strip() else None


def whole_number(label: str, text: str, low: int, high: int) -> int | None:
    """A whole number from `low` to `high`, None when left empty."""
    if not text.strip():
        return None
    try:
        return parse_int(text.strip(), low, high)
    except CellError:
        raise FieldError(label, f"'{text.strip()}' is not a whole number from {low} to {high}") from None


def nothing_to_change(what: str, values: dict[str, Any]) -> None:
    if not values:
        raise UserError(f"{what}: nothing to change (give at least one field to edit)")


def write(db: Database, what: str, sql: str, params: list[Any]) -> int:
    """Run one statement; a constraint the checks cannot see (a duplicate) is the user's mistake."""
    try:
        return int(db.execute(sql, params).lastrowid or 0)
    except sqlite3.IntegrityError as error:
        raise UserError(f"{what}: the book refused it ({error})") from None


def update(db: Database, table: str, record_id: int, values: dict[str, Any], what: str) -> None:
    """UPDATE one row by id; column names come from the record modules' code, never from the user."""
    assignments = ", ".join(f"{column} = ?" for column in values)
    write(db, what, f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), record_id])


def fetch(db: Database, sql: str, record_id: int | str, what: str) -> tuple[Any, ...]:
    """The one row `sql` finds for `record_id`, or "no such ..." naming it."""
    row: tuple[Any, ...] | None = db.execute(sql, [record_id]).fetchone()
    if row is None:
        raise UserError(f"{what} {record_id}: no such {what} in the book")
    return row
