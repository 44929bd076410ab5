"""Search everything (`ctrl+f`): results as you type, grouped by account, `enter` opens the account.

The query runs in an exclusive thread worker with a connection of its own, so typing never waits
for SQLite; a result that arrives after the query changed again is dropped. Book text is shown as
`Text(visible(...))` and the matched words are styled by offset, never by markup.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.search import Hit, Kind, by_account, search
from cstui.tui.screens.account_records import RowRef

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
    """What an option in the result list opens: the account, and the record when it is one."""

    account_id: int
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

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[Target] = []
        self.searched_version = -1  # the book version the latest query was started on
        # The query and book version whose results are on screen (tests wait on them).
        self.shown: tuple[str, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="search notes, comments, tickets, tasks, contacts, accounts", id="search-query")
        yield Static(HINT, id="search-status", classes="hint", markup=False)
        yield OptionList(id="search-results")
        yield Footer()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.searched_version != self.app.book_version:
            self.reload()  # a note logged on the account screen opened from here is found on the way back

    def reload(self) -> None:
        """Run the query (again); the app calls this on the current screen after every write."""
        self.searched_version = self.app.book_version
        self.run_query(self.query_one("#search-query", Input).value, self.searched_version)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_query(self, query: str, version: int) -> None:
        try:
            with self.app.reader() as conn:
                hits, error = search(conn, query, limit=LIMIT), None
        except UserError as problem:
            hits, error = [], str(problem)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show_results, query, version, hits, error)

    def show_results(self, query: str, version: int, hits: list[Hit], error: str | None) -> None:
        if query != self.query_one("#search-query", Input).value:
            return  # typing went on; the worker for the newer query will report
        self.shown = (query, version)
        status = self.query_one("#search-status", Static)
        status.set_class(error is not None, "error-text")
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        self.targets = []
        groups = by_account(hits)
        for group in groups:
            header = Text(visible(f"{group.account_key}  {group.account_name}", one_line=True), style="bold")
            self._add(results, header, Target(group.account_id, None))
            for hit in group.hits:
                self._add(results, hit_line(hit), Target(hit.account_id, hit))
        if error:
            status.update(error)
        elif not query.strip():
            status.update(HINT)
        else:
            more = f" (the first {LIMIT})" if len(hits) == LIMIT else ""
            status.update(f"{len(hits)} matches in {len(groups)} accounts{more}" if hits else "no matches")
        if self.targets:
            results.highlighted = 1 if len(self.targets) > 1 else 0  # the best hit, under its account

    def _add(self, results: OptionList, prompt: Text, target: Target) -> None:
        results.add_option(Option(prompt))
        self.targets.append(target)

    def action_results(self) -> None:
        self.query_one("#search-results", OptionList).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        highlighted = self.query_one("#search-results", OptionList).highlighted
        if highlighted is not None and highlighted < len(self.targets):
            self.open(self.targets[highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.open(self.targets[event.option_index])

    def open(self, target: Target) -> None:
        """Open the account, at the hit's record when it is one (an account's own line opens it at the top)."""
        from cstui.tui.screens.account import AccountScreen

        self.app.push_screen(AccountScreen(target.account_id, focus=row_ref(target.hit) if target.hit else None))


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
