"""The check-in's redraw glitch (issue 25): on some mornings every column was drawn cut to its
header's width (`yell  ACC-110  Falc  117  2027-06  health`, the `!` marks gone) until the screen
was reopened. The condition: a frame painted after rows were added and before the table went idle
(where Textual measures the new rows' widths) cached the cells at the header widths, and the cache
kept serving them: a table of a fixed height (the queue's) is not resized by new rows, and nothing
else drew them again. The test paints at exactly that moment, then lets the table go idle."""

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.widgets.measured_table import MeasuredTable
from tests.tui_helpers import settle


class OneTable(App[None]):
    def __init__(self, table: DataTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


def drawn(table: DataTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


async def test_rows_painted_before_the_table_measures_them_are_drawn_again_at_their_widths():
    table = MeasuredTable(cursor_type="row")
    table.styles.height = 10  # as the check-in's queue: new rows do not resize it
    app = OneTable(table)
    async with app.run_test(size=(80, 24)) as pilot:
        table.add_columns("", "Band", "Account", "Name")
        await pilot.pause()
        table.add_row(Text("!"), "yellow", "ACC-1101", "Falcon Labs")
        early = drawn(table, 1)  # a frame painted before the table goes idle: cut to the headers
        assert "ACC-1101" not in early  # the condition of the glitch is there
        await pilot.pause()  # idle: the widths are measured
        assert "!" in drawn(table, 1) and "yellow  ACC-1101  Falcon Labs" in drawn(table, 1)


async def test_the_checkin_screen_uses_the_measured_table(demo_path):
    from cstui.tui.app import CstuiApp
    from tests.conftest import DEMO_DATE

    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckinScreen)
        assert isinstance(screen.table, MeasuredTable) and isinstance(screen.due_table, MeasuredTable)
        key = screen.items[0].key
        assert key in drawn(screen.table, 1) and "!" in drawn(screen.table, 1)
