"""`cstui renewal set|list|accuracy`: the CSM's renewal calls and how right they were."""

from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.formatting import figure
from cstui.safe_text import visible
from cstui.storage import renewal_calls

JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Renewal calls: commit, probable, at risk, lost; and their accuracy.", no_args_is_help=True
    )
    app.add_typer(group, name="renewal")
    group.command("set")(renewal_set)
    group.command("list")(renewal_list)
    group.command("accuracy")(renewal_accuracy)


def _say(text: str) -> None:
    typer.echo(visible(text, one_line=True))


def renewal_set(
    key: Annotated[str, typer.Argument(help="The account's key.")],
    call: Annotated[str, typer.Option("--call", help="commit, probable, at-risk or lost.")],
    expected_arr: Annotated[str | None, typer.Option("--expected-arr", help="The ARR you expect to keep.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why, in a line.")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Record your call on the account's next renewal (replaces an earlier call on the same date)."""
    today = as_of_date(as_of)
    made = renewal_calls.set_call(open_book(db), key, call, expected_arr, reason, today=today)
    arr = figure(made.expected_arr, "{:,.0f}")
    _say(f"{made.account_key} renewing {made.renewal_date}: {made.call.label}, expected ARR {arr}")


def renewal_list(as_of: AsOfOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Renewals in the next 12 months by month: ARR at stake, your call, expected ARR, health band."""
    from cstui.readmodels.renewals import renewals

    view = renewals(open_book(db).conn, as_of_date(as_of))
    if as_json:
        typer.echo(view.to_json())
        return
    if not view.months:
        typer.echo("no renewals in the next 12 months")
    for month in view.months:
        typer.echo(
            f"{month.month}  {len(month.rows)} renewals  ARR {month.arr:,.0f}  expected {month.expected_text}"
            f"  {month.uncalled} without a call"
        )
        for r in month.rows:
            call = r.call.label if r.call else "no call"
            flag = f"  ! {r.disagreement}" if r.disagreement else ""
            _say(
                f"  {r.renewal_date}  {r.key}  {r.name}  ARR {r.arr:,.0f}  {r.band}  {call}"
                f"  expected {figure(r.expected_arr, '{:,.0f}')}{flag}"
            )


def renewal_accuracy(as_of: AsOfOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """Score your calls on renewals that have passed: renewed = on the books with MRR after the date."""
    from cstui.readmodels.renewals import accuracy

    result = accuracy(open_book(db).conn, as_of_date(as_of))
    if as_json:
        typer.echo(result.to_json())
        return
    if not result.scored:
        typer.echo("no call on a renewal that has passed yet")
        return
    typer.echo(
        f"{result.right} of {len(result.scored)} calls right ({figure(result.hit_rate, '{:.1f}')}%);"
        f" expected ARR {result.expected_arr:,.0f}, actual {result.actual_arr:,.0f}"
    )
    for call, (renewed, total) in result.by_call.items():
        typer.echo(f"  {call.replace('_', ' ')}: {renewed} of {total} renewed")
    for s in result.scored:
        outcome = "renewed" if s.renewed else "did not renew"
        _say(f"  {s.renewal_date}  {s.key}  {s.call.label} -> {outcome}  {'right' if s.right else 'WRONG'}")
