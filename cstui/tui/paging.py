"""Filling a table with a long list without making the screen wait for it.

A DataTable takes a while per row; the check-in's waiting accounts or the book's open tasks can run
to thousands. `RowPager.fill` adds a page (more than a screen) before the next paint and the rest a
chunk after each refresh, so the first rows are on screen at once and keys keep working meanwhile.
"""

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

FIRST_PAGE = 100  # rows added at once: more than any terminal shows
CHUNK = 500  # rows added after each refresh, until the list is in

T = TypeVar("T")


class Refreshing(Protocol):
    def call_after_refresh(self, callback: Callable[..., object], *args: object) -> bool: ...


class RowPager:
    """Adds rows for one screen; a new `fill` (the table was cleared) stops the chunks of the last."""

    def __init__(self, owner: Refreshing) -> None:
        self.owner = owner
        self.filling = 0

    def fill(self, items: Sequence[T], add: Callable[[Sequence[T]], None], at_least: int = 0) -> None:
        """Add `items` with `add`: at once the first page (and at least `at_least` rows, for the
        cursor), the rest in chunks."""
        self.filling += 1
        first = max(FIRST_PAGE, at_least)
        add(items[:first])
        if len(items) > first:
            self.owner.call_after_refresh(self._more, items, add, first, self.filling)

    def _more(self, items: Sequence[T], add: Callable[[Sequence[T]], None], start: int, filling: int) -> None:
        if filling != self.filling:
            return
        add(items[start : start + CHUNK])
        if start + CHUNK < len(items):
            self.owner.call_after_refresh(self._more, items, add, start + CHUNK, filling)
