"""Search in the app: ctrl+f finds a record and opens its account; ctrl+p jumps to an account by name."""

import sqlite3

from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input

from cstui.storage import search
from cstui.tui.app import CstuiApp
from cstui.tui.screens import search as search_screen
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.record import RecordScreen
from cstui.tui.screens.search import SearchScreen
from cstui.tui.widgets.result_list import ResultList
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, record_notifications, results_for, settle

SIZE = (120, 40)


def add_note(path, key: str, summary: str, notes: str) -> tuple[int, int]:
    """Write one call note straight into the book; return (account id, note id)."""
    conn = sqlite3.connect(path)
    with conn:
        (account_id,) = conn.execute("SELECT id FROM accounts WHERE key = ?", [key]).fetchone()
        note_id = conn.execute(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary, notes) "
            "VALUES (?, '2026-11-20', 'call', ?, ?)",
            [account_id, summary, notes],
        ).lastrowid
    conn.close()
    return account_id, note_id


def prompts(screen: SearchScreen) -> list[str]:
    results = screen.query_one("#search-results", ResultList)
    return [results.prompt(i).plain for i in range(results.row_count)]


async def type_query(pilot, text: str) -> None:
    await press(pilot, *text)
    await results_for(pilot, text)


async def test_ctrl_f_finds_a_word_in_one_note_and_enter_opens_its_account(demo_path):
    account_id, note_id = add_note(demo_path, "ACC-1008", "Roadmap call", "They want a xylophone integration soon")
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        await type_query(pilot, "xylophone")
        screen = app.screen
        assert prompts(screen) == [
            "ACC-1008  Iron Media",
            "  note    2026-11-20  Roadmap call · They want a xylophone integration soon",
        ]
        assert str(screen.query_one("#search-status").render()) == "1 match in 1 account"
        target = screen.targets[screen.query_one("#search-results", ResultList).highlighted]
        assert (target.account_id, target.hit.record_id) == (account_id, note_id)
        line = screen.query_one("#search-results", ResultList).prompt(1)
        marked = [line.plain[span.start : span.end] for span in line.spans if "reverse" in str(span.style)]
        assert marked == ["xylophone"]
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == account_id
        add_note(demo_path, "ACC-1000", "Intro", "xylophone again")
        app.book_changed()  # what every write in the app does
        await press(pilot, "escape")
        assert isinstance(app.screen, SearchScreen)  # back to the results, which include the new note
        await results_for(pilot, "xylophone")
        assert {p for p in prompts(app.screen) if not p.startswith(" ")} == {
            "ACC-1008  Iron Media",
            "ACC-1000  Cedar Logistics",
        }


async def test_search_shows_book_text_literally_and_a_bad_query_as_a_message(demo_path):
    add_note(demo_path, "ACC-1000", "[bold]loud[/]", "\x1b[2J wombat [@click=app.quit]x[/]")
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "ctrl+f")
        await type_query(pilot, "wombat")
        assert prompts(app.screen)[1] == "  note    2026-11-20  [bold]loud[/] · \\x1b[2J wombat [@click=app.quit]x[/]"
        app.screen.query_one("#search-query", Input).value = ""
        await type_query(pilot, '"wombat')
        status = app.screen.query_one("#search-status")
        assert str(status.render()) == "search: unbalanced quote in '\"wombat'"
        assert status.has_class("error-text") and prompts(app.screen) == []
        assert app.is_running


async def test_ctrl_f_works_from_a_text_field_and_down_enters_the_results(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "slash")
        assert isinstance(app.screen, AccountsScreen) and isinstance(app.focused, Input)
        await press(pilot, "ctrl+f")
        assert isinstance(app.screen, SearchScreen)
        await type_query(pilot, "iron")
        assert prompts(app.screen)[0] == "ACC-1008  Iron Media"
        await press(pilot, "down")
        assert isinstance(app.focused, ResultList)
        await press(pilot, "up", "enter")  # the account's own line
        assert isinstance(app.screen, AccountScreen)


async def test_palette_jumps_to_an_account_by_a_fragment_of_its_name(demo_path):
    conn = sqlite3.connect(demo_path)
    (account_id,) = conn.execute("SELECT id FROM accounts WHERE name = 'Iron Media'").fetchone()
    conn.close()
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await press(pilot, *"iron med")
        for _ in range(100):  # the palette searches in the background
            await pilot.pause(0.05)
            if app.screen.query_one(CommandList).option_count:
                break
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == account_id


