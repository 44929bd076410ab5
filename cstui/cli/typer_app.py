"""The typer application: every command, registered on first use, and bare `cstui`'s options for `--help`.

Only command lines that name a command (or `--help`, or something typer must answer) come here;
`cstui [--db X] [--as-of D]` opens the app from `cstui.cli.main` without importing typer.
"""

from functools import cache
from typing import Annotated

import typer

from cstui.cli.common import DbOption

app = typer.Typer(
    name="cstui",
    help="A keyboard-driven terminal app for a Customer Success Manager's book of business.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def open_app(
    ctx: typer.Context,
    db: DbOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Open the book, or run the command, as of this date.")
    ] = None,
) -> None:
    """Bare `cstui` opens the app on the book; before a command, the book and the day for that command."""
    from cstui.cli.args import given, pin_today

    given.db, given.as_of = (str(db) if db is not None else None), as_of
    pin_today(as_of)
    if ctx.invoked_subcommand is None:
        from cstui.cli.main import open_app as open_the_app

        open_the_app(db, as_of)


@cache
def with_commands() -> typer.Typer:
    """The CLI with every command registered."""
    from cstui.cli import (
        book_commands,
        brief_commands,
        capture_commands,
        care_commands,
        checkin_commands,
        ingest_commands,
        plan_commands,
        playbook_commands,
        qbr_commands,
        record_commands,
        renewal_commands,
        report_commands,
        search_commands,
        stage_commands,
        sync_commands,
        week_commands,
    )

    for commands in (
        book_commands,
        capture_commands,
        report_commands,
        care_commands,
        checkin_commands,
        ingest_commands,
        brief_commands,
        search_commands,
        record_commands,
        playbook_commands,
        renewal_commands,
        week_commands,
        plan_commands,
        qbr_commands,
        stage_commands,
        sync_commands,
    ):
        commands.register(app)
    return app
