"""Success plans and their goals: the records (issue 29). What a goal's progress is lives in the engine
(`cstui.metrics.plans`), which computes it from the facts as of a day; only what the CSM says is stored.

One plan per account (objective, when it was agreed, the customer-side owner). A goal is measured
(it names a figure of `cstui.metrics.plan_figures.FIGURES` and a target; the caller checks the name
against that registry, which sits above storage) or a milestone the CSM ticks. Every write goes
through `write_transaction`, so it is in the history and can be undone.
"""

import math
import re
import sqlite3
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records.accounts import get_account


@dataclass(frozen=True)
class Plan:
    id: int
    account_id: int
    account_key: str
    objective: str
    agreed_on: str | None
    owner: str | None
    done_on: str | None


@dataclass(frozen=True)
class Goal:
    id: int
    account_id: int
    account_key: str
    title: str
    figure: str | None  # None: a milestone
    subject: str | None
    target: float | None
    start_on: str
    due_on: str
    done_on: str | None

    @property
    def is_milestone(self) -> bool:
        return self.figure is None


_PLAN = (
    "SELECT p.id, p.account_id, a.key, p.objective, p.agreed_on, p.owner, p.done_on"
    " FROM success_plans p JOIN accounts a ON a.id = p.account_id"
)
_GOAL = (
    "SELECT g.id, g.account_id, a.key, g.title, g.figure, g.subject, g.target, g.start_on, g.due_on, g.done_on"
    " FROM plan_goals g JOIN accounts a ON a.id = g.account_id"
)


def plan_of(conn: sqlite3.Connection, account_id: int) -> Plan | None:
    row = conn.execute(_PLAN + " WHERE p.account_id = ?", [account_id]).fetchone()
    return Plan(*row) if row else None


def goals_of(conn: sqlite3.Connection, account_id: int) -> list[Goal]:
    """The account's goals, the earliest due first."""
    return [Goal(*row) for row in conn.execute(_GOAL + " WHERE g.account_id = ? ORDER BY g.due_on, g.id", [account_id])]


def open_plan_goals(conn: sqlite3.Connection) -> list[Goal]:
    """Every goal of a plan not marked done (what the check-in's goal rules look at)."""
    rows = conn.execute(
        _GOAL
        + " JOIN success_plans p ON p.account_id = g.account_id WHERE p.done_on IS NULL ORDER BY g.account_id, g.id"
    )
    return [Goal(*row) for row in rows]


def get_goal(conn: sqlite3.Connection, goal_id: int) -> Goal:
    row = conn.execute(_GOAL + " WHERE g.id = ?", [goal_id]).fetchone()
    if row is None:
        raise UserError(f"goal {goal_id}: no such goal (`cstui plan show KEY` lists them)")
    return Goal(*row)


_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_target(text: str) -> float:
    """A goal's target as typed: a plain decimal number, negative allowed (an NPS of -10)."""
    cleaned = text.strip()
    if not _NUMBER.fullmatch(cleaned) or not math.isfinite(value := float(cleaned)):
        raise UserError(f"--target: '{text}' is not a number (like 30 or -10 or 62.5)")
    return value


def feature_named(conn: sqlite3.Connection, name: str) -> str:
    """The catalogue's spelling of a feature (any case), or one clear line listing the catalogue."""
    row = conn.execute("SELECT name FROM features WHERE name = ? COLLATE NOCASE", [name.strip()]).fetchone()
    if row is None:
        known = [n for (n,) in conn.execute("SELECT name FROM features ORDER BY name")]
        raise UserError(f"--subject: '{name}' is not a feature of the book ({', '.join(known) or 'none yet'})")
    return str(row[0])


def _text(value: str | None, label: str, required: bool = False) -> str | None:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise UserError(f"{label}: must not be empty")
    return cleaned or None