def timeline_ref(screen: AccountScreen):
    """The record under the account screen's timeline cursor."""
    table = screen.query_one("#timeline", DataTable)
    return screen.rows["timeline"][table.cursor_row]


def row_on_screen(app, table: DataTable) -> bool:
    """True when the table's cursor row is inside the visible part of the account body."""
    body = app.screen.query_one("#account-body")
    y = table.region.y + table.header_height + table.cursor_row - round(table.scroll_y)
    return body.region.y <= y < body.region.bottom and table.region.y <= y < table.region.bottom


async def test_search_finds_a_note_by_a_word_in_its_notes_and_opens_the_account_at_it(demo_path):
    # An old note, far down the account's timeline: the cursor must go to it and the screen scroll there.
    account_id, note_id = add_note(demo_path, "ACC-1008", "Quarterly call", "Asked about the marimba connector")
    conn = sqlite3.connect(demo_path)
    with conn:
        conn.execute("UPDATE interactions SET occurred_on = '2025-03-02' WHERE id = ?", [note_id])
    conn.close()
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+f")
        await type_query(pilot, "marimba")
        await press(pilot, "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountScreen) and screen.account_id == account_id
        timeline = screen.query_one("#timeline", DataTable)
        assert timeline.cursor_row > 20  # not the first rows: the cursor really moved
        assert (timeline_ref(screen).table, timeline_ref(screen).record_id) == ("interactions", note_id)
        assert app.focused is timeline and row_on_screen(app, timeline)
        await press(pilot, "enter")  # enter opens the record the cursor is on
        assert isinstance(app.screen, RecordScreen) and app.screen.title_text == f"Note {note_id}"


async def test_a_survey_comment_a_ticket_and_a_task_open_at_their_rows(demo_path):
    conn = sqlite3.connect(demo_path)
    with conn:
        (account_id,) = conn.execute("SELECT id FROM accounts WHERE key = 'ACC-1008'").fetchone()
        survey_id = conn.execute(
            "INSERT INTO surveys (account_id, kind, score, responded_on, comment) "
            "VALUES (?, 'nps', 4, '2026-01-15', 'the bassoon export is slow')",
            [account_id],
        ).lastrowid
        task_id = conn.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on) "
            "VALUES (?, 'Send the piccolo deck', '2026-12-01', '2026-11-20')",
            [account_id],
        ).lastrowid
        ticket_id = conn.execute(
            "INSERT INTO tickets (account_id, opened_on, severity, channel, subject) "
            "VALUES (?, '2025-08-01', 'high', 'assisted', 'Oboe sync fails')",
            [account_id],
        ).lastrowid
    conn.close()
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for word, table, record_id in (("bassoon", "surveys", survey_id), ("oboe", "tickets", ticket_id)):
            await press(pilot, "ctrl+f")
            await type_query(pilot, word)
            await press(pilot, "enter")
            screen = app.screen
            assert isinstance(screen, AccountScreen) and screen.account_id == account_id
            assert (timeline_ref(screen).table, timeline_ref(screen).record_id) == (table, record_id)
            assert row_on_screen(app, screen.query_one("#timeline", DataTable))
            await press(pilot, "escape", "escape")
        await press(pilot, "ctrl+f")  # an open follow-up is in the follow-ups table, not the timeline
        await type_query(pilot, "piccolo")
        await press(pilot, "enter")
        follow_ups = app.screen.query_one("#follow-ups", DataTable)
        assert app.focused is follow_ups
        assert app.screen.rows["follow-ups"][follow_ups.cursor_row].record_id == task_id


