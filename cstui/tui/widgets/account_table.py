"""The account list: every account in one line-API list (`LineList`), only the visible lines drawn.

Full columns on a wide terminal, compact ones on a narrow one; a click on a header sorts by it, and
`[` `]` move a screen at a time.
"""

from textual.binding import Binding
from textual.message import Message

from cstui.readmodels.views import AccountRow
from cstui.tui.widgets.account_columns import (
    COLUMNS,
    COMPACT_BELOW,
    COMPACT_COLUMNS,
    STANDARD_COLUMNS,
    WIDE_FROM,
    Column,
)
from cstui.tui.widgets.line_list import LineList, ListColumn


class AccountTable(LineList[AccountRow]):
    """Every account row the screen passes to `show`, scrolled as one list under a fixed header."""

    BINDINGS = [
        Binding("enter", "select", "Open the account", show=False),
        Binding("right_square_bracket", "page(1)", "Screen down", key_display="]", show=False),
        Binding("left_square_bracket", "page(-1)", "Screen up", key_display="[", show=False),
    ]

    class Selected(LineList.Selected):
        """`enter`, or a click on the cursor row: open this account."""

        row: AccountRow

    class Scrolled(LineList.Scrolled):
        """Other rows are in view: the screen's "1-35 of 10,000" must follow."""

    class HeaderClicked(Message):
        """A click on a column header: sort by `column` (the label of a column of COLUMNS)."""

        def __init__(self, column: str) -> None:
            super().__init__()
            self.column = column

    def on_mount(self) -> None:
        self._set_columns()

    def on_resize(self) -> None:
        if self._set_columns():
            self.refresh()

    def _set_columns(self) -> bool:
        """Full columns on a wide terminal, compact ones on a narrow one; True when they changed."""
        width = self.app.size.width
        wide = COLUMNS if width >= WIDE_FROM else STANDARD_COLUMNS
        return self.set_columns(COMPACT_COLUMNS if width < COMPACT_BELOW else wide)

    def show(self, rows: list[AccountRow], reloaded: bool = False) -> None:
        """Show `rows` in this order, the cursor at the top; or, `reloaded` (new rows from the book), with
        the cursor on the account it was on (else on its line) and the rows drawn so far forgotten."""
        if not reloaded:
            self.show_rows(rows)
            return
        selected, cursor = self.selected, self.cursor_row
        ids = [r.account_id for r in rows]
        if selected is not None and selected.account_id in ids:
            cursor = ids.index(selected.account_id)
        self.show_rows(rows, cursor, new=True)

    def status(self) -> str:
        """Which rows are in view, as "1-35 of 10,000"."""
        if not self.loaded:
            return "loading…"
        if not self.rows_shown:
            return "no accounts match"
        start = min(self.first_shown(), len(self.rows_shown) - 1)
        end = min(start + self.data_height, len(self.rows_shown))
        return f"{start + 1:,}-{end:,} of {len(self.rows_shown):,}"

    def header_clicked(self, column: ListColumn[AccountRow]) -> None:
        if isinstance(column, Column):
            self.post_message(self.HeaderClicked(column.sorts_as or column.label))
