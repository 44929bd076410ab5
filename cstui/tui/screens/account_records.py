"""What the account screen's row keys do: open (`enter`), edit (`e`) and delete (`delete`) the record
under the cursor, and edit the account itself (`E`). Every write goes through `storage.records`
(checked, history-recorded), then the book-changed signal reloads the screen."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cstui.safe_text import visible
from cstui.storage.records import accounts, notes, surveys, tasks
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.screens.record import (
    RecordForm,
    RecordScreen,
    account_fields,
    account_input,
    contact_fields,
    contact_input,
    task_fields,
)

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp


@dataclass(frozen=True)
class RowRef:
    """The record behind a table row: its table, its id, and the text the row shows."""

    table: str  # interactions, surveys, tickets, invoices, tasks, contacts
    record_id: int
    text: str
    day: str | None = None  # the record's date, when known (says why a record is not among the rows shown)

    def same_record(self, other: "RowRef") -> bool:
        """True when both name the same row of the same table, whatever text they carry."""
        return (self.table, self.record_id) == (other.table, other.record_id)


EDITABLE = ("interactions", "surveys", "tasks", "contacts")  # tickets and invoices come from imports
# What a record is called to the CSM (the undo message says "note 12 deleted" too, from storage.records).
RECORD_NAMES = {
    "interactions": "note",
    "surveys": "survey response",
    "tickets": "ticket",
    "invoices": "invoice",
    "tasks": "follow-up",
    "contacts": "contact",
}
# The name `storage.records` gives each record in the book's history, so "Deleted ..." and "Undone: ...
# deleted" name it the same way.
HISTORY_NAMES = {"interactions": "note", "surveys": "survey", "tasks": "task"}


def _changed(app: "CstuiApp", what: str) -> None:
    app.say(what)
    app.book_changed()


def open_record(app: "CstuiApp", ref: RowRef) -> None:
    """The whole record in a scrollable modal."""
    db = app.book
    if ref.table == "interactions":
        n = notes.get_note(db, ref.record_id)
        fields: list[tuple[str, object]] = [
            ("Date", n.occurred_on),
            ("Kind", n.kind),
            ("Contact", n.contact_name or n.contact_email),
            ("Summary", n.summary),
            ("Your read", n.sentiment),
            ("Follow-up by", n.follow_up_on),
            ("Notes", "\n" + (n.notes or "-")),
        ]
        title = f"Note {n.id}"
    elif ref.table == "surveys":
        s = surveys.get_survey(db, ref.record_id)
        fields = [
            ("Kind", s.kind.upper()),
            ("Score", s.score),
            ("Date", s.responded_on),
            ("Contact", s.contact_email),
            ("Comment", s.comment),
        ]
        title = f"Survey response {s.id}"
    elif ref.table == "tasks":
        t = tasks.get_task(db, ref.record_id)
        fields = [("Title", t.title), ("Due", t.due_on), ("Created", t.created_on), ("Done", t.done_on)]
        title = f"Follow-up {t.id}"
    elif ref.table == "contacts":
        c = accounts.get_contact(db, ref.record_id)
        fields = [
            ("Name", c.name),
            ("Email", c.email),
            ("Role", c.role),
            ("Phone", c.phone),
            ("Champion", "yes" if c.is_champion else "no"),
            ("Left on", c.left_on),
        ]
        title = f"Contact {c.id}"
    else:  # tickets and invoices come from imports: shown whole, not edited here
        fields = [("Entry", ref.text)]
        title = f"{ref.table[:-1].capitalize()} {ref.record_id}"

    def then(edit: bool | None) -> None:
        if edit:
            edit_record(app, ref)

    app.push_screen(RecordScreen(title, fields, editable=ref.table in EDITABLE), then)


def edit_record(app: "CstuiApp", ref: RowRef) -> None:
    """The form the record was created with, filled in; saving writes only the changed fields."""
    db = app.book
    today = app.as_of

    def done(saved: bool | None) -> None:
        if saved:
            _changed(app, f"Saved {RECORD_NAMES.get(ref.table, ref.table)} {ref.record_id}")

    if ref.table == "interactions":
        from cstui.tui.screens.feedback import open_note_editor

        open_note_editor(app, notes.get_note(db, ref.record_id), done)
    elif ref.table == "surveys":
        from cstui.tui.screens.survey import SurveyScreen

        app.push_screen(SurveyScreen("", today.isoformat(), existing=surveys.get_survey(db, ref.record_id)), done)
    elif ref.table == "tasks":
        task = tasks.get_task(db, ref.record_id)

        def save_task(values: dict[str, str]) -> object:
            if not values:
                return True
            fields = tasks.TaskFields(values.get("title"), values.get("due_on"))
            return app.write(tasks.edit_task, task.id, fields, app.as_of)

        app.push_screen(RecordForm(f"Edit follow-up {task.id}", task_fields(task), save_task), done)
    elif ref.table == "contacts":
        contact = accounts.get_contact(db, ref.record_id)

        def save_contact(values: dict[str, str]) -> object:
            if not values:
                return True
            return app.write(accounts.edit_contact, contact.id, contact_input(values))

        app.push_screen(RecordForm(f"Edit contact {contact.id}", contact_fields(contact), save_contact), done)
    else:
        app.say(f"{ref.table.capitalize()} come from imports; change them in the source and import again.")


def delete_record(app: "CstuiApp", ref: RowRef) -> None:
    """Ask first; then delete through `records` (undo with ctrl+z)."""
    deleters = {
        "interactions": notes.delete_note,
        "surveys": surveys.delete_survey,
        "tasks": tasks.delete_task,
    }
    delete = deleters.get(ref.table)
    if delete is None:
        what = "Contacts are not deleted: set 'Left on' instead (e)" if ref.table == "contacts" else None
        app.say(what or f"{ref.table.capitalize()} come from imports and are not deleted here.")
        return

    def answer(yes: bool | None) -> None:
        if yes and app.write(delete, ref.record_id) is not None:
            _changed(app, f"Deleted {HISTORY_NAMES[ref.table]} {ref.record_id} (ctrl+z undoes)")

    app.push_screen(
        ConfirmScreen(f"Delete this {RECORD_NAMES[ref.table]}? {visible(ref.text, one_line=True)[:60]}"), answer
    )


def edit_account(app: "CstuiApp", key: str) -> None:
    """Name, segment, plan, seats, renewal date, churn date and reason of an account."""
    account = accounts.get_account(app.book, key)

    def save(values: dict[str, str]) -> object:
        if not values:
            return True
        return app.write(accounts.edit_account, key, account_input(values), app.as_of)

    def done(saved: bool | None) -> None:
        if saved:
            _changed(app, f"Saved account {key}")

    title = f"Edit account {key}"
    app.push_screen(RecordForm(title, account_fields(account, app.as_of.isoformat()), save), done)


def add_account(app: "CstuiApp") -> None:
    """A new account by hand: key, name, segment, plan, seats, start and renewal dates."""
    today = app.as_of

    def save(values: dict[str, str]) -> object:
        key = values.get("key", "")
        return app.write(accounts.add_account, key, account_input(values), today)

    def done(saved: bool | None) -> None:
        if saved:
            _changed(app, "Account added")

    app.push_screen(RecordForm("Add an account", account_fields(None, today.isoformat()), save), done)
