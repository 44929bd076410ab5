"""Hostile and unlucky users (issue 17, issue 11): foreign files, missing books, a demo rebuild over a
real book, a book moved or made read-only under a running cstui, odd dates and weights, a full disk."""

import os
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from cstui.storage.bookfile.book_file import APPLICATION_ID
from tests.bookmaker import BookMaker, new_book
from tests.hostile_checks import fingerprint

ROOT = Path(__file__).resolve().parent.parent


def header_id(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[68:72], "big")


def one_line_error(result) -> str:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    return lines[0]


def run_cstui(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cstui", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
        **kwargs,
    )


# ---- 17.1: `demo --rebuild` replaces only a demo book, and keeps a copy of it --------------------


def test_demo_rebuild_refuses_a_real_book_whose_keys_look_like_the_demos(book_path, cli):
    make = BookMaker(new_book(book_path))
    make.account("ACC-1001", "2025-01-01", name="A real customer")
    make.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    make.conn.close()
    before = fingerprint(book_path)
    line = one_line_error(cli("demo", "--rebuild", "--no-open", "--db", str(book_path)))
    assert line == f"cstui: {book_path}: not a demo book (built by `cstui demo`); --rebuild replaces only a demo book"
    assert fingerprint(book_path) == before
    assert sqlite3.connect(book_path).execute("SELECT name FROM accounts").fetchall() == [("A real customer",)]


def test_demo_rebuild_backs_up_the_demo_book_before_replacing_it(demo_path, cli):
    with sqlite3.connect(demo_path) as conn:
        conn.execute("UPDATE accounts SET name = 'Renamed by the CSM' WHERE key = 'ACC-1001'")
    result = cli("demo", "--rebuild", "--no-open", "--as-of", "2026-11-24", "--db", str(demo_path))
    assert result.code == 0, result.err
    kept = list(demo_path.parent.glob("demo.db.before-rebuild-*.bak"))
    assert len(kept) == 1 and f"kept in {kept[0]}" in result.out
    assert os.stat(kept[0]).st_mode & 0o777 == 0o600
    old = sqlite3.connect(kept[0]).execute("SELECT name FROM accounts WHERE key = 'ACC-1001'").fetchone()
    new = sqlite3.connect(demo_path).execute("SELECT name FROM accounts WHERE key = 'ACC-1001'").fetchone()
    assert old == ("Renamed by the CSM",) and new != old


# ---- 17.5: a file that is not a cstui book is refused untouched; every book carries the mark ------


def _foreign_with_accounts(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT)")
    conn.execute("INSERT INTO accounts (owner) VALUES ('someone else')")
    conn.commit()
    conn.close()


def _foreign_without_clash(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


def _foreign_wal_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA application_id = 1234")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def _text_file(path: Path) -> None:
    path.write_text("name,amount\nrent,1200\n" * 50)


FOREIGN = {
    "sqlite with its own accounts table": _foreign_with_accounts,
    "sqlite without clashing tables": _foreign_without_clash,
    "sqlite of another application in WAL mode": _foreign_wal_app,
    "a text file": _text_file,
}
COMMANDS = [
    ["report"],
    ["report", "--account", "X"],
    ["health", "explain", "X"],
    ["health", "snapshot"],
    ["health", "weights"],
    ["health", "weights", "--set", "usage=30"],
    ["note", "add", "--account", "X", "--summary", "hello"],
    ["survey", "add", "--account", "X", "--kind", "nps", "--score", "9"],
    ["export", "OUT"],
    ["backup", "OUT/copy.db"],
    ["migrate", "status"],
    ["migrate", "apply"],
    ["init"],
    ["demo", "--no-open"],
    ["import", "SOURCE"],
]


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_foreign_file_is_refused_untouched_by_every_command(kind, tmp_path, cli):
    path = tmp_path / "other.db"
    FOREIGN[kind](path)
    os.chmod(path, 0o644)
    before = fingerprint(path)
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nK1,One,2025-01-01\n")
    for command in COMMANDS:
        args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
        args = [str(tmp_path / "out" / "copy.db") if a == "OUT/copy.db" else a for a in args]
        args = [str(source) if a == "SOURCE" else a for a in args]
        line = one_line_error(cli(*args, "--db", str(path)))
        assert f"{path}: not a cstui book" in line, (command, line)
        assert fingerprint(path) == before, command
    assert not (tmp_path / "out").exists()


def test_a_foreign_file_is_refused_untouched_through_a_real_process(tmp_path):
    path = tmp_path / "other.db"
    _foreign_with_accounts(path)
    before = fingerprint(path)
    done = run_cstui("report", "--db", str(path))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        == f"cstui: {path}: not a cstui book (an SQLite database with tables of its own); cstui left it untouched"
    )
    assert fingerprint(path) == before
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_every_new_book_carries_the_cstui_mark_in_its_header(book_path, cli):
    assert cli("init", "--db", str(book_path)).code == 0
    assert header_id(book_path) == APPLICATION_ID  # on disk at once, not only in the -wal


