"""The CSM's week from the shell: `cstui week` (the week in review) and `cstui agenda` (meetings ahead)."""

from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.safe_text import visible


def register(app: typer.Typer) -> None:
    app.command("week")(week)
    app.command("agenda")(agenda)


def week(
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    as_md: Annotated[bool, typer.Option("--md", help="Print as a Markdown note to send to your manager.")] = False,
    db: DbOption = None,
) -> None:
    """The week in review: renewals that moved, score falls and rises, silent champions, overdue
    playbook steps, follow-ups, the quarter's forecast, where the time went, and next week."""
    from cstui.readmodels.week import week as the_week
    from cstui.readmodels.week import week_markdown, week_text

    if as_json and as_md:
        raise UserError("--json and --md: give one of them")
    day = as_of_date(as_of)
    data = the_week(open_book(db).conn, day)
    typer.echo(data.to_json() if as_json else week_markdown(data) if as_md else week_text(data), nl=as_json)


def agenda(
    days: Annotated[int, typer.Option("--days", min=1, max=366, help="How many days from today (default 14).")] = 14,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """Meetings from today on across the book, by day, each with its account's band and open reasons."""
    from cstui.readmodels.agenda import agenda as the_agenda
    from cstui.readmodels.agenda import agenda_text

    data = the_agenda(open_book(db).conn, as_of_date(as_of), days)
    if as_json:
        typer.echo(data.to_json())
        return
    for line in agenda_text(data, lambda value: visible(value, one_line=True)):
        typer.echo(line)
