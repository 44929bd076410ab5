"""The dashboard: the portfolio at a glance, each figure with its window."""

import os
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from cstui.formatting import figure, money_short
from cstui.metrics.bands import NO_SCORE_LABEL, SCORED
from cstui.storage.bookfile.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.attention_panel import AttentionPanel
from cstui.tui.widgets.figure import Figure
from cstui.tui.widgets.text import book_text, number

if TYPE_CHECKING:
    from cstui.metrics.report import PortfolioReport, RenewalFigures
    from cstui.readmodels.views import Dashboard

# id, label, window, the figure, format (labels and windows fit a card at 80 columns)
FIGURES: tuple[tuple[str, str, str, "Callable[[PortfolioReport], float | None]", str], ...] = (
    ("nps", "NPS", "last 90d", lambda r: r.surveys.nps, "{:+.1f}"),
    ("csat", "CSAT", "last 90d", lambda r: r.surveys.csat, "{:.1f}%"),
    ("ces", "CES 1-7 ↓", "last 90d", lambda r: r.surveys.ces, "{:.2f}"),
    ("churn", "Logo churn", "last 365d", lambda r: r.churn_rate, "{:.1f}%"),
    ("retention", "Retention", "last 365d", lambda r: r.retention_rate, "{:.1f}%"),
    ("grr", "GRR", "last 365d", lambda r: r.grr, "{:.1f}%"),
    ("nrr", "NRR", "last 365d", lambda r: r.nrr, "{:.1f}%"),
    ("cltv", "CLTV", "trailing 365d", lambda r: r.cltv, "{:,.0f}"),
    ("arr", "ARR", "today", lambda r: r.arr, "{:,.0f}"),
    ("engagement", "Engagement", "last 30d", lambda r: r.engagement_score, "{:.1f}"),
)

# The responses behind each survey figure: shown beside it, dimmed when there are too few to trust.
SAMPLES: dict[str, "Callable[[PortfolioReport], int]"] = {
    "nps": lambda r: r.surveys.nps_responses,
    "csat": lambda r: r.surveys.csat_responses,
    "ces": lambda r: r.surveys.ces_responses,
}
BACKGROUND_NICENESS = 10  # the months computed ahead yield the CPU to the UI (os.setpriority, Linux)
LOW_SAMPLE = 5  # fewer responses than this: the figure is dimmed and its count shown
# What the cards' short labels mean, in words (a card is 10 characters wide at 80 columns).
FIGURES_NOTE = (
    "NPS -100..+100 · CSAT % scoring 4-5 of 5 · CES 1-7, lower is easier · n = responses · "
    "churn, retention, GRR, NRR in % · CLTV, ARR in money a year · Engagement score 0-100"
)


def figure_text(value: str, responses: int | None) -> Text:
    """A card's value; under LOW_SAMPLE responses it is dimmed, too few to trust."""
    return Text(value, style="dim" if responses is not None and responses < LOW_SAMPLE else "")


def sample_window(window: str, responses: int) -> str:
    """A survey card's window line with its count: 'n=158, 90d' (10 characters fit a card at 80 columns)."""
    return f"n={responses}, {window.removeprefix('last ')}"


def renewals_text(renewals: "dict[str, RenewalFigures]") -> Text:
    """The renewals panel: a header row, then one row per horizon."""
    text = Text(f"{'due':<4} {'accts':>5} {'ARR':>7} {'not green':>9} {'ARR':>6}\n", style="bold")
    for horizon, r in renewals.items():
        text.append(f"{horizon:<4} {r.accounts:>5} {money_short(r.arr):>7}")
        text.append(
            f" {r.at_risk_accounts:>9} {money_short(r.arr_at_risk):>6}\n",
            style="red" if r.at_risk_accounts else "",
        )
    return text