def test_init_makes_an_empty_file_a_book(book_path, cli):
    book_path.touch()
    assert cli("init", "--db", str(book_path)).code == 0
    assert header_id(book_path) == APPLICATION_ID


def test_a_book_from_before_the_mark_is_recognised_and_marked(book_path, cli):
    make = BookMaker(new_book(book_path))
    make.account("K1", "2025-01-01")
    make.conn.execute("PRAGMA application_id = 0")
    make.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    make.conn.close()
    assert header_id(book_path) == 0
    result = cli("report", "--account", "K1", "--db", str(book_path))
    assert result.code == 0, result.err
    conn = sqlite3.connect(book_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


# ---- issue 11: only init, demo and import create a book ---------------------------------------------

READERS = [c for c in COMMANDS if c[0] not in ("init", "demo", "import")] + [
    ["health", "retention"],
    ["health", "backtest"],
]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_missing_book_is_named_and_nothing_is_created(command, tmp_path, cli):
    path = tmp_path / "typo" / "book.db"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    args = [str(tmp_path / "out" / "copy.db") if a == "OUT/copy.db" else a for a in args]
    line = one_line_error(cli(*args, "--db", str(path)))
    assert str(path) in line and "no book" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_app_on_a_missing_book_points_to_init_and_demo_and_creates_nothing(tmp_path, cli, monkeypatch):
    path = tmp_path / "nowhere" / "book.db"
    monkeypatch.setenv("CSTUI_DB", str(path))
    line = one_line_error(cli())
    assert line == (
        f"cstui: no book at {path} yet: `cstui init` creates an empty one, "
        "`cstui demo` opens the demo book (building it the first time) to try the app on"
    )
    assert not (tmp_path / "nowhere").exists()


def test_init_import_and_demo_still_create_a_missing_book(tmp_path, cli):
    assert cli("init", "--db", str(tmp_path / "a" / "one.db")).code == 0
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nK1,One,2025-01-01\n")
    assert cli("import", str(source), "--db", str(tmp_path / "b" / "two.db")).code == 0
    assert sqlite3.connect(tmp_path / "b" / "two.db").execute("SELECT key FROM accounts").fetchall() == [("K1",)]


# ---- issue 14: restore says where the old book went only when it kept one --------------------------


def test_restore_onto_a_new_path_does_not_claim_to_have_kept_a_book(demo_path, tmp_path, cli):
    assert cli("backup", str(tmp_path / "good.db"), "--db", str(demo_path)).code == 0
    target = tmp_path / "fresh" / "book.db"
    result = cli("restore", str(tmp_path / "good.db"), "--db", str(target))
    assert result.code == 0, result.err
    assert result.out.strip() == f"restored {tmp_path / 'good.db'} into {target} (there was no book there before)"
    assert not list(target.parent.glob("*.bak"))
    assert sqlite3.connect(target).execute("SELECT count(*) FROM accounts").fetchone()[0] > 0


# ---- 17.2: the book renamed or deleted under the running app -----------------------------------------


def _small_book(path: Path) -> None:
    make = BookMaker(new_book(path))
    make.account("K1", "2025-01-01", name="Kestrel")
    make.conn.close()


async def _log_call(pilot, summary: str) -> None:
    await pilot.press("f")
    await pilot.pause()
    await pilot.press(*summary)
    await pilot.press("ctrl+s")
    for _ in range(5):
        await pilot.pause()


def _summaries(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [s for (s,) in conn.execute("SELECT summary FROM interactions ORDER BY id")]
    finally:
        conn.close()


async def test_a_book_renamed_under_the_app_keeps_every_save_and_no_book_appears_at_the_old_path(tmp_path):
    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.feedback import FeedbackScreen
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import press

    book, moved = tmp_path / "w.db", tmp_path / "w2.db"
    _small_book(book)
    notes: list[str] = []
    app = CstuiApp(book, as_of=DEMO_DATE, snapshot_on_open=False)
    app.notify = lambda message, **kw: notes.append(str(message))  # what the CSM is told
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "a")
        acknowledged = []
        for n in range(3):
            await _log_call(pilot, f"before the move {n}")
            assert not isinstance(app.screen, FeedbackScreen)  # saved and closed
            assert notes[-1] == "Feedback saved for K1"
            acknowledged.append(f"before the move {n}")

        os.rename(book, moved)
        await _log_call(pilot, "after the move")
        assert isinstance(app.screen, FeedbackScreen)  # refused: the form and what was typed stay
        assert app.screen.values()["summary"] == "after the move"
        assert notes[-1] == (
            f"the book at {book} was moved to {moved}; nothing was saved, and cstui will not create a new book there"
        )
        await pilot.press("escape")
        await pilot.pause()
        app.book_changed()  # a load after the move: refused, not a new book at the old path
        for _ in range(10):
            await pilot.pause()
        assert not book.exists()
        assert _summaries(moved) == acknowledged  # checkpointed into the moved file while the app runs
    assert not book.exists()
    assert _summaries(moved) == acknowledged


async def test_a_book_deleted_under_the_app_refuses_saves_and_is_not_recreated(tmp_path):
    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.feedback import FeedbackScreen
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import press

    book = tmp_path / "w.db"
    _small_book(book)
    notes: list[str] = []
    app = CstuiApp(book, as_of=DEMO_DATE, snapshot_on_open=False)
    app.notify = lambda message, **kw: notes.append(str(message))
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "a")
        await _log_call(pilot, "acknowledged")
        os.unlink(book)
        await _log_call(pilot, "into the void")
        assert isinstance(app.screen, FeedbackScreen) and app.is_running
        assert notes[-1].startswith(f"the book at {book} was deleted; nothing was saved")
        await pilot.press("escape")
        app.book_changed()
        for _ in range(10):
            await pilot.pause()
        assert not book.exists()
        # A new file someone puts at the path is another book: not written, not read as this one.
        replacement = tmp_path / "other.db"
        _small_book(replacement)
        os.rename(replacement, book)
        await _log_call(pilot, "into the stranger")
        assert isinstance(app.screen, FeedbackScreen)
        assert "was deleted" in notes[-1] or "replaced" in notes[-1]
    assert _summaries(book) == []


