"""One customer: the health breakdown, what changed, the trend, contacts, timeline, follow-ups."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from cstui.formatting import date_or_missing, figure
from cstui.readmodels import views
from cstui.storage.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.charts import Chart
from cstui.tui.widgets.text import BAND_STYLE, book_text, number, trend


class AccountScreen(BookScreen[views.AccountDetail]):
    """The per-customer health breakdown and everything behind it."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f", "feedback", "Log feedback"),
        Binding("n", "survey", "Add survey"),
        Binding("x", "complete", "Complete follow-up"),
        Binding("B", "brief", "Pre-call brief", show=False),
    ]

    def __init__(self, account_id: int) -> None:
        super().__init__()
        self.account_id = account_id
        self.detail: views.AccountDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="account-body"):
            yield Static("…", id="account-title", markup=False)
            yield Static("", id="account-change", markup=False)
            yield DataTable(id="breakdown", cursor_type="none", zebra_stripes=True)
            with Horizontal(id="account-middle"):
                yield Chart("Health, month ends", id="health-chart")
                with Vertical(id="account-side"):
                    yield Static("Follow-ups", classes="box-title")
                    yield Static("", id="follow-ups", markup=False)
                    yield Static("Contacts", classes="box-title")
                    yield Static("", id="contacts", markup=False)
            yield Static("⚠ = stale: the component's newest fact is old", classes="hint")
            yield Static("Timeline (newest first)", classes="box-title")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        # The raw values last: at 80 columns they are cut, never the points and the newest fact.
        self.query_one("#breakdown", DataTable).add_columns(
            "Component", "Score", "Weight %", "Points", "Newest fact", "Raw value"
        )
        self.query_one("#timeline", DataTable).add_columns("Date", "Kind", "What")
        super().on_mount()

    def fetch(self, conn: Conn) -> views.AccountDetail:
        return views.account_detail(conn, self.account_id, self.app.as_of)

    def show(self, d: views.AccountDetail) -> None:
        self.detail = d
        b = d.breakdown
        info = d.info
        title = book_text(info.name, "bold")
        title.append_text(
            book_text(f"  {info.key}  ·  {info.segment or '-'}  ·  {info.plan or '-'}  ·  ARR {d.arr:,.0f}  ·  ")
        )
        renews, churned = info.renewal_date, info.churn_date
        title.append(f"renews {renews}" if renews else f"churned {churned}" if churned else "no renewal date")
        title.append("\nHealth ")
        score = figure(b.score, "{:.1f}")
        title.append(f"{score} ({b.band})", style=BAND_STYLE.get(b.band, ""))
        title.append(" ")
        if d.change and d.change.delta is not None:
            title.append_text(trend(d.change.delta))
        self.query_one("#account-title", Static).update(title)
        change = self.query_one("#account-change", Static)
        if d.change and d.change.delta is not None:
            driver = d.change.driver
            text = f"Since the snapshot of {d.change.before.as_of}: {d.change.delta:+.1f} points"
            text += f"; biggest driver: {driver.label} {driver.delta:+.1f}" if driver else "; no component moved"
            change.update(text)
        else:
            change.update("No earlier snapshot to compare with yet.")
        table = self.query_one("#breakdown", DataTable)
        table.clear()
        for c, points in zip(b.components, b.rounded_points()):
            newest = date_or_missing(c.newest) + (" ⚠" if c.stale else "")
            table.add_row(
                Text(c.label),
                Text("no data", style="dim") if c.score is None else number(c.score),
                number(c.share),
                number(points),
                Text(newest, style="yellow" if c.stale else ""),
                book_text(c.raw),
            )
        table.add_row(
            Text("Total", style="bold"),
            Text(""),
            number(100.0 if b.score is not None else None),
            number(b.score, style="bold"),
            Text(""),
            Text(""),
        )
        self.query_one("#health-chart", Chart).draw_lines(
            [day for day, _ in d.history], {"health": [score for _, score in d.history]}, ylim=(0, 100)
        )
        follow = Text()
        for task in d.follow_ups:
            overdue = task.due_on <= self.app.as_of.isoformat()
            follow.append(f"{task.due_on} ", style="bold red" if overdue else "")
            follow.append_text(book_text(task.title))
            follow.append("\n")
        self.query_one("#follow-ups", Static).update(follow or Text("none open", style="dim"))
        people = Text()
        for person in d.contacts:
            people.append("★ " if person.champion else "  ")
            people.append_text(book_text(f"{person.name}  {person.role}  {person.email}"))
            people.append("\n")
        self.query_one("#contacts", Static).update(people or Text("none", style="dim"))
        timeline = self.query_one("#timeline", DataTable)
        timeline.clear()
        for entry in d.timeline:
            timeline.add_row(Text(entry.day), Text(entry.kind), book_text(entry.text))

    def action_feedback(self) -> None:
        from cstui.tui.screens.feedback import open_feedback

        open_feedback(self.app, self.account_id)

    def action_survey(self) -> None:
        from cstui.tui.screens.survey import open_survey

        open_survey(self.app, self.account_id)

    def action_complete(self) -> None:
        from cstui.tui.screens.feedback import complete_first_follow_up

        complete_first_follow_up(self.app, self.account_id)

    def action_brief(self) -> None:
        from cstui.tui.screens.precall import PrecallScreen

        self.app.push_screen(PrecallScreen(self.account_id))
