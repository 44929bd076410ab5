"""A CSM's morning on the demo book through the pilot: a queue the size of a morning, each action
removes its account and can be undone with the cursor kept, and tomorrow brings back only what changed."""

import json
from datetime import timedelta
from functools import partial

from cstui.derived.health_cache import current_scores
from cstui.metrics.checkin import checkin_queue
from cstui.tui.app import CstuiApp
from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.screens.snooze import SnoozeScreen
from tests.checkin_tui_helpers import SIZE, TODAY, select, shown, state
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle

TOMORROW = (DEMO_DATE + timedelta(days=1)).isoformat()


async def test_the_queue_holds_a_morning_and_says_how_many_more_wait(demo_path, demo):
    everyone = checkin_queue(demo.conn, DEMO_DATE, partial(current_scores, demo.conn))
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        assert len(screen.items) == 12  # the default capacity
        waiting = len(everyone.waiting)
        assert waiting > 0
        more = f"{waiting} more waiting, the oldest for 0 working days"  # no review in the book yet
        assert str(screen.query_one("#checkin-waiting").render()) == f"{more} (m shows them)"
        stakes = [item.stake for item in screen.items]
        assert stakes == sorted(stakes, reverse=True)  # the most at stake first
        assert min(stakes) >= max(item.stake for item in everyone.waiting)
        await press(pilot, "m")
        assert len(screen.items) == 12 + waiting
        assert str(screen.query_one("#checkin-waiting").render()) == f"{more} (shown above; m hides them)"


async def test_a_smaller_capacity_is_a_setting_of_the_book(demo_path, demo):
    with demo.conn:
        demo.execute("UPDATE health_config SET value = 3 WHERE name = 'checkin.capacity'")
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        assert len(app.screen.items) == 3
        assert "(capacity 3 a day)" in str(app.screen.query_one("#checkin-progress").render())


