"""Help (`?`): every key of the screen underneath, read from its live bindings."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static


def declared_by_cstui(node: DOMNode, binding: Binding) -> bool:
    """True when a class of `node` defined in cstui declares `binding` (its key for its action).

    The node alone does not tell: a cstui widget inherits the bindings of the Textual widget it extends
    (a DataTable's cursor keys, a container's scrolling, the app's copy key), which every list has.
    """
    for cls in type(node).__mro__:
        if cls.__module__.startswith("cstui.") and "BINDINGS" in cls.__dict__:
            for declared in Binding.make_bindings(cls.__dict__["BINDINGS"]):
                if (declared.key, declared.action) == (binding.key, binding.action):
                    return True
    return False


def screen_bindings(screen: Screen) -> list[Binding]:
    """The keys the screen's cstui classes declare, whichever widget has focus."""
    return [
        binding
        for cls in type(screen).__mro__
        if cls.__module__.startswith("cstui.") and "BINDINGS" in cls.__dict__
        for binding in Binding.make_bindings(cls.__dict__["BINDINGS"])
    ]


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
        for active in self.under.active_bindings.values():
            binding = active.binding
            if not binding.description or not declared_by_cstui(active.node, binding):
                continue  # Textual's own scrolling, cursor and focus keys: every screen has them
            shown = binding.key_display or self.app.get_key_display(binding)
            if (shown, binding.description) not in seen:  # "n,plus" shows as "n": once
                seen.add((shown, binding.description))
                table.add_row(Text(shown, style="bold"), Text(binding.description))
        for binding in screen_bindings(self.under):  # a focused list's own enter hides the screen's from the chain
            shown = binding.key_display or self.app.get_key_display(binding)
            if binding.description and shown not in {key for key, _ in seen}:
                seen.add((shown, binding.description))
                table.add_row(Text(shown, style="bold"), Text(binding.description))
        table.add_row(Text("ctrl+p", style="bold"), Text("Command palette"))
