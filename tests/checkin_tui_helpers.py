"""Driving the check-in screen on the demo book: the pinned day, the accounts the queue shows, an
account's kept state for the day, and putting the cursor on a reason's account."""

from cstui.tui.screens.checkin import CheckinScreen
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle

SIZE = (140, 45)
TODAY = DEMO_DATE.isoformat()


def shown(screen: CheckinScreen) -> list[int]:
    return [item.account_id for item in screen.items]


def state(demo, account: int) -> tuple | None:
    return demo.execute(
        "SELECT action, fingerprint FROM checkin_state WHERE account_id = ? AND day = ?", [account, TODAY]
    ).fetchone()


async def select(pilot, screen: CheckinScreen, rule: str):
    """Put the cursor on an open account with a reason of `rule` (among the waiting ones if need be)."""
    if not any(r.rule == rule for item in screen.items for r in item.reasons) and not screen.show_waiting:
        await press(pilot, "m")
    index = next(i for i, item in enumerate(screen.items) if any(r.rule == rule for r in item.reasons))
    screen.table.move_cursor(row=index)
    await settle(pilot)
    return screen.items[index]
