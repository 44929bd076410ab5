"""Nothing lost: kill -9 mid-write and mid-migration, backups under load, CLI and app writing at once."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from cstui.storage.bookfile.connection import applied_steps, backup_to, connect
from cstui.storage.bookfile.maintenance import restore
from cstui.storage.bookfile.migrations import known_steps, migration_set
from tests.bookmaker import BookMaker

SAVER = """
import sys
from datetime import date
from cstui.storage.bookfile.connection import connect
from cstui.storage.records.notes import parse_feedback, save_feedback
db = connect(sys.argv[1])
start, stop = int(sys.argv[2]), int(sys.argv[3])
for i in range(start, stop):
    entry, errors = parse_feedback("A1", {"date": "2026-11-24", "summary": f"note {i}", "notes": "kill test"}, date(2026, 11, 24))
    note = save_feedback(db, entry)
    print(note, flush=True)
"""


def integrity(path: Path) -> tuple[str, list]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()


def test_kill_9_while_saving_1000_notes_loses_no_acknowledged_note(book_path):
    """Pass line: 1,000 notes acknowledged across repeated kill -9, all found; integrity ok; no orphans."""
    maker = BookMaker(connect(book_path, create=True))
    maker.account("A1", "2025-01-01")
    maker.conn.close()
    rng = random.Random(1)
    acknowledged: list[int] = []
    kills = 0
    while len(acknowledged) < 1000:
        child = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(book_path), str(len(acknowledged)), "1000"],
            stdout=subprocess.PIPE,
            text=True,
        )
        # Kill after a random number of acknowledgements (plus a random instant), whatever the machine's speed.
        target = rng.randint(50, 300)
        for seen, line in enumerate(child.stdout, start=1):
            acknowledged.append(int(line))
            if seen == target:
                time.sleep(rng.uniform(0, 0.003))
                child.send_signal(signal.SIGKILL)
                break
        acknowledged += [int(line) for line in child.stdout.read().split()]
        child.stdout.close()
        child.wait()
        assert child.returncode in (0, -signal.SIGKILL), "the saver could not reopen the book after a kill"
        kills += child.returncode == -signal.SIGKILL
    db = connect(book_path)
    stored = {i for (i,) in db.execute("SELECT id FROM interactions")}
    db.conn.close()
    missing = set(acknowledged) - stored
    print(f"kills={kills} acknowledged={len(acknowledged)} stored={len(stored)} missing={len(missing)}")
    assert kills >= 3
    assert not missing
    assert integrity(book_path) == ("ok", [])


# `connect` an older book, printing "start STEP" as each schema step begins (through sqlite-utils'
# public registration API, so the steps run exactly as in cstui).
MIGRATOR = """
import sys
from sqlite_utils import Migrations

register = Migrations.__call__


def traced(self, *, name=None, transactional=True):
    inner = register(self, name=name, transactional=transactional)

    def wrap(step):
        def run(db):
            print("start", name, flush=True)
            step(db)

        inner(run)
        return step

    return wrap


Migrations.__call__ = traced
from cstui.storage.bookfile.connection import connect