# ---- 17.3: weights are finite numbers from 0 to 100, checked in one place ------------------------------


@pytest.mark.parametrize("value", ["1e309", "nan", "inf", "-1", "100.5", "1e3", "٣", "1_000", "", "thirty"])
def test_a_weight_that_is_not_a_number_from_0_to_100_is_refused_and_the_book_unchanged(value, book, book_path, cli):
    from tests.conftest import dump

    before = dump(book_path)
    line = one_line_error(cli("health", "weights", "--set", f"usage={value}", "--db", str(book_path)))
    assert line == f"cstui: --set: weight usage: {value!r} is not a number from 0 to 100"
    assert dump(book_path) == before


def test_weights_from_a_file_and_from_the_app_go_through_the_same_check(book, book_path, tmp_path, cli):
    from cstui.errors import UserError
    from cstui.storage.health_weights import save_weights

    weights = tmp_path / "w.json"
    weights.write_text('{"usage": 1e309}')  # JSON's 1e309 is inf in Python
    assert cli("health", "backtest", "--weights", str(weights), "--db", str(book_path)).err.strip() == (
        f"cstui: {weights}: weight usage: inf is not a number from 0 to 100"
    )
    with pytest.raises(UserError, match="weight usage: nan is not a number from 0 to 100"):
        save_weights(book, {"usage": float("nan")})
    assert cli("health", "weights", "--set", "usage=100", "--set", "surveys=0.5", "--db", str(book_path)).code == 0
    assert book.execute("SELECT value FROM health_config WHERE name = 'weight.usage'").fetchone() == (100.0,)