async def test_review_removes_the_account_and_undo_restores_queue_and_cursor(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        before = shown(screen)
        await press(pilot, "j", "j")
        reviewed = screen.current
        await press(pilot, "r")
        assert reviewed.account_id not in shown(screen)
        assert screen.table.cursor_row == 2  # the cursor stays on its row: the next account moved up
        assert state(demo, reviewed.account_id) == ("reviewed", reviewed.fingerprint)
        assert json.loads(reviewed.fingerprint)  # the reasons it saw, with their severities
        assert str(screen.query_one("#checkin-progress").render()).startswith(f"Check-in {TODAY}: 1 of 12 reviewed")

        await press(pilot, "k", "u")
        assert shown(screen) == before
        assert screen.current.account_id == reviewed.account_id
        assert state(demo, reviewed.account_id) is None

        # Snooze: the dialog names the account; ctrl+z undoes it too.
        snoozed = screen.current
        await press(pilot, "s")
        assert isinstance(app.screen, SnoozeScreen)
        title = str(app.screen.query_one("#snooze-title").render())
        assert title == f"Snooze {snoozed.key} {snoozed.name} until when?"
        await press(pilot, "w")
        assert snoozed.account_id not in shown(screen)
        assert state(demo, snoozed.account_id)[0] == "snoozed"
        await press(pilot, "ctrl+z")
        assert shown(screen) == before and screen.current.account_id == snoozed.account_id


async def test_feedback_and_a_completed_follow_up_each_review_the_account_and_undo_as_one(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen

        target = await select(pilot, screen, "unresolved_detractor")
        row = screen.table.cursor_row
        listed = shown(screen)
        await press(pilot, "f")
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press(*"Escalation call")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert target.account_id not in shown(screen)
        assert state(demo, target.account_id) == ("reviewed", target.fingerprint)
        call = demo.execute(
            "SELECT count(*) FROM interactions WHERE account_id = ? AND summary = 'Escalation call'",
            [target.account_id],
        ).fetchone()
        assert call == (1,)
        await press(pilot, "u")  # one undo takes back the call and the review
        assert shown(screen) == listed and screen.table.cursor_row == row
        assert demo.execute(
            "SELECT count(*) FROM interactions WHERE account_id = ? AND summary = 'Escalation call'",
            [target.account_id],
        ).fetchone() == (0,)
        assert state(demo, target.account_id) is None

        # x on a row: the account's most pressing follow-up done, and the account reviewed
        with_task = {t.account_id for t in screen.queue.due_today}
        if not any(item.account_id in with_task for item in screen.items):
            await press(pilot, "m")
        index = next(i for i, item in enumerate(screen.items) if item.account_id in with_task)
        screen.table.move_cursor(row=index)
        await settle(pilot)
        due = screen.current
        assert all(r.rule != "follow_up_due" for r in due.reasons)  # a reminder, not a reason (issue 25)
        open_before = demo.execute(
            "SELECT count(*) FROM tasks WHERE account_id = ? AND done_on IS NULL", [due.account_id]
        ).fetchone()[0]
        await press(pilot, "x")
        assert due.account_id not in shown(screen)
        assert state(demo, due.account_id)[0] == "reviewed"
        assert demo.execute(
            "SELECT count(*) FROM tasks WHERE account_id = ? AND done_on IS NULL", [due.account_id]
        ).fetchone()[0] == (open_before - 1)
        await press(pilot, "u")
        assert due.account_id in shown(screen) and screen.current.account_id == due.account_id
        assert (
            demo.execute(
                "SELECT count(*) FROM tasks WHERE account_id = ? AND done_on IS NULL", [due.account_id]
            ).fetchone()[0]
            == open_before
        )


async def test_the_due_today_part_lists_the_reminders_and_x_completes_one(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        due = screen.queue.due_today
        assert due and all(task.due_on <= TODAY for task in due)
        assert screen.due_table.row_count == len(due)
        first = due[0]
        screen.due_table.focus()
        await settle(pilot)
        await press(pilot, "x")
        assert demo.execute("SELECT done_on FROM tasks WHERE id = ?", [first.task_id]).fetchone() == (TODAY,)
        assert state(demo, first.account_id) is None  # a reminder done does not review the account
        assert first.task_id not in {t.task_id for t in screen.queue.due_today}
        await press(pilot, "u")
        assert demo.execute("SELECT done_on FROM tasks WHERE id = ?", [first.task_id]).fetchone() == (None,)
        assert first.task_id in {t.task_id for t in screen.queue.due_today}


async def test_tomorrow_only_a_reviewed_account_with_a_new_reason_returns(demo_path, demo, cli):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        quiet, changed = screen.items[0], screen.items[1]
        await press(pilot, "r", "r")
        assert quiet.account_id not in shown(screen) and changed.account_id not in shown(screen)

    # Overnight an urgent ticket opens at one of them.
    with demo.conn:
        demo.execute(
            "INSERT INTO tickets (account_id, opened_on, channel, severity, subject) VALUES (?, ?, 'assisted',"
            " 'urgent', 'Outage')",
            [changed.account_id, TOMORROW],
        )
    result = cli("checkin", "--as-of", TOMORROW, "--json", "--all", "--db", str(demo_path))
    assert result.code == 0, result.err
    queue = json.loads(result.out)
    accounts = {row["account"]: row for row in queue["queue"]}
    assert quiet.key not in accounts  # nothing new or worse: it stays away
    back = accounts[changed.key]
    # the ticket is new (or, with one open already, a worse count), and marked so
    assert "urgent_ticket" in [r["rule"] for r in back["reasons"] if r["new"]]


async def test_the_snooze_dialog_names_a_hostile_account_literally(book_path):
    from tests.bookmaker import BookMaker, new_book

    BookMaker(new_book(book_path)).account("[b]K[/b]", "2024-01-01", name="Evil\x1b[2J")
    app = CstuiApp(book_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c", "s")
        assert isinstance(app.screen, SnoozeScreen)
        assert str(app.screen.query_one("#snooze-title").render()) == "Snooze [b]K[/b] Evil\\x1b[2J until when?"


async def test_an_undo_the_book_refuses_is_said_and_changes_nothing(demo_path, demo):
    from tests.tui_helpers import record_notifications

    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await press(pilot, "c", "u")
        assert notes[-1][0] == "Nothing to undo on this screen"
        screen = app.screen
        reviewed = screen.current
        await press(pilot, "r")
        with demo.conn:  # the review is changed outside cstui since
            demo.execute("UPDATE checkin_state SET fingerprint = '{}' WHERE account_id = ?", [reviewed.account_id])
        await press(pilot, "u")
        message, options = notes[-1]
        assert "was changed since" in message and options["severity"] == "error"
        assert reviewed.account_id not in shown(screen) and app.is_running
        assert state(demo, reviewed.account_id) == ("reviewed", "{}")


async def test_a_handled_account_leaves_the_list_at_once_so_a_quick_second_key_acts_on_the_next(
    demo_path, demo, monkeypatch
):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        first, second = screen.items[0], screen.items[1]
        monkeypatch.setattr(screen, "reload", lambda: None)  # the reload after each write has not arrived yet
        await pilot.press("r", "r")
        assert state(demo, first.account_id)[0] == "reviewed" and state(demo, second.account_id)[0] == "reviewed"
        assert first.account_id not in shown(screen) and second.account_id not in shown(screen)
        assert screen.table.row_count == len(screen.items) and screen.table.cursor_row == 0
