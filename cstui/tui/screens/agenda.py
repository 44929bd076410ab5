"""The agenda (`A`): meetings from today on across the book, grouped by day.

A day is a heading row; a meeting row shows its account's band, time, subject, who it is with and
the account's open reasons. `enter` opens the pre-call brief; on a meeting held today whose
feedback is not logged yet, `f` opens the feedback form filled from it (date, contact, duration),
and saving logs it on that meeting.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

from cstui.readmodels.agenda import Agenda, AgendaMeeting, agenda
from cstui.safe_text import visible
from cstui.storage import queries
from cstui.storage.bookfile.access import Conn
from cstui.storage.records.notes import Feedback
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.measured_table import MeasuredTable
from cstui.tui.widgets.text import band, book_text


class AgendaScreen(BookScreen[Agenda]):
    """Meetings for the next two weeks, by day."""

    BINDINGS = [
        Binding("enter", "brief", "Brief"),
        Binding("f", "feedback", "Log feedback"),
    ]

    meetings: dict[str, AgendaMeeting]

    def compose(self) -> ComposeResult:
        self.meetings = {}
        yield Header()
        yield Static("…", id="agenda-summary", markup=False)
        yield MeasuredTable(id="agenda-table", cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#agenda-table", DataTable).add_columns("Account", "Health", "Min", "Meeting", "With", "Reasons")
        super().on_mount()

    def fetch(self, conn: Conn) -> Agenda:
        return agenda(conn, self.app.as_of)

    def show(self, data: Agenda) -> None:
        waiting = sum(1 for m in data.meetings if m.needs_feedback)
        count = len(data.meetings)
        summary = f"{count} meeting{'' if count == 1 else 's'} from {data.as_of} to {data.last}"
        if waiting:
            summary += f"; {waiting} held today without feedback (f logs it)"
        self.query_one("#agenda-summary", Static).update(Text(summary))
        table = self.query_one("#agenda-table", DataTable)
        table.clear()
        self.meetings = {}
        for day in data.days:
            table.add_row(Text(day.label, style="bold"), "", "", "", "", "", key=f"day-{day.day}")
            for m in day.meetings:
                self.meetings[str(m.interaction_id)] = m
                reasons = visible(m.reasons[0], one_line=True, limit=60) if m.reasons else ""
                if len(m.reasons) > 1:
                    reasons += f" (+{len(m.reasons) - 1})"
                subject = book_text(m.summary)
                if m.needs_feedback:
                    subject.append(" · feedback?", style="bold yellow")
                table.add_row(
                    book_text(m.key),
                    band(m.band) if m.band else Text("no score", style="dim"),
                    Text("" if m.minutes is None else str(m.minutes), justify="right"),
                    subject,
                    book_text(m.contact or ""),
                    Text(reasons, style="yellow" if m.reasons else ""),
                    key=str(m.interaction_id),
                )
        if table.row_count > 1:
            table.move_cursor(row=1)
        table.focus()

    @property
    def current(self) -> AgendaMeeting | None:
        table = self.query_one("#agenda-table", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.meetings.get(str(key))

    def action_brief(self) -> None:
        from cstui.tui.screens.precall import PrecallScreen

        if (meeting := self.current) is not None:
            self.app.push_screen(PrecallScreen(meeting.account_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_brief()

    def action_feedback(self) -> None:
        from cstui.tui.screens.feedback import FeedbackScreen

        meeting = self.current
        if meeting is None:
            return
        if not meeting.needs_feedback:
            self.app.say("Feedback is logged on a meeting held today and not logged yet", severity="warning")
            return
        contacts = [c.name for c in queries.contacts(self.app.book.conn, meeting.account_id)]
        start = Feedback(
            meeting.key,
            meeting.day,
            "meeting",
            meeting.summary,
            contact_email=meeting.contact,
            minutes=meeting.minutes,
            typed_on=self.app.as_of.isoformat(),
        )

        def saved(done: bool | None) -> None:
            if done:
                self.app.say(f"Feedback saved: {meeting.summary}")
                self.app.book_changed()

        form = FeedbackScreen(
            meeting.account_id,
            meeting.key,
            meeting.name,
            self.app.as_of.isoformat(),
            contacts,
            existing=start,
            interaction_id=meeting.interaction_id,
        )
        self.app.push_screen(form, saved)
