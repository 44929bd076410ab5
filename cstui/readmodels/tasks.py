"""The book-wide task list (`T`, `cstui task list`): every open follow-up, overdue first."""

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum

from cstui.storage.bookfile.access import Conn
from cstui.storage.tasklist import DueCounts, OpenTask, due_counts, open_tasks


class DueFilter(StrEnum):
    """`--due`: today = due by today (overdue included), week = due in the next 7 days (overdue too), overdue = late."""

    TODAY = "today"
    WEEK = "week"
    OVERDUE = "overdue"

    def until(self, day: date) -> date:
        return {DueFilter.TODAY: day, DueFilter.WEEK: day + timedelta(days=7), DueFilter.OVERDUE: day - timedelta(1)}[
            self
        ]


@dataclass(frozen=True)
class TaskList:
    as_of: str
    tasks: list[OpenTask]
    counts: DueCounts

    def to_json(self) -> str:
        shown = {"as_of": self.as_of, "tasks": [t._asdict() for t in self.tasks], "counts": asdict(self.counts)}
        return json.dumps(shown, indent=2, ensure_ascii=False)


def task_list(conn: Conn, as_of: date, due: DueFilter | None = None) -> TaskList:
    return TaskList(
        as_of.isoformat(), open_tasks(conn, as_of, due.until(as_of) if due else None), due_counts(conn, as_of)
    )


def origin_label(task: OpenTask) -> str:
    """How a task's origin reads in a list: 'call', 'playbook: onboarding', 'rule: nps_detractor (…)'."""
    if task.rule:
        return f"rule: {task.rule} ({task.playbook})"
    if task.playbook:
        return f"playbook: {task.playbook}"
    return task.origin.value
