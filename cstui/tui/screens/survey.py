"""Survey entry for a response that arrived outside a call (NPS, CSAT or CES with a comment).

The score, date and contact are checked with the rules `storage.records.surveys.add_survey` and
`edit_survey` apply (those of `cstui survey add`); each mistake is named under its field and
clears as soon as the value is fixed. What only the write can find is named under the form.
"""

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from cstui.errors import FieldError, UserError
from cstui.safe_text import ONE_LINE_LIMIT, visible
from cstui.storage import checkin_writes, reads
from cstui.storage.records.checks import account_id, check_date, check_email
from cstui.storage.records.surveys import SurveyFields, SurveyResponse, add_survey, check_score, edit_survey
from cstui.tui.screens.checkin import worked_fingerprint
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.widgets.field_errors import FieldErrors

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

KINDS = [("NPS (0-10)", "nps"), ("CSAT (1-5)", "csat"), ("CES (1-7)", "ces")]
CHECKED = ("score", "date", "contact")  # the fields with an error line under them


def survey_errors(values: dict[str, str], today: date) -> dict[str, str]:
    """Per field, why its value cannot be saved: the checks the survey writes make, field by field."""
    checks: dict[str, Callable[[], Any]] = {
        "score": lambda: check_score(values["kind"], values["score"]),
        "date": lambda: check_date("date", values["date"], not_after=today),
        "contact": lambda: check_email("contact email", values["contact"]),
    }
    errors = {}
    for name, check in checks.items():
        try:
            check()
        except FieldError as error:  # every check above names its field
            errors[name] = error.reason
    return errors


class SurveyScreen(ModalScreen[bool]):
    """Add a response, or with `existing` (`e` on the account screen) edit it through `surveys.edit_survey`."""

    if TYPE_CHECKING:  # the running cstui app, typed
        app = getters.app(CstuiApp)

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True), Binding("escape", "cancel", "Cancel")]

    def __init__(self, account_key: str, today: str, existing: SurveyResponse | None = None) -> None:
        super().__init__()
        self.existing = existing
        self.account_key = existing.account_key if existing else account_key
        self.today = today
        self.initial: dict[str, str] = {}
        self.field_errors = FieldErrors(self, {name: (f"survey-{name}", f"survey-{name}-error") for name in CHECKED})

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
                        if widget.id in {f"survey-{name}" for name in CHECKED}:
                            yield Static("", id=f"{widget.id}-error", classes="error", markup=False)
            yield Static("", id="survey-error", classes="error", markup=False)
            yield Static("tab next field  ·  ctrl+s save  ·  escape cancel", classes="hint")

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
        fields = SurveyFields(
            kind=changed.get("kind"),
            score=changed.get("score"),
            responded_on=changed.get("date"),
            comment=changed.get("comment"),
            contact_email=changed.get("contact"),
        )
        return self.app.write(edit_survey, survey_id, fields, self.app.as_of)

    def checked_today(self) -> date:
        """The day a response may not be after: the app's date (`--as-of`, else the day it opened), which
        the save is given too, for a new response and an edit alike."""
        return self.app.as_of

    def on_input_changed(self, event: Input.Changed) -> None:
        """A field's error goes as soon as its value is valid (checked again only while one is shown)."""
        self.field_errors.recheck(event.input, lambda: survey_errors(self.values(), self.checked_today()))

    def on_select_changed(self, event: Select.Changed) -> None:
        """Another kind has another scale: a score marked wrong is checked again on it."""
        self.field_errors.recheck(
            self.query_one("#survey-score", Input), lambda: survey_errors(self.values(), self.checked_today())
        )

    def action_save(self) -> None:
        value = self.values()
        errors = survey_errors(value, self.checked_today())
        self.field_errors.show(errors)
        self.show_error(None)
        if (first := self.field_errors.first(errors)) is not None:
            first.focus()
            return
        new = SurveyFields(value["kind"], value["score"], value["date"], value["comment"], value["contact"])
        try:
            if self.existing is not None:
                saved = self.write_edit(self.existing.id)
            elif (
                fingerprint := worked_fingerprint(self.app, account := account_id(self.app.book, self.account_key))
            ) is not None:
                saved = self.app.write(  # on an account in today's check-in: it is worked (issue 25)
                    checkin_writes.survey_reviewed,
                    self.account_key,
                    new,
                    self.app.as_of,
                    account,
                    fingerprint,
                )
            else:
                saved = self.app.write(
                    add_survey,
                    self.account_key,
                    new,
                    self.app.as_of,
                )
        except UserError as error:
            self.show_error(error)
            return
        if saved is not None:
            self.dismiss(True)

    def show_error(self, error: UserError | None) -> None:
        """A mistake only the write found, under the form (None clears it)."""
        message = self.query_one("#survey-error", Static)
        message.update("" if error is None else str(error))
        message.set_class(error is not None, "shown")

    def action_cancel(self) -> None:
        """Close; when something was typed, ask first (as the feedback form does)."""
        if self.values() == self.initial:
            self.dismiss(False)
            return

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(ConfirmScreen("Discard what you typed?"), answer)


def open_survey(app: "CstuiApp", account_id: int) -> None:
    key = reads.account(app.book.conn, account_id).key

    def saved(done: bool | None) -> None:
        if done:
            app.say("Survey response saved")
            app.book_changed()

    app.push_screen(SurveyScreen(key, app.as_of.isoformat()), saved)
