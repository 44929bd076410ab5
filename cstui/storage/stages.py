"""Lifecycle stages (issue 29): the CSM's list of stages (`lifecycle_stages`, with the days an account
is expected to stay in each) and the stage each account entered when (`account_stages`).

An account's stage on a day is the latest it entered by then. A stage is set by hand (`cstui stage
set`) or by a registered stage rule (`cstui.metrics.stages`), through the one write path, so every
move is in the history and can be undone.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from cstui.errors import UserError
from cstui.storage.bookfile.connection import write_transaction

if TYPE_CHECKING:  # the dashboard reads the stages on the app's start-up path, which loads no sqlite-utils
    from sqlite_utils import Database

HAND = "hand"


@dataclass(frozen=True)
class Stage:
    name: str
    position: int
    expected_days: int | None  # None: no limit


@dataclass(frozen=True)
class AccountStage:
    account_id: int
    stage: str
    entered_on: str
    set_by: str  # 'hand' or a stage rule's name


def stages(conn: sqlite3.Connection) -> list[Stage]:
    """The book's stages, in order."""
    rows = conn.execute("SELECT name, position, expected_days FROM lifecycle_stages ORDER BY position, id")
    return [Stage(*row) for row in rows]


def find_stage(conn: sqlite3.Connection, name: str) -> Stage:
    """The stage named (any case, '-' or '_' for a space), or one clear line listing the book's stages."""
    wanted = name.strip().lower().replace("_", " ").replace("-", " ")
    known = stages(conn)
    for stage in known:
        if stage.name.lower() == wanted:
            return stage
    raise UserError(f"stage: '{name}' is not one of {', '.join(s.name for s in known)}")


def current_stages(conn: sqlite3.Connection, day: date) -> dict[int, AccountStage]:
    """Account -> the stage it was in at the end of `day` (accounts never staged are left out)."""
    rows = conn.execute(
        """
        SELECT s.account_id, s.stage, s.entered_on, s.set_by FROM account_stages s
        WHERE s.id = (SELECT o.id FROM account_stages o WHERE o.account_id = s.account_id AND o.entered_on <= :d
                      ORDER BY o.entered_on DESC, o.id DESC LIMIT 1)""",
        {"d": day.isoformat()},
    )
    return {row[0]: AccountStage(*row) for row in rows}


def stage_history(conn: sqlite3.Connection, account_id: int) -> list[AccountStage]:
    rows = conn.execute(
        "SELECT account_id, stage, entered_on, set_by FROM account_stages WHERE account_id = ? ORDER BY entered_on, id",
        [account_id],
    )
    return [AccountStage(*row) for row in rows]


def set_stage(db: "Database", key: str, name: str, day: date, set_by: str = HAND) -> AccountStage:
    """The account enters the stage on `day` (a second move the same day replaces the first)."""
    from cstui.storage.records.accounts import get_account

    account = get_account(db, key)
    stage = find_stage(db.conn, name)
    with write_transaction(db, change=f"{account.key} enters stage {stage.name} on {day}"):
        _enter(db, account.id, stage.name, day, set_by)
    return AccountStage(account.id, stage.name, day.isoformat(), set_by)


def _enter(db: "Database", account_id: int, stage: str, day: date, set_by: str) -> None:
    db.execute(
        "INSERT INTO account_stages (account_id, stage, entered_on, set_by) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (account_id, entered_on) DO UPDATE SET stage = excluded.stage, set_by = excluded.set_by",
        [account_id, stage, day.isoformat(), set_by],
    )


def enter_stages(db: "Database", moves: list[AccountStage], change: str) -> int:
    """Write the moves the stage rules found, as one change; return how many."""
    if not moves:
        return 0
    with write_transaction(db, change=change):
        for move in moves:
            _enter(db, move.account_id, move.stage, date.fromisoformat(move.entered_on), move.set_by)
    return len(moves)


def completed_playbook_runs(conn: sqlite3.Connection, playbook: str, day: date) -> dict[int, str]:
    """Account -> the day its latest run of the named playbook had every task done, if it has by `day`."""
    rows = conn.execute(
        """
        SELECT r.account_id, max(t.done_on) FROM playbook_runs r JOIN tasks t ON t.playbook_run_id = r.id
        WHERE r.playbook_name = ? COLLATE NOCASE GROUP BY r.id
        HAVING count(t.done_on) = count(t.id) AND max(t.done_on) <= ? ORDER BY r.started_on""",
        [playbook, day.isoformat()],
    )
    return dict(rows.fetchall())


def churned_accounts(conn: sqlite3.Connection, day: date) -> dict[int, str]:
    """Account -> its churn date, for accounts churned by `day`."""
    rows = conn.execute(
        "SELECT id, churn_date FROM accounts WHERE churn_date IS NOT NULL AND churn_date <= ?", [day.isoformat()]
    )
    return dict(rows.fetchall())
