"""What every data screen shares: loading in a worker and reloading after the book changes."""

from typing import TYPE_CHECKING, Generic, TypeVar

from textual import getters, work
from textual.screen import Screen

from cstui.storage.access import Conn

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

DataT = TypeVar("DataT")


class BookScreen(Screen[None], Generic[DataT]):
    """A screen whose content comes from the book; `fetch` runs off the UI thread.

    Generic over what `fetch` returns and `show` draws, so each screen's data has one type.
    """

    if TYPE_CHECKING:  # the running app, typed, so screens reach its book, date and writer checked
        app = getters.app(CstuiApp)

    loaded_version = -1  # the book version the latest load was started for
    shown_version = -2  # the book version whose data is on screen

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self) -> None:
        if self.loaded_version != self.app.book_version:
            self.reload()

    def reload(self) -> None:
        self.loaded_version = self.app.book_version
        self._load()

    @property
    def is_current(self) -> bool:
        """True once what is shown comes from the latest load (tests wait on this)."""
        return self.shown_version == self.loaded_version

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        version = self.loaded_version
        with self.app.reader() as conn:
            data = self.fetch(conn)
        self.app.call_from_thread(self._show, data, version)

    def _show(self, data: DataT, version: int) -> None:
        self.show(data)
        self.shown_version = version

    def fetch(self, conn: Conn) -> DataT:  # pragma: no cover - every screen overrides it
        raise NotImplementedError

    def show(self, data: DataT) -> None:  # pragma: no cover - every screen overrides it
        raise NotImplementedError
