"""Survey entry for a response that arrived outside a call (NPS, CSAT or CES with a comment).

`storage.writes.add_survey` checks every value (the same rules as `cstui survey add`); a date
after today or not a date is named under the date field, other mistakes under the form.
"""

from typing import TYPE_CHECKING

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from cstui.errors import UserError
from cstui.safe_text import ONE_LINE_LIMIT, visible
from cstui.storage import reads, records, writes

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

KINDS = [("NPS (0-10)", "nps"), ("CSAT (1-5)", "csat"), ("CES (1-7)", "ces")]


class SurveyScreen(ModalScreen[bool]):
    """Add a response, or with `existing` (`e` on the account screen) edit it through `records.edit_survey`."""

    if TYPE_CHECKING:  # the running cstui app, typed
        app = getters.app(CstuiApp)

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, account_key: str, today: str, existing: records.SurveyResponse | None = None) -> None:
        super().__init__()
        self.existing = existing
        self.account_key = existing.account_key if existing else account_key
        self.today = today
        self.initial: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="survey-box", classes="modal"):
            was = self.existing
            heading = f"Edit survey response {was.id}" if was else "Survey response"
            yield Static(
                f"{heading}: {visible(self.account_key, one_line=True, limit=ONE_LINE_LIMIT)}",
                classes="box-title",
                markup=False,
            )
            for label, widget in (
                (
                    "Kind",
                    Select(KINDS, value=was.kind if was else "nps", allow_blank=False, id="survey-kind", compact=True),
                ),
                (
                    "Score",
                    Input(
                        str(was.score) if was else "",
                        id="survey-score",
                        placeholder="on the kind's scale",
                        compact=True,
                    ),
                ),
                ("Date", Input(was.responded_on if was else self.today, id="survey-date", compact=True)),
                ("Comment", Input((was.comment or "") if was else "", id="survey-comment", compact=True)),
                (
                    "Contact",
                    Input(
                        (was.contact_email or "") if was else "", id="survey-contact", placeholder="email", compact=True
                    ),
                ),
            ):
                with Horizontal(classes="field"):
                    yield Static(label, classes="field-label")
                    with Vertical(classes="field-input"):
                        yield widget
                        if widget.id == "survey-date":
                            yield Static("", id="survey-date-error", classes="error", markup=False)
            yield Static("", id="survey-error", classes="error", markup=False)
            yield Static("ctrl+s save  ·  escape cancel", classes="hint")

    def on_mount(self) -> None:
        self.initial = self.values()
        self.query_one("#survey-score", Input).focus()

    def values(self) -> dict[str, str]:
        value = {
            name: self.query_one(f"#survey-{name}", Input).value for name in ("score", "date", "comment", "contact")
        }
        value["kind"] = str(self.query_one("#survey-kind", Select).value)
        return value

    def write_edit(self, survey_id: int) -> object:
        """Write only what changed; nothing changed is a save that needs no write."""
        changed = {k: v for k, v in self.values().items() if v.strip() != self.initial.get(k, "").strip()}
        if not changed:
            return True
        fields = records.SurveyFields(
            kind=changed.get("kind"),
            score=changed.get("score"),
            responded_on=changed.get("date"),
            comment=changed.get("comment"),
            contact_email=changed.get("contact"),
        )
        return self.app.write(records.edit_survey, survey_id, fields, self.app.as_of)

    def action_save(self) -> None:
        value = self.values()
        try:
            if self.existing is not None:
                saved = self.write_edit(self.existing.id)
            else:
                saved = self.app.write(
                    writes.add_survey,
                    self.account_key,
                    value["kind"],
                    value["score"],
                    value["date"],
                    comment=value["comment"].strip() or None,
                    contact_email=value["contact"].strip() or None,
                )
        except UserError as error:
            self.show_error(error)
            return
        if saved is not None:
            self.dismiss(True)

    def show_error(self, error: UserError) -> None:
        """A date mistake under the date field, any other under the form; one shown at a time."""
        on_date = isinstance(error, writes.FieldError) and error.field_name == "date"
        for target, mine in (("#survey-date-error", on_date), ("#survey-error", not on_date)):
            message = self.query_one(target, Static)
            message.update(
                (error.reason if on_date and isinstance(error, writes.FieldError) else str(error)) if mine else ""
            )
            message.set_class(mine, "shown")

    def action_cancel(self) -> None:
        self.dismiss(False)


def open_survey(app: "CstuiApp", account_id: int) -> None:
    key = reads.account(app.book.conn, account_id).key

    def saved(done: bool | None) -> None:
        if done:
            app.notify("Survey response saved")
            app.book_changed()

    app.push_screen(SurveyScreen(key, app.as_of.isoformat()), saved)
