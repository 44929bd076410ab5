"""A one-line-per-row list that builds only the lines in view: the search screen's results.

Textual's OptionList renders and measures every option when it is added, so replacing 200 results
on each keystroke of a search cost ~190 ms at scale. Here the screen hands over its rows and a
function that draws one; a line is drawn (and cached) when it scrolls into view, and a keystroke
that replaces the rows draws one screenful.

It looks and behaves like the OptionList it replaces: a highlighted row, up/down/page keys,
`enter` or a click selects.
"""

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from rich.segment import Segment
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cstui.tui.widgets.line_list import CURSOR_BINDINGS

RowT = TypeVar("RowT")


class ResultList(ScrollView, Generic[RowT], can_focus=True):
    """The rows given to `show`, one line each, drawn by `draw` as they come into view."""

    COMPONENT_CLASSES = {"result-list--highlighted"}

    # OptionList's look; the scrollbar always there, so results that come or go do not lay the screen out again.
    DEFAULT_CSS = """
    ResultList {
        color: $foreground;
        overflow-x: hidden;
        overflow-y: scroll;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .result-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .result-list--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    BINDINGS = [Binding("enter", "select", "Open", show=False), *CURSOR_BINDINGS]

    class Selected(Message):
        """`enter` or a click on a row: open the row at `index`."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, draw: Callable[[RowT], Text], **kwargs) -> None:
        super().__init__(**kwargs)
        self.draw = draw
        self.rows: Sequence[RowT] = ()
        self.highlighted: int | None = None
        self._drawn: dict[int, list[Segment]] = {}  # index -> the line's segments at `_drawn_width`
        self._drawn_width = 0

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def prompt(self, index: int) -> Text:
        """The line of the row at `index`, as it is drawn (tests read the list with it)."""
        return self.draw(self.rows[index])

    def show(self, rows: Sequence[RowT], highlighted: int | None = None) -> None:
        """Show `rows` from the top, `highlighted` (if any) under the cursor; no line is drawn yet."""
        self.rows = rows
        self.highlighted = highlighted if rows else None
        self._drawn.clear()
        size = Size(0, len(rows))
        if size != self.virtual_size:
            # As the account list does: resize the scrollbars without a layout pass of the whole screen.
            self.set_reactive(ResultList.virtual_size, size)
            self._scroll_update(size)
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    # -- the cursor --------------------------------------------------------------------------------

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def move_cursor(self, index: int) -> None:
        """Highlight the row at `index` (clamped) and scroll it into view."""
        if not self.rows:
            return
        old = self.highlighted
        self.highlighted = max(0, min(index, len(self.rows) - 1))
        top = int(self.scroll_offset.y)
        if self.highlighted < top:
            self.scroll_to(y=self.highlighted, animate=False, immediate=True)
        elif self.highlighted >= top + self.page_height:
            self.scroll_to(y=self.highlighted - self.page_height + 1, animate=False, immediate=True)
        if old is not None:
            self.refresh_line(old - int(self.scroll_offset.y))
        self.refresh_line(self.highlighted - int(self.scroll_offset.y))

    def action_cursor(self, step: int) -> None:
        self.move_cursor((self.highlighted if self.highlighted is not None else -1) + step)

    def action_page(self, step: int) -> None:
        self.move_cursor((self.highlighted or 0) + step * self.page_height)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = int(self.scroll_offset.y) + offset.y
        if index < len(self.rows):
            self.move_cursor(index)
            self.action_select()
            event.stop()

    # -- drawing -----------------------------------------------------------------------------------

    def _segments(self, index: int, width: int) -> list[Segment]:
        if width != self._drawn_width:
            self._drawn.clear()
            self._drawn_width = width
        segments = self._drawn.get(index)
        if segments is None:
            line = self.draw(self.rows[index]).copy()
            line.no_wrap = True
            line.truncate(width, overflow="ellipsis", pad=True)
            segments = self._drawn[index] = list(line.render(self.app.console))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # without the scrollbar, so a line's "…" is not under it
        index = int(self.scroll_offset.y) + y
        base = self.rich_style
        if index >= len(self.rows):
            return Strip.blank(width, base)
        if index == self.highlighted:
            base = base + self.get_component_rich_style("result-list--highlighted")
        return Strip(Segment.apply_style(self._segments(index, width), base), width)