async def test_a_record_the_account_screen_does_not_show_is_named_in_a_notification(demo_path):
    """A done follow-up is not listed, a meeting after the as-of date is past the timeline's end and an
    old note is beyond its 200 newest entries: the account opens, and a notification says why."""
    account_id, note_id = add_note(demo_path, "ACC-1008", "Kazoo workshop", "booked")
    _, old_id = add_note(demo_path, "ACC-1008", "Zither call", "long ago")
    conn = sqlite3.connect(demo_path)
    with conn:
        conn.execute("UPDATE interactions SET occurred_on = '2026-12-03' WHERE id = ?", [note_id])
        conn.execute("UPDATE interactions SET occurred_on = '2019-05-01' WHERE id = ?", [old_id])
        conn.executemany(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary) VALUES (?, '2026-10-01', 'note', 'x')",
            [[account_id]] * 200,
        )
        conn.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on, done_on) "
            "VALUES (?, 'Send the ocarina deck', '2026-11-01', '2026-10-20', '2026-10-30')",
            [account_id],
        )
    conn.close()
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = record_notifications(app)
        await press(pilot, "ctrl+f")
        await type_query(pilot, "kazoo")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == account_id
        assert seen[-1][0] == (
            f"This note {note_id} is dated 2026-12-03, after 2026-11-24: the timeline ends at 2026-11-24."
        )
        await press(pilot, "escape")
        app.screen.query_one("#search-query", Input).value = ""
        await type_query(pilot, "ocarina")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert seen[-1][0].endswith("is done: the account lists open follow-ups only.")
        await press(pilot, "escape")
        app.screen.query_one("#search-query", Input).value = ""
        await type_query(pilot, "zither")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert seen[-1][0] == f"This note {old_id} is older than the 200 newest timeline entries shown here."


async def test_typing_a_common_word_shows_its_last_entered_matches_drawing_only_the_lines_in_view(
    demo_path, monkeypatch
):
    monkeypatch.setattr(search, "COMMON", 100)  # "pricing" is in 475 records of the demo book
    conn = sqlite3.connect(demo_path)
    last = conn.execute(
        "SELECT rowid, kind, record_id, day FROM search_index WHERE search_index MATCH 'pricing' "
        "ORDER BY rowid DESC LIMIT 200"
    ).fetchall()
    conn.close()
    newest = max(last, key=lambda row: (row[3] or "", row[0]))  # the newest day among the last 200 entered
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+f")
        results = app.screen.query_one("#search-results", ResultList)
        drawn = []
        draw = results.draw
        results.draw = lambda target: drawn.append(target) or draw(target)
        await type_query(pilot, "pricing")  # one key at a time
        screen = app.screen
        assert 0 < len(drawn) <= results.size.height  # the lines in view, not the 200 results
        status = str(screen.query_one("#search-status").render())
        accounts = sum(target.hit is None for target in screen.targets)
        assert status == f"200 matches in {accounts} accounts: the last entered of 100+, newest first"
        assert results.row_count == 200 + accounts
        best = screen.targets[results.highlighted].hit
        assert (best.kind.value, best.record_id, best.day) == newest[1:]
        assert prompts(screen)[1].startswith(f"  {newest[1]:<8}{newest[3]}")
        drawn.clear()
        await press(pilot, "down", "end")  # the last result scrolls into view and is drawn then
        assert results.highlighted == results.row_count - 1 and screen.targets[-1] in drawn


async def test_a_key_typed_while_a_query_runs_interrupts_it(demo_path, monkeypatch):
    """The stale query stops at once (sqlite3 interrupt), so the newer one does not wait for it."""
    calls = []
    real_find = search_screen.find

    def find(conn, query, **options):
        if query == "slow":
            calls.append("started")
            try:  # a query that would run for many seconds
                conn.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
                    "SELECT count(*) FROM n"
                ).fetchall()
                calls.append("finished")
            except sqlite3.OperationalError as error:
                calls.append(str(error))
                raise
        return real_find(conn, query, **options)

    monkeypatch.setattr(search_screen, "find", find)
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+f")
        await pilot.press(*"slow")
        while not calls:
            await pilot.pause(0.01)
        await pilot.press("s")
        for _ in range(500):
            if app.screen.shown == ("slows", app.book_version):
                break
            await pilot.pause(0.01)
        assert calls == ["started", "interrupted"]
        assert app.screen.shown == ("slows", app.book_version)


async def test_leaving_the_search_does_not_wait_for_a_running_query(demo_path):
    """The screen closes at once while a query holds its connection (that worker may be waiting for the
    UI thread, to report a lost book); the query's worker closes the connection when it ends."""
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+f")
        screen = app.screen
        assert isinstance(screen, search_screen.SearchScreen)
        screen._querying.acquire()  # as a running query does
        try:
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is not screen and screen._closing
        finally:
            screen._querying.release()
