"""Tasks (follow-ups): `check_task` is the one check of a task's fields, for `add_task` and
`edit_task` alike; `set_task_done` is the one way a task is done (or opened again), from the CLI,
the tasks screen, the feedback form and the check-in."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui.errors import FieldError, UserError
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records.checks import account_id, check_date, fetch, nothing_to_change, required, update, write


@dataclass(frozen=True)
class Task:
    id: int
    account_key: str
    interaction_id: int | None
    title: str
    due_on: str
    created_on: str
    done_on: str | None


@dataclass(frozen=True)
class TaskFields:
    """A task's fields as typed: None leaves a field as it is (an edit)."""

    title: str | None = None
    due_on: str | None = None


def check_task(fields: TaskFields, today: date, current: Task | None = None) -> dict[str, Any]:
    """The `tasks` columns `fields` set, checked. A new task (no `current`) is created today and due
    today or later; an edited one is not due before the day it was created."""
    values: dict[str, Any] = {}
    if current is None or fields.title is not None:
        values["title"] = required("title", fields.title or "")
    if current is None or fields.due_on is not None:
        due = check_date("due date", fields.due_on or "")
        if current is None and due < today.isoformat():
            raise FieldError("due date", f"{due} is before today ({today.isoformat()})")
        if current is not None and due < current.created_on:
            raise FieldError("due date", f"{due} is before the task was created ({current.created_on})")
        values["due_on"] = due
    return values


def get_task(db: Database, task_id: int) -> Task:
    row = fetch(
        db,
        "SELECT t.id, a.key, t.interaction_id, t.title, t.due_on, t.created_on, t.done_on"
        " FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE t.id = ?",
        task_id,
        "task",
    )
    return Task(*row)


def add_task(db: Database, account_key: str, fields: TaskFields, today: date) -> Task:
    """A follow-up created today (the day it is typed), due today or later."""
    values = check_task(fields, today)
    with write_transaction(db, change=f"task added for {account_key}: {values['title']}"):
        new_id = write(
            db,
            f"task '{values['title']}'",
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (?, ?, ?, ?)",
            [account_id(db, account_key), values["title"], values["due_on"], today.isoformat()],
        )
    return get_task(db, new_id)


def edit_task(db: Database, task_id: int, fields: TaskFields, today: date) -> Task:
    current = get_task(db, task_id)
    values = check_task(fields, today, current)
    nothing_to_change(f"task {task_id}", values)
    with write_transaction(db, change=f"task {task_id} edited: {', '.join(values)}"):
        update(db, "tasks", task_id, values, f"task {task_id}")
    return get_task(db, task_id)


def set_task_done(db: Database, task_id: int, done_on: str | None, today: date) -> Task:
    """Mark an open task done on a day (not after today), or open a done one again with `done_on=None`."""
    current = get_task(db, task_id)
    if done_on is None:
        if current.done_on is None:
            raise UserError(f"task {task_id}: is not done")
        change = f"task {task_id} reopened"
    else:
        if current.done_on is not None:
            raise UserError(f"task {task_id}: already done on {current.done_on} (`cstui task undone {task_id}`)")
        done_on = check_date("done date", done_on, not_after=today)
        change = f"task {task_id} done"
    with write_transaction(db, change=change):
        db.execute("UPDATE tasks SET done_on = ? WHERE id = ?", [done_on, task_id])
    return get_task(db, task_id)


def delete_task(db: Database, task_id: int) -> Task:
    task = get_task(db, task_id)
    with write_transaction(db, change=f"task {task_id} deleted: {task.title}"):
        db.execute("DELETE FROM tasks WHERE id = ?", [task_id])
    return task
