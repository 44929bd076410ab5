"""Everything the CSM writes by hand: call notes, survey scores, follow-ups, check-in marks.

Used by the CLI's quick-capture commands and by the TUI's forms alike. Each public function is
one transaction, and every field is checked first, so a rejected entry leaves the book unchanged.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, cast

from sqlite_utils import Database

from cstui import clock
from cstui.errors import UserError
from cstui.sentiment import text_sentiment
from cstui.storage import resolve
from cstui.storage.connection import write_transaction
from cstui.storage.csv_format import SURVEY_SCALES, CellError, parse_date, parse_int

INTERACTION_KINDS = ("call", "meeting", "email", "note")
TIMED_KINDS = ("call", "meeting")  # the conversations that take a duration (minutes) of the CSM's time
MAX_MINUTES = 24 * 60


def account_id(db: Database, key: str) -> int:
    """The account's id by its key in any case (`cstui.storage.resolve`: did-you-mean on a miss)."""
    return resolve.account_id(db.conn, key)


def check_score(kind: str, score: int | str) -> int:
    """A survey score as an integer on its kind's scale, or a FieldError naming the scale."""
    if kind not in SURVEY_SCALES:
        raise FieldError("kind", f"'{kind}' is not one of {', '.join(SURVEY_SCALES)}")
    low, high = SURVEY_SCALES[kind]
    try:
        value = parse_int(str(score).strip(), low, high)
    except CellError:
        raise FieldError(kind, f"'{score}' is not a whole number from {low} to {high}") from None
    return value


class FieldError(UserError):
    """A mistake in one field of an entry, so a form can show it under that field."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field_name = field_name
        self.reason = reason


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
    typed_on: str = field(default_factory=lambda: clock.today().isoformat())  # the follow-up's created date


def parse_feedback(
    account_key: str, fields: dict[str, str], today: date | None = None
) -> tuple[Feedback | None, dict[str, str]]:
    """Check raw form text; return the entry or, per field, why it is not valid.

    A conversation is dated today or earlier, and its follow-up is due on or after its date.
    """
    today = today or clock.today()
    errors: dict[str, str] = {}
    value = {k: (v or "").strip() for k, v in fields.items()}

    def attempt(name: str, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except FieldError as error:  # each check attempted names its field
            errors[name] = error.reason
            return None

    occurred_on = attempt("date", lambda: check_date("date", value.get("date") or today.isoformat(), not_after=today))
    kind = value.get("kind") or "call"
    if kind not in INTERACTION_KINDS:
        errors["kind"] = f"'{kind}' is not one of {', '.join(INTERACTION_KINDS)}"
    if not value.get("summary"):
        errors["summary"] = "a summary is required"
    minutes = attempt("minutes", partial(check_minutes, value.get("minutes", ""), kind))
    sentiment = None
    if value.get("sentiment"):
        try:
            sentiment = parse_int(value["sentiment"], -2, 2)
        except CellError:
            errors["sentiment"] = f"'{value['sentiment']}' is not a whole number from -2 to 2"
    scores = {}
    for survey in SURVEY_SCALES:
        if value.get(survey):
            score = attempt(survey, partial(check_score, survey, value[survey]))
            if score is not None:
                scores[survey] = score
    title, due = value.get("follow_up_title"), value.get("follow_up_on")
    if due and not title:
        errors["follow_up_title"] = "a follow-up needs a title"
    if title and not due:
        errors["follow_up_on"] = "a follow-up needs a due date"
    if due:
        due = attempt("follow_up_on", partial(check_date, "follow-up date", due))
    if due and occurred_on and due < occurred_on:
        errors["follow_up_on"] = f"{due} is before the conversation ({occurred_on}): a follow-up is due after it"
    if errors:
        return None, errors
    contact = value.get("contact") or ""
    email = contact if "@" in contact else None
    return Feedback(
        account_key=account_key,
        occurred_on=occurred_on,
        kind=kind,
        summary=value["summary"],
        notes=value.get("notes") or None,
        contact_email=email,
        contact_name=None if email or not contact else contact,
        sentiment=sentiment,
        scores=scores,
        follow_up_title=title or None,
        follow_up_on=due or None,
        minutes=minutes,
        typed_on=today.isoformat(),
    ), {}


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


def add_survey(
    db: Database,
    account_key: str,
    kind: str,
    score: int | str,
    responded_on: str,
    comment: str | None = None,
    contact_email: str | None = None,
    today: date | None = None,
) -> int:
    """Record one survey response that arrived outside a call, dated today or earlier."""
    score = check_score(kind, score)
    responded_on = check_date("date", responded_on, not_after=today or clock.today())
    contact_email = check_email("contact email", contact_email)
    with write_transaction(db, change=f"survey added for {account_key}: {kind.upper()} {score}"):
        acct = account_id(db, account_key)
        cursor = db.execute(
            "INSERT INTO surveys (account_id, kind, score, responded_on, contact_email, comment,"
            " text_sentiment, source) VALUES (?, ?, ?, ?, ?, ?, ?, 'entered')",
            [acct, kind, score, responded_on, contact_email, comment, text_sentiment(comment)],
        )
    return cast(int, cursor.lastrowid)  # set by the INSERT


def complete_task(db: Database, task_id: int, on: str) -> bool:
    with write_transaction(db, change=f"task {task_id} done"):
        db.execute("UPDATE tasks SET done_on = ? WHERE id = ? AND done_on IS NULL", [on, task_id])
    return True


WEIGHT_RANGE = (0.0, 100.0)
_DECIMAL = re.compile(r"\d+(\.\d*)?|\.\d+", re.ASCII)


def check_weight(component: str, value: object) -> float:
    """A health-score weight as a finite number in WEIGHT_RANGE (0 to 100), or a UserError.

    The one check behind `cstui health weights --set`, a `--weights` file, the backtest screen's
    save and `save_weights` itself: `1e309` (inf), `nan`, negatives and huge values would turn every
    score into NaN or inf downstream. Text must be plain ASCII decimal (no exponent, no `٣`).
    """
    low, high = WEIGHT_RANGE
    number: float | None = None
    if isinstance(value, str):
        text = value.strip()
        number = float(text) if _DECIMAL.fullmatch(text) else None
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number) or not low <= number <= high:
        raise UserError(f"weight {component}: {value!r} is not a number from {low:g} to {high:g}")
    return number


def save_weights(db: Database, weights: dict[str, float]) -> bool:
    """Set health-score component weights (`weight.<component>` in health_config); one transaction."""
    checked = {component: check_weight(component, value) for component, value in weights.items()}
    described = ", ".join(f"{component}={value:g}" for component, value in checked.items())
    with write_transaction(db, change=f"health weights set: {described}"):
        for component, value in checked.items():
            updated = db.execute("UPDATE health_config SET value = ? WHERE name = ?", [value, f"weight.{component}"])
            if updated.rowcount != 1:
                raise UserError(f"weight {component}: no such health component")
        total = db.execute("SELECT total(value) FROM health_config WHERE name LIKE 'weight.%'").fetchone()[0]
        if not total:  # every score would be 0/0: refused here, not left for `cstui doctor` to find
            raise UserError(
                "weights: at least one weight must be above 0 (every score would be undefined); nothing set"
            )
    return True
