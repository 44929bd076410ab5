"""Accounts and their contacts, added and edited by hand.

`_account_values` and `_contact_values` are the one check of each kind's fields (`AccountFields`,
`ContactFields`: None leaves a field as it is, "" clears an optional one), for add and edit alike;
every refused field raises `FieldError(field, reason)`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui.errors import FieldError, UserError
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.imports.csv_format import CellError, parse_amount
from cstui.storage.records.checks import (
    account_id,
    check_date,
    check_email,
    fetch,
    nothing_to_change,
    optional,
    optional_date,
    required,
    update,
    whole_number,
    write,
)

# --- the records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    id: int
    key: str
    name: str
    start_date: str
    segment: str | None
    plan: str | None
    seats: int | None
    renewal_date: str | None
    churn_date: str | None
    churn_reason: str | None


@dataclass(frozen=True)
class Contact:
    id: int
    account_key: str
    name: str
    email: str | None
    role: str | None
    phone: str | None
    is_champion: bool
    left_on: str | None


# --- the fields a user types ----------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFields:
    name: str | None = None
    start_date: str | None = None
    segment: str | None = None
    plan: str | None = None
    seats: str | None = None
    renewal_date: str | None = None
    churn_date: str | None = None
    churn_reason: str | None = None
    mrr: str | None = None  # the monthly recurring revenue from `mrr_from` on (a row of mrr_history)
    mrr_from: str | None = None  # default: the start date for a new account, today for an edit


@dataclass(frozen=True)
class ContactFields:
    name: str | None = None
    email: str | None = None
    role: str | None = None
    phone: str | None = None
    champion: bool | None = None
    left_on: str | None = None


# --- reading --------------------------------------------------------------------------------------


def get_account(db: Database, key: str) -> Account:
    row = fetch(
        db,
        "SELECT id, key, name, start_date, segment, plan, seats, renewal_date, churn_date, churn_reason"
        " FROM accounts WHERE key = ?",
        key,
        "account",
    )
    return Account(*row)


def get_contact(db: Database, contact_id: int) -> Contact:
    row = fetch(
        db,
        "SELECT c.id, a.key, c.name, c.email, c.role, c.phone, c.is_champion, c.left_on"
        " FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = ?",
        contact_id,
        "contact",
    )
    contact_id, key, name, email, role, phone, champion, left_on = row
    return Contact(contact_id, key, name, email, role, phone, bool(champion), left_on)


# --- accounts -------------------------------------------------------------------------------------


def _account_values(fields: AccountFields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.name is not None:
        values["name"] = required("name", fields.name)
    if fields.start_date is not None:
        values["start_date"] = check_date("start date", fields.start_date)
    for column in ("segment", "plan", "churn_reason"):
        text = getattr(fields, column)
        if text is not None:
            values[column] = optional(text)
    if fields.seats is not None:
        values["seats"] = whole_number("seats", fields.seats, 0, 10**9)
    if fields.renewal_date is not None:
        values["renewal_date"] = optional_date("renewal date", fields.renewal_date)
    if fields.churn_date is not None:
        values["churn_date"] = optional_date("churn date", fields.churn_date)
    return values


def _mrr(fields: AccountFields) -> tuple[float, str | None] | None:
    """The MRR typed with the account, and the date it starts from (None: the default), checked."""
    if fields.mrr is None or not fields.mrr.strip():
        if fields.mrr_from is not None and fields.mrr_from.strip():
            raise FieldError("MRR from", "give the MRR that starts then (--mrr N)")
        return None
    try:
        amount = parse_amount(fields.mrr.strip())
    except CellError as error:
        raise FieldError("MRR", str(error)) from None
    if amount < 0:
        raise FieldError("MRR", f"{fields.mrr.strip()} is negative")
    start = check_date("MRR from", fields.mrr_from) if fields.mrr_from and fields.mrr_from.strip() else None
    return amount, start


def _write_mrr(db: Database, account: int, mrr: float, effective: str) -> None:
    """One MRR from a date on: the mrr_history row of that date, added or replaced (in the history)."""
    db.execute(
        "INSERT INTO mrr_history (account_id, effective_date, mrr) VALUES (?, ?, ?)"
        " ON CONFLICT (account_id, effective_date) DO UPDATE SET mrr = excluded.mrr",
        [account, effective, mrr],
    )


def _check_churn(start: str, churn: str | None) -> None:
    if churn is not None and churn < start:
        raise FieldError("churn date", f"{churn} is before the start date {start}")


def add_account(db: Database, key: str, fields: AccountFields, today: date) -> Account:
    """Add an account by hand (start date: today unless given)."""
    key = required("key", key)
    values = {"key": key, **_account_values(fields)}
    if "name" not in values:
        raise FieldError("name", "an account needs a name")
    values.setdefault("start_date", today.isoformat())
    _check_churn(values["start_date"], values.get("churn_date"))
    mrr = _mrr(fields)
    with write_transaction(db, change=f"account {key} added"):
        if db.execute("SELECT 1 FROM accounts WHERE key = ?", [key]).fetchone():
            raise UserError(f"account '{key}': already in the book (`cstui account edit {key}` changes it)")
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        new = write(db, f"account '{key}'", f"INSERT INTO accounts ({columns}) VALUES ({marks})", list(values.values()))
        if mrr is not None:
            _write_mrr(db, new, mrr[0], mrr[1] or values["start_date"])
    return get_account(db, key)


def edit_account(db: Database, key: str, fields: AccountFields, today: date) -> Account:
    """Change an account's details; an MRR given starts from `mrr_from` (default: today)."""
    current = get_account(db, key)
    values = _account_values(fields)
    mrr = _mrr(fields)
    nothing_to_change(f"account '{key}'", values if mrr is None else {**values, "mrr": mrr})
    _check_churn(values.get("start_date", current.start_date), values.get("churn_date", current.churn_date))
    what = [*values, *(["mrr"] if mrr is not None else [])]
    with write_transaction(db, change=f"account {key} edited: {', '.join(what)}"):
        if values:
            update(db, "accounts", current.id, values, f"account '{key}'")
        if mrr is not None:
            _write_mrr(db, current.id, mrr[0], mrr[1] or today.isoformat())
    return get_account(db, key)


