"""`cstui checkin`: the day's check-in queue, as the TUI shows it, for scripts and a quick look; and
the queue worked from the shell (issue 25): `checkin review KEY`, `checkin snooze KEY`, `checkin
undo`, storing the same fingerprint of the reasons seen as the check-in screen does."""

import json
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.safe_text import visible

JsonOption = Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")]
KeyArgument = Annotated[str, typer.Argument(help="The account's key (any case).")]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="The day's check-in queue; review, snooze or undo from the shell.", invoke_without_command=True
    )
    group.callback()(checkin)
    group.command("review")(review)
    group.command("snooze")(snooze)
    group.command("undo")(undo)
    app.add_typer(group, name="checkin")


def checkin(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the queue as JSON.")] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list the accounts waiting beyond the day's capacity.")
    ] = False,
    db: DbOption = None,
) -> None:
    """The day's check-in: rank, account, reasons (risk or opportunity) and what to do, the most at stake first."""
    if ctx.invoked_subcommand is not None:
        return
    from cstui.derived.health_cache import current_scores
    from cstui.metrics.checkin import checkin_queue
    from cstui.metrics.dates import refuse_bad_dates
    from cstui.storage.bookfile.connection import default_book_path

    day = as_of_date(as_of)
    path = Path(db).expanduser() if db else default_book_path()
    if not path.exists():  # a read command never creates a book
        raise UserError(f"{visible(path, one_line=True)}: no book here; create one with `cstui demo` or `cstui import`")
    book = open_book(path)
    refuse_bad_dates(book.conn)
    queue = checkin_queue(book.conn, day, partial(current_scores, book.conn))
    if as_json:
        data = queue.to_json(include_waiting=show_all)
        data["week"] = queue.week.to_json() if queue.week is not None else None
        typer.echo(json.dumps(data, indent=2))
        return
    done = f", {queue.reviewed} reviewed and {queue.snoozed} snoozed today" if queue.done else ""
    typer.echo(f"Check-in {day.isoformat()}: {len(queue.items)} to do (capacity {queue.settings.capacity}){done}")
    listed = queue.items + (queue.waiting if show_all else [])
    for rank, item in enumerate(listed, 1):
        renewal = f"  renews {item.renewal_date}" if item.renewal_date else ""
        covered = f"  (waited {item.waited} working days)" if item.covered else ""
        typer.echo(
            f"{rank:>3}. {visible(item.key, one_line=True)}  {visible(item.name, one_line=True)}"
            f"  {item.band}  ARR {item.arr:,.0f}{renewal}{covered}"
        )
        for reason in item.reasons:
            typer.echo(f"     {reason.kind:<11}  {visible(reason.text, one_line=True)}  -> {reason.action}")
    if queue.waiting_count and not show_all:
        typer.echo(f"{queue.waiting_line()} (--all lists them)")
    if queue.week is not None:
        typer.echo(queue.week.line())
    for name in queue.unknown_rules:
        typer.echo(f"not checked (no code for this rule in this cstui): {visible(name, one_line=True)}")


def _queued(book: Any, key: str, day: date) -> Any:
    """The account's item in the day's queue, or one line saying why there is none."""
    from cstui.derived.checkin_day import queued_item
    from cstui.derived.health_cache import current_scores
    from cstui.storage.records.checks import account_id

    account = account_id(book, key)
    item = queued_item(book.conn, day, partial(current_scores, book.conn), account)
    if item is None:
        raise UserError(
            f"{visible(key, one_line=True)}: not in the check-in of {day.isoformat()}"
            " (no reason to look at it, or away after a review or a snooze)"
        )
    return item


def _report(as_json: bool, item: Any, day: date, action: str, change: int, until: str | None = None) -> None:
    if as_json:
        record = {"account": item.key, "day": day.isoformat(), "action": action, "snoozed_until": until}
        typer.echo(json.dumps({**record, "fingerprint": item.fingerprint, "change": change}, indent=2))
        return
    what = f"snoozed until {until}" if until else action
    typer.echo(f"{visible(item.key, one_line=True)} {what} on {day.isoformat()} (change {change})")


def review(key: KeyArgument, as_of: AsOfOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Mark a queued account reviewed today: it stays away until a reason is new or worse."""
    from cstui.storage import checkin_writes

    day = as_of_date(as_of)
    book = open_book(db)
    item = _queued(book, key, day)
    change = checkin_writes.mark_reviewed(book, item.account_id, day.isoformat(), item.fingerprint)
    _report(as_json, item, day, "reviewed", change)


def snooze(
    key: KeyArgument,
    until: Annotated[str | None, typer.Option("--until", help="Back on this day (YYYY-MM-DD).")] = None,
    days: Annotated[int | None, typer.Option("--days", help="Back after so many days.")] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Snooze a queued account until a day (or for a number of days), unless a reason gets new or worse."""
    from cstui.storage import checkin_writes

    if (until is None) == (days is None):
        raise UserError("snooze: give --until D or --days N (one of them)")
    day = as_of_date(as_of)
    if days is not None:
        if days < 1:
            raise UserError(f"--days: {days} is not a number of days from 1 up")
        until = (day + timedelta(days=days)).isoformat()
    assert until is not None
    book = open_book(db)
    item = _queued(book, key, day)
    change = checkin_writes.snooze(book, item.account_id, day.isoformat(), until, item.fingerprint)
    _report(as_json, item, day, "snoozed", change, until)


def undo(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Take back the newest check-in action (a review, a snooze, or a call logged on a queued account)."""
    from cstui.storage import checkin_writes

    change = checkin_writes.undo_last(open_book(db))
    if as_json:
        typer.echo(json.dumps({"change": change.id, "undid": change.reverts, "description": change.description}))
        return
    typer.echo(visible(change.description, one_line=True))
