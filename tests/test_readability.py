"""Issue 13 items 3-7: a first run that guides, trends that can be read, the smaller defects."""

from cstui.tui.app import CstuiApp
from cstui.tui.screens.dashboard import DashboardScreen
from cstui.tui.screens.welcome import WelcomeScreen
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle

SIZE = (120, 40)


async def test_an_empty_book_opens_on_the_welcome_screen(book, book_path):
    app = CstuiApp(book_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        said = str(app.screen.query_one("#welcome").render())
        assert "cstui import DIR" in said and "accounts.csv" in said and "cstui demo" in said
        assert "README.md" in said
        await press(pilot, "enter")
        assert isinstance(app.screen, DashboardScreen)


async def test_a_book_with_accounts_opens_on_the_dashboard(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


def test_demo_help_names_its_real_default(cli):
    result = cli("demo", "--help")
    assert "demo.db" in result.out
    assert "book.db" not in result.out
