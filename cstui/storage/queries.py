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


@dataclass(frozen=True)
class TimelineRecord:
    """A timeline entry and the row behind it, so a screen can open, edit or delete that row."""

    entry: TimelineEntry
    table: str  # interactions, surveys, tickets or invoices
    record_id: int


def timeline(conn: sqlite3.Connection, account_id: int, as_of: str, limit: int = 200) -> list[TimelineEntry]:
    """Calls, surveys, tickets and invoices up to `as_of`, newest first."""
    return [record.entry for record in timeline_records(conn, account_id, as_of, limit)]


def timeline_records(conn: sqlite3.Connection, account_id: int, as_of: str, limit: int = 200) -> list[TimelineRecord]:
    """The timeline with each entry's table and row id (one query, the same order as `timeline`)."""
    rows = conn.execute(
        f"""
        SELECT day, kind, text, tbl, id FROM (
            SELECT occurred_on AS day, kind, summary || coalesce(': ' || notes, '') ||
                   coalesce(' [sentiment ' || sentiment || ']', '') AS text, id * 10 AS ord,
                   'interactions' AS tbl, id
              FROM interactions WHERE account_id = :a
            UNION ALL SELECT responded_on, upper(kind), score || coalesce(' - ' || comment, ''), id * 10 + 1,
                   'surveys', id
              FROM surveys WHERE account_id = :a
            UNION ALL SELECT opened_on, 'ticket',
                   severity || ' ' || channel || ': ' || coalesce(subject, '') ||
                   CASE WHEN {rule.open_ticket("d")} THEN ' (open)'
                        ELSE ' (closed ' || closed_on || ')' END,
                   id * 10 + 2, 'tickets', id FROM tickets WHERE account_id = :a
            UNION ALL SELECT issued_date, 'invoice', invoice_no || ' ' || printf('%.2f', amount) ||
                   CASE WHEN {rule.overdue_invoice("d")} THEN ' OVERDUE since ' || due_date
                        WHEN paid_date <= :d THEN ' paid ' || paid_date ELSE ' due ' || due_date END,
                   id * 10 + 3, 'invoices', id FROM invoices WHERE account_id = :a)
        WHERE day <= :d ORDER BY day DESC, ord DESC LIMIT :n""",
        {"a": account_id, "d": as_of, "n": limit},
    )
    return [TimelineRecord(TimelineEntry(day, kind, text), table, row_id) for day, kind, text, table, row_id in rows]


@dataclass(frozen=True)
class Contact:
    name: str
    email: str  # "" when not known
    role: str
    champion: bool


@dataclass(frozen=True)
class ContactRecord:
    """A contact, its row id (so a screen can open or edit it) and the day they left, if they did."""

    contact: Contact
    contact_id: int
    left_on: str | None


def contacts(conn: sqlite3.Connection, account_id: int) -> list[Contact]:
    """The account's contacts, champions first."""
    return [record.contact for record in contact_records(conn, account_id)]


def contact_records(conn: sqlite3.Connection, account_id: int) -> list[ContactRecord]:
    """The account's contacts with their ids, champions first (the order of `contacts`)."""
    rows = conn.execute(
        "SELECT id, name, email, role, is_champion, left_on FROM contacts WHERE account_id = ?"
        " ORDER BY is_champion DESC, name, id",
        [account_id],
    )
    return [
        ContactRecord(Contact(name, email or "", role or "", bool(champion)), contact_id, left_on)
        for contact_id, name, email, role, champion, left_on in rows
    ]
