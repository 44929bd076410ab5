"""`cstui brief KEY`: the pre-call brief as Markdown, to the terminal or a file."""

from pathlib import Path
from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.safe_text import visible


def register(app: typer.Typer) -> None:
    app.command("brief")(brief)


def _check_output(output: Path) -> None:
    """The brief may replace a text file, never a folder or a database (the book itself, say)."""
    if not output.exists():
        return
    if not output.is_file():
        raise UserError(f"--output {visible(output, one_line=True)}: not a regular file")
    with output.open("rb") as handle:
        if handle.read(16) == b"SQLite format 3\x00":
            raise UserError(f"--output {visible(output, one_line=True)}: is a database, not overwritten")


def brief(
    key: Annotated[str, typer.Argument(help="The account's key.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the Markdown to this file (mode 0600).")
    ] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Before a call: the next meeting, health and what changed, follow-ups, tickets, notes, surveys."""
    from cstui.metrics.dates import refuse_bad_dates
    from cstui.readmodels.precall import precall_brief, precall_markdown
    from cstui.storage.imports.export import write_private
    from cstui.storage.records.checks import account_id

    day = as_of_date(as_of)
    if output is not None:
        _check_output(output)
    book = open_book(db)
    refuse_bad_dates(book.conn)
    try:
        text = precall_markdown(precall_brief(book.conn, account_id(book, key), day))
    except UserError as error:
        raise UserError(visible(error, one_line=True)) from None
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        write_private(output, text)
    except OSError as error:
        raise UserError(f"--output {visible(output, one_line=True)}: {error.strerror or error}") from None
    typer.echo(f"brief written: {visible(output, one_line=True)}")
