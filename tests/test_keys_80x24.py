"""Every key does what it says, at 80x24 (issue 27, "Keys and forms" and "80x24 and labels"; issue 28's
renewals screen): each test drives the app at 80x24 as a user would and checks the book or the screen."""

from datetime import date

from textual.widgets import DataTable, Input, Static, TextArea

from cstui.readmodels.renewals import Renewals, renewals
from cstui.storage.renewal_calls import calls, set_call
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.screens.help import HelpScreen
from cstui.tui.screens.record import RecordForm, RecordScreen
from cstui.tui.screens.renewal_call import RenewalCallScreen
from cstui.tui.screens.renewals import RenewalsScreen
from cstui.tui.screens.search import SearchScreen
from cstui.tui.screens.survey import SurveyScreen
from cstui.tui.widgets.account_table import AccountTable
from tests.bookmaker import BookMaker
from tests.conftest import DEMO_DATE
from tests.tui_helpers import cells, press, record_notifications, settle

SIZE = (80, 24)


def app_on(path) -> CstuiApp:
    return CstuiApp(path, as_of=DEMO_DATE, snapshot_on_open=False)


def account_id(db, key: str) -> int:
    return db.execute("SELECT id FROM accounts WHERE key = ?", [key]).fetchone()[0]


async def open_account(pilot, account: int) -> AccountScreen:
    await settle(pilot)
    pilot.app.push_screen(AccountScreen(account))
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccountScreen)
    return pilot.app.screen


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


# -- forms --------------------------------------------------------------------------------------


async def test_add_account_opens_in_the_key_field_and_tab_goes_to_the_name(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "n")
        form = app.screen
        assert isinstance(form, RecordForm)
        assert app.focused is form.query_one("#form-key", Input)
        assert "tab" in str(form.query_one(".hint", Static).render())
        await pilot.press(*"ACC-9001", "tab", *"Nine Thousand One", "ctrl+s")
        await settle(pilot)
    assert demo.execute("SELECT name FROM accounts WHERE key = 'ACC-9001'").fetchone() == ("Nine Thousand One",)


async def test_editing_a_follow_up_typing_goes_to_the_title_and_tab_to_the_due_date(demo_path, demo):
    task_id, account, title = demo.execute(
        "SELECT id, account_id, title FROM tasks WHERE done_on IS NULL ORDER BY id LIMIT 1"
    ).fetchone()
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        table = screen.query_one("#follow-ups", DataTable)
        table.focus()
        table.move_cursor(row=[r.record_id for r in screen.rows["follow-ups"]].index(task_id))
        await press(pilot, "e")
        assert isinstance(app.screen, RecordForm) and app.focused is app.screen.query_one("#form-title", Input)
        await pilot.press(*" (call back)", "tab", *"2026-12-30", "ctrl+s")
        await settle(pilot)
    assert demo.execute("SELECT title, due_on FROM tasks WHERE id = ?", [task_id]).fetchone() == (
        f"{title} (call back)",
        "2026-12-30",
    )


async def test_edit_account_opens_in_the_name_field(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, account_id(demo, "ACC-1031"))
        await press(pilot, "E")
        assert isinstance(app.screen, RecordForm) and app.focused is app.screen.query_one("#form-name", Input)


