"""The health-score backtest and retention curves as tables and series, built once for the CLI and the TUI.

`cstui health backtest` prints these rows with Rich, the backtest screen puts them in DataTables;
both read the same labels and cells, and draw the same retention step curves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cstui.formatting import figure
from cstui.metrics.backtest import BacktestResult, backtest, evaluate, suggest_weights
from cstui.metrics.bands import SCORED, Band
from cstui.metrics.base import Conn
from cstui.metrics.health import COMPONENTS
from cstui.metrics.survival import SurvivalCurve, retention_curves
from cstui.storage.reads import account_keys

DAYS_PER_MONTH = 30.44

Cell = Callable[[BacktestResult], str]


def _churn_rate(band: Band) -> Cell:
    def cell(r: BacktestResult) -> str:
        return f"{figure(r.churn_rate_by_band[band], '{:.1f}%')} of {r.observations_by_band[band]:,}"

    return cell


def _weight(key: str) -> Cell:
    def cell(r: BacktestResult) -> str:
        return f"{r.config.weights[key]:g}"

    return cell


def _comparison() -> list[tuple[str, Cell]]:
    rows: list[tuple[str, Cell]] = [("ROC AUC of (100 - score)", lambda r: figure(r.auc, "{:.3f}"))]
    rows += [(f"churn rate when {band}", _churn_rate(band)) for band in SCORED]
    rows += [
        ("median lead time, first red -> churn", lambda r: figure(r.median_lead_days, "{:.0f} days")),
        ("churned accounts red beforehand", lambda r: f"{len(r.lead_times_days)} of {r.churned_accounts}"),
        ("churned while green", lambda r: str(len(r.churned_while_green))),
    ]
    rows += [(f"weight {key}", _weight(key)) for key in COMPONENTS]
    return rows


COMPARISON = _comparison()  # label, cell: one row per figure, one cell per set of weights


def comparison_rows(results: list[BacktestResult]) -> list[tuple[str, list[str]]]:
    """The backtest figures side by side: (label, one cell per result)."""
    return [(label, [cell(r) for r in results]) for label, cell in COMPARISON]


def component_auc_rows(result: BacktestResult) -> list[tuple[str, str]]:
    """Each component alone as a churn predictor: (component, AUC)."""
    return [(key, figure(value, "{:.3f}")) for key, value in result.component_auc.items()]


@dataclass(frozen=True)
class GreenChurn:
    """An account that churned while green: its breakdown at the last month-end before churn."""

    account_key: str
    as_of: str
    score: str
    components: list[str]  # one score per component, in COMPONENTS order


def green_churns(result: BacktestResult, keys: dict[int, str]) -> list[GreenChurn]:
    return [
        GreenChurn(
            keys[b.account_id],
            b.as_of,
            figure(b.score, "{:.1f}"),
            [figure(c.score, "{:.0f}") for c in b.components],
        )
        for b in result.churned_while_green
    ]


def retention_points(curve: SurvivalCurve) -> list[tuple[float, float]]:
    """A survival curve in months since start and percent still customers."""
    return [(t / DAYS_PER_MONTH, 100 * s) for t, s in curve.steps]


# Below this many churned accounts in the history, weights fitted to it follow chance rather than
# churn (six weights from a dozen events), so no weights are suggested.
MIN_CHURNED_ACCOUNTS = 30


def suggestion_refused(result: BacktestResult) -> str | None:
    """Why no weights are suggested from this history, or None when there are churned accounts enough."""
    if result.churned_accounts >= MIN_CHURNED_ACCOUNTS:
        return None
    return (
        f"No weights suggested: the history holds {result.churned_accounts} churned accounts, fewer than "
        f"{MIN_CHURNED_ACCOUNTS}; weights fitted to so few would follow chance, not churn."
    )


def sample_text(result: BacktestResult) -> str:
    """The sample a backtest stands on, in words."""
    return (
        f"{result.observations:,} account-months, {result.churned_observations:,} followed by churn, "
        f"{result.churned_accounts} churned accounts"
    )


@dataclass(frozen=True)
class BacktestView:
    """What the backtest screen shows: the book's weights and the suggested ones, judged side by side."""

    current: BacktestResult
    suggested: BacktestResult | None  # None when the history is too small (`refused` says why)
    refused: str | None
    curves: list[SurvivalCurve]
    keys: dict[int, str]  # account id -> key, for the churned-while-green table


def backtest_view(conn: Conn, as_of: date, horizon: int) -> BacktestView:
    observations, current = backtest(conn, as_of, horizon)
    refused = suggestion_refused(current)
    suggested = None
    if refused is None:
        suggested_config, _ = suggest_weights(observations, current.config)
        suggested = evaluate(observations, suggested_config)
    return BacktestView(current, suggested, refused, retention_curves(conn, as_of), account_keys(conn))
