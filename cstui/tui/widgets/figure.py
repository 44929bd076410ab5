"""A dashboard card: one figure, its label and the window it covers."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static


class Figure(Vertical):
    """Label on top, the value large in the middle, the window underneath."""

    def __init__(self, label: str, window: str, *, id: str) -> None:
        super().__init__(id=id, classes="figure")
        self.label = label
        self.window = window

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="figure-label", markup=False)
        yield Static("…", classes="figure-value", markup=False)
        yield Static(self.window, classes="figure-window", markup=False)

    def set_value(self, text: str | Text) -> None:
        self.query_one(".figure-value", Static).update(text)

    def set_window(self, text: str) -> None:
        self.query_one(".figure-window", Static).update(text)

    @property
    def value(self) -> str:
        return str(self.query_one(".figure-value", Static).render())
