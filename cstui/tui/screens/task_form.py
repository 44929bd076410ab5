"""Edit or re-date one task: its title and due date, checked by `storage.records.tasks.edit_task`."""

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cstui.safe_text import visible


@dataclass(frozen=True)
class TaskChange:
    """The fields the user changed (None: left as it was)."""

    title: str | None
    due_on: str | None


class TaskFormScreen(ModalScreen[TaskChange | None]):
    """Returns what changed, or None when cancelled; `focus_due` starts on the date (re-dating)."""

    DEFAULT_CSS = "#task-form { height: auto; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, account_key: str, title: str, due_on: str, focus_due: bool) -> None:
        super().__init__()
        self.account_key, self.title_text, self.due_on, self.focus_due = account_key, title, due_on, focus_due

    def compose(self) -> ComposeResult:
        with Vertical(id="task-form", classes="modal"):
            heading = "Re-date" if self.focus_due else "Edit"
            yield Static(f"{heading} a task of {visible(self.account_key, one_line=True)}", classes="box-title")
            yield Input(value=visible(self.title_text, one_line=True), placeholder="what to do", id="task-title")
            yield Input(value=self.due_on, placeholder="due YYYY-MM-DD", id="task-due")
            yield Static("enter saves, escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#task-due" if self.focus_due else "#task-title", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        title = self.query_one("#task-title", Input).value
        due = self.query_one("#task-due", Input).value.strip()
        self.dismiss(
            TaskChange(
                None if title == visible(self.title_text, one_line=True) else title,
                None if due == self.due_on else due,
            )
        )
