"""Correcting the book from the app (issue 11): row cursors on the account screen, `enter` opens,
`e` edits in the form that created the record, `delete` asks, `E` edits the account, `n` adds one
from the accounts list, and ctrl+z undoes the last change. Each test queries the book afterwards."""

from textual.widgets import DataTable, Input, Static

from cstui.safe_text import visible
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.screens.record import RecordForm, RecordScreen
from cstui.tui.screens.survey import SurveyScreen
from tests.bookmaker import new_book
from tests.conftest import DEMO_DATE
from tests.tui_helpers import open_account, press, record_notifications, settle, type_into

SIZE = (140, 45)


async def put_cursor(pilot, screen: AccountScreen, table_id: str, record_table: str) -> int:
    """Focus a row table and put its cursor on its first row from `record_table`; return that row."""
    row = next(i for i, ref in enumerate(screen.rows[table_id]) if ref.table == record_table)
    table = screen.query_one(f"#{table_id}", DataTable)
    table.focus()
    table.move_cursor(row=row)
    await settle(pilot)
    return row


def a_note_account(demo) -> int:
    return demo.execute("SELECT account_id FROM interactions ORDER BY length(notes) DESC LIMIT 1").fetchone()[0]


async def test_enter_opens_a_note_whole(demo_path, demo):
    account = a_note_account(demo)
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        row = await put_cursor(pilot, screen, "timeline", "interactions")
        note_id = screen.rows["timeline"][row].record_id
        await press(pilot, "enter")
        assert isinstance(app.screen, RecordScreen)
        shown = str(app.screen.query_one("#record-body", Static).render())
        notes = demo.execute("SELECT notes FROM interactions WHERE id = ?", [note_id]).fetchone()[0]
        assert notes and " ".join(notes.split()) in " ".join(shown.split())  # never cut off
        await press(pilot, "escape")
        assert app.screen is screen
        await press(pilot, "enter", "e")  # from the whole record to its edit form
        assert isinstance(app.screen, FeedbackScreen) and app.screen.note is not None and app.screen.note.id == note_id


async def test_e_edits_a_note_s_summary_in_the_feedback_form(demo_path, demo):
    account = a_note_account(demo)
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        row = await put_cursor(pilot, screen, "timeline", "interactions")
        note_id = screen.rows["timeline"][row].record_id
        columns = "occurred_on, kind, notes, sentiment, contact_id, contact_email, follow_up_on"
        before = demo.execute(f"SELECT {columns} FROM interactions WHERE id = ?", [note_id]).fetchone()
        await press(pilot, "e")
        assert isinstance(app.screen, FeedbackScreen) and app.screen.note is not None
        await type_into(pilot, "#summary", "Renewal call, pricing agreed")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        assert screen.query_one("#timeline", DataTable).cursor_row == row  # the cursor stays on its row
    assert demo.execute("SELECT summary FROM interactions WHERE id = ?", [note_id]).fetchone()[0] == (
        "Renewal call, pricing agreed"
    )
    assert demo.execute(f"SELECT {columns} FROM interactions WHERE id = ?", [note_id]).fetchone() == before
    change = demo.execute("SELECT description FROM changes ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert change.startswith(f"note {note_id} edited: summary")


async def test_e_edits_a_survey_s_score_in_the_survey_form(demo_path, demo):
    account = demo.execute("SELECT account_id FROM surveys WHERE kind = 'nps' ORDER BY id DESC LIMIT 1").fetchone()[0]
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        row = await put_cursor(pilot, screen, "timeline", "surveys")
        survey_id = screen.rows["timeline"][row].record_id
        before = demo.execute("SELECT kind, score, responded_on, comment FROM surveys WHERE id = ?", [survey_id])
        kind, score, day, comment = before.fetchone()
        new_score = 2 if score != 2 else 3
        await press(pilot, "e")
        assert isinstance(app.screen, SurveyScreen) and app.screen.existing is not None
        await type_into(pilot, "#survey-score", str(new_score))
        await press(pilot, "ctrl+s")
        assert app.screen is screen
    after = demo.execute("SELECT kind, score, responded_on, comment FROM surveys WHERE id = ?", [survey_id]).fetchone()
    assert after == (kind, new_score, day, comment)


async def test_delete_asks_then_removes_a_task_and_ctrl_z_brings_it_back(demo_path, demo):
    account = demo.execute("SELECT account_id FROM tasks WHERE done_on IS NULL ORDER BY id LIMIT 1").fetchone()[0]
    before = demo.execute("SELECT * FROM tasks ORDER BY id").fetchall()
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        screen = await open_account(pilot, account)
        await put_cursor(pilot, screen, "follow-ups", "tasks")
        task_id = screen.rows["follow-ups"][0].record_id
        title = demo.execute("SELECT title FROM tasks WHERE id = ?", [task_id]).fetchone()[0]
        await press(pilot, "delete")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")  # no: nothing removed
        assert demo.execute("SELECT * FROM tasks ORDER BY id").fetchall() == before
        await press(pilot, "delete", "y")
        assert demo.execute("SELECT count(*) FROM tasks WHERE id = ?", [task_id]).fetchone()[0] == 0
        assert task_id not in [ref.record_id for ref in screen.rows["follow-ups"]]
        await press(pilot, "ctrl+z")
        assert task_id in [ref.record_id for ref in screen.rows["follow-ups"]]  # the screen reloaded
        assert any(text == f"Undone: task {task_id} deleted: {title}" for text, _ in said)
    assert demo.execute("SELECT * FROM tasks ORDER BY id").fetchall() == before
    undo = demo.execute("SELECT kind, source FROM changes ORDER BY id DESC LIMIT 1").fetchone()
    assert undo == ("undo", "tui")


async def test_e_on_a_contact_edits_its_role_and_the_day_they_left(demo_path, demo):
    account = demo.execute("SELECT account_id FROM contacts ORDER BY id LIMIT 1").fetchone()[0]
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        await put_cursor(pilot, screen, "contacts", "contacts")
        contact_id = screen.rows["contacts"][0].record_id
        before = demo.execute("SELECT name, email, phone, is_champion FROM contacts WHERE id = ?", [contact_id])
        kept = before.fetchone()
        await press(pilot, "e")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "#form-role", "VP Operations")
        await type_into(pilot, "#form-left_on", "2026-10-31")
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        shown = [str(cell.plain) for cell in screen.query_one("#contacts", DataTable).get_row_at(0)]
        assert shown[1].endswith("(left 2026-10-31)")
    row = demo.execute("SELECT name, email, phone, is_champion, role, left_on FROM contacts WHERE id = ?", [contact_id])
    assert row.fetchone() == (*kept, "VP Operations", "2026-10-31")


