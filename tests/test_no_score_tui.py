"""Issue 23: `n` on the accounts list adds an account with nothing else. It has no score yet: no band
in the list, the dashboard's green count does not move, its "no score yet" count does, and the
account screen says it is new instead of explaining a change against a day before it existed."""

from textual.widgets import Input, Static

from cstui.metrics.bands import Band
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.dashboard import DashboardScreen
from cstui.tui.screens.record import RecordForm
from cstui.tui.widgets.account_table import AccountTable
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle

SIZE = (140, 45)


def health_box(app: CstuiApp) -> list[str]:
    return str(app.screen.query_one("#health-dist", Static).render()).splitlines()


def green_line(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("green"))


async def test_an_account_added_with_nothing_else_has_no_band_and_is_not_green(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        before = health_box(app)
        assert not any(line.startswith("no score yet") for line in before)  # every demo account has a score
        await press(pilot, "a")
        assert isinstance(app.screen, AccountsScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, RecordForm)
        for name, text in {"key": "ACC-2001", "name": "Brand New"}.items():
            field = app.screen.query_one(f"#form-{name}", Input)
            field.focus()
            field.value = ""
            await pilot.press(*text)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountsScreen)
        row = next(r for r in app.screen.all_rows if r.key == "ACC-2001")
        assert (row.score, row.band) == (None, Band.NO_DATA)
        await press(pilot, "slash", *"ACC-2001", "enter")
        table = app.screen.query_one(AccountTable)
        line = table.render_line(1).text  # the one row under the header
        assert "Brand New" in line and "green" not in line and "no data" not in line
        assert line.split()[-6:-2] == ["-", "-", "-", "-"]  # health, band, NPS, last contact: none yet

        await press(pilot, "d")
        assert isinstance(app.screen, DashboardScreen)
        after = health_box(app)
        assert green_line(after) == green_line(before)
        assert "no score yet: 1" in after

        account = demo.execute("SELECT id FROM accounts WHERE key = 'ACC-2001'").fetchone()[0]
        app.push_screen(AccountScreen(account))
        await settle(pilot)
        title = str(app.screen.query_one("#account-title", Static).render())
        assert "Health - (no score yet)" in title
        change = str(app.screen.query_one("#account-change", Static).render())
        assert change.startswith("No score yet: a score needs facts from at least 2 components")
        assert f"New account (started {DEMO_DATE}): no earlier health to compare with." in change
