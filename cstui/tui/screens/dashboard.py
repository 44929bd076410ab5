"""The dashboard: the portfolio at a glance, each figure with its window."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from cstui.tui import views
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.figure import Figure
from cstui.tui.widgets.text import book_text, number

FIGURES = (  # id, label, window, report key, format
    ("nps", "NPS", "last 90 days", "nps", "{:+.1f}"),
    ("csat", "CSAT", "last 90 days", "csat", "{:.1f}%"),
    ("ces", "CES (1-7, low=easy)", "last 90 days", "ces", "{:.2f}"),
    ("churn", "Logo churn", "last 365 days", "churn_rate", "{:.1f}%"),
    ("retention", "Retention", "last 365 days", "retention_rate", "{:.1f}%"),
    ("grr", "GRR", "last 365 days", "grr", "{:.1f}%"),
    ("nrr", "NRR", "last 365 days", "nrr", "{:.1f}%"),
    ("cltv", "CLTV", "trailing year", "cltv", "{:,.0f}"),
    ("arr", "ARR", "today", "arr", "{:,.0f}"),
    ("engagement", "Engagement", "last 30 days", "engagement_score", "{:.1f}"),
)


class DashboardScreen(BookScreen):
    """Portfolio metrics, health distribution, renewals and the accounts that moved most."""

    BINDINGS = [("r", "refresh", "Refresh")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid(id="figures"):
            for fid, label, window, _, _ in FIGURES:
                yield Figure(label, window, id=f"fig-{fid}")
        with Horizontal(id="dashboard-middle"):
            with Vertical(id="health-box", classes="box"):
                yield Static("Health today", classes="box-title")
                yield Static("…", id="health-dist", markup=False)
            with Vertical(id="renewals-box", classes="box"):
                yield Static("Renewals ahead", classes="box-title")
                yield Static("…", id="renewals", markup=False)
        with Vertical(id="movers-box", classes="box"):
            yield Static("Moved most since the last snapshot", classes="box-title")
            yield DataTable(id="movers", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#movers", DataTable)
        table.add_columns("Account", "Name", "Before", "Now", "Change", "Since", "Biggest driver")
        super().on_mount()

    def action_refresh(self) -> None:
        self.reload()

    def fetch(self, conn) -> views.Dashboard:
        return views.dashboard(conn, self.app.as_of)

    def show(self, data: views.Dashboard) -> None:
        report = data.report
        self.data = data
        for fid, _, _, key, fmt in FIGURES:
            value = report[key]
            self.query_one(f"#fig-{fid}", Figure).set_value("-" if value is None else fmt.format(value))
        if report["cltv_lifespan_capped"]:
            self.query_one("#fig-cltv", Figure).set_value(
                ("-" if report["cltv"] is None else f"{report['cltv']:,.0f}") + " (10y cap)")
        health = Text()
        for band_name, style in (("green", "green"), ("yellow", "yellow"), ("red", "red")):
            health.append(f"{band_name:<7}", style=f"bold {style}")
            health.append(f"{report['health'][band_name]:>5} accounts  {report['health_arr'][band_name]:>12,.0f} ARR\n")
        if report["green_but_negative"]:
            health.append(f"green but notes read negative: {len(report['green_but_negative'])}", style="italic")
        self.query_one("#health-dist", Static).update(health)
        renewals = Text()
        for horizon, r in report["renewals"].items():
            renewals.append(f"{horizon:>4}: {r['accounts']:>3} accounts {r['arr']:>11,.0f} ARR  ")
            renewals.append(f"at risk {r['at_risk_accounts']} / {r['arr_at_risk']:,.0f}\n",
                            style="red" if r["at_risk_accounts"] else "")
        self.query_one("#renewals", Static).update(renewals)
        table = self.query_one("#movers", DataTable)
        table.clear()
        for m in data.movers:
            table.add_row(book_text(m.key), book_text(m.name), number(m.before), number(m.after),
                          number(m.delta, "{:+.1f}", "green" if m.delta > 0 else "red"), Text(m.since),
                          Text(m.driver), key=str(m.account_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(int(event.row_key.value)))
