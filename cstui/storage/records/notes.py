"""Notes: logged conversations (rows of `interactions`), and the feedback a call brings with it.

`check_note` is the one check of a note's fields, for a new note (`parse_feedback`, used by the
feedback form and `cstui note add`) and an edit (`edit_note`) alike; every refused field is a
`FieldError` named after the form's input ("date", "summary", "follow_up_on", ...).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlite_utils import Database

from cstui.errors import FieldError, UserError
from cstui.sentiment import text_sentiment
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.imports.csv_format import SURVEY_SCALES, CellError, parse_int
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
)
from cstui.storage.records.surveys import check_score

INTERACTION_KINDS = ("call", "meeting", "email", "note")
TIMED_KINDS = ("call", "meeting")  # the conversations that take a duration (minutes) of the CSM's time
MAX_MINUTES = 24 * 60


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
class NoteFields:
    """A note's fields as typed: None leaves a field as it is (an edit), "" clears an optional one."""

    occurred_on: str | None = None
    kind: str | None = None
    summary: str | None = None
    notes: str | None = None
    sentiment: str | None = None
    contact: str | None = None  # a contact's name or email
    follow_up_on: str | None = None
    minutes: str | None = None  # a call's or meeting's duration ("" clears it)


@dataclass
class Feedback:
    """One logged conversation and whatever came out of it; see `parse_feedback`."""

    account_key: str
    occurred_on: str
    kind: str
    summary: str
    notes: str | None = None
    contact_email: str | None = None
    contact_name: str | None = None
    sentiment: int | None = None
    scores: dict[str, int] = field(default_factory=dict)  # kind -> score given on the call
    follow_up_title: str | None = None
    follow_up_on: str | None = None
    minutes: int | None = None  # how long the call or meeting took
    typed_on: str = field(kw_only=True)  # the day it was typed (the app's today): the follow-up's created date


def check_minutes(text: str, kind: str) -> int | None:
    """A call's or meeting's duration in whole minutes (0 to a day), None when left empty.

    Only calls and meetings have one: a mail's time is an estimate (`metrics.attention.EMAIL_MINUTES`)."""
    if not text.strip():
        return None
    if kind not in TIMED_KINDS:
        raise FieldError("minutes", f"a duration is kept for calls and meetings, not a {kind}")
    try:
        return parse_int(text.strip(), 0, MAX_MINUTES)
    except CellError:
        why = f"'{text.strip()}' is not a whole number of minutes from 0 to {MAX_MINUTES}"
        raise FieldError("minutes", why) from None


def _kind(text: str, new: bool) -> str:
    kind = text.strip().lower() or ("call" if new else "")
    if kind not in INTERACTION_KINDS:
        raise FieldError("kind", f"'{text.strip()}' is not one of {', '.join(INTERACTION_KINDS)}")
    return kind


def _contact(text: str) -> str:
    contact = text.strip()
    if "@" in contact:
        check_email("contact", contact)
    return contact


def check_note(fields: NoteFields, today: date, current: Note | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """The `interactions` columns `fields` set (plus "contact", the name or email typed) and, per
    field, why one is refused: every field is checked, so a form can show all its errors at once.

    Without `current` it is a new note: every field counts, an empty date is today, an empty kind a
    call, and a summary is required. A conversation is dated today or earlier; a follow-up is due
    on or after it."""
    new = current is None
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}

    def attempt(column: str, text: str | None, check: Callable[[str], Any]) -> None:
        if text is None and not new:
            return
        try:
            values[column] = check(text or "")
        except FieldError as error:  # each check names its field
            errors.setdefault(error.field_name, error.reason)

    default_day = today.isoformat() if new else ""
    attempt("occurred_on", fields.occurred_on, lambda t: check_date("date", t or default_day, not_after=today))
    attempt("kind", fields.kind, lambda t: _kind(t, new))
    attempt("summary", fields.summary, lambda t: required("summary", t))
    attempt("notes", fields.notes, optional)
    attempt("sentiment", fields.sentiment, lambda t: whole_number("sentiment", t, -2, 2))
    kind = values.get("kind", current.kind if current else "call")
    attempt("duration_minutes", fields.minutes, lambda t: check_minutes(t, kind))
    attempt("follow_up_on", fields.follow_up_on, lambda t: optional_date("follow_up_on", t))
    attempt("contact", fields.contact, _contact)
    occurred = values.get("occurred_on", current.occurred_on if current else None)
    follow_up = values.get("follow_up_on", current.follow_up_on if current else None)
    if occurred and follow_up and follow_up < occurred and "follow_up_on" not in errors:
        errors["follow_up_on"] = f"{follow_up} is before the conversation ({occurred}): a follow-up is due after it"
    return values, errors