# ---- 17.8 / 17.4: dates outside 1900-2199 are one line; the backtest's work is bounded ----------------

DATED = [
    ["report"],
    ["report", "--account", "K1"],
    ["health", "explain", "K1"],
    ["health", "snapshot"],
    ["health", "retention"],
    ["health", "backtest"],
]


@pytest.fixture
def small_book(book_path) -> Path:
    make = BookMaker(new_book(book_path))
    account = make.account("K1", "2025-01-01", segment="SMB")
    make.mrr(account, "2025-01-01", 100.0)
    make.survey(account, "nps", 9, "2025-06-01")
    make.conn.close()
    return book_path


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2200-01-01", "1899-12-31"])
@pytest.mark.parametrize("command", DATED, ids=" ".join)
def test_a_date_outside_the_range_is_one_line(command, day, small_book, cli):
    line = one_line_error(cli(*command, "--as-of", day, "--db", str(small_book)))
    assert line == f"cstui: --as-of: {day} is outside the dates cstui works with (1900-01-01 to 2199-12-31)"


def test_a_period_outside_the_range_is_one_line(small_book, cli):
    line = one_line_error(cli("report", "--period", "0001-01-01:9999-12-31", "--db", str(small_book)))
    assert line == "cstui: --period start: 0001-01-01 is outside the dates cstui works with (1900-01-01 to 2199-12-31)"


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
@pytest.mark.parametrize("command", DATED, ids=" ".join)
def test_the_ends_of_the_range_work_everywhere(command, day, small_book, cli):
    result = cli(*command, "--as-of", day, "--db", str(small_book))
    assert result.code == 0, result.err


def test_a_far_future_backtest_scores_at_most_ten_years_and_says_so(small_book, cli, monkeypatch):
    from cstui.metrics import backtest

    scored: list = []
    real = backtest.health_for_accounts
    monkeypatch.setattr(backtest, "health_for_accounts", lambda conn, day: scored.append(day) or real(conn, day))
    result = cli("health", "backtest", "--as-of", "2199-12-31", "--json", "--db", str(small_book))
    assert result.code == 0, result.err
    assert len(scored) == backtest.MAX_MONTH_ENDS == 120
    assert result.err.strip() == "note: only the latest 120 month-ends (ten years) were scored"


# ---- 17.9 / 17.15: folders and files the user may not write ---------------------------------------------


def _without_root_powers() -> list[str]:
    """A prefix that makes even root obey file permissions (CAP_DAC_OVERRIDE dropped), so the test
    meets the real PermissionError a user meets; empty when not root."""
    if os.geteuid() != 0:
        return []
    if not Path("/usr/bin/setpriv").exists():
        pytest.skip("running as root without setpriv: file permissions cannot be enforced")
    return ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]


