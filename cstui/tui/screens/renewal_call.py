"""Record the CSM's call on an account's next renewal (`w` on the account screen).

c / p / r / l pick commit, probable, at risk, lost; tab to type the expected ARR and a reason;
enter saves through `storage.renewal_calls.set_call` (the CLI's checks; one change in the history).
The expected ARR is read as typed (`40000`, `40,000`, `40k`, `1.2m`) and the form says how it read it
as you type; a value it cannot read, or a save the book refuses, is named in the form, which stays
open with everything typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage import reads
from cstui.storage.renewal_calls import Call, RenewalCall, calls, parse_expected_arr, set_call

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

KEYS = {"c": Call.COMMIT, "p": Call.PROBABLE, "r": Call.AT_RISK, "l": Call.LOST}


@dataclass(frozen=True)
class CallForm:
    call: Call
    expected_arr: str
    reason: str


def arr_reading(text: str) -> tuple[str, bool]:
    """How the expected ARR as typed is read ("read as 40,000"), and whether it can be saved."""
    if not text.strip():
        return "", True
    try:
        return f"read as {parse_expected_arr(text):,.0f}", True
    except UserError as error:
        return str(error).removeprefix("expected ARR: "), False


class RenewalCallScreen(ModalScreen[RenewalCall | None]):
    """Saves the call through `save` (None: nothing saved, the form stays); returns what was saved,
    or None when cancelled."""

    AUTO_FOCUS = ""  # the call keys act at once; tab reaches the inputs
    DEFAULT_CSS = "#renewal-call { height: auto; }"
    BINDINGS = [
        Binding("c", "pick('c')", "Commit"),
        Binding("p", "pick('p')", "Probable"),
        Binding("r", "pick('r')", "At risk"),
        Binding("l", "pick('l')", "Lost"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        account_label: str,
        renewal_date: str,
        current: RenewalCall | None,
        save: Callable[[CallForm], RenewalCall | None],
    ) -> None:
        super().__init__()
        self.save = save
        self.account_label, self.renewal_date = account_label, renewal_date
        self.call = current.call if current else None
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="renewal-call", classes="modal"):
            yield Static(
                f"Renewal call: {visible(self.account_label, one_line=True)}, renewing {self.renewal_date}",
                classes="box-title",
            )
            yield Static(
                "c commit · p probable · r at risk · l lost; tab for ARR and reason, enter saves", classes="hint"
            )
            yield Static(self._call_text(), id="renewal-call-choice", markup=False)
            arr = (
                "" if self.current is None or self.current.expected_arr is None else f"{self.current.expected_arr:.0f}"
            )
            yield Input(value=arr, placeholder="expected ARR (40000, 40,000, 40k, 1.2m)", id="renewal-arr")
            yield Static("", id="renewal-arr-read", classes="hint", markup=False)
            reason = visible(self.current.reason, one_line=True) if self.current and self.current.reason else ""
            yield Input(value=reason, placeholder="reason, one line", id="renewal-reason")
            yield Static("", id="renewal-error", classes="error", markup=False)

    def _call_text(self) -> str:
        return f"Call: {self.call.label if self.call else '(none yet)'}"

    def action_pick(self, key: str) -> None:
        self.call = KEYS[key]
        self.query_one("#renewal-call-choice", Static).update(self._call_text())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Under the expected ARR: how it is read, or why it cannot be."""
        if event.input.id == "renewal-arr":
            said, ok = arr_reading(event.value)
            read = self.query_one("#renewal-arr-read", Static)
            read.update(said)
            read.set_class(not ok, "error-text")
            event.input.set_class(not ok, "invalid")

    def _error(self, text: str | None) -> None:
        error = self.query_one("#renewal-error", Static)
        error.update(text or "")
        error.set_class(text is not None, "shown")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.call is None:
            self._error("no call picked: escape, then press c, p, r or l before tab")
            return
        arr = self.query_one("#renewal-arr", Input)
        said, ok = arr_reading(arr.value)
        if not ok:
            self._error(f"expected ARR: {said}")
            arr.focus()
            return
        try:
            made = self.save(CallForm(self.call, arr.value, self.query_one("#renewal-reason", Input).value))
        except UserError as error:
            self._error(str(error))
            return
        if made is not None:
            self.dismiss(made)


def record_renewal_call(app: "CstuiApp", account_id: int) -> None:
    """Show the call form for the account's next renewal and save what is typed."""
    info = reads.account(app.book.conn, account_id)
    if info.renewal_date is None or info.renewal_date < app.as_of.isoformat():
        app.say(f"{info.key} has no upcoming renewal date to call", severity="warning")
        return
    current = next(
        (c for c in calls(app.book.conn) if c.account_id == account_id and c.renewal_date == info.renewal_date), None
    )

    def save(form: CallForm) -> RenewalCall | None:
        """A refusal (UserError) is shown in the form; a busy book is said by `app.write` (None)."""
        return app.write(set_call, info.key, form.call.value, form.expected_arr, form.reason, today=app.as_of)

    def saved(made: RenewalCall | None) -> None:
        if made is not None:
            arr = "" if made.expected_arr is None else f", expected ARR {made.expected_arr:,.0f}"
            app.say(f"Renewal call for {made.account_key}: {made.call.label}{arr}")
            app.book_changed()

    app.push_screen(RenewalCallScreen(f"{info.key} {info.name}", info.renewal_date, current, save), saved)
