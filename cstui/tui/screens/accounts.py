"""The account list: sort by any column, filter as you type, by band and segment."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Static

from cstui.metrics.bands import Band
from cstui.readmodels import views
from cstui.safe_text import ONE_LINE_LIMIT, visible
from cstui.storage.bookfile.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.account_columns import COLUMNS, RowFilter, RowOrder
from cstui.tui.widgets.account_table import AccountTable
from cstui.tui.widgets.filter_box import FilterBox

BAND_FILTERS = (None, Band.RED, Band.YELLOW, Band.GREEN)


class AccountsScreen(BookScreen[RowOrder]):
    """Every account with health at a glance; enter opens one."""

    AUTO_FOCUS = "#accounts"

    BINDINGS = [
        Binding("slash", "search", "Search", key_display="/"),
        Binding("s", "sort_menu", "Sort by"),
        Binding("S", "sort(0)", "Reverse sort", show=False),
        Binding("b", "band", "Band filter"),
        Binding("g", "segment", "Segment filter", show=False),
        Binding("h", "churned", "Show churned", show=False),
        Binding("N", "news", "New since last look", show=False),
        Binding("f", "feedback", "Log feedback"),
        Binding("n,plus", "add_account", "Add account", key_display="n", show=False),
        Binding("escape", "clear_search", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.order = RowOrder([])
        self.sort_column = 3  # health, worst first
        self.sort_reverse = False
        self.band_filter: Band | None = None
        self.segment_filter: str | None = None
        self.show_churned = False
        self.news_only = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="accounts-bar"):
            yield FilterBox(placeholder="/ to filter by name, key, segment or stage", id="search")
            yield Static("", id="accounts-status", markup=False)
        yield AccountTable(id="accounts")
        yield Footer()

    def fetch(self, conn: Conn) -> RowOrder:
        return RowOrder(views.account_rows(conn, self.app.as_of))  # every sort order, off the UI thread

    def show(self, order: RowOrder) -> None:
        self.order = order
        self.apply(reloaded=True)

    @property
    def all_rows(self) -> list[views.AccountRow]:
        """Every account of the latest load, churned ones included, in the book's order."""
        return self.order.rows

    @property
    def table(self) -> AccountTable:
        return self.query_one("#accounts", AccountTable)

    def visible_rows(self) -> list[views.AccountRow]:
        where = RowFilter(
            self.query_one("#search", Input).value,
            self.band_filter,
            self.segment_filter,
            self.show_churned,
            self.news_only,
        )
        return self.order.shown(self.sort_column, self.sort_reverse, where)

    def apply(self, reloaded: bool = False) -> None:
        self.table.show(self.visible_rows(), reloaded=reloaded)
        self.show_status()

    def on_account_table_scrolled(self, event: AccountTable.Scrolled) -> None:
        self.show_status()

    def show_status(self) -> None:
        """The bar above the table: which rows are shown, the sort, the filters."""
        arrow = "▼" if self.sort_reverse else "▲"
        parts = [self.table.status(), f"sort: {COLUMNS[self.sort_column].label} {arrow}"]
        if self.band_filter:
            parts.append(f"band: {self.band_filter}")
        if self.segment_filter:
            parts.append(f"segment: {visible(self.segment_filter, one_line=True, limit=ONE_LINE_LIMIT)}")
        parts.append("churned shown" if self.show_churned else "churned hidden")
        news = sum(1 for r in self.all_rows if r.news)
        if self.news_only or news:
            parts.append(f"● new since last look: {news}" + (" (only these)" if self.news_only else " (N)"))
        self.query_one("#accounts-status", Static).update("  ·  ".join(parts), layout=False)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.apply()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus or search.value:
            search.value = ""
            self.table.focus()
        else:
            self.app.switch_mode("dashboard")

    def action_sort(self, step: int) -> None:
        """`S`: the same column, the other way round."""
        self.sort_reverse = not self.sort_reverse
        self.apply()

    def action_sort_menu(self) -> None:
        """`s`: every column in a menu, each a digit away (the current one again reverses)."""
        from cstui.tui.screens.sort_menu import SortMenu

        def chosen(index: int | None) -> None:
            if index is not None:
                self.sort_by(index)

        self.app.push_screen(SortMenu([c.label for c in COLUMNS], self.sort_column, self.sort_reverse), chosen)

    def sort_by(self, index: int) -> None:
        """Sort by COLUMNS[index]; by the column already sorted by: the other way round."""
        self.sort_reverse = not self.sort_reverse if index == self.sort_column else False
        self.sort_column = index
        self.apply()

    def on_account_table_header_clicked(self, event: AccountTable.HeaderClicked) -> None:
        self.sort_by([c.label for c in COLUMNS].index(event.column))

    def action_band(self) -> None:
        self.band_filter = BAND_FILTERS[(BAND_FILTERS.index(self.band_filter) + 1) % len(BAND_FILTERS)]
        self.apply()

    def action_segment(self) -> None:
        segments = [None, *sorted({r.segment for r in self.all_rows if r.segment})]
        current = segments.index(self.segment_filter) if self.segment_filter in segments else 0
        self.segment_filter = segments[(current + 1) % len(segments)]
        self.apply()

    def action_churned(self) -> None:
        self.show_churned = not self.show_churned
        self.apply()

    def action_news(self) -> None:
        """Show only the accounts with something new since the last look (again: every account)."""
        self.news_only = not self.news_only
        self.apply()

    def on_account_table_selected(self, event: AccountTable.Selected) -> None:
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(event.row.account_id))

    def action_add_account(self) -> None:
        from cstui.tui.screens.account_records import add_account

        add_account(self.app)

    def action_feedback(self) -> None:
        from cstui.tui.screens.feedback import open_feedback

        row = self.table.selected
        if row is not None:
            open_feedback(self.app, row.account_id)