async def test_ctrl_y_redoes_what_ctrl_z_undid(demo_path, demo):
    task_id, account = demo.execute("SELECT id, account_id FROM tasks WHERE done_on IS NULL LIMIT 1").fetchone()
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        table = screen.query_one("#follow-ups", DataTable)
        table.focus()
        table.move_cursor(row=[ref.record_id for ref in screen.rows["follow-ups"]].index(task_id))
        await press(pilot, "delete", "y", "ctrl+z", "ctrl+y")
    assert demo.execute("SELECT count(*) FROM tasks WHERE id = ?", [task_id]).fetchone()[0] == 0


async def test_ctrl_z_with_nothing_to_undo_says_so(book_path):

    new_book(book_path).conn.close()
    app = CstuiApp(book_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        said = record_notifications(app)
        await press(pilot, "ctrl+z")
    assert [text for text, _ in said] == ["nothing to undo: the book's history holds no change that is not undone yet"]


async def test_add_an_account_by_hand_then_roll_its_renewal_a_year_forward(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, AccountsScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, RecordForm)
        for name, text in {
            "key": "ACC-9001",
            "name": "Northwind Traders",
            "segment": "SMB",
            "plan": "Pro",
            "seats": "25",
            "start_date": "2026-01-15",
            "renewal_date": "2027-01-15",
        }.items():
            await type_into(pilot, f"#form-{name}", text)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountsScreen)
        account = demo.execute("SELECT id FROM accounts WHERE key = 'ACC-9001'").fetchone()[0]
        await open_account(pilot, account)
        await press(pilot, "E")
        assert isinstance(app.screen, RecordForm)
        await type_into(pilot, "#form-renewal_date", "2028-01-15")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    row = demo.execute(
        "SELECT key, name, segment, plan, seats, start_date, renewal_date, churn_date, churn_reason"
        " FROM accounts WHERE key = 'ACC-9001'"
    ).fetchall()
    assert row == [("ACC-9001", "Northwind Traders", "SMB", "Pro", 25, "2026-01-15", "2028-01-15", None, None)]
    described = [d for (d,) in demo.execute("SELECT description FROM changes ORDER BY id DESC LIMIT 2")]
    assert described == ["account ACC-9001 edited: renewal_date", "account ACC-9001 added"]


