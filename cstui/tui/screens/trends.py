"""Trends: the portfolio month by month, over 3, 6, 12 or 24 months."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.widgets import Footer, Header, Static

from cstui.readmodels import views
from cstui.storage.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.charts import Chart

RANGES = {"3": 3, "6": 6, "1": 12, "2": 24}
WIDE = 160  # at this width and more, the charts sit in a 4 x 2 grid


class TrendsScreen(BookScreen[list[views.MonthPoint]]):
    """Health distribution, NPS, CSAT/CES, churn and NRR, MRR, usage and sentiment by month."""

    BINDINGS = [
        Binding("3", "range(3)", "3 months"),
        Binding("6", "range(6)", "6 months"),
        Binding("1", "range(12)", "12 months"),
        Binding("2", "range(24)", "24 months"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.months = 12

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="trends-title", markup=False)
        with Grid(id="charts"):
            yield Chart("Health bands (accounts, month end)", id="chart-health")
            yield Chart("NPS", id="chart-nps")
            yield Chart("CSAT % and CES (x10)", id="chart-csat")
            yield Chart("Logo churn % and NRR % (monthly)", id="chart-churn")
            yield Chart("MRR", id="chart-mrr")
            yield Chart("Daily active users (mean)", id="chart-usage")
            yield Chart("Sentiment of notes and comments (-2..2)", id="chart-sentiment")
        yield Footer()

    def on_mount(self) -> None:
        self._fit()  # before the first paint, so the charts are drawn once at their final size
        super().on_mount()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        self.query_one("#charts").set_class(self.app.size.width >= WIDE, "wide")

    def action_range(self, months: int) -> None:
        self.months = months
        self.reload()

    def fetch(self, conn: Conn) -> list[views.MonthPoint]:
        return views.trends(conn, self.app.as_of, self.months)

    def show(self, points: list[views.MonthPoint]) -> None:
        self.points = points
        self.query_one("#trends-title", Static).update(
            f"Last {self.months} months to {self.app.as_of.isoformat()} (keys 3, 6, 1 = 12, 2 = 24)"
        )
        months = [p.month for p in points]
        self.query_one("#chart-health", Chart).draw_bands(months, [p.bands for p in points])
        self.query_one("#chart-nps", Chart).draw_lines(months, {"NPS": [p.nps for p in points]})
        self.query_one("#chart-csat", Chart).draw_lines(
            months,
            {"CSAT %": [p.csat for p in points], "CES x10": [None if p.ces is None else p.ces * 10 for p in points]},
            ylim=(0, 100),
        )
        self.query_one("#chart-churn", Chart).draw_lines(
            months, {"churn %": [p.churn for p in points], "NRR %": [p.nrr for p in points]}
        )
        self.query_one("#chart-mrr", Chart).draw_lines(months, {"MRR": [p.mrr for p in points]})
        self.query_one("#chart-usage", Chart).draw_lines(months, {"users": [p.active_users for p in points]})
        self.query_one("#chart-sentiment", Chart).draw_lines(
            months, {"mood": [p.sentiment for p in points]}, ylim=(-2, 2)
        )
