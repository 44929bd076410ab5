"""Call-feedback entry: a form a CSM fills from the keyboard in seconds.

Digits type scores, tab moves, ctrl+s saves, escape cancels (asking first when something was
typed). Every field is checked by `storage.records.notes.parse_feedback`, the same rules the CLI uses;
errors show under their fields and nothing is saved until all are valid. Saving is one transaction.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static, TextArea

from cstui.errors import FieldError, UserError
from cstui.safe_text import ONE_LINE_LIMIT, visible
from cstui.storage import reads
from cstui.storage.records.accounts import get_account
from cstui.storage.records.notes import Feedback, Note, NoteFields, edit_note, parse_feedback, save_feedback
from cstui.storage.records.tasks import set_task_done
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.widgets.field_errors import FieldErrors

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

KINDS = [("call", "call"), ("meeting", "meeting"), ("email", "email"), ("note", "note")]
# Field id -> (label, placeholder)
FIELDS = {
    "date": ("Date", "YYYY-MM-DD"),
    "contact": ("Contact", "name or email (new names are added)"),
    "minutes": ("Minutes", "how long it took (calls and meetings)"),
    "summary": ("Summary", "one line: what was it about?"),
    "sentiment": ("Your read", "-2 (very negative) .. 2 (very positive)"),
    "nps": ("NPS", "0-10"),
    "csat": ("CSAT", "1-5"),
    "ces": ("CES", "1-7 (1 = easy)"),
    "follow_up_title": ("Follow-up", "what you promised to do"),
    "follow_up_on": ("Due", "YYYY-MM-DD"),
}


# The inputs a refused edit's error is shown under: `notes.check_note` names each field by its input.
EDIT_ERRORS = ("date", "summary", "sentiment", "contact", "minutes", "follow_up_on")


class FeedbackScreen(ModalScreen[bool]):
    """Log a call (or meeting, email, note) for one account; returns True when saved.

    With `existing` and `interaction_id` (an ingested interaction under review) the form starts
    from that interaction and saving rewrites it instead of adding a new one. With `note` (`e` on
    the account screen) it edits that note through `notes.edit_note`: only the fields changed
    are written, and the scores and new follow-up fields are hidden (they are records of their own).
    """

    if TYPE_CHECKING:  # the running cstui app, typed
        app = getters.app(CstuiApp)

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
        existing: Feedback | None = None,
        interaction_id: int | None = None,
        note: Note | None = None,
    ) -> None:
        super().__init__()
        self.note = note
        if note is not None:
            existing = Feedback(
                note.account_key,
                note.occurred_on,
                note.kind,
                note.summary,
                note.notes,
                note.contact_name or note.contact_email,  # the form's one contact field: name or email
                sentiment=note.sentiment,
                follow_up_on=note.follow_up_on,
                minutes=note.minutes,
                typed_on=today,
            )
        self.existing = existing
        self.interaction_id = interaction_id
        self.initial: dict[str, str] = {}
        self.field_errors = FieldErrors(self, {name: (name, f"{name}-error") for name in FIELDS})
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
        title = visible(f"{self.account_key} {self.account_name}", one_line=True, limit=ONE_LINE_LIMIT)
        what = "Edit note" if self.note else "Review" if self.interaction_id is not None else "Log feedback"
        with VerticalScroll(id="feedback-box", classes="modal"):
            yield Static(
                f"{what}: {title}",
                classes="box-title",
                markup=False,
            )
            start = self.existing
            yield from self._field("date", start.occurred_on if start else self.today)
            with Horizontal(classes="field"):
                yield Static("Kind", classes="field-label")
                yield Select(KINDS, value=start.kind if start else "call", allow_blank=False, id="kind", compact=True)
            yield from self._field("contact", (start.contact_email or "") if start else "")
            yield from self._field("minutes", "" if start is None or start.minutes is None else str(start.minutes))
            yield from self._field("summary", start.summary if start else "")
            with Horizontal(classes="field"):
                yield Static("Notes", classes="field-label")
                yield TextArea((start.notes or "") if start else "", id="notes", soft_wrap=True, tab_behavior="focus")
            read = "" if start is None or start.sentiment is None else str(start.sentiment)
            yield from self._field("sentiment", read)
            with Horizontal(classes="field scores"):
                for name in ("nps", "csat", "ces"):
                    yield from self._field(name)
            yield from self._field("follow_up_title")
            yield from self._field("follow_up_on", (start.follow_up_on or "") if start else "")
            yield Static("ctrl+s save  ·  tab next field  ·  escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.initial = self.values()
        if self.note is not None:  # scores and new follow-ups are records of their own, not the note's
            self.query_one(".scores").display = False
            self.query_one("#follow_up_title").parent.parent.display = False  # type: ignore[union-attr]
        self.query_one("#summary", Input).focus()

    def values(self) -> dict[str, str]:
        fields = {name: self.query_one(f"#{name}", Input).value for name in FIELDS}
        fields["kind"] = str(self.query_one("#kind", Select).value)
        fields["notes"] = self.query_one("#notes", TextArea).text
        return fields

    def typed_something(self) -> bool:
        values = self.values()
        return any(v.strip() != self.initial.get(k, "").strip() for k, v in values.items() if k != "kind")

    def save_edit(self, note: Note) -> None:
        """Write the changed fields of an edited note; a refused value is shown under its field."""
        values = self.values()
        changed = {k: v for k, v in values.items() if v.strip() != self.initial.get(k, "").strip()}
        if not changed:
            self.dismiss(False)
            return
        fields = NoteFields(
            occurred_on=changed.get("date"),
            kind=changed.get("kind"),
            summary=changed.get("summary"),
            notes=changed.get("notes"),
            sentiment=changed.get("sentiment"),
            contact=changed.get("contact"),
            follow_up_on=changed.get("follow_up_on"),
            minutes=changed.get("minutes"),
        )
        try:
            saved = self.app.write(edit_note, note.id, fields, self.app.as_of)
        except UserError as error:
            # A field's mistake goes under that field; any other (nothing to change, say) whole, under the summary.
            field, why = "summary", str(error)
            if isinstance(error, FieldError) and error.field_name in EDIT_ERRORS:
                field, why = error.field_name, error.reason
            self.field_errors.show({field: why})
            self.query_one(f"#{field}", Input).focus()
            return
        if saved is not None:
            self.dismiss(True)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A field's error goes as soon as its value is valid (checked again only while one is shown)."""
        self.field_errors.recheck(
            event.input, lambda: parse_feedback(self.account_key, self.values(), self.app.as_of)[1]
        )

    def action_save(self) -> None:
        if self.note is not None:
            self.save_edit(self.note)
            return
        entry, errors = parse_feedback(self.account_key, self.values(), self.app.as_of)
        self.field_errors.show(errors)
        if entry is None:
            if (first := self.field_errors.first(errors)) is not None:
                first.focus()
            return
        if self.store(entry):
            self.dismiss(True)

    def store(self, entry: Feedback) -> bool:
        """Save the checked entry; False when nothing was saved (a busy book). The check-in
        overrides it to mark the account reviewed in the same change; a new note on an account in
        today's check-in marks it worked the same way (issue 25)."""
        from cstui.storage import checkin_writes
        from cstui.tui.screens.checkin import worked_fingerprint

        fingerprint = worked_fingerprint(self.app, self.account_id) if self.interaction_id is None else None
        if fingerprint is not None:
            day = self.app.as_of.isoformat()
            return self.app.write(checkin_writes.feedback_worked, entry, self.account_id, day, fingerprint) is not None
        return self.app.write(save_feedback, entry, self.interaction_id) is not None

    def action_cancel(self) -> None:
        if not self.typed_something():
            self.dismiss(False)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen("Discard what you typed?"), answer)


