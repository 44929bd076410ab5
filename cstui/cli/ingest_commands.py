"""`cstui ingest`: meetings and mail from the CSM's own .ics, .eml and .mbox files into the timeline."""

import os
import shlex
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.ingest.window import AHEAD_DAYS, SINCE_DAYS
from cstui.safe_text import visible

if TYPE_CHECKING:
    from cstui.storage.ingest_store import IngestResult

SHOWN = 20  # internal, unmatched and skipped items listed per kind unless --all
SKIPPED_EXIT = 2  # the exit status of a run that stored what it could read and skipped the rest


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("time")(time_spent)


def _zone(name: str | None):
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f"--tz: '{visible(name, one_line=True)}' is not a time zone name (e.g. Europe/Berlin)"
        ) from None


def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".ics, .eml and .mbox files, or folders of them.")],
    me: Annotated[
        str | None,
        typer.Option("--me", envvar="CSTUI_ME", help="Your own address: meetings with only your side are internal."),
    ] = None,
    add_contacts: Annotated[
        bool, typer.Option("--add-contacts", help="Add people at a matched account's domain as contacts.")
    ] = False,
    headers_only: Annotated[bool, typer.Option("--headers-only", help="Store no message bodies.")] = False,
    since: Annotated[
        str | None,
        typer.Option("--since", help=f"First day of meetings taken (default: {SINCE_DAYS} days before --as-of)."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help=f"Last day of meetings taken (default: {AHEAD_DAYS} days after --as-of). Meetings after "
            "--as-of are stored as booked: the brief's next meeting, not contact until their day.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone (default: this machine's).")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every internal and unmatched item.")] = False,
    db: DbOption = None,
) -> None:
    """Turn calendar meetings and mail into interactions, matched to accounts.

    An event or message that cannot be read is skipped and listed, the rest stored (exit status 2);
    a path or file that cannot be read rejects the run (exit status 1, the book unchanged)."""
    from cstui.ingest.files import ReadOptions
    from cstui.storage.ingest_store import ingest_paths

    if me is not None and "@" not in me:
        raise UserError(f"--me: '{visible(me, one_line=True)}' is not an email address")
    window = ReadOptions.around(as_of_date(as_of), _zone(tz), headers_only)
    first = as_of_date(since, "--since") if since else window.since
    last = as_of_date(until, "--until") if until else window.until
    if first > last:
        raise UserError(f"--since: {first} is after --until {last}")
    options = replace(window, since=first, until=last)
    book = open_book(db)
    result = ingest_paths(book, paths, options, me.strip().lower() if me else None, add_contacts=add_contacts)
    _report(result, paths, show_all)
    _skipped(result, show_all)


def _report(result: "IngestResult", paths: list[Path], show_all: bool) -> None:
    for path, n in result.files.items():
        skipped = f", {n.skipped} skipped" if n.skipped else ""
        typer.echo(
            f"{visible(path, one_line=True)}: {n.meetings} meetings, {n.emails} emails stored, "
            f"{n.already} already there, {n.internal} internal, {n.unmatched} unmatched{skipped}"
        )
    for note in result.notes:  # a library's warning, said once, in plain words
        typer.echo(visible(note, one_line=True))
    for title, matches in (("internal, not stored", result.internal), ("unmatched, not stored", result.unmatched)):
        if not matches:
            continue
        typer.echo(f"{title}:")
        for match in matches if show_all else matches[:SHOWN]:
            item = match.item
            who = ", ".join(p.email for p in item.participants[:3]) or "nobody"
            typer.echo(
                visible(
                    f"  {item.path}: {item.occurred_on} {item.kind.value} '{item.summary}' ({who}): {match.reason}",
                    one_line=True,
                )
            )
        if not show_all and len(matches) > SHOWN:
            typer.echo(f"  ... and {len(matches) - SHOWN} more (--all lists every one)")
    if result.new_contacts:
        verb = "added as contacts" if result.contacts_added else "not contacts yet"
        typer.echo(f"people at matched accounts, {verb}:")
        for new in result.new_contacts:
            person = new.person
            typer.echo(visible(f"  {new.account_key}: {person.label} <{person.email}>", one_line=True))
        if not result.contacts_added:
            again = " ".join(shlex.quote(os.fspath(p)) for p in paths)
            typer.echo(visible(f"add them with: cstui ingest {again} --add-contacts", one_line=True))


def _skipped(result: "IngestResult", show_all: bool) -> None:
    """The items left out, on stderr, then exit 2: the rest is stored, and scripts can tell."""
    if not result.skipped:
        return
    typer.echo("skipped, not stored:", err=True)
    for problem in result.skipped if show_all else result.skipped[:SHOWN]:
        typer.echo(visible(f"  {problem}", one_line=True), err=True)
    if not show_all and len(result.skipped) > SHOWN:
        typer.echo(f"  ... and {len(result.skipped) - SHOWN} more (--all lists every one)", err=True)
    count = len(result.skipped)
    typer.echo(f"cstui: {count} {'item' if count == 1 else 'items'} skipped; everything else is stored", err=True)
    raise typer.Exit(SKIPPED_EXIT)


TIME_DAYS = 90  # the default period: the trailing 90 days


def time_spent(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="START:END (END excluded; default: the last 90 days). Meetings after --as-of are booked, not counted.",
        ),
    ] = None,
    as_of: AsOfOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")] = False,
    db: DbOption = None,
) -> None:
    """Call and meeting minutes and emails per account and segment against each one's share of ARR."""
    import json
    from dataclasses import asdict

    from cstui.cli.report_commands import parse_period
    from cstui.metrics.attention import EMAIL_MINUTES, time_report
    from cstui.metrics.base import trailing

    day = as_of_date(as_of)
    window = parse_period(period) if period else trailing(day, TIME_DAYS)
    book = open_book(db)
    report = time_report(book.conn, window, day)
    if as_json:
        data = asdict(report)
        data["period"] = {"start": window.s, "end": window.e}
        data["email_minutes"] = EMAIL_MINUTES
        typer.echo(json.dumps(data, indent=2))
        return
    typer.echo(
        f"{window}: {report.calls} calls ({report.call_minutes} min), "
        f"{report.meetings} meetings ({report.meeting_minutes} min), {report.emails} emails "
        f"(counted {EMAIL_MINUTES} min each); ARR {report.arr:,.0f} at {window.e}"
    )
    typer.echo(f"{'':24} {'ARR':>12} {'ARR %':>6} {'calls':>5} {'mtgs':>5} {'min':>6} {'mails':>5} {'time %':>6}")
    for row in report.segments + sorted(report.accounts, key=lambda a: (-a.arr, a.key or "")):
        label = row.name if row.key is None else f"  {row.key} {row.name}"
        typer.echo(
            visible(
                f"{label[:24]:24} {row.arr:>12,.0f} {100 * row.arr_share:>6.1f} {row.calls:>5} {row.meetings:>5} "
                f"{row.call_minutes + row.meeting_minutes:>6} {row.emails:>5} {100 * row.attention_share:>6.1f}",
                one_line=True,
            )
        )
    names = {a.key: a for a in report.accounts}
    for title, keys in (
        ("much ARR, little attention", report.underserved),
        ("much attention, little ARR", report.overserved),
    ):
        shown = ", ".join(
            f"{key} {names[key].name} ({100 * names[key].arr_share:.1f}% of ARR, "
            f"{100 * names[key].attention_share:.1f}% of time)"
            for key in keys
        )
        typer.echo(visible(f"{title}: {shown or 'none'}", one_line=True))
