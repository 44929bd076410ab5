"""A yes/no question, answered with y or n."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    AUTO_FOCUS = ""
    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box", classes="modal"):
            yield Static(self.question, classes="box-title", markup=False)
            yield Static("y = yes, n = no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