def open_feedback(app: "CstuiApp", account_id: int) -> None:
    """Open the feedback form for an account; on save, tell every screen the book changed."""
    info = reads.account(app.book.conn, account_id)
    key, name = info.key, info.name
    contacts = reads.contact_names(app.book.conn, account_id)

    def saved(done: bool | None) -> None:
        if done:
            app.say(f"Feedback saved for {visible(key, one_line=True, limit=ONE_LINE_LIMIT)}")
            app.book_changed()

    app.push_screen(FeedbackScreen(account_id, key, name, app.as_of.isoformat(), contacts), saved)


def open_note_editor(app: "CstuiApp", note: Note, done: Callable[[bool | None], None]) -> None:
    """Open the feedback form on an existing note (`e` on the account screen)."""
    account = get_account(app.book, note.account_key)
    contacts = reads.contact_names(app.book.conn, account.id)
    screen = FeedbackScreen(account.id, account.key, account.name, app.as_of.isoformat(), contacts, note=note)
    app.push_screen(screen, done)


def complete_first_follow_up(app: "CstuiApp", account_id: int) -> None:
    """Complete the account's most pressing open follow-up (the earliest due)."""
    task = reads.first_open_follow_up(app.book.conn, account_id)
    if task is None:
        app.say("No open follow-up for this account", severity="warning")
        return
    if app.write(set_task_done, task.task_id, app.as_of.isoformat(), app.as_of) is None:
        return
    app.say(f"Done: {visible(task.title, one_line=True, limit=ONE_LINE_LIMIT)}")
    app.book_changed()
