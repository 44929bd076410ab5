"""Since your last look: when each account was last opened, and what the book got for it since.

The marker (`account_seen`) keeps the day, the newest history row and the health breakdown of the
last look. "New since then" is read from the history: a row of the account's tickets, survey
responses, interactions, MRR history, contacts or the account itself written (through cstui: a
form, a command, an import) after the marker's history row. That is what arrived, whatever date it
carries (an import of last month's tickets is news today). Follow-ups that became overdue are read
from the tasks: open, due on or after the last look's day and before today (`tasklist`'s "overdue").

The marker is not a fact about the customer: writing it is not a change in the history.
"""

import sqlite3
from dataclasses import dataclass, field

from sqlite_utils import Database

from cstui.storage import predicates as rule
from cstui.storage.bookfile.connection import write_transaction


@dataclass(frozen=True)
class SeenMarker:
    account_id: int
    seen_on: str
    history_id: int
    score: float | None
    components: str  # the breakdown's JSON


def last_seen(conn: sqlite3.Connection, account_id: int) -> SeenMarker | None:
    row = conn.execute(
        "SELECT account_id, seen_on, history_id, score, components FROM account_seen WHERE account_id = ?",
        [account_id],
    ).fetchone()
    return SeenMarker(*row) if row else None


def newest_history_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM history").fetchone()[0])