async def test_a_refused_value_stays_in_the_form_and_changes_nothing(demo_path, demo):
    account = demo.execute("SELECT id FROM accounts ORDER BY id LIMIT 1").fetchone()[0]
    before = demo.execute("SELECT * FROM accounts WHERE id = ?", [account]).fetchone()
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(pilot, account)
        await press(pilot, "E")
        await type_into(pilot, "#form-seats", "many")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RecordForm)
        assert "seats: 'many' is not a whole number" in str(app.screen.query_one("#form-error", Static).render())
    assert demo.execute("SELECT * FROM accounts WHERE id = ?", [account]).fetchone() == before


HOSTILE_SUMMARY = "\x1b[31mRefund [bold red]now[/] [@click=app.quit]here[/]\x1b]52;c;aGk=\x07"


def toasts(app: CstuiApp) -> list[str]:
    """The text of every toast on screen, as the terminal draws it (`run_test(notifications=True)`)."""
    from textual.widgets._toast import Toast  # Textual exports no public name for a shown toast

    return [widget.render().plain for widget in app.screen.query(Toast)]


async def test_a_hostile_note_summary_deleted_and_undone_shows_in_the_toast_as_text(demo_path, demo):
    """The summary rides into the undo/redo toasts ("Undone: note 12 deleted: ..."): ESC and OSC 52
    are written out, the Rich markup is shown as typed (not bold, not a click action)."""
    import sqlite3

    account = a_note_account(demo)
    with sqlite3.connect(demo_path) as raw:  # the book as an import of hostile text leaves it
        raw.execute("UPDATE interactions SET summary = ? WHERE account_id = ?", [HOSTILE_SUMMARY, account])
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        said = record_notifications(app)
        screen = await open_account(pilot, account)
        row = await put_cursor(pilot, screen, "timeline", "interactions")
        note_id = screen.rows["timeline"][row].record_id
        await press(pilot, "delete", "y")
        assert demo.execute("SELECT count(*) FROM interactions WHERE id = ?", [note_id]).fetchone()[0] == 0
        await press(pilot, "ctrl+z")
        await press(pilot, "ctrl+y")
        shown = toasts(app)
    summary = visible(HOSTILE_SUMMARY, one_line=True)
    assert summary.startswith("\\x1b[31mRefund [bold red]now[/]")
    assert f"Undone: note {note_id} deleted: {summary}" in shown
    assert f"Redone: note {note_id} deleted: {summary}" in shown
    assert not any("\x1b" in text or "\x07" in text for text in shown)
    assert all(options["markup"] is False for _, options in said)


def error_under(form, field: str) -> str | None:
    """The error line under a form field, or None while it is hidden."""
    error = form.query_one(f"#{field}-error", Static)
    return str(error.render()) if error.has_class("shown") else None


async def test_a_refused_note_edit_shows_each_mistake_under_the_field_it_names(demo_path, demo):
    """`notes.edit_note` raises FieldError(field, reason): the form puts the reason under the input
    the field names ("follow_up_on": Due), not the whole message under the summary."""
    account = a_note_account(demo)
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_account(pilot, account)
        row = await put_cursor(pilot, screen, "timeline", "interactions")
        note_id = screen.rows["timeline"][row].record_id
        before = demo.execute("SELECT * FROM interactions WHERE id = ?", [note_id]).fetchone()
        await press(pilot, "e")
        form = app.screen
        assert isinstance(form, FeedbackScreen) and form.note is not None
        await type_into(pilot, "#sentiment", "7")
        await press(pilot, "ctrl+s")
        assert app.screen is form and app.focused is form.query_one("#sentiment", Input)
        assert error_under(form, "sentiment") == "'7' is not a whole number from -2 to 2"
        assert error_under(form, "summary") is None
        await type_into(pilot, "#sentiment", "1")
        await type_into(pilot, "#follow_up_on", "2001-01-01")
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert (
            error_under(form, "follow_up_on")
            == f"2001-01-01 is before the conversation ({form.note.occurred_on}): a follow-up is due after it"
        )
        assert error_under(form, "sentiment") is None and error_under(form, "summary") is None
    assert demo.execute("SELECT * FROM interactions WHERE id = ?", [note_id]).fetchone() == before
