"""`cstui checkin`: the day's check-in queue, as the TUI shows it, for scripts and a quick look."""

import json
from pathlib import Path
from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.safe_text import visible


def register(app: typer.Typer) -> None:
    app.command("checkin")(checkin)


def checkin(
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the queue as JSON.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the accounts waiting beyond the day's capacity.")
    ] = False,
    db: DbOption = None,
) -> None:
    """The day's check-in: rank, account, reasons (risk or opportunity) and what to do, the most at stake first."""
    from functools import partial

    from cstui.metrics.checkin import checkin_queue
    from cstui.readmodels.health_cache import current_scores
    from cstui.storage.connection import default_book_path

    day = as_of_date(as_of)
    path = Path(db).expanduser() if db else default_book_path()
    if not path.exists():  # a read command never creates a book
        raise UserError(f"{visible(path, one_line=True)}: no book here; create one with `cstui demo` or `cstui import`")
    book = open_book(path)
    queue = checkin_queue(book.conn, day, partial(current_scores, book.conn))
    if as_json:
        typer.echo(json.dumps(queue.to_json(include_waiting=show_all), indent=2))
        return
    done = f", {queue.reviewed} reviewed and {queue.snoozed} snoozed today" if queue.done else ""
    typer.echo(f"Check-in {day.isoformat()}: {len(queue.items)} to do (capacity {queue.settings.capacity}){done}")
    listed = queue.items + (queue.waiting if show_all else [])
    for rank, item in enumerate(listed, 1):
        renewal = f"  renews {item.renewal_date}" if item.renewal_date else ""
        typer.echo(
            f"{rank:>3}. {visible(item.key, one_line=True)}  {visible(item.name, one_line=True)}"
            f"  {item.band}  ARR {item.arr:,.0f}{renewal}"
        )
        for reason in item.reasons:
            typer.echo(f"     {reason.kind:<11}  {visible(reason.text, one_line=True)}  -> {reason.action}")
    if queue.waiting_count and not show_all:
        typer.echo(f"{queue.waiting_count} more waiting (--all lists them)")
    for name in queue.unknown_rules:
        typer.echo(f"not checked (no code for this rule in this cstui): {visible(name, one_line=True)}")
