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
from cstui.storage import reads, writes

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

KINDS = [("NPS (0-10)", "nps"), ("CSAT (1-5)", "csat"), ("CES (1-7)", "ces")]


class SurveyScreen(ModalScreen[bool]):
    if TYPE_CHECKING:  # the running cstui app, typed
        app = getters.app(CstuiApp)

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, account_key: str, today: str) -> None:
        super().__init__()
        self.account_key = account_key
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="survey-box", classes="modal"):
            yield Static(
                f"Survey response: {visible(self.account_key, one_line=True, limit=ONE_LINE_LIMIT)}",
                classes="box-title",
                markup=False,
            )
            for label, widget in (
                ("Kind", Select(KINDS, value="nps", allow_blank=False, id="survey-kind", compact=True)),
                ("Score", Input(id="survey-score", placeholder="on the kind's scale", compact=True)),
                ("Date", Input(self.today, id="survey-date", compact=True)),
                ("Comment", Input(id="survey-comment", compact=True)),
                ("Contact", Input(id="survey-contact", placeholder="email", compact=True)),
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
        self.query_one("#survey-score", Input).focus()

    def action_save(self) -> None:
        value = {
            name: self.query_one(f"#survey-{name}", Input).value for name in ("score", "date", "comment", "contact")
        }
        try:
            saved = self.app.write(
                writes.add_survey,
                self.account_key,
                str(self.query_one("#survey-kind", Select).value),
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
