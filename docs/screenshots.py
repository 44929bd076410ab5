"""Regenerate the README's screenshots: the app itself exports them as SVG.

    python docs/screenshots.py

Builds the demo book as of 2026-11-24 in a temporary directory and saves the dashboard, the
account breakdown, the check-in and the trends screen at 120x40.
"""

import asyncio
import tempfile
from datetime import date
from pathlib import Path

from cstui.demo import build_demo_book
from cstui.storage.bookfile.connection import connect
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.base import BookScreen

AS_OF = date(2026, 11, 24)
OUT = Path(__file__).parent / "screenshots"


async def settle(pilot) -> None:
    for _ in range(500):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        if all(s.is_loaded for s in pilot.app.screen_stack if isinstance(s, BookScreen)):
            return


async def shoot(book: Path) -> None:
    app = CstuiApp(book, as_of=AS_OF, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.save_screenshot("dashboard.svg", str(OUT))
        app.push_screen(AccountScreen(11))
        await settle(pilot)
        app.save_screenshot("account.svg", str(OUT))
        for key, name in (("c", "checkin"), ("t", "trends")):
            await pilot.press(key)
            await settle(pilot)
            app.save_screenshot(f"{name}.svg", str(OUT))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "demo.db"
        build_demo_book(connect(book, create=True), AS_OF)
        asyncio.run(shoot(book))


if __name__ == "__main__":
    main()
