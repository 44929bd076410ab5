"""Driving the app in tests: wait until the workers have loaded what the screen shows."""

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from cstui.tui.screens.account import AccountScreen


async def settle(pilot: Pilot) -> None:
    """Let pending workers finish and every data screen on the stack show their results."""
    from cstui.tui.screens.base import BookScreen

    for _ in range(500):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        screens = [s for s in pilot.app.screen_stack if isinstance(s, BookScreen)]
        if all(s.is_loaded for s in screens):
            break
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def cells(table: DataTable) -> list[list[str]]:
    """The table's rows as plain strings, as a user reads them."""
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def record_notifications(app: App[object]) -> list[tuple[str, dict[str, object]]]:
    """Every notification the app raises from now on, as (message, options), caught at `App.notify`,
    the public method every screen calls (Textual's own list of toasts is private)."""
    seen: list[tuple[str, dict[str, object]]] = []
    notify = app.notify

    def recording(message: str, **options: object) -> None:
        seen.append((str(message), options))
        notify(message, **options)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    return seen


async def open_account(pilot, account_id: int) -> AccountScreen:
    await settle(pilot)
    pilot.app.push_screen(AccountScreen(account_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountScreen)
    return screen


async def type_into(pilot, selector: str, text: str) -> None:
    """Empty an input and type `text` into it, key by key."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def results_for(pilot, text: str) -> None:
    """Wait until the search screen shows the results of `text` on the current book."""
    for _ in range(200):
        if pilot.app.screen.shown == (text, pilot.app.book_version):
            return
        await settle(pilot)
    raise AssertionError(f"no results shown for {text!r}")
