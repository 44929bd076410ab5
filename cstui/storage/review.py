"""The review queue of ingested interactions: what `cstui ingest` logged and the CSM has not looked at.

An ingested meeting or message is stored unreviewed (`interactions.reviewed = 0`); it leaves the
queue when the CSM gives their read of it, accepts it as it is, or rewrites it in the feedback form
(`writes.save_feedback` with the interaction's id). Each write here is one transaction.
"""

import json
import sqlite3
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage import predicates as rule
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records.notes import Feedback

READS = (-2, -1, 0, 1, 2)  # the CSM's read of a conversation, as in the feedback form


@dataclass(frozen=True)
class Unreviewed:
    """One ingested interaction waiting for the CSM, with its account."""

    interaction_id: int
    account_id: int
    account_key: str
    account_name: str
    occurred_on: str
    kind: str
    summary: str
    notes: str | None
    contact_email: str | None
    participants: str | None
    duration_minutes: int | None
    text_sentiment: float | None

    def as_feedback(self, today: date) -> Feedback:
        """The form's starting values when the CSM opens this interaction in the feedback form today."""
        return Feedback(
            account_key=self.account_key,
            occurred_on=self.occurred_on,
            kind=self.kind,
            summary=self.summary,
            notes=self.notes,
            contact_email=self.contact_email,
            minutes=self.duration_minutes,
            typed_on=today.isoformat(),
        )


def unreviewed(conn: sqlite3.Connection, day: date) -> list[Unreviewed]:
    """Every unreviewed interaction held by `day`, the newest first (the one the CSM remembers best);
    a meeting booked after it waits until it has taken place."""
    rows = conn.execute(
        f"""
        SELECT i.id, a.id, a.key, a.name, i.occurred_on, i.kind, i.summary, i.notes, i.contact_email,
               i.participants, i.duration_minutes, i.text_sentiment
        FROM interactions i JOIN accounts a ON a.id = i.account_id
        WHERE i.reviewed = 0 AND {rule.contact_by("d", "i")} ORDER BY i.occurred_on DESC, i.id DESC""",
        {"d": day.isoformat()},
    )
    return [Unreviewed(*row) for row in rows]


def _mark(db: Database, interaction_id: int, sql: str, params: list[object]) -> bool:
    cursor = db.execute(sql, [*params, interaction_id])
    if cursor.rowcount != 1:
        raise UserError(f"interaction {interaction_id}: no such interaction in the book")
    return True


def set_read(db: Database, interaction_id: int, read: int) -> bool:
    """Record the CSM's read (-2..2) of an interaction; that reviews it."""
    if read not in READS:
        raise UserError(f"read: {read} is not a whole number from -2 to 2")
    with write_transaction(db, change=f"note {interaction_id} reviewed: read {read:+d}"):
        return _mark(db, interaction_id, "UPDATE interactions SET sentiment = ?, reviewed = 1 WHERE id = ?", [read])


def accept(db: Database, interaction_id: int) -> bool:
    """Take an interaction as ingested: reviewed, nothing else changed."""
    with write_transaction(db, change=f"note {interaction_id} reviewed: accepted as ingested"):
        return _mark(db, interaction_id, "UPDATE interactions SET reviewed = 1 WHERE id = ?", [])


def accept_all(db: Database, interaction_ids: list[int]) -> int:
    """Accept every one of `interaction_ids` still unreviewed (those the CSM saw listed); return how many."""
    with write_transaction(db, change=f"{len(interaction_ids)} ingested notes accepted as ingested"):
        cursor = db.execute(
            "UPDATE interactions SET reviewed = 1 WHERE reviewed = 0 AND id IN (SELECT value FROM json_each(?))",
            [json.dumps(interaction_ids)],
        )
    return cursor.rowcount
