"""The daily check-in: a morning's worth of accounts, the most at stake first, handled one by one.

r reviews, s snoozes, f logs feedback and x completes a follow-up (both also mark the account
reviewed): the account leaves the queue and the cursor stays on the same row. Every one of these is
one change in the book's history; u (or ctrl+z) undoes the last one made here and puts the cursor
back on its account. m shows (or hides) the accounts waiting beyond the day's capacity.

The health comes from the health cache; a long list (the waiting accounts of a large book) is drawn
a page first and the rest after each refresh, so the screen never waits for thousands of rows.
The day's findings are held for the app and kept in the book per book version
(cstui/derived/checkin_day.py): a reload after a review, a snooze or a task does not run the
rules again, and a new process finds them there. After the dashboard computes a new version's
figures they are prepared ahead in a worker (`checkin_ahead`) while the app is idle.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

from cstui.derived import checkin_day
from cstui.errors import UserError
from cstui.formatting import date_or_missing, figure
from cstui.metrics.checkin import CheckinItem, CheckinQueue, Reason
from cstui.metrics.checkin_rules import RULES, RuleKind
from cstui.safe_text import ONE_LINE_LIMIT, visible
from cstui.storage import checkin_writes, history, reads
from cstui.storage.bookfile.access import Conn
from cstui.storage.checkin_findings import Row
from cstui.storage.records.notes import Feedback
from cstui.storage.tasklist import OpenTask
from cstui.tui.paging import RowPager
from cstui.tui.screens.base import BookScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.widgets.measured_table import MeasuredTable
from cstui.tui.widgets.table_columns import Columns, filling, set_columns
from cstui.tui.widgets.text import band, book_text, fitted, number

if TYPE_CHECKING:
    from cstui.readmodels.views import Dashboard
    from cstui.tui.app import CstuiApp

KIND_STYLE = {RuleKind.RISK: "", RuleKind.OPPORTUNITY: "cyan"}
KIND_MARK = {RuleKind.RISK: Text("!", style="bold red"), RuleKind.OPPORTUNITY: Text("+", style="bold cyan")}
NARROW_BELOW = 110  # under this many columns the queue drops the key and the renewal date (the panel has them)
# The queue's columns but the reasons: (label, width); the reasons take the rest of the width.
WIDE_COLUMNS = (("", 1), ("Band", 6), ("Account", 10), ("Name", 22), ("ARR", 9), ("Renewal", 10))
NARROW_COLUMNS = (("", 1), ("Band", 6), ("Name", 18), ("ARR", 7))


def queue_columns(width: int) -> Columns:
    """The queue's columns for a screen `width` cells wide, the reasons filling what is left."""
    return filling(NARROW_COLUMNS if width < NARROW_BELOW else WIDE_COLUMNS, "Reasons", width, 12)


@dataclass(frozen=True)
class Done:
    """One action taken on this screen: the change to undo and where the cursor was; `also` are the
    changes made with it (the playbook applied before the review), undone with it, newest first."""

    change_id: int
    account_id: int
    label: str
    also: tuple[int, ...] = ()


def checkin_ahead(app: "CstuiApp", data: "Dashboard") -> None:
    """Called by the dashboard's worker when it has just computed today's figures (a new book
    version): the app remembers today's scores, and the day's check-in is prepared in a worker of
    its own once the app is idle, so that `c` finds it ready (a later write moves the version, and
    the prepared findings are then not used)."""
    if data.health is None or data.version is None:
        return
    app.scores.remember(app.as_of, data.version, data.health)
    app.call_from_thread(
        app.run_worker, partial(_prepare, app), thread=True, group="checkin-ahead", exclusive=True, exit_on_error=False
    )


def _prepare(app: "CstuiApp") -> None:
    """Compute the day's findings, a step at a time whenever the app is idle (`app.idle`, set by the UI
    thread: a list the CSM opens goes first), and hand them to the UI thread to keep in the book."""
    from textual.worker import get_current_worker

    worker = get_current_worker()

    def wait_until_idle() -> None:
        # Woken by the app; the timeout notices a closing app: a cancelled worker, or one started as the
        # app shut down (after Textual cancelled its workers), which nothing would ever cancel or wake.
        while not app.idle.wait(0.1):
            if worker.is_cancelled or not app.is_running:
                raise _Cancelled
        if worker.is_cancelled:
            raise _Cancelled

    held = app.derived
    try:
        wait_until_idle()
        with held.findings_lock, app.reader() as conn:
            scores = partial(app.scores, conn)  # health_drop's "14 days ago" is a step of its own
            kept = checkin_day.current_findings(conn, app.as_of, scores, held.findings, between=wait_until_idle)
            if kept.fresh and app.snapshot_on_open:
                app.call_from_thread(app.keep, checkin_day.store_findings, kept, checkin_day.to_rows(kept.findings))
                kept = replace(kept, fresh=False)
            held.findings = kept  # under the lock: the screen waiting for it finds it
    except _Cancelled:
        return