def run_unprivileged(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*_without_root_powers(), sys.executable, "-m", "cstui", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def locked_folder(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    yield folder
    os.chmod(folder, 0o755)


def test_init_in_a_read_only_or_missing_folder_is_one_line(locked_folder):
    os.chmod(locked_folder, 0o555)
    for target in (locked_folder / "book.db", locked_folder / "deeper" / "book.db"):
        done = run_unprivileged("init", "--db", str(target))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip() == (
            f"cstui: {target}: cannot create the book: permission denied (is {target.parent} writable?)"
        )
    done = run_unprivileged("report", env={"CSTUI_DB": str(locked_folder / "book.db")})
    assert done.stderr.strip().startswith(f"cstui: {locked_folder / 'book.db'}: no book here")
    assert list(locked_folder.iterdir()) == []


def test_a_book_in_an_unreachable_folder_is_one_line(locked_folder):
    _small_book(locked_folder / "book.db")
    os.chmod(locked_folder, 0o000)
    done = run_unprivileged("report", "--db", str(locked_folder / "book.db"))
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert (
        done.stderr.strip()
        == f"cstui: {locked_folder / 'book.db'}: cannot reach the book: permission denied on its folder"
    )


def test_a_book_in_a_read_only_folder_is_read_and_not_written(locked_folder):
    book = locked_folder / "book.db"
    _small_book(book)
    os.chmod(locked_folder, 0o555)
    before = fingerprint(book)
    done = run_unprivileged("report", "--account", "K1", "--db", str(book))
    assert done.returncode == 0 and "Kestrel" in done.stdout, done.stderr
    done = run_unprivileged("note", "add", "--account", "K1", "--summary", "hi", "--db", str(book))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        f"cstui: {book}: the book is open read-only (its folder {locked_folder} is not writable); nothing was saved"
    )
    assert fingerprint(book) == before


def test_a_read_only_book_is_not_chmodded_or_written(book_path, cli):
    _small_book(book_path)
    os.chmod(book_path, 0o400)
    before = fingerprint(book_path)
    report = cli("report", "--account", "K1", "--db", str(book_path))
    assert report.code == 0 and "Kestrel" in report.out
    line = one_line_error(cli("note", "add", "--account", "K1", "--summary", "hi", "--db", str(book_path)))
    assert line == (
        f"cstui: {book_path}: the book is open read-only "
        f"(its mode is 400; `chmod 600 {book_path}` makes it writable); nothing was saved"
    )
    assert one_line_error(cli("health", "weights", "--set", "usage=30", "--db", str(book_path)))
    assert fingerprint(book_path) == before  # same bytes, still 0400, no -wal or -shm beside it


async def test_the_app_on_a_read_only_book_says_so_and_keeps_the_form(book_path):
    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.feedback import FeedbackScreen
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import press

    _small_book(book_path)
    os.chmod(book_path, 0o400)
    before = fingerprint(book_path)
    notes: list[str] = []
    app = CstuiApp(book_path, as_of=DEMO_DATE)
    app.notify = lambda message, **kw: notes.append(str(message))
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "a")
        assert "READ-ONLY" in app.sub_title
        assert notes[0].startswith(f"{book_path} is open read-only")
        await _log_call(pilot, "cannot be kept")
        assert isinstance(app.screen, FeedbackScreen)
        assert notes[-1].startswith(f"{book_path}: the book is open read-only")
    assert fingerprint(book_path) == before


# ---- 17.10 / 17.17: a full disk is named as such, and no restore is advised for a healthy book ---------


