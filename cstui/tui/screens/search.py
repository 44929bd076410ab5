"""Search everything (`ctrl+f`): results as you type, grouped by account, `enter` opens the account.

The query runs in an exclusive thread worker, so typing never waits for SQLite. The screen keeps one
reading connection while it is open (opening one costs more than a query) and a key typed while a
query runs interrupts it (`sqlite3.Connection.interrupt`): a fast typist never waits for a stale
query, and a result that arrives after the query changed again is dropped. The result list draws
only the lines in view. Book text is shown as `Text(visible(...))` and the matched words are styled
by offset, never by markup.
"""

import threading
from contextlib import ExitStack
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from cstui.errors import UserError
from cstui.formatting import counted
from cstui.safe_text import visible
from cstui.storage.bookfile import access
from cstui.storage.bookfile.access import Conn
from cstui.storage.bookfile.book_file import BookGone
from cstui.storage.search import Found, Hit, Kind, Order, by_account, find
from cstui.tui.screens.account_records import RowRef
from cstui.tui.widgets.result_list import ResultList

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

LIMIT = 200
MATCH_STYLE = "bold reverse"
# The table behind each kind of hit, as the account screen's rows name it (an account hit has none).
TABLES = {
    Kind.NOTE: "interactions",
    Kind.SURVEY: "surveys",
    Kind.TICKET: "tickets",
    Kind.TASK: "tasks",
    Kind.CONTACT: "contacts",
}
HINT = 'Words, "a phrase", prefix*, AND / OR / NOT  ·  enter opens the account  ·  escape goes back'


@dataclass(frozen=True)
class Target:
    """A line of the result list: an account's header (no hit) or one of its hits; it opens the
    account, at the record when it is one."""

    account_id: int
    account_key: str
    account_name: str
    hit: Hit | None


