"""A CSM's morning through the pilot: review, snooze, log a call, complete a follow-up, come back."""

from datetime import timedelta

from textual.widgets import Input, TextArea

from cstui.tui.app import CstuiApp
from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.screens.snooze import SnoozeScreen
from tests.conftest import DEMO_DATE, dump
from tests.tui_helpers import press, settle

SIZE = (140, 45)
TODAY = DEMO_DATE.isoformat()


def progress(app) -> str:
    return str(app.screen.query_one("#checkin-progress").render())


def select(screen: CheckinScreen, rule: str):
    index = next(
        i for i, item in enumerate(screen.items) if item.status == "open" and any(r.rule == rule for r in item.reasons)
    )
    screen.table.move_cursor(row=index)
    return screen.items[index]


async def test_a_whole_morning(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        total = len(screen.items)
        assert total >= 10
        assert progress(app).startswith(f"Check-in {TODAY}: 0 of {total} reviewed")
        bands = [item.band for item in screen.items]
        assert bands == sorted(bands, key=["red", "yellow", "no data", "green"].index)  # most urgent first

        # Review the first account: j/k move, r marks it, the cursor goes on to the next open one.
        await press(pilot, "j", "k")
        first = screen.current
        await press(pilot, "r")
        assert demo.execute(
            "SELECT action FROM checkin_state WHERE account_id = ? AND day = ?", [first.account_id, TODAY]
        ).fetchone() == ("reviewed",)
        assert progress(app).startswith(f"Check-in {TODAY}: 1 of {total} reviewed")
        assert screen.current.account_id != first.account_id

        # Snooze the next one for a week.
        snoozed = screen.current
        await press(pilot, "s")
        assert isinstance(app.screen, SnoozeScreen)
        await press(pilot, "w")
        week = (DEMO_DATE + timedelta(days=7)).isoformat()
        assert demo.execute(
            "SELECT snoozed_until FROM checkin_state WHERE account_id = ?", [snoozed.account_id]
        ).fetchone() == (week,)
        assert "1 snoozed" in progress(app)

        # Log a call with an unhappy customer: NPS 4 and a follow-up.
        target = select(screen, "unresolved_detractor")
        await settle(pilot)
        await press(pilot, "f")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press(*"Escalation call")
        await pilot.press("tab", *"Worried about the outage")
        await pilot.press("tab", "minus", "1", "tab", "4", "tab", "tab", "tab")
        await pilot.press(*"Send the incident report", "tab", *"2026-11-27")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CheckinScreen)
        call = demo.execute(
            "SELECT id, kind, summary, notes, sentiment FROM interactions WHERE account_id = ? "
            "AND occurred_on = ? ORDER BY id DESC",
            [target.account_id, TODAY],
        ).fetchone()
        assert call[1:] == ("call", "Escalation call", "Worried about the outage", -1)
        assert demo.execute(
            "SELECT kind, score, interaction_id FROM surveys WHERE account_id = ? AND responded_on = ?",
            [target.account_id, TODAY],
        ).fetchall() == [("nps", 4, call[0])]
        assert demo.execute(
            "SELECT title, due_on, done_on FROM tasks WHERE interaction_id = ?", [call[0]]
        ).fetchall() == [("Send the incident report", "2026-11-27", None)]
        after = next(i for i in screen.items if i.account_id == target.account_id)
        assert "unresolved_detractor" not in {r.rule for r in after.reasons}

        # Complete an overdue follow-up with x.
        due = select(screen, "follow_up_due")
        await settle(pilot)
        open_before = demo.execute(
            "SELECT count(*) FROM tasks WHERE account_id = ? AND done_on IS NULL", [due.account_id]
        ).fetchone()[0]
        await press(pilot, "x")
        assert (
            demo.execute(
                "SELECT count(*) FROM tasks WHERE account_id = ? AND done_on IS NULL", [due.account_id]
            ).fetchone()[0]
            == open_before - 1
        )
        assert (
            demo.execute(
                "SELECT count(*) FROM tasks WHERE account_id = ? AND done_on = ?", [due.account_id, TODAY]
            ).fetchone()[0]
            == 1
        )

    # Closing and reopening the app the same day resumes where the CSM was.
    again = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with again.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        assert f"1 of {len(again.screen.items)} reviewed, 1 snoozed" in progress(again)
        status = {item.account_id: item.status for item in again.screen.items}
        assert status[first.account_id] == "reviewed" and status[snoozed.account_id] == "snoozed"

    # Tomorrow builds a new queue; the snoozed account stays away for its week.
    tomorrow = CstuiApp(demo_path, as_of=DEMO_DATE + timedelta(days=1))
    async with tomorrow.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        items = tomorrow.screen.items
        assert progress(tomorrow).startswith(f"Check-in {DEMO_DATE + timedelta(days=1)}: 0 of {len(items)} reviewed")
        assert snoozed.account_id not in {item.account_id for item in items}


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
        await press(pilot, "c", "f")
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
        assert "'12' is not a whole number from 0 to 10" in str(app.screen.query_one("#survey-error").render())
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
