"""One record, whole: a scrollable view of a row, and the small forms for tasks, contacts and accounts.

The view never cuts a note off (the tables do). The forms take the user's raw text per field and
write through `storage.records` (its `accounts` and `tasks` modules), which checks every field and
records the change in the history; a refused value is shown under the form and nothing is saved.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.records.accounts import Account, AccountFields, Contact, ContactFields
from cstui.storage.records.tasks import Task


class RecordScreen(ModalScreen[bool]):
    """A record's fields, each in full (book text as text), scrollable; escape or enter closes,
    `e` closes asking for the edit form (dismissed with True)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss(False)", "Close"), Binding("e", "edit", "Edit")]
    DEFAULT_CSS = """
    #record-body { height: auto; max-height: 20; }
    """

    def __init__(self, title: str, fields: list[tuple[str, object]], editable: bool = True) -> None:
        """`editable=False` (a ticket or invoice, which come from imports): no `e`, and the hint says why."""
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.editable = editable

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.editable if action == "edit" else True

    def action_edit(self) -> None:
        self.dismiss(True)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record-box", classes="modal"):
            yield Static(Text(visible(self.title_text, one_line=True)), classes="box-title")
            body = Text()
            for label, value in self.fields:
                body.append(f"{label}: ", style="bold")
                body.append(Text(visible("-" if value is None or value == "" else value)))
                body.append("\n")
            yield Static(body, id="record-body")
            hint = "e edit  ·  escape close" if self.editable else "escape close  ·  imported: change it in the source"
            yield Static(hint, classes="hint")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""


class RecordForm(ModalScreen[bool]):
    """A column of labelled inputs; `save(values)` writes (raising UserError to refuse), True when saved.

    Only the fields the user changed are passed to `save`, so an edit touches what was edited.
    """

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, fields: list[FormField], save: Callable[[dict[str, str]], object]) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.save = save

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="record-form", classes="modal"):
            yield Static(Text(visible(self.title_text, one_line=True)), classes="box-title")
            for i, f in enumerate(self.fields):
                with Horizontal(classes="field"):
                    yield Static(f.label, classes="field-label", markup=False)
                    yield Input(
                        f.value, placeholder=f.placeholder, id=f"form-{f.name}", compact=True, select_on_focus=i > 0
                    )
            yield Static("", id="form-error", classes="error", markup=False)
            yield Static("tab next field  ·  ctrl+s save  ·  escape cancel", classes="hint")

    def on_mount(self) -> None:
        """The cursor starts in the first field (its text not selected): typing there edits it, and the
        first `tab` goes to the second field instead of selecting the whole first one."""
        self.query(Input).first().focus()

    def changed(self) -> dict[str, str]:
        values = {f.name: self.query_one(f"#form-{f.name}", Input).value for f in self.fields}
        return {f.name: values[f.name] for f in self.fields if values[f.name].strip() != f.value.strip()}

    def action_save(self) -> None:
        try:
            saved = self.save(self.changed())
        except UserError as error:
            message = self.query_one("#form-error", Static)
            message.update(str(error))
            message.add_class("shown")
            return
        if saved is not None:
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def task_fields(task: Task) -> list[FormField]:
    return [FormField("title", "Title", task.title), FormField("due_on", "Due", task.due_on, "YYYY-MM-DD")]


def contact_fields(contact: Contact | None) -> list[FormField]:
    c = contact
    return [
        FormField("name", "Name", c.name if c else ""),
        FormField("email", "Email", (c.email or "") if c else ""),
        FormField("role", "Role", (c.role or "") if c else ""),
        FormField("phone", "Phone", (c.phone or "") if c else ""),
        FormField("champion", "Champion", ("y" if c.is_champion else "n") if c else "n", "y or n"),
        FormField("left_on", "Left on", (c.left_on or "") if c else "", "YYYY-MM-DD, when they left"),
    ]


def contact_input(values: dict[str, str]) -> ContactFields:
    """The typed contact fields; champion is y/n (yes/no)."""
    champion = values.get("champion")
    flag = None
    if champion is not None:
        answer = champion.strip().lower()
        if answer not in ("y", "yes", "n", "no"):
            raise UserError(f"champion: '{champion.strip()}' is not y or n")
        flag = answer in ("y", "yes")
    return ContactFields(
        name=values.get("name"),
        email=values.get("email"),
        role=values.get("role"),
        phone=values.get("phone"),
        champion=flag,
        left_on=values.get("left_on"),
    )


def account_fields(account: Account | None, today: str) -> list[FormField]:
    """New account: key, name, segment, plan, seats, start, renewal. Edit: no key or start, plus churn."""
    a = account
    fields = [] if a else [FormField("key", "Key", "", "a unique id, e.g. ACC-2001")]
    fields += [
        FormField("name", "Name", a.name if a else ""),
        FormField("segment", "Segment", (a.segment or "") if a else ""),
        FormField("plan", "Plan", (a.plan or "") if a else ""),
        FormField("seats", "Seats", "" if a is None or a.seats is None else str(a.seats)),
    ]
    if a is None:
        fields.append(FormField("start_date", "Start", today, "YYYY-MM-DD"))
    fields.append(FormField("renewal_date", "Renewal", (a.renewal_date or "") if a else "", "YYYY-MM-DD"))
    fields.append(FormField("mrr", "MRR", "", "monthly revenue" if a is None else "new MRR (empty: unchanged)"))
    fields.append(
        FormField("mrr_from", "MRR from", "", "YYYY-MM-DD (default: " + ("start)" if a is None else "today)"))
    )
    if a is not None:
        fields += [
            FormField("churn_date", "Churned on", a.churn_date or "", "YYYY-MM-DD"),
            FormField("churn_reason", "Churn reason", a.churn_reason or ""),
        ]
    return fields


def account_input(values: dict[str, str]) -> AccountFields:
    return AccountFields(**{k: v for k, v in values.items() if k != "key"})