async def test_the_survey_form_asks_before_dropping_typed_text(demo_path, demo):
    before = demo.execute("SELECT count(*) FROM surveys").fetchone()
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, account_id(demo, "ACC-1031"))
        await press(pilot, "n")
        assert isinstance(app.screen, SurveyScreen)
        await pilot.press(*"9")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")  # keep it
        assert isinstance(app.screen, SurveyScreen) and app.screen.query_one("#survey-score", Input).value == "9"
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, AccountScreen)
        await press(pilot, "n", "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, AccountScreen)
    assert demo.execute("SELECT count(*) FROM surveys").fetchone() == before


async def test_notes_are_a_multi_line_editor_saved_with_ctrl_s(demo_path, demo):
    account = account_id(demo, "ACC-1031")
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, account)
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        notes = form.query_one("#notes", TextArea)
        assert notes.content_region.height >= 3  # lines of text in view, not one line behind a border
        await pilot.press(*"Pricing call")
        notes.focus()
        await pilot.press(*"first line", "enter", *"second line", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
    saved = demo.execute("SELECT notes FROM interactions WHERE summary = 'Pricing call'").fetchone()
    assert saved == ("first line\nsecond line",)


async def test_an_invoice_opened_whole_offers_no_edit(demo_path, demo):
    account = demo.execute("SELECT account_id FROM invoices ORDER BY id LIMIT 1").fetchone()[0]
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        row = next(i for i, ref in enumerate(screen.rows["timeline"]) if ref.table == "invoices")
        timeline = screen.query_one("#timeline", DataTable)
        timeline.focus()
        timeline.move_cursor(row=row)
        await press(pilot, "enter")
        popup = app.screen
        assert isinstance(popup, RecordScreen)
        assert "e edit" not in str(popup.query_one(".hint", Static).render())
        assert "e" not in {b.binding.key for b in popup.active_bindings.values() if b.enabled}
        await press(pilot, "e")
        assert app.screen is popup  # nothing happens, no refusal


# -- the renewal call ------------------------------------------------------------------------------


async def test_a_bad_expected_arr_keeps_the_dialog_open_with_the_error_under_the_field(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, account_id(demo, "ACC-1031"))
        await press(pilot, "w", "r", "tab")
        await pilot.press(*"40q", "tab", *"budget cut", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RenewalCallScreen)  # still open, nothing lost
        assert dialog.query_one("#renewal-reason", Input).value == "budget cut"
        assert "not an amount" in str(dialog.query_one("#renewal-arr-read", Static).render())
        arr = dialog.query_one("#renewal-arr", Input)
        assert arr.has_class("invalid") and app.focused is arr
    assert not [c for c in calls(demo.conn) if c.account_key == "ACC-1031"]


async def test_the_renewal_call_reads_40k_and_says_how(demo_path, demo):
    app = app_on(demo_path)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, account_id(demo, "ACC-1031"))
        await press(pilot, "w", "r", "tab")
        await pilot.press(*"40k")
        await settle(pilot)
        assert str(app.screen.query_one("#renewal-arr-read", Static).render()) == "read as 40,000"
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
    (made,) = [c for c in calls(demo.conn) if c.account_key == "ACC-1031"]
    assert made.expected_arr == 40000.0
    assert any("expected ARR 40,000" in message for message, _ in seen)


def test_expected_arr_is_read_as_a_csm_types_it(book):
    BookMaker(book).account("acme", "2025-01-01", renewal="2027-01-15")
    for typed, value in (("40k", 40000.0), ("1.2m", 1200000.0), ("40,000", 40000.0), ("1,250.50", 1250.5)):
        assert set_call(book, "acme", "commit", typed, today=date(2026, 11, 24)).expected_arr == value


# -- moving around ---------------------------------------------------------------------------------


async def test_a_shows_the_accounts_list_from_an_account_opened_from_it(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "enter")
        assert isinstance(app.screen, AccountScreen)
        await press(pilot, "a")
        assert isinstance(app.screen, AccountsScreen)


async def test_a_shows_the_accounts_list_after_an_account_opened_from_the_dashboard(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "enter")  # an account left open in the accounts mode
        await press(pilot, "d")
        await open_account(pilot, account_id(demo, "ACC-1031"))
        await press(pilot, "a")
        assert isinstance(app.screen, AccountsScreen)


async def test_ctrl_f_opens_with_the_last_query_selected(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "ctrl+f", *"scheduled")
        await press(pilot, "escape", "ctrl+f")
        query = app.screen.query_one("#search-query", Input)
        assert isinstance(app.screen, SearchScreen) and query.value == "scheduled"
        assert query.selected_text == "scheduled"
        await press(pilot, *"renewal")
        assert query.value == "renewal"  # replaced, not "scheduledrenewal"
        await press(pilot, "ctrl+f", *"pricing")  # again on the search screen: the same
        assert query.value == "pricing"


