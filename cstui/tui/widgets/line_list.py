"""A long list as a line-API widget: every row in one virtual list, only the visible lines drawn.

Textual's DataTable measures and renders each cell through Rich when rows are added, so thousands of
rows (the accounts, the open tasks) took most of a second to build, and a sort or a filter keystroke
that replaces them tens of milliseconds. Here a row's cells are turned into segments when it first
comes into view and cached; replacing the rows only changes which row sits at which line, and a
repaint is one style pass over the visible lines.

It looks and behaves like the DataTable it replaces: a header, zebra rows, a row cursor, `enter` or
a click on the cursor row selects the row. What a row shows comes from its columns (`ListColumn`),
which turn book text into `Text` (through `visible()`), never markup.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

PADDING = 1  # blank cells either side of a column's content, as DataTable's cell padding
CACHE_LIMIT = 2_000  # rows whose segments are kept (a few MB); past it the cache starts afresh
ELLIPSIS = "…"

RowT = TypeVar("RowT")
RowContraT = TypeVar("RowContraT", contravariant=True)


class ListColumn(Protocol[RowContraT]):
    """One column: its header, its width in cells (fixed, so a row is drawn without measuring any
    other row) and how a row reads in it."""

    @property
    def label(self) -> str: ...

    @property
    def width(self) -> int: ...

    def render(self, row: RowContraT, /) -> Text: ...


@dataclass(frozen=True)
class LineColumn(Generic[RowT]):
    """A column that only draws (a list that does not sort by it)."""

    label: str
    width: int
    render: Callable[[RowT], Text]


def fit_widths(natural: Sequence[int], least: Sequence[int], weight: Sequence[int], room: int) -> list[int]:
    """Column widths that fit `room` cells: each column's `natural` width, the widest (by width over
    `weight`: a column of weight 2 keeps twice the room) cut by one cell at a time, none under `least`.

    Wider than `room` only when every column is at its least (the list then scrolls sideways)."""
    widths = list(natural)
    excess = sum(widths) - room
    while excess > 0:
        cuttable = [i for i, width in enumerate(widths) if width > least[i]]
        if not cuttable:
            break
        widths[max(cuttable, key=lambda i: widths[i] / weight[i])] -= 1
        excess -= 1
    return widths


def cell_segments(text: Text, width: int, console: Console) -> list[Segment]:
    """One cell: `text` cut or padded to `width` as DataTable lays out a one-line cell, plus padding.

    A text cut short ends in "…" when its `overflow` is "ellipsis", else it is cropped."""
    pad = " " * PADDING
    if not text.spans:  # one style (most cells): the same segments without Rich's general layout
        plain = text.plain.rstrip() if text.justify == "right" else text.plain
        if cell_len(plain) > width:
            cut = text.overflow == "ellipsis" and width > 0
            plain = set_cell_size(plain, width - 1) + ELLIPSIS if cut else set_cell_size(plain, width)
        rest = width - cell_len(plain)
        style = console.get_style(text.style) if text.style else None
        if text.justify == "right":
            return [Segment(pad), Segment(" " * rest + plain, style), Segment(pad)]
        return [Segment(pad), Segment(plain, style), Segment(pad + " " * rest)]
    line = text.copy()
    if text.justify == "right":
        line.rstrip()
        line.truncate(width, overflow="crop")
        line.pad_left(width - line.cell_len)
    else:
        line.truncate(width, overflow="ellipsis" if text.overflow == "ellipsis" else "crop")
    return [Segment(pad), *line.render(console), Segment(pad + " " * (width - line.cell_len))]


def joined_blanks(segments: list[Segment]) -> list[Segment]:
    """`segments` with each run of blanks joined to the text after it.

    A terminal shows the same either way; but an SVG export (the snapshots, the screenshots in the
    docs) writes no text for an all-blank segment, so its text read "red-100¹" for "red  -100¹".
    """
    joined, blank = [], ""
    for text, style, _ in segments:
        if text == " " * len(text):
            blank += text
        else:
            joined.append(Segment(blank + text, style))
            blank = ""
    if blank:
        joined.append(Segment(blank))
    return joined


# The cursor keys of a line-API list (this one and the search results): hidden from the footer and help,
# which list only the keys a screen declares.
CURSOR_BINDINGS = [
    Binding("up", "cursor(-1)", show=False),
    Binding("down", "cursor(1)", show=False),
    Binding("pageup", "page(-1)", show=False),
    Binding("pagedown", "page(1)", show=False),
    Binding("home,ctrl+home", "first", show=False),
    Binding("end,ctrl+end", "last", show=False),
]


class LineList(ScrollView, Generic[RowT], can_focus=True):
    """The rows passed to `show_rows`, scrolled as one list under a fixed header.

    Subclasses say what selecting a row means (their own `Selected`, so the screen's handler is named
    after them) and which columns to draw (`set_columns`).
    """

    COMPONENT_CLASSES = {
        "line-list--header",
        "line-list--cursor",
        "line-list--even-row",
        "line-list--odd-row",
    }

    # The look of Textual's DataTable with zebra stripes and a row cursor.
    DEFAULT_CSS = """
    LineList {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
            & > .line-list--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .line-list--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .line-list--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .line-list--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .line-list--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
    }
    """

    BINDINGS = [Binding("enter", "select", show=False), *CURSOR_BINDINGS]

    class Selected(Message):
        """`enter`, or a click on the cursor row: this row is chosen."""

        def __init__(self, row: Any) -> None:
            super().__init__()
            self.row = row

    class Scrolled(Message):
        """Other rows are in view (a screen that says "1-35 of 10,000" must follow)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows_shown: list[RowT] = []
        self.loaded = False  # the first rows have arrived (the frame is drawn before them)
        self.open_when_loaded = False  # `enter` pressed before they had: select the first one then
        self.cursor_row = 0
        self.shown_columns: tuple[ListColumn[RowT], ...] = ()
        self._cells: dict[int, tuple[RowT, list[Segment]]] = {}  # id(row) -> (row, its cells)
        self._window = (0, 0, 0)  # the first and last row in view and the count, as last told
        self._styles = _LineStyles(Style(), Style(), Style(), Style(), Style())
        self._combined: dict[tuple[Style, Style | None, Style | None], Style] = {}

    def set_columns(self, columns: tuple[ListColumn[RowT], ...]) -> bool:
        """Draw these columns from now on; True when they are not the ones drawn so far."""
        changed = columns != self.shown_columns
        self.shown_columns = columns
        if changed:
            self._cells.clear()
        self._set_virtual_size()
        return changed

    @property
    def table_width(self) -> int:
        return sum(column.width + 2 * PADDING for column in self.shown_columns)

    def _set_virtual_size(self) -> None:
        """The list's size for the scrollbars, without a layout pass of the screen when they stay as they are.

        Setting `virtual_size` relayouts and so repaints the whole screen on every filter keystroke;
        `_scroll_update` (what a layout pass calls) resizes the scrollbars, and a scrollbar that appears
        or goes still relayouts (its reactive asks for it).
        """
        size = Size(self.table_width, len(self.rows_shown) + 1)  # + the header line
        if size != self.virtual_size:
            self.set_reactive(LineList.virtual_size, size)
            self._scroll_update(size)
            self.refresh()

    def on_resize(self) -> None:
        self._tell_scrolled()
        if self.open_when_loaded:
            self.open_when_loaded = False
            self.action_select()

    # -- the rows ----------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows_shown)

    @property
    def data_height(self) -> int:
        """How many rows fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def show_rows(self, rows: list[RowT], cursor: int | None = None, new: bool = False) -> None:
        """Show `rows` in this order: the cursor on row `cursor` (clamped, scrolled into view), or with
        None at the top of the list; `new` (rows read again from the book): forget the rows drawn so far."""
        self.rows_shown = rows
        self.loaded = True
        self._set_virtual_size()
        if new:
            self._cells.clear()
        if cursor is None:
            self.cursor_row = 0
            self.scroll_to(x=self.scroll_x, y=0, animate=False, immediate=True)
        else:
            self.move_cursor(cursor)
        self.refresh()
        self._tell_scrolled()
        if self.open_when_loaded:
            self.open_when_loaded = False
            self.action_select()

    @property
    def selected(self) -> RowT | None:
        return self.rows_shown[self.cursor_row] if self.cursor_row < len(self.rows_shown) else None

    def get_row_at(self, index: int) -> list[Text]:
        """The cells of the row at `index`, the Text each column draws (tests read the list with it)."""
        return [column.render(self.rows_shown[index]) for column in self.shown_columns]

    def first_shown(self) -> int:
        return int(self.scroll_offset.y)

    def _tell_scrolled(self) -> None:
        window = (self.first_shown(), self.first_shown() + self.data_height, len(self.rows_shown))
        if window != self._window:
            self._window = window
            self.post_message(self.Scrolled())

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._tell_scrolled()

    # -- the cursor --------------------------------------------------------------------------------

    def move_cursor(self, row: int) -> None:
        """Put the cursor on `row` (clamped) and scroll it into view."""
        old = self.cursor_row
        self.cursor_row = max(0, min(row, len(self.rows_shown) - 1))
        top = self.first_shown()
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self.data_height:
            self.scroll_to(y=self.cursor_row - self.data_height + 1, animate=False, immediate=True)
        self.refresh_line(old + 1)
        self.refresh_line(self.cursor_row + 1)

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        """A screenful: the rows in view and the cursor both move by one page (from the top, `]` shows the
        next page with the cursor on the same line of it, not one row further down)."""
        page = step * self.data_height
        last_top = max(0, len(self.rows_shown) - self.data_height)
        top = max(0, min(self.first_shown() + page, last_top))
        self.scroll_to(y=top, animate=False, immediate=True)
        self.move_cursor(self.cursor_row + page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows_shown) - 1)

    def action_select(self) -> None:
        if not self.loaded:
            self.open_when_loaded = True  # a quick key then `enter` is not lost while the list loads
            return
        if self.selected is not None:
            self.post_message(self.Selected(self.selected))

    def header_clicked(self, column: ListColumn[RowT]) -> None:
        """A click on `column`'s header: nothing, unless the list sorts by it."""

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            left = int(self.scroll_offset.x)
            for column in self.shown_columns:
                left += column.width + 2 * PADDING
                if offset.x + int(self.scroll_offset.x) < left:
                    self.header_clicked(column)
                    break
            return
        row = self.first_shown() + offset.y - 1
        if row < len(self.rows_shown):
            if row == self.cursor_row:
                self.action_select()
            else:
                self.move_cursor(row)
            event.stop()

    # -- drawing -----------------------------------------------------------------------------------

    def _row_cells(self, row: RowT) -> list[Segment]:
        cached = self._cells.get(id(row))
        if cached is not None and cached[0] is row:
            return cached[1]
        if len(self._cells) >= CACHE_LIMIT:
            self._cells.clear()
        console = self.app.console
        cells = joined_blanks([s for c in self.shown_columns for s in cell_segments(c.render(row), c.width, console)])
        self._cells[id(row)] = (row, cells)
        return cells

    def _header_cells(self) -> list[Segment]:
        console = self.app.console
        return joined_blanks([s for c in self.shown_columns for s in cell_segments(Text(c.label), c.width, console)])

    def render_lines(self, crop: Region) -> list[Strip]:
        style = self.get_component_rich_style
        styles = _LineStyles(
            self.rich_style,
            style("line-list--header"),
            style("line-list--even-row"),
            style("line-list--odd-row"),
            style("line-list--cursor"),
        )
        if styles != self._styles:
            self._styles, self._combined = styles, {}
        return super().render_lines(crop)

    def _line_style(self, index: int) -> tuple[Style, Style | None]:
        """The style under every cell of line `index` (-1: the header), and the style over them."""
        styles = self._styles
        if index < 0:
            return styles.header, None
        row = styles.odd if index % 2 else styles.even
        if index == self.cursor_row:  # the cursor's colours win over a cell's, as in DataTable
            return row + styles.cursor, Style.from_color(styles.cursor.color, styles.cursor.bgcolor)
        return row, None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        index = scroll_y + y - 1 if y else -1
        if index >= len(self.rows_shown):
            return Strip.blank(width, self._styles.base)
        under, over = self._line_style(index)
        cells = self._row_cells(self.rows_shown[index]) if index >= 0 else self._header_cells()
        combined = self._combined  # (under, over, a cell's style) -> the style drawn: few distinct ones
        line = []
        for text, cell_style, _ in cells:
            drawn = combined.get((under, over, cell_style))
            if drawn is None:
                drawn = combined[under, over, cell_style] = under + cell_style + over
            line.append(Segment(text, drawn))
        line.append(Segment(" " * max(0, width - self.table_width), under))
        return Strip(line, max(width, self.table_width)).crop_extend(scroll_x, scroll_x + width, self._styles.base)


@dataclass(frozen=True)
class _LineStyles:
    """The styles of one repaint, read from the CSS once rather than per line."""

    base: Style
    header: Style
    even: Style
    odd: Style
    cursor: Style
