"""Read queries about one account that are not metrics: its timeline and contacts.

Shared by the account screen and the account brief export, so both tell the same story.
"""

import sqlite3
from dataclasses import dataclass

from cstui.storage import predicates as rule


@dataclass(frozen=True)
class TimelineEntry:
    day: str
    kind: str
    text: str


def timeline(conn: sqlite3.Connection, account_id: int, as_of: str, limit: int = 200) -> list[TimelineEntry]:
    """Calls, surveys, tickets and invoices up to `as_of`, newest first."""
    rows = conn.execute(
        f"""
        SELECT day, kind, text FROM (
            SELECT occurred_on AS day, kind, summary || coalesce(': ' || notes, '') ||
                   coalesce(' [sentiment ' || sentiment || ']', '') AS text, id * 10 AS ord
              FROM interactions WHERE account_id = :a
            UNION ALL SELECT responded_on, upper(kind), score || coalesce(' - ' || comment, ''), id * 10 + 1
              FROM surveys WHERE account_id = :a
            UNION ALL SELECT opened_on, 'ticket',
                   severity || ' ' || channel || ': ' || coalesce(subject, '') ||
                   CASE WHEN {rule.open_ticket("d")} THEN ' (open)'
                        ELSE ' (closed ' || closed_on || ')' END,
                   id * 10 + 2 FROM tickets WHERE account_id = :a
            UNION ALL SELECT issued_date, 'invoice', invoice_no || ' ' || printf('%.2f', amount) ||
                   CASE WHEN {rule.overdue_invoice("d")} THEN ' OVERDUE since ' || due_date
                        WHEN paid_date <= :d THEN ' paid ' || paid_date ELSE ' due ' || due_date END,
                   id * 10 + 3 FROM invoices WHERE account_id = :a)
        WHERE day <= :d ORDER BY day DESC, ord DESC LIMIT :n""",
        {"a": account_id, "d": as_of, "n": limit},
    )
    return [TimelineEntry(*row) for row in rows]


@dataclass(frozen=True)
class Contact:
    name: str
    email: str  # "" when not known
    role: str
    champion: bool


def contacts(conn: sqlite3.Connection, account_id: int) -> list[Contact]:
    """The account's contacts, champions first."""
    rows = conn.execute(
        "SELECT name, email, role, is_champion FROM contacts WHERE account_id = ? ORDER BY is_champion DESC, name",
        [account_id],
    )
    return [Contact(name, email or "", role or "", bool(champion)) for name, email, role, champion in rows]
