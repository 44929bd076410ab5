"""One task list across the book: every open follow-up with its account, due date and origin.

"Overdue" for a follow-up is written here once: due before the day (a task due today is today's,
not late). The task screen, `cstui task list` and the dashboard's counts all read it from here.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from cstui.storage import predicates as rule


class Due(StrEnum):
    """Where an open task stands on a day."""

    OVERDUE = "overdue"
    TODAY = "today"
    LATER = "later"


class Origin(StrEnum):
    """Where a task came from: a logged call, a playbook (applied by hand or from a check-in rule),
    or typed in by hand."""

    CALL = "call"
    PLAYBOOK = "playbook"
    RULE = "rule"
    MANUAL = "manual"


def _due(at: str) -> str:
    """SQL: the `Due` of an open task (`tasks` as t) at day `:at`."""
    day = rule.identifier(at)
    return f"CASE WHEN t.due_on < :{day} THEN 'overdue' WHEN t.due_on = :{day} THEN 'today' ELSE 'later' END"


class OpenTask(NamedTuple):
    """One open follow-up (a named tuple: a large book lists tens of thousands at a time)."""

    task_id: int
    account_id: int
    account_key: str
    account_name: str
    title: str
    due_on: str
    created_on: str
    due: Due
    origin: Origin
    playbook: str | None  # the playbook's name, when it came from one
    rule: str | None  # the check-in rule that suggested that playbook


def open_tasks(conn: sqlite3.Connection, day: date, due_by: date | None = None) -> list[OpenTask]:
    """Every open follow-up (due by `due_by` when given), overdue first, then by due date.

    Overdue first is due-date order (an overdue task is due before the day), so the rows come in
    the order of the index `tasks_open_due` (due date, id) without a sort."""
    rows = conn.execute(
        f"""
        SELECT t.id, a.id, a.key, a.name, t.title, t.due_on, t.created_on, {_due("d")},
               CASE WHEN r.rule IS NOT NULL THEN 'rule' WHEN r.id IS NOT NULL THEN 'playbook'
                    WHEN t.interaction_id IS NOT NULL THEN 'call' ELSE 'manual' END,
               r.playbook_name, r.rule
        FROM tasks t JOIN accounts a ON a.id = t.account_id
        LEFT JOIN playbook_runs r ON r.id = t.playbook_run_id
        WHERE {rule.open_follow_up("t")} AND (:until IS NULL OR t.due_on <= :until)
        ORDER BY t.due_on, t.id""",
        {"d": day.isoformat(), "until": due_by.isoformat() if due_by else None},
    )
    due, origin = {d.value: d for d in Due}, {o.value: o for o in Origin}  # an enum call per row is slow
    return [
        OpenTask(task, account, key, name, title, due_on, created, due[when], origin[came], playbook, by_rule)
        for task, account, key, name, title, due_on, created, when, came, playbook, by_rule in rows
    ]


@dataclass(frozen=True)
class DueCounts:
    overdue: int
    today: int


def due_counts(conn: sqlite3.Connection, day: date) -> DueCounts:
    """Open follow-ups overdue and due today, across the book."""
    rows = dict(
        conn.execute(
            f"SELECT {_due('d')}, count(*) FROM tasks t WHERE {rule.open_follow_up('t')} GROUP BY 1",
            {"d": day.isoformat()},
        ).fetchall()
    )
    return DueCounts(rows.get(Due.OVERDUE, 0), rows.get(Due.TODAY, 0))
