"""Read queries for the pre-call brief that no other screen needs: the next booked meeting, the last
conversation, the latest notes, open tickets and the survey responses of one account.

Open ticket: opened on or before the day and not closed by it, the check-in's and the timeline's rule.
"""

import sqlite3
from dataclasses import dataclass

from cstui.storage import predicates

CALENDAR_KEY = "ics:%"  # ingest_key of a meeting taken from a calendar export (see migrations/0011_ingest.sql)
CONVERSATIONS = ("call", "meeting")


@dataclass(frozen=True)
class AccountHeader:
    key: str
    name: str
    segment: str | None
    renewal_date: str | None
    churn_date: str | None


@dataclass(frozen=True)
class Meeting:
    """A calendar meeting: its day, subject, length and everyone on the invitation (addresses)."""

    day: str
    summary: str
    minutes: int | None
    participants: list[str]


@dataclass(frozen=True)
class Note:
    day: str
    kind: str
    summary: str
    notes: str | None
    sentiment: int | None  # the CSM's read, -2..2


@dataclass(frozen=True)
class OpenTicket:
    opened_on: str
    severity: str
    channel: str
    subject: str | None


@dataclass(frozen=True)
class SurveyResponse:
    day: str
    kind: str  # nps or csat
    score: int
    comment: str | None


def account_header(conn: sqlite3.Connection, account_id: int) -> AccountHeader:
    row = conn.execute(
        "SELECT key, name, segment, renewal_date, churn_date FROM accounts WHERE id = ?", [account_id]
    ).fetchone()
    return AccountHeader(*row)


def next_meeting(conn: sqlite3.Connection, account_id: int, day: str) -> Meeting | None:
    """The first calendar meeting dated after `day`, if one is booked."""
    row = conn.execute(
        "SELECT occurred_on, summary, duration_minutes, participants FROM interactions"
        " WHERE account_id = ? AND kind = 'meeting' AND ingest_key LIKE ? AND occurred_on > ?"
        " ORDER BY occurred_on, id LIMIT 1",
        [account_id, CALENDAR_KEY, day],
    ).fetchone()
    if row is None:
        return None
    on, summary, minutes, participants = row
    people = [p.strip() for p in (participants or "").split(",") if p.strip()]
    return Meeting(on, summary, minutes, people)


def last_conversation(conn: sqlite3.Connection, account_id: int, day: str) -> str | None:
    """The day of the latest call or meeting on or before `day`."""
    last: str | None = conn.execute(
        "SELECT max(occurred_on) FROM interactions WHERE account_id = ? AND kind IN (?, ?) AND occurred_on <= ?",
        [account_id, *CONVERSATIONS, day],
    ).fetchone()[0]
    return last


def latest_notes(conn: sqlite3.Connection, account_id: int, day: str, limit: int = 3) -> list[Note]:
    """The newest logged interactions (any kind) on or before `day`."""
    rows = conn.execute(
        "SELECT occurred_on, kind, summary, notes, sentiment FROM interactions"
        " WHERE account_id = ? AND occurred_on <= ? ORDER BY occurred_on DESC, id DESC LIMIT ?",
        [account_id, day, limit],
    )
    return [Note(*row) for row in rows]


def open_tickets(conn: sqlite3.Connection, account_id: int, day: str) -> list[OpenTicket]:
    """Tickets open on `day`, the most severe and then the oldest first."""
    rows = conn.execute(
        "SELECT opened_on, severity, channel, subject FROM tickets"
        f" WHERE account_id = :a AND {predicates.open_ticket('d')}"
        " ORDER BY CASE severity WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END,"
        " opened_on, id",
        {"a": account_id, "d": day},
    )
    return [OpenTicket(*row) for row in rows]


def survey_history(conn: sqlite3.Connection, account_id: int, day: str, limit: int = 8) -> list[SurveyResponse]:
    """The account's NPS and CSAT responses on or before `day`, newest first."""
    rows = conn.execute(
        "SELECT responded_on, kind, score, comment FROM surveys"
        " WHERE account_id = ? AND kind IN ('nps', 'csat') AND responded_on <= ?"
        " ORDER BY responded_on DESC, id DESC LIMIT ?",
        [account_id, day, limit],
    )
    return [SurveyResponse(*row) for row in rows]
