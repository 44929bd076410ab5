"""The check-in's writes: a review or a snooze with the fingerprint of what it saw.

Each returns the id of the change it recorded in the history, so the check-in screen can undo
exactly what it did (`history.undo(db, change_id=...)`). Logging feedback or completing a follow-up
from the check-in marks the account reviewed in the same change: one undo takes back both. So does
logging a call or a survey on a queued account from anywhere (issue 25), and `cstui checkin undo`
takes back the newest change that touched the check-in.
"""

from datetime import date

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage import history
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records.checks import check_date
from cstui.storage.records.notes import Feedback, save_feedback
from cstui.storage.records.surveys import SurveyFields, add_survey
from cstui.storage.records.tasks import set_task_done

# The newest change (or redo) not undone yet that wrote a check-in action.
_LAST_CHECKIN_CHANGE = (
    "SELECT c.id FROM changes c WHERE c.kind IN ('change', 'redo')"
    " AND NOT EXISTS (SELECT 1 FROM changes u WHERE u.reverts = c.id AND u.kind = 'undo')"
    " AND EXISTS (SELECT 1 FROM history h WHERE h.change_id = c.id AND h.table_name = 'checkin_state')"
    " ORDER BY c.id DESC LIMIT 1"
)


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
    with write_transaction(db, change=f"check-in {day}: account {_key(db, account)} reviewed") as change:
        record_review(db, account, day, fingerprint)
        return change.id


def snooze(db: Database, account: int, day: str, until: str, fingerprint: str) -> int:
    until = check_date("snooze until", until)
    if until <= day:
        raise UserError(f"snooze until: {until} is not after today ({day})")
    with write_transaction(db, change=f"check-in {day}: account {_key(db, account)} snoozed until {until}") as change:
        db.execute(
            "INSERT INTO checkin_state (account_id, day, action, snoozed_until, fingerprint)"
            " VALUES (?, ?, 'snoozed', ?, ?) ON CONFLICT (account_id, day) DO UPDATE SET action = 'snoozed',"
            " snoozed_until = excluded.snoozed_until, fingerprint = excluded.fingerprint",
            [account, day, until, fingerprint],
        )
        return change.id


def feedback_reviewed(db: Database, entry: Feedback, account: int, day: str, fingerprint: str) -> int:
    """Log the feedback and mark the account reviewed, as one change."""
    with write_transaction(db, change=f"check-in {day}: feedback logged for {entry.account_key}, reviewed") as change:
        save_feedback(db, entry)
        record_review(db, account, day, fingerprint)
        return change.id


def follow_up_done_reviewed(db: Database, task_id: int, account: int, day: str, fingerprint: str) -> int:
    """Complete the follow-up and mark the account reviewed, as one change."""
    with write_transaction(
        db, change=f"check-in {day}: task {task_id} done, account {_key(db, account)} reviewed"
    ) as change:
        set_task_done(db, task_id, day, date.fromisoformat(day))
        record_review(db, account, day, fingerprint)
        return change.id


def survey_reviewed(
    db: Database, account_key: str, fields: SurveyFields, today: date, account: int, fingerprint: str
) -> int:
    """Record the survey response and mark the account reviewed today, as one change; return the survey's id."""
    day = today.isoformat()
    with write_transaction(db, change=f"check-in {day}: survey added for {account_key}, reviewed"):
        survey = add_survey(db, account_key, fields, today)
        record_review(db, account, day, fingerprint)
    return survey


def feedback_worked(db: Database, entry: Feedback, account: int, day: str, fingerprint: str) -> int:
    """Log the feedback and mark the account reviewed, as one change; return the note's id."""
    with write_transaction(db, change=f"check-in {day}: feedback logged for {entry.account_key}, reviewed"):
        note = save_feedback(db, entry)
        record_review(db, account, day, fingerprint)
    return note


def undo_last(db: Database) -> history.Change:
    """Undo the newest change that wrote a check-in action (a review, a snooze, or a call, survey or
    follow-up that marked an account reviewed), picked and reverted in one write transaction."""
    with write_transaction(db):
        row = db.execute(_LAST_CHECKIN_CHANGE).fetchone()
        if row is None:
            raise UserError("nothing to undo: no check-in action in the book's history that is not undone yet")
        return history.undo(db, change_id=int(row[0]))


def follow_up_done(db: Database, task_id: int, day: str) -> int:
    """Complete a follow-up listed in the check-in's due-today part (a reminder: the account is not
    reviewed by it); return the change's id, for the check-in's undo."""
    with write_transaction(db, change=f"check-in {day}: task {task_id} done") as change:
        set_task_done(db, task_id, day, date.fromisoformat(day))
        return change.id


def unprinted(db: Database) -> list[tuple[int, str]]:
    """(account, day) of each account's latest check-in action when it holds no fingerprint (an
    imported checkin_state.csv without that column): the one the queue compares reasons with."""
    rows = db.execute(
        "SELECT account_id, day FROM checkin_state c WHERE fingerprint IS NULL"
        " AND day = (SELECT max(day) FROM checkin_state l WHERE l.account_id = c.account_id)"
    )
    return [(int(account), str(day)) for account, day in rows]


def store_fingerprints(db: Database, fingerprints: dict[tuple[int, str], str]) -> int:
    """Store the fingerprints of imported reviews and snoozes (what the account's reasons were that
    day), as one change; return how many."""
    if not fingerprints:
        return 0
    with write_transaction(db, change=f"check-in: fingerprints of {len(fingerprints)} imported actions"):
        db.conn.executemany(
            "UPDATE checkin_state SET fingerprint = ? WHERE account_id = ? AND day = ? AND fingerprint IS NULL",
            [(printed, account, day) for (account, day), printed in fingerprints.items()],
        )
    return len(fingerprints)