def parse_feedback(account_key: str, fields: dict[str, str], today: date) -> tuple[Feedback | None, dict[str, str]]:
    """Check raw form text (keyed by the form's inputs); return the entry or, per field, why it is not valid."""
    value = {k: (v or "").strip() for k, v in fields.items()}
    note = NoteFields(
        occurred_on=value.get("date", ""),
        kind=value.get("kind", ""),
        summary=value.get("summary", ""),
        notes=value.get("notes", ""),
        sentiment=value.get("sentiment", ""),
        contact=value.get("contact", ""),
        follow_up_on=value.get("follow_up_on", ""),
        minutes=value.get("minutes", ""),
    )
    values, errors = check_note(note, today)
    scores = {}
    for survey in SURVEY_SCALES:
        if value.get(survey):
            try:
                scores[survey] = check_score(survey, value[survey])
            except FieldError as error:
                errors[error.field_name] = error.reason
    title, due = value.get("follow_up_title"), value.get("follow_up_on")
    if due and not title:
        errors["follow_up_title"] = "a follow-up needs a title"
    if title and not due:
        errors["follow_up_on"] = "a follow-up needs a due date"
    if errors:
        return None, errors
    contact = values["contact"]
    email = contact if "@" in contact else None
    return Feedback(
        account_key=account_key,
        occurred_on=values["occurred_on"],
        kind=values["kind"],
        summary=values["summary"],
        notes=values["notes"],
        contact_email=email,
        contact_name=None if email or not contact else contact,
        sentiment=values["sentiment"],
        scores=scores,
        follow_up_title=title or None,
        follow_up_on=values["follow_up_on"],
        minutes=values["duration_minutes"],
        typed_on=today.isoformat(),
    ), {}


def resolve_contact(db: Database, account: int, name: str | None, email: str | None) -> tuple[str | None, int | None]:
    """The email and contact id a conversation records: a known name or email is looked up, a new name added."""
    if name:
        known = db.execute(
            "SELECT email, id FROM contacts WHERE account_id = ? AND name = ? ORDER BY id LIMIT 1", [account, name]
        ).fetchone()
        if known:
            return known[0], known[1]
        cursor = db.execute("INSERT INTO contacts (account_id, name) VALUES (?, ?)", [account, name])
        return None, cursor.lastrowid
    if email:
        known = db.execute(
            "SELECT id FROM contacts WHERE account_id = ? AND email = ? ORDER BY id LIMIT 1", [account, email]
        ).fetchone()
        return email, known[0] if known else None
    return None, None


