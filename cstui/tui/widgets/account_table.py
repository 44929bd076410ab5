"""The account list as a paged table.

Textual's DataTable measures every cell on first paint (seconds for 10,000 rows), so the table
holds one page of rows; sorting and filtering work on the whole list in Python and only the
visible page is rendered. Moving past the last row of a page turns the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from cstui.formatting import date_or_missing
from cstui.metrics.bands import Band
from cstui.readmodels.views import AccountRow
from cstui.tui.widgets.text import band, book_text, number, trend

PAGE_SIZE = 100
# Sorting by band reads worst to best (reversed: best to worst), the accounts without a score last.
BAND_ORDER = {Band.RED: 0, Band.YELLOW: 1, Band.GREEN: 2, Band.NO_DATA: 3, Band.CHURNED: 4}


@dataclass(frozen=True)
class Column:
    label: str
    sort_key: Callable[[AccountRow], Any]
    render: Callable[[AccountRow], Text]
    width: int  # fixed, so a new page is drawn without measuring every cell
    sorts_as: str = ""  # a compact column sorts as this column of COLUMNS ("" = its own label)


def _missing_last(value, default):
    return (value is None, value if value is not None else default)


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
LOW_SAMPLE = 5  # NPS responses under this: the figure is dimmed and carries its count, "-100¹"


def _nps(row: AccountRow) -> Text:
    text = number(row.nps, "{:+.0f}")
    if row.nps is not None and row.nps_responses < LOW_SAMPLE:
        text = Text(f"{text.plain}{str(row.nps_responses).translate(SUPERSCRIPT)}", style="dim", justify="right")
    return text


def _date(day: str | None) -> Text:
    return Text(date_or_missing(day))


COLUMNS = (
    Column("Name", lambda r: r.name.lower(), lambda r: book_text(r.name), 25),
    Column("Segment", lambda r: r.segment.lower(), lambda r: book_text(r.segment), 10),
    Column("ARR", lambda r: r.arr, lambda r: number(r.arr, "{:,.0f}"), 9),
    Column("Health", lambda r: _missing_last(r.score, 0), lambda r: number(r.score), 6),
    Column("Band", lambda r: BAND_ORDER.get(r.band, 5), lambda r: band(r.band), 7),
    Column("Trend", lambda r: _missing_last(r.trend, 0), lambda r: trend(r.trend), 6),
    Column("NPS", lambda r: _missing_last(r.nps, 0), lambda r: _nps(r), 5),
    Column("Last contact", lambda r: _missing_last(r.last_contact, ""), lambda r: _date(r.last_contact), 12),
    Column("Renewal", lambda r: _missing_last(r.renewal, ""), lambda r: _date(r.renewal), 10),
    Column("Tasks", lambda r: r.open_tasks, lambda r: number(r.open_tasks, "{:d}"), 5),
)
BY_LABEL = {column.label: column for column in COLUMNS}


def _health_and_band(row: AccountRow) -> Text:
    text = number(row.score)
    text.append(" ")
    text.append_text(band(row.band))
    return text


# Under COMPACT_BELOW columns the list keeps the name and what a CSM acts on (health and band in one
# cell, NPS, last contact, renewal, open tasks) and drops segment and trend, so nothing scrolls sideways.
COMPACT_BELOW = 110
COMPACT_COLUMNS = (
    Column("Name", BY_LABEL["Name"].sort_key, BY_LABEL["Name"].render, 16),
    Column("ARR", BY_LABEL["ARR"].sort_key, BY_LABEL["ARR"].render, 7),
    Column("Health", BY_LABEL["Health"].sort_key, _health_and_band, 11),
    BY_LABEL["NPS"],
    Column("Contact", BY_LABEL["Last contact"].sort_key, BY_LABEL["Last contact"].render, 10, "Last contact"),
    BY_LABEL["Renewal"],
    BY_LABEL["Tasks"],
)


class AccountTable(DataTable):
    """A page of account rows; `show(rows)` replaces the list, `page` moves through it."""

    BINDINGS = [
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]"),
        Binding("left_square_bracket", "page(-1)", "Prev page", key_display="["),
    ]

    class PageTurned(Message):
        """The table shows another page: the screen's "1-100 of 136" must follow."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.rows_shown: list[AccountRow] = []
        self.page_index = 0

    def on_mount(self) -> None:
        self._set_columns()

    def on_resize(self) -> None:
        if self._set_columns():
            self._render_page(self.cursor_row)

    def _set_columns(self) -> bool:
        """Full columns on a wide terminal, compact ones on a narrow one; True when they changed."""
        wanted = COMPACT_COLUMNS if self.app.size.width < COMPACT_BELOW else COLUMNS
        if wanted is getattr(self, "shown_columns", None):
            return False
        self.shown_columns = wanted
        self.clear(columns=True)
        for column in wanted:
            self.add_column(column.label, key=column.sorts_as or column.label, width=column.width)
        return True

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.rows_shown) // PAGE_SIZE))

    def show(self, rows: list[AccountRow], keep_page: bool = False) -> None:
        self.rows_shown = rows
        if not keep_page:
            self.page_index = 0
        self.page_index = min(self.page_index, self.pages - 1)
        self._render_page()

    def _render_page(self, cursor: int = 0) -> None:
        self.clear()
        start = self.page_index * PAGE_SIZE
        for row in self.rows_shown[start : start + PAGE_SIZE]:
            self.add_row(*(column.render(row) for column in self.shown_columns), key=str(row.account_id))
        if self.row_count:
            self.move_cursor(row=min(cursor, self.row_count - 1))

    def action_page(self, step: int) -> None:
        target = self.page_index + step
        if 0 <= target < self.pages:
            self.page_index = target
            self._render_page(0 if step > 0 else PAGE_SIZE - 1)
            self.post_message(self.PageTurned())

    def action_cursor_down(self) -> None:
        if self.cursor_row >= self.row_count - 1 and self.page_index < self.pages - 1:
            self.action_page(1)
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.page_index > 0:
            self.action_page(-1)
        else:
            super().action_cursor_up()

    @property
    def selected(self) -> AccountRow | None:
        index = self.page_index * PAGE_SIZE + self.cursor_row
        return self.rows_shown[index] if self.row_count and index < len(self.rows_shown) else None

    def status(self) -> str:
        if not self.rows_shown:
            return "no accounts match"
        start = self.page_index * PAGE_SIZE
        end = min(start + PAGE_SIZE, len(self.rows_shown))
        return f"{start + 1}-{end} of {len(self.rows_shown):,}"
