"""Call-feedback entry: a form a CSM fills from the keyboard in seconds.

Digits type scores, tab moves, ctrl+s saves, escape cancels (asking first when something was
typed). Every field is checked by `storage.writes.parse_feedback`, the same rules the CLI uses;
errors show under their fields and nothing is saved until all are valid. Saving is one transaction.
"""

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static, TextArea

from cstui.safe_text import visible
from cstui.storage import reads, writes
from cstui.tui.screens.confirm import ConfirmScreen

KINDS = [("call", "call"), ("meeting", "meeting"), ("email", "email"), ("note", "note")]
# Field id -> (label, placeholder)
FIELDS = {
    "date": ("Date", "YYYY-MM-DD"),
    "contact": ("Contact", "name or email (new names are added)"),
    "summary": ("Summary", "one line: what was it about?"),
    "sentiment": ("Your read", "-2 (very negative) .. 2 (very positive)"),
    "nps": ("NPS", "0-10"),
    "csat": ("CSAT", "1-5"),
    "ces": ("CES", "1-7 (1 = easy)"),
    "follow_up_title": ("Follow-up", "what you promised to do"),
    "follow_up_on": ("Due", "YYYY-MM-DD"),
}


class FeedbackScreen(ModalScreen[bool]):
    """Log a call (or meeting, email, note) for one account; returns True when saved.

    With `existing` and `interaction_id` (an ingested interaction under review) the form starts
    from that interaction and saving rewrites it instead of adding a new one.
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        account_id: int,
        account_key: str,
        account_name: str,
        today: str,
        contacts: list[str],
        existing: writes.Feedback | None = None,
        interaction_id: int | None = None,
    ) -> None:
        super().__init__()
        self.existing = existing
        self.interaction_id = interaction_id
        self.initial: dict[str, str] = {}
        self.account_id = account_id
        self.account_key = account_key
        self.account_name = account_name
        self.today = today
        self.contacts = contacts

    def _field(self, name: str, value: str = "") -> ComposeResult:
        label, placeholder = FIELDS[name]
        with Horizontal(classes="field"):
            yield Static(label, classes="field-label", markup=False)
            with Vertical(classes="field-input"):
                suggester = SuggestFromList(self.contacts, case_sensitive=False) if name == "contact" else None
                yield Input(value=value, placeholder=placeholder, id=name, suggester=suggester, compact=True)
                yield Static("", id=f"{name}-error", classes="error", markup=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="feedback-box", classes="modal"):
            yield Static(
                f"{'Review' if self.existing else 'Log feedback'}: "
                f"{visible(self.account_key, one_line=True)} {visible(self.account_name, one_line=True)}",
                classes="box-title",
                markup=False,
            )
            start = self.existing
            yield from self._field("date", start.occurred_on if start else self.today)
            with Horizontal(classes="field"):
                yield Static("Kind", classes="field-label")
                yield Select(KINDS, value=start.kind if start else "call", allow_blank=False, id="kind", compact=True)
            yield from self._field("contact", (start.contact_email or "") if start else "")
            yield from self._field("summary", start.summary if start else "")
            with Horizontal(classes="field"):
                yield Static("Notes", classes="field-label")
                yield TextArea((start.notes or "") if start else "", id="notes", soft_wrap=True, tab_behavior="focus")
            yield from self._field("sentiment")
            with Horizontal(classes="field scores"):
                for name in ("nps", "csat", "ces"):
                    yield from self._field(name)
            yield from self._field("follow_up_title")
            yield from self._field("follow_up_on")
            yield Static("ctrl+s save  ·  tab next field  ·  escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.initial = self.values()
        self.query_one("#summary", Input).focus()

    def values(self) -> dict[str, str]:
        fields = {name: self.query_one(f"#{name}", Input).value for name in FIELDS}
        fields["kind"] = str(self.query_one("#kind", Select).value)
        fields["notes"] = self.query_one("#notes", TextArea).text
        return fields

    def typed_something(self) -> bool:
        values = self.values()
        return any(v.strip() != self.initial.get(k, "").strip() for k, v in values.items() if k != "kind")

    def show_errors(self, errors: dict[str, str]) -> None:
        for name in FIELDS:
            error = self.query_one(f"#{name}-error", Static)
            error.update(errors.get(name, ""))
            error.set_class(name in errors, "shown")
            self.query_one(f"#{name}", Input).set_class(name in errors, "invalid")

    def on_input_changed(self, event: Input.Changed) -> None:
        """A field's error goes as soon as its value is valid (checked again only while one is shown)."""
        name = event.input.id or ""
        if name not in FIELDS or not event.input.has_class("invalid"):
            return
        _, errors = writes.parse_feedback(self.account_key, self.values())
        error = self.query_one(f"#{name}-error", Static)
        error.update(errors.get(name, ""))
        error.set_class(name in errors, "shown")
        event.input.set_class(name in errors, "invalid")

    def action_save(self) -> None:
        entry, errors = writes.parse_feedback(self.account_key, self.values())
        self.show_errors(errors)
        if entry is None:
            first = next(iter(errors))
            if first in FIELDS:
                self.query_one(f"#{first}", Input).focus()
            return
        if self.app.write(writes.save_feedback, entry, self.interaction_id) is not None:
            self.dismiss(True)

    def action_cancel(self) -> None:
        if not self.typed_something():
            self.dismiss(False)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen("Discard what you typed?"), answer)


def open_feedback(app: App, account_id: int) -> None:
    """Open the feedback form for an account; on save, tell every screen the book changed."""
    info = reads.account(app.book.conn, account_id)
    key, name = info.key, info.name
    contacts = reads.contact_names(app.book.conn, account_id)

    def saved(done: bool | None) -> None:
        if done:
            app.notify(f"Feedback saved for {visible(key, one_line=True)}", markup=False)
            app.book_changed()

    app.push_screen(FeedbackScreen(account_id, key, name, app.as_of.isoformat(), contacts), saved)


def complete_first_follow_up(app: App, account_id: int) -> None:
    """Complete the account's most pressing open follow-up (the earliest due)."""
    task = reads.first_open_follow_up(app.book.conn, account_id)
    if task is None:
        app.notify("No open follow-up for this account", severity="warning")
        return
    if app.write(writes.complete_task, task.task_id, app.as_of.isoformat()) is None:
        return
    app.notify(f"Done: {visible(task.title, one_line=True)}", markup=False)
    app.book_changed()