class SearchScreen(Screen[None]):
    """Find any note, comment, ticket, task, contact or account by the words in it."""

    AUTO_FOCUS = "#search-query"
    if TYPE_CHECKING:  # the running cstui app, typed
        app = getters.app(CstuiApp)

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("down", "results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        """`query` (the last search) is put in the box selected: typing replaces it, not extends it."""
        super().__init__()
        self.first_query = query
        self.targets: list[Target] = []
        self.searched_version = -1  # the book version the latest query was started on
        # The query and book version whose results are on screen (tests wait on them).
        self.shown: tuple[str, int] | None = None
        self._conn: Conn | None = None  # the workers' connection, one query at a time (`_querying`)
        self._open = ExitStack()
        self._querying = threading.Lock()
        self._closing = False  # the screen is gone: whoever holds `_querying` last closes the connection
        self._said = HINT  # the status line's text

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            self.first_query,
            placeholder="search notes, comments, tickets, tasks, contacts, accounts",
            id="search-query",
        )
        yield Static(HINT, id="search-status", classes="hint", markup=False)
        yield ResultList(target_line, id="search-results")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()  # the first query: opens the connection before the first key needs it
        self.select_query()

    def select_query(self) -> None:
        """Focus the query with all of it selected (ctrl+f again, or on opening with the last query)."""
        query = self.query_one("#search-query", Input)
        query.focus()
        query.select_all()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.app.last_search = event.value
        self.reload()

    def on_screen_resume(self) -> None:
        if self.searched_version != self.app.book_version:
            self.reload()  # a note logged on the account screen opened from here is found on the way back

    def on_unmount(self) -> None:
        """Close the screen's connection, without waiting for a running query: its worker may itself be
        waiting for the UI thread (to report a lost book), so the worker closes it when it ends."""
        self._closing = True
        self._interrupt()
        if self._querying.acquire(blocking=False):
            try:
                self._close()
            finally:
                self._querying.release()

    def _close(self) -> None:
        self._open.close()
        self._conn = None

    def reload(self) -> None:
        """Run the query (again); the app calls this on the current screen after every write."""
        self.searched_version = self.app.book_version
        self._interrupt()  # the query still running is stale: its worker gives up
        self.run_query(self.query_one("#search-query", Input).value, self.searched_version)

    def _interrupt(self) -> None:
        conn = self._conn
        if conn is not None and self._querying.locked():
            conn.interrupt()

    def _connection(self) -> Conn:
        """The screen's reading connection, opened by the app (which checks the book is still the file
        it opened); checked again before each query, as the app checks before each load."""
        if self._conn is not None:
            try:
                self.app.opened.identity.check()
                return self._conn
            except BookGone:
                self._open.close()
                self._conn = None
        self._conn = self._open.enter_context(self.app.reader())  # BookGone (named to the user) if gone
        return self._conn

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_query(self, query: str, version: int) -> None:
        worker = get_current_worker()
        with self._querying:
            try:
                if worker.is_cancelled or self._closing:
                    return  # a newer key was typed while this one waited, or the screen is gone
                try:
                    found, error = find(self._connection(), query, limit=LIMIT), None
                except UserError as problem:
                    found, error = Found([], Order.BEST), str(problem)
                except access.OperationalError as problem:
                    if access.is_interrupted(problem):
                        return  # by `_interrupt`: a newer query is on its way, or the screen is closing
                    raise
            finally:
                if self._closing:
                    self._close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_results, query, version, found, error)

    def show_results(self, query: str, version: int, found: Found, error: str | None) -> None:
        if query != self.query_one("#search-query", Input).value:
            return  # typing went on; the worker for the newer query will report
        self.shown = (query, version)
        status = self.query_one("#search-status", Static)
        status.set_class(error is not None, "error-text")
        groups = by_account(found.hits)
        targets = []
        for group in groups:
            targets.append(Target(group.account_id, group.account_key, group.account_name, None))
            targets.extend(Target(hit.account_id, hit.account_key, hit.account_name, hit) for hit in group.hits)
        if targets != self.targets:  # a space typed after a word finds the same: the list stays as it is
            self.targets = targets
            # The best (or newest) hit, under its account.
            highlighted = (1 if len(targets) > 1 else 0) if targets else None
            self.query_one("#search-results", ResultList).show(targets, highlighted)
        self._say(error or (status_text(found, len(groups)) if query.strip() else HINT))

    def _say(self, text: str) -> None:
        """Put `text` in the status line; the screen is laid out again only when it takes more lines
        than one, or took more (a layout pass repaints the whole screen)."""
        status = self.query_one("#search-status", Static)
        width = status.content_region.width
        one_line = cell_len(text) <= width and cell_len(self._said) <= width
        self._said = text
        status.update(text, layout=not one_line)

    def action_results(self) -> None:
        self.query_one("#search-results", ResultList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        highlighted = self.query_one("#search-results", ResultList).highlighted
        if highlighted is not None and highlighted < len(self.targets):
            self.open(self.targets[highlighted])

    def on_result_list_selected(self, event: ResultList.Selected) -> None:
        self.open(self.targets[event.index])

    def open(self, target: Target) -> None:
        """Open the account, at the hit's record when it is one (an account's own line opens it at the top)."""
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(target.account_id, focus=row_ref(target.hit) if target.hit else None))


def status_text(found: Found, accounts: int) -> str:
    """How many matches, in how many accounts, and how they were chosen when there were too many to rank
    (a word the user adds narrows them, and brings the ranking back)."""
    hits = len(found.hits)
    if not hits:
        return "no matches"
    what = f"{counted(hits, 'match', 'matches')} in {counted(accounts, 'account')}"
    if found.order is Order.NEWEST:
        return f"{what}: the last entered of {found.counted:,}+, newest first"
    more = f" (the first {LIMIT})" if hits == LIMIT else ""
    return f"{what}{more}"


def target_line(target: Target) -> Text:
    """A line of the result list: the account's key and name in bold, or a hit under it."""
    if target.hit is None:
        return Text(visible(f"{target.account_key}  {target.account_name}", one_line=True), style="bold")
    return hit_line(target.hit)


def row_ref(hit: Hit) -> RowRef | None:
    """The account screen's row for a hit's record; None for the account itself."""
    table = TABLES.get(hit.kind)
    return None if table is None else RowRef(table, hit.record_id, hit.title or hit.snippet, hit.day)


def hit_line(hit: Hit) -> Text:
    """One result: kind, date, a note's summary when the match is in its notes, and the snippet with
    its matched words styled."""
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"  {hit.kind.value:<8}{hit.day or '':<12}", style="dim")
    if hit.kind is Kind.NOTE and hit.title and hit.snippet != hit.title:
        line.append(f"{visible(hit.title, one_line=True)} · ", style="italic")
    shown, spans = hit.shown()
    snippet = Text(shown)
    for start, end in spans:
        snippet.stylize(MATCH_STYLE, start, end)
    line.append_text(snippet)
    return line
