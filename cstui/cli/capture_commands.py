"""Quick capture from the shell or a script: `cstui survey add` and `cstui note add`.

A call or a survey logged on an account in the day's check-in marks it worked (reviewed, with the
fingerprint of the reasons it had), in the same change, as `f` on the check-in does (issue 25).
Both print the record written (`--json`: as JSON), like every record command.
"""

import dataclasses
import json
from datetime import date
from functools import partial
from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import FieldError, UserError
from cstui.storage import checkin_writes
from cstui.storage.bookfile.book import Book
from cstui.storage.records.checks import account_id
from cstui.storage.records.notes import get_note, parse_feedback, save_feedback
from cstui.storage.records.surveys import SurveyFields, add_survey, get_survey

AccountOption = Annotated[str, typer.Option("--account", help="The account's key.")]
# The option that fills each field of `notes.parse_feedback` (and of `notes.edit_note`), for its messages.
NOTE_OPTIONS = {"date": "--date", "follow_up_on": "--follow-up", "follow_up_title": "--follow-up-title"}


def note_option(name: str) -> str:
    """The `cstui note add|edit` option that sets a note's field, to name it in a message."""
    return NOTE_OPTIONS.get(name, "--" + name.replace("_", "-"))


def register(app: typer.Typer) -> None:
    survey = typer.Typer(help="Survey responses (NPS, CSAT, CES).", no_args_is_help=True)
    survey.command("add")(survey_add)
    note = typer.Typer(help="Call notes and other logged conversations.", no_args_is_help=True)
    note.command("add")(note_add)
    app.add_typer(survey, name="survey")
    app.add_typer(note, name="note")


def survey_add(
    account: AccountOption,
    kind: Annotated[str, typer.Option("--kind", help="nps (0-10), csat (1-5) or ces (1-7).")],
    score: Annotated[str, typer.Option("--score", help="The score on the kind's scale.")],
    comment: Annotated[str | None, typer.Option("--comment")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Respondent's email.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Response date (default: today).")] = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record written as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Record a survey response that arrived outside a call (on a queued account: it is worked)."""
    today = as_of_date(as_of)
    book = open_book(db)
    responded_on = on or today.isoformat()
    fields = SurveyFields(kind.lower(), score, responded_on, comment, contact)
    try:
        worked = _worked(book, account, today)
        if worked is None:
            new_id = add_survey(book, account, fields, today)
        else:
            new_id = checkin_writes.survey_reviewed(book, account, fields, today, *worked)
    except FieldError as error:
        if error.field_name != "date":
            raise
        raise UserError(f"--date: {error.reason}") from None
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(get_survey(book, new_id)), indent=2, ensure_ascii=False))
        return
    typer.echo(f"survey {new_id} saved: {account} {kind.upper()} {score}" + _marked(worked))


def _worked(book: Book, account_key: str, today: date) -> tuple[int, str] | None:
    """(account id, fingerprint) when the account is in today's check-in: logging on it marks it worked."""
    from cstui.derived.checkin_day import worked_fingerprint
    from cstui.derived.health_cache import current_scores

    account = account_id(book, account_key)
    fingerprint = worked_fingerprint(book.conn, today, partial(current_scores, book.conn), account)
    return None if fingerprint is None else (account, fingerprint)


def _marked(worked: tuple[int, str] | None) -> str:
    return "; reviewed in today's check-in" if worked is not None else ""


def note_add(
    account: AccountOption,
    summary: Annotated[str, typer.Option("--summary", help="One line: what the conversation was.")],
    kind: Annotated[str, typer.Option("--kind", help="call, meeting, email or note.")] = "call",
    notes: Annotated[str | None, typer.Option("--notes")] = None,
    sentiment: Annotated[str | None, typer.Option("--sentiment", help="Your rating, -2..2.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Contact name or email.")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", help="Due date of a follow-up task.")] = None,
    follow_up_title: Annotated[str | None, typer.Option("--follow-up-title")] = None,
    on: Annotated[str | None, typer.Option("--date", help="When it happened (default: today).")] = None,
    minutes: Annotated[str | None, typer.Option("--minutes", help="How long a call or meeting took.")] = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record written as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Log a call or other conversation, optionally with a follow-up task (on a queued account: it is worked)."""
    today = as_of_date(as_of)
    fields = {
        "date": on or "",
        "kind": kind,
        "summary": summary,
        "notes": notes or "",
        "sentiment": sentiment or "",
        "contact": contact or "",
        "minutes": minutes or "",
        "follow_up_on": follow_up or "",
        "follow_up_title": follow_up_title or (f"Follow up: {summary}" if follow_up else ""),
    }
    entry, errors = parse_feedback(account, fields, today)
    if errors or entry is None:
        raise UserError("; ".join(f"{note_option(name)}: {why}" for name, why in errors.items()))
    book = open_book(db)
    worked = _worked(book, account, today)
    if worked is None:
        new_id = save_feedback(book, entry)
    else:
        new_id = checkin_writes.feedback_worked(book, entry, worked[0], today.isoformat(), worked[1])
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(get_note(book, new_id)), indent=2, ensure_ascii=False))
        return
    extra = f", follow-up due {entry.follow_up_on}" if entry.follow_up_on else ""
    typer.echo(f"note {new_id} saved for {account}{extra}" + _marked(worked))
