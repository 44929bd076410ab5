"""`cstui search TEXT`: every record whose text matches, grouped by account."""

import json
from dataclasses import asdict
from typing import Annotated

import typer

from cstui.cli.common import DbOption, open_book
from cstui.formatting import counted
from cstui.safe_text import visible
from cstui.storage.search import DEFAULT_LIMIT, Hit, Kind, Order, by_account, find

KINDS = "|".join(kind.value for kind in Kind)


def register(app: typer.Typer) -> None:
    app.command("search")(search_command)


def search_command(
    text: Annotated[str, typer.Argument(help='Words, "a phrase", prefix*, AND / OR / NOT (SQLite FTS5 query syntax).')],
    account: Annotated[str | None, typer.Option("--account", help="Only this account (its key, any case).")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help=f"Only this kind of record: {KINDS}.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=10_000, help="At most this many records.")
    ] = DEFAULT_LIMIT,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")] = False,
    db: DbOption = None,
) -> None:
    """Search account names and keys, contacts, call notes, survey comments, tickets and tasks.

    The best matches come first; a query with thousands of matches is not ranked: the last entered
    come first, newest day first (the last line says so)."""
    book = open_book(db)
    found = find(book.conn, text, account=account, kind=kind, limit=limit)
    hits = found.hits
    if as_json:
        # ASCII only: a C1 control or a bidi override in book text stays an escape, even in JSON.
        typer.echo(json.dumps([asdict(hit) for hit in hits], indent=2))
        return
    if not hits:
        typer.echo(f"no matches for '{visible(text, one_line=True)}'")
        return
    groups = by_account(hits)
    for group in groups:
        typer.echo(typer.style(visible(f"{group.account_key}  {group.account_name}", one_line=True), bold=True))
        for hit in group.hits:
            typer.echo(f"  {hit.kind.value:<8}{hit.day or '':<12}{_match_line(hit)}")
    what = f"{counted(len(hits), 'match', 'matches')} in {counted(len(groups), 'account')}"
    if found.order is Order.NEWEST:
        typer.echo(
            f"{what}, the last entered of {found.counted:,}+, newest first "
            "(too many to rank: narrow with more words, --account or --kind)"
        )
        return
    more = f" (the first {limit}: narrow with --account or --kind)" if len(hits) == limit else ""
    typer.echo(f"{what}{more}")


def _match_line(hit: Hit) -> str:
    """The snippet, matched words in bold on a terminal; a note's summary first when the match is in its notes."""
    shown, spans = hit.shown()
    line = ""
    position = 0
    for start, end in spans:
        line += shown[position:start] + typer.style(shown[start:end], bold=True, underline=True)
        position = end
    line += shown[position:]
    if hit.kind is Kind.NOTE and hit.title and hit.snippet != hit.title:
        line = f"{visible(hit.title, one_line=True)} · {line}"
    return line
