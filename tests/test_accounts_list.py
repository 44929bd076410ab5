"""The accounts list (issue 15): one virtual list drawn line by line, sorted and filtered from ready
permutations; and what it must still do exactly as before (order, keys, mouse, look, safe text)."""

import re
from html import unescape

from textual.widgets import DataTable, Input

from cstui.metrics.bands import Band
from cstui.readmodels.views import account_rows
from cstui.safe_text import visible
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.help import HelpScreen
from cstui.tui.widgets.account_columns import COLUMNS, RowFilter, RowOrder
from cstui.tui.widgets.account_table import AccountTable
from tests.bookmaker import BookMaker
from tests.conftest import DEMO_DATE
from tests.tui_helpers import cells, press, settle

SIZE = (120, 40)


def app_on(path) -> CstuiApp:
    return CstuiApp(path, as_of=DEMO_DATE, snapshot_on_open=False)


def drawn(table: AccountTable) -> list[str]:
    """The list's lines as the terminal gets them (header first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


def status(app: CstuiApp) -> str:
    return str(app.screen.query_one("#accounts-status").render())


def add_accounts(book, count: int) -> None:
    with book.conn:
        book.conn.executemany(
            "INSERT INTO accounts (key, name, start_date) VALUES (?, ?, '2025-01-01')",
            [(f"K{i:04d}", f"Account {i:04d}") for i in range(1, count + 1)],
        )


def test_the_ready_orders_equal_a_sort_of_the_filtered_rows(demo):
    """Every column both ways, under every kind of filter: the same rows in the same order as filtering
    first and then `sorted(..., key, reverse)` (what the list did before it kept permutations)."""
    rows = account_rows(demo.conn, DEMO_DATE)
    order = RowOrder(rows)
    segment = next(r.segment for r in rows if r.segment)
    filters = [
        RowFilter(),
        RowFilter(show_churned=True),
        RowFilter("an"),
        RowFilter(" ACC-10 "),
        RowFilter(segment.upper()),
        RowFilter(band=Band.RED),
        RowFilter("e", band=Band.YELLOW, segment=segment, show_churned=True),
        RowFilter("no such account"),
        RowFilter("a\x00"),  # the separator of the searched string: still field by field
    ]
    for where in filters:
        needle = where.needle.strip().lower()
        kept = [
            r
            for r in rows
            if (where.show_churned or not r.churned)
            and (where.band is None or r.band == where.band)
            and (where.segment is None or r.segment == where.segment)
            and (needle in r.name.lower() or needle in r.key.lower() or needle in r.segment.lower())
        ]
        for index, column in enumerate(COLUMNS):
            for reverse in (False, True):
                expected = sorted(kept, key=column.sort_key, reverse=reverse)
                assert order.shown(index, reverse, where) == expected, (where, column.label, reverse)


def test_typing_on_and_deleting_search_what_a_fresh_search_finds(demo):
    """Typing on searches only the rows the shorter needle kept; deleting starts afresh."""
    rows = account_rows(demo.conn, DEMO_DATE)
    typed = RowOrder(rows)
    for needle in ("a", "an", "ana", "an", "", "e", "en", "e", "x"):
        for where in (RowFilter(needle), RowFilter(needle, show_churned=True)):
            assert typed.shown(0, False, where) == RowOrder(rows).shown(0, False, where), where


async def test_a_large_book_scrolls_as_one_list_and_the_status_says_which_rows_are_in_view(book_path, book):
    add_accounts(book, 1000)
    app = app_on(book_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "s", "1")  # the sort menu: 1 is the name
        table = app.screen.query_one(AccountTable)
        assert table.row_count == 1000
        height = table.data_height
        assert status(app).startswith(f"1-{height} of 1,000")
        assert drawn(table)[1].strip().startswith("Account 0001")
        await press(pilot, "right_square_bracket")  # a page further
        assert table.selected.name == f"Account {height + 1:04d}"
        await press(pilot, "end")
        assert table.selected.name == "Account 1000" and table.cursor_row == 999
        assert drawn(table)[-1].strip().startswith("Account 1000")
        assert status(app).startswith(f"{1000 - height + 1:,}-1,000 of 1,000")
        await press(pilot, "down")
        assert table.cursor_row == 999
        await press(pilot, "home", "up")
        assert table.cursor_row == 0 and status(app).startswith(f"1-{height} of")
        await press(pilot, "slash", *"0999")
        assert [row[0] for row in cells(table)] == ["Account 0999"]
        assert status(app).startswith("1-1 of 1")


async def test_filtering_to_a_few_rows_and_back_keeps_the_scrollbar_and_scrolling_right(book_path, book):
    """The list resizes its scroll range without a layout pass; the scrollbar must follow anyway."""
    add_accounts(book, 300)
    app = app_on(book_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        table = app.screen.query_one(AccountTable)
        assert table.show_vertical_scrollbar and table.max_scroll_y == 300 + 1 - table.scrollable_content_region.height
        await press(pilot, "slash", *"0001")
        assert table.row_count == 1 and not table.show_vertical_scrollbar and table.max_scroll_y == 0
        await press(pilot, "escape")
        assert table.row_count == 300 and table.show_vertical_scrollbar
        await press(pilot, "end")
        assert table.scroll_y == table.max_scroll_y and drawn(table)[-1].strip().startswith("Account 0300")


async def test_a_filter_longer_than_its_box_scrolls_to_the_cursor(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "slash", *("x" * 60))
        box = app.screen.query_one("#search", Input)
        assert box.value == "x" * 60 and box.scroll_x > 0
        assert status(app).startswith("no accounts match")


async def test_keys_and_clicks_move_the_cursor_open_an_account_and_sort(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        table = screen.query_one(AccountTable)
        await press(pilot, "down", "down", "pagedown", "up")
        assert table.cursor_row == 1 + table.data_height
        await press(pilot, "home")
        await pilot.click(AccountTable, offset=(3, 3))  # the third row: the cursor goes there
        await settle(pilot)
        assert table.cursor_row == 2 and isinstance(app.screen, AccountsScreen)
        third = table.selected
        await pilot.click(AccountTable, offset=(3, 3))  # again: it opens
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == third.account_id
        await press(pilot, "escape")
        await pilot.click(AccountTable, offset=(1, 0))  # the header of the first column: sort by name
        await settle(pilot)
        names = [r.name.lower() for r in table.rows_shown]
        assert COLUMNS[screen.sort_column].label == "Name" and names == sorted(names)
        await pilot.click(AccountTable, offset=(1, 0))  # again: reversed
        await settle(pilot)
        assert [r.name.lower() for r in table.rows_shown] == sorted(names, reverse=True)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == table.rows_shown[1].account_id


async def test_a_reload_keeps_the_cursor_on_its_account(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "down", "down", "down")
        table = app.screen.query_one(AccountTable)
        account = table.selected.account_id
        app.screen.reload()
        await settle(pilot)
        assert table.selected.account_id == account


HOSTILE = "[b]x[/]\x1b[2J\u202eevil"


async def test_drawn_rows_show_book_text_literally(book_path, book):
    make = BookMaker(book)
    evil = make.account("EVIL", "2025-01-01", name=HOSTILE, segment="[i]seg[/i]")
    make.mrr(evil, "2025-01-01", 100)
    app = app_on(book_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        line = drawn(app.screen.query_one(AccountTable))[1]
        assert line.startswith(f" {visible(HOSTILE, one_line=True)}")
        assert "[i]seg[/i]" in line and "\x1b" not in line and "\u202e" not in line
        assert app.is_running


async def test_the_compact_list_reads_with_its_spaces_in_an_svg_export(demo_path):
    """At 80x24 health, band and NPS share a line: "34.6 red  -100¹". The terminal showed the spaces
    but the SVG export (snapshots, screenshots in the docs) wrote no text for blank segments, so its
    text read "red-100¹"; the list's blanks now go with the text after them."""
    app = app_on(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "a")
        table = app.screen.query_one(AccountTable)
        low = next(i for i, r in enumerate(table.rows_shown) if r.nps is not None and r.nps_responses < 5)
        assert low < table.data_height
        terminal = drawn(table)[low + 1]
        svg = app.export_screenshot()
    assert re.search(r"\d (red|yellow|green)  +[-+]\d+[¹²³⁴]", terminal), terminal
    text = "".join(unescape(t) for t in re.findall(r"<text [^>]*>([^<]*)</text>", svg)).replace("\xa0", " ")
    assert terminal.strip() in text
    assert not re.search(r"(red|yellow|green)[-+]\d", text)


