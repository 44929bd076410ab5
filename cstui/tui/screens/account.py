"""One customer: the health breakdown, what changed, the trend, contacts, timeline, follow-ups."""

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.widgets import DataTable, Footer, Header, Static

from cstui.formatting import change_text, date_or_missing, figure
from cstui.metrics.health import is_new
from cstui.readmodels import views
from cstui.readmodels.since import since_last_look, since_lines
from cstui.safe_text import visible
from cstui.storage import seen
from cstui.storage.bookfile.access import Conn
from cstui.tui.screens.account_records import (
    RECORD_NAMES,
    RowRef,
    delete_record,
    edit_account,
    edit_record,
    open_record,
)
from cstui.tui.screens.base import BookScreen
from cstui.tui.widgets.charts import Chart
from cstui.tui.widgets.plan_panel import PlanPanel
from cstui.tui.widgets.playbook_panel import PlaybookPanel
from cstui.tui.widgets.text import BAND_STYLE, book_text, number, trend

if TYPE_CHECKING:
    from cstui.readmodels.qbr import QbrPack

TIMELINE_LIMIT = 200  # the newest entries the timeline shows


def _one_line(value: object) -> str:
    return visible(value, one_line=True)


class AccountScreen(BookScreen[views.AccountDetail]):
    """The per-customer health breakdown and everything behind it."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", show=False),
        # Shown under `?`: tab goes round the page and its three lists; enter opens a list's row.
        Binding("tab", "app.focus_next", "Next: follow-ups, contacts, timeline, page", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous list", show=False),
        Binding("enter", "open_row", "Open the record under the cursor", show=False),
        Binding("f", "feedback", "Log feedback"),
        Binding("n", "survey", "Add survey"),
        Binding("x", "complete", "Complete follow-up", show=False),
        Binding("B", "brief", "Pre-call brief", show=False),
        Binding("e", "edit_row", "Edit row"),
        Binding("delete", "delete_row", "Delete row", show=False),
        Binding("E", "edit_account", "Edit account", show=False),
        Binding("p", "playbook", "Apply a playbook", show=False),  # issue 12
        Binding("w", "renewal_call", "Renewal call"),  # issue 12
        Binding("Q", "qbr", "QBR pack", show=False),  # issue 29
    ]
    DEFAULT_CSS = """
    #follow-ups, #contacts { height: auto; max-height: 6; }
    #since-look { border-left: thick $accent; padding: 0 1; }
    """

    def __init__(self, account_id: int, focus: RowRef | None = None) -> None:
        """`focus` (a search hit's record) puts the cursor on that record's row once the account is shown."""
        super().__init__()
        self.account_id = account_id
        self.focus_ref = focus  # until the first show has moved the cursor there
        self.detail: views.AccountDetail | None = None
        self.rows: dict[str, list[RowRef]] = {}  # table id -> the record behind each row
        self.placing = False  # the next cursor move is `focus_row`'s, which scrolls the page itself
        # The last look this visit compares with, read by the first load (None: never opened before);
        # reloads during the visit compare with it too, and the visit is remembered when it starts and ends.
        self.previous: seen.SeenMarker | None = None
        self.previous_read = False
        self.remembered = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="account-body"):
            yield Static("…", id="account-title", markup=False)
            yield Static("", id="since-look", markup=False)
            yield Static("", id="account-change", markup=False)
            yield DataTable(id="breakdown", cursor_type="none", zebra_stripes=True)
            with Horizontal(id="account-middle"):
                yield Chart("Health, month ends", id="health-chart")
                with Vertical(id="account-side"):
                    yield Static("Follow-ups", id="follow-ups-title", classes="box-title")
                    yield DataTable(id="follow-ups", cursor_type="row", show_header=False)
                    yield Static("Playbooks", classes="box-title")
                    yield PlaybookPanel(id="playbooks")
                    yield Static("Success plan", classes="box-title")  # issue 29
                    yield PlanPanel(id="plan")
                    yield Static("Contacts", id="contacts-title", classes="box-title")
                    yield DataTable(id="contacts", cursor_type="row", show_header=False)
            yield Static("⚠ = stale: the component's newest fact is old", classes="hint")
            yield Static("Timeline (newest first)", classes="box-title")
            yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        # The raw values last: at 80 columns they are cut, never the points and the newest fact.
        self.query_one("#breakdown", DataTable).add_columns(
            "Component", "Score", "Weight %", "Points", "Newest fact", "Raw value"
        )
        self.query_one("#timeline", DataTable).add_columns("Date", "Kind", "What")
        self.query_one("#follow-ups", DataTable).add_columns("Due", "Follow-up")
        self.query_one("#contacts", DataTable).add_columns("", "Who")
        # Tab stops: the page (up/down scroll it), the follow-ups, contacts and timeline (row cursors).
        self.query_one("#breakdown", DataTable).can_focus = False
        self.query_one("#health-chart", Chart).can_focus = False
        super().on_mount()

    def fetch(self, conn: Conn) -> views.AccountDetail:
        detail = views.account_detail(conn, self.account_id, self.app.as_of, TIMELINE_LIMIT)
        if not self.previous_read:
            self.previous, self.previous_read = seen.last_seen(conn, self.account_id), True
        detail.since = since_last_look(conn, self.account_id, self.app.as_of, detail.breakdown, self.previous)
        return detail

    def remember_look(self, marker: seen.SeenMarker) -> None:
        """Keep this look as the account's last (a marker, not a change: nothing to undo)."""
        if not self.app.opened.read_only:
            self.app.write(seen.mark_seen, marker)

    def on_unmount(self) -> None:
        """Leaving the account: what the screen last showed has been seen (its own writes reload it).
        Not the book's newest change: a write from another process after that load was never shown,
        and must still be news at the next look."""
        if self.detail is not None and self.detail.since is not None and self.app.lost is None:
            self.remember_look(self.detail.since.now)

    def show(self, d: views.AccountDetail) -> None:
        self.detail = d
        b = d.breakdown
        info = d.info
        title = book_text(info.name, "bold")
        title.append_text(
            book_text(f"  {info.key}  ·  {info.segment or '-'}  ·  {info.plan or '-'}  ·  ARR {d.arr:,.0f}  ·  ")
        )
        renews, churned = info.renewal_date, info.churn_date
        title.append(f"renews {renews}" if renews else f"churned {churned}" if churned else "no renewal date")
        title.append("\nHealth ")
        score = figure(b.score, "{:.1f}")
        title.append(f"{score} ({b.band.label})", style=BAND_STYLE.get(b.band, ""))
        title.append(" ")
        if d.change and d.change.delta is not None:
            title.append_text(trend(d.change.delta))
        self.query_one("#account-title", Static).update(title)
        if d.since is not None:
            self.query_one("#since-look", Static).update("\n".join(since_lines(d.since, _one_line)))
            if not self.remembered:
                self.remembered = True
                self.call_later(self.remember_look, d.since.now)
        if d.change and d.change.delta is not None:
            period = f"since the snapshot of {d.change.before.as_of}"
            said = f"Health {change_text(d.change.delta, period)}; {d.change.explanation()}"
        elif d.change:
            said = f"Since the snapshot of {d.change.before.as_of}: {d.change.summary()}"
        elif is_new(info.start_date, self.app.as_of):
            said = f"New account (started {visible(info.start_date)}): no earlier health to compare with."
        else:
            said = "No earlier snapshot to compare with yet."
        why = b.why_no_score()
        self.query_one("#account-change", Static).update(f"{why[:1].upper()}{why[1:]}. {said}" if why else said)
        table = self.query_one("#breakdown", DataTable)
        table.clear()
        for c, points in zip(b.components, b.rounded_points()):
            newest = date_or_missing(c.newest) + (" ⚠" if c.stale else "")
            table.add_row(
                Text(c.label),
                Text("no data", style="dim") if c.score is None else number(c.score),
                number(c.share),
                number(points),
                Text(newest, style="yellow" if c.stale else ""),
                book_text(c.raw),
            )
        table.add_row(
            Text("Total", style="bold"),
            Text(""),
            number(100.0 if b.score is not None else None),
            number(b.score, style="bold"),
            Text(""),
            Text(""),
        )
        self.query_one("#follow-ups-title", Static).update("Follow-ups" if d.follow_ups else "Follow-ups: none open")
        self.query_one("#contacts-title", Static).update("Contacts" if d.contacts else "Contacts: none")
        self.query_one("#health-chart", Chart).draw_lines(
            [day for day, _ in d.history], {"health": [score for _, score in d.history]}, ylim=(0, 100)
        )
        today = self.app.as_of.isoformat()
        self._fill(
            "follow-ups",
            [
                (
                    RowRef("tasks", t.task_id, t.title),
                    [Text(t.due_on, style="bold red" if t.due_on <= today else ""), book_text(t.title)],
                )
                for t in d.follow_ups
            ],
        )
        self.query_one("#playbooks", PlaybookPanel).load(self.account_id)
        self.query_one("#plan", PlanPanel).load(self.account_id)
        self._fill(
            "contacts",
            [
                (
                    RowRef("contacts", c.contact_id, c.contact.name),
                    [
                        Text("★" if c.contact.champion else ""),
                        book_text(
                            f"{c.contact.name}  {c.contact.role}  {c.contact.email}"
                            + (f"  (left {c.left_on})" if c.left_on else "")
                        ),
                    ],
                )
                for c in d.contacts
            ],
        )
        self._fill(
            "timeline",
            [
                (
                    RowRef(r.table, r.record_id, r.entry.text),
                    [Text(r.entry.day), Text(r.entry.kind), book_text(r.entry.text)],
                )
                for r in d.timeline
            ],
        )
        if self.focus_ref is not None:
            ref, self.focus_ref = self.focus_ref, None
            self.focus_row(ref)

    def focus_row(self, ref: RowRef) -> None:
        """Put the cursor of whichever table shows `ref` on its row, focus that table and scroll the row
        into view; when no table shows it, say why instead of leaving the cursor at the top."""
        for table_id, refs in self.rows.items():
            row = next((i for i, shown in enumerate(refs) if shown.same_record(ref)), None)
            if row is not None:
                table = self.query_one(f"#{table_id}", DataTable)
                self.placing = row != table.cursor_row
                table.move_cursor(row=row)
                table.focus(scroll_visible=False)
                self.call_after_refresh(self._scroll_to_cursor, table)
                return
        self.app.say(self._not_shown(ref), severity="warning", timeout=8)

    def _not_shown(self, ref: RowRef) -> str:
        """Why a record of this account has no row here, in one line."""
        name = f"{RECORD_NAMES.get(ref.table, ref.table)} {ref.record_id}"
        day = self.app.as_of.isoformat()
        if ref.table == "tasks":  # a task's day is its due date: only being done keeps it off the list
            return f"This {name} is done: the account lists open follow-ups only."
        if ref.day is not None and ref.day > day:
            return f"This {name} is dated {ref.day}, after {day}: the timeline ends at {day}."
        if self.detail is not None and len(self.detail.timeline) >= TIMELINE_LIMIT:
            return f"This {name} is older than the {TIMELINE_LIMIT} newest timeline entries shown here."
        return f"This {name} is not shown on the account screen."

    def _scroll_to_cursor(self, table: DataTable) -> None:
        """Bring the cursor row on screen: near the top of the table's own window (the timeline scrolls
        inside a fixed height), then the account body scrolled to that row (the table may be taller
        than the screen at 80x24)."""
        table.scroll_to(y=max(0, table.cursor_row - 2), animate=False, immediate=True)
        body = self.query_one("#account-body", VerticalScroll)
        header = table.header_height if table.show_header else 0
        row_y = table.region.y + header + table.cursor_row - round(table.scroll_y)
        top = row_y - body.region.y + round(body.scroll_y)
        body.scroll_to_region(Region(0, top, 1, 1), center=True, animate=False, immediate=True)

    def _fill(self, table_id: str, rows: list[tuple[RowRef, list[Text]]]) -> None:
        """Refill a row table, keeping its cursor where it was (on the same row number)."""
        table = self.query_one(f"#{table_id}", DataTable)
        where = table.cursor_row
        table.clear()
        for _, cells in rows:
            table.add_row(*cells)
        self.rows[table_id] = [ref for ref, _ in rows]
        if rows:
            table.move_cursor(row=min(where, len(rows) - 1))

    def _current(self) -> RowRef | None:
        """The record under the cursor of the focused row table (the timeline when none is focused)."""
        focused = self.focused
        table_id = focused.id if isinstance(focused, DataTable) and focused.id in self.rows else "timeline"
        refs = self.rows.get(table_id or "", [])
        row = self.query_one(f"#{table_id}", DataTable).cursor_row
        if not refs or not 0 <= row < len(refs):
            self.app.say("No row here to act on", severity="warning")
            return None
        return refs[row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Up/down in a list move its cursor and the page follows it (the lists are taller than 80x24)."""
        table = event.data_table
        if self.placing:  # `focus_row` scrolls to the row it put the cursor on itself
            self.placing = False
            return
        if table.has_focus and table.id in self.rows:
            self.call_after_refresh(self._follow_cursor, table)

    def _follow_cursor(self, table: DataTable) -> None:
        """Scroll the page just enough to show the cursor row of `table`."""
        body = self.query_one("#account-body", VerticalScroll)
        header = table.header_height if table.show_header else 0
        row_y = table.region.y + header + table.cursor_row - round(table.scroll_y)
        top = row_y - body.region.y + round(body.scroll_y)
        body.scroll_to_region(Region(0, top, 1, 1), animate=False, immediate=True)

    def action_open_row(self) -> None:
        """`enter` with the page focused (a list's own `enter` opens its row): say where rows are."""
        self.app.say("tab to the follow-ups, contacts or timeline; enter opens the row under the cursor")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """`enter` on a row opens its whole record."""
        if event.data_table.id in self.rows and (ref := self._current()) is not None:
            open_record(self.app, ref)

    def action_edit_row(self) -> None:
        if (ref := self._current()) is not None:
            edit_record(self.app, ref)

    def action_delete_row(self) -> None:
        if (ref := self._current()) is not None:
            delete_record(self.app, ref)

    def action_edit_account(self) -> None:
        if self.detail is not None:
            edit_account(self.app, self.detail.info.key)

    def action_feedback(self) -> None:
        from cstui.tui.screens.feedback import open_feedback

        open_feedback(self.app, self.account_id)

    def action_survey(self) -> None:
        from cstui.tui.screens.survey import open_survey

        open_survey(self.app, self.account_id)

    def action_complete(self) -> None:
        from cstui.tui.screens.feedback import complete_first_follow_up

        complete_first_follow_up(self.app, self.account_id)

    def action_brief(self) -> None:
        from cstui.tui.screens.precall import PrecallScreen

        self.app.push_screen(PrecallScreen(self.account_id))

    def action_playbook(self) -> None:
        from cstui.tui.screens.playbook_chooser import apply_playbook_from

        apply_playbook_from(self.app, self.account_id)

    def action_renewal_call(self) -> None:
        from cstui.tui.screens.renewal_call import record_renewal_call

        record_renewal_call(self.app, self.account_id)

    def action_qbr(self) -> None:
        """Write this quarter's QBR pack (customer version) into the current directory, as `cstui qbr` does."""
        self.app.say("Writing the QBR pack…", timeout=3)
        self._write_qbr()

    @work(thread=True, exclusive=True, group="qbr", exit_on_error=False)
    def _write_qbr(self) -> None:
        from cstui.documents.qbr_pack import write_pack
        from cstui.readmodels.qbr import qbr_pack, quarter_of

        today = self.app.as_of
        with self.app.reader() as conn:
            pack = qbr_pack(conn, self.account_id, quarter_of(today), today, internal=False)
        html, _ = write_pack(pack, Path.cwd())
        self.app.call_from_thread(self._qbr_written, pack, html)

    def _qbr_written(self, pack: "QbrPack", html: Path) -> None:
        from cstui.storage.qbr import keep_pack

        # The files are written either way; a busy or read-only book only misses the kept figures (app.write says so).
        self.app.write(
            keep_pack, self.account_id, pack.account.key, pack.quarter.label, self.app.as_of, pack.figures.to_json()
        )
        self.app.say(f"QBR pack written: {html} (and .md)", timeout=10)
