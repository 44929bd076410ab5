"""One task list across the book: `cstui task list`, the `T` screen (x, s, e, enter), the dashboard counts."""

import json
from datetime import date

import pytest
from textual.widgets import DataTable
from textual.widgets._toast import Toast  # Textual exports no public name for a shown toast

from cstui.safe_text import visible
from cstui.storage.bookfile.connection import connect
from cstui.storage.playbooks import apply_playbook
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.help import HelpScreen
from cstui.tui.screens.task_form import TaskFormScreen
from cstui.tui.screens.tasks import TasksScreen
from cstui.tui.widgets.line_list import fit_widths
from cstui.tui.widgets.task_table import TaskTable
from tests.bookmaker import BookMaker
from tests.conftest import dump
from tests.tui_helpers import cells, press, settle

DAY = date(2026, 11, 24)
SIZE = (140, 45)


@pytest.fixture
def tasks_book(book, book_path):
    """acme: a call's follow-up overdue (11-20), a manual one due today, one done; bolt: a playbook run."""
    db = book  # created by the conftest fixture (only init, demo and import create books)
    make = BookMaker(db)
    acme = make.account("acme", "2025-01-01", name="Acme Corp")
    make.account("bolt", "2025-06-01", renewal="2027-06-01", name="Bolt Ltd")
    call = make.note(acme, "2026-11-13", summary="Pricing")
    for title, due, done, interaction in (
        ("Send the pricing sheet", "2026-11-20", None, call),
        ("Book the QBR", "2026-11-24", None, None),
        ("Old chore", "2026-11-01", "2026-11-02", None),
    ):
        make._insert(
            "INSERT INTO tasks (account_id, interaction_id, title, due_on, created_on, done_on) VALUES (?, ?, ?, ?, ?, ?)",
            [acme, interaction, title, due, "2026-10-01", done],
        )
    apply_playbook(db, "bolt", "champion left", today=DAY)  # due 11-24, 12-01, 12-15
    db.conn.close()
    return book_path


def test_task_list_json_overdue_first_with_origin(cli, tasks_book):
    result = cli("task", "list", "--as-of", "2026-11-24", "--json", "--db", str(tasks_book))
    assert result.code == 0, result.err
    shown = json.loads(result.out)
    rows = [(t["account_key"], t["due_on"], t["due"], t["origin"], t["playbook"]) for t in shown["tasks"]]
    assert rows == [
        ("acme", "2026-11-20", "overdue", "call", None),
        ("acme", "2026-11-24", "today", "manual", None),
        ("bolt", "2026-11-24", "today", "playbook", "champion left"),
        ("bolt", "2026-12-01", "later", "playbook", "champion left"),
        ("bolt", "2026-12-15", "later", "playbook", "champion left"),
    ]
    assert shown["counts"] == {"overdue": 1, "today": 2}


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("overdue", ["2026-11-20"]),
        ("today", ["2026-11-20", "2026-11-24", "2026-11-24"]),
        ("week", ["2026-11-20", "2026-11-24", "2026-11-24", "2026-12-01"]),
    ],
)
def test_task_list_due_filters(cli, tasks_book, due, expected):
    result = cli("task", "list", "--due", due, "--as-of", "2026-11-24", "--json", "--db", str(tasks_book))
    days = [t["due_on"] for t in json.loads(result.out)["tasks"]]
    assert days == expected


def test_task_list_text_marks_overdue_and_names_the_origin(cli, tasks_book):
    result = cli("task", "list", "--as-of", "2026-11-24", "--db", str(tasks_book))
    lines = result.out.splitlines()
    assert lines[0] == "5 open; 1 overdue, 2 due today"
    assert lines[1].startswith("!") and "Send the pricing sheet" in lines[1] and lines[1].endswith("[call]")
    assert lines[3].endswith("[playbook: champion left]")


@pytest.mark.parametrize("args", [["--due", "soon"], ["--as-of", "2026-13-01"]])
def test_task_list_bad_input_is_one_line(cli, tasks_book, args):
    before = dump(tasks_book)
    result = cli("task", "list", *args, "--db", str(tasks_book))
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1 and result.err.startswith("cstui: ")
    assert dump(tasks_book) == before


