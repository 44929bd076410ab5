"""Hostile input, round two (issue 27): devices and FIFOs as books or input files, foreign files
under `restore`, huge ids, runaway reads, and the history's own edge cases. Each case: one line,
exit 1, the book unchanged, no traceback."""

import hashlib
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from cstui.storage import history, records
from cstui.storage.connection import connect
from tests.conftest import dump


def digest(path: Path) -> str:
    return hashlib.sha256("\n".join(dump(path)).encode()).hexdigest()


def one_line_failure(result) -> None:
    assert result.code == 1, result.out + result.err
    assert result.err.startswith("cstui: ") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err and "\x1b" not in result.err + result.out


@pytest.fixture
def device(tmp_path) -> Path:
    """A character device like /dev/null, made in the test's own folder (root only)."""
    path = tmp_path / "null-device"
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here (not root, or a nodev mount)")
    os.chmod(path, 0o666)
    return path


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe"
    os.mkfifo(path)
    os.chmod(path, 0o644)
    return path


def _untouched(path: Path, mode: int) -> None:
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    for suffix in ("-journal", "-wal", "-shm"):
        assert not Path(f"{path}{suffix}").exists()


@pytest.mark.parametrize("command", [["init"], ["demo", "--no-open"], ["report"]])
def test_a_device_given_as_the_book_is_refused_untouched(cli, device, command):
    result = cli(*command, "--db", str(device))
    one_line_failure(result)
    assert "a device" in result.err and "init" not in result.err.split(";")[0]
    assert "cstui init" not in result.err
    _untouched(device, 0o666)


def test_doctor_names_a_device_and_touches_it_not(cli, device):
    result = cli("doctor", "--db", str(device))
    assert result.code == 1 and "a device" in result.out and "restore" not in result.out
    _untouched(device, 0o666)


def test_a_device_given_to_restore_is_refused_untouched(cli, device, tmp_path):
    backup = tmp_path / "bk.db"
    assert cli("init", "--db", str(backup)).code == 0
    one_line_failure(cli("restore", str(backup), "--db", str(device)))
    _untouched(device, 0o666)


@pytest.mark.parametrize("command", [["init"], ["report"], ["import", "accounts.csv"]])
def test_a_fifo_given_as_the_book_is_refused_untouched(cli, fifo, command, tmp_path):
    (tmp_path / "accounts.csv").write_text("key,name,start_date\nA1,Acme,2024-01-01\n")
    command = [str(tmp_path / c) if c.endswith(".csv") else c for c in command]
    result = cli(*command, "--db", str(fifo))
    one_line_failure(result)
    assert "FIFO" in result.err
    _untouched(fifo, 0o644)


@pytest.fixture
def foreign(tmp_path) -> Path:
    path = tmp_path / "foreign.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.execute("INSERT INTO recipes VALUES ('bread')")
    conn.commit()
    conn.close()
    return path


def test_restore_over_a_foreign_sqlite_file_is_refused(cli, foreign, tmp_path):
    backup = tmp_path / "bk.db"
    assert cli("init", "--db", str(backup)).code == 0
    before = digest(foreign)
    result = cli("restore", str(backup), "--db", str(foreign))
    one_line_failure(result)
    assert "not a cstui book" in result.err
    assert digest(foreign) == before
    assert not list(tmp_path.glob("foreign.db.before-restore-*"))


def test_doctor_on_a_foreign_file_does_not_recommend_a_restore(cli, foreign):
    result = cli("doctor", "--db", str(foreign))
    assert result.code == 1
    assert "not a cstui book" in result.out
    assert "restore" not in result.out


def test_restore_still_replaces_a_damaged_book(cli, tmp_path):
    backup, book = tmp_path / "bk.db", tmp_path / "book.db"
    assert cli("init", "--db", str(backup)).code == 0
    book.write_bytes(b"garbage, not an SQLite file" * 100)
    result = cli("restore", str(backup), "--db", str(book))
    assert result.code == 0, result.err
    assert dump(book) == dump(backup)


# --- undo by id and a reused row id (item 5) ------------------------------------------------------

TODAY = date(2026, 11, 24)


def test_undo_by_id_never_deletes_a_later_identical_row(cli, book_path):
    db = connect(book_path, create=True)
    records.add_account(db, "acme", records.AccountFields(name="Acme", start_date="2024-01-01"), today=TODAY)
    first = records.add_task(db, "acme", "Send the deck", "2026-12-01", today=TODAY)
    records.delete_task(db, first.id)
    again = records.add_task(db, "acme", "Send the deck", "2026-12-01", today=TODAY)
    assert again.id == first.id  # SQLite reuses the rowid: the two rows look the same
    added = [c.id for c in history.list_changes(db) if c.description.startswith("task") and "added" in c.description]
    db.conn.close()
    before = digest(book_path)
    result = cli("undo", str(min(added)), "--db", str(book_path))
    one_line_failure(result)
    assert "changed since" in result.err
    assert digest(book_path) == before
    plain = cli("undo", "--db", str(book_path))  # the newest change can still be undone
    assert plain.code == 0, plain.err
    assert plain.out.startswith(f"undo {max(added)}:")
