"""Renewals (`R`): the next 12 months by month, ARR at stake, the CSM's call beside the health band.

A month is a heading row (renewals, ARR at stake, expected ARR - "no calls yet" when none has a call
- and how many are still without a call); a disagreement between call and band (commit but red; at
risk or lost but green) is flagged in red. `w` records the call of the renewal under the cursor, `s`
sorts (within each month), `/` filters by key or name, `g` lists only those without a call or only
the flagged ones, `enter` opens the account. At 80 columns the name moves to the line under the
table (for the row under the cursor) so that the expected ARR and the flag keep their columns.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static

from cstui.formatting import counted, figure, money_short
from cstui.readmodels.renewals import SORTS, RenewalRow, Renewals, Shown, arranged, renewals
from cstui.storage.bookfile.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.filter_box import FilterBox
from cstui.tui.widgets.table_columns import Columns, set_columns
from cstui.tui.widgets.text import band, book_text, fitted, number

CALL_STYLE = {"commit": "green", "probable": "cyan", "at_risk": "yellow", "lost": "red"}
NARROW_BELOW = 110  # under this many columns: no name column, short dates and month sums
WIDE = (
    ("Renews", 10),
    ("Account", 10),
    ("Name", 24),
    ("ARR", 9),
    ("Health", 6),
    ("Call", 8),
    ("Expected ARR", 12),
    ("Flag", 17),
)
NARROW = (("Renews", 7), ("Account", 11), ("ARR", 7), ("Health", 6), ("Call", 8), ("Expected", 8), ("Flag", 17))
SHOWN = list(Shown)


class RenewalsScreen(BookScreen[Renewals]):
    """Every renewal in the next 12 months, grouped by month."""

    AUTO_FOCUS = "#renewals-table"
    BINDINGS = [
        Binding("w", "renewal_call", "Renewal call"),
        Binding("s", "sort_menu", "Sort by"),
        Binding("S", "reverse", "Reverse sort", show=False),
        Binding("slash", "search", "Filter", key_display="/"),
        Binding("g", "shown", "Uncalled / flagged"),
        Binding("escape", "clear_search", "Back", show=False),
    ]
    DEFAULT_CSS = """
    #renewals-bar { height: 1; }
    #renewals-search { width: 24; height: 1; }
    #renewals-summary, #renewals-row { padding: 0 1; height: auto; }
    #renewals-status {
        width: 1fr; height: 1; padding: 0 1; color: $text-muted; text-wrap: nowrap; text-overflow: ellipsis;
    }
    #renewals-table { height: 1fr; scrollbar-gutter: stable; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.data: Renewals | None = None
        self.sort = "Renewal date"
        self.reverse = False
        self.shown = Shown.ALL
        self.columns: Columns = ()
        self.row_of: dict[str, RenewalRow] = {}  # a table row's key -> its renewal (month rows have none)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="renewals-summary", markup=False)
        with Horizontal(id="renewals-bar"):
            yield FilterBox(placeholder="/ filter: key or name", id="renewals-search", compact=True)
            yield Static("", id="renewals-status", markup=False)
        yield DataTable(id="renewals-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="renewals-row", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._set_columns()
        super().on_mount()

    @property
    def table(self) -> DataTable:
        return self.query_one("#renewals-table", DataTable)

    @property
    def narrow(self) -> bool:
        return self.columns == NARROW

    def _set_columns(self) -> bool:
        self.columns = NARROW if self.app.size.width < NARROW_BELOW else WIDE
        return set_columns(self.table, self.columns)

    def on_resize(self) -> None:
        if self._set_columns():
            self.draw()

    def fetch(self, conn: Conn) -> Renewals:
        return renewals(conn, self.app.as_of)

    def show(self, data: Renewals) -> None:
        self.data = data
        rows = data.rows
        flagged = sum(1 for r in rows if r.disagreement)
        called = sum(1 for r in rows if r.call)
        self.query_one("#renewals-summary", Static).update(
            Text(
                f"{counted(len(rows), 'renewal')} in the next 12 months, ARR {sum(r.arr for r in rows):,.0f}; "
                f"{called} called, {flagged} flagged"
            )
        )
        self.draw()

    def draw(self) -> None:
        """The rows the sort, the filter and `g` keep, the cursor kept on its renewal."""
        if self.data is None:
            return
        table = self.table
        was = self.current
        needle = self.query_one("#renewals-search", Input).value
        months = arranged(self.data, self.sort, self.reverse, needle, self.shown)
        table.clear()
        self.row_of = {}
        money = money_short if self.narrow else (lambda v: f"{v:,.0f}")
        for month in months:
            none_called = month.uncalled == len(month.rows)
            flag = "no calls yet" if none_called else f"{month.uncalled} without a call" if month.uncalled else ""
            self._add(
                f"month-{month.month}",
                {
                    "Renews": Text(month.month, style="bold"),
                    "Account": Text(counted(len(month.rows), "renewal"), style="bold"),
                    "ARR": Text(money(month.arr), style="bold", justify="right"),
                    "Expected ARR": Text("-" if none_called else money(month.expected_arr), "bold", justify="right"),
                    "Flag": Text(flag, style="dim"),
                },
            )
            for r in month.rows:
                self.row_of[str(r.account_id)] = r
                call = Text(r.call.label, style=CALL_STYLE[r.call.value]) if r.call else Text("no call", style="dim")
                self._add(
                    str(r.account_id),
                    {
                        "Renews": Text(r.renewal_date[5:] if self.narrow else r.renewal_date),
                        "Account": book_text(r.key),
                        "Name": book_text(r.name),
                        "ARR": number(r.arr, "{:,.0f}"),
                        "Health": band(r.band),
                        "Call": call,
                        "Expected ARR": Text(figure(r.expected_arr, "{:,.0f}"), justify="right"),
                        "Flag": Text(r.disagreement or "", style="bold red"),
                    },
                )
        if was is not None and str(was.account_id) in self.row_of:
            table.move_cursor(row=table.get_row_index(str(was.account_id)))
        self.show_status(sum(len(m.rows) for m in months))
        self.show_row()

    def _add(self, key: str, cells: dict[str, Text]) -> None:
        def cell(label: str, width: int) -> Text:
            text = cells.get("Expected ARR" if label == "Expected" else label, Text(""))
            return text if text.justify == "right" else fitted(text, width)

        self.table.add_row(*(cell(label, width) for label, width in self.columns), key=key)

    def show_status(self, count: int) -> None:
        arrow = "▼" if self.reverse else "▲"
        parts = [f"{count:,} shown", f"sort: {self.sort} {arrow}"]
        if self.shown is not Shown.ALL:
            parts.append(f"only {self.shown}")
        self.query_one("#renewals-status", Static).update("  ·  ".join(parts))

    @property
    def current(self) -> RenewalRow | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.row_of.get(str(key))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_row()

    def show_row(self) -> None:
        """The renewal under the cursor in full: key, name, call and reason (the name has no column at 80)."""
        r = self.current
        text = Text()
        if r is not None:
            text.append_text(book_text(f"{r.key} {r.name}", "bold"))
            text.append(f"  renews {r.renewal_date}, ARR {r.arr:,.0f}, {r.band}; ")
            text.append(f"call: {r.call.label}" if r.call else "no call yet (w records one)")
            if r.expected_arr is not None:
                text.append(f", expected {r.expected_arr:,.0f}")
            if r.reason:
                text.append(" - ")
                text.append_text(book_text(r.reason))
        self.query_one("#renewals-row", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.draw()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_search(self) -> None:
        self.query_one("#renewals-search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#renewals-search", Input)
        if search.has_focus or search.value:
            search.value = ""
            self.table.focus()
        else:
            self.app.switch_mode("dashboard")

    def action_shown(self) -> None:
        self.shown = SHOWN[(SHOWN.index(self.shown) + 1) % len(SHOWN)]
        self.draw()

    def action_sort_menu(self) -> None:
        from cstui.tui.screens.sort_menu import SortMenu

        labels = list(SORTS)

        def chosen(index: int | None) -> None:
            if index is None:
                return
            self.reverse = not self.reverse if labels[index] == self.sort else False
            self.sort = labels[index]
            self.draw()

        self.app.push_screen(SortMenu(labels, labels.index(self.sort), self.reverse), chosen)

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.draw()

    def action_renewal_call(self) -> None:
        """`w`: the call of the renewal under the cursor, as on the account screen."""
        from cstui.tui.screens.renewal_call import record_renewal_call

        if self.current is None:
            self.app.say("Put the cursor on a renewal (not a month) to record its call", severity="warning")
            return
        record_renewal_call(self.app, self.current.account_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        row = self.row_of.get(str(event.row_key.value))
        if row is not None:
            from cstui.tui.screens.account import AccountScreen

            self.app.push_screen(AccountScreen(row.account_id))