class DashboardScreen(BookScreen["Dashboard"]):
    """Portfolio metrics, health distribution, renewals and the accounts that moved most."""

    BINDINGS = [("r", "refresh", "Refresh"), ("b", "backtest", "Backtest"), ("m", "movers", "Moved most")]
    BINDINGS += [Binding("i", "app.import_csv", "Import a CSV", show=False)]  # issue 18: the mapping screen

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="dashboard-body"):
            yield from self._body()
        yield Footer()

    def _body(self) -> ComposeResult:
        with Grid(id="figures"):
            for fid, label, window, _, _ in FIGURES:
                yield Figure(label, window, id=f"fig-{fid}")
        yield Static(FIGURES_NOTE, id="figures-note", markup=False)
        with Horizontal(id="dashboard-middle"):
            with Vertical(id="health-box", classes="box"):
                yield Static("Health today", classes="box-title")
                yield Static("…", id="health-dist", markup=False)
            with Vertical(id="renewals-box", classes="box"):
                yield Static("Renewals due, and those not green", classes="box-title")
                yield Static("…", id="renewals", markup=False)
        with Vertical(id="movers-box", classes="box"):
            yield Static("Moved most since the last snapshot (m or tab, enter opens)", classes="box-title")
            yield DataTable(id="movers", cursor_type="row", zebra_stripes=True)
        yield AttentionPanel(id="attention-box")  # issue 16: loads itself, apart from the portfolio read

    def on_mount(self) -> None:
        table = self.query_one("#movers", DataTable)
        table.add_columns("Account", "Name", "Before", "Now", "Change", "Since", "Biggest driver")
        super().on_mount()

    def reload(self) -> None:
        super().reload()
        self.query_one(AttentionPanel).load(self.app.as_of)

    def action_refresh(self) -> None:
        self.reload()

    def action_movers(self) -> None:
        """Into the "Moved most" table, so `enter` opens the account under the cursor."""
        self.query_one("#movers", DataTable).focus()

    def action_backtest(self) -> None:
        from cstui.tui.screens.backtest import BacktestScreen

        self.app.push_screen(BacktestScreen())

    class Scored(Message):
        """The book has been scored as of a date: the app stores the figures and the day's snapshot."""

        def __init__(self, as_of: date, data: "Dashboard") -> None:
            super().__init__()
            self.as_of = as_of
            self.data = data

    def fetch(self, conn: Conn) -> "Dashboard":
        from cstui.readmodels import views  # the engine loads in the worker, off the first paint

        data = views.dashboard(conn, self.app.as_of)
        if data.health is not None:  # computed now, not read from the store
            self.post_message(self.Scored(self.app.as_of, data))
            # issue 15: the day's check-in prepared ahead (only for a new version: the check-in's modules
            # are not loaded on the way to an unchanged book's figures)
            from cstui.tui.screens.checkin import checkin_ahead

            checkin_ahead(self.app, data)
        return data

    def show(self, data: "Dashboard") -> None:
        report = data.report
        # Every account's breakdown went to the app to be stored as today's snapshot; the screen keeps
        # only what it shows (at 30,000 accounts the breakdowns are tens of MB held for nothing).
        self.data = replace(data, health=None)
        for fid, _, window, value, pattern in FIGURES:
            card = self.query_one(f"#fig-{fid}", Figure)
            responses = SAMPLES[fid](report) if fid in SAMPLES else None
            card.set_value(figure_text(figure(value(report), pattern), responses))
            if responses is not None:
                card.set_window(sample_window(window, responses))
        self.query_one("#fig-cltv", Figure).set_window(
            "365d, 10y cap" if report.cltv_lifespan_capped else "trailing 365d"
        )
        health = Text()
        for band in SCORED:
            health.append(f"{band:<7}", style=f"bold {band}")
            health.append(f"{report.health[band]:>4} accts {money_short(report.health_arr[band]):>7} ARR\n")
        if report.health_no_score:  # in no band (docs/metrics.md); said only when there are some
            health.append(f"{NO_SCORE_LABEL}: {report.health_no_score}\n", style="dim")
        if report.green_but_negative:
            health.append(f"{len(report.green_but_negative)} green, notes negative", style="italic")
        tasks = data.tasks  # issue 12: the task list's counts (T opens it)
        health.append("\n" if report.green_but_negative else "")
        health.append(f"Tasks  {tasks.overdue} overdue", style="bold red" if tasks.overdue else "")
        health.append(f"  {tasks.today} due today  (T)")
        from cstui.metrics.stages import NO_STAGE  # the engine stays off the start-up path (tests/test_launch.py)

        staged = [c for c in data.stages if c.stage != NO_STAGE and c.accounts]  # issue 29: once any is staged
        if staged:
            health.append("\nStages ")
            health.append_text(
                book_text(
                    "  ".join(f"{c.stage} {c.accounts}" + (f" ({c.stuck} stuck)" if c.stuck else "") for c in staged)
                )
            )
        self.query_one("#health-dist", Static).update(health)
        self.query_one("#renewals", Static).update(renewals_text(report.renewals))
        table = self.query_one("#movers", DataTable)
        table.clear()
        for m in data.movers:
            table.add_row(
                book_text(m.key),
                book_text(m.name),
                number(m.before),
                number(m.after),
                number(m.delta, "{:+.1f}", "green" if m.delta > 0 else "red"),
                Text(m.since),
                Text(m.driver),
                key=str(m.account_id),
            )

        self.keep_months()

    def keep_months(self) -> None:
        """With the figures on screen, compute the trends' missing months in the background and store
        them, so the trends open at once later. Only where the app keeps what it computes (not on a
        read-only book or with `snapshot_on_open=False`)."""
        if self.app.snapshot_on_open:
            self._keep_months()

    @work(thread=True, exclusive=True, group="months", exit_on_error=False)
    def _keep_months(self) -> None:
        """In a thread of its own at a lower OS priority (the scoring runs inside SQLite without the GIL,
        so only the CPU is shared: on a busy machine the UI thread goes first). Waits for it. The
        thread computes; the UI thread stores (`app.keep`), while the app's months lock is still held,
        so the trends opened meanwhile wait and then read the months stored."""
        from cstui.derived.stored_figures import store_months
        from cstui.readmodels.months_ahead import months_ahead

        worker = get_current_worker()
        app = self.app
        failed: list[BaseException] = []

        def run() -> None:
            with suppress(AttributeError, OSError):  # not on every system: then at the usual priority
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
            try:
                with app.derived.months_lock:
                    with app.reader() as conn:
                        ahead = months_ahead(conn, app.as_of, lambda: worker.is_cancelled)
                    if ahead is not None and not worker.is_cancelled:
                        app.call_from_thread(app.keep, store_months, ahead.version, ahead.months)
            except BaseException as error:  # handed to the worker, which reports it as its own
                failed.append(error)

        thread = threading.Thread(target=run, name="cstui-months", daemon=True)
        thread.start()
        thread.join()
        if failed:
            raise failed[0]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(int(str(event.row_key.value))))
