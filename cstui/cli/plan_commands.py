"""`cstui plan show|add|edit|done|figures` and `cstui plan goal add|done|undone`: success plans (issue 29)."""

from datetime import date
from typing import Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.formatting import figure
from cstui.metrics.plan_figures import FIGURES, check_figure
from cstui.readmodels.plans import plan_view
from cstui.safe_text import visible
from cstui.storage import plans
from cstui.storage.records.accounts import get_account

KeyArgument = Annotated[str, typer.Argument(help="The account's key.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print as JSON.")]
DateOption = Annotated[str | None, typer.Option(help="A date YYYY-MM-DD.", show_default=False)]


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Success plans: an objective and goals the book keeps score of.", no_args_is_help=True)
    app.add_typer(group, name="plan")
    group.command("show")(plan_show)
    group.command("add")(plan_add)
    group.command("edit")(plan_edit)
    group.command("done")(plan_done)
    group.command("figures")(plan_figures)
    goals = typer.Typer(help="A plan's goals: measured by a figure, or milestones you tick.", no_args_is_help=True)
    group.add_typer(goals, name="goal")
    goals.command("add")(goal_add)
    goals.command("done")(goal_done)
    goals.command("undone")(goal_undone)


def _say(text: str) -> None:
    typer.echo(visible(text, one_line=True))


def _date(text: str | None, label: str) -> date | None:
    return as_of_date(text, label) if text is not None else None


def plan_show(key: KeyArgument, as_of: AsOfOption = None, as_json: JsonOption = False, db: DbOption = None) -> None:
    """The account's plan and where each goal stands on the day (on track, behind, met, missed)."""
    book = open_book(db)
    account = get_account(book, key)
    view = plan_view(book.conn, account.id, as_of_date(as_of))
    if as_json:
        typer.echo(view.to_json())
        return
    if view.plan is None:
        _say(f"{account.key}: no success plan (`cstui plan add {account.key} --objective ...`)")
        return
    p = view.plan
    _say(f"{account.key}: {p.objective}")
    _say(f"  agreed {p.agreed_on or '-'}, owner {p.owner or '-'}{', done ' + p.done_on if p.done_on else ''}")
    if not view.goals:
        typer.echo("  no goals yet (`cstui plan goal add`)")
    for g in view.goals:
        value = "" if g.goal.is_milestone else f"  now {figure(g.value, '{:.1f}')} {g.unit}"
        _say(
            f"  [{g.goal.id}] {g.status.value:8}  {g.goal.title}  ({g.label}){value}"
            f"  progress {figure(g.progress, '{:.0f}')}% of time {g.expected:.0f}%"
        )


def plan_add(
    key: KeyArgument,
    objective: Annotated[str, typer.Option("--objective", help="What the customer wants to achieve.")],
    agreed_on: Annotated[str | None, typer.Option("--agreed-on", help="When it was agreed (YYYY-MM-DD).")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="Who owns it on the customer's side.")] = None,
    db: DbOption = None,
) -> None:
    """Start the account's success plan."""
    made = plans.add_plan(open_book(db), key, objective, _date(agreed_on, "--agreed-on"), owner)
    _say(f"{made.account_key}: success plan '{made.objective}' added")


def plan_edit(
    key: KeyArgument,
    objective: Annotated[str | None, typer.Option("--objective", help="A new objective.")] = None,
    agreed_on: Annotated[str | None, typer.Option("--agreed-on", help="When it was agreed.")] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="The customer-side owner.")] = None,
    db: DbOption = None,
) -> None:
    """Change the plan's objective, agreed date or owner."""
    made = plans.edit_plan(open_book(db), key, objective, _date(agreed_on, "--agreed-on"), owner)
    agreed, owner_now = made.agreed_on or "-", made.owner or "-"
    _say(f"{made.account_key}: success plan now '{made.objective}', agreed {agreed}, owner {owner_now}")


def plan_done(key: KeyArgument, as_of: AsOfOption = None, db: DbOption = None) -> None:
    """Close the plan (its goals stop coming up in the check-in)."""
    made = plans.plan_done(open_book(db), key, as_of_date(as_of))
    _say(f"{made.account_key}: success plan done on {made.done_on}")


def plan_figures() -> None:
    """The figures a measured goal can name (--figure)."""
    for f in FIGURES.values():
        about = f" (--subject: the {f.subject})" if f.subject else ""
        typer.echo(f"{f.key}{about}: {f.description} [{f.unit}]")


def goal_add(
    key: KeyArgument,
    title: Annotated[str, typer.Argument(help="The goal, in the customer's words.")],
    due: Annotated[str, typer.Option("--due", help="When it is due (YYYY-MM-DD).")],
    figure_key: Annotated[
        str | None, typer.Option("--figure", help="Measured by this figure (`cstui plan figures`); else a milestone.")
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="The figure to reach (at least).")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="What the figure is about (a feature).")] = None,
    start: Annotated[str | None, typer.Option("--start", help="Progress counts from here (default: --as-of).")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Add a goal to the account's plan: `--figure F --target N` for a measured one, neither for a milestone."""
    measured = check_figure(figure_key, subject) if figure_key is not None else None
    value = plans.parse_target(target) if target is not None else None
    due_on = as_of_date(due, "--due")
    start_on = as_of_date(start, "--start") if start is not None else as_of_date(as_of)
    book = open_book(db)
    about = plans.feature_named(book.conn, subject or "") if measured and measured.subject == "feature" else None
    known = measured.key if measured else None
    goal = plans.add_goal(book, key, title, due_on, start_on, known, about, value)
    _say(f"{goal.account_key}: goal {goal.id} '{goal.title}' added, due {goal.due_on}")


def goal_done(
    goal_id: Annotated[int, typer.Argument(help="The goal's number (`cstui plan show KEY`).")],
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Tick a milestone goal as done (on --as-of, default today)."""
    goal = plans.goal_done(open_book(db), goal_id, as_of_date(as_of))
    _say(f"{goal.account_key}: goal {goal.id} '{goal.title}' done on {goal.done_on}")


def goal_undone(
    goal_id: Annotated[int, typer.Argument(help="The goal's number.")],
    db: DbOption = None,
) -> None:
    """Take back a milestone's tick."""
    goal = plans.goal_done(open_book(db), goal_id, None)
    _say(f"{goal.account_key}: goal {goal.id} '{goal.title}' open again")
