"""Book-wide reads that are not metrics: who is who, last contacts, follow-ups, segments.

The screens, the CLI and the engine ask these through named functions so each question is
written once; the rules they apply come from `cstui.storage.predicates`.
"""

import json
import sqlite3
from dataclasses import dataclass
from datetime import date

from cstui.storage import predicates as rule
from cstui.storage.scope import EVERYONE, Scope


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """An account's identity and dates, as stored."""

    account_id: int
    key: str
    name: str
    segment: str | None
    plan: str | None
    start_date: str
    renewal_date: str | None
    churn_date: str | None


def account_keys(conn: sqlite3.Connection, ids: list[int] | None = None) -> dict[int, str]:
    """Account id -> the CSM's own key, for every account (or only those of `ids`)."""
    if ids is None:
        return dict(conn.execute("SELECT id, key FROM accounts").fetchall())
    rows = conn.execute("SELECT id, key FROM accounts WHERE id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])
    return dict(rows.fetchall())


def accounts(conn: sqlite3.Connection) -> dict[int, AccountInfo]:
    """Every account, by id, in name order."""
    rows = conn.execute(
        "SELECT id, key, name, segment, plan, start_date, renewal_date, churn_date FROM accounts ORDER BY name, id"
    )
    return {row[0]: AccountInfo(*row) for row in rows}


def account(conn: sqlite3.Connection, account_id: int) -> AccountInfo:
    """One account by id (the caller knows it exists)."""
    row = conn.execute(
        "SELECT id, key, name, segment, plan, start_date, renewal_date, churn_date FROM accounts WHERE id = ?",
        [account_id],
    ).fetchone()
    return AccountInfo(*row)


def is_empty(conn: sqlite3.Connection) -> bool:
    """No account yet: a new book, which the app greets with what to do first instead of zeros."""
    return conn.execute("SELECT 1 FROM accounts LIMIT 1").fetchone() is None


def segments(conn: sqlite3.Connection) -> list[str]:
    """The book's segment names, in the order SQLite finds them."""
    return [s for (s,) in conn.execute("SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL")]


def contact_names(conn: sqlite3.Connection, account_id: int) -> list[str]:
    return [n for (n,) in conn.execute("SELECT name FROM contacts WHERE account_id = ? ORDER BY name", [account_id])]


def last_contacts(conn: sqlite3.Connection, day: date, scope: Scope = EVERYONE) -> dict[int, str]:
    """Account -> date of its last logged contact up to the end of `day` (accounts never contacted left out)."""
    clause, params = scope.where()
    rows = conn.execute(
        f"SELECT account_id, max(occurred_on) FROM interactions WHERE {rule.contact_by('d')}{clause}"
        " GROUP BY account_id",
        {"d": day.isoformat(), **params},
    )
    return dict(rows.fetchall())


@dataclass(frozen=True, slots=True)
class FollowUp:
    task_id: int
    due_on: str
    title: str


def open_follow_ups(conn: sqlite3.Connection, account_id: int) -> list[FollowUp]:
    """The account's open follow-ups, the most pressing first."""
    rows = conn.execute(
        f"SELECT id, due_on, title FROM tasks WHERE account_id = ? AND {rule.open_follow_up()}"
        f" ORDER BY {rule.FOLLOW_UP_ORDER}",
        [account_id],
    )
    return [FollowUp(*row) for row in rows]


def first_open_follow_up(conn: sqlite3.Connection, account_id: int) -> FollowUp | None:
    """The account's most pressing open follow-up (the earliest due), if any."""
    pending = open_follow_ups(conn, account_id)
    return pending[0] if pending else None


def open_follow_up_counts(conn: sqlite3.Connection) -> dict[int, int]:
    """Account -> number of open follow-ups."""
    sql = f"SELECT account_id, count(*) FROM tasks WHERE {rule.open_follow_up()} GROUP BY account_id"
    return dict(conn.execute(sql).fetchall())
