"""`cstui stage set|show|list|apply`: lifecycle stages (issue 29)."""

from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.metrics.stages import STAGE_RULES, counts_by_stage, stage_moves, stage_standings
from cstui.safe_text import visible
from cstui.storage import stages
from cstui.storage.reads import account_keys, accounts
from cstui.storage.records.accounts import get_account

KeyArgument = Annotated[str, typer.Argument(help="The account's key.")]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Lifecycle stages: onboarding, adoption, value, renewal, at risk, churned.", no_args_is_help=True
    )
    app.add_typer(group, name="stage")
    group.command("set")(stage_set)
    group.command("show")(stage_show)
    group.command("list")(stage_list)
    group.command("apply")(stage_apply)


def _say(text: str) -> None:
    typer.echo(visible(text, one_line=True))


def stage_set(
    key: KeyArgument,
    stage: Annotated[str, typer.Argument(help="The stage (`cstui stage list`).")],
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Move the account into a stage on --as-of (default today)."""
    moved = stages.set_stage(open_book(db), key, stage, as_of_date(as_of))
    _say(f"{key}: in stage {moved.stage} from {moved.entered_on}")


def stage_show(key: KeyArgument, as_of: AsOfOption = None, db: DbOption = None) -> None:
    """The account's stage, days in it, whether it is stuck, and every stage it went through."""
    book = open_book(db)
    account = get_account(book, key)
    today = as_of_date(as_of)
    standing = stage_standings(book.conn, today).get(account.id)
    if standing is None:
        _say(f"{account.key}: no stage yet (`cstui stage set {account.key} onboarding`)")
        return
    limit = f" of {standing.expected_days} expected" if standing.expected_days else ""
    stuck = "  STUCK" if standing.stuck else ""
    _say(f"{account.key}: {standing.stage}, {standing.days_in} days{limit} (since {standing.entered_on}){stuck}")
    for s in stages.stage_history(book.conn, account.id):
        _say(f"  {s.entered_on}  {s.stage}  ({s.set_by})")


def stage_list(as_of: AsOfOption = None, db: DbOption = None) -> None:
    """The book's stages with their expected length, how many of the book's accounts are in each, how many stuck."""
    conn = open_book(db).conn
    today = as_of_date(as_of)
    expected = {s.name: s.expected_days for s in stages.stages(conn)}
    for c in counts_by_stage(conn, today, set(accounts(conn))):
        if c.stage not in expected:  # the accounts never staged
            _say(f"{c.stage:12} {c.accounts:5} accounts")
            continue
        days = expected[c.stage]
        length = f"expected {days} days" if days else "no expected length"
        _say(f"{c.stage:12} {c.accounts:5} accounts  {c.stuck:4} stuck  ({length})")
    for rule in STAGE_RULES.values():
        _say(f"rule {rule.name}: {rule.description}")


def stage_apply(as_of: AsOfOption = None, db: DbOption = None) -> None:
    """Let the registered stage rules move the accounts they find (one change, undoable)."""
    book = open_book(db)
    today = as_of_date(as_of)
    moves = stage_moves(book.conn, today)
    keys = account_keys(book.conn, [m.account_id for m in moves])
    stages.enter_stages(book, moves, f"stage rules applied on {today}")
    for m in moves:
        _say(f"{keys[m.account_id]}: -> {m.stage} from {m.entered_on} ({m.set_by})")
    typer.echo(f"{len(moves)} accounts moved")
