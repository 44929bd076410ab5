"""`cstui playbook list|show|import|export|apply`: playbooks kept in the book, edited as CSV."""

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from cstui import clock
from cstui.cli.common import DbOption, open_book
from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage import playbooks
from cstui.user_files import PLAYBOOK_LIMIT, read_user_text

JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]
NameArgument = Annotated[str, typer.Argument(help='The playbook\'s name (quote it: "renewal preparation").')]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Playbooks: named sets of dated steps, applied to an account as tasks.", no_args_is_help=True
    )
    app.add_typer(group, name="playbook")
    group.command("list")(playbook_list)
    group.command("show")(playbook_show)
    group.command("export")(playbook_export)
    group.command("import")(playbook_import)
    group.command("apply")(playbook_apply)


def _say(text: str) -> None:
    typer.echo(visible(text, one_line=True))


def playbook_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every playbook: its anchor, its steps and how many accounts are running it."""
    conn = open_book(db).conn
    books = playbooks.list_playbooks(conn)
    running: dict[str, int] = {}
    for run in playbooks.runs(conn):
        if run.running:
            running[run.playbook.lower()] = running.get(run.playbook.lower(), 0) + 1
    if as_json:
        typer.echo(json.dumps([asdict(p) for p in books], indent=2, ensure_ascii=False))
        return
    for p in books:
        runs = running.get(p.name.lower(), 0)
        _say(f"{p.name}  (from {p.anchor}, {len(p.steps)} steps, running on {runs} accounts)  {p.description}")


def playbook_show(name: NameArgument, as_json: JsonOption = False, db: DbOption = None) -> None:
    """A playbook's steps, each with its day offset from the anchor."""
    p = playbooks.get_playbook(open_book(db).conn, name)
    if as_json:
        typer.echo(json.dumps(asdict(p), indent=2, ensure_ascii=False))
        return
    anchor = playbooks.ANCHORS.get(p.anchor)
    _say(f"{p.name}: counts from {anchor.description if anchor else p.anchor}")
    if p.description:
        _say(f"  {p.description}")
    for step in p.steps:
        _say(f"  day {step.offset_days:+d}  {step.title}")


def playbook_export(
    name: Annotated[str | None, typer.Argument(help="One playbook (default: all).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file (default: print).")] = None,
    db: DbOption = None,
) -> None:
    """Playbooks as CSV (playbook,anchor,offset_days,step,description), to edit and import back."""
    conn = open_book(db).conn
    chosen = [playbooks.get_playbook(conn, name)] if name else playbooks.list_playbooks(conn)
    text = playbooks.export_csv(chosen)
    if out is None:
        typer.echo(visible(text, one_line=False), nl=False)
        return
    if out.exists():
        raise UserError(f"{out}: already exists; choose another file (nothing was written)")
    out.write_text(text, encoding="utf-8")
    typer.echo(f"{len(chosen)} playbooks written to {visible(out, one_line=True)}")


def playbook_import(
    path: Annotated[Path, typer.Argument(help="A CSV file as `cstui playbook export` writes it.")],
    db: DbOption = None,
) -> None:
    """Create or replace the playbooks in a CSV file (all or nothing); others stay as they are."""
    text = read_user_text(path, PLAYBOOK_LIMIT, "utf-8-sig")
    saved = playbooks.import_csv(open_book(db), text, str(path))
    for p in saved:
        _say(f"playbook '{p.name}' saved: {len(p.steps)} steps from {p.anchor}")


def playbook_apply(
    name: NameArgument,
    account: Annotated[str, typer.Option("--account", help="The account's key.")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Apply a playbook to an account: one dated task per step (a step already past is due today)."""
    run = playbooks.apply_playbook(open_book(db), account, name, clock.today())
    if as_json:
        typer.echo(json.dumps(asdict(run), indent=2, ensure_ascii=False))
        return
    _say(f"playbook '{run.playbook}' applied to {run.account_key} (run {run.id}): {run.tasks} tasks")
    if run.next_due:
        _say(f"  first due {run.next_due}: {run.next_title}")
