"""The pre-call brief (`B` on an account): one screen to read before the call, the most important first."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from cstui.readmodels.precall import (
    PrecallBrief,
    attendee_label,
    change_line,
    mover_text,
    precall_brief,
    read_text,
    renewal_line,
)
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.text import BAND_STYLE, book_text


def _section(text: Text, title: str, empty: bool) -> None:
    text.append(f"\n{title}", style="bold underline")
    if empty:
        text.append("  none", style="dim")


def render_brief(brief: PrecallBrief) -> Text:
    """The brief as Rich text; every piece of book text goes through `book_text` (shown literally)."""
    text = book_text(brief.name, "bold")
    text.append_text(book_text(f"  {brief.key}  ·  ARR {brief.arr:,.0f}  ·  "))
    text.append(renewal_line(brief))
    meeting = brief.next_meeting
    text.append("\nNext meeting  ", style="bold underline")
    if meeting is None:
        text.append("no meeting booked", style="dim")
    else:
        text.append(f"{meeting.day}{f', {meeting.minutes} min' if meeting.minutes is not None else ''}: ")
        text.append_text(book_text(meeting.summary, "bold"))
        for person in meeting.attendees or []:
            text.append("\n  ★ " if person.champion else "\n    ")
            text.append_text(book_text(attendee_label(person)))
        if not meeting.attendees:
            text.append("\n    nobody on the invitation", style="dim")
    text.append("\n")
    text.append(change_line(brief), style=BAND_STYLE.get(brief.health.band, ""))
    for mover in brief.movers:
        text.append(f"\n  {mover_text(mover)}", style="green" if mover.delta > 0 else "red")
    _section(text, "Open follow-ups", not brief.follow_ups)
    for follow_up in brief.follow_ups:
        text.append(f"\n  {follow_up.due} ", style="bold red" if follow_up.overdue else "")
        text.append_text(book_text(follow_up.title))
    _section(text, "Open tickets", not brief.tickets)
    for ticket in brief.tickets:
        text.append(f"\n  {ticket.opened_on} ")
        text.append(ticket.severity, style="bold red" if ticket.severity in ("high", "urgent") else "")
        text.append(f" {ticket.channel}: ")
        text.append_text(book_text(ticket.subject or ""))
    _section(text, "Last notes", not brief.notes)
    for note in brief.notes:
        text.append(f"\n  {note.day} {note.kind}: ")
        text.append_text(book_text(note.summary, "bold"))
        text.append(read_text(note.sentiment))
        if note.notes:
            text.append("\n    ")
            text.append_text(book_text(note.notes, "dim"))
    _section(text, "NPS and CSAT", not brief.surveys)
    for survey in brief.surveys:
        text.append(f"\n  {survey.day} {survey.kind.upper()} {survey.score}")
        if survey.comment:
            text.append(": ")
            text.append_text(book_text(survey.comment))
    return text


class PrecallScreen(BookScreen):
    """Read before the call; j/k scroll, escape goes back to the account."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, account_id: int) -> None:
        super().__init__()
        self.account_id = account_id
        self.brief: PrecallBrief | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="precall-body"):
            yield Static("…", id="precall", markup=False)
        yield Footer()

    def fetch(self, conn) -> PrecallBrief:
        return precall_brief(conn, self.account_id, self.app.as_of)

    def show(self, brief: PrecallBrief) -> None:
        self.brief = brief
        self.query_one("#precall", Static).update(render_brief(brief))

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#precall-body", VerticalScroll)
        body.scroll_to(y=body.scroll_y + step, animate=False)