class _Cancelled(Exception):
    """The app is closing: the check-in is not prepared."""


def worked_fingerprint(app: "CstuiApp", account_id: int) -> str | None:
    """The fingerprint a call or survey logged now stores for the account when it is in today's
    check-in (logging on it marks it worked, issue 25); None when it is not. Uses the app's
    findings of the day when they are current."""
    conn = app.book.conn
    findings = app.derived.findings
    return checkin_day.worked_fingerprint(conn, app.as_of, partial(app.scores, conn), account_id, findings)


def reason_text(reason: Reason, with_action: bool = False) -> Text:
    """A reason in its kind's colour (opportunities cyan), with what to do when asked."""
    text = book_text(reason.text, KIND_STYLE[reason.kind])
    if with_action and reason.action:
        text.append(f"  -> {reason.action}", style="dim")
    return text


class CheckinFeedbackScreen(FeedbackScreen):
    """The feedback form, saved together with the account's review (one change, one undo)."""

    if TYPE_CHECKING:  # the running app, typed, so its writer is checked
        app = getters.app(CstuiApp)

    def __init__(self, item: CheckinItem, today: str, contacts: list[str]) -> None:
        super().__init__(item.account_id, item.key, item.name, today, contacts)
        self.fingerprint = item.fingerprint
        self.change_id: int | None = None

    def store(self, entry: Feedback) -> bool:
        self.change_id = self.app.write(
            checkin_writes.feedback_reviewed, entry, self.account_id, self.today, self.fingerprint
        )
        return self.change_id is not None