async def test_the_account_screen_tabs_round_the_page_and_its_three_lists(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account_id(demo, "ACC-1031"))
        stops = []
        for _ in range(4):
            stops.append(app.focused.id)
            await press(pilot, "tab")
        assert stops == ["account-body", "follow-ups", "contacts", "timeline"]
        assert app.focused.id == "account-body"  # round again
        await press(pilot, "shift+tab")
        timeline = screen.query_one("#timeline", DataTable)
        assert app.focused is timeline
        for _ in range(8):
            await press(pilot, "down")
        assert timeline.cursor_row == 8
        row_y = timeline.region.y + 1 + timeline.cursor_row - round(timeline.scroll_y)
        body = screen.query_one("#account-body")
        assert body.region.y <= row_y < body.region.bottom  # the page followed the cursor


async def test_help_on_the_account_screen_lists_tab_and_enter(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account_id(demo, "ACC-1031"))
        screen.query_one("#timeline", DataTable).focus()
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        keys = {key for key, _ in cells(app.screen.query_one("#help-keys", DataTable))}
        assert {"tab", "⏎"} <= keys


async def test_the_accounts_list_sorts_by_arr_in_two_keys(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "s", "3")
        table = app.screen.query_one(AccountTable)
        arr = [r.arr for r in table.rows_shown]
        assert arr == sorted(arr)
        await press(pilot, "s", "3")  # the same column again: reversed
        assert [r.arr for r in table.rows_shown] == sorted(arr, reverse=True)


