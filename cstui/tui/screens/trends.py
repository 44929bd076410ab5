"""Trends: the portfolio month by month, over 3, 6, 12 or 24 months."""

import time

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static

from cstui.metrics.bands import Band
from cstui.readmodels import views
from cstui.storage.bookfile.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.charts import Chart, headline

WIDE = 160  # at this width and more, the charts sit in a 4 x 2 grid
# While months are computed, the charts are redrawn with the months so far at most this often, and
# never while the last such drawing waits: drawing eight charts takes the UI thread longer than
# computing a month takes the worker.
PARTIAL_EVERY = 2.0  # seconds


class TrendsScreen(BookScreen[tuple[int, views.Trends]]):
    """Health distribution, NPS, CSAT/CES, churn, NRR, MRR, usage and sentiment by month.

    The charts sit in one focusable scrolling list: `tab` goes chart by chart (the list scrolls to
    the focused one), up/down/pgup/pgdn/home/end scroll, so every chart is reachable at 80x24.
    """

    BINDINGS = [
        Binding("3", "range(3)", "3 months"),
        Binding("6", "range(6)", "6 months"),
        Binding("1", "range(12)", "12 months"),
        Binding("2", "range(24)", "24 months"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.months = 12
        self._partial_at = 0.0  # when the worker last handed over the months so far (time.monotonic)
        self._partial_waits = False  # months so far handed over and not drawn yet
        # Loads started (a range change is one, at the same book version) and the one on screen: the
        # months so far of an older or already shown load are not drawn, and `is_loaded` waits for it.
        self._loads = 0
        self._shown_load = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="trends-title", markup=False)
        with VerticalScroll(id="charts"):
            yield Chart("Health bands (accounts, month end)", id="chart-health")
            yield Chart("NPS", id="chart-nps")
            yield Chart("CSAT % and CES (x10)", id="chart-csat")
            yield Chart("Logo churn % (monthly)", id="chart-churn")
            yield Chart("NRR % (monthly)", id="chart-nrr")
            yield Chart("MRR", id="chart-mrr")
            yield Chart("Daily active users (mean)", id="chart-usage")
            yield Chart("Sentiment of notes and comments (-2..2)", id="chart-sentiment")
        yield Footer()

    def on_mount(self) -> None:
        self._fit()  # before the first paint, so the charts are drawn once at their final size
        self.query_one("#chart-health", Chart).focus()
        super().on_mount()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        self.query_one("#charts").set_class(self.app.size.width >= WIDE, "wide")

    def reload(self) -> None:
        self._loads += 1
        super().reload()

    @property
    def is_loaded(self) -> bool:
        return super().is_loaded and self._shown_load == self._loads

    def _fail(self, error: BaseException, version: int) -> None:
        self._shown_load = self._loads
        super()._fail(error, version)

    def action_range(self, months: int) -> None:
        self.months = months
        self.reload()

    class Computed(Message):
        """Months were computed (not read from the store): the app keeps them for the next time."""

        def __init__(self, trends: views.Trends) -> None:
            super().__init__()
            self.trends = trends

    def fetch(self, conn: Conn) -> tuple[int, views.Trends]:
        load = self._loads
        with self.app.derived.months_lock:  # months computed in the background are stored when it is taken
            data = views.trends(conn, self.app.as_of, self.months, lambda ready: self._progress(ready, load))
        if data.computed:
            self.post_message(self.Computed(data))
        return load, data

    def on_trends_screen_computed(self, message: Computed) -> None:
        """Store the computed months through the app's writer (never from the worker or `show`)."""
        if self.app.book.read_only:
            return
        from cstui.derived.stored_figures import store_months

        months = [(p.month, end, views.month_json(p)) for p, end in message.trends.computed]
        self.app.write(store_months, message.trends.version, months)

    class Partial(Message):
        """The newest months computed so far, while the worker computes the older ones."""

        def __init__(self, ready: list[views.MonthPoint], load: int) -> None:
            super().__init__()
            self.ready = ready
            self.load = load

    def _progress(self, ready: list[views.MonthPoint], load: int) -> None:
        """From the worker: hand over the months so far (the first at once, then at most every
        PARTIAL_EVERY seconds), without waiting for them to be drawn: the worker goes on computing
        inside SQLite, which releases the GIL, while the UI thread draws."""
        now = time.monotonic()
        if self._partial_waits or (len(ready) > 1 and now - self._partial_at < PARTIAL_EVERY):
            return
        self._partial_at = now
        self._partial_waits = True
        self.post_message(self.Partial(ready, load))

    def on_trends_screen_partial(self, message: Partial) -> None:
        """Drawn only while it is the latest load's and that load's result is not on screen yet (the
        result comes through another queue and may overtake it)."""
        self._partial_waits = False
        if message.load == self._loads and self._shown_load < message.load:
            self._draw(message.ready, f"computing: {len(message.ready)} of {self.months} months so far")

    def show(self, loaded: tuple[int, views.Trends]) -> None:
        self._shown_load, data = loaded
        self.points = data.points
        self._draw(data.points, "range: 3, 6, 1=12, 2=24 · tab: next chart")

    def _draw(self, points: list[views.MonthPoint], note: str) -> None:
        self.query_one("#trends-title", Static).update(
            f"Last {self.months} months to {self.app.as_of.isoformat()} · {note}"
        )
        months = [p.month for p in points]
        health = self.query_one("#chart-health", Chart)
        health.title = headline(
            "Health bands, red", months, [float(p.bands.get(Band.RED, 0)) for p in points], "{:,.0f}"
        )
        health.draw_bands(months, [p.bands for p in points])
        self._line("#chart-nps", "NPS", months, {"NPS": [p.nps for p in points]}, "{:+.1f}")
        csat = [p.csat for p in points]
        ces = [None if p.ces is None else p.ces * 10 for p in points]
        self._line("#chart-csat", "CSAT %", months, {"CSAT %": csat, "CES x10": ces}, "{:.1f}", ylim=(0, 100))
        self._line("#chart-churn", "Logo churn %", months, {"churn %": [p.churn for p in points]}, "{:.1f}")
        self._line("#chart-nrr", "NRR %", months, {"NRR %": [p.nrr for p in points]}, "{:.1f}")
        self._line("#chart-mrr", "MRR", months, {"MRR": [p.mrr for p in points]}, "{:,.0f}")
        users = [p.active_users for p in points]
        self._line("#chart-usage", "Daily active users", months, {"users": users}, "{:,.1f}")
        mood = [p.sentiment for p in points]
        self._line("#chart-sentiment", "Sentiment (-2..2)", months, {"mood": mood}, "{:+.2f}", ylim=(-2, 2))

    def _line(
        self,
        chart_id: str,
        name: str,
        months: list[str],
        series: dict[str, list[float | None]],
        fmt: str,
        ylim: tuple[float, float] | None = None,
    ) -> None:
        """Draw a line chart titled with its first series' newest value and change."""
        chart = self.query_one(chart_id, Chart)
        chart.title = headline(name, months, next(iter(series.values())), fmt)
        chart.draw_lines(months, series, ylim=ylim)
