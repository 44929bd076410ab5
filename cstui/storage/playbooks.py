"""Playbooks: named sets of steps with day offsets, applied to an account as dated tasks.

A playbook's *anchor* says which date its offsets count from. Anchors are registered
definitions (`@anchor`), so a new one (say, the next QBR) is one function here and one name in
the CSV, not another branch in `apply_playbook`. Applying records a `playbook_runs` row and one
task per step, linked to the run, in one named change (history, undo). A step whose date has
already passed when the playbook is applied is due on the day it is applied: it still needs doing.
"""

import csv
import io
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.metrics.dates import book_date
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records.accounts import Account, get_account

# --- anchors: which date a playbook's offsets count from ------------------------------------------


@dataclass(frozen=True)
class Anchor:
    name: str
    description: str
    date_of: Callable[[Account, date], str | None]  # None: the account has no such date


ANCHORS: dict[str, Anchor] = {}


def anchor(name: str, description: str) -> Callable[[Callable[[Account, date], str | None]], Anchor]:
    """Register an anchor under `name` (the value of `playbooks.anchor` and of the CSV column)."""

    def register(date_of: Callable[[Account, date], str | None]) -> Anchor:
        ANCHORS[name] = Anchor(name, description, date_of)
        return ANCHORS[name]

    return register


@anchor("today", "the day the playbook is applied")
def _today(account: Account, today: date) -> str | None:
    return today.isoformat()


@anchor("renewal", "the account's renewal date")
def _renewal(account: Account, today: date) -> str | None:
    return account.renewal_date


@anchor("start", "the account's start date")
def _start(account: Account, today: date) -> str | None:
    return account.start_date


# --- the records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    offset_days: int
    title: str


@dataclass(frozen=True)
class Playbook:
    id: int
    name: str
    anchor: str
    description: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Run:
    """A playbook applied to an account, with how far along its tasks are."""

    id: int
    account_key: str
    playbook: str
    started_on: str
    anchor_date: str
    rule: str | None
    tasks: int
    done: int
    next_due: str | None  # the earliest open task's due date
    next_title: str | None
    change_id: int | None = None  # the change that applied it, on the run `apply_playbook` returns (for its undo)

    @property
    def running(self) -> bool:
        return self.done < self.tasks


def _steps(conn: sqlite3.Connection, playbook_id: int) -> tuple[Step, ...]:
    rows = conn.execute(
        "SELECT offset_days, title FROM playbook_steps WHERE playbook_id = ? ORDER BY offset_days, id", [playbook_id]
    )
    return tuple(Step(*row) for row in rows)


def list_playbooks(conn: sqlite3.Connection) -> list[Playbook]:
    rows = conn.execute("SELECT id, name, anchor, description FROM playbooks ORDER BY name").fetchall()
    return [Playbook(i, name, anchor, text, _steps(conn, i)) for i, name, anchor, text in rows]


def get_playbook(conn: sqlite3.Connection, name: str) -> Playbook:
    """The playbook named `name` (any case); a `UserError` listing the known names otherwise."""
    row = conn.execute("SELECT id, name, anchor, description FROM playbooks WHERE name = ?", [name.strip()]).fetchone()
    if row is None:
        known = ", ".join(p.name for p in list_playbooks(conn)) or "none"
        raise UserError(f"playbook '{name}': no such playbook in the book (known: {known})")
    playbook_id, found, anchor_name, description = row
    return Playbook(playbook_id, found, anchor_name, description, _steps(conn, playbook_id))


def runs(conn: sqlite3.Connection, account_id: int | None = None) -> list[Run]:
    """Playbook runs, newest first, each with its task counts (one account's when an id is given)."""
    rows = conn.execute(
        """
        SELECT r.id, a.key, r.playbook_name, r.started_on, r.anchor_date, r.rule,
               count(t.id), count(t.done_on),
               (SELECT min(due_on) FROM tasks o WHERE o.playbook_run_id = r.id AND o.done_on IS NULL),
               (SELECT title FROM tasks o WHERE o.playbook_run_id = r.id AND o.done_on IS NULL
                 ORDER BY due_on, id LIMIT 1)
        FROM playbook_runs r JOIN accounts a ON a.id = r.account_id
        LEFT JOIN tasks t ON t.playbook_run_id = r.id
        WHERE :a IS NULL OR a.id = :a
        GROUP BY r.id ORDER BY r.started_on DESC, r.id DESC""",
        {"a": account_id},
    )
    return [Run(*row) for row in rows]


# --- applying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedTask:
    title: str
    due_on: str


def plan(playbook: Playbook, account: Account, today: date) -> tuple[str, list[PlannedTask]]:
    """The anchor date and the dated tasks applying `playbook` to `account` today would create."""
    definition = ANCHORS.get(playbook.anchor)
    if definition is None:
        raise UserError(f"playbook '{playbook.name}': unknown anchor '{playbook.anchor}' ({_anchor_names()})")
    start = definition.date_of(account, today)
    if start is None:
        raise UserError(
            f"playbook '{playbook.name}' counts from {definition.description}, and account {account.key} has none"
        )
    if not playbook.steps:
        raise UserError(f"playbook '{playbook.name}': has no steps")
    base = book_date(start, f"the {definition.description} of account {account.key}")
    tasks = [
        PlannedTask(step.title, max(base + timedelta(days=step.offset_days), today).isoformat())
        for step in playbook.steps
    ]
    return start, tasks