def add_plan(db: Database, key: str, objective: str, agreed_on: date | None, owner: str | None) -> Plan:
    account = get_account(db, key)
    if plan_of(db.conn, account.id) is not None:
        raise UserError(f"account {account.key}: already has a success plan (`cstui plan edit {account.key}`)")
    text = _text(objective, "objective", required=True)
    with write_transaction(db, change=f"success plan for {account.key}"):
        db.execute(
            "INSERT INTO success_plans (account_id, objective, agreed_on, owner) VALUES (?, ?, ?, ?)",
            [account.id, text, agreed_on.isoformat() if agreed_on else None, _text(owner, "owner")],
        )
    return _plan(db, account.id)


def _plan(db: Database, account_id: int) -> Plan:
    plan = plan_of(db.conn, account_id)
    assert plan is not None
    return plan


def _need_plan(db: Database, key: str) -> Plan:
    account = get_account(db, key)
    plan = plan_of(db.conn, account.id)
    if plan is None:
        raise UserError(f"account {account.key}: has no success plan (`cstui plan add {account.key} --objective ...`)")
    return plan


def edit_plan(db: Database, key: str, objective: str | None, agreed_on: date | None, owner: str | None) -> Plan:
    """Change what is given; the rest stays."""
    plan = _need_plan(db, key)
    new_objective = _text(objective, "objective", required=True) if objective is not None else plan.objective
    new_agreed = agreed_on.isoformat() if agreed_on else plan.agreed_on
    new_owner = _text(owner, "owner") if owner is not None else plan.owner
    with write_transaction(db, change=f"success plan for {plan.account_key} edited"):
        db.execute(
            "UPDATE success_plans SET objective = ?, agreed_on = ?, owner = ? WHERE id = ?",
            [new_objective, new_agreed, new_owner, plan.id],
        )
    return _plan(db, plan.account_id)


def plan_done(db: Database, key: str, day: date) -> Plan:
    plan = _need_plan(db, key)
    with write_transaction(db, change=f"success plan for {plan.account_key} done"):
        db.execute("UPDATE success_plans SET done_on = ? WHERE id = ?", [day.isoformat(), plan.id])
    return _plan(db, plan.account_id)


def add_goal(
    db: Database,
    key: str,
    title: str,
    due_on: date,
    start_on: date,
    figure: str | None = None,
    subject: str | None = None,
    target: float | None = None,
) -> Goal:
    """A goal on the account's plan: measured when `figure` (already checked against the registry) is given."""
    plan = _need_plan(db, key)
    text = _text(title, "goal", required=True)
    if (figure is None) != (target is None):
        raise UserError("goal: a measured goal needs both --figure and --target (a milestone neither)")
    if due_on < start_on:
        raise UserError(f"goal: due {due_on} is before its start {start_on}")
    with write_transaction(db, change=f"goal added to the plan of {plan.account_key}"):
        cursor = db.execute(
            "INSERT INTO plan_goals (account_id, title, figure, subject, target, start_on, due_on)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                plan.account_id,
                text,
                figure,
                _text(subject, "subject"),
                target,
                start_on.isoformat(),
                due_on.isoformat(),
            ],
        )
        goal_id = cursor.lastrowid
    assert goal_id is not None
    return get_goal(db.conn, goal_id)


def goal_done(db: Database, goal_id: int, day: date | None) -> Goal:
    """Tick a milestone (or, with `day` None, untick it). Measured goals are met by the facts, not by hand."""
    goal = get_goal(db.conn, goal_id)
    if not goal.is_milestone:
        raise UserError(
            f"goal {goal_id}: is measured ({goal.figure}); the book marks it met when the figure gets there"
        )
    with write_transaction(db, change=f"goal {goal_id} of {goal.account_key} {'done' if day else 'reopened'}"):
        db.execute("UPDATE plan_goals SET done_on = ? WHERE id = ?", [day.isoformat() if day else None, goal_id])
    return get_goal(db.conn, goal_id)
