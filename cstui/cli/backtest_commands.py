"""`cstui health backtest`, `cstui health retention` and `cstui health weights`: can the score be trusted?"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.formatting import figure
from cstui.metrics.health import COMPONENTS
from cstui.safe_text import visible
from cstui.storage.health_weights import check_weight
from cstui.user_files import read_user_json

if TYPE_CHECKING:
    from sqlite_utils import Database

    from cstui.metrics.backtest import BacktestResult
    from cstui.metrics.survival import SurvivalCurve

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]


def register(health: typer.Typer) -> None:
    health.command("backtest")(backtest)
    health.command("retention")(retention)
    health.command("weights")(weights)


def read_weights(path: Path) -> dict[str, float]:
    """A JSON object of component weights; every key and value checked."""
    # A regular file of at most 1 MB: never a FIFO, /dev/zero or a JSON bomb.
    data = read_user_json(path, "a JSON object of weights")
    if not isinstance(data, dict):
        raise UserError(f'{path}: expected a JSON object like {{"usage": 30, "surveys": 20}}')
    result = {}
    for key, value in data.items():
        if key not in COMPONENTS:
            raise UserError(f"{path}: {key}: not a component (components: {', '.join(COMPONENTS)})")
        try:
            result[key] = check_weight(key, value)
        except UserError as error:
            raise UserError(f"{path}: {error}") from None
    return result


def _result_json(result) -> dict:
    return {
        "weights": result.config.weights,
        "observations": result.observations,
        "churned_observations": result.churned_observations,
        "auc": result.auc,
        "churn_rate_by_band": result.churn_rate_by_band,
        "observations_by_band": result.observations_by_band,
        "component_auc": result.component_auc,
        "median_lead_days": result.median_lead_days,
        "lead_times_days": result.lead_times_days,
        "churned_accounts": result.churned_accounts,
        "churned_while_green": [
            {
                "account_id": b.account_id,
                "as_of": b.as_of,
                "score": b.score,
                "components": {c.key: c.score for c in b.components},
            }
            for b in result.churned_while_green
        ],
    }


def backtest(
    horizon: Annotated[
        int, typer.Option("--horizon", min=1, max=730, help="Days after each month-end to watch for churn.")
    ] = 90,
    weights_file: Annotated[
        Path | None, typer.Option("--weights", help="JSON weights to try beside the book's.")
    ] = None,
    suggest: Annotated[
        bool, typer.Option("--suggest", help="Search weights that predict churn better (not applied).")
    ] = False,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Score every account at every past month-end and check the score against who churned."""
    from cstui.metrics.backtest import MAX_MONTH_ENDS, evaluate, suggest_weights
    from cstui.metrics.backtest import backtest as run
    from cstui.metrics.health import HealthConfig
    from cstui.readmodels.backtest import suggestion_refused

    book = open_book(db)
    observations, current = run(book.conn, as_of_date(as_of), horizon)
    if len({o.as_of for o in observations}) >= MAX_MONTH_ENDS:
        typer.echo(f"note: only the latest {MAX_MONTH_ENDS} month-ends (ten years) were scored", err=True)
    results = {"book's weights": current}
    if weights_file:
        tried = read_weights(weights_file)
        if not any({**current.config.weights, **tried}.values()):
            raise UserError(f"{weights_file}: every weight is 0; at least one must be above 0")
        results[f"{weights_file.name}"] = evaluate(
            observations, HealthConfig({**current.config.weights, **tried}, current.config.green, current.config.yellow)
        )
    refused = suggestion_refused(current) if suggest else None
    if refused:
        typer.echo(refused, err=True)
    elif suggest:
        config, _ = suggest_weights(observations, current.config)
        results["suggested"] = evaluate(observations, config)
    if as_json:
        typer.echo(json.dumps({name: _result_json(r) for name, r in results.items()}, indent=2))
        return
    _print(results, horizon, book)
    if "suggested" in results:
        pairs = " ".join(f"--set {k}={v:g}" for k, v in results["suggested"].config.weights.items())
        typer.echo(f"\nNot applied. To use the suggested weights: cstui health weights {pairs}")


