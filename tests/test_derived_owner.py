"""The derived data has one owner per app, is written by the UI thread through the app's book, and
background work waits for the app's idle event (issue 24): never a module global, never a worker's
own connection, never a worker reading the screens."""

import threading

from cstui.derived import checkin_day, stored_figures
from cstui.tui.app import IDLE_S, CstuiApp
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle


def test_each_app_holds_its_own_derived_data(demo_path):
    first, second = CstuiApp(demo_path, as_of=DEMO_DATE), CstuiApp(demo_path, as_of=DEMO_DATE)
    assert first.derived is not second.derived
    assert first.derived.scores is not second.derived.scores
    assert first.derived.findings_lock is not second.derived.findings_lock
    assert first.scores is first.derived.scores


def recorded(monkeypatch, module, name: str) -> list[tuple[object, bool]]:
    """Calls of `module.name` from now on, as (the Database it wrote through, on the main thread?)."""
    calls: list[tuple[object, bool]] = []
    original = getattr(module, name)

    def recording(db, *args):
        calls.append((db, threading.current_thread() is threading.main_thread()))
        return original(db, *args)

    monkeypatch.setattr(module, name, recording)
    return calls


async def test_months_and_findings_computed_ahead_are_written_by_the_ui_thread_through_the_apps_book(
    demo_path, monkeypatch
):
    months = recorded(monkeypatch, stored_figures, "store_months")
    findings = recorded(monkeypatch, checkin_day, "store_findings")
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:  # the app runs on this (the main) thread
        await settle(pilot)  # the dashboard, the months computed ahead, the check-in prepared
        assert months == [(app.book, True)]
        assert findings == [(app.book, True)]
        assert app.derived.findings is not None and not app.derived.findings.fresh


async def test_the_app_is_idle_once_no_screen_has_loaded_for_a_while_and_at_once_on_the_check_in(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(IDLE_S + 0.3)
        assert app.idle.is_set()
        await press(pilot, "a")  # the accounts list loads: derived work in the background waits
        app.screen.reload()
        assert not app.idle.is_set()
        await settle(pilot)
        await pilot.pause(IDLE_S + 0.3)
        assert app.idle.is_set()
        await press(pilot, "c")  # the check-in waits for its findings: no waiting for idle
        assert app.idle.is_set()
        app.screen.reload()
        assert app.idle.is_set()
