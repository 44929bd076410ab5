"""The dashboard: the portfolio at a glance, each figure with its window."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.figure import Figure
from cstui.tui.widgets.text import book_text, number

FIGURES = (  # id, label, window, report key, format (labels and windows fit a card at 80 columns)
    ("nps", "NPS", "last 90d", "nps", "{:+.1f}"),
    ("csat", "CSAT", "last 90d", "csat", "{:.1f}%"),
    ("ces", "CES 1-7 ↓", "last 90d", "ces", "{:.2f}"),
    ("churn", "Logo churn", "last 365d", "churn_rate", "{:.1f}%"),
    ("retention", "Retention", "last 365d", "retention_rate", "{:.1f}%"),
    ("grr", "GRR", "last 365d", "grr", "{:.1f}%"),
    ("nrr", "NRR", "last 365d", "nrr", "{:.1f}%"),
    ("cltv", "CLTV", "trailing 365d", "cltv", "{:,.0f}"),
    ("arr", "ARR", "today", "arr", "{:,.0f}"),
    ("engagement", "Engagement", "last 30d", "engagement_score", "{:.1f}"),
)


def money(value: float) -> str:
    """Compact money for tight boxes: 950, 12.5k, 3.51M."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.1f}k"
    return f"{value:,.0f}"


class DashboardScreen(BookScreen):
    """Portfolio metrics, health distribution, renewals and the accounts that moved most."""

    BINDINGS = [("r", "refresh", "Refresh"), ("b", "backtest", "Backtest")]
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
        with Horizontal(id="dashboard-middle"):
            with Vertical(id="health-box", classes="box"):
                yield Static("Health today", classes="box-title")
                yield Static("…", id="health-dist", markup=False)
            with Vertical(id="renewals-box", classes="box"):
                yield Static("Renewals: accounts, ARR, not green", classes="box-title")
                yield Static("…", id="renewals", markup=False)
        with Vertical(id="movers-box", classes="box"):
            yield Static("Moved most since the last snapshot", classes="box-title")
            yield DataTable(id="movers", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#movers", DataTable)
        table.add_columns("Account", "Name", "Before", "Now", "Change", "Since", "Biggest driver")
        super().on_mount()

    def action_refresh(self) -> None:
        self.reload()

    def action_backtest(self) -> None:
        from cstui.tui.screens.backtest import BacktestScreen

        self.app.push_screen(BacktestScreen())

    def fetch(self, conn):
        from cstui.tui import views  # the engine loads in the worker, off the first paint

        return views.dashboard(conn, self.app.as_of)

    def show(self, data) -> None:
        report = data.report
        self.data = data
        self.app.snapshot_once(data.health)
        for fid, _, _, key, fmt in FIGURES:
            value = report[key]
            self.query_one(f"#fig-{fid}", Figure).set_value("-" if value is None else fmt.format(value))
        self.query_one("#fig-cltv", Figure).set_window(
            "365d·10y cap" if report["cltv_lifespan_capped"] else "trailing 365d"
        )
        health = Text()
        for band_name in ("green", "yellow", "red"):
            health.append(f"{band_name:<7}", style=f"bold {band_name}")
            health.append(f"{report['health'][band_name]:>4} accts {money(report['health_arr'][band_name]):>7} ARR\n")
        if report["green_but_negative"]:
            health.append(f"{len(report['green_but_negative'])} green, notes negative", style="italic")
        self.query_one("#health-dist", Static).update(health)
        renewals = Text()
        for horizon, r in report["renewals"].items():
            renewals.append(f"{horizon:>3} {r['accounts']:>3} accts {money(r['arr']):>7}")
            renewals.append(
                f"  {r['at_risk_accounts']:>2} {money(r['arr_at_risk']):>7}\n",
                style="red" if r["at_risk_accounts"] else "",
            )
        self.query_one("#renewals", Static).update(renewals)
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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(int(event.row_key.value)))
