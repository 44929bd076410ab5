"""Can the health score be trusted? The backtest and retention curves, and what-if weights.

Reached from the dashboard with `b`. The book's weights and the suggested ones are judged side by
side on the book's own history; `s` saves the suggested weights, after asking.
"""

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from cstui.storage.bookfile.access import Conn
from cstui.storage.health_weights import save_weights
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.charts import Chart
from cstui.tui.widgets.text import book_text

if TYPE_CHECKING:
    from cstui.readmodels.backtest import BacktestView

HORIZON = 90


class BacktestScreen(BookScreen["BacktestView"]):
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

    def fetch(self, conn: Conn) -> "BacktestView":
        from cstui.readmodels.backtest import backtest_view  # the engine loads in the worker

        return backtest_view(conn, self.app.as_of, HORIZON)

    def show(self, data: "BacktestView") -> None:
        from cstui.metrics.health import COMPONENTS
        from cstui.readmodels.backtest import (
            comparison_rows,
            component_auc_rows,
            green_churns,
            retention_points,
            sample_text,
        )

        current, suggested, curves = data.current, data.suggested, data.curves
        self.current, self.suggested, self.refused = current, suggested, data.refused
        title = (
            f"Backtest of the health score: churn within {HORIZON} days of each past month-end; "
            f'sample: {sample_text(current)}. "x% of n": churn rate among n account-months in that band.'
        )
        self.query_one("#backtest-title", Static).update(f"{title}\n{data.refused}" if data.refused else title)
        table = self.query_one("#backtest-table", DataTable)
        table.clear(columns=True)
        results = [current] if suggested is None else [current, suggested]
        table.add_columns("", "book's weights", *([] if suggested is None else ["suggested (not saved)"]))
        for label, cells in comparison_rows(results):
            table.add_row(Text(label), *[Text(cell, justify="right") for cell in cells])
        aucs = self.query_one("#component-auc", DataTable)
        aucs.clear(columns=True)
        aucs.add_columns("component", "AUC (-: none)")
        for key, value in component_auc_rows(current):
            aucs.add_row(Text(key), Text(value, justify="right"))
        lowest = min((s for c in curves for _, s in c.steps), default=1.0)
        floor = max(0, int(lowest * 10) * 10 - 10)  # zoom to where the curves are, axis labelled
        self.query_one("#retention-chart", Chart).draw_steps(
            {c.group: retention_points(c) for c in curves}, xlabel="months", ylim=(floor, 100)
        )
        green = self.query_one("#green-churns", DataTable)
        green.clear(columns=True)
        green.add_columns("account", "as of", "score", *COMPONENTS)
        for row in green_churns(current, data.keys):
            green.add_row(
                book_text(row.account_key),
                Text(row.as_of),
                Text(row.score),
                *[Text(score, justify="right") for score in row.components],
            )

    def action_save(self) -> None:
        from cstui.formatting import figure
        from cstui.readmodels.backtest import sample_text
        from cstui.tui.screens.confirm import ConfirmScreen

        suggested = getattr(self, "suggested", None)
        if suggested is None:
            refused = getattr(self, "refused", None)
            if refused:
                self.app.say(refused, severity="warning")
            return
        weights = suggested.config.weights

        def answer(yes: bool | None) -> None:
            if yes and self.app.write(save_weights, weights):
                self.app.say("Suggested weights saved; every score now uses them")
                self.app.book_changed()

        text = ", ".join(f"{k} {v:g}" for k, v in weights.items())
        before, after = figure(self.current.auc, "{:.3f}"), figure(suggested.auc, "{:.3f}")
        self.app.push_screen(
            ConfirmScreen(
                f"Save these weights? {text}. Backtest AUC {before} now, {after} with them "
                f"(sample: {sample_text(self.current)})."
            ),
            answer,
        )
