"""Build small books by hand for tests whose expected values are computed on paper."""

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlite_utils import Database

from cstui.storage.bookfile.connection import connect


class BookMaker:
    """Writes rows straight into a book; each helper returns the new row's id."""

    def __init__(self, db: Database):
        self.db = db
        self.conn = db.conn

    def _insert(self, sql: str, args: list) -> int:
        with self.conn:
            return self.conn.execute(sql, args).lastrowid

    def account(
        self,
        key: str,
        start: str,
        churn: str | None = None,
        segment: str | None = None,
        renewal: str | None = None,
        name: str | None = None,
    ) -> int:
        return self._insert(
            "INSERT INTO accounts (key, name, start_date, churn_date, segment, renewal_date) VALUES (?, ?, ?, ?, ?, ?)",
            [key, name or key, start, churn, segment, renewal],
        )

    def mrr(self, account: int, effective: str, mrr: float) -> int:
        return self._insert(
            "INSERT INTO mrr_history (account_id, effective_date, mrr) VALUES (?, ?, ?)", [account, effective, mrr]
        )

    def survey(self, account: int, kind: str, score: int, on: str, comment: str | None = None) -> int:
        return self._insert(
            "INSERT INTO surveys (account_id, kind, score, responded_on, comment) VALUES (?, ?, ?, ?, ?)",
            [account, kind, score, on, comment],
        )

    def invoice(self, account: int, number: str, issued: str, due: str, amount: float, paid: str | None = None) -> int:
        return self._insert(
            "INSERT INTO invoices (account_id, invoice_no, issued_date, due_date, amount, paid_date) VALUES (?, ?, ?, ?, ?, ?)",
            [account, number, issued, due, amount, paid],
        )

    def feature(self, name: str, is_key: bool = True) -> int:
        return self._insert("INSERT INTO features (name, is_key) VALUES (?, ?)", [name, int(is_key)])

    def usage(self, account: int, day: str, users: int, minutes: float) -> None:
        self._insert(
            "INSERT INTO usage_daily (account_id, day, active_users, minutes) VALUES (?, ?, ?, ?)",
            [account, day, users, minutes],
        )

    def feature_use(self, account: int, day: str, feature: int, events: int = 1) -> None:
        self._insert(
            "INSERT INTO feature_usage (account_id, day, feature_id, events) VALUES (?, ?, ?, ?)",
            [account, day, feature, events],
        )

    def ticket(
        self, account: int, opened: str, channel: str = "assisted", severity: str = "normal", closed: str | None = None
    ) -> int:
        return self._insert(
            "INSERT INTO tickets (account_id, opened_on, channel, severity, closed_on) VALUES (?, ?, ?, ?, ?)",
            [account, opened, channel, severity, closed],
        )

    def note(
        self,
        account: int,
        on: str,
        sentiment: int | None = None,
        text_sentiment: float | None = None,
        summary: str = "call",
    ) -> int:
        return self._insert(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary, sentiment, text_sentiment)"
            " VALUES (?, ?, 'call', ?, ?, ?)",
            [account, on, summary, sentiment, text_sentiment],
        )

    def weights(self, **weights: float) -> None:
        with self.conn:
            for key, value in weights.items():
                self.conn.execute("UPDATE health_config SET value = ? WHERE name = ?", [value, f"weight.{key}"])


_MIGRATED: sqlite3.Connection | None = None


def memory_book() -> Database:
    """A migrated in-memory book: cheap enough for one per hypothesis example.

    Migrating takes about a second (29 steps); the first call migrates a template and every call copies
    it with SQLite's backup API (about 2 ms), so a property's examples cost what they test."""
    from cstui.storage.bookfile.migrations import migration_set

    global _MIGRATED
    if _MIGRATED is None:
        template = Database(sqlite3.connect(":memory:", check_same_thread=False))
        template.execute("PRAGMA foreign_keys = ON")
        migration_set().apply(template)
        _MIGRATED = template.conn
    conn = sqlite3.connect(":memory:")
    _MIGRATED.backup(conn)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    return db


_EMPTY_BOOK: Path | None = None


def new_book(path: Path) -> Database:
    """A new empty book at `path`, as `connect(path, create=True)` (`cstui init`) makes one.

    A copy of one book migrated per test process: migrating costs about a second, which a property
    test would pay per example. Tests of book creation itself keep calling `connect(create=True)`."""
    global _EMPTY_BOOK
    if _EMPTY_BOOK is None:
        template = Path(tempfile.mkdtemp(prefix="cstui-empty-")) / "empty.db"
        db = connect(template, create=True)
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        _EMPTY_BOOK = template
    shutil.copyfile(_EMPTY_BOOK, path)
    os.chmod(path, 0o600)
    return connect(path)
