"""The cstui app: modes for the four main screens, the book connections, the command palette."""

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from cstui.safe_text import visible
from cstui.storage import reads
from cstui.storage.bookfile import access
from cstui.storage.bookfile.access import Conn
from cstui.storage.bookfile.book_file import BookGone, BookReadOnly
from cstui.storage.bookfile.connection import Opened, bring_up_to_date, finish_opening, open_connection
from cstui.storage.sources import has_sources
from cstui.tui.commands import AccountCommands
from cstui.tui.screens.dashboard import DashboardScreen
from cstui.tui.screens.help import HelpScreen

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from cstui.derived.health_cache import RememberedScores
    from cstui.derived.owner import DerivedData
    from cstui.storage import history
    from cstui.storage.bookfile.book import Book

T = TypeVar("T")
IDLE_S = 1.0  # no screen may have loaded for this long before the app says it is idle (`idle`)


def _accounts() -> Screen:
    """Screens other than the dashboard are imported when first shown, off the start-up path."""
    from cstui.tui.screens.accounts import AccountsScreen

    return AccountsScreen()


def _checkin() -> Screen:
    from cstui.tui.screens.checkin import CheckinScreen

    return CheckinScreen()


def _trends() -> Screen:
    from cstui.tui.screens.trends import TrendsScreen  # plotext comes with it

    return TrendsScreen()


def _tasks() -> Screen:
    from cstui.tui.screens.tasks import TasksScreen  # issue 12

    return TasksScreen()


def _renewals() -> Screen:
    from cstui.tui.screens.renewals import RenewalsScreen  # issue 12

    return RenewalsScreen()


def _week() -> Screen:
    from cstui.tui.screens.week import WeekScreen  # issue 28

    return WeekScreen()


def _agenda() -> Screen:
    from cstui.tui.screens.agenda import AgendaScreen  # issue 28

    return AgendaScreen()


def _inbox() -> Screen:
    from cstui.tui.screens.review import ReviewScreen

    return ReviewScreen()


