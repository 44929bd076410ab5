"""Correct anything: read, add, edit and delete the records a CSM enters or owns.

Notes (interactions), survey responses, tasks, contacts and accounts, each as a typed record.
Edits take the user's raw text per field (`*Fields`: None leaves a field as it is, "" clears an
optional one), check every field before the transaction, and write through one named change, so
each edit is in the history and can be undone. A bad id, date or value raises a `UserError` and
leaves the book unchanged. Used by the CLI (`cli/record_commands.py`) and the TUI alike.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui import clock
from cstui.errors import UserError
from cstui.sentiment import text_sentiment
from cstui.storage.connection import write_transaction
from cstui.storage.csv_format import CellError, parse_amount, parse_int
from cstui.storage.writes import (
    INTERACTION_KINDS,
    FieldError,
    account_id,
    check_date,
    check_email,
    check_minutes,
    check_score,
    resolve_contact,
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


@dataclass(frozen=True)
class Note:
    """A logged conversation (a row of `interactions`)."""

    id: int
    account_key: str
    occurred_on: str
    kind: str
    summary: str
    notes: str | None
    contact_id: int | None
    contact_name: str | None
    contact_email: str | None
    sentiment: int | None
    text_sentiment: float | None
    follow_up_on: str | None
    minutes: int | None = None  # a call's or meeting's duration


@dataclass(frozen=True)
class SurveyResponse:
    id: int
    account_key: str
    kind: str
    score: int
    responded_on: str
    contact_email: str | None
    comment: str | None
    text_sentiment: float | None
    interaction_id: int | None


@dataclass(frozen=True)
class Task:
    id: int
    account_key: str
    interaction_id: int | None
    title: str
    due_on: str
    created_on: str
    done_on: str | None


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


@dataclass(frozen=True)
class NoteFields:
    occurred_on: str | None = None
    kind: str | None = None
    summary: str | None = None
    notes: str | None = None
    sentiment: str | None = None
    contact: str | None = None  # a contact's name or email
    follow_up_on: str | None = None
    minutes: str | None = None  # a call's or meeting's duration ("" clears it)


@dataclass(frozen=True)
class SurveyFields:
    kind: str | None = None
    score: str | None = None
    responded_on: str | None = None
    comment: str | None = None
    contact_email: str | None = None


# --- reading --------------------------------------------------------------------------------------


def _fetch(db: Database, sql: str, record_id: int | str, what: str) -> tuple[Any, ...]:
    row: tuple[Any, ...] | None = db.execute(sql, [record_id]).fetchone()
    if row is None:
        raise UserError(f"{what} {record_id}: no such {what} in the book")
    return row


def get_account(db: Database, key: str) -> Account:
    row = _fetch(
        db,
        "SELECT id, key, name, start_date, segment, plan, seats, renewal_date, churn_date, churn_reason"
        " FROM accounts WHERE key = ?",
        key,
        "account",
    )
    return Account(*row)


def get_contact(db: Database, contact_id: int) -> Contact:
    row = _fetch(
        db,
        "SELECT c.id, a.key, c.name, c.email, c.role, c.phone, c.is_champion, c.left_on"
        " FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.id = ?",
        contact_id,
        "contact",
    )
    contact_id, key, name, email, role, phone, champion, left_on = row
    return Contact(contact_id, key, name, email, role, phone, bool(champion), left_on)


def get_note(db: Database, note_id: int) -> Note:
    row = _fetch(
        db,
        "SELECT i.id, a.key, i.occurred_on, i.kind, i.summary, i.notes, i.contact_id, c.name, i.contact_email,"
        " i.sentiment, i.text_sentiment, i.follow_up_on, i.duration_minutes"
        " FROM interactions i JOIN accounts a ON a.id = i.account_id"
        " LEFT JOIN contacts c ON c.id = i.contact_id WHERE i.id = ?",
        note_id,
        "note",
    )
    return Note(*row)


def get_survey(db: Database, survey_id: int) -> SurveyResponse:
    row = _fetch(
        db,
        "SELECT s.id, a.key, s.kind, s.score, s.responded_on, s.contact_email, s.comment, s.text_sentiment,"
        " s.interaction_id FROM surveys s JOIN accounts a ON a.id = s.account_id WHERE s.id = ?",
        survey_id,
        "survey",
    )
    return SurveyResponse(*row)


def get_task(db: Database, task_id: int) -> Task:
    row = _fetch(
        db,
        "SELECT t.id, a.key, t.interaction_id, t.title, t.due_on, t.created_on, t.done_on"
        " FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.id = ?",
        task_id,
        "task",
    )
    return Task(*row)


# --- checking the fields --------------------------------------------------------------------------


def _optional(text: str) -> str | None:
    return text.strip() or None


def _required(label: str, text: str) -> str:
    if not text.strip():
        raise FieldError(label, "cannot be empty")
    return text.strip()


def _date(label: str, text: str) -> str | None:
    return check_date(label, text) if text.strip() else None


def _not_future(label: str, text: str, today: date) -> str:
    """A date that cannot be after today: a call or a response that has not happened yet is a typo."""
    return check_date(label, text, not_after=today)  # the one rule the forms and `note add` use too


def _int(label: str, text: str, low: int, high: int) -> int | None:
    if not text.strip():
        return None
    try:
        return parse_int(text.strip(), low, high)
    except CellError:
        raise FieldError(label, f"'{text.strip()}' is not a whole number from {low} to {high}") from None


def _nothing_to_change(what: str, values: dict[str, Any]) -> None:
    if not values:
        raise UserError(f"{what}: nothing to change (give at least one field to edit)")


def _write(db: Database, what: str, sql: str, params: list[Any]) -> int:
    """Run one statement; a constraint the checks cannot see (a duplicate) is the user's mistake."""
    try:
        return int(db.execute(sql, params).lastrowid or 0)
    except sqlite3.IntegrityError as error:
        raise UserError(f"{what}: the book refused it ({error})") from None


