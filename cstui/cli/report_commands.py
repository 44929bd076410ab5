"""Read commands over the metric engine: `cstui report` and `cstui health ...`."""

import json
from datetime import timedelta
from typing import Annotated

import typer

from cstui.cli import backtest_commands
from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.metrics.base import EVERYONE, Period, Scope
from cstui.safe_text import visible
from cstui.storage.writes import account_id

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    health = typer.Typer(help="Customer health: snapshots and explanations.", no_args_is_help=True)
    health.command("snapshot")(health_snapshot)
    health.command("explain")(health_explain)
    backtest_commands.register(health)
    app.add_typer(health, name="health")


def parse_period(text: str) -> Period:
    start, sep, end = text.partition(":")
    if not sep:
        raise UserError(f"--period: '{text}' is not START:END (two dates, e.g. 2026-01-01:2026-04-01)")
    first, last = as_of_date(start, "--period start"), as_of_date(end, "--period end")
    if last <= first:
        raise UserError(f"--period: the end {last} must come after the start {first}")
    return Period(first, last)


def fmt(value, kind: str = "num") -> str:
    """A figure for people: 1 decimal, '-' for undefined (never 0)."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "money":
        return f"{value:,.0f}"
    if kind == "int":
        return f"{value:,}"
    return f"{value:,.1f}"


PORTFOLIO_ROWS = (  # key, label, kind, window
    ("accounts_active", "Active accounts", "int", None),
    ("nps", "NPS", "num", "surveys"),
    ("nps_responses", "NPS responses", "int", "surveys"),
    ("csat", "CSAT %", "num", "surveys"),
    ("ces", "CES (1-7, lower is easier)", "num", "surveys"),
    ("ces_low_effort_pct", "CES low-effort %", "num", "surveys"),
    ("churn_rate", "Logo churn %", "num", "retention"),
    ("retention_rate", "Customer retention %", "num", "retention"),
    ("grr", "GRR %", "num", "retention"),
    ("nrr", "NRR %", "num", "retention"),
    ("revenue_churn", "Revenue churn %", "num", "retention"),
    ("cltv", "CLTV", "money", None),
    ("cltv_lifespan_capped", "CLTV lifespan capped at 10 y", "bool", None),
    ("adoption_rate", "Adoption %", "num", "usage"),
    ("engagement_score", "Engagement (PES)", "num", "usage"),
    ("active_days", "Active days per account", "num", "usage"),
    ("minutes_per_active_user", "Minutes per active user-day", "num", "usage"),
    ("self_service_rate", "Self-service %", "num", "surveys"),
    ("mrr", "MRR", "money", None),
    ("arr", "ARR", "money", None),
)


def report(
    as_of: AsOfOption = None,
    period: Annotated[str | None, typer.Option("--period", help="START:END, replaces the trailing windows.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="One account's report, by key.")] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Only accounts of this segment.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every contract metric for the book, a segment or one account."""
    from cstui.metrics.report import account_report, portfolio_report

    book = open_book(db)
    window = parse_period(period) if period else None
    day = as_of_date(as_of)
    if account:
        result = account_report(book.conn, account_id(book, account), day, window)
    else:
        if segment and not book.execute("SELECT 1 FROM accounts WHERE segment = ?", [segment]).fetchone():
            known = ", ".join(
                s for (s,) in book.execute("SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL")
            )
            raise UserError(f"--segment: no accounts in segment '{segment}' (segments: {known or 'none'})")
        result = portfolio_report(book.conn, day, window, Scope(segment=segment) if segment else EVERYONE)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    _print_report(result)


def _print_report(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    title = f"cstui report as of {result['as_of']}"
    if result.get("account"):
        title += f": {visible(result['account'], one_line=True)} {visible(result['name'], one_line=True)}"
    elif result.get("segment"):
        title += f": segment {visible(result['segment'], one_line=True)}"
    table = Table(title=Text(title), show_lines=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("window")
    for key, label, kind, window in PORTFOLIO_ROWS:
        if key in result:
            table.add_row(label, fmt(result[key], kind), result["windows"].get(window, "") if window else "")
    if "health" in result:
        h = result["health"]
        table.add_row("Health green / yellow / red", f"{h['green']} / {h['yellow']} / {h['red']}", "as of report date")
        for horizon, r in result["renewals"].items():
            table.add_row(
                f"Renewals in {horizon}",
                f"{r['accounts']} ({fmt(r['arr'], 'money')} ARR)",
                f"{r['at_risk_accounts']} not green, {fmt(r['arr_at_risk'], 'money')} ARR at risk",
            )
    else:
        table.add_row("Health", f"{fmt(result['health_score'])} {result['health_band']}", "as of report date")
    Console().print(table)
    if "health_components" in result:
        _print_components(result["health_components"])


def _print_components(components: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="health breakdown")
    for column in ("component", "raw value", "score", "weight %", "points", "newest fact"):
        table.add_column(column, justify="right" if column in ("score", "weight %", "points") else "left")
    for c in components:
        table.add_row(
            c["component"],
            Text(visible(c["raw"], one_line=True)),
            "no data" if c["score"] is None else fmt(c["score"]),
            fmt(c["share"]),
            fmt(c["points"]),
            (c["newest_fact"] or "-") + (" (stale)" if c["stale"] else ""),
        )
    Console().print(table)


def health_snapshot(as_of: AsOfOption = None, db: DbOption = None) -> None:
    """Store today's (or --as-of's) health of every active account."""
    from cstui.metrics.health import take_snapshot

    book = open_book(db)
    day = as_of_date(as_of)
    typer.echo(f"snapshot {day}: {take_snapshot(book, day)} accounts")


def health_explain(
    key: Annotated[str, typer.Argument(help="The account's key.")],
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Print an account's health breakdown and what changed since its last snapshot."""
    from cstui.metrics.health import account_health, previous_snapshot, what_changed

    book = open_book(db)
    day = as_of_date(as_of)
    acct = account_id(book, key)
    breakdown = account_health(book.conn, acct, day)
    rows = [
        {
            "component": c.label,
            "raw": c.raw,
            "score": c.score,
            "share": c.share,
            "points": p,
            "newest_fact": c.newest,
            "stale": c.stale,
        }
        for c, p in zip(breakdown.components, breakdown.rounded_points())
    ]
    typer.echo(f"{visible(key, one_line=True)}: health {fmt(breakdown.score)} ({breakdown.band}) as of {day}")
    _print_components(rows)
    before = previous_snapshot(book.conn, acct, day) or account_health(book.conn, acct, day - timedelta(days=30))
    change = what_changed(before, breakdown)
    if change.delta is not None:
        driver = f"; biggest driver: {change.driver.label} {change.driver.delta:+.1f} points" if change.driver else ""
        typer.echo(f"since {before.as_of}: {change.delta:+.1f} points{driver}")
