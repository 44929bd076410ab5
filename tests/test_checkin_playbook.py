"""`p` on a check-in row: the chooser suggests the playbook that answers the row's rule, applying it
records the run with that rule and marks the account reviewed (the row leaves the queue)."""

from cstui.tui.app import CstuiApp
from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.screens.playbook_chooser import PlaybookChooser
from tests.checkin_tui_helpers import SIZE, TODAY, select, shown, state
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press


async def test_applying_a_playbook_from_a_checkin_row_reviews_the_account(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        item = await select(pilot, screen, "new_promoter")
        before = demo.execute("SELECT count(*) FROM playbook_runs WHERE account_id = ?", [item.account_id]).fetchone()
        await press(pilot, "p")
        chooser = app.screen
        assert isinstance(chooser, PlaybookChooser)
        assert chooser.options.suggested == "promoter advocacy"
        assert chooser.options.playbooks[0].name == "promoter advocacy"
        await press(pilot, "enter")
        assert app.screen is screen
        run = demo.execute(
            "SELECT playbook_name, rule, started_on FROM playbook_runs WHERE account_id = ? ORDER BY id DESC",
            [item.account_id],
        ).fetchone()
        assert run == ("promoter advocacy", "new_promoter", TODAY)
        after = demo.execute("SELECT count(*) FROM playbook_runs WHERE account_id = ?", [item.account_id]).fetchone()
        assert after[0] == before[0] + 1
        tasks = demo.execute(
            "SELECT count(*) FROM tasks t JOIN playbook_runs r ON r.id = t.playbook_run_id"
            " WHERE r.account_id = ? AND r.playbook_name = 'promoter advocacy'",
            [item.account_id],
        ).fetchone()
        assert tasks[0] == 3  # the shipped playbook's three steps
        assert state(demo, item.account_id) == ("reviewed", item.fingerprint)
        assert item.account_id not in shown(screen)
