"""The account list's columns, and the row order that sorting and filtering read.

Kept apart from the widget so the order is plain Python: every sort key is computed once per load,
each (column, direction) permutation once, and a filter keystroke is one pass over a permutation.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from cstui.formatting import date_or_missing
from cstui.metrics.bands import Band
from cstui.readmodels.views import AccountRow
from cstui.tui.widgets.line_list import LineColumn
from cstui.tui.widgets.text import book_text, number, short_band, trend

# Sorting by band reads worst to best (reversed: best to worst), the accounts without a score last.
BAND_ORDER = {Band.RED: 0, Band.YELLOW: 1, Band.GREEN: 2, Band.NO_DATA: 3, Band.CHURNED: 4}


@dataclass(frozen=True)
class Column:
    label: str
    sort_key: Callable[[AccountRow], Any]
    render: Callable[[AccountRow], Text]
    width: int  # fixed, so a row is drawn without measuring any other row
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


def _name(row: AccountRow) -> Text:
    """The name, marked "●" when something is new since the last look."""
    if not row.news:
        return book_text(row.name)
    text = Text("● ", style="bold cyan")
    text.append_text(book_text(row.name))
    return text


COLUMNS = (
    Column("Name", lambda r: r.name.lower(), _name, 25),
    Column("Segment", lambda r: r.segment.lower(), lambda r: book_text(r.segment), 10),
    Column("ARR", lambda r: r.arr, lambda r: number(r.arr, "{:,.0f}"), 9),
    Column("Health", lambda r: _missing_last(r.score, 0), lambda r: number(r.score), 6),
    Column("Band", lambda r: BAND_ORDER.get(r.band, 5), lambda r: short_band(r.band), 7),
    Column("Trend", lambda r: _missing_last(r.trend, 0), lambda r: trend(r.trend), 6),
    Column("NPS", lambda r: _missing_last(r.nps, 0), lambda r: _nps(r), 5),
    Column("Last contact", lambda r: _missing_last(r.last_contact, ""), lambda r: _date(r.last_contact), 12),
    Column("Renewal", lambda r: _missing_last(r.renewal, ""), lambda r: _date(r.renewal), 10),
    Column("Tasks", lambda r: r.open_tasks, lambda r: number(r.open_tasks, "{:d}"), 5),
    Column("Stage", lambda r: _missing_last(r.stage.lower() or None, ""), lambda r: book_text(r.stage), 10),  # issue 29
)
BY_LABEL = {column.label: column for column in COLUMNS}
# The Stage column (issue 29) is shown from WIDE_FROM columns on; narrower, the list keeps the others so
# that nothing scrolls sideways (typing a stage in the filter still finds its accounts).
WIDE_FROM = 132
STANDARD_COLUMNS = tuple(c for c in COLUMNS if c.label != "Stage")


def _health_and_band(row: AccountRow) -> Text:
    text = number(row.score)
    text.append(" ")
    text.append_text(short_band(row.band))
    return text


def _cut(value: str) -> Text:
    """Book text that ends in "…" when its column cuts it (two names cut alike never look the same)."""
    text = book_text(value)
    text.overflow = "ellipsis"
    return text


# Under COMPACT_BELOW columns the list keeps the key (every account's own), the name (23 cells: the
# names cstui makes and most real ones whole; a longer one ends in "…") and what a CSM acts on (health
# and band in one cell, NPS, renewal) and drops segment, trend, last contact and open tasks, so nothing
# scrolls sideways at 80 columns.
COMPACT_BELOW = 110
COMPACT_COLUMNS: tuple[Column | LineColumn[AccountRow], ...] = (
    LineColumn("Key", 8, lambda r: _cut(r.key)),
    Column("Name", BY_LABEL["Name"].sort_key, lambda r: _cut(r.name), 23),
    Column("ARR", BY_LABEL["ARR"].sort_key, BY_LABEL["ARR"].render, 7),
    Column("Health", BY_LABEL["Health"].sort_key, _health_and_band, 11),
    BY_LABEL["NPS"],
    BY_LABEL["Renewal"],
)


@dataclass(frozen=True)
class RowFilter:
    """Which accounts the list shows: a text in name, key or segment (any case), a band, a segment."""

    needle: str = ""
    band: Band | None = None
    segment: str | None = None
    show_churned: bool = False
    news_only: bool = False  # only accounts with something new since the last look


SEPARATOR = "\x00"  # between name, key and segment in one searched string


def _searched(row: AccountRow) -> tuple[str, str, str, str]:
    """What the filter box searches, in any case (the stage too: typing "onboarding" filters by stage)."""
    return row.name.lower(), row.key.lower(), row.segment.lower(), row.stage.lower()


# The filters other than the text typed, with the sort: (column, reverse, band, segment, churned, news only).
Unsearched = tuple[int, bool, Band | None, str | None, bool, bool]


class RowOrder:
    """One load's accounts in every order the list offers, so a sort change or a filter keystroke is one
    pass over a ready permutation, never a sort.

    Built where the rows are read (off the UI thread). A sort of the whole list is stable, so filtering
    it afterwards gives the same order as sorting the filtered rows, as the list always did. A needle
    that extends the previous one (typing on) searches only the rows the previous one kept.
    """

    def __init__(self, rows: list[AccountRow]) -> None:
        self.rows = rows
        self._search = [SEPARATOR.join(_searched(r)) for r in rows]
        indexes = list(range(len(rows)))  # sorted copies share these int objects
        self._orders: dict[tuple[int, bool], list[int]] = {}
        for index, column in enumerate(COLUMNS):
            keys = [column.sort_key(r) for r in rows]
            for reverse in (False, True):
                self._orders[index, reverse] = sorted(indexes, key=keys.__getitem__, reverse=reverse)
        self._unsearched: dict[Unsearched, list[int]] = {}
        self._last: tuple[Unsearched, str, list[int]] | None = None

    def shown(self, column: int, reverse: bool, where: RowFilter) -> list[AccountRow]:
        """The rows `where` keeps, sorted by COLUMNS[column] (as `sorted(..., reverse=reverse)`)."""
        rows, search = self.rows, self._search
        needle = where.needle.strip().lower()
        unsearched = (column, reverse, where.band, where.segment, where.show_churned, where.news_only)
        if self._last is not None and self._last[0] == unsearched and self._last[1] in needle:
            candidates = self._last[2]
        else:
            candidates = self._without_needle(unsearched)
        if SEPARATOR in needle:  # one string would match across two fields: search each (never typed)
            kept = [i for i in candidates if any(needle in field for field in _searched(rows[i]))]
        else:
            kept = [i for i in candidates if needle in search[i]] if needle else candidates
        self._last = (unsearched, needle, kept)
        return [rows[i] for i in kept]

    def _without_needle(self, unsearched: Unsearched) -> list[int]:
        """The order's indexes that the band, segment, churned and news filters keep (a few are kept)."""
        if unsearched not in self._unsearched:
            column, reverse, band, segment, show_churned, news_only = unsearched
            rows = self.rows
            if len(self._unsearched) > 16:
                self._unsearched.clear()
            self._unsearched[unsearched] = [
                i
                for i in self._orders[column, reverse]
                if (show_churned or not rows[i].churned)
                and (band is None or rows[i].band == band)
                and (segment is None or rows[i].segment == segment)
                and (not news_only or rows[i].news)
            ]
        return self._unsearched[unsearched]
