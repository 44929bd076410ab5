"""One task list across the book (`T`): every open follow-up, overdue first.

`x` marks the task under the cursor done, `s` re-dates it, `e` edits it, `enter` opens its account.
Writes go through `storage.records.tasks` (the same checks and history as `cstui task ...`), so each is
undoable with `cstui undo`; the cursor stays on the same row number after the list reloads.
Thousands of open tasks are one line-API list (`TaskTable`): only the rows in view are drawn.
"""

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from cstui.errors import UserError
from cstui.readmodels.tasks import TaskList, task_list
from cstui.storage.bookfile.access import Conn
from cstui.storage.tasklist import OpenTask
from cstui.tui.screens.base import BookScreen
from cstui.tui.screens.task_form import TaskChange, TaskFormScreen
from cstui.tui.widgets.task_table import TaskTable, natural_widths


@dataclass(frozen=True)
class TaskRows:
    """One load: the open tasks, and the width each column needs (measured in the worker, not on the UI thread)."""

    data: TaskList
    widths: tuple[int, ...]


class TasksScreen(BookScreen[TaskRows]):
    """Every open follow-up in the book."""

    BINDINGS = [
        Binding("x", "done", "Done"),
        Binding("s", "redate", "Re-date"),
        Binding("e", "edit", "Edit"),
        Binding("enter", "open_account", "Open account", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[OpenTask] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("…", id="tasks-summary", markup=False)
        yield TaskTable(id="tasks")
        yield Footer()

    @property
    def table(self) -> TaskTable:
        return self.query_one("#tasks", TaskTable)

    def fetch(self, conn: Conn) -> TaskRows:
        data = task_list(conn, self.app.as_of)
        return TaskRows(data, natural_widths(data.tasks))

    def show(self, rows: TaskRows) -> None:
        data = rows.data
        self.tasks = data.tasks
        summary = Text(f"{len(data.tasks)} open follow-ups  ·  ")
        summary.append(f"{data.counts.overdue} overdue", style="bold red" if data.counts.overdue else "")
        summary.append(f"  ·  {data.counts.today} due today")
        self.query_one("#tasks-summary", Static).update(summary)
        self.table.show_tasks(data.tasks, rows.widths, cursor=self.table.cursor_row)

    def _current(self) -> OpenTask | None:
        return self.table.selected

    def _write(self, change: Callable[..., object], *args: object, **kwargs: object) -> bool:
        """One records write; a refused one is a message, not a crash. True when it was saved."""
        try:
            saved = self.app.write(change, *args, **kwargs) is not None
        except UserError as error:
            self.app.say(str(error), severity="error")
            return False
        if saved:
            self.app.book_changed()
        return saved

    def action_done(self) -> None:
        from cstui.storage.records.tasks import set_task_done  # the write path: loaded at the first write

        task = self._current()
        done = self.app.as_of.isoformat()
        if task is not None and self._write(set_task_done, task.task_id, done, self.app.as_of):
            self.app.say(f"Done: {task.title} ({task.account_key})")

    def _form(self, focus_due: bool) -> None:
        task = self._current()
        if task is None:
            return

        def save(change: TaskChange | None) -> None:
            from cstui.storage.records.tasks import TaskFields, edit_task

            if change is not None and (change.title is not None or change.due_on is not None):
                self._write(edit_task, task.task_id, TaskFields(change.title, change.due_on), self.app.as_of)

        self.app.push_screen(TaskFormScreen(task.account_key, task.title, task.due_on, focus_due), save)

    def action_redate(self) -> None:
        self._form(focus_due=True)

    def action_edit(self) -> None:
        self._form(focus_due=False)

    def action_open_account(self) -> None:
        task = self._current()
        if task is not None:
            from cstui.tui.screens.account import AccountScreen

            self.app.push_screen(AccountScreen(task.account_id))

    def on_task_table_selected(self, event: TaskTable.Selected) -> None:
        self.action_open_account()
