"""Issue 27, what remained of items 11, 15 and 9: a save while another cstui writes, an undo that a
newer save slips in before, bad dates written outside cstui, and a pasted paragraph in search."""

import re
import sqlite3
from datetime import timedelta

import pytest
from textual.widgets import Input, TextArea

from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.feedback import FeedbackScreen
from tests.bookmaker import BookMaker
from tests.conftest import DEMO_DATE, dump
from tests.hostile_checks import one_line_failure
from tests.tui_helpers import press, record_notifications, settle

SIZE = (80, 24)
TODAY = DEMO_DATE.isoformat()
DUE = (DEMO_DATE + timedelta(days=7)).isoformat()


def app_on(path) -> CstuiApp:
    return CstuiApp(path, as_of=DEMO_DATE, snapshot_on_open=False)


def count(path, sql: str, args=()) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchone()[0]
    finally:
        conn.close()


def screen_line(app, widget) -> str:
    """The first line of `widget` as the terminal shows it."""
    strips = app.screen._compositor.render_strips()
    return strips[widget.region.y].text[widget.region.x : widget.region.right]


async def open_account(pilot, key: str) -> AccountScreen:
    await settle(pilot)
    account = pilot.app.book.execute("SELECT id FROM accounts WHERE key = ?", [key]).fetchone()[0]
    pilot.app.push_screen(AccountScreen(account))
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccountScreen)
    return pilot.app.screen


# -- item 11: a save while the book is locked --------------------------------------------------------