def _update(db: Database, table: str, record_id: int, values: dict[str, Any], what: str) -> None:
    """UPDATE one row by id; column names come from this module's code, never from the user."""
    assignments = ", ".join(f"{column} = ?" for column in values)
    _write(db, what, f"UPDATE {table} SET {assignments} WHERE id = ?", [*values.values(), record_id])


# --- accounts -------------------------------------------------------------------------------------


def _account_values(fields: AccountFields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.name is not None:
        values["name"] = _required("name", fields.name)
    if fields.start_date is not None:
        values["start_date"] = check_date("start date", fields.start_date)
    for column in ("segment", "plan", "churn_reason"):
        text = getattr(fields, column)
        if text is not None:
            values[column] = _optional(text)
    if fields.seats is not None:
        values["seats"] = _int("seats", fields.seats, 0, 10**9)
    if fields.renewal_date is not None:
        values["renewal_date"] = _date("renewal date", fields.renewal_date)
    if fields.churn_date is not None:
        values["churn_date"] = _date("churn date", fields.churn_date)
    return values


def _mrr(fields: AccountFields) -> tuple[float, str | None] | None:
    """The MRR typed with the account, and the date it starts from (None: the default), checked."""
    if fields.mrr is None or not fields.mrr.strip():
        if fields.mrr_from is not None and fields.mrr_from.strip():
            raise UserError("MRR from: give the MRR that starts then (--mrr N)")
        return None
    try:
        amount = parse_amount(fields.mrr.strip())
    except CellError as error:
        raise UserError(f"MRR: {error}") from None
    if amount < 0:
        raise UserError(f"MRR: {fields.mrr.strip()} is negative")
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
        raise UserError(f"churn date: {churn} is before the start date {start}")


def add_account(db: Database, key: str, fields: AccountFields, today: date | None = None) -> Account:
    """Add an account by hand (start date: today unless given)."""
    key = _required("key", key)
    values = {"key": key, **_account_values(fields)}
    if "name" not in values:
        raise UserError("name: an account needs a name")
    values.setdefault("start_date", (today or clock.today()).isoformat())
    _check_churn(values["start_date"], values.get("churn_date"))
    mrr = _mrr(fields)
    with write_transaction(db, change=f"account {key} added"):
        if db.execute("SELECT 1 FROM accounts WHERE key = ?", [key]).fetchone():
            raise UserError(f"account '{key}': already in the book (`cstui account edit {key}` changes it)")
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        new = _write(
            db, f"account '{key}'", f"INSERT INTO accounts ({columns}) VALUES ({marks})", list(values.values())
        )
        if mrr is not None:
            _write_mrr(db, new, mrr[0], mrr[1] or values["start_date"])
    return get_account(db, key)


def edit_account(db: Database, key: str, fields: AccountFields, today: date | None = None) -> Account:
    """Change an account's details; an MRR given starts from `mrr_from` (default: today)."""
    current = get_account(db, key)
    values = _account_values(fields)
    mrr = _mrr(fields)
    _nothing_to_change(f"account '{key}'", values if mrr is None else {**values, "mrr": mrr})
    _check_churn(values.get("start_date", current.start_date), values.get("churn_date", current.churn_date))
    what = [*values, *(["mrr"] if mrr is not None else [])]
    with write_transaction(db, change=f"account {key} edited: {', '.join(what)}"):
        if values:
            _update(db, "accounts", current.id, values, f"account '{key}'")
        if mrr is not None:
            _write_mrr(db, current.id, mrr[0], mrr[1] or (today or date.today()).isoformat())
    return get_account(db, key)


# --- contacts -------------------------------------------------------------------------------------


def _contact_values(fields: ContactFields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if fields.name is not None:
        values["name"] = _required("name", fields.name)
    if fields.email is not None:
        values["email"] = check_email("email", fields.email)
    for column in ("role", "phone"):
        text = getattr(fields, column)
        if text is not None:
            values[column] = _optional(text)
    if fields.champion is not None:
        values["is_champion"] = int(fields.champion)
    if fields.left_on is not None:
        values["left_on"] = _date("left on", fields.left_on)
    return values


def add_contact(db: Database, account_key: str, fields: ContactFields) -> Contact:
    values = _contact_values(fields)
    if "name" not in values:
        raise UserError("name: a contact needs a name")
    with write_transaction(db, change=f"contact {values['name']} added to {account_key}"):
        values = {"account_id": account_id(db, account_key), **values}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        new_id = _write(
            db,
            f"contact '{values['name']}'",
            f"INSERT INTO contacts ({columns}) VALUES ({marks})",
            list(values.values()),
        )
    return get_contact(db, new_id)


def edit_contact(db: Database, contact_id: int, fields: ContactFields) -> Contact:
    get_contact(db, contact_id)
    values = _contact_values(fields)
    _nothing_to_change(f"contact {contact_id}", values)
    with write_transaction(db, change=f"contact {contact_id} edited: {', '.join(values)}"):
        _update(db, "contacts", contact_id, values, f"contact {contact_id}")
    return get_contact(db, contact_id)


# --- notes ----------------------------------------------------------------------------------------


def edit_note(db: Database, note_id: int, fields: NoteFields, today: date | None = None) -> Note:
    """Change a logged conversation; its text sentiment is recomputed when its words change, and
    the scores given on the call move with its date."""
    current = get_note(db, note_id)
    today = today or clock.today()
    values: dict[str, Any] = {}
    if fields.occurred_on is not None:
        values["occurred_on"] = _not_future("date", fields.occurred_on, today)
    if fields.kind is not None:
        kind = fields.kind.strip().lower()
        if kind not in INTERACTION_KINDS:
            raise FieldError("kind", f"'{fields.kind}' is not one of {', '.join(INTERACTION_KINDS)}")
        values["kind"] = kind
    if fields.summary is not None:
        values["summary"] = _required("summary", fields.summary)
    if fields.notes is not None:
        values["notes"] = _optional(fields.notes)
    if fields.sentiment is not None:
        values["sentiment"] = _int("sentiment", fields.sentiment, -2, 2)
    if fields.follow_up_on is not None:
        values["follow_up_on"] = _date("follow-up date", fields.follow_up_on)
    if fields.minutes is not None:
        values["duration_minutes"] = check_minutes(fields.minutes, values.get("kind", current.kind))
    occurred = values.get("occurred_on", current.occurred_on)
    follow_up = values.get("follow_up_on", current.follow_up_on)
    if follow_up is not None and follow_up < occurred:
        raise FieldError("follow-up date", f"{follow_up} is before the conversation ({occurred})")
    if "summary" in values or "notes" in values:
        values["text_sentiment"] = text_sentiment(
            values.get("summary", current.summary), values.get("notes", current.notes)
        )
    contact = None if fields.contact is None else fields.contact.strip()
    if contact and "@" in contact:
        check_email("contact", contact)
    _nothing_to_change(f"note {note_id}", values if contact is None else {**values, "contact": contact})
    with write_transaction(db, change=f"note {note_id} edited: {', '.join(values) or 'contact'}"):
        if contact is not None:
            acct = account_id(db, current.account_key)
            email = contact if "@" in contact else None
            name = None if email or not contact else contact
            values["contact_email"], values["contact_id"] = resolve_contact(db, acct, name, email)
        _update(db, "interactions", note_id, values, f"note {note_id}")
        if "occurred_on" in values:  # scores given on the call were given that day
            db.execute("UPDATE surveys SET responded_on = ? WHERE interaction_id = ?", [values["occurred_on"], note_id])
    return get_note(db, note_id)


def delete_note(db: Database, note_id: int) -> Note:
    """Remove a note; its follow-up tasks and the scores given on the call stay (unlinked)."""
    note = get_note(db, note_id)
    with write_transaction(db, change=f"note {note_id} deleted: {note.summary}"):
        db.execute("DELETE FROM interactions WHERE id = ?", [note_id])
    return note


# --- survey responses -----------------------------------------------------------------------------


def edit_survey(db: Database, survey_id: int, fields: SurveyFields, today: date | None = None) -> SurveyResponse:
    current = get_survey(db, survey_id)
    values: dict[str, Any] = {}
    if fields.kind is not None or fields.score is not None:
        kind = current.kind if fields.kind is None else fields.kind.strip().lower()
        values["kind"] = kind
        values["score"] = check_score(kind, current.score if fields.score is None else fields.score)
    if fields.responded_on is not None:
        values["responded_on"] = _not_future("date", fields.responded_on, today or clock.today())
    if fields.comment is not None:
        values["comment"] = _optional(fields.comment)
        values["text_sentiment"] = text_sentiment(values["comment"])
    if fields.contact_email is not None:
        values["contact_email"] = check_email("contact email", fields.contact_email)
    _nothing_to_change(f"survey {survey_id}", values)
    with write_transaction(db, change=f"survey {survey_id} edited: {', '.join(values)}"):
        _update(db, "surveys", survey_id, values, f"survey {survey_id}")
    return get_survey(db, survey_id)


def delete_survey(db: Database, survey_id: int) -> SurveyResponse:
    survey = get_survey(db, survey_id)
    with write_transaction(db, change=f"survey {survey_id} deleted: {survey.kind.upper()} {survey.score}"):
        db.execute("DELETE FROM surveys WHERE id = ?", [survey_id])
    return survey


# --- tasks ----------------------------------------------------------------------------------------


def add_task(db: Database, account_key: str, title: str, due_on: str, today: date | None = None) -> Task:
    """A follow-up created today (the day it is typed), due today or later."""
    today = today or clock.today()
    title = _required("title", title)
    due = check_date("due date", due_on)
    if due < today.isoformat():
        raise UserError(f"due date: {due} is before today ({today.isoformat()})")
    with write_transaction(db, change=f"task added for {account_key}: {title}"):
        new_id = _write(
            db,
            f"task '{title}'",
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (?, ?, ?, ?)",
            [account_id(db, account_key), title, due, today.isoformat()],
        )
    return get_task(db, new_id)


def edit_task(db: Database, task_id: int, title: str | None = None, due_on: str | None = None) -> Task:
    current = get_task(db, task_id)
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = _required("title", title)
    if due_on is not None:
        values["due_on"] = check_date("due date", due_on)
        if values["due_on"] < current.created_on:
            raise UserError(f"due date: {values['due_on']} is before the task was created ({current.created_on})")
    _nothing_to_change(f"task {task_id}", values)
    with write_transaction(db, change=f"task {task_id} edited: {', '.join(values)}"):
        _update(db, "tasks", task_id, values, f"task {task_id}")
    return get_task(db, task_id)


def set_task_done(db: Database, task_id: int, done_on: str | None, today: date | None = None) -> Task:
    """Mark a task done on a day (not after today), or open again with `done_on=None`."""
    current = get_task(db, task_id)
    if done_on is None:
        if current.done_on is None:
            raise UserError(f"task {task_id}: is not done")
        change = f"task {task_id} reopened"
    else:
        if current.done_on is not None:
            raise UserError(f"task {task_id}: already done on {current.done_on} (`cstui task undone {task_id}`)")
        done_on = _not_future("done date", done_on, today or clock.today())
        change = f"task {task_id} done"
    with write_transaction(db, change=change):
        db.execute("UPDATE tasks SET done_on = ? WHERE id = ?", [done_on, task_id])
    return get_task(db, task_id)


def delete_task(db: Database, task_id: int) -> Task:
    task = get_task(db, task_id)
    with write_transaction(db, change=f"task {task_id} deleted: {task.title}"):
        db.execute("DELETE FROM tasks WHERE id = ?", [task_id])
    return task
