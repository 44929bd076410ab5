"""The week in review (`W`): the week that ends today, section by section, the same as `cstui week`.

Every change on it is over the same 7 days and says so; `cstui week --md` writes the same sections
as a note to send to a manager.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from cstui.readmodels.week import Week, week, week_sections, week_title
from cstui.safe_text import visible
from cstui.storage.bookfile.access import Conn
from cstui.tui.screens.base import BookScreen


def week_body(data: Week) -> Text:
    """The sections as one text: headings in bold, book text shown as text."""
    body = Text()
    for n, section in enumerate(week_sections(data, lambda value: visible(value, one_line=True))):
        if n:
            body.append("\n")
        body.append(section.title + "\n", style="bold")
        for line in section.lines:
            body.append(f"  {line}\n", style="dim" if line == "none" else "")
    return body


class WeekScreen(BookScreen[Week]):
    """The week in review; scrolls when it does not fit."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="week-title", classes="box-title", markup=False)
        with VerticalScroll(id="week-scroll"):
            yield Static("", id="week-body", markup=False)
        yield Footer()

    def fetch(self, conn: Conn) -> Week:
        return week(conn, self.app.as_of)

    def show(self, data: Week) -> None:
        self.query_one("#week-title", Static).update(Text(week_title(data), style="bold"))
        self.query_one("#week-body", Static).update(week_body(data))
        self.query_one("#week-scroll", VerticalScroll).focus()
