"""Sort by (`s` on the accounts and renewals lists): every column in one menu, each a key away.

`1`..`9` and `0` pick the column with that number at once (ARR is `s` `3`, not nine presses of a
key that steps through the columns); up/down and `enter` work too. Picking the column the list is
already sorted by reverses it. Returns the column's index, or None when cancelled.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

DIGITS = "1234567890"


class SortMenu(ModalScreen[int | None]):
    """Pick the column to sort by; the current one is marked with its direction."""

    DEFAULT_CSS = "#sort-box { width: 44; height: auto; } #sort-list { height: auto; max-height: 14; }"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        *(Binding(digit, f"pick({i})", show=False) for i, digit in enumerate(DIGITS)),
    ]

    def __init__(self, labels: list[str], current: int, reverse: bool) -> None:
        super().__init__()
        self.labels = labels[: len(DIGITS)]
        self.current = current
        self.reverse = reverse

    def compose(self) -> ComposeResult:
        with Vertical(id="sort-box", classes="modal"):
            yield Static("Sort by", classes="box-title")
            options = []
            for i, label in enumerate(self.labels):
                line = Text(f"{DIGITS[i]}  ", style="bold")
                line.append(label)
                if i == self.current:
                    line.append(f"  {'▼' if self.reverse else '▲'} now; again reverses", style="dim")
                options.append(Option(line, id=str(i)))
            yield OptionList(*options, id="sort-list")
            yield Static("a digit or enter picks  ·  escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#sort-list", OptionList).highlighted = self.current

    def action_pick(self, index: int) -> None:
        if index < len(self.labels):
            self.dismiss(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
