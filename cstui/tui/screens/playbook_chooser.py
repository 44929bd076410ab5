"""Apply a playbook to an account (`p` on the account screen, and on a check-in row).

`apply_playbook_from(app, account_id, suggested=None, rule=None)` is the one entry point: it reads
the choice (every playbook, the suggested one first - a check-in rule's default when given, else
what the account's dates call for), shows `PlaybookChooser`, and applies the one picked through
`storage.playbooks.apply_playbook` (one change in the history; dated tasks linked to the run).
`on_applied` runs after a successful apply (the check-in marks the account reviewed there).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cstui.errors import UserError
from cstui.readmodels.playbooks import Choice, choice
from cstui.safe_text import visible
from cstui.storage import playbooks, reads
from cstui.storage.playbooks import Run

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp


class PlaybookChooser(ModalScreen[str | None]):
    """Pick a playbook by name; returns its name, or None when cancelled."""

    DEFAULT_CSS = "#playbook-box { height: auto; } #playbook-list { height: auto; max-height: 12; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, account_label: str, options: Choice) -> None:
        super().__init__()
        self.account_label = account_label
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(id="playbook-box", classes="modal"):
            yield Static(f"Apply a playbook to {visible(self.account_label, one_line=True)}", classes="box-title")
            items = []
            for p in self.options.playbooks:
                label = Text(visible(p.name, one_line=True), style="bold")
                if p.name == self.options.suggested:
                    label.append("  (suggested)", style="green")
                if (run := self.options.running.get(p.name.lower())) is not None:
                    label.append(f"  (running, {run.done}/{run.tasks} done)", style="yellow")
                label.append(f"  {len(p.steps)} steps from {p.anchor}", style="dim")
                items.append(Option(label, id=p.name))
            yield OptionList(*items, id="playbook-list")
            yield Static("enter applies, escape cancels", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def apply_playbook_from(
    app: "CstuiApp",
    account_id: int,
    suggested: str | None = None,
    rule: str | None = None,
    on_applied: Callable[[Run], None] | None = None,
) -> None:
    """Show the chooser for an account and apply the playbook picked (see the module docstring)."""
    info = reads.account(app.book.conn, account_id)
    options = choice(app.book.conn, account_id, app.as_of, suggested)

    def apply(name: str | None) -> None:
        if name is None:
            return
        try:
            run = app.write(playbooks.apply_playbook, info.key, name, today=app.as_of, rule=rule)
        except UserError as error:
            app.say(str(error), severity="error")
            return
        if run is None:
            return
        app.say(f"Playbook '{run.playbook}' applied to {run.account_key}: {run.tasks} tasks")
        if on_applied is not None:
            on_applied(run)
        app.book_changed()

    app.push_screen(PlaybookChooser(f"{info.key} {info.name}", options), apply)
