"""What every data screen shares: loading in a worker, reloading after the book changes, and
saying so when a load fails instead of leaving "…" or "Computing…" on screen for ever."""

from typing import TYPE_CHECKING, Generic, TypeVar

from textual import getters, work
from textual.screen import Screen
from textual.widgets import Header, Static

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.bookfile.access import Conn

DOCTOR_HINT = "Check the book with `cstui doctor`: it names bad values and how to fix them."


def failure_text(error: BaseException) -> str:
    """What went wrong, in one paragraph: a user error's own words, else the exception's."""
    what = str(error) if isinstance(error, UserError) else f"{type(error).__name__}: {error}"
    text = f"This screen could not be loaded: {visible(what, one_line=True, limit=300)}"
    return text if "cstui doctor" in what else f"{text}\n{DOCTOR_HINT}"


if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

DataT = TypeVar("DataT")


class BookScreen(Screen[None], Generic[DataT]):
    """A screen whose content comes from the book; `fetch` runs off the UI thread.

    Generic over what `fetch` returns and `show` draws, so each screen's data has one type.
    """

    if TYPE_CHECKING:  # the running app, typed, so screens reach its book, date and writer checked
        app = getters.app(CstuiApp)

    DEFAULT_CSS = """
    BookScreen #load-error {
        border: round $error;
        color: $error;
        padding: 0 1;
        height: auto;
    }
    """

    loaded_version = -1  # the book version the latest load was started for
    shown_version = -2  # the book version whose data (or whose failure) is on screen
    failure: str | None = None  # the text of the error panel, while one is shown
    # True on a screen whose load waits for derived work the app does in the background (the
    # check-in): while it is open, that work does not wait for the app to be idle (`CstuiApp.idle`).
    waits_for_derived = False

    def on_mount(self) -> None:
        self.call_after_refresh(self._reload_if_stale)

    def on_screen_resume(self) -> None:
        self.call_after_refresh(self._reload_if_stale)

    def _reload_if_stale(self) -> None:
        """Load once the screen's frame is drawn: the worker's imports and reads would otherwise take
        turns (the GIL) with composing and painting it, and the frame would wait for the data."""
        if self.loaded_version != self.app.book_version:
            self.reload()

    def reload(self) -> None:
        self.loaded_version = self.app.book_version
        self.app.screen_loading(self.waits_for_derived)
        self._load()

    @property
    def is_loaded(self) -> bool:
        """True once what is shown comes from the latest load (tests wait on this).

        Not named `is_current`: Textual's `Screen.is_current` (is this the app's active screen?)
        decides whether the compositor paints the screen at all; overriding it kept the first frame
        (and every frame during a reload) off the terminal until the worker's data arrived.
        """
        return self.shown_version == self.loaded_version

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        version = self.loaded_version
        try:
            with self.app.reader() as conn:
                data = self.fetch(conn)
        except Exception as error:  # any failure is shown on the screen, never swallowed
            self.app.call_from_thread(self._fail, error, version)
            return
        self.app.call_from_thread(self._show, data, version)

    def _show(self, data: DataT, version: int) -> None:
        try:
            self.show(data)
        except Exception as error:
            self._fail(error, version)
            return
        self._clear_failure()
        self.shown_version = version
        self.app.screen_loaded()

    def _fail(self, error: BaseException, version: int) -> None:
        """Put the error panel at the top of the screen, naming the problem and `cstui doctor`."""
        self.failure = failure_text(error)
        panels = self.query("#load-error")
        if panels:
            panels.first(Static).update(self.failure)
        else:
            panel = Static(self.failure, id="load-error", markup=False)
            body = [child for child in self.children if not isinstance(child, Header)]
            self.mount(panel, before=body[0] if body else None)
        self.shown_version = version
        self.app.screen_loaded()

    def _clear_failure(self) -> None:
        if self.failure is not None:
            self.failure = None
            self.query("#load-error").remove()

    def fetch(self, conn: Conn) -> DataT:  # pragma: no cover - every screen overrides it
        raise NotImplementedError

    def show(self, data: DataT) -> None:  # pragma: no cover - every screen overrides it
        raise NotImplementedError
