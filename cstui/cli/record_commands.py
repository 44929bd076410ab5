"""Correct anything from the shell: edit and delete notes, surveys, tasks, contacts, accounts;
`cstui history`, `cstui undo` and `cstui redo`.

Every command prints the record it wrote (`--json`: the record as JSON) and goes through
`cstui.storage.records` (one module per kind), whose checks make a bad id, date or value one line and exit 1.
"""

import dataclasses
import json
from typing import Annotated, Any

import typer

from cstui import clock
from cstui.cli.capture_commands import note_option
from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import FieldError, UserError
from cstui.readmodels import tasks
from cstui.readmodels.tasks import DueFilter
from cstui.safe_text import visible
from cstui.storage import history
from cstui.storage.records import accounts, surveys
from cstui.storage.records import notes as note_records
from cstui.storage.records import tasks as task_records
from cstui.storage.records.checks import account_id
from cstui.storage.tasklist import Due

JsonOption = Annotated[bool, typer.Option("--json", help="Print the record written as JSON.")]
# SQLite's integers end at 2**63 - 1: a larger id is named as out of range, not an OverflowError.
SQLITE_MAX_INT = 2**63 - 1
IdArgument = Annotated[
    int,
    typer.Argument(
        min=1, max=SQLITE_MAX_INT, help="The record's id (shown when it was saved, and by `cstui history`)."
    ),
]
AccountOption = Annotated[str, typer.Option("--account", help="The account's key.")]
DateOption = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD.")]


def _text(help_text: str) -> Any:
    return typer.Option(help=f"{help_text} ('' clears it).")


def register(app: typer.Typer) -> None:
    note = _group(app, "note", "Call notes and other logged conversations.")
    note.command("edit")(note_edit)
    note.command("delete")(note_delete)
    survey = _group(app, "survey", "Survey responses (NPS, CSAT, CES).")
    survey.command("edit")(survey_edit)
    survey.command("delete")(survey_delete)
    task = _group(app, "task", "Follow-ups: list, add, edit, done, undone, delete.")
    for name, command in (
        ("list", task_list),
        ("add", task_add),
        ("edit", task_edit),
        ("done", task_done),
        ("undone", task_undone),
        ("delete", task_delete),
    ):
        task.command(name)(command)
    contact = _group(app, "contact", "People at a customer.")
    contact.command("add")(contact_add)
    contact.command("edit")(contact_edit)
    account = _group(app, "account", "Accounts: add one by hand, edit its details.")
    account.command("add")(account_add)
    account.command("edit")(account_edit)
    app.command("history")(show_history)
    app.command("undo")(undo)
    app.command("redo")(redo)


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The command group `name`, joining the one another module registered (note, survey) if any."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(created, name=name)
    return created


def _show(record: Any, as_json: bool, headline: str) -> None:
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(record), indent=2, ensure_ascii=False))
        return
    typer.echo(visible(headline, one_line=True))
    for name, value in dataclasses.asdict(record).items():
        typer.echo(f"  {name}: {visible(value, one_line=True) if value is not None else '-'}")


# --- notes and surveys ----------------------------------------------------------------------------


