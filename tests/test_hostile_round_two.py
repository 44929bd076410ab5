"""Hostile input, round two (issue 27): devices and FIFOs as books or input files, foreign files
under `restore`, huge ids, runaway reads, and the history's own edge cases. Each case: one line,
exit 1, the book unchanged, no traceback."""

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from cstui.storage import history
from cstui.storage.bookfile.connection import connect
from cstui.storage.records import accounts as account_records
from cstui.storage.records import tasks as task_records
from tests.bookmaker import BookMaker, new_book
from tests.conftest import dump
from tests.hostile_checks import one_line_failure


def digest(path: Path) -> str:
    return hashlib.sha256("\n".join(dump(path)).encode()).hexdigest()


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
    db = new_book(book_path)
    account_records.add_account(
        db, "acme", account_records.AccountFields(name="Acme", start_date="2024-01-01"), today=TODAY
    )
    first = task_records.add_task(db, "acme", task_records.TaskFields("Send the deck", "2026-12-01"), TODAY)
    task_records.delete_task(db, first.id)
    again = task_records.add_task(db, "acme", task_records.TaskFields("Send the deck", "2026-12-01"), TODAY)
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


# --- files the user names: regular files only, bounded (items 6, 8, 15) ----------------------------


def run_cstui(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """A real process with a deadline: a read that blocks on a FIFO or eats /dev/zero fails the
    test instead of hanging or exhausting the machine."""
    root = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-m", "cstui", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CSTUI_DB": str(cwd / "unused.db")},
    )


@pytest.fixture
def small_book(tmp_path) -> Path:
    path = tmp_path / "book.db"
    db = new_book(path)
    account_records.add_account(
        db, "acme", account_records.AccountFields(name="Acme", start_date="2024-01-01"), today=TODAY
    )
    db.conn.close()
    return path


@pytest.fixture
def deep_json(tmp_path) -> Path:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000)
    return path


