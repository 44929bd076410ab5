"""The task list (`T`): every open follow-up in one line-API list (`LineList`), only the visible lines drawn.

The columns take the width their longest text needs (as DataTable's did), and on a narrow terminal
the name, task and origin give up room, the task least, so the whole row stays in view; a text cut
short ends in "…".
"""

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding

from cstui.readmodels.tasks import origin_label
from cstui.storage.tasklist import Due, OpenTask
from cstui.tui.widgets.line_list import PADDING, LineColumn, LineList, fit_widths
from cstui.tui.widgets.text import book_text

DUE_STYLE = {Due.OVERDUE: "bold red", Due.TODAY: "bold yellow", Due.LATER: ""}


def _cut(text: Text) -> Text:
    text.overflow = "ellipsis"
    return text


@dataclass(frozen=True)
class Field:
    """A column of the list: what it shows of a task (measured for its width) and how it is drawn."""

    label: str
    text: Callable[[OpenTask], str]
    render: Callable[[OpenTask], Text]
    least: int  # cells it keeps on the narrowest terminal
    most: int  # cells it takes at the most, however long its longest text
    weight: int = 1  # on a narrow terminal, a column of weight 2 keeps twice the room of one of 1


FIELDS = (
    Field("Due", lambda t: t.due_on, lambda t: Text(t.due_on, style=DUE_STYLE[t.due]), 10, 10),
    Field("Account", lambda t: t.account_key, lambda t: _cut(book_text(t.account_key)), 8, 16),
    Field("Name", lambda t: t.account_name, lambda t: _cut(book_text(t.account_name)), 10, 30),
    Field("Task", lambda t: t.title, lambda t: _cut(book_text(t.title)), 16, 60, weight=2),
    Field("Origin", origin_label, lambda t: _cut(book_text(origin_label(t), "dim")), 6, 40),
)


def shown(text: str) -> str:
    """A cell's text as drawn (control characters written out), so widths fit what is on screen."""
    return book_text(text).plain


def natural_widths(tasks: list[OpenTask]) -> tuple[int, ...]:
    """Each column's width for its longest text as drawn (or its label), at most the column's most."""
    return tuple(
        min(field.most, max([cell_len(field.label), *(cell_len(s) for s in {shown(field.text(t)) for t in tasks})]))
        for field in FIELDS
    )


class TaskTable(LineList[OpenTask]):
    """Every open task the screen passes to `show_tasks`, under a fixed header."""

    BINDINGS = [Binding("enter", "select", "Open account", show=False)]

    class Selected(LineList.Selected):
        """`enter`, or a click on the cursor row: open this task's account."""

        row: OpenTask

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.natural = natural_widths([])

    def show_tasks(self, tasks: list[OpenTask], natural: tuple[int, ...], cursor: int) -> None:
        """Show `tasks` (read again from the book) in columns `natural` wide (`natural_widths(tasks)`,
        measured off the UI thread) or narrower, the cursor on row `cursor` (clamped)."""
        self.natural = natural
        self.rows_shown = tasks  # the room for the columns depends on whether a scrollbar is needed
        self._fit()
        self.show_rows(tasks, cursor, new=True)

    def on_resize(self) -> None:
        if self._fit():
            self.refresh()

    def _fit(self) -> bool:
        """Columns fitted to the list's width; True when they changed."""
        scrollbar = self.styles.scrollbar_size_vertical if len(self.rows_shown) + 1 > self.size.height else 0
        room = self.size.width - scrollbar - 2 * PADDING * len(FIELDS)
        widths = fit_widths(self.natural, [f.least for f in FIELDS], [f.weight for f in FIELDS], room)
        return self.set_columns(tuple(LineColumn(f.label, width, f.render) for f, width in zip(FIELDS, widths)))