# --- contacts -------------------------------------------------------------------------------------


def _contact_values(fields: ContactFields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.name is not None:
        values["name"] = required("name", fields.name)
    if fields.email is not None:
        values["email"] = check_email("email", fields.email)
    for column in ("role", "phone"):
        text = getattr(fields, column)
        if text is not None:
            values[column] = optional(text)
    if fields.champion is not None:
        values["is_champion"] = int(fields.champion)
    if fields.left_on is not None:
        values["left_on"] = optional_date("left on", fields.left_on)
    return values


def add_contact(db: Database, account_key: str, fields: ContactFields) -> Contact:
    values = _contact_values(fields)
    if "name" not in values:
        raise FieldError("name", "a contact needs a name")
    with write_transaction(db, change=f"contact {values['name']} added to {account_key}"):
        values = {"account_id": account_id(db, account_key), **values}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        new_id = write(
            db,
            f"contact '{values['name']}'",
            f"INSERT INTO contacts ({columns}) VALUES ({marks})",
            list(values.values()),
        )
    return get_contact(db, new_id)


def edit_contact(db: Database, contact_id: int, fields: ContactFields) -> Contact:
    get_contact(db, contact_id)
    values = _contact_values(fields)
    nothing_to_change(f"contact {contact_id}", values)
    with write_transaction(db, change=f"contact {contact_id} edited: {', '.join(values)}"):
        update(db, "contacts", contact_id, values, f"contact {contact_id}")
    return get_contact(db, contact_id)
