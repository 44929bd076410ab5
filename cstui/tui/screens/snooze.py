"""Snooze an account in the check-in: a day, a week, or until a date."""

from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.records.checks import check_date


class SnoozeScreen(ModalScreen[str | None]):
    """Returns the date the account comes back, or None when cancelled."""

    # Nothing focused at first, so t and w act at once (a focused input would take the keys).
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("t", "days(1)", "Tomorrow"),
        Binding("w", "days(7)", "In a week"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, today: date, account: str) -> None:
        super().__init__()
        self.today = today
        self.account = account  # "KEY Name": the dialog says whom it snoozes

    def compose(self) -> ComposeResult:
        with Vertical(id="snooze-box", classes="modal"):
            yield Static(
                f"Snooze {visible(self.account, one_line=True)} until when?",
                id="snooze-title",
                classes="box-title",
                markup=False,
            )
            yield Static("t = tomorrow, w = in a week, or tab to type a date and press enter", classes="hint")
            yield Input(placeholder="YYYY-MM-DD", id="snooze-date")
            yield Static("", id="snooze-error", classes="error", markup=False)

    def show_error(self, message: str) -> None:
        error = self.query_one("#snooze-error", Static)
        error.update(message)
        error.add_class("shown")

    def action_days(self, days: int) -> None:
        self.dismiss((self.today + timedelta(days=days)).isoformat())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            until = check_date("date", event.value)
        except UserError as error:
            self.show_error(str(error))
            return
        if until <= self.today.isoformat():
            self.show_error(f"date: {until} is not after today")
            return
        self.dismiss(until)