async def test_help_on_the_accounts_list_shows_its_keys_not_the_table_widget_s(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = [tuple(r) for r in cells(app.screen.query_one("#help-keys", DataTable))]
        actions = [action for _, action in rows]
        for key, action in (
            ("⏎", "Open the account"),
            ("]", "Screen down"),
            ("/", "Search"),
            ("s", "Sort by"),
            ("S", "Reverse sort"),
            ("h", "Show churned"),
            ("n", "Add account"),
            ("a", "Accounts"),
        ):
            assert (key, action) in rows
        textual_own = {"Cursor up", "Cursor down", "Cursor left", "Page Left", "Select", "Top", "Bottom"}
        assert not textual_own & set(actions)
        assert not {"Focus Next", "Focus Previous", "Copy selected text"} & set(actions)
        assert len(rows) == len(set(rows)) and actions.count("Add account") == 1  # "n,plus" shows as "n", once


async def test_enter_pressed_while_the_list_loads_opens_its_first_account(demo_path, monkeypatch):
    """The frame is drawn before the rows arrive; a quick `a` `enter` must not be lost meanwhile."""
    import threading

    gate = threading.Event()
    fetch = AccountsScreen.fetch

    def slow_fetch(self, conn):
        gate.wait(10)
        return fetch(self, conn)

    monkeypatch.setattr(AccountsScreen, "fetch", slow_fetch)
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AccountsScreen) and "loading…" in status(app)
        await pilot.press("enter")
        gate.set()
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        listed = app.screen_stack[-2]
        assert isinstance(listed, AccountsScreen)
        assert app.screen.account_id == listed.table.rows_shown[0].account_id  # the row under the cursor
