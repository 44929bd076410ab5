"""The feedback form and survey entry through the pilot (the check-in morning: tests/test_checkin_morning.py)."""

from textual.widgets import Input, TextArea

from cstui.tui.app import CstuiApp
from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.screens.feedback import FeedbackScreen
from tests.conftest import DEMO_DATE, dump
from tests.tui_helpers import press, settle

SIZE = (140, 45)
TODAY = DEMO_DATE.isoformat()


async def fill(pilot, screen: FeedbackScreen, **values: str) -> None:
    for name, value in values.items():
        if name == "notes":
            screen.query_one("#notes", TextArea).text = value
            continue
        field = screen.query_one(f"#{name}", Input)
        field.focus()
        field.value = ""
        await pilot.press(*value) if value else None


async def test_invalid_feedback_is_shown_inline_and_nothing_is_saved(demo_path):
    before = dump(demo_path)
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")  # the queue loaded first: `f` acts on its first row
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        await fill(
            pilot,
            form,
            summary="Call",
            nps="11",
            csat="0",
            ces="x",
            sentiment="abc",
            date="24/11/2026",
            follow_up_on="2026-02-30",
        )
        await press(pilot, "ctrl+s")
        assert app.screen is form
        errors = {
            name: str(form.query_one(f"#{name}-error").render())
            for name in ("nps", "csat", "ces", "sentiment", "date", "follow_up_on")
        }
        assert errors == {
            "nps": "'11' is not a whole number from 0 to 10",
            "csat": "'0' is not a whole number from 1 to 5",
            "ces": "'x' is not a whole number from 1 to 7",
            "sentiment": "'abc' is not a whole number from -2 to 2",
            "date": "'24/11/2026' is not a date (expected YYYY-MM-DD)",
            "follow_up_on": "'2026-02-30' is not a real calendar date",
        }
        assert form.query_one("#follow_up_title-error").has_class("shown")
        assert form.query_one("#nps", Input).has_class("invalid")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert app.screen is form
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, CheckinScreen)
    assert dump(demo_path) == before


async def test_survey_entry_outside_a_call(demo_path, demo):
    from cstui.tui.screens.account import AccountScreen
    from cstui.tui.screens.survey import SurveyScreen

    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press("1", "2")
        await press(pilot, "ctrl+s")
        assert "'12' is not a whole number from 0 to 10" in str(app.screen.query_one("#survey-score-error").render())
        await pilot.press("backspace", "backspace", "9")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
        assert any(
            r[1] == "NPS" and r[2] == "9"
            for r in [
                [str(getattr(c, "plain", c)) for c in app.screen.query_one("#timeline").get_row_at(i)] for i in range(3)
            ]
        )
    assert demo.execute(
        "SELECT kind, score FROM surveys WHERE account_id = 1 AND responded_on = ? AND interaction_id IS NULL",
        [DEMO_DATE.isoformat()],
    ).fetchall() == [("nps", 9)]