def mark_seen(db: Database, marker: SeenMarker) -> None:
    """Remember this look (one write transaction, not recorded in the history: no change to undo).
    An account gone meanwhile (an undone add) is not remembered."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO account_seen (account_id, seen_on, history_id, score, components)"
            " SELECT id, ?, ?, ?, ? FROM accounts WHERE id = ? AND true"
            " ON CONFLICT (account_id) DO UPDATE SET seen_on = excluded.seen_on, history_id = excluded.history_id,"
            " score = excluded.score, components = excluded.components",
            [marker.seen_on, marker.history_id, marker.score, marker.components, marker.account_id],
        )


def _inserted(table: str, alias: str) -> str:
    """SQL: the row `alias` of `table` was inserted after `:h` (one row, or an import's run of rows)."""
    return f"""EXISTS (SELECT 1 FROM history h WHERE h.account_id = :a AND h.id > :h
        AND h.table_name = '{rule.identifier(table)}' AND h.op = 'insert'
        AND {rule.identifier(alias)}.id BETWEEN h.row_id AND coalesce(h.last_row_id, h.row_id))"""


@dataclass(frozen=True)
class NewTicket:
    opened_on: str
    severity: str
    subject: str | None


@dataclass(frozen=True)
class NewResponse:
    responded_on: str
    kind: str
    score: int
    comment: str | None


@dataclass(frozen=True)
class NewNote:
    occurred_on: str
    kind: str  # call, meeting, email, note
    summary: str


@dataclass(frozen=True)
class MrrChange:
    effective_date: str
    mrr: float | None  # None: a row removed


@dataclass(frozen=True)
class News:
    """What the book got for one account since a look; empty lists when nothing."""

    tickets: list[NewTicket] = field(default_factory=list)
    responses: list[NewResponse] = field(default_factory=list)
    notes: list[NewNote] = field(default_factory=list)
    mrr: list[MrrChange] = field(default_factory=list)
    renewal_dates: list[tuple[str | None, str | None]] = field(default_factory=list)  # (before, after)
    contacts_left: list[tuple[str, str]] = field(default_factory=list)  # (name, left_on)
    overdue: list[tuple[str, str]] = field(default_factory=list)  # (due_on, title)

    @property
    def empty(self) -> bool:
        return not any(
            (self.tickets, self.responses, self.notes, self.mrr, self.renewal_dates, self.contacts_left, self.overdue)
        )


def news_since(conn: sqlite3.Connection, marker: SeenMarker, today: str) -> News:
    """Everything new for the marker's account since it was written (see the module's docstring)."""
    p = {"a": marker.account_id, "h": marker.history_id, "seen": marker.seen_on, "d": today}
    tickets = conn.execute(
        f"SELECT opened_on, severity, subject FROM tickets t WHERE t.account_id = :a AND {_inserted('tickets', 't')}"
        " ORDER BY opened_on, id",
        p,
    )
    responses = conn.execute(
        "SELECT responded_on, kind, score, comment FROM surveys s"
        f" WHERE s.account_id = :a AND {_inserted('surveys', 's')} ORDER BY responded_on, id",
        p,
    )
    notes = conn.execute(
        "SELECT occurred_on, kind, summary FROM interactions i"
        f" WHERE i.account_id = :a AND {_inserted('interactions', 'i')} ORDER BY occurred_on, id",
        p,
    )
    mrr = conn.execute(
        """
        SELECT coalesce(json_extract(new_values, '$.effective_date'), json_extract(old_values, '$.effective_date')),
               json_extract(new_values, '$.mrr')
        FROM history WHERE account_id = :a AND id > :h AND table_name = 'mrr_history' AND last_row_id IS NULL
        UNION ALL
        SELECT m.effective_date, m.mrr FROM mrr_history m WHERE m.account_id = :a AND EXISTS (
            SELECT 1 FROM history h WHERE h.account_id = :a AND h.id > :h AND h.table_name = 'mrr_history'
              AND h.last_row_id IS NOT NULL AND m.id BETWEEN h.row_id AND h.last_row_id)
        ORDER BY 1""",
        p,
    )
    renewals = conn.execute(
        """
        SELECT json_extract(old_values, '$.renewal_date'), json_extract(new_values, '$.renewal_date')
        FROM history WHERE account_id = :a AND id > :h AND table_name = 'accounts' AND op = 'update'
          AND json_extract(old_values, '$.renewal_date') IS NOT json_extract(new_values, '$.renewal_date')
        ORDER BY id""",
        p,
    )
    left = conn.execute(
        """
        SELECT json_extract(new_values, '$.name'), json_extract(new_values, '$.left_on')
        FROM history WHERE account_id = :a AND id > :h AND table_name = 'contacts' AND op IN ('insert', 'update')
          AND json_extract(new_values, '$.left_on') IS NOT NULL
          AND json_extract(old_values, '$.left_on') IS NULL
        ORDER BY id""",
        p,
    )
    overdue = conn.execute(
        f"SELECT due_on, title FROM tasks t WHERE t.account_id = :a AND {rule.open_follow_up('t')}"
        " AND t.due_on >= :seen AND t.due_on < :d ORDER BY due_on, id",
        p,
    )
    return News(
        [NewTicket(*r) for r in tickets],
        [NewResponse(*r) for r in responses],
        [NewNote(*r) for r in notes],
        [MrrChange(day, value) for day, value in mrr],
        [(before, after) for before, after in renewals],
        [(name, day) for name, day in left],
        [(due, title) for due, title in overdue],
    )


def accounts_with_news(conn: sqlite3.Connection, today: str) -> set[int]:
    """The accounts looked at before whose book got something since, as `news_since` reads it (a new
    ticket, response, interaction or MRR row, a renewal date moved, a contact who left, a follow-up
    that became overdue): the accounts list marks them."""
    rows = conn.execute(
        f"""
        SELECT s.account_id FROM account_seen s
        WHERE EXISTS (
            SELECT 1 FROM history h WHERE h.account_id = s.account_id AND h.id > s.history_id AND (
                (h.table_name IN ('tickets', 'surveys', 'interactions') AND h.op = 'insert')
                OR h.table_name = 'mrr_history'
                OR (h.table_name = 'accounts' AND h.op = 'update' AND json_extract(h.old_values, '$.renewal_date')
                    IS NOT json_extract(h.new_values, '$.renewal_date'))
                OR (h.table_name = 'contacts' AND json_extract(h.new_values, '$.left_on') IS NOT NULL
                    AND json_extract(h.old_values, '$.left_on') IS NULL)))
           OR EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = s.account_id AND {rule.open_follow_up("t")}
                        AND t.due_on >= s.seen_on AND t.due_on < :d)""",
        {"d": today},
    )
    return {account for (account,) in rows}