def _print(results: "dict[str, BacktestResult]", horizon: int, book: "Database") -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from cstui.readmodels.backtest import comparison_rows, component_auc_rows, green_churns
    from cstui.storage.reads import account_keys

    table = Table(title=f"Health score backtest: churn within {horizon} days of each month-end")
    table.add_column("")
    for name in results:
        table.add_column(visible(name, one_line=True), justify="right")
    judged = list(results.values())
    table.add_row("observations (account x month-end)", *[f"{r.observations:,}" for r in judged])
    table.add_row("  of which churned within horizon", *[f"{r.churned_observations:,}" for r in judged])
    for label, cells in comparison_rows(judged):
        table.add_row(label, *cells)
    Console().print(table)
    first = judged[0]
    components = Table(title="Each component alone (AUC; 0.5 = chance)")
    components.add_column("component")
    components.add_column("AUC", justify="right")
    for key, value in component_auc_rows(first):
        components.add_row(key, value)
    Console().print(components)
    if first.churned_while_green:
        green = Table(title="Churned while green (breakdown at the last month-end before churn)")
        green.add_column("account", no_wrap=True)
        green.add_column("as of", no_wrap=True)
        green.add_column("score", justify="right")
        for key in COMPONENTS:
            green.add_column(key, justify="right")
        for row in green_churns(first, account_keys(book.conn)):
            green.add_row(Text(visible(row.account_key, one_line=True)), row.as_of, row.score, *row.components)
        Console().print(green)


def retention(
    by: Annotated[str, typer.Option("--by", help="segment or cohort (start quarter).")] = "segment",
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Kaplan-Meier retention curves by segment or start cohort, with median and implied lifetime."""
    from cstui.metrics.revenue import cltv
    from cstui.metrics.survival import retention_curves

    if by not in ("segment", "cohort"):
        raise UserError(f"--by: '{by}' is not segment or cohort")
    book = open_book(db)
    day = as_of_date(as_of)
    curves = retention_curves(book.conn, day, by)
    lifespan = cltv(book.conn, day)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "as_of": day.isoformat(),
                    "cltv_lifespan_years": lifespan.lifespan_years,
                    "cltv_lifespan_capped": lifespan.lifespan_capped,
                    "curves": [
                        {
                            "group": c.group,
                            "accounts": c.accounts,
                            "churned": c.churned,
                            "median_days": c.median_days,
                            "implied_lifetime_years": c.implied_lifetime_years,
                            "survival_1y": c.survival_at(365),
                            "steps": c.steps,
                        }
                        for c in curves
                    ],
                },
                indent=2,
            )
        )
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Retention (Kaplan-Meier) by {by}, as of {day}")
    for column in ("group", "accounts", "churned", "kept 1 y", "kept 2 y", "median lifetime", "implied lifetime"):
        table.add_column(column, justify="left" if column == "group" else "right")
    for c in curves:
        median = "not reached" if c.median_days is None else f"{c.median_days / 365.25:.1f} y"
        implied = figure(c.implied_lifetime_years, "{:.1f} y")
        table.add_row(
            Text(visible(c.group, one_line=True)),
            str(c.accounts),
            str(c.churned),
            f"{100 * c.survival_at(365):.1f}%",
            f"{100 * c.survival_at(730):.1f}%",
            median,
            implied,
        )
    Console().print(table)
    capped = " (capped at 10)" if lifespan.lifespan_capped else ""
    typer.echo(
        f"CLTV lifespan from the churn rate: {lifespan.lifespan_years:.1f} y{capped}; "
        "compare with the implied lifetime of all accounts above."
    )
    typer.echo(_chart(curves))


def _chart(curves: "list[SurvivalCurve]") -> str:
    import plotext as plt

    from cstui.readmodels.backtest import DAYS_PER_MONTH, retention_points
    from cstui.readmodels.curves import step_curve

    plt.clear_figure()
    plt.plotsize(80, 20)
    plt.title("Share of accounts still customers, by months since start")
    for c in curves:
        xs, ys = step_curve(retention_points(c), until=c.followed_days / DAYS_PER_MONTH)
        plt.plot(xs, ys, label=visible(c.group, one_line=True))
    plt.ylim(0, 100)
    return str(plt.build())


def weights(
    set_: Annotated[list[str] | None, typer.Option("--set", help="component=weight, repeatable.")] = None,
    db: DbOption = None,
) -> None:
    """Show the health weights and bands, or change weights with --set usage=30 --set surveys=20."""
    from cstui.metrics.health import load_config
    from cstui.storage.health_weights import save_weights

    book = open_book(db)
    changes = {}
    for item in set_ or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--set: '{item}' is not component=weight (components: {', '.join(COMPONENTS)})")
        try:
            changes[key] = check_weight(key, value)
        except UserError as error:
            raise UserError(f"--set: {error}") from None
    if changes:
        save_weights(book, changes)
    config = load_config(book.conn)
    for key, weight in config.weights.items():
        typer.echo(f"weight.{key} = {weight:g}")
    typer.echo(f"band.green >= {config.green:g}, band.yellow >= {config.yellow:g}")
