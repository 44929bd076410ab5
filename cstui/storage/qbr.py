"""What a QBR pack lists for one account and quarter (issue 29), and the packs' figures kept in the book.

The lists are the quarter's records as they are: tickets opened, survey responses, calls and
meetings, follow-ups done. A written pack's headline figures are kept (`qbr_packs`, one row per
account and quarter, replaced when written again, through the one write path), so the next
quarter's pack can say what changed.
"""

import sqlite3
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.storage.bookfile.connection import write_transaction


@dataclass(frozen=True)
class QuarterTicket:
    opened_on: str
    closed_on: str | None
    channel: str
    severity: str
    subject: str | None


@dataclass(frozen=True)
class QuarterResponse:
    responded_on: str
    kind: str
    score: float
    contact_email: str | None
    comment: str | None


@dataclass(frozen=True)
class QuarterMeeting:
    occurred_on: str
    kind: str
    summary: str
    sentiment: int | None  # the CSM's own reading, -2..2 (internal)


@dataclass(frozen=True)
class QuarterTask:
    done_on: str
    title: str


def tickets_opened(conn: sqlite3.Connection, account_id: int, start: str, end: str) -> list[QuarterTicket]:
    """Tickets opened in `[start, end)`, oldest first."""
    rows = conn.execute(
        "SELECT opened_on, closed_on, channel, severity, subject FROM tickets"
        " WHERE account_id = ? AND opened_on >= ? AND opened_on < ? ORDER BY opened_on, id",
        [account_id, start, end],
    )
    return [QuarterTicket(*row) for row in rows]


def tickets_closed_days(conn: sqlite3.Connection, account_id: int, start: str, end: str) -> list[int]:
    """Days from opening to closing of each ticket closed in `[start, end)`."""
    rows = conn.execute(
        "SELECT CAST(julianday(closed_on) - julianday(opened_on) AS INTEGER) FROM tickets"
        " WHERE account_id = ? AND closed_on >= ? AND closed_on < ? ORDER BY closed_on, id",
        [account_id, start, end],
    )
    return [days for (days,) in rows]


def responses(conn: sqlite3.Connection, account_id: int, start: str, end: str) -> list[QuarterResponse]:
    rows = conn.execute(
        "SELECT responded_on, kind, score, contact_email, comment FROM surveys"
        " WHERE account_id = ? AND responded_on >= ? AND responded_on < ? ORDER BY responded_on, id",
        [account_id, start, end],
    )
    return [QuarterResponse(*row) for row in rows]


def meetings(conn: sqlite3.Connection, account_id: int, start: str, end: str) -> list[QuarterMeeting]:
    """Calls and meetings held in `[start, end)`."""
    rows = conn.execute(
        "SELECT occurred_on, kind, summary, sentiment FROM interactions"
        " WHERE account_id = ? AND kind IN ('call', 'meeting') AND occurred_on >= ? AND occurred_on < ?"
        " ORDER BY occurred_on, id",
        [account_id, start, end],
    )
    return [QuarterMeeting(*row) for row in rows]


def mean_sentiment(conn: sqlite3.Connection, account_id: int, start: str, end: str) -> float | None:
    """The CSM's logged sentiment (-2..2) of every interaction in `[start, end)`, averaged."""
    row = conn.execute(
        "SELECT avg(sentiment) FROM interactions WHERE account_id = ? AND occurred_on >= ? AND occurred_on < ?",
        [account_id, start, end],
    ).fetchone()
    return None if row[0] is None else float(row[0])


def tasks_done(conn: sqlite3.Connection, account_id: int, start: str, end: str) -> list[QuarterTask]:
    rows = conn.execute(
        "SELECT done_on, title FROM tasks WHERE account_id = ? AND done_on >= ? AND done_on < ? ORDER BY done_on, id",
        [account_id, start, end],
    )
    return [QuarterTask(*row) for row in rows]


def renewal_call(conn: sqlite3.Connection, account_id: int) -> tuple[str, str] | None:
    """The latest renewal call on the account: (renewal date, call)."""
    row = conn.execute(
        "SELECT renewal_date, call FROM renewal_calls WHERE account_id = ? ORDER BY renewal_date DESC LIMIT 1",
        [account_id],
    ).fetchone()
    return (row[0], row[1]) if row else None


def previous_pack(conn: sqlite3.Connection, account_id: int, quarter: str) -> tuple[str, str] | None:
    """The newest pack of a quarter before `quarter`: (quarter, its figures as JSON text)."""
    row = conn.execute(
        "SELECT quarter, figures FROM qbr_packs WHERE account_id = ? AND quarter < ? ORDER BY quarter DESC LIMIT 1",
        [account_id, quarter],
    ).fetchone()
    return (row[0], row[1]) if row else None


def keep_pack(db: Database, account_id: int, account_key: str, quarter: str, made_on: date, figures: str) -> None:
    """Keep the figures of the pack written (one per account and quarter: a new one replaces it)."""
    with write_transaction(db, change=f"QBR pack {quarter} for {account_key}"):
        db.execute(
            "INSERT INTO qbr_packs (account_id, quarter, made_on, figures) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (account_id, quarter) DO UPDATE SET made_on = excluded.made_on, figures = excluded.figures",
            [account_id, quarter, made_on.isoformat(), figures],
        )
