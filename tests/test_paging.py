"""Long lists reach the screen a page first (issue 15): `RowPager`, and the task and check-in screens."""

from datetime import date

from cstui.tui import paging
from cstui.tui.app import CstuiApp
from cstui.tui.paging import RowPager
from cstui.tui.screens.tasks import TasksScreen
from tests.bookmaker import BookMaker
from tests.tui_helpers import cells, press

DAY = date(2026, 11, 24)


class Owner:
    """Stands in for a screen: keeps the callbacks it is asked to run after a refresh."""

    def __init__(self) -> None:
        self.pending: list = []

    def call_after_refresh(self, callback, *args) -> bool:
        self.pending.append((callback, args))
        return True

    def refresh(self) -> None:
        callback, args = self.pending.pop(0)
        callback(*args)


def test_a_page_at_once_then_a_chunk_per_refresh(monkeypatch):
    monkeypatch.setattr(paging, "FIRST_PAGE", 2)
    monkeypatch.setattr(paging, "CHUNK", 2)
    owner, added = Owner(), []
    pager = RowPager(owner)
    pager.fill(list(range(7)), added.extend)
    assert added == [0, 1]  # before the first paint
    for shown in ([0, 1, 2, 3], [0, 1, 2, 3, 4, 5], list(range(7))):
        owner.refresh()
        assert added == shown
    assert owner.pending == []


def test_at_least_the_cursor_row_at_once_and_a_new_fill_stops_the_old_one(monkeypatch):
    monkeypatch.setattr(paging, "FIRST_PAGE", 2)
    monkeypatch.setattr(paging, "CHUNK", 2)
    owner, old, new = Owner(), [], []
    pager = RowPager(owner)
    pager.fill(list(range(9)), old.extend, at_least=5)
    assert old == [0, 1, 2, 3, 4]
    pager.fill(["a", "b", "c"], new.extend)  # the table was cleared and is filled again
    owner.refresh()  # the old fill's next chunk: dropped
    owner.refresh()
    assert old == [0, 1, 2, 3, 4] and new == ["a", "b", "c"]


async def test_the_task_screen_ends_with_every_task_in_order(book, book_path, monkeypatch):
    monkeypatch.setattr(paging, "FIRST_PAGE", 2)
    monkeypatch.setattr(paging, "CHUNK", 2)
    make = BookMaker(book)
    acme = make.account("acme", "2025-01-01")
    for n in range(7):
        make._insert(
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (?, ?, ?, '2026-10-01')",
            [acme, f"task {n}", f"2026-11-{20 + n}"],
        )
    app = CstuiApp(book_path, as_of=DAY)
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "T")
        screen = app.screen
        assert isinstance(screen, TasksScreen)
        for _ in range(10):
            await pilot.pause()
        table = screen.query_one("#tasks")
        assert [row[3] for row in cells(table)] == [f"task {n}" for n in range(7)]
        await press(pilot, "down", "down", "down")
        assert screen._current().title == "task 3"
