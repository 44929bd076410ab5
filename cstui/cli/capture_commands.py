"""Quick capture from the shell or a script: `cstui survey add` and `cstui note add`."""

from typing import Annotated

import typer

from cstui import clock
from cstui.cli.common import DbOption, open_book
from cstui.errors import UserError
from cstui.storage import writes

AccountOption = Annotated[str, typer.Option("--account", help="The account's key.")]
# The option that fills each field of `writes.parse_feedback`, for its messages.
NOTE_OPTIONS = {"date": "--date", "follow_up_on": "--follow-up", "follow_up_title": "--follow-up-title"}


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
    db: DbOption = None,
) -> None:
    """Record a survey response that arrived outside a call."""
    book = open_book(db)
    try:
        new_id = writes.add_survey(
            book, account, kind.lower(), score, on or clock.today().isoformat(), comment=comment, contact_email=contact
        )
    except writes.FieldError as error:
        if error.field_name != "date":
            raise
        raise UserError(f"--date: {error.reason}") from None
    typer.echo(f"survey {new_id} saved: {account} {kind.upper()} {score}")


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
    db: DbOption = None,
) -> None:
    """Log a call or other conversation, optionally with a follow-up task."""
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
    entry, errors = writes.parse_feedback(account, fields)
    if errors or entry is None:
        raise UserError("; ".join(f"{NOTE_OPTIONS.get(name, '--' + name)}: {why}" for name, why in errors.items()))
    book = open_book(db)
    new_id = writes.save_feedback(book, entry)
    extra = f", follow-up due {entry.follow_up_on}" if entry.follow_up_on else ""
    typer.echo(f"note {new_id} saved for {account}{extra}")