def test_a_full_disk_during_import_is_one_line_and_the_book_is_unchanged(small_book, tmp_path, cli, monkeypatch):
    """Simulated with SQLite's own limit: `PRAGMA max_page_count` a few pages above the book's size makes
    SQLite fail with SQLITE_FULL ("database or disk is full"), exactly as a full disk does."""
    from cstui.storage.bookfile import connection
    from tests.conftest import dump

    pages = sqlite3.connect(small_book).execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr(connection, "PRAGMAS", (*connection.PRAGMAS, f"PRAGMA max_page_count = {pages + 2}"))
    source = tmp_path / "usage_daily.csv"
    source.write_text(
        "account_key,day,active_users,minutes\n"
        + "".join(f"K1,{date(2017, 1, 1) + timedelta(days=i)},{i},1\n" for i in range(3000))
    )
    before = dump(small_book)
    line = one_line_error(cli("import", str(source), "--db", str(small_book)))
    assert line == (
        f"cstui: {small_book}: database or disk is full: the disk is full; nothing was changed and the book is "
        "as it was. Free some space and try again"
    )
    assert "restore" not in line and "damaged" not in line
    assert dump(small_book) == before


def test_a_disk_io_error_names_the_disk_not_damage(small_book, tmp_path, cli, monkeypatch):
    """Simulated by making the importer raise SQLite's `disk I/O error` (an OperationalError)."""
    from cstui.storage.imports import importer

    def failing(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(importer, "import_path", failing)
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nK2,Two,2025-01-01\n")
    line = one_line_error(cli("import", str(source), "--db", str(small_book)))
    assert line == (
        f"cstui: {small_book}: disk I/O error: the disk reported an I/O error; this command's changes were not "
        "saved. Check the disk and try again"
    )


def test_only_damage_leads_to_doctor_and_its_restore_advice(small_book, cli):
    from cstui.storage.bookfile.errors import Cause, cause_of, explain

    assert cause_of(sqlite3.DatabaseError("database disk image is malformed")) is Cause.DAMAGED
    assert "backup" in explain(sqlite3.DatabaseError("database disk image is malformed"))
    for healthy in ("database or disk is full", "disk I/O error", "attempt to write a readonly database"):
        assert "backup" not in explain(sqlite3.OperationalError(healthy)), healthy


# ---- 17.11: output the terminal cannot encode is escaped, not a traceback --------------------------------


def test_latin1_output_never_raises_unicode_encode_error(small_book):
    env = {"PYTHONIOENCODING": "latin-1"}
    done = run_cstui("note", "add", "--account", "K1", "--summary", "café€", "--db", str(small_book), env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert sqlite3.connect(small_book).execute("SELECT summary FROM interactions").fetchall() == [("café€",)]
    done = run_cstui("health", "retention", "--as-of", "2026-11-24", "--db", str(small_book), env=env)
    assert done.returncode == 0 and "UnicodeEncodeError" not in done.stderr, done.stderr
    assert "Retention" in done.stdout


def test_an_ascii_locale_gets_one_line_instead_of_a_surrogate_traceback(small_book):
    env = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    done = run_cstui("note", "add", "--account", "K1", "--summary", "café€", "--db", str(small_book), env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "Run cstui with a UTF-8 locale (LC_ALL=C.UTF-8)" in done.stderr
    assert sqlite3.connect(small_book).execute("SELECT count(*) FROM interactions").fetchone() == (0,)


def test_writing_an_export_or_backup_into_a_read_only_folder_is_one_line(small_book, locked_folder):
    os.chmod(locked_folder, 0o555)
    for args in (["export", str(locked_folder)], ["backup", str(locked_folder / "copy.db")]):
        done = run_unprivileged(*args, "--db", str(small_book))
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        line = done.stderr.strip()
        assert line.startswith(f"cstui: {locked_folder}/") and line.endswith(": Permission denied"), line
    assert list(locked_folder.iterdir()) == []


def test_a_path_with_escape_sequences_is_written_out_in_the_error(tmp_path, cli):
    path = tmp_path / "evil\x1b]52;c;ZXZpbA==\x07\x1b[2J.db"
    line = one_line_error(cli("report", "--db", str(path)))
    assert "\x1b" not in line and "\x07" not in line
    assert "evil\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J.db: no book here" in line