connect(sys.argv[1]).conn.close()
"""


def _schema(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def test_kill_9_during_a_migration_leaves_the_book_at_a_whole_step(tmp_path):
    """Pass line: 12 kills aimed inside two index-rebuilding schema steps of a 25 MB book; for each kill the step
    in flight is recorded, at least 6 land inside a step (each step at least twice), and every book is exactly
    at a step boundary - the steps recorded and the schema of that version, nothing half-applied - integrity ok."""
    # The steps that rebuild indexes take long enough on this book to be killed inside; later steps follow.
    targets = ["0004_usage_covering_index", "0005_covering_indexes"]
    pending = known_steps()[known_steps().index(targets[0]) :]
    old = tmp_path / "old.db"
    db = connect(old, migrate=False, create=True)
    migration_set().apply(db, stop_before=pending[0])
    account = BookMaker(db).account("A1", "2025-01-01")
    days = [(date(1000, 1, 1) + timedelta(days=i)).isoformat() for i in range(200_000)]
    with db.conn:  # enough rows that each step's index builds take a while to kill inside
        db.conn.executemany(
            "INSERT INTO usage_daily (account_id, day, active_users, minutes) VALUES (?, ?, 1, 1)",
            [(account, day) for day in days],
        )
        db.conn.executemany(
            "INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (?, 'nps', 9, ?)",
            [(account, day) for day in days[:100_000]],
        )
    db.conn.close()
    versions = {}  # steps applied -> schema of that version, for every step boundary
    version = tmp_path / "version.db"
    version.write_bytes(old.read_bytes())
    vdb = connect(version, migrate=False)
    for stop in [*pending[1:], None]:
        versions[tuple(applied_steps(vdb.conn))] = _schema(version)
        migration_set().apply(vdb, stop_before=stop)
    versions[tuple(applied_steps(vdb.conn))] = _schema(version)
    vdb.conn.close()
    rng = random.Random(2)
    kills = []  # (step in flight when killed, whether the kill landed inside it)
    for attempt in range(12):
        book = tmp_path / f"book{attempt}.db"
        book.write_bytes(old.read_bytes())
        target = targets[attempt % 2]
        child = subprocess.Popen([sys.executable, "-c", MIGRATOR, str(book)], stdout=subprocess.PIPE, text=True)
        for line in child.stdout:
            if line.split() == ["start", target]:
                break
        time.sleep(rng.uniform(0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.stdout.close()
        child.wait()
        conn = sqlite3.connect(book)
        steps = tuple(applied_steps(conn))
        conn.close()
        assert integrity(book) == ("ok", [])
        assert steps in versions, steps  # a whole number of steps
        assert _schema(book) == versions[steps]  # and exactly that version's schema: no half-applied step
        kills.append((target, target not in steps))
    print(kills)
    inside = [step for step, landed in kills if landed]
    assert len(inside) >= 6, kills
    assert all(inside.count(step) >= 2 for step in targets), kills


def test_a_backup_taken_during_10000_inserts_restores_to_a_sound_book(book_path, tmp_path):
    """Pass line: backups taken while 10,000 rows go in (100 transactions of 100), at least 3 of them in the
    middle of the inserts (some rows in, not all); each restores, passes integrity_check and holds whole
    transactions only (a multiple of 100 rows)."""
    maker = BookMaker(connect(book_path, create=True))
    account = maker.account("A1", "2025-01-01")
    maker.conn.close()
    done = threading.Event()
    first_day = date(1000, 1, 1)  # 10,000 distinct real days (the book refuses days that are not dates)

    first_day = date(1000, 1, 1)  # 10,000 distinct real days

    def insert() -> None:
        writer = connect(book_path)
        try:
            for batch in range(100):
                with writer.conn:
                    writer.conn.executemany(
                        "INSERT INTO usage_daily (account_id, day, active_users, minutes) VALUES (?, ?, 1, 1)",
                        [(account, (first_day + timedelta(days=100 * batch + day)).isoformat()) for day in range(100)],
                    )
                time.sleep(0.01)  # spread the inserts so that backups land between and during them
        finally:  # a failed insert ends the test with a wrong count, not an endless loop of backups
            writer.conn.close()
            done.set()

    thread = threading.Thread(target=insert)
    thread.start()
    reader = connect(book_path)
    backups = []
    while not done.is_set() or len(backups) < 3:
        backups.append(backup_to(reader.conn, tmp_path / f"copy{len(backups)}.db"))
        time.sleep(0.02)
    thread.join()
    reader.conn.close()
    rows_in_copies = []
    for copy in backups:
        target = tmp_path / f"restored-{copy.name}"
        restore(copy, target)
        assert integrity(target) == ("ok", [])
        conn = sqlite3.connect(target)
        rows_in_copies.append(conn.execute("SELECT count(*) FROM usage_daily").fetchone()[0])
        conn.close()
    print(rows_in_copies)
    assert all(rows % 100 == 0 for rows in rows_in_copies), rows_in_copies
    assert sum(0 < rows < 10_000 for rows in rows_in_copies) >= 3, rows_in_copies  # taken during the inserts
    assert sqlite3.connect(book_path).execute("SELECT count(*) FROM usage_daily").fetchone()[0] == 10_000


async def test_a_cli_import_while_the_app_writes_loses_nothing(demo_path, tmp_path):
    """Pass line: a 60,000-row CLI import and 5 notes saved from the app at once; no lock error, all stored."""
    from cstui.tui.app import CstuiApp
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import press, settle

    source = tmp_path / "usage_daily.csv"
    source.write_text(
        "account_key,day,active_users,minutes\n"
        + "".join(
            f"ACC-1000,{1800 + i // 365:04d}-{1 + (i // 28) % 12:02d}-{1 + i % 28:02d},1,1\n" for i in range(60_000)
        )
    )
    rows = len({line.split(",")[1] for line in source.read_text().splitlines()[1:]})
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "a")
        importer = subprocess.Popen(
            [sys.executable, "-m", "cstui", "import", str(source), "--db", str(demo_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "COLUMNS": "100"},
        )
        for i in range(5):
            await press(pilot, "f")
            await pilot.press(*f"concurrent {i}")
            await press(pilot, "ctrl+s")
        _out, err = importer.communicate(timeout=120)
        await settle(pilot)
    assert importer.returncode == 0, err
    assert "locked" not in err
    db = connect(demo_path)
    assert db.execute("SELECT count(*) FROM interactions WHERE summary LIKE 'concurrent %'").fetchone()[0] == 5
    assert db.execute("SELECT count(*) FROM usage_daily WHERE day < '2000-01-01'").fetchone()[0] == rows


async def test_a_busy_book_never_crashes_the_app_and_nothing_is_half_saved(demo_path):
    """Pass line: with another process holding the write lock, `r` in the check-in says the book is busy,
    saves nothing and keeps the app running; once the lock is gone the same key saves."""
    from cstui.tui.app import CstuiApp
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import press, record_notifications

    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        notes = record_notifications(app)
        await press(pilot, "c")
        app.book.execute("PRAGMA busy_timeout = 200")
        other = sqlite3.connect(demo_path)
        other.execute("BEGIN IMMEDIATE")
        await press(pilot, "r")
        assert app.is_running
        assert [options["severity"] for message, options in notes if "The book is busy" in message] == ["error"]
        assert app.screen.progress()[0] == 0
        other.rollback()
        other.close()
        await press(pilot, "r")
        assert app.screen.progress()[0] == 1
    assert sqlite3.connect(demo_path).execute("SELECT count(*) FROM checkin_state").fetchone()[0] == 1


def test_cli_write_on_a_busy_book_says_so_and_changes_nothing(demo_path, cli, monkeypatch):
    """Pass line: `cstui note add` while another process holds the write lock exits 1 with one line."""
    from cstui.storage.bookfile import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    busy = "PRAGMA busy_timeout = 200"
    monkeypatch.setattr(
        connection, "PRAGMAS", tuple(busy if p.startswith("PRAGMA busy_timeout") else p for p in connection.PRAGMAS)
    )
    other = sqlite3.connect(demo_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        result = cli("note", "add", "--account", "ACC-1001", "--summary", "blocked", "--db", str(demo_path))
    finally:
        other.rollback()
        other.close()
    assert result.code == 1
    assert result.err.strip() == (
        "cstui: the book is busy (another cstui is writing to it, an import perhaps); "
        "nothing was changed, try again in a moment."
    )
    assert (
        sqlite3.connect(demo_path).execute("SELECT count(*) FROM interactions WHERE summary = 'blocked'").fetchone()[0]
        == 0
    )