class CstuiApp(App):
    """A CSM's book of business in the terminal."""

    TITLE = "cstui"
    # Absolute, so the app finds its styles wherever it is started from (the bench runs it from bench/).
    CSS_PATH = [Path(__file__).parent / "styles" / "app.tcss"]
    MODES = {
        "dashboard": DashboardScreen,
        "accounts": _accounts,
        "checkin": _checkin,
        "trends": _trends,
        "inbox": _inbox,
        "tasks": _tasks,
        "renewals": _renewals,
        "week": _week,
        "agenda": _agenda,
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {AccountCommands}
    # The footer shows a screen's own keys first and ends with `? Help`; the keys that work everywhere
    # (d a c t q ...) are listed under `?`, so an 80-column footer is never cut before `?`.
    BINDINGS = [
        Binding("d", "switch_mode('dashboard')", "Dashboard", show=False),
        Binding("a", "accounts", "Accounts", show=False),
        Binding("c", "switch_mode('checkin')", "Check-in", show=False),
        Binding("t", "switch_mode('trends')", "Trends", show=False),
        Binding("I", "switch_mode('inbox')", "Inbox review", show=False),
        Binding("T", "switch_mode('tasks')", "Tasks", show=False),
        Binding("R", "switch_mode('renewals')", "Renewals", show=False),
        Binding("W", "switch_mode('week')", "The week", show=False),
        Binding("A", "switch_mode('agenda')", "Agenda", show=False),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+f", "search", "Search everything", show=False),
        Binding("S", "sync", "Sync now", show=False),  # sources: cstui/tui/syncing.py
        Binding("ctrl+z", "undo", "Undo last change", show=False),
        Binding("ctrl+shift+z,ctrl+y", "redo", "Redo", show=False),
        Binding("q", "quit", "Quit", show=False),
    ]

    def __init__(
        self,
        book_path: Path,
        as_of: date | None = None,
        snapshot_on_open: bool = True,
        records_as: str | None = None,
        opened: Opened | None = None,
        sync_on_open: bool = True,
    ):
        """`snapshot_on_open=False` skips the daily backup and snapshot (for read-only looks and tests);
        `records_as` names where this process's changes come from ("tui" when `cstui` started the app);
        `opened` is the book's connection if the caller has opened it already (`cstui` has).

        The book is opened once, and every refusal (not a book, a newer book, a read-only book that
        needs schema steps) is raised here, before the app runs."""
        super().__init__()
        self.book_path = Path(book_path)
        self.as_of = as_of or date.today()
        self.opened = opened or open_connection(self.book_path)  # the UI thread's connection, pragmas set
        bring_up_to_date(self.opened)
        finish_opening(self.opened)
        self.records_as = records_as
        self.sync_on_open = sync_on_open  # when the book has sources (cstui/tui/syncing.py)
        self.book_version = 0  # bumped after every write, so screens know to reload
        self.snapshot_on_open = snapshot_on_open and not self.opened.read_only
        self.last_search = ""  # ctrl+f opens with it, selected: typing replaces it, an arrow key keeps it
        self.lost: BookGone | None = None  # set once the book's path no longer leads to the opened file
        # Set by the UI thread when no screen has loaded for IDLE_S (or while a screen that waits for
        # derived work is open): background derived work (the check-in prepared ahead) waits on it
        # instead of looking at the screens from its thread.
        self.idle = threading.Event()
        self._idle_timer: Timer | None = None
        read_only = " - READ-ONLY" if self.opened.read_only else ""
        self.sub_title = f"{visible(self.book_path.name, one_line=True)} - as of {self.as_of.isoformat()}{read_only}"

    @cached_property
    def book(self) -> "Book":
        """The UI thread's connection as a `Book`, for the CSM's writes. Made on first use (a write, a
        form), so sqlite-utils is not imported before the first frame; the connection is the one opened."""
        from cstui.storage import history
        from cstui.storage.bookfile.book import Book

        if self.records_as is not None:
            history.set_default_source(self.records_as)
        return Book(self.opened)

    @contextmanager
    def reader(self) -> Iterator[Conn]:
        """A connection of its own for a worker thread (WAL lets it read while the UI writes).

        Opened only while the book's path still leads to the file the app opened: a moved, deleted
        or replaced book is reported (`BookGone`), never re-created or swapped for another file.
        """
        try:
            self.opened.identity.check()
            opened = open_connection(self.book_path)
            finish_opening(opened)
            if opened.identity != self.opened.identity:  # replaced between the check and the open
                opened.conn.close()
                self.opened.identity.check()
        except BookGone as gone:
            self._report_lost(gone)
            raise
        try:
            yield opened.conn
        finally:
            opened.conn.close()

    def _report_lost(self, gone: BookGone, say: bool = True) -> None:
        """Once, from any thread: put the saves already made into the moved file now (a WAL checkpoint
        through the app's open connection, instead of at exit) and, if `say`, tell the CSM."""
        first = self.lost is None
        self.lost = gone
        if not first:
            return
        try:
            self.call_from_thread(self._book_lost, gone, say)
        except RuntimeError:  # already on the UI thread
            self._book_lost(gone, say)

    def _book_lost(self, gone: BookGone, say: bool) -> None:
        with suppress(access.Error):
            self.opened.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if say:
            self.say(str(gone), severity="error", timeout=30)

    def say(
        self, message: str, *, severity: "SeverityLevel" = "information", timeout: float | None = None, title: str = ""
    ) -> None:
        """Tell the CSM something in a toast: the one place the TUI notifies (a house rule,
        tests/test_house_rules.py). Toast text often carries book text (a note's summary, an account
        key, an error quoting a field), so all of it is made `visible()` - one line, control and
        bidi characters written out - and shown with `markup=False`: Textual's `Content` would keep a
        raw ESC, and markup would run `[@click=...]`. Thread-safe, like `notify`."""
        shown = visible(message, one_line=True)
        self.notify(shown, title=visible(title, one_line=True), severity=severity, timeout=timeout, markup=False)

    @cached_property
    def derived(self) -> "DerivedData":
        """The derived data this app holds for its book (remembered scores, the day's check-in
        findings, the locks around them): one owner per app, never shared between books. Made on
        first use, so the engine is not imported before the first frame."""
        from cstui.derived.owner import DerivedData

        return DerivedData()

    @property
    def scores(self) -> "RememberedScores":
        """Health scores by day for this app's book, remembered per book version (the check-in's
        "14 days ago")."""
        return self.derived.scores

    def screen_loading(self, waits_for_derived: bool) -> None:
        """A data screen started loading (UI thread): background derived work pauses until the app is
        idle again, so what the CSM opened goes first - unless the screen itself waits for that work
        (the check-in waits for its findings being prepared ahead), which then goes on at once."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
            self._idle_timer = None
        if waits_for_derived or self._derived_awaited():
            self.idle.set()
        else:
            self.idle.clear()

    def screen_loaded(self) -> None:
        """A data screen has shown its data or its failure (UI thread): idle after IDLE_S without another load."""
        if self._idle_timer is not None:
            self._idle_timer.stop()
        self._idle_timer = self.set_timer(IDLE_S, self._became_idle)

    def _became_idle(self) -> None:
        from cstui.tui.screens.base import BookScreen

        self._idle_timer = None
        stack = self.screen_stack
        if self._derived_awaited() or all(s.is_loaded for s in stack if isinstance(s, BookScreen)):
            self.idle.set()

    def _derived_awaited(self) -> bool:
        return any(getattr(s, "waits_for_derived", False) for s in self.screen_stack)

    def keep(self, change: Callable[..., T], *args) -> T | None:
        """A derived write (figures or findings a worker computed): on the UI thread's connection, in
        one write transaction, like every write of the app (call it from a worker with
        `call_from_thread`). Derived data is computed again when it is missing, so a busy, read-only
        or lost book only means it is not kept, and nothing is said: the CSM saved nothing (the next
        save of theirs reports the book's state). None then, or when the app keeps nothing
        (`snapshot_on_open=False`)."""
        from cstui.errors import UserError

        if not self.snapshot_on_open:
            return None
        try:
            return change(self.book, *args)
        except BookGone as gone:
            self._report_lost(gone, say=False)
            return None
        except (access.Error, UserError):
            return None

    def on_mount(self) -> None:
        if self.opened.read_only:
            self.say(
                f"{self.book_path} is open read-only ({self.opened.read_only}): you can look, nothing is saved.",
                severity="warning",
                timeout=10,
            )
        if self.snapshot_on_open:
            self.call_after_refresh(self.daily_upkeep)  # after the first frame, not competing with it
        if self.sync_on_open and not self.opened.read_only and has_sources(self.opened.conn):
            self.call_after_refresh(self.action_sync, False)
        if reads.is_empty(self.opened.conn):
            from cstui.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen(self.book_path.name))

    @work(thread=True, exclusive=True, group="upkeep", exit_on_error=False)
    def daily_upkeep(self) -> None:
        """Once a day, off the UI thread: a backup copy of the book."""
        from cstui.storage.bookfile.maintenance import daily_backup

        with self.reader() as conn:
            daily_backup(conn, self.book_path, date.today())

    def on_dashboard_screen_scored(self, message: DashboardScreen.Scored) -> None:
        """Keep the figures the dashboard has just computed, with today's health snapshot rewritten
        from the same breakdowns (so opening the app scores the book once, and opening it again on
        an unchanged book scores nothing). Written by the UI thread's connection in one write
        transaction, like every other write of the app."""
        data = message.data
        if not self.snapshot_on_open or message.as_of != self.as_of or data.health is None or data.version is None:
            return
        from cstui.derived.stored_figures import store_scored

        self.write(store_scored, self.as_of, data.version, data.report, data.health)

    def write(self, change: Callable[..., T], *args, **kwargs) -> T | None:
        """Run one write on the book; if another process holds it past the busy timeout (a long
        import, say), the book is read-only, or it was moved, deleted or replaced since the app
        opened it, say so and return None: nothing was saved, the form stays open."""
        try:
            return change(self.book, *args, **kwargs)
        except BookGone as gone:
            self._report_lost(gone, say=False)
            self.say(str(gone), severity="error", timeout=30)
            return None
        except BookReadOnly as refused:
            self.say(str(refused), severity="error", timeout=10)
            return None
        except access.OperationalError as error:
            if not access.is_busy(error):
                raise
            self.say(
                "The book is busy (another cstui is writing to it, an import perhaps). "
                "Nothing was saved; try again in a moment.",
                severity="error",
                timeout=8,
            )
            return None

    def book_changed(self) -> None:
        """Call after a write: the current screen reloads now, the others when shown again."""
        self.book_version += 1
        reload = getattr(self.screen, "reload", None)
        if reload is not None:
            reload()

    def action_undo(self) -> None:
        """Revert the newest change in the book's history (ctrl+z), and say what it was."""
        from cstui.storage import history

        self._revert(history.undo, "Undone")

    def action_redo(self) -> None:
        from cstui.storage import history

        self._revert(history.redo, "Redone")

    def _revert(self, revert: "Callable[..., history.Change]", verb: str) -> None:
        from cstui.errors import UserError

        try:
            change = self.write(revert, "tui")
        except UserError as error:
            self.say(str(error), severity="warning")
            return
        if change is None:
            return
        what = change.description.partition(": ")[2] or change.description  # "undo 12: task 5 deleted: ..."
        self.say(f"{verb}: {what}")
        self.book_changed()

    def action_accounts(self) -> None:
        """`a`, from anywhere: the accounts list itself, not whatever was opened from it (an account
        screen opened from the list, or from the dashboard, is closed on the way)."""
        from textual.screen import ModalScreen

        from cstui.tui.screens.accounts import AccountsScreen

        if isinstance(self.screen, ModalScreen):  # a form or question is open: it is answered first
            return
        if self.current_mode != "accounts":
            self.switch_mode("accounts")
        while len(self.screen_stack) > 1 and not isinstance(self.screen, AccountsScreen):
            self.pop_screen()

    def action_sync(self, asked: bool = True) -> None:
        """Fetch what is new from the book's sources in the background (`S`; on open when there are some)."""
        from cstui.tui.syncing import start_sync

        start_sync(self, asked=asked)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_import_csv(self) -> None:
        from cstui.tui.screens.mapping import MappingScreen  # issue 18

        self.push_screen(MappingScreen())

    def action_search(self) -> None:
        from cstui.tui.screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.select_query()
        else:
            self.push_screen(SearchScreen(self.last_search))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen is also a command in the palette (ctrl+p)."""
        seen = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.description in seen or not active.enabled:
                continue
            seen.add(binding.description)
            display = binding.key_display or key
            yield SystemCommand(
                binding.description,
                f"key: {display}",
                lambda node=active.node, action=binding.action: self.run_action(action, node),
            )
        yield from super().get_system_commands(screen)
