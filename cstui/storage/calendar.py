"""The book's meetings across every account, and the other dated facts the week and the agenda read.

A meeting is an `interactions` row of kind `meeting`: booked ones come from the calendar
(`cstui ingest` takes it four weeks ahead), held ones may also be logged by hand. One "without
feedback" is one the CSM has not reviewed yet (`reviewed = 0`: an ingested row; a hand-logged
meeting is its own feedback).
"""

import sqlite3
from dataclasses import dataclass
from datetime import date

from cstui.storage import predicates as rule


@dataclass(frozen=True)
class BookedMeeting:
    interaction_id: int
    account_id: int
    account_key: str
    account_name: str
    day: str
    summary: str
    minutes: int | None
    participants: list[str]  # addresses on the invitation
    contact: str | None  # who it is with: a contact's name (the one named, else the first invited), else an address
    reviewed: bool  # feedback logged (or reviewed as it is)


def meetings(conn: sqlite3.Connection, first: date, last: date) -> list[BookedMeeting]:
    """Every meeting dated from `first` to `last` (both included), by day, then account."""
    rows = conn.execute(
        """
        SELECT i.id, a.id, a.key, a.name, i.occurred_on, i.summary, i.duration_minutes, i.participants,
               coalesce(c.name, (
                   SELECT p.name FROM contacts p WHERE p.account_id = a.id
                     AND lower(trim(p.email)) = lower(trim(i.contact_email)) ORDER BY p.id LIMIT 1), (
                   SELECT p.name FROM contacts p WHERE p.account_id = a.id AND p.email IS NOT NULL
                     AND instr(', ' || lower(coalesce(i.participants, '')) || ', ',
                               ', ' || lower(trim(p.email)) || ', ') > 0
                   ORDER BY p.is_champion DESC, p.id LIMIT 1), i.contact_email),
               i.reviewed
        FROM interactions i JOIN accounts a ON a.id = i.account_id
        LEFT JOIN contacts c ON c.id = i.contact_id
        WHERE i.kind = 'meeting' AND i.occurred_on >= :first AND i.occurred_on <= :last
        ORDER BY i.occurred_on, a.key, i.id""",
        {"first": first.isoformat(), "last": last.isoformat()},
    )
    return [
        BookedMeeting(
            meeting,
            account,
            key,
            name,
            day,
            summary,
            minutes,
            [p.strip() for p in (participants or "").split(",") if p.strip()],
            contact,
            bool(reviewed),
        )
        for meeting, account, key, name, day, summary, minutes, participants, contact, reviewed in rows
    ]


@dataclass(frozen=True)
class TaskCounts:
    created: int
    done: int


def task_counts(conn: sqlite3.Connection, first: date, last: date) -> TaskCounts:
    """Follow-ups created, and done, from `first` to `last` (both included)."""
    row = conn.execute(
        "SELECT sum(created_on >= :f AND created_on <= :l), sum(done_on >= :f AND done_on <= :l) FROM tasks",
        {"f": first.isoformat(), "l": last.isoformat()},
    ).fetchone()
    return TaskCounts(int(row[0] or 0), int(row[1] or 0))


@dataclass(frozen=True)
class DueTask:
    account_key: str
    title: str
    due_on: str
    playbook: str | None  # the playbook it is a step of


def open_tasks_due(conn: sqlite3.Connection, first: date, last: date) -> list[DueTask]:
    """Open follow-ups due from `first` to `last`, both included, by due date (overdue ones:
    `tasklist.open_tasks`, where "overdue" is defined)."""
    rows = conn.execute(
        f"""
        SELECT a.key, t.title, t.due_on, r.playbook_name FROM tasks t JOIN accounts a ON a.id = t.account_id
        LEFT JOIN playbook_runs r ON r.id = t.playbook_run_id
        WHERE {rule.open_follow_up("t")} AND t.due_on >= :f AND t.due_on <= :l
        ORDER BY t.due_on, a.key, t.id""",
        {"f": first.isoformat(), "l": last.isoformat()},
    )
    return [DueTask(*row) for row in rows]


@dataclass(frozen=True)
class RenewalMove:
    account_id: int
    account_key: str
    before: str | None
    after: str | None
    made_on: str  # the day (UTC) the change was made


def renewal_date_moves(conn: sqlite3.Connection, first: date, last: date) -> list[RenewalMove]:
    """Renewal dates changed through cstui (edits and imports recorded in the history) from `first`
    to `last`, both included; the last move of each account, the oldest value before it."""
    rows = conn.execute(
        """
        SELECT h.row_id, a.key, json_extract(h.old_values, '$.renewal_date'),
               json_extract(h.new_values, '$.renewal_date'), substr(c.made_at, 1, 10)
        FROM history h JOIN changes c ON c.id = h.change_id JOIN accounts a ON a.id = h.row_id
        WHERE h.table_name = 'accounts' AND h.op = 'update' AND h.last_row_id IS NULL
          AND substr(c.made_at, 1, 10) >= :f AND substr(c.made_at, 1, 10) <= :l
          AND json_extract(h.old_values, '$.renewal_date') IS NOT json_extract(h.new_values, '$.renewal_date')
        ORDER BY h.id""",
        {"f": first.isoformat(), "l": last.isoformat()},
    )
    moves: dict[int, RenewalMove] = {}
    for account, key, before, after, made in rows:
        earlier = moves.get(account)
        moves[account] = RenewalMove(account, key, earlier.before if earlier else before, after, made)
    return [m for m in moves.values() if m.before != m.after]
