"""The dashboard's "where your time goes" panel (issue 16): per segment, the share of the CSM's meeting
and email time against the share of ARR over the last 90 days, and the accounts with much ARR and
little attention named.

It loads itself in a worker with its own connection (`readmodels.attention_panel`), apart from the
dashboard's portfolio read, so the dashboard only places it and asks it to load when it reloads.
"""

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from cstui.safe_text import visible
from cstui.tui.screens.base import failure_text

if TYPE_CHECKING:  # the engine loads in the worker, off the dashboard's first paint
    from cstui.readmodels.attention_panel import AttentionSummary
    from cstui.tui.app import CstuiApp

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SEGMENT_WIDTH = 18
NAME_WIDTH = 30  # key and name of a named account, cut with an ellipsis beyond it


def day_words(day: date, year: bool = True) -> str:
    """27 Aug 2026 (month names in English whatever the machine's locale)."""
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year}" if year else "")


def title_text(summary: "AttentionSummary") -> str:
    first, last = summary.period.start, summary.last_day
    return (
        f"Where your time goes: last {summary.days} days, "
        f"{day_words(first, year=first.year != last.year)} to {day_words(last)}"
    )


def balance(arr_share: float, time_share: float) -> Text:
    """The rule `cstui time` names accounts by, for a segment: under half or over twice its ARR share."""
    if arr_share > 0 and time_share < arr_share / 2:
        return Text("  ▼ little time", style="yellow")
    if time_share > 2 * arr_share:
        return Text("  ▲ much time", style="cyan")
    return Text("")


def panel_text(summary: "AttentionSummary") -> Text:
    """The panel's body: a segment table, what the time is made of, and the accounts named."""
    if not summary.minutes:
        return Text(
            f"No meeting minutes or emails in the last {summary.days} days: `cstui ingest` your calendar "
            "export and saved mail to see where your time goes.",
            style="dim",
        )
    text = Text(f"{'segment':<{SEGMENT_WIDTH}}{'accounts':>9}{'share of ARR':>15}{'share of time':>16}\n", "bold")
    for s in summary.segments:
        text.append(visible(s.segment, one_line=True, limit=SEGMENT_WIDTH - 1).ljust(SEGMENT_WIDTH))
        text.append(f"{s.accounts:>9}{100 * s.arr_share:>14.1f}%{100 * s.time_share:>15.1f}%")
        text.append_text(balance(s.arr_share, s.time_share))
        text.append("\n")
    emails = "email" if summary.emails == 1 else "emails"
    calls = f"calls {summary.call_minutes:,} min ({summary.calls:,}) + " if summary.calls else ""
    text.append(
        f"time = {calls}meetings {summary.meeting_minutes:,} min ({summary.meetings:,}) + {summary.emails:,}"
        f" {emails} × {summary.email_minutes} min = {summary.minutes:,} min\n",
        style="dim",
    )
    text.append("Much ARR, little attention", style="bold")
    if not summary.underserved:
        text.append(": none")
        return text
    text.append(" (share of ARR → share of time):")
    for account in summary.underserved:
        who = visible(f"{account.key}  {account.name}", one_line=True, limit=NAME_WIDTH)
        text.append(f"\n  {who.ljust(NAME_WIDTH)}  {100 * account.arr_share:.1f}% → {100 * account.time_share:.1f}%")
    return text


class AttentionPanel(Vertical):
    """Title and body; `load` reads the book in a worker and draws the result."""

    if TYPE_CHECKING:
        app = getters.app(CstuiApp)

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id, classes="box")
        self.summary: AttentionSummary | None = None

    def compose(self) -> ComposeResult:
        yield Static("Where your time goes", id="attention-title", classes="box-title", markup=False)
        yield Static("…", id="attention-body", markup=False)

    @work(thread=True, exclusive=True, group="attention-panel", exit_on_error=False)
    def load(self, as_of: date) -> None:
        from cstui.readmodels.attention_panel import attention_summary

        try:
            with self.app.reader() as conn:
                summary = attention_summary(conn, as_of)
        except Exception as error:  # shown in the panel, never swallowed
            self.app.call_from_thread(self.query_one("#attention-body", Static).update, failure_text(error))
            return
        self.app.call_from_thread(self.draw, summary)

    def draw(self, summary: "AttentionSummary") -> None:
        self.summary = summary
        self.query_one("#attention-title", Static).update(title_text(summary))
        self.query_one("#attention-body", Static).update(panel_text(summary))
