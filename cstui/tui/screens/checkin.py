"""The daily check-in: today's queue, each account with its reasons, reviewed one by one."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from cstui.formatting import date_or_missing, figure
from cstui.metrics.checkin import CheckinItem, CheckinQueue, checkin_queue
from cstui.safe_text import ONE_LINE_LIMIT, visible
from cstui.storage import writes
from cstui.storage.access import Conn
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.text import band, book_text, number

STATUS = {"open": Text("•"), "reviewed": Text("✓", style="green"), "snoozed": Text("z", style="dim")}


class CheckinScreen(BookScreen[CheckinQueue]):
    """Most urgent first; r reviewed, s snooze, f log feedback, x complete a follow-up."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("r", "reviewed", "Reviewed"),
        Binding("s", "snooze", "Snooze"),
        Binding("f", "feedback", "Log feedback"),
        Binding("x", "complete", "Complete follow-up"),
        Binding("enter", "open", "Open account"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[CheckinItem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="checkin-progress", markup=False)
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        with Vertical(id="reasons-box", classes="box"):
            yield Static("Why it is here", classes="box-title")
            yield Static("", id="reasons", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#queue", DataTable).add_columns("", "Band", "Account", "Name", "ARR", "Renewal", "Reasons")
        super().on_mount()

    def fetch(self, conn: Conn) -> CheckinQueue:
        return checkin_queue(conn, self.app.as_of)

    @property
    def table(self) -> DataTable:
        return self.query_one("#queue", DataTable)

    @property
    def current(self) -> CheckinItem | None:
        row = self.table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    def progress(self) -> tuple[int, int, int]:
        reviewed = sum(i.status == "reviewed" for i in self.items)
        snoozed = sum(i.status == "snoozed" for i in self.items)
        return reviewed, snoozed, len(self.items)

    def show(self, queue: CheckinQueue) -> None:
        keep = self.current.account_id if self.current else None
        self.items = items = queue.items
        table = self.table
        table.clear()
        for item in items:
            first = item.reasons[0].text if item.reasons else "resolved"
            more = f" (+{len(item.reasons) - 1})" if len(item.reasons) > 1 else ""
            table.add_row(
                STATUS[item.status],
                band(item.band),
                book_text(item.key),
                book_text(item.name),
                number(item.arr, "{:,.0f}"),
                Text(date_or_missing(item.renewal_date)),
                book_text(first + more),
                key=str(item.account_id),
            )
        unknown = ", ".join(visible(name, one_line=True) for name in queue.unknown_rules)
        reviewed, snoozed, total = self.progress()
        self.query_one("#checkin-progress", Static).update(
            f"Check-in {self.app.as_of.isoformat()}: {reviewed} of {total} reviewed"
            + (f", {snoozed} snoozed" if snoozed else "")
            + ("  -  all done for today" if total and reviewed + snoozed == total else "")
            + (f"\nNot checked: rules in the book with no code in this cstui: {unknown}" if unknown else "")
        )
        if keep is not None:
            index = next((i for i, item in enumerate(items) if item.account_id == keep), 0)
            table.move_cursor(row=index)
        self.show_reasons()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_reasons()

    def show_reasons(self) -> None:
        item = self.current
        text = Text()
        if item is not None:
            text.append_text(book_text(f"{item.key} {item.name}", "bold"))
            text.append(f"  health {figure(item.score, '{:.1f}')} {item.band}")
            if item.status == "snoozed":
                text.append(f"  snoozed until {item.snoozed_until}", style="dim")
            for reason in item.reasons or []:
                text.append("\n- ")
                text.append_text(book_text(reason.text))
            if not item.reasons:
                text.append("\nno reason left: resolved today", style="green")
        self.query_one("#reasons", Static).update(text)

    def action_move(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def _next_open(self) -> None:
        start = self.table.cursor_row
        for offset in range(1, len(self.items) + 1):
            index = (start + offset) % len(self.items)
            if self.items[index].status == "open":
                self.table.move_cursor(row=index)
                return

    def action_reviewed(self) -> None:
        item = self.current
        if item is None:
            return
        if self.app.write(writes.mark_reviewed, item.account_id, self.app.as_of.isoformat()) is None:
            return
        item.status = "reviewed"
        self._next_open()
        self.app.book_changed()

    def action_snooze(self) -> None:
        from cstui.tui.screens.snooze import SnoozeScreen

        item = self.current
        if item is None:
            return

        def done(until: str | None) -> None:
            if until and self.app.write(writes.snooze, item.account_id, self.app.as_of.isoformat(), until):
                item.status = "snoozed"
                self.notify(
                    f"{visible(item.key, one_line=True, limit=ONE_LINE_LIMIT)} snoozed until {until}", markup=False
                )
                self._next_open()
                self.app.book_changed()

        self.app.push_screen(SnoozeScreen(self.app.as_of), done)

    def action_feedback(self) -> None:
        from cstui.tui.screens.feedback import open_feedback

        if self.current:
            open_feedback(self.app, self.current.account_id)

    def action_complete(self) -> None:
        from cstui.tui.screens.feedback import complete_first_follow_up

        if self.current:
            complete_first_follow_up(self.app, self.current.account_id)

    def action_open(self) -> None:
        from cstui.tui.screens.account import AccountScreen

        if self.current:
            self.app.push_screen(AccountScreen(self.current.account_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
