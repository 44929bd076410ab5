"""The check-in's writes: a review or a snooze with the fingerprint of what it saw.

Each returns the id of the change it recorded in the history, so the check-in screen can undo
exactly what it did (`history.undo(db, change_id=...)`). Logging feedback or completing a follow-up
from the check-in marks the account reviewed in the same change: one undo takes back both.
"""

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage import writes
from cstui.storage.connection import write_transaction


def _open_change(db: Database) -> int:
    row = db.execute("SELECT change_id FROM open_change").fetchone()
    return int(row[0])


def _key(db: Database, account: int) -> str:
    """The account's key, as the history names an account (never its row id)."""
    row = db.execute("SELECT key FROM accounts WHERE id = ?", [account]).fetchone()
    return str(row[0]) if row else f"#{account}"


def record_review(db: Database, account: int, day: str, fingerprint: str) -> None:
    """Mark the account reviewed on `day`, inside the caller's write transaction (so an action
    that also reviews, like applying a playbook, is one change and one undo)."""
    db.execute(
        "INSERT INTO checkin_state (account_id, day, action, fingerprint) VALUES (?, ?, 'reviewed', ?)"
        " ON CONFLICT (account_id, day) DO UPDATE SET action = 'reviewed', snoozed_until = NULL,"
        " fingerprint = excluded.fingerprint",
        [account, day, fingerprint],
    )


def mark_reviewed(db: Database, account: int, day: str, fingerprint: str) -> int:
    with write_transaction(db, change=f"check-in {day}: account {_key(db, account)} reviewed"):
        record_review(db, account, day, fingerprint)
        return _open_change(db)


def snooze(db: Database, account: int, day: str, until: str, fingerprint: str) -> int:
    until = writes.check_date("snooze until", until)
    if until <= day:
        raise UserError(f"snooze until: {until} is not after today ({day})")
    with write_transaction(db, change=f"check-in {day}: account {_key(db, account)} snoozed until {until}"):
        db.execute(
            "INSERT INTO checkin_state (account_id, day, action, snoozed_until, fingerprint)"
            " VALUES (?, ?, 'snoozed', ?, ?) ON CONFLICT (account_id, day) DO UPDATE SET action = 'snoozed',"
            " snoozed_until = excluded.snoozed_until, fingerprint = excluded.fingerprint",
            [account, day, until, fingerprint],
        )
        return _open_change(db)


def feedback_reviewed(db: Database, entry: writes.Feedback, account: int, day: str, fingerprint: str) -> int:
    """Log the feedback and mark the account reviewed, as one change."""
    with write_transaction(db, change=f"check-in {day}: feedback logged for {entry.account_key}, reviewed"):
        writes.save_feedback(db, entry)
        record_review(db, account, day, fingerprint)
        return _open_change(db)


def follow_up_done_reviewed(db: Database, task_id: int, account: int, day: str, fingerprint: str) -> int:
    """Complete the follow-up and mark the account reviewed, as one change."""
    with write_transaction(db, change=f"check-in {day}: task {task_id} done, account {_key(db, account)} reviewed"):
        writes.complete_task(db, task_id, day)
        record_review(db, account, day, fingerprint)
        return _open_change(db)