def save_feedback(db: Database, entry: Feedback, interaction_id: int | None = None) -> int:
    """Store a conversation, its scores and its follow-up as one transaction; return its id.

    With `interaction_id` (an ingested interaction in the review queue) that row is rewritten from
    the entry and marked reviewed instead of a new one being added.
    """
    change = (
        f"note added for {entry.account_key}: {entry.summary}"
        if interaction_id is None
        else f"note {interaction_id} reviewed: {entry.summary}"
    )
    with write_transaction(db, change=change):
        acct = account_id(db, entry.account_key)
        email, contact = resolve_contact(db, acct, entry.contact_name, entry.contact_email)
        fields = [
            entry.occurred_on,
            entry.kind,
            entry.summary,
            email,
            entry.notes,
            entry.sentiment,
            text_sentiment(entry.summary, entry.notes),
            entry.follow_up_on,
            contact,
            entry.minutes,
        ]
        if interaction_id is None:
            cursor = db.execute(
                "INSERT INTO interactions (occurred_on, kind, summary, contact_email, notes, sentiment,"
                " text_sentiment, follow_up_on, contact_id, duration_minutes, account_id, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'entered')",
                [*fields, acct],
            )
            interaction = cast(int, cursor.lastrowid)  # set by the INSERT
        else:
            cursor = db.execute(
                "UPDATE interactions SET occurred_on = ?, kind = ?, summary = ?, contact_email = ?, notes = ?,"
                " sentiment = ?, text_sentiment = ?, follow_up_on = ?, contact_id = ?, duration_minutes = ?,"
                " reviewed = 1"
                " WHERE account_id = ? AND id = ?",
                [*fields, acct, interaction_id],
            )
            if cursor.rowcount != 1:
                raise UserError(f"interaction {interaction_id}: not in the book for account '{entry.account_key}'")
            interaction = interaction_id
        for kind, score in entry.scores.items():
            db.execute(
                "INSERT INTO surveys (account_id, kind, score, responded_on, contact_email, comment,"
                " text_sentiment, interaction_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'entered')",
                [
                    acct,
                    kind,
                    score,
                    entry.occurred_on,
                    email,
                    entry.summary,
                    text_sentiment(entry.summary),
                    interaction,
                ],
            )
        if entry.follow_up_title:
            db.execute(
                "INSERT INTO tasks (account_id, interaction_id, title, due_on, created_on) VALUES (?, ?, ?, ?, ?)",
                [acct, interaction, entry.follow_up_title, entry.follow_up_on, entry.typed_on],
            )
    return interaction


def get_note(db: Database, note_id: int) -> Note:
    row = fetch(
        db,
        "SELECT i.id, a.key, i.occurred_on, i.kind, i.summary, i.notes, i.contact_id, c.name, i.contact_email,"
        " i.sentiment, i.text_sentiment, i.follow_up_on, i.duration_minutes"
        " FROM interactions i JOIN accounts a ON a.id = i.account_id"
        " LEFT JOIN contacts c ON c.id = i.contact_id WHERE i.id = ?",
        note_id,
        "note",
    )
    return Note(*row)


def edit_note(db: Database, note_id: int, fields: NoteFields, today: date) -> Note:
    """Change a logged conversation; its text sentiment is recomputed when its words change, and
    the scores given on the call move with its date."""
    current = get_note(db, note_id)
    values, errors = check_note(fields, today, current)
    if errors:
        field_name, reason = next(iter(errors.items()))
        raise FieldError(field_name, reason)
    contact = values.pop("contact", None)
    if "summary" in values or "notes" in values:
        values["text_sentiment"] = text_sentiment(
            values.get("summary", current.summary), values.get("notes", current.notes)
        )
    nothing_to_change(f"note {note_id}", values if fields.contact is None else {**values, "contact": contact})
    with write_transaction(db, change=f"note {note_id} edited: {', '.join(values) or 'contact'}"):
        if fields.contact is not None:
            acct = account_id(db, current.account_key)
            email = contact if contact and "@" in contact else None
            name = None if email or not contact else contact
            values["contact_email"], values["contact_id"] = resolve_contact(db, acct, name, email)
        update(db, "interactions", note_id, values, f"note {note_id}")
        if "occurred_on" in values:  # scores given on the call were given that day
            db.execute("UPDATE surveys SET responded_on = ? WHERE interaction_id = ?", [values["occurred_on"], note_id])
    return get_note(db, note_id)


def delete_note(db: Database, note_id: int) -> Note:
    """Remove a note; its follow-up tasks and the scores given on the call stay (unlinked)."""
    note = get_note(db, note_id)
    with write_transaction(db, change=f"note {note_id} deleted: {note.summary}"):
        db.execute("DELETE FROM interactions WHERE id = ?", [note_id])
    return note
