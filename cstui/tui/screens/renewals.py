"""Renewals (`R`): the next 12 months by month, ARR at stake, the CSM's call beside the health band.

A month is a heading row (renewals, ARR at stake, expected ARR, how many still without a call);
a disagreement between call and band (commit but red; at risk or lost but green) is flagged in
red. `enter` opens the account, where `w` records the call.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

from cstui.formatting import figure
from cstui.readmodels.renewals import Renewals, renewals
from cstui.storage.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.text import band, book_text, number

CALL_STYLE = {"commit": "green", "probable": "cyan", "at_risk": "yellow", "lost": "red"}


class RenewalsScreen(BookScreen[Renewals]):
    """Every renewal in the next 12 months, grouped by month."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="renewals-summary", markup=False)
        yield DataTable(id="renewals-table", cursor_type="row", zebra_stripes=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#renewals-table", DataTable).add_columns(
            "Renews", "Account", "Name", "ARR", "Health", "Call", "Expected ARR", "Flag"
        )
        super().on_mount()

    def fetch(self, conn: Conn) -> Renewals:
        return renewals(conn, self.app.as_of)

    def show(self, data: Renewals) -> None:
        rows = data.rows
        flagged = sum(1 for r in rows if r.disagreement)
        called = sum(1 for r in rows if r.call)
        self.query_one("#renewals-summary", Static).update(
            Text(
                f"{len(rows)} renewals in the next 12 months, ARR {sum(r.arr for r in rows):,.0f}; "
                f"{called} with a call, {flagged} where call and health disagree"
            )
        )
        table = self.query_one("#renewals-table", DataTable)
        table.clear()
        for month in data.months:
            table.add_row(
                Text(month.month, style="bold"),
                Text(f"{len(month.rows)} renewals", style="bold"),
                Text(f"{month.uncalled} without a call", style="dim"),
                number(month.arr, "{:,.0f}", "bold"),
                Text(""),
                Text(""),
                number(month.expected_arr, "{:,.0f}", "bold"),
                Text(""),
                key=f"month-{month.month}",
            )
            for r in month.rows:
                call = Text(r.call.label, style=CALL_STYLE[r.call.value]) if r.call else Text("no call", style="dim")
                table.add_row(
                    Text(r.renewal_date),
                    book_text(r.key),
                    book_text(r.name),
                    number(r.arr, "{:,.0f}"),
                    band(r.band),
                    call,
                    Text(figure(r.expected_arr, "{:,.0f}"), justify="right"),
                    Text(r.disagreement or "", style="bold red"),
                    key=str(r.account_id),
                )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if key.isdigit():
            from cstui.tui.screens.account import AccountScreen

            self.app.push_screen(AccountScreen(int(key)))