async def test_a_note_saved_while_another_cstui_writes_keeps_the_form_and_says_the_book_is_busy(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await open_account(pilot, "ACC-1031")
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        await pilot.press(*"note one before rename")
        form.query_one("#notes", TextArea).focus()
        await pilot.press(*"kept while busy")
        app.book.execute("PRAGMA busy_timeout = 200")  # the real timeout is 10 s; the outcome is the same
        other = sqlite3.connect(demo_path)
        other.execute("BEGIN IMMEDIATE")  # a long CLI write (an import, an undo of one) holds the book
        try:
            await press(pilot, "ctrl+s")
            assert app.screen is form  # nothing saved, nothing lost
            assert form.query_one("#summary", Input).value == "note one before rename"
            assert form.query_one("#notes", TextArea).text == "kept while busy"
            busy = [message for message, options in notes if options.get("severity") == "error"]
            assert len(busy) == 1 and "The book is busy" in busy[0] and "try again" in busy[0]
            assert "\n" not in busy[0]
        finally:
            other.rollback()
            other.close()
        assert count(demo_path, "SELECT count(*) FROM interactions WHERE summary = 'note one before rename'") == 0
        await press(pilot, "ctrl+s")  # the lock is gone: the same form saves
        assert isinstance(app.screen, AccountScreen)
    saved = "SELECT count(*) FROM interactions WHERE summary = 'note one before rename' AND notes = 'kept while busy'"
    assert count(demo_path, saved) == 1


# -- item 11: `cstui undo` and a save that slips in before its transaction ---------------------------


def _book_with_a_cli_change(book_path, book, cli) -> None:
    BookMaker(book).account("A1", "2024-01-10", name="Acme")
    added = cli(
        "task", "add", "--account", "A1", "--title", "send deck", "--due", DUE, "--as-of", TODAY, "--db", str(book_path)
    )
    assert added.code == 0, added.err


def _tui_note_saved_while_undo_waits(book_path, monkeypatch) -> list[int]:
    """Make the app save a note at the moment `cstui undo` waits for the write lock: after the
    command was given, before its transaction. Returns the note's change id once saved."""
    from cstui.storage import history
    from cstui.storage.bookfile import connection
    from cstui.storage.records.notes import parse_feedback, save_feedback

    real = connection.write_transaction
    saved: list[int] = []

    def app_saves_first(db, *args, **kwargs):
        if not saved:
            app_book = connection.connect(book_path)
            history.set_default_source("tui")
            try:
                entry, errors = parse_feedback("A1", {"date": TODAY, "summary": "note one"}, DEMO_DATE)
                assert entry is not None, errors
                save_feedback(app_book, entry)
            finally:
                history.set_default_source("cli")
                app_book.conn.close()
            saved.append(count(book_path, "SELECT max(id) FROM changes"))
        return real(db, *args, **kwargs)

    monkeypatch.setattr(connection, "write_transaction", app_saves_first)
    return saved


def test_plain_undo_reverts_the_change_that_was_newest_when_it_was_given_not_a_note_saved_meanwhile(
    book_path, book, cli, monkeypatch
):
    _book_with_a_cli_change(book_path, book, cli)
    saved = _tui_note_saved_while_undo_waits(book_path, monkeypatch)
    result = cli("undo", "--db", str(book_path))
    assert result.code == 0, result.err
    assert saved, "the app's note was not saved before the undo's transaction"
    assert "task added" in result.out or "send deck" in result.out, result.out
    assert count(book_path, "SELECT count(*) FROM tasks WHERE title = 'send deck'") == 0  # what was asked
    assert count(book_path, "SELECT count(*) FROM interactions WHERE summary = 'note one'") == 1  # the app's note stays
    undone = count(book_path, "SELECT reverts FROM changes WHERE kind = 'undo'")
    assert undone != saved[0]


def test_undo_id_reverts_that_change_even_when_a_note_is_saved_meanwhile(book_path, book, cli, monkeypatch):
    _book_with_a_cli_change(book_path, book, cli)
    task_change = count(book_path, "SELECT max(id) FROM changes")
    saved = _tui_note_saved_while_undo_waits(book_path, monkeypatch)
    result = cli("undo", str(task_change), "--db", str(book_path))
    assert result.code == 0, result.err
    assert saved
    assert count(book_path, "SELECT reverts FROM changes WHERE kind = 'undo'") == task_change
    assert count(book_path, "SELECT count(*) FROM interactions WHERE summary = 'note one'") == 1


def test_undo_id_of_a_change_already_undone_refuses_and_undoes_nothing_else(book_path, book, cli):
    _book_with_a_cli_change(book_path, book, cli)
    task_change = count(book_path, "SELECT max(id) FROM changes")
    assert cli("undo", str(task_change), "--db", str(book_path)).code == 0
    cli("task", "add", "--account", "A1", "--title", "second", "--due", DUE, "--as-of", TODAY, "--db", str(book_path))
    before = dump(book_path)
    for target in (task_change, task_change + 1, 999):  # undone already; an undo itself; no such change
        result = cli("undo", str(target), "--db", str(book_path))
        one_line_failure(result)
        assert f"change {target}: no such change, or it is an undo or already undone" in result.err
        assert dump(book_path) == before  # not a fallback to the newest change ('second')


# -- item 15: bad dates written outside cstui stop the commands that read them -----------------------

BAD_DUE = ("UPDATE tasks SET due_on = '2025-13-01', done_on = NULL", "'2025-13-01' in tasks.due_on")
BAD_NOTE = ("UPDATE interactions SET occurred_on = 'yesterday'", "'yesterday' in interactions.occurred_on")
CASES = [
    *[(command, *bad) for command in [("report",), ("checkin",), ("brief", "A1")] for bad in (BAD_DUE, BAD_NOTE)],
    (("task", "list"), *BAD_DUE),  # the task list reads no conversation's date
]


@pytest.mark.parametrize(
    ("command", "sql", "named"), CASES, ids=lambda v: " ".join(v) if isinstance(v, tuple) else None
)
def test_a_bad_date_written_outside_cstui_stops_the_command_with_one_line_naming_doctor(
    book_path, book, cli, sql, named, command
):
    from tests.bad_date_books import small_book, write_raw

    small_book(book)
    write_raw(book_path, sql)
    before = dump(book_path)
    result = cli(*command, "--as-of", TODAY, "--db", str(book_path))
    one_line_failure(result)
    assert f"cstui: the book holds {named}, which is not a date (YYYY-MM-DD); `cstui doctor`" in result.err
    assert result.out == ""
    assert dump(book_path) == before


# -- item 9: a pasted paragraph in ctrl+f ------------------------------------------------------------


async def test_a_pasted_ten_thousand_words_in_search_is_capped_with_a_message_and_the_next_keys_are_served(demo_path):
    from textual import events
    from textual.widgets import Static

    from cstui.storage.search import MAX_TERMS
    from cstui.tui.screens.search import SearchScreen
    from tests.tui_helpers import results_for

    pasted = " ".join(f"renewal{i % 97}" for i in range(10_000))
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+f")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        box = screen.query_one("#search-query", Input)
        box.post_message(events.Paste(pasted))
        await results_for(pilot, pasted)
        status = str(screen.query_one("#search-status", Static).render())
        assert f"at most {MAX_TERMS} words" in status and "10,000 words" in status
        await press(pilot, "ctrl+u")  # the pasted paragraph goes; then a word of the user's own
        await pilot.press(*"renewal")
        await results_for(pilot, "renewal")
        assert box.value == "renewal"
        status = str(screen.query_one("#search-status", Static).render())
        assert re.match(r"[0-9,]+ match(es)? in [0-9,]+ accounts?", status), status


# -- the last try-out: the check-in queue and the renewals at 80x24 ----------------------------------


def _columns_fill(table) -> bool:
    """The columns (each with DataTable's cell padding) fill exactly the width rows are drawn in."""
    used = sum(column.get_render_width(table) for column in table.columns.values())
    return used == table.scrollable_content_region.width


@pytest.mark.parametrize("short", [True, False], ids=["one row, no scrollbar", "the demo's full queue"])
async def test_the_check_in_queue_s_columns_fill_its_width_on_first_draw_and_after_u(book_path, book, demo_path, short):
    from cstui.tui.screens.checkin import CheckinScreen
    from tests.bad_date_books import small_book

    if short:
        small_book(book)
    app = app_on(book_path if short else demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        assert _columns_fill(screen.table)
        await press(pilot, "r")
        await press(pilot, "u")
        assert _columns_fill(screen.table)
        assert str(screen.table.get_row_at(0)[-1]).endswith(")")  # reasons cut with "…" keep their "(+N)"


async def test_the_renewals_status_line_is_cut_with_an_ellipsis_at_80_columns(demo_path):
    from textual.widgets import Static

    from cstui.tui.screens.renewals import RenewalsScreen

    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(RenewalsScreen())
        await settle(pilot)
        status = app.screen.query_one("#renewals-status", Static)
        long = "  ·  ".join(["120 shown", "sort: Expected ARR ▼", "only uncalled", "and a long tail of words"])
        status.update(long)
        await settle(pilot)
        drawn = screen_line(app, status)
        assert drawn.rstrip().endswith("…"), drawn
