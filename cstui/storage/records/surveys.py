"""Survey responses (NPS, CSAT, CES) entered by hand: `check_survey` is the one check of a
response's fields, for `add_survey` and `edit_survey` alike."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui.errors import FieldError
from cstui.sentiment import text_sentiment
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.imports.csv_format import SURVEY_SCALES, CellError, parse_int
from cstui.storage.records.checks import account_id, check_date, check_email, fetch, nothing_to_change, optional, update


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
class SurveyFields:
    """A response's fields as typed: None leaves a field as it is (an edit), "" clears an optional one."""

    kind: str | None = None
    score: str | None = None
    responded_on: str | None = None
    comment: str | None = None
    contact_email: str | None = None


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


def check_survey(fields: SurveyFields, today: date, current: SurveyResponse | None = None) -> dict[str, Any]:
    """The `surveys` columns `fields` set, checked; without `current` a new response (every field
    counts). A response is dated today or earlier."""
    values: dict[str, Any] = {}
    if current is None or fields.kind is not None or fields.score is not None:
        kind = (fields.kind if fields.kind is not None or current is None else current.kind) or ""
        values["kind"] = kind.strip().lower()
        score = fields.score if fields.score is not None or current is None else current.score
        values["score"] = check_score(values["kind"], score or "")
    if current is None or fields.responded_on is not None:
        values["responded_on"] = check_date("date", fields.responded_on or "", not_after=today)
    if current is None or fields.comment is not None:
        values["comment"] = optional(fields.comment or "")
        values["text_sentiment"] = text_sentiment(values["comment"])
    if current is None or fields.contact_email is not None:
        values["contact_email"] = check_email("contact email", fields.contact_email)
    return values


def add_survey(db: Database, account_key: str, fields: SurveyFields, today: date) -> int:
    """Record one survey response that arrived outside a call, dated today or earlier; return its id."""
    values = check_survey(fields, today)
    with write_transaction(db, change=f"survey added for {account_key}: {values['kind'].upper()} {values['score']}"):
        values = {"account_id": account_id(db, account_key), **values, "source": "entered"}
        cursor = db.execute(
            f"INSERT INTO surveys ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
            list(values.values()),
        )
    return int(cursor.lastrowid or 0)


def get_survey(db: Database, survey_id: int) -> SurveyResponse:
    row = fetch(
        db,
        "SELECT s.id, a.key, s.kind, s.score, s.responded_on, s.contact_email, s.comment, s.text_sentiment,"
        " s.interaction_id FROM surveys s JOIN accounts a ON a.id = s.account_id WHERE s.id = ?",
        survey_id,
        "survey",
    )
    return SurveyResponse(*row)


def edit_survey(db: Database, survey_id: int, fields: SurveyFields, today: date) -> SurveyResponse:
    current = get_survey(db, survey_id)
    values = check_survey(fields, today, current)
    nothing_to_change(f"survey {survey_id}", values)
    with write_transaction(db, change=f"survey {survey_id} edited: {', '.join(values)}"):
        update(db, "surveys", survey_id, values, f"survey {survey_id}")
    return get_survey(db, survey_id)


def delete_survey(db: Database, survey_id: int) -> SurveyResponse:
    survey = get_survey(db, survey_id)
    with write_transaction(db, change=f"survey {survey_id} deleted: {survey.kind.upper()} {survey.score}"):
        db.execute("DELETE FROM surveys WHERE id = ?", [survey_id])
    return survey