def _open(book_path, task_id: int):
    db = connect(book_path)
    try:
        return db.execute("SELECT title, due_on, done_on FROM tasks WHERE id = ?", [task_id]).fetchone()
    finally:
        db.conn.close()


async def test_T_lists_tasks_and_x_marks_done_keeping_the_cursor(tasks_book):
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "T")
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one("#tasks")
        assert [row[:2] for row in cells(table)][:2] == [["2026-11-20", "acme"], ["2026-11-24", "acme"]]
        await press(pilot, "down", "x")
        assert _open(tasks_book, 2)[2] == "2026-11-24"  # "Book the QBR" done today
        assert table.row_count == 4 and table.cursor_row == 1  # the cursor stays on the second row
        assert cells(table)[1][3] == "Find who takes over: ask the sponsor"


async def test_s_redates_and_e_edits_the_task_under_the_cursor(tasks_book):
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "T", "s")
        assert isinstance(app.screen, TaskFormScreen)
        app.screen.query_one("#task-due").value = "2026-11-30"
        await press(pilot, "enter")
        assert _open(tasks_book, 1)[1:] == ("2026-11-30", None)
        first = cells(app.screen.query_one("#tasks"))[0]
        assert first[:2] == ["2026-11-24", "acme"]  # no longer overdue: it moved down
        await press(pilot, "e")
        app.screen.query_one("#task-title").value = "Book the QBR with the CFO"
        await press(pilot, "enter")
        assert _open(tasks_book, 2)[0] == "Book the QBR with the CFO"
        await press(pilot, "s")
        app.screen.query_one("#task-due").value = "2026-02-30"
        await press(pilot, "enter")  # refused: one message, nothing changed
        assert _open(tasks_book, 2)[1] == "2026-11-24"


async def test_enter_opens_the_task_s_account(tasks_book):
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "T", "down", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        assert "Bolt Ltd" in str(app.screen.query_one("#account-title").render())


async def test_dashboard_shows_overdue_and_today_counts(tasks_book):
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Tasks  1 overdue  2 due today" in str(app.screen.query_one("#health-dist").render())


def test_a_playbook_applied_from_a_check_in_rule_has_the_rule_as_origin(tasks_book):
    from cstui.readmodels.tasks import origin_label, task_list

    db = connect(tasks_book)
    apply_playbook(db, "acme", "detractor recovery", today=DAY, rule="nps_detractor")
    ruled = [t for t in task_list(db.conn, DAY).tasks if t.playbook == "detractor recovery"]
    assert len(ruled) == 4 and {t.origin.value for t in ruled} == {"rule"}
    assert origin_label(ruled[0]) == "rule: nps_detractor (detractor recovery)"


def test_columns_give_up_room_widest_first_the_task_keeping_twice_the_room():
    # 10 + 20 + 40 = 70 in 50 cells: name and task (weight 2) cut one cell at a time, widest (per
    # weight) first, ties to the left: 20 cuts end at name 13, task 27; the date keeps its 10.
    assert fit_widths([10, 20, 40], [10, 5, 5], [1, 1, 2], 50) == [10, 13, 27]
    assert fit_widths([10, 20, 40], [10, 5, 5], [1, 1, 2], 70) == [10, 20, 40]  # it fits: untouched
    assert fit_widths([10, 20, 40], [10, 5, 5], [1, 1, 2], 12) == [10, 5, 5]  # never under the least


def drawn(table: TaskTable) -> list[str]:
    """The list's lines as the terminal gets them (header first)."""
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_at_80x24_every_column_is_in_view_and_a_long_text_ends_in_an_ellipsis(tasks_book):
    db = connect(tasks_book)
    db.conn.execute("UPDATE tasks SET title = ? WHERE id = 1", ["Send the pricing sheet" + " and more" * 10])
    db.conn.commit()
    db.conn.close()
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "T")
        table = app.screen.query_one("#tasks", TaskTable)
        lines = drawn(table)
        assert lines[0].split() == ["Due", "Account", "Name", "Task", "Origin"]
        assert table.table_width <= table.scrollable_content_region.width and table.max_scroll_x == 0
        first = lines[1]
        assert "Send the pricing sheet" in first and "… " in first and first.rstrip().endswith("call")
        assert cells(table)[0][3].endswith("and more")  # the task itself is whole


