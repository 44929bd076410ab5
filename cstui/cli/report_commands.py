"""Read commands over the metric engine: `cstui report` and `cstui health ...`."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from cstui.cli import backtest_commands
from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.formatting import date_or_missing, fmt
from cstui.metrics.base import EVERYONE, Period, Scope
from cstui.metrics.health import shown_points
from cstui.safe_text import visible
from cstui.storage import resolve
from cstui.storage.records.checks import account_id

if TYPE_CHECKING:
    from cstui.metrics.report import AccountReport, PortfolioReport

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


# label, kind (for `fmt`), window group, the figure (the portfolio and one account share most rows)
R = TypeVar("R")
FigureRow = tuple[str, str, str | None, Callable[[R], float | bool | None]]

SURVEY_ROWS: tuple[FigureRow["PortfolioReport | AccountReport"], ...] = (
    ("NPS", "num", "surveys", lambda r: r.surveys.nps),
    ("NPS responses", "int", "surveys", lambda r: r.surveys.nps_responses),
    ("CSAT %", "num", "surveys", lambda r: r.surveys.csat),
    ("CES (1-7, lower is easier)", "num", "surveys", lambda r: r.surveys.ces),
    ("CES low-effort %", "num", "surveys", lambda r: r.surveys.ces_low_effort_pct),
)
RETENTION_ROWS: tuple[FigureRow["PortfolioReport"], ...] = (
    ("Logo churn %", "num", "retention", lambda r: r.churn_rate),
    ("Customer retention %", "num", "retention", lambda r: r.retention_rate),
    ("GRR %", "num", "retention", lambda r: r.grr),
    ("NRR %", "num", "retention", lambda r: r.nrr),
    ("Revenue churn %", "num", "retention", lambda r: r.revenue_churn),
)
USAGE_ROWS: tuple[FigureRow["PortfolioReport | AccountReport"], ...] = (
    ("Adoption %", "num", "usage", lambda r: r.adoption_rate),
    ("Engagement (PES)", "num", "usage", lambda r: r.engagement_score),
    ("Active days per account", "num", "usage", lambda r: r.active_days),
    ("Minutes per active user-day", "num", "usage", lambda r: r.minutes_per_active_user),
    ("Self-service %", "num", "surveys", lambda r: r.self_service_rate),
    ("MRR", "money", None, lambda r: r.mrr),
    ("ARR", "money", None, lambda r: r.arr),
)
CLTV_ROW: FigureRow["PortfolioReport | AccountReport"] = ("CLTV", "money", None, lambda r: r.cltv)
PORTFOLIO_ROWS: tuple[FigureRow["PortfolioReport"], ...] = (
    ("Active accounts", "int", None, lambda r: r.accounts_active),
    *SURVEY_ROWS,
    *RETENTION_ROWS,
    CLTV_ROW,
    ("CLTV lifespan capped at 10 y", "bool", None, lambda r: r.cltv_lifespan_capped),
    *USAGE_ROWS,
)
ACCOUNT_ROWS: tuple[FigureRow["AccountReport"], ...] = (*SURVEY_ROWS, CLTV_ROW, *USAGE_ROWS)


def report(
    as_of: AsOfOption = None,
    period: Annotated[str | None, typer.Option("--period", help="START:END, replaces the trailing windows.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="One account's report, by key.")] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Only accounts of this segment.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every contract metric for the book, a segment or one account."""
    from cstui.metrics.dates import refuse_bad_dates
    from cstui.metrics.report import account_report, portfolio_report

    result: PortfolioReport | AccountReport
    book = open_book(db)
    refuse_bad_dates(book.conn)
    window = parse_period(period) if period else None
    day = as_of_date(as_of)
    if account:
        result = account_report(book.conn, account_id(book, account), day, window)
    else:
        if segment:
            segment = resolve.segment(book.conn, segment)
        result = portfolio_report(book.conn, day, window, Scope(segment=segment) if segment else EVERYONE)
    if as_json:
        typer.echo(result.to_json())
        return
    _print_report(result)


def _print_report(result: "PortfolioReport | AccountReport") -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cstui.metrics.report import AccountReport, PortfolioReport

    title = f"cstui report as of {result.as_of}"
    if isinstance(result, AccountReport):
        title += f": {visible(result.account, one_line=True)} {visible(result.name, one_line=True)}"
    elif result.segment:
        title += f": segment {visible(result.segment, one_line=True)}"
    table = Table(title=Text(title), show_lines=False)
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("window")
    if isinstance(result, PortfolioReport):
        for label, kind, window, value in PORTFOLIO_ROWS:
            table.add_row(label, fmt(value(result), kind), result.windows.of(window))
        h = result.health
        table.add_row("Health green / yellow / red", f"{h.green} / {h.yellow} / {h.red}", "as of report date")
        table.add_row("Health: no score yet", str(result.health_no_score), "too few facts for a score")
        for horizon, r in result.renewals.items():
            table.add_row(
                f"Renewals in {horizon}",
                f"{r.accounts} ({fmt(r.arr, 'money')} ARR)",
                f"{r.at_risk_accounts} not green, {fmt(r.arr_at_risk, 'money')} ARR at risk",
            )
        Console().print(table)
        return
    for label, kind, window, figure in ACCOUNT_ROWS:
        table.add_row(label, fmt(figure(result), kind), result.windows.of(window))
    table.add_row("Health", f"{fmt(result.health_score)} {result.health_band.label}", "as of report date")
    Console().print(table)
    parts = result.health_components
    shown = shown_points(result.health_score, [c.points for c in parts], [c.share for c in parts])
    _print_components([(c.component, c.raw, c.score, c.share, p, c.newest_fact, c.stale) for c, p in zip(parts, shown)])


ComponentLine = tuple[str, str, float | None, float, float, str | None, bool]  # name, raw, score, share, points, ...


def _print_components(components: list[ComponentLine]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="health breakdown")
    for column in ("component", "raw value", "score", "weight %", "points", "newest fact"):
        table.add_column(column, justify="right" if column in ("score", "weight %", "points") else "left")
    for name, raw, score, share, points, newest, stale in components:
        table.add_row(
            name,
            Text(visible(raw, one_line=True)),
            "no data" if score is None else fmt(score),
            fmt(share),
            fmt(points),
            date_or_missing(newest) + (" (stale)" if stale else ""),
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
    from cstui.metrics.health import NEW_DAYS, account_health, baseline, what_changed
    from cstui.storage.reads import account

    book = open_book(db)
    day = as_of_date(as_of)
    acct = account_id(book, key)
    breakdown = account_health(book.conn, acct, day)
    rows = [
        (c.label, c.raw, c.score, c.share, p, c.newest, c.stale)
        for c, p in zip(breakdown.components, breakdown.rounded_points())
    ]
    typer.echo(f"{visible(key, one_line=True)}: health {fmt(breakdown.score)} ({breakdown.band.label}) as of {day}")
    _print_components(rows)
    if why := breakdown.why_no_score():
        typer.echo(why)
    before = baseline(book.conn, acct, day, fallback_days=NEW_DAYS)
    if before is None:
        started = account(book.conn, acct).start_date
        typer.echo(f"new account (started {visible(started)}): no earlier health to compare with")
    else:
        typer.echo(f"since {before.as_of}: {what_changed(before, breakdown).summary()}")
