"""The inbox review (`I`): ingested meetings and mail, one by one, until each has the CSM's look.

Like the check-in: `j`/`k` move, a digit gives the CSM's read (`1`..`5` = -2..+2), `r` accepts the
interaction as ingested, `f` opens it in the feedback form to rewrite it or add a follow-up, and
`A` accepts every one listed, after asking (a first ingest of a year's calendar brings hundreds).
A reviewed interaction leaves the queue and the cursor stays where it was, on the next one.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from cstui.storage import queries, review
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.text import book_text, number

# Digit key -> the read it records: 1 = -2 (very negative) .. 5 = +2 (very positive).
READ_KEYS = {str(i + 1): read for i, read in enumerate(review.READS)}


class ReviewScreen(BookScreen):
    """Unreviewed ingested interactions, the newest first."""

    DEFAULT_CSS = """
    #review-progress { padding: 0 1; text-style: bold; }
    #inbox { height: 2fr; }
    #inbox-detail-box { height: 1fr; }
    """

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        *(
            Binding(key, f"read({read})", f"Read {read:+d}", show=False)
            if key != "1"
            # One footer entry for the five digits.
            else Binding(key, f"read({read})", "Your read -2..+2", key_display="1-5")
            for key, read in READ_KEYS.items()
        ),
        Binding("r", "accept", "Accept as is"),
        Binding("f", "feedback", "Edit in form"),
        Binding("A", "accept_all", "Accept all listed", show=False),
        Binding("enter", "open", "Open account", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.items: list[review.Unreviewed] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="review-progress", markup=False)
        yield DataTable(id="inbox", cursor_type="row", zebra_stripes=True)
        with Vertical(id="inbox-detail-box", classes="box"):
            yield Static("", id="inbox-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.table.add_columns("Date", "Kind", "Account", "Summary", "Min", "Tone")
        super().on_mount()

    def fetch(self, conn) -> list[review.Unreviewed]:
        return review.unreviewed(conn, self.app.as_of)

    @property
    def table(self) -> DataTable:
        return self.query_one("#inbox", DataTable)

    @property
    def current(self) -> review.Unreviewed | None:
        row = self.table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    def show(self, items: list[review.Unreviewed]) -> None:
        row = self.table.cursor_row
        self.items = items
        table = self.table
        table.clear()
        for item in items:
            table.add_row(
                Text(item.occurred_on),
                Text(item.kind),
                book_text(item.account_key),
                book_text(item.summary),
                number(item.duration_minutes, "{:d}"),
                number(item.text_sentiment, "{:+.1f}"),
                key=str(item.interaction_id),
            )
        count = len(items)
        self.query_one("#review-progress", Static).update(
            f"Inbox: {count} ingested interaction{'' if count == 1 else 's'} to review  ·  1-5 your read (-2..+2)"
            if count
            else "Inbox: nothing to review (`cstui ingest` adds meetings and mail here)"
        )
        if items:
            table.move_cursor(row=min(max(row, 0), count - 1))
        self.show_detail()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        item = self.current
        text = Text()
        if item is not None:
            text.append_text(book_text(f"{item.account_key} {item.account_name}", "bold"))
            text.append(f"  {item.occurred_on} {item.kind}")
            if item.duration_minutes is not None:
                text.append(f", {item.duration_minutes} min")
            text.append("\n")
            text.append_text(book_text(item.summary, "bold"))
            text.append("\nwith ")
            text.append_text(book_text(item.participants or "nobody named"))
            if item.notes:
                text.append("\n")
                text.append_text(book_text(item.notes, one_line=False))
        self.query_one("#inbox-detail", Static).update(text)

    def action_move(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def _done(self, change, *args) -> None:
        if self.app.write(change, *args) is not None:
            self.app.book_changed()

    def action_read(self, read: int) -> None:
        if self.current:
            self._done(review.set_read, self.current.interaction_id, read)

    def action_accept(self) -> None:
        if self.current:
            self._done(review.accept, self.current.interaction_id)

    def action_accept_all(self) -> None:
        from cstui.tui.screens.confirm import ConfirmScreen

        ids = [item.interaction_id for item in self.items]
        if not ids:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._done(review.accept_all, ids)

        self.app.push_screen(ConfirmScreen(f"Accept all {len(ids)} as they are, without your read?"), answer)

    def action_feedback(self) -> None:
        from cstui.tui.screens.feedback import FeedbackScreen

        item = self.current
        if item is None:
            return
        contacts = [c.name for c in queries.contacts(self.app.book.conn, item.account_id)]

        def saved(done: bool | None) -> None:
            if done:
                self.app.say(f"Reviewed: {item.summary}")
                self.app.book_changed()

        self.app.push_screen(
            FeedbackScreen(
                item.account_id,
                item.account_key,
                item.account_name,
                self.app.as_of.isoformat(),
                contacts,
                existing=item.as_feedback(self.app.as_of),
                interaction_id=item.interaction_id,
            ),
            saved,
        )

    def action_open(self) -> None:
        from cstui.tui.screens.account import AccountScreen

        if self.current:
            self.app.push_screen(AccountScreen(self.current.account_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