def note_edit(
    note_id: IdArgument,
    summary: Annotated[str | None, typer.Option("--summary", help="One line: what the conversation was.")] = None,
    notes: Annotated[str | None, _text("Free notes")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="call, meeting, email or note.")] = None,
    sentiment: Annotated[str | None, _text("Your rating, -2..2")] = None,
    contact: Annotated[str | None, _text("Contact name or email")] = None,
    follow_up: Annotated[str | None, _text("Follow-up date")] = None,
    on: DateOption = None,
    minutes: Annotated[str | None, _text("How long a call or meeting took, in minutes")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a logged conversation; only the options given change."""
    fields = note_records.NoteFields(on, kind, summary, notes, sentiment, contact, follow_up, minutes)
    try:
        note = note_records.edit_note(open_book(db), note_id, fields, clock.today())
    except FieldError as error:  # named by the option that sets the field, as `note add` names it
        raise UserError(f"{note_option(error.field_name)}: {error.reason}") from None
    _show(note, as_json, f"note {note.id} saved for {note.account_key}")


def note_delete(note_id: IdArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Delete a logged conversation (`cstui undo` brings it back)."""
    note = note_records.delete_note(open_book(db), note_id)
    _show(note, as_json, f"note {note.id} deleted from {note.account_key} (`cstui undo` brings it back)")


def survey_edit(
    survey_id: IdArgument,
    kind: Annotated[str | None, typer.Option("--kind", help="nps, csat or ces.")] = None,
    score: Annotated[str | None, typer.Option("--score", help="The score on the kind's scale.")] = None,
    comment: Annotated[str | None, _text("The respondent's comment")] = None,
    contact: Annotated[str | None, _text("Respondent's email")] = None,
    on: DateOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a survey response; only the options given change."""
    fields = surveys.SurveyFields(kind, score, on, comment, contact)
    survey = surveys.edit_survey(open_book(db), survey_id, fields, clock.today())
    _show(survey, as_json, f"survey {survey.id} saved for {survey.account_key}")


def survey_delete(survey_id: IdArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Delete a survey response (`cstui undo` brings it back)."""
    survey = surveys.delete_survey(open_book(db), survey_id)
    _show(survey, as_json, f"survey {survey.id} deleted from {survey.account_key} (`cstui undo` brings it back)")


# --- tasks ----------------------------------------------------------------------------------------


def task_list(
    due: Annotated[
        DueFilter | None,
        typer.Option("--due", help="today: due by today (overdue too); week: due in the next 7 days; overdue: late."),
    ] = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Every open follow-up across the book, overdue first: account, due date, origin."""
    from cstui.metrics.dates import refuse_bad_dates

    conn = open_book(db).conn
    refuse_bad_dates(conn, ("tasks", "accounts"))  # a due date of 2025-13-01 is not "overdue"
    result = tasks.task_list(conn, as_of_date(as_of), due)
    if as_json:
        typer.echo(result.to_json())
        return
    typer.echo(f"{len(result.tasks)} open; {result.counts.overdue} overdue, {result.counts.today} due today")
    for t in result.tasks:
        mark = "!" if t.due is Due.OVERDUE else "*" if t.due is Due.TODAY else " "
        line = f"{mark} {t.task_id:>5}  {t.due_on}  {t.account_key}  {t.title}  [{tasks.origin_label(t)}]"
        typer.echo(visible(line, one_line=True))


def task_add(
    account: AccountOption,
    title: Annotated[str, typer.Option("--title", help="What you promised to do.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD (today or later).")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add a follow-up task, created today."""
    task = task_records.add_task(open_book(db), account, task_records.TaskFields(title, due), clock.today())
    _show(task, as_json, f"task {task.id} saved for {task.account_key}, due {task.due_on}")


def task_edit(
    task_id: IdArgument,
    title: Annotated[str | None, typer.Option("--title")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a task's title or due date."""
    task = task_records.edit_task(open_book(db), task_id, task_records.TaskFields(title, due), clock.today())
    _show(task, as_json, f"task {task.id} saved for {task.account_key}")


def task_done(
    task_id: IdArgument,
    on: Annotated[str | None, typer.Option("--date", help="When it was done (default: today).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Mark a task done."""
    task = task_records.set_task_done(open_book(db), task_id, on or clock.today().isoformat(), clock.today())
    _show(task, as_json, f"task {task.id} done on {task.done_on}")


def task_undone(task_id: IdArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Open a done task again."""
    task = task_records.set_task_done(open_book(db), task_id, None, clock.today())
    _show(task, as_json, f"task {task.id} open again")


def task_delete(task_id: IdArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Delete a task (`cstui undo` brings it back)."""
    task = task_records.delete_task(open_book(db), task_id)
    _show(task, as_json, f"task {task.id} deleted from {task.account_key} (`cstui undo` brings it back)")


# --- contacts -------------------------------------------------------------------------------------

ChampionOption = Annotated[
    bool | None, typer.Option("--champion/--no-champion", help="Your champion at the customer.", show_default=False)
]


def contact_add(
    account: AccountOption,
    name: Annotated[str, typer.Option("--name")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    role: Annotated[str | None, typer.Option("--role")] = None,
    phone: Annotated[str | None, typer.Option("--phone")] = None,
    champion: ChampionOption = None,
    left_on: Annotated[str | None, typer.Option("--left-on", help="The day they left the customer.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add a contact to an account."""
    fields = accounts.ContactFields(name, email, role, phone, champion, left_on)
    contact = accounts.add_contact(open_book(db), account, fields)
    _show(contact, as_json, f"contact {contact.id} saved for {contact.account_key}")


def contact_edit(
    contact_id: IdArgument,
    name: Annotated[str | None, typer.Option("--name")] = None,
    email: Annotated[str | None, _text("Email")] = None,
    role: Annotated[str | None, _text("Role")] = None,
    phone: Annotated[str | None, _text("Phone")] = None,
    champion: ChampionOption = None,
    left_on: Annotated[str | None, _text("The day they left the customer")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change a contact; a champion who left gets `--left-on DATE` (a fact, not a deletion)."""
    fields = accounts.ContactFields(name, email, role, phone, champion, left_on)
    contact = accounts.edit_contact(open_book(db), contact_id, fields)
    _show(contact, as_json, f"contact {contact.id} saved for {contact.account_key}")


# --- accounts -------------------------------------------------------------------------------------

KeyArgument = Annotated[str, typer.Argument(help="The account's key (its id in your other systems).")]


def account_add(
    key: KeyArgument,
    name: Annotated[str, typer.Option("--name")],
    start_date: Annotated[str | None, typer.Option("--start-date", help="Default: today.")] = None,
    segment: Annotated[str | None, typer.Option("--segment")] = None,
    plan: Annotated[str | None, typer.Option("--plan")] = None,
    seats: Annotated[str | None, typer.Option("--seats")] = None,
    renewal_date: Annotated[str | None, typer.Option("--renewal-date")] = None,
    churn_date: Annotated[str | None, typer.Option("--churn-date")] = None,
    churn_reason: Annotated[str | None, typer.Option("--churn-reason")] = None,
    mrr: Annotated[str | None, typer.Option("--mrr", help="Monthly recurring revenue.")] = None,
    mrr_from: Annotated[str | None, typer.Option("--mrr-from", help="The day the MRR starts (default: start).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Add an account by hand (options named like the columns of accounts.csv)."""
    fields = accounts.AccountFields(
        name, start_date, segment, plan, seats, renewal_date, churn_date, churn_reason, mrr, mrr_from
    )
    account = accounts.add_account(open_book(db), key, fields, clock.today())
    _show(account, as_json, f"account {account.key} saved")


def account_edit(
    key: KeyArgument,
    name: Annotated[str | None, typer.Option("--name")] = None,
    start_date: Annotated[str | None, typer.Option("--start-date")] = None,
    segment: Annotated[str | None, _text("Segment")] = None,
    plan: Annotated[str | None, _text("Plan")] = None,
    seats: Annotated[str | None, _text("Seats")] = None,
    renewal_date: Annotated[str | None, _text("Renewal date")] = None,
    churn_date: Annotated[str | None, _text("Churn date")] = None,
    churn_reason: Annotated[str | None, _text("Churn reason")] = None,
    mrr: Annotated[str | None, typer.Option("--mrr", help="Monthly recurring revenue from --mrr-from on.")] = None,
    mrr_from: Annotated[str | None, typer.Option("--mrr-from", help="The day the MRR starts (default: today).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Change an account's details; only the options given change. A new MRR is a row of its MRR history."""
    fields = accounts.AccountFields(
        name, start_date, segment, plan, seats, renewal_date, churn_date, churn_reason, mrr, mrr_from
    )
    account = accounts.edit_account(open_book(db), key, fields, clock.today())
    _show(account, as_json, f"account {account.key} saved")


# --- history --------------------------------------------------------------------------------------

ROWS_SHOWN = 10


def _change_json(change: history.Change) -> dict[str, Any]:
    return dataclasses.asdict(change)


def show_history(
    account: Annotated[str | None, typer.Option("--account", help="Only changes to this account's rows.")] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, max=SQLITE_MAX_INT, help="The newest N changes.")
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every change made through cstui, newest first, with the rows it wrote (old and new values)."""
    book = open_book(db)
    changes = history.list_changes(book, account_id(book, account) if account else None, limit)
    if as_json:
        typer.echo(json.dumps([_change_json(c) for c in changes], indent=2, ensure_ascii=False, default=_bytes))
        return
    if not changes:
        typer.echo("no changes recorded")
    for change in changes:
        typer.echo(
            visible(f"{change.id}  {change.made_at}  {change.source}  {change.description}", one_line=True)
            + _status(change)
        )
        lines = list(history.iter_rows_text(change))
        for line in lines[:ROWS_SHOWN]:
            typer.echo("    " + visible(line, one_line=True))
        if len(lines) > ROWS_SHOWN:
            typer.echo(f"    ... and {len(lines) - ROWS_SHOWN} more rows (--json lists them all)")


def _status(change: history.Change) -> str:
    if change.reverted_by is None:
        return ""
    # A redo may itself be undone: say so, or the line would claim a change in force that is not.
    if change.kind == "undo":
        undone = f", itself undone by {change.redo_undone_by}" if change.redo_undone_by else ""
        return f" (redone by {change.reverted_by}{undone})"
    again = f", redone by {change.redone_by}" if change.redone_by else ""
    if change.redone_by and change.redo_undone_by:
        again += f", undone again by {change.redo_undone_by}"
    return f" (undone by {change.reverted_by}{again})"


def _bytes(value: object) -> str:
    return value.hex() if isinstance(value, bytes) else str(value)


def _reverted(change: history.Change, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(_change_json(change), indent=2, ensure_ascii=False, default=_bytes))
    else:
        rows = f"{len(change.rows)} row" + ("" if len(change.rows) == 1 else "s")
        typer.echo(visible(f"{change.description} ({rows}); change {change.id}", one_line=True))


def undo(
    change: Annotated[
        int | None,
        typer.Argument(min=1, max=SQLITE_MAX_INT, help="A change's id from `cstui history` (default: the last one)."),
    ] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Revert the last change not yet undone (again: the one before), or the change given; recorded too."""
    book = open_book(db)
    # "The last change" is the newest when the command was given: one the app saves while this
    # waits for the book (a long import holding it, say) is not reverted in its place.
    given_at = history.newest_change_id(book) if change is None else None
    _reverted(history.undo(book, change_id=change, given_at=given_at), as_json)


def redo(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Revert the last undo, if nothing was changed since."""
    _reverted(history.redo(open_book(db)), as_json)