HOSTILE = "[b]x[/]\x1b[2J\u202eevil"


async def test_book_text_in_the_list_is_drawn_literally(tasks_book):
    db = connect(tasks_book)
    db.conn.execute("UPDATE tasks SET title = ? WHERE id = 1", [HOSTILE])
    db.conn.execute("UPDATE accounts SET name = ? WHERE key = 'acme'", ["[i]Acme[/i]"])
    db.conn.commit()
    db.conn.close()
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "T")
        line = drawn(app.screen.query_one("#tasks", TaskTable))[1]
        assert visible(HOSTILE, one_line=True) in line and "[i]Acme[/i]" in line
        assert "\x1b" not in line and "\u202e" not in line and app.is_running


async def test_x_on_a_hostile_task_says_done_with_its_title_as_text(tasks_book):
    """The toast names the task: its ESC and U+202E written out, its markup shown as typed."""
    db = connect(tasks_book)
    db.conn.execute("UPDATE tasks SET title = ? WHERE id = 1", [HOSTILE])
    db.conn.commit()
    db.conn.close()
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await press(pilot, "T", "x")  # the first row: the hostile task, overdue
        assert _open(tasks_book, 1)[2] == "2026-11-24"
        toasts = [toast.render().plain for toast in app.screen.query(Toast)]
    assert toasts == [f"Done: {visible(HOSTILE, one_line=True)} (acme)"]
    assert toasts[0].startswith("Done: [b]x[/]\\x1b[2J\\u202eevil")


async def test_cursor_keys_a_click_and_a_write_on_the_last_row(tasks_book):
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "T", "end")
        table = app.screen.query_one("#tasks", TaskTable)
        assert table.cursor_row == 4 and table.selected.title == "Re-run training for the new champion's team"
        await press(pilot, "x")  # done: the list is one shorter, the cursor on its new last row
        assert table.row_count == 4 and table.cursor_row == 3
        await press(pilot, "home", "pagedown")
        assert table.cursor_row == 3
        await press(pilot, "pageup", "down")
        assert table.cursor_row == 1
        await pilot.click(TaskTable, offset=(3, 3))  # the third row: the cursor goes there
        await settle(pilot)
        assert table.cursor_row == 2 and isinstance(app.screen, TasksScreen)
        await pilot.click(TaskTable, offset=(3, 3))  # again: its account opens
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen) and "Bolt Ltd" in str(
            app.screen.query_one("#account-title").render()
        )


async def test_help_on_the_task_list_shows_its_keys_not_the_list_widget_s(tasks_book):
    app = CstuiApp(tasks_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "T", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = [tuple(r) for r in cells(app.screen.query_one("#help-keys", DataTable))]
        for key, action in (("x", "Done"), ("s", "Re-date"), ("e", "Edit"), ("⏎", "Open account")):
            assert (key, action) in rows
        actions = {action for _, action in rows}
        assert not {"Cursor up", "Cursor down", "Page Left", "Select", "Top", "Bottom", "Screen down"} & actions
        assert len(rows) == len(set(rows))


def test_a_column_is_as_wide_as_its_text_is_drawn():
    """A control character is drawn written out (`visible`), so the column is measured on that, not on
    the raw text: such a title is not cut while there is room."""
    from cstui.storage.tasklist import Due, OpenTask, Origin
    from cstui.tui.widgets.task_table import FIELDS, natural_widths

    title = "Call\x1b[31m back"  # drawn as 'Call\x1b[31m back' with the escape written out
    task = OpenTask(1, 1, "ACC-1", "Acme", title, "2026-11-26", "2026-11-20", Due.TODAY, Origin.MANUAL, None, None)
    widths = dict(zip([f.label for f in FIELDS], natural_widths([task]), strict=True))
    assert widths["Task"] == len(visible(title, one_line=True)) > len(title)