def apply_playbook(db: Database, account_key: str, name: str, today: date, rule: str | None = None) -> Run:
    """Apply a playbook to an account: one run, one task per step (due today at the earliest)."""
    account = get_account(db, account_key)
    if account.churn_date is not None and account.churn_date < today.isoformat():
        raise UserError(f"account {account.key}: churned on {account.churn_date}; no playbook applies")
    playbook = get_playbook(db.conn, name)
    for run in runs(db.conn, account.id):
        if run.running and run.playbook.lower() == playbook.name.lower():
            raise UserError(
                f"playbook '{playbook.name}': already running on {account.key} since {run.started_on}"
                f" ({run.done}/{run.tasks} done); finish or delete its open tasks first"
            )
    start, tasks = plan(playbook, account, today)
    with write_transaction(db, change=f"playbook '{playbook.name}' applied to {account.key}") as change:
        run_id = db.execute(
            "INSERT INTO playbook_runs (account_id, playbook_id, playbook_name, started_on, anchor_date, rule)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [account.id, playbook.id, playbook.name, today.isoformat(), start, rule],
        ).lastrowid
        for task in tasks:
            db.execute(
                "INSERT INTO tasks (account_id, title, due_on, created_on, playbook_run_id) VALUES (?, ?, ?, ?, ?)",
                [account.id, task.title, task.due_on, today.isoformat(), run_id],
            )
    return replace(next(r for r in runs(db.conn, account.id) if r.id == run_id), change_id=change.id)


# --- CSV: playbook,anchor,offset_days,step --------------------------------------------------------

CSV_COLUMNS = ("playbook", "anchor", "offset_days", "step", "description")


def _anchor_names() -> str:
    return "anchors: " + ", ".join(ANCHORS)


def export_csv(playbooks: list[Playbook]) -> str:
    """One row per step; the description rides on each row of its playbook (the first one counts)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in playbooks:
        for step in p.steps:
            writer.writerow([p.name, p.anchor, step.offset_days, step.title, p.description])
    return out.getvalue()


@dataclass
class _Parsed:
    name: str
    anchor: str
    description: str
    steps: list[Step]


def parse_csv(text: str, where: str) -> list[_Parsed]:
    """Check a playbook CSV whole; the first bad cell is a `UserError` naming its line and column."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise UserError(f"{where}: missing column(s) {', '.join(missing)} (expected {','.join(CSV_COLUMNS)})")
    parsed: dict[str, _Parsed] = {}
    for line, row in enumerate(reader, start=2):
        name, anchor_name = (row["playbook"] or "").strip(), (row["anchor"] or "").strip().lower()
        title, offset = (row["step"] or "").strip(), (row["offset_days"] or "").strip()
        if not name:
            raise UserError(f"{where} line {line}, playbook: cannot be empty")
        if anchor_name not in ANCHORS:
            raise UserError(f"{where} line {line}, anchor: '{anchor_name}' is not one of {', '.join(ANCHORS)}")
        if not title:
            raise UserError(f"{where} line {line}, step: cannot be empty")
        try:
            days = int(offset)
        except ValueError:
            raise UserError(f"{where} line {line}, offset_days: '{offset}' is not a whole number of days") from None
        entry = parsed.setdefault(name.lower(), _Parsed(name, anchor_name, (row.get("description") or "").strip(), []))
        if entry.anchor != anchor_name:
            raise UserError(f"{where} line {line}, anchor: playbook '{name}' already counts from '{entry.anchor}'")
        entry.steps.append(Step(days, title))
    if not parsed:
        raise UserError(f"{where}: no playbook rows")
    return list(parsed.values())


def import_csv(db: Database, text: str, where: str) -> list[Playbook]:
    """Create or replace (steps, anchor, description) every playbook in the file, all or nothing.

    Runs already applied keep their tasks; playbooks not in the file are left as they are."""
    parsed = parse_csv(text, where)
    with write_transaction(db, change=f"playbooks imported from {where}: {', '.join(p.name for p in parsed)}"):
        for p in parsed:
            row = db.execute("SELECT id FROM playbooks WHERE name = ?", [p.name]).fetchone()
            if row is None:
                playbook_id = db.execute(
                    "INSERT INTO playbooks (name, anchor, description) VALUES (?, ?, ?)",
                    [p.name, p.anchor, p.description],
                ).lastrowid
            else:
                playbook_id = row[0]
                db.execute(
                    "UPDATE playbooks SET anchor = ?, description = ? WHERE id = ?",
                    [p.anchor, p.description, playbook_id],
                )
                db.execute("DELETE FROM playbook_steps WHERE playbook_id = ?", [playbook_id])
            for step in p.steps:
                db.execute(
                    "INSERT INTO playbook_steps (playbook_id, offset_days, title) VALUES (?, ?, ?)",
                    [playbook_id, step.offset_days, step.title],
                )
    return [get_playbook(db.conn, p.name) for p in parsed]
