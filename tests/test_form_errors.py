"""A field's error clears as soon as its value is valid, and never hides the value (issue 13, item 4):
the survey form and the CSV mapping form, as the feedback form (tests/test_readability.py)."""

from datetime import date

from textual.widgets import Input, Select, Static

from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.mapping import MappingScreen
from cstui.tui.screens.survey import SurveyScreen
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle


def shown(form, error_id: str) -> str | None:
    """The text of an error line, or None while it is hidden."""
    error = form.query_one(f"#{error_id}", Static)
    return str(error.render()) if error.has_class("shown") else None


def value_visible(field: Input) -> bool:
    """The field is on screen and its line shows its value (the end of it, when longer than the field)."""
    shown = str(field.render_line(0).text).strip()
    return field.size.height >= 1 and len(shown) >= min(len(field.value), 20) and shown in field.value


async def test_survey_form_a_failed_save_then_a_fix_clears_each_error(demo_path, demo):
    before = demo.execute("SELECT count(*) FROM surveys").fetchone()[0]
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, SurveyScreen)
        score, contact = form.query_one("#survey-score", Input), form.query_one("#survey-contact", Input)
        await press(pilot, "1", "2")
        contact.value = "ana at acme"
        await press(pilot, "ctrl+s")
        assert app.screen is form  # nothing saved
        assert shown(form, "survey-score-error") == "'12' is not a whole number from 0 to 10"
        assert (
            shown(form, "survey-contact-error") == "'ana at acme' is not an email address (expected name@example.com)"
        )
        assert score.has_class("invalid") and contact.has_class("invalid")
        assert value_visible(score) and value_visible(contact)
        assert app.focused is score  # the first field with an error
        await press(pilot, "backspace")  # "1": valid, its error goes at once
        assert shown(form, "survey-score-error") is None and not score.has_class("invalid")
        assert shown(form, "survey-contact-error") is not None  # the other error stays until it is fixed
        form.query_one("#survey-kind", Select).value = "ces"  # 1 is on the CES scale too: still valid
        await settle(pilot)
        assert shown(form, "survey-score-error") is None
        contact.value = "ana@acme.example"
        await settle(pilot)
        assert shown(form, "survey-contact-error") is None and not contact.has_class("invalid")
        assert form.region.right <= 80
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    assert demo.execute("SELECT count(*) FROM surveys").fetchone()[0] == before + 1


async def test_survey_form_a_kind_with_another_scale_rechecks_a_marked_score(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        form.query_one("#survey-kind", Select).value = "csat"
        await press(pilot, "9", "ctrl+s")
        assert shown(form, "survey-score-error") == "'9' is not a whole number from 1 to 5"
        form.query_one("#survey-kind", Select).value = "nps"  # 9 of 10 is fine
        await settle(pilot)
        assert shown(form, "survey-score-error") is None


async def test_mapping_form_a_missing_file_then_a_real_one_clears_the_error(demo_path, tmp_path):
    real = tmp_path / "export.csv"
    real.write_text("key,name\nACC-1,One\n")
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(MappingScreen())
        await settle(pilot)
        form = app.screen
        field = form.query_one("#mapping-file", Input)
        typed = str(tmp_path / "export.cs")
        await press(pilot, *typed, "enter")
        assert shown(form, "mapping-file-error") == f"{typed}: no such file or directory"
        assert field.has_class("invalid") and field.display and value_visible(field)
        await press(pilot, "v")  # now it names the file: the error goes before enter
        assert shown(form, "mapping-file-error") is None and not field.has_class("invalid")
        await press(pilot, "enter")
        assert form.path == real and not field.display


async def test_survey_form_checks_and_saves_against_the_day_the_app_was_opened_as(demo_path, demo):
    """An app opened `--as-of` a day far from any machine's clock: a response dated that day is saved (the
    save used the machine's date before, and refused it as "after today"), the next day is refused."""
    as_of = date(2150, 1, 10)
    app = CstuiApp(demo_path, as_of=as_of, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, SurveyScreen)
        await press(pilot, "9")
        form.query_one("#survey-date", Input).value = "2150-01-11"
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert shown(form, "survey-date-error") == (
            "2150-01-11 is after today (2150-01-10): only what has happened is logged"
        )
        form.query_one("#survey-date", Input).value = "2150-01-10"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    saved = demo.execute("SELECT score FROM surveys WHERE responded_on = '2150-01-10' AND account_id = 1").fetchall()
    assert saved == [(9,)]