async def test_the_first_bracket_from_the_top_shows_the_next_screenful(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        table = app.screen.query_one(AccountTable)
        height = table.data_height
        await press(pilot, "right_square_bracket")
        assert table.first_shown() == height and table.cursor_row == height
        await press(pilot, "left_square_bracket")
        assert table.first_shown() == 0 and table.cursor_row == 0


async def test_check_in_undo_takes_back_the_playbook_applied_from_it(demo_path, demo):
    before = demo.execute("SELECT count(*) FROM tasks").fetchone()[0]
    runs = demo.execute("SELECT count(*) FROM playbook_runs").fetchone()[0]
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        assert isinstance(app.screen, CheckinScreen)
        account = app.screen.current.account_id
        await press(pilot, "p", "enter")
        assert demo.execute("SELECT count(*) FROM tasks").fetchone()[0] > before
        await press(pilot, "ctrl+z")
        assert app.screen.current.account_id == account  # back in the queue
    assert demo.execute("SELECT count(*) FROM tasks").fetchone()[0] == before
    assert demo.execute("SELECT count(*) FROM playbook_runs").fetchone()[0] == runs


# -- 80x24 -----------------------------------------------------------------------------------------


async def test_check_in_reasons_are_readable_at_80x24(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        table = screen.query_one("#queue", DataTable)
        reasons = [row[-1] for row in cells(table)]
        assert min(len(r) for r in reasons) >= 20 or all("…" not in r for r in reasons)
        assert any(r.endswith("…") or "… (+" in r for r in reasons)  # cut where cut, and said so
        item = screen.current
        shown = str(screen.query_one("#reasons", Static).render())
        assert len(shown.splitlines()) == 1 + len(item.reasons)  # every reason, one line each
        panel = screen.query_one("#reasons-box")
        assert panel.region.bottom <= 23 and panel.max_scroll_y == 0  # all in view above the footer


async def test_renewals_keep_expected_arr_and_flag_at_80_columns(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "R")
        table = app.screen.query_one("#renewals-table", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[-2:] == ["Expected", "Flag"]
        text = screen_text(app)
        assert "Expected" in text and "Flag" in text and "at risk but green" in text


async def test_the_renewals_month_row_says_no_calls_yet(demo_path, demo):
    data: Renewals = renewals(demo.conn, DEMO_DATE)
    month = next(m for m in data.months if m.uncalled == len(m.rows))
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "R")
        rows = cells(app.screen.query_one("#renewals-table", DataTable))
        row = next(r for r in rows if r[0] == month.month)
        assert row[-1] == "no calls yet" and row[-2] == "-"


async def test_w_on_the_renewals_screen_records_the_call(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "R")
        screen = app.screen
        assert isinstance(screen, RenewalsScreen)
        while screen.current is None or screen.current.call is not None:
            await press(pilot, "down")
        row = screen.current
        assert row is not None and row.call is None
        await press(pilot, "w", "c", "tab", *"1.2m", "enter")
        assert app.screen is screen
        assert screen.current.account_id == row.account_id and screen.current.expected_arr == 1_200_000
    made = [c for c in calls(demo.conn) if c.account_id == row.account_id]
    assert [(c.call.value, c.expected_arr) for c in made] == [("commit", 1_200_000.0)]


async def test_the_renewals_screen_sorts_and_filters(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "R")
        screen = app.screen
        await press(pilot, "s", "4")  # ARR
        months: dict[str, list[float]] = {}
        rows = cells(screen.query_one("#renewals-table", DataTable))
        for r in rows:
            if len(r[0]) == 7:
                month = months.setdefault(r[0], [])
            else:
                month.append(float(r[2].replace(",", "")))
        assert all(arr == sorted(arr) for arr in months.values()) and len(months) > 3
        await press(pilot, "g", "g")  # only where call and health disagree
        flagged = [r for r in cells(screen.query_one("#renewals-table", DataTable)) if len(r[0]) != 7]
        assert flagged and all(r[-1].endswith(("but green", "but red")) for r in flagged)
        await press(pilot, "g", "slash", *"ACC-1086")
        listed = [r for r in cells(screen.query_one("#renewals-table", DataTable)) if len(r[0]) != 7]
        assert [r[1] for r in listed] == ["ACC-1086"]


async def test_the_accounts_list_at_80_columns_shows_keys_and_tells_similar_names_apart(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "slash", *"willow studios", "enter")
        table = app.screen.query_one(AccountTable)
        rows = cells(table)
        assert [c.label for c in table.shown_columns][:2] == ["Key", "Name"]
        names = [r[1] for r in rows]
        assert len(rows) >= 3 and len(set(names)) == len(names)  # "Willow Studios", "... 84", "... 89"
        assert all(len(r.name) <= 23 for r in table.rows_shown) and names == [r.name for r in table.rows_shown]
        assert all(r[0].startswith("ACC-") for r in rows)
        text = screen_text(app)
        assert all(name in text for name in names)


async def test_every_footer_at_80_columns_ends_with_help_in_view(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        for keys in (["d"], ["a"], ["c"], ["t"], ["T"], ["R"], ["I"], ["a", "enter"]):
            await press(pilot, *keys)
            footer = app.screen._compositor.render_strips()[-1].text
            assert "? Help" in footer, (keys, footer)
            while len(app.screen_stack) > 1:
                app.pop_screen()
            await settle(pilot)


async def test_history_and_undo_name_a_deleted_note_the_same_way(demo_path, demo):
    account, note = demo.execute(
        "SELECT account_id, id FROM interactions WHERE occurred_on <= ? ORDER BY id LIMIT 1", [DEMO_DATE.isoformat()]
    ).fetchone()
    app = app_on(demo_path)
    seen = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        row = next(
            i for i, ref in enumerate(screen.rows["timeline"]) if (ref.table, ref.record_id) == ("interactions", note)
        )
        timeline = screen.query_one("#timeline", DataTable)
        timeline.focus()
        timeline.move_cursor(row=row)
        await press(pilot, "delete", "y")
        await press(pilot, "ctrl+z")
    messages = [m for m, _ in seen]
    assert f"Deleted note {note} (ctrl+z undoes)" in messages
    assert any(m.startswith(f"Undone: note {note} deleted") for m in messages)


def test_a_search_of_one_match_says_match_and_account(demo):
    from cstui.storage.search import Found, Order
    from cstui.tui.screens.search import status_text

    assert status_text(Found([object()], Order.BEST), 1) == "1 match in 1 account"  # type: ignore[list-item]


async def test_history_names_a_reviewed_account_by_its_key(demo_path, demo):
    from cstui.storage import history

    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        key = app.screen.current.key
        await press(pilot, "r")
    (newest,) = history.list_changes(demo, limit=1)
    assert newest.description == f"check-in {DEMO_DATE.isoformat()}: account {key} reviewed"


async def test_the_health_bands_legend_sits_above_the_bars(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t")
        lines = screen_text(app).splitlines()
        legend = [line for line in lines if any(f"██ {band}" in line for band in ("red", "yellow", "green"))]
        assert len(legend) == 3
        assert not any("████" in line for line in legend)  # no bar top under a legend line
