"""Help (`?`): every key of the screen underneath, read from its live bindings."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="modal"):
            yield Static(f"Keys: {type(self.under).__name__.removesuffix('Screen')}", classes="box-title")
            yield DataTable(id="help-keys", cursor_type="none", show_header=False)
            yield Static("escape or ? closes; ctrl+p finds any command by name", classes="hint")

    def on_mount(self) -> None:
        table = self.query_one("#help-keys", DataTable)
        table.add_columns("key", "action")
        seen = set()
        for key, active in self.under.active_bindings.items():
            binding = active.binding
            if not binding.description or (binding.description, key) in seen:
                continue
            if not type(active.node).__module__.startswith("cstui."):
                continue  # Textual's own scrolling and cursor keys: every list has them
            seen.add((binding.description, key))
            table.add_row(
                Text(binding.key_display or self.app.get_key_display(binding), style="bold"), Text(binding.description)
            )
        table.add_row(Text("ctrl+p", style="bold"), Text("Command palette"))