class CheckinScreen(BookScreen[CheckinQueue]):
    """The most at stake first; r reviewed, s snooze, f log feedback, x complete a follow-up, u undo."""

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("r", "reviewed", "Reviewed"),
        Binding("s", "snooze", "Snooze"),
        Binding("f", "feedback", "Log feedback"),
        Binding("x", "complete", "Complete follow-up", show=False),
        Binding("p", "playbook", "Apply a playbook", show=False),
        Binding("u,ctrl+z", "undo", "Undo"),
        Binding("m", "more", "More waiting", show=False),
        Binding("enter", "open", "Open account", show=False),
    ]
    waits_for_derived = True  # its load waits for the findings being prepared ahead: they go on at once

    def __init__(self) -> None:
        super().__init__()
        self.items: list[CheckinItem] = []  # the rows shown
        self.queue: CheckinQueue | None = None
        self.show_waiting = False
        self.undo_stack: list[Done] = []
        self.keep_account: int | None = None  # put the cursor on this account at the next show
        self.keep_row = 0  # else on this row
        self.pager = RowPager(self)  # a long list (the waiting accounts) a page first
        self.columns: Columns = ()
        self.due_pager = RowPager(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="checkin-progress", markup=False)
        yield MeasuredTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Static("", id="checkin-waiting", markup=False)
        yield Static("", id="checkin-coverage", markup=False)
        with Vertical(id="due-box", classes="box") as due:
            due.border_title = "Due today: your follow-ups and playbook steps (tab here, x done)"
            yield MeasuredTable(id="due-today", cursor_type="row")
        with VerticalScroll(id="reasons-box", classes="box", can_focus=False) as box:
            box.border_title = "Why it is here"
            yield Static("", id="reasons", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._set_columns()
        self.due_table.add_columns("Due", "Account", "Follow-up", "From")
        super().on_mount()

    def _set_columns(self) -> bool:
        """Columns that fit the screen's width (the reasons column takes the rest, cut with "…");
        True when they changed (the rows are then drawn again)."""
        self.columns = queue_columns(self.app.size.width)
        return set_columns(self.table, self.columns)

    def on_resize(self) -> None:
        if self._set_columns() and self.queue is not None:
            self.show(self.queue)

    class Found(Message):
        """The day's findings were computed now: the screen keeps them in the book."""

        def __init__(self, kept: checkin_day.Kept, rows: list[Row]) -> None:
            super().__init__()
            self.kept = kept
            self.rows = rows  # `checkin_day.to_rows` of them, made in the worker

    def fetch(self, conn: Conn) -> CheckinQueue:
        held = self.app.derived
        with held.findings_lock:  # a check-in being prepared ahead is waited for
            queue, kept = checkin_day.checkin(conn, self.app.as_of, partial(self.app.scores, conn), held.findings)
            if kept.fresh and self.app.snapshot_on_open:  # the app keeps derived data (not a read-only look)
                self.post_message(self.Found(kept, checkin_day.to_rows(kept.findings)))
                kept = replace(kept, fresh=False)
            held.findings = kept
        if self.show_waiting:
            queue.waiting  # noqa: B018 - built here, in the worker, not by `show` on the UI thread
        queue.week  # noqa: B018 - the week's coverage, built here too
        return queue

    def on_checkin_screen_found(self, message: Found) -> None:
        """Store the findings through the app's writer (a stale version is not stored)."""
        self.app.keep(checkin_day.store_findings, message.kept, message.rows)

    @property
    def table(self) -> DataTable:
        return self.query_one("#queue", DataTable)

    @property
    def due_table(self) -> DataTable:
        return self.query_one("#due-today", DataTable)

    @property
    def current(self) -> CheckinItem | None:
        row = self.table.cursor_row
        return self.items[row] if self.items and 0 <= row < len(self.items) else None

    def progress(self) -> tuple[int, int, int]:
        """Reviewed today, snoozed today, and the day's total (handled + still open)."""
        queue = self.queue
        if queue is None:
            return 0, 0, 0
        return queue.reviewed, queue.snoozed, len(queue.done) + len(queue.items)

    def show(self, queue: CheckinQueue) -> None:
        if self.keep_account is None and self.current is not None:
            self.keep_account, self.keep_row = self.current.account_id, self.table.cursor_row
        self.queue = queue
        self.items = items = queue.items + (queue.waiting if self.show_waiting else [])
        table = self.table
        table.clear()
        self._show_progress(queue)
        keep, self.keep_account = self.keep_account, None
        index = next((i for i, item in enumerate(items) if item.account_id == keep), None)
        if index is None:
            index = min(self.keep_row, len(items) - 1)
        self.pager.fill(list(items), self._add_rows, at_least=index + 1)  # a copy: `done` drops from items
        if index >= 0:
            table.move_cursor(row=index)
        self.show_reasons()
        self._show_due(queue)

    def _show_due(self, queue: CheckinQueue) -> None:
        """The reminders due by today (follow-ups and playbook steps the CSM set): not reasons."""
        due = self.due_table
        row = min(max(due.cursor_row, 0), len(queue.due_today) - 1)
        due.clear()
        today = queue.day.isoformat()

        def add(tasks: Sequence[OpenTask]) -> None:
            for task in tasks:
                when = Text(task.due_on, style="bold red" if task.due_on < today else "")
                due.add_row(
                    when, book_text(task.account_key), book_text(task.title), Text(task.playbook or task.origin.value),
                    key=str(task.task_id),
                )  # fmt: skip

        self.due_pager.fill(queue.due_today, add, at_least=row + 1)  # a large book may have thousands
        if row >= 0:
            due.move_cursor(row=row)

    def _add_rows(self, items: Sequence[CheckinItem]) -> None:
        table = self.table
        widths = dict(self.columns)
        for item in items:
            more = f" (+{len(item.reasons) - 1})" if len(item.reasons) > 1 else ""
            first = reason_text(item.reasons[0]) if item.reasons else Text("resolved", style="green")
            first = fitted(first, widths["Reasons"] - len(more))
            first.append(more)
            cells = {
                "": KIND_MARK[RuleKind.RISK if item.has_risk or not item.reasons else RuleKind.OPPORTUNITY],
                "Band": band(item.band),
                "Account": book_text(item.key),
                "Name": book_text(item.name),
                "ARR": number(item.arr, "{:,.0f}"),
                "Renewal": Text(date_or_missing(item.renewal_date)),
                "Reasons": first,
            }
            table.add_row(
                *(fitted(cells[label], width) if label != "ARR" else cells[label] for label, width in self.columns),
                key=str(item.account_id),
            )

    def _show_progress(self, queue: CheckinQueue) -> None:
        reviewed, snoozed, total = self.progress()
        unknown = ", ".join(visible(name, one_line=True, limit=ONE_LINE_LIMIT) for name in queue.unknown_rules)
        self.query_one("#checkin-progress", Static).update(
            f"Check-in {queue.day.isoformat()}: {reviewed} of {total} reviewed"
            + (f", {snoozed} snoozed" if snoozed else "")
            + ("  -  all done for today" if total and not queue.items else "")
            + f"  (capacity {queue.settings.capacity} a day)"
            + (f"\nNot checked: rules in the book with no code in this cstui: {unknown}" if unknown else "")
        )
        waiting = queue.waiting_line()
        self.query_one("#checkin-waiting", Static).update(
            ""
            if not waiting
            else f"{waiting} (shown above; m hides them)"
            if self.show_waiting
            else f"{waiting} (m shows them)"
        )
        covered = sum(item.covered for item in queue.items)
        cover = queue.coverage
        lines = [queue.week.line()] if queue.week is not None else []
        if covered:
            bounds = f"{cover.red_days} working days if red, {cover.risk_days} if at risk"
            lines.append(f"{covered} shown for coverage (waited past their bound: {bounds})")
        self.query_one("#checkin-coverage", Static).update("\n".join(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_reasons()

    def show_reasons(self) -> None:
        """Every reason of the row under the cursor, one line each (its action after it, cut with "…"
        when the line has no room), under the account's key, name and health."""
        item = self.current
        text = Text()
        if item is not None:
            text.append_text(book_text(f"{item.key} {item.name}", "bold"))
            text.append(f"  health {figure(item.score, '{:.1f}')} {item.band.label}")
            text.append(f"  ARR {item.arr:,.0f}  renews {date_or_missing(item.renewal_date)}", style="dim")
            width = max(20, self.query_one("#reasons", Static).content_region.width or self.app.size.width - 4)
            for reason in item.reasons:
                line = KIND_MARK[reason.kind].copy()
                line.append(" new " if reason.new else "     ", style="bold")  # new or worse since the last review
                line.append_text(reason_text(reason, with_action=True))
                text.append("\n")
                text.append_text(fitted(line, width))
            if not item.reasons:
                text.append("\nno reason left: resolved today", style="green")
        self.query_one("#reasons", Static).update(text)

    def action_move(self, step: int) -> None:
        if step > 0:
            self.table.action_cursor_down()
        else:
            self.table.action_cursor_up()

    def done(self, change_id: int | None, item: CheckinItem, label: str, also: tuple[int, ...] = ()) -> None:
        """After a write from this screen: remember it for undo; the cursor stays on its row."""
        if change_id is None:
            return
        self.undo_stack.append(Done(change_id, item.account_id, label, also))
        self.keep_row = self.table.cursor_row
        self.keep_account = -1  # not the account just handled: it leaves the queue
        self._drop(item)
        self.app.book_changed()

    def _drop(self, item: CheckinItem) -> None:
        """The handled account leaves the list at once, not when the reload arrives: a key pressed
        meanwhile (r r) acts on the next account, not on the one already handled."""
        index = next((i for i, shown in enumerate(self.items) if shown is item), None)
        if index is None:
            return
        del self.items[index]
        if index < self.table.row_count:
            self.table.remove_row(str(item.account_id))
        self.show_reasons()

    def action_reviewed(self) -> None:
        item = self.current
        if item is None:
            return
        day = self.app.as_of.isoformat()
        change = self.app.write(checkin_writes.mark_reviewed, item.account_id, day, item.fingerprint)
        self.done(change, item, f"{visible(item.key, one_line=True, limit=ONE_LINE_LIMIT)} reviewed")

    def action_snooze(self) -> None:
        from cstui.tui.screens.snooze import SnoozeScreen

        item = self.current
        if item is None:
            return
        day = self.app.as_of.isoformat()

        def chosen(until: str | None) -> None:
            if not until:
                return
            change = self.app.write(checkin_writes.snooze, item.account_id, day, until, item.fingerprint)
            if change is not None:
                self.app.say(f"{visible(item.key, one_line=True, limit=ONE_LINE_LIMIT)} snoozed until {until}")
            self.done(change, item, f"{visible(item.key, one_line=True, limit=ONE_LINE_LIMIT)} snoozed")

        self.app.push_screen(SnoozeScreen(self.app.as_of, f"{item.key} {item.name}"), chosen)

    def action_feedback(self) -> None:
        item = self.current
        if item is None:
            return
        contacts = reads.contact_names(self.app.book.conn, item.account_id)
        form = CheckinFeedbackScreen(item, self.app.as_of.isoformat(), contacts)

        def saved(ok: bool | None) -> None:
            if ok:
                self.app.say(f"Feedback saved for {visible(item.key, one_line=True, limit=ONE_LINE_LIMIT)}, reviewed")
                self.done(
                    form.change_id, item, f"feedback for {visible(item.key, one_line=True, limit=ONE_LINE_LIMIT)}"
                )

        self.app.push_screen(form, saved)

    def action_complete(self) -> None:
        if self.focused is self.due_table:
            self._complete_due()
            return
        item = self.current
        if item is None:
            return
        task = reads.first_open_follow_up(self.app.book.conn, item.account_id)
        if task is None:
            self.app.say("No open follow-up for this account", severity="warning")
            return
        day = self.app.as_of.isoformat()
        change = self.app.write(
            checkin_writes.follow_up_done_reviewed, task.task_id, item.account_id, day, item.fingerprint
        )
        if change is not None:
            self.app.say(f"Done: {visible(task.title, one_line=True, limit=ONE_LINE_LIMIT)}")
        self.done(change, item, f"follow-up '{visible(task.title, one_line=True, limit=ONE_LINE_LIMIT)}' done")

    def _complete_due(self) -> None:
        """x in the due-today part: that follow-up is done (a reminder: the account is not reviewed)."""
        queue, row = self.queue, self.due_table.cursor_row
        if queue is None or not 0 <= row < len(queue.due_today):
            return
        task = queue.due_today[row]
        change = self.app.write(checkin_writes.follow_up_done, task.task_id, self.app.as_of.isoformat())
        if change is None:
            return
        title = visible(task.title, one_line=True, limit=ONE_LINE_LIMIT)
        self.app.say(f"Done: {title}")
        self.undo_stack.append(Done(change, task.account_id, f"follow-up '{title}' done"))
        self.app.book_changed()

    def action_playbook(self) -> None:
        """Apply a playbook (the row's rule suggests one); once applied the account counts as reviewed.

        The review is its own change after the playbook's; undo here takes back both."""
        from cstui.storage.playbooks import Run
        from cstui.tui.screens.playbook_chooser import apply_playbook_from

        item = self.current
        if item is None:
            return
        answered = next((RULES[r.rule] for r in item.reasons if r.rule in RULES and RULES[r.rule].playbook), None)
        rule = answered.name if answered else None
        day = self.app.as_of.isoformat()

        def applied(run: Run) -> None:
            playbook = (run.change_id,) if run.change_id else ()
            change = self.app.write(checkin_writes.mark_reviewed, item.account_id, day, item.fingerprint)
            label = f"playbook '{visible(run.playbook, one_line=True, limit=ONE_LINE_LIMIT)}' and the review"
            self.done(change, item, label, also=playbook)

        apply_playbook_from(
            self.app,
            item.account_id,
            suggested=answered.playbook if answered else None,
            rule=rule or (item.reasons[0].rule if item.reasons else None),
            on_applied=applied,
        )

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.app.say("Nothing to undo on this screen", severity="warning")
            return
        last = self.undo_stack.pop()
        left = [last.change_id, *last.also]  # newest first: the review, then the playbook applied before it
        while left:
            try:
                undone = self.app.write(history.undo, change_id=left[0])
            except UserError as error:
                self.app.say(str(error), severity="error")
                undone = None
            if undone is None:  # what is left stays to undo (the next `u` tries again)
                self.undo_stack.append(replace(last, change_id=left[0], also=tuple(left[1:])))
                break
            left.pop(0)
        if len(left) == 1 + len(last.also):
            return  # nothing was undone
        if not left:
            self.app.say(f"Undone: {last.label}")
        self.keep_account = last.account_id
        self.app.book_changed()

    def action_more(self) -> None:
        self.show_waiting = not self.show_waiting
        if self.queue is not None and self.show_waiting:
            self._build_waiting(self.queue)
        elif self.queue is not None:
            self.show(self.queue)

    @work(thread=True, exclusive=True, group="waiting", exit_on_error=False)
    def _build_waiting(self, queue: CheckinQueue) -> None:
        """The waiting accounts' items (thousands on a large book) are built off the UI thread."""
        queue.waiting  # noqa: B018 - a cached property: this builds it
        self.app.call_from_thread(self._show_waiting, queue)

    def _show_waiting(self, queue: CheckinQueue) -> None:
        if queue is self.queue and self.show_waiting:
            self.show(queue)

    def action_open(self) -> None:
        from cstui.tui.screens.account import AccountScreen

        if self.current:
            self.app.push_screen(AccountScreen(self.current.account_id))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
