"""The book file: schema steps, pragmas, file modes, refusal of newer or damaged books."""

import hashlib
import os
import sqlite3

import pytest

from cstui.errors import UserError
from cstui.storage.bookfile.connection import applied_steps, connect
from cstui.storage.bookfile.migrations import known_steps, migration_set, split_statements

EXPECTED_TABLES = {
    "accounts",
    "contacts",
    "mrr_history",
    "invoices",
    "surveys",
    "features",
    "usage_daily",
    "feature_usage",
    "tickets",
    "interactions",
    "tasks",
    "health_config",
    "health_snapshots",
    "checkin_state",
    "checkin_rules",
}


def test_new_book_gets_every_step_and_table(book):
    assert applied_steps(book.conn) == known_steps()
    assert set(book.table_names()) >= EXPECTED_TABLES


def test_reopening_applies_nothing_and_makes_no_backup(book_path):
    connect(book_path, create=True).conn.close()
    db = connect(book_path)
    assert applied_steps(db.conn) == known_steps()
    assert len(db.execute("SELECT * FROM _sqlite_migrations").fetchall()) == len(known_steps())
    assert not list(book_path.parent.glob("*.bak"))


def test_every_connection_has_the_safety_pragmas(book):
    conn = book.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_book_and_its_wal_and_shm_are_private_under_umask_022(book_path):
    old = os.umask(0o022)
    try:
        db = connect(book_path, create=True)
        db.execute("INSERT INTO features (name) VALUES ('x')")
        db.conn.commit()
        for suffix in ("", "-wal", "-shm"):
            path = f"{book_path}{suffix}"
            assert os.path.exists(path), path
            assert os.stat(path).st_mode & 0o777 == 0o600, path
        db.conn.close()
    finally:
        os.umask(old)


def test_pending_steps_run_after_a_backup_of_the_old_book(book_path):
    db = connect(book_path, migrate=False, create=True)
    migration_set().apply(db, stop_before=known_steps()[-1])
    db.execute("INSERT INTO features (name) VALUES ('kept')")
    db.conn.commit()
    db.conn.close()

    db = connect(book_path)
    assert applied_steps(db.conn) == known_steps()
    backups = list(book_path.parent.glob(f"book.db.before-{known_steps()[-1]}-*.bak"))
    assert len(backups) == 1
    assert os.stat(backups[0]).st_mode & 0o777 == 0o600
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT name FROM features").fetchall() == [("kept",)]
    assert known_steps()[-1] not in [n for (n,) in old.execute("SELECT name FROM _sqlite_migrations")]


def test_a_book_from_a_newer_cstui_is_refused_and_left_untouched(book_path):
    db = connect(book_path, create=True)
    db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('cstui', '9999_future', 'x')")
    db.conn.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    before = hashlib.sha256(book_path.read_bytes()).hexdigest()
    with pytest.raises(UserError, match=r"newer cstui.*9999_future"):
        connect(book_path)
    assert hashlib.sha256(book_path.read_bytes()).hexdigest() == before


def test_cli_refuses_a_newer_book_with_one_line(book_path, cli):
    db = connect(book_path, create=True)
    db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('cstui', '9999_future', 'x')")
    db.conn.commit()
    db.conn.close()
    result = cli("init", "--db", str(book_path))
    assert result.code == 1
    assert "newer cstui" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_file_that_is_not_a_book_gets_a_clear_message(book_path, cli):
    book_path.write_bytes(b"this is not sqlite at all" * 100)
    result = cli("init", "--db", str(book_path))
    assert result.code == 1
    assert "not a cstui book (not an SQLite database); cstui left it untouched" in result.err
    assert "cstui restore" not in result.err  # a restore is advised only after integrity_check found damage


def test_foreign_keys_and_scales_are_enforced_by_the_book_itself(book):
    with pytest.raises(sqlite3.IntegrityError):
        book.execute("INSERT INTO contacts (account_id, name) VALUES (42, 'nobody')")
    book.execute("INSERT INTO accounts (key, name, start_date) VALUES ('A', 'A', '2025-01-01')")
    for kind, score in (("nps", 11), ("csat", 0), ("ces", 8)):
        with pytest.raises(sqlite3.IntegrityError):
            book.execute(
                "INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (1, ?, ?, '2025-02-01')",
                [kind, score],
            )


def test_split_statements_keeps_semicolons_inside_strings_and_comments():
    script = "-- a comment; with a semicolon\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\nINSERT INTO t VALUES ('c''s;');\n"
    assert split_statements(script) == ["CREATE TABLE t (x TEXT DEFAULT 'a;b');", "INSERT INTO t VALUES ('c''s;');"]
