"""Can the health score be trusted? The backtest and retention curves, and what-if weights.

Reached from the dashboard with `b`. The book's weights and the suggested ones are judged side by
side on the book's own history; `s` saves the suggested weights, after asking.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from cstui.storage import writes
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.charts import Chart
from cstui.tui.widgets.text import book_text

HORIZON = 90


def _fmt(value, pattern: str = "{:.3f}") -> str:
    return "-" if value is None else pattern.format(value)


class BacktestScreen(BookScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("s", "save", "Save suggested weights"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="backtest-body"):
            yield Static(
                f"Backtest: churn within {HORIZON} days of each past month-end. Computing…",
                id="backtest-title",
                markup=False,
            )
            yield DataTable(id="backtest-table", cursor_type="none", zebra_stripes=True)
            with Horizontal(id="backtest-middle"):
                yield DataTable(id="component-auc", cursor_type="none")
                yield Chart("Accounts still customers (%), by months since start", id="retention-chart")
            yield Static("Churned while green (breakdown at the last month-end before churn)", classes="box-title")
            yield DataTable(id="green-churns", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def fetch(self, conn):
        from cstui.metrics.backtest import backtest, evaluate, suggest_weights
        from cstui.metrics.survival import retention_curves
        from cstui.storage.reads import account_keys

        observations, current = backtest(conn, self.app.as_of, HORIZON)
        suggested_config, _ = suggest_weights(observations, current.config)
        keys = account_keys(conn)
        return current, evaluate(observations, suggested_config), retention_curves(conn, self.app.as_of), keys

    def show(self, data) -> None:
        from cstui.metrics.health import COMPONENTS

        current, suggested, curves, keys = data
        self.current, self.suggested = current, suggested
        self.query_one("#backtest-title", Static).update(
            f"Backtest of the health score: churn within {HORIZON} days of each past month-end, "
            f"{current.observations:,} account-months, {current.churned_observations} followed by churn."
        )
        table = self.query_one("#backtest-table", DataTable)
        table.clear(columns=True)
        table.add_columns("", "book's weights", "suggested (not saved)")
        rows = [("ROC AUC of (100 - score)", lambda r: _fmt(r.auc))]
        rows += [
            (
                f"churn rate when {band}",
                lambda r, band=band: (
                    f"{_fmt(r.churn_rate_by_band[band], '{:.1f}%')} of {r.observations_by_band[band]:,}"
                ),
            )
            for band in ("green", "yellow", "red")
        ]
        rows += [
            ("median lead time, first red -> churn", lambda r: _fmt(r.median_lead_days, "{:.0f} days")),
            ("churned accounts red beforehand", lambda r: f"{len(r.lead_times_days)} of {r.churned_accounts}"),
            ("churned while green", lambda r: str(len(r.churned_while_green))),
        ]
        rows += [(f"weight {key}", lambda r, key=key: f"{r.config.weights[key]:g}") for key in COMPONENTS]
        for label, cell in rows:
            table.add_row(Text(label), Text(cell(current), justify="right"), Text(cell(suggested), justify="right"))
        aucs = self.query_one("#component-auc", DataTable)
        aucs.clear(columns=True)
        aucs.add_columns("component alone", "AUC")
        for key, value in current.component_auc.items():
            aucs.add_row(Text(key), Text(_fmt(value), justify="right"))
        lowest = min((s for c in curves for _, s in c.steps), default=1.0)
        floor = max(0, int(lowest * 10) * 10 - 10)  # zoom to where the curves are, axis labelled
        self.query_one("#retention-chart", Chart).draw_steps(
            {c.group: [(t / 30.44, 100 * s) for t, s in c.steps] for c in curves}, xlabel="months", ylim=(floor, 100)
        )
        green = self.query_one("#green-churns", DataTable)
        green.clear(columns=True)
        green.add_columns("account", "as of", "score", *COMPONENTS)
        for b in current.churned_while_green:
            green.add_row(
                book_text(keys[b.account_id]),
                Text(b.as_of),
                Text(_fmt(b.score, "{:.1f}")),
                *[Text(_fmt(c.score, "{:.0f}"), justify="right") for c in b.components],
            )

    def action_save(self) -> None:
        from cstui.tui.screens.confirm import ConfirmScreen

        suggested = getattr(self, "suggested", None)
        if suggested is None:
            return
        weights = suggested.config.weights

        def answer(yes: bool | None) -> None:
            if yes and self.app.write(writes.save_weights, weights):
                self.app.notify("Suggested weights saved; every score now uses them")
                self.app.book_changed()

        text = ", ".join(f"{k} {v:g}" for k, v in weights.items())
        self.app.push_screen(ConfirmScreen(f"Save these weights? {text}"), answer)