READERS = {
    "profile import": ["profile", "import"],
    "weights": ["health", "backtest", "--as-of", "2026-11-24", "--weights"],
    "playbook import": ["playbook", "import"],
    "import": ["import"],
    "import --table": ["import", "--table", "accounts"],
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("what", ["fifo", "/dev/zero", "folder"])
def test_every_read_of_a_user_file_takes_a_regular_file_only(reader, what, small_book, fifo, tmp_path):
    target = {"fifo": fifo, "/dev/zero": Path("/dev/zero"), "folder": tmp_path / "folder"}[what]
    (tmp_path / "folder").mkdir()
    if reader.startswith("import") and what == "folder":
        pytest.skip("a folder is what `import` reads the contract's files from")
    before = digest(small_book)
    done = run_cstui(*READERS[reader], str(target), "--db", str(small_book), cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    said = {"fifo": "a FIFO (named pipe), not a regular file", "/dev/zero": "a device", "folder": "a folder"}[what]
    assert done.stderr.startswith("cstui: ") and said in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert "no such file" not in done.stderr
    assert digest(small_book) == before


def test_a_fifo_under_a_contract_name_in_an_import_folder_is_named(small_book, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    os.mkfifo(folder / "accounts.csv")
    before = digest(small_book)
    done = run_cstui("import", str(folder), "--db", str(small_book), cwd=tmp_path)
    assert done.returncode == 1
    assert "accounts.csv:1: -: a FIFO (named pipe), not a regular file" in done.stdout + done.stderr
    assert digest(small_book) == before


@pytest.mark.parametrize("reader", ["profile import", "weights"])
def test_deeply_nested_json_is_one_line(cli, reader, small_book, deep_json):
    before = digest(small_book)
    result = cli(*READERS[reader], str(deep_json), "--db", str(small_book))
    one_line_failure(result)
    assert "nested too deeply" in result.err
    assert digest(small_book) == before


def test_a_file_above_the_size_limit_is_refused_before_it_is_read(cli, small_book, tmp_path, monkeypatch):
    from cstui import user_files

    monkeypatch.setattr(user_files, "SMALL_LIMIT", 10)
    big = tmp_path / "profile.json"
    big.write_text('{"table": "accounts", "name": "x"}')
    result = cli("profile", "import", str(big), "--db", str(small_book))
    one_line_failure(result)
    assert "larger than" in result.err


@pytest.mark.parametrize("encoding", ["rot13", "hex", "base64", "zlib", "no-such-codec"])
def test_an_encoding_that_is_not_of_text_is_one_line(cli, small_book, tmp_path, encoding):
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nA1,Acme,2024-01-01\n")
    before = digest(small_book)
    result = cli("import", str(source), "--encoding", encoding, "--db", str(small_book))
    one_line_failure(result)
    assert f"--encoding: '{encoding}' is not a text encoding" in result.err
    assert digest(small_book) == before


@pytest.mark.parametrize("date_format", ["%d/%d/%Y", "%Y", "%H:%M"])
def test_a_date_format_that_cannot_read_a_date_is_one_line(cli, small_book, tmp_path, date_format):
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nA1,Acme,01/02/2024\n")
    before = digest(small_book)
    result = cli("import", str(source), "--date-format", date_format, "--db", str(small_book))
    one_line_failure(result)
    assert "--date-format" in result.err
    assert digest(small_book) == before


ZERO = '{"usage": 0, "adoption": 0, "surveys": 0, "support": 0, "payment": 0, "relationship": 0}'


def test_all_zero_weights_are_refused(cli, small_book, tmp_path):
    zero = tmp_path / "zero.json"
    zero.write_text(ZERO)
    before = digest(small_book)
    one_line_failure(
        cli("health", "backtest", "--as-of", "2026-11-24", "--weights", str(zero), "--db", str(small_book))
    )
    sets = [f"--set={key}=0" for key in ("usage", "adoption", "surveys", "support", "payment", "relationship")]
    result = cli("health", "weights", *sets, "--db", str(small_book))
    one_line_failure(result)
    assert "at least one weight must be above 0" in result.err
    assert digest(small_book) == before


# --- import: no terminal, no book made by a dry run or a rejected run (items 7, 12) ---------------


def test_import_interactive_without_a_terminal_is_refused_at_once(tmp_path):
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nA1,Acme,2024-01-01\n")
    book = tmp_path / "new.db"
    done = run_cstui("import", str(source), "--interactive", "--db", str(book), cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("cstui: --interactive: the mapping screen needs a terminal")
    assert "\x1b" not in done.stdout + done.stderr
    assert not book.exists()


@pytest.mark.parametrize(
    ("rows", "extra"),
    [
        ("A1,Acme,2024-01-01", ["--dry-run"]),  # a dry run
        ("A1,Acme,bad", ["--dry-run"]),  # a dry run with problems
        ("A1,Acme,bad", []),  # a rejected import
    ],
)
def test_a_dry_run_or_rejected_import_makes_no_book(cli, tmp_path, rows, extra):
    source = tmp_path / "accounts.csv"
    source.write_text(f"key,name,start_date\n{rows}\n")
    book = tmp_path / "new.db"
    result = cli("import", str(source), *extra, "--db", str(book))
    assert result.code == (1 if "bad" in rows else 0), result.err
    assert not list(tmp_path.glob("new.db*"))


def test_a_rejected_import_leaves_a_zero_byte_file_as_it_was(cli, tmp_path):
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nA1,Acme,bad\n")
    book = tmp_path / "empty.db"
    book.touch()
    os.chmod(book, 0o640)
    assert cli("import", str(source), "--db", str(book)).code == 1
    assert book.stat().st_size == 0 and stat.S_IMODE(book.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.glob("empty.db*")) == ["empty.db"]


def test_an_import_still_creates_the_book_it_fills(cli, tmp_path):
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nA1,Acme,2024-01-01\n")
    book = tmp_path / "new.db"
    assert cli("import", str(source), "--db", str(book)).code == 0
    conn = sqlite3.connect(book)
    assert conn.execute("SELECT key FROM accounts").fetchall() == [("A1",)]
    conn.close()


# --- ids past SQLite's integers (item 8) -----------------------------------------------------------

HUGE = str(2**63)


@pytest.mark.parametrize(
    "command",
    [
        ["note", "edit", HUGE, "--summary", "x"],
        ["note", "delete", HUGE],
        ["survey", "edit", HUGE, "--score", "5"],
        ["survey", "delete", HUGE],
        ["task", "edit", HUGE, "--title", "x"],
        ["task", "done", HUGE],
        ["task", "undone", HUGE],
        ["task", "delete", HUGE],
        ["contact", "edit", HUGE, "--role", "x"],
        ["undo", HUGE],
        ["history", "--limit", HUGE],
        ["search", "acme", "--limit", HUGE],
    ],
)
def test_an_id_past_sqlite_integers_is_one_line(cli, small_book, command):
    before = digest(small_book)
    result = cli(*command, "--db", str(small_book))
    one_line_failure(result)
    assert "Overflow" not in result.err
    assert digest(small_book) == before


# --- a full disk is named as one (item 13) ---------------------------------------------------------


def test_an_io_error_opening_a_book_on_a_full_disk_says_the_disk_is_full(cli, small_book, monkeypatch):
    from cstui.storage.bookfile import connection, errors

    def no_room(conn):
        raise sqlite3.OperationalError("disk I/O error")  # what SQLite says when it cannot make the -shm

    monkeypatch.setattr(connection, "applied_steps", no_room)
    monkeypatch.setattr(errors, "disk_is_full", lambda path: True)
    before = digest(small_book)
    result = cli("task", "add", "--account", "acme", "--title", "x", "--due", "2099-01-01", "--db", str(small_book))
    one_line_failure(result)
    assert "the disk is full" in result.err
    assert "cannot read this book" not in result.err and "doctor" not in result.err
    assert digest(small_book) == before


def test_a_failed_init_leaves_no_file(cli, tmp_path, monkeypatch):
    from cstui.storage.bookfile import connection

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(connection, "apply_pending", full)
    book = tmp_path / "new.db"
    result = cli("init", "--db", str(book))
    one_line_failure(result)
    assert "the disk is full" in result.err
    assert not list(tmp_path.glob("new.db*"))


def test_an_export_to_a_full_disk_names_the_folder_and_leaves_no_part(cli, small_book, tmp_path, monkeypatch):
    import errno

    from cstui.storage.imports import export

    real, calls = export.write_private, []

    def fills_up(path, text):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text)

    monkeypatch.setattr(export, "write_private", fills_up)
    target = tmp_path / "out"
    result = cli("export", str(target), "--db", str(small_book))
    one_line_failure(result)
    assert result.err.startswith(f"cstui: {target}: cannot write the export (No space left on device)")
    assert str(small_book) not in result.err
    assert not target.exists()


# --- history says what is in force (item 15) -------------------------------------------------------


def test_history_does_not_call_a_change_redone_when_the_redo_is_undone(cli, small_book):
    db = connect(small_book)
    account_records.add_account(
        db, "beta", account_records.AccountFields(name="Beta", start_date="2024-01-01"), today=TODAY
    )
    history.undo(db)
    history.redo(db)
    redo = history.undo(db)  # the redo, undone again
    db.conn.close()
    lines = {
        line.split()[0]: line for line in cli("history", "--db", str(small_book)).out.splitlines() if line[0] != " "
    }
    undo_id, redo_id = redo.reverts - 1, redo.reverts
    added = undo_id - 1
    assert lines[str(undo_id)].endswith(f"(redone by {redo_id}, itself undone by {redo.id})")
    assert lines[str(added)].endswith(f"(undone by {undo_id}, redone by {redo_id}, undone again by {redo.id})")


def test_a_cell_with_spaces_before_a_formula_is_guarded_and_round_trips(cli, tmp_path):
    book, copy, out = tmp_path / "book.db", tmp_path / "copy.db", tmp_path / "out"
    make = BookMaker(new_book(book))  # names as a tool other than cstui may write them
    for key, name in (("s1", " =1+1"), ("s2", "  @SUM(A1)"), ("s3", "' =1"), ("s4", "plain")):
        make.account(key, "2024-01-01", name=name)
    make.conn.close()
    assert cli("export", str(out), "--db", str(book)).code == 0
    text = (out / "accounts.csv").read_text()
    assert "' =1+1" in text and "'  @SUM(A1)" in text and "'' =1" in text
    assert cli("import", str(out / "accounts.csv"), "--db", str(copy)).code == 0
    conn = sqlite3.connect(copy)
    names = dict(conn.execute("SELECT key, name FROM accounts"))
    conn.close()
    assert names == {"s1": " =1+1", "s2": "  @SUM(A1)", "s3": "' =1", "s4": "plain"}


# --- search: a pasted paragraph is refused at once (item 9) ----------------------------------------


def test_a_query_past_the_term_cap_is_one_line_and_at_the_cap_still_runs(cli, small_book):
    from cstui.storage.search import MAX_TERMS

    refused = cli("search", " ".join(["renewal"] * (MAX_TERMS + 1)), "--db", str(small_book))
    one_line_failure(refused)
    assert f"at most {MAX_TERMS} words" in refused.err
    allowed = cli("search", " ".join(["acme"] * MAX_TERMS), "--db", str(small_book))
    assert allowed.code == 0, allowed.err
    long_word = cli("search", "x" * 5_000, "--db", str(small_book))
    one_line_failure(long_word)


def test_a_newer_book_is_refused_without_side_files(cli, small_book):
    conn = sqlite3.connect(small_book)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('cstui', '9999_future', '')")
    conn.commit()
    conn.close()
    assert not list(small_book.parent.glob("book.db-*"))
    before = digest(small_book)
    result = cli("report", "--as-of", "2026-11-24", "--db", str(small_book))
    one_line_failure(result)
    assert "newer cstui" in result.err
    assert not list(small_book.parent.glob("book.db-*"))
    assert digest(small_book) == before


@pytest.mark.parametrize("command", [["demo", "--no-open", "--as-of", "2026-11-24"], ["init"]])
def test_a_damaged_sqlite_file_without_tables_is_not_marked(cli, tmp_path, command):
    path = tmp_path / "damaged.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 50)
    conn.commit()
    conn.execute("DROP TABLE t")  # no table left, pages on the freelist
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[32:36] = (9999).to_bytes(4, "big")  # the freelist's first page: out of the file
    path.write_bytes(bytes(data))
    result = cli(*command, "--db", str(path))
    one_line_failure(result)
    assert "damaged" in result.err
    assert path.read_bytes() == bytes(data)
    assert not list(tmp_path.glob("damaged.db-*"))


def test_a_key_with_spaces_around_it_is_the_same_account(cli, small_book, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text("key,name,start_date\n acme ,Acme,2024-01-01\n")
    (folder / "surveys.csv").write_text("account_key,kind,score,responded_on\n acme,nps,9,2025-01-01\n")
    result = cli("import", str(folder), "--db", str(small_book))
    assert result.code == 0, result.err
    conn = sqlite3.connect(small_book)
    assert conn.execute("SELECT key FROM accounts").fetchall() == [("acme",)]
    assert conn.execute("SELECT count(*) FROM surveys").fetchone()[0] == 1
    conn.close()
    repeated = tmp_path / "accounts.csv"
    repeated.write_text("key,name,start_date\n D1,Space,2024-01-01\nD1,Plain,2024-01-01\n")
    before = digest(small_book)
    refused = cli("import", str(repeated), "--db", str(small_book))
    assert refused.code == 1 and "accounts.csv:3: key: also on line 2 with other values" in refused.err
    assert digest(small_book) == before


def test_the_mapping_screen_names_a_fifo_as_one(fifo):
    from cstui.tui.screens.mapping import file_errors

    assert file_errors(str(fifo)) == {"file": f"{fifo}: a FIFO (named pipe), not a regular file"}


# --- undo then redo of an import is byte for byte (item 10) ----------------------------------------


def test_undo_then_redo_of_an_import_puts_back_the_same_rowids(cli, small_book, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "usage_daily.csv").write_text(
        "account_key,day,active_users,minutes\n"
        + "".join(f"acme,2025-01-{day:02d},{day},{day * 10}\n" for day in range(1, 21))
    )
    assert cli("import", str(folder), "--db", str(small_book)).code == 0
    rows = "SELECT rowid, * FROM usage_daily ORDER BY rowid"
    conn = sqlite3.connect(small_book)
    imported = conn.execute(rows).fetchall()
    conn.close()
    assert cli("undo", "--db", str(small_book)).code == 0
    assert cli("redo", "--db", str(small_book)).code == 0
    conn = sqlite3.connect(small_book)
    assert conn.execute(rows).fetchall() == imported
    conn.close()
