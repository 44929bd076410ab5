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

from cstui.storage.connection import applied_steps, backup_to, connect
from cstui.storage.maintenance import restore
from cstui.storage.migrations import known_steps, migration_set
from tests.bookmaker import BookMaker

SAVER = """
import sys
from cstui.storage.connection import connect
from cstui.storage.writes import parse_feedback, save_feedback
db = connect(sys.argv[1])
start, stop = int(sys.argv[2]), int(sys.argv[3])
for i in range(start, stop):
    entry, errors = parse_feedback("A1", {"date": "2026-11-24", "summary": f"note {i}", "notes": "kill test"})
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
        kills += child.returncode == -signal.SIGKILL
    db = connect(book_path)
    stored = {i for (i,) in db.execute("SELECT id FROM interactions")}
    db.conn.close()
    missing = set(acknowledged) - stored
    print(f"kills={kills} acknowledged={len(acknowledged)} stored={len(stored)} missing={len(missing)}")
    assert kills >= 3
    assert not missing
    assert integrity(book_path) == ("ok", [])


MIGRATOR = "import sys; from cstui.storage.connection import connect; connect(sys.argv[1]).conn.close()"


def test_kill_9_during_a_migration_leaves_the_old_or_the_new_book(tmp_path):
    """Pass line: 20 kills during `connect` of an older book; each book is exactly old or new, integrity ok."""
    old = tmp_path / "old.db"
    db = connect(old, migrate=False, create=True)
    migration_set().apply(db, stop_before=known_steps()[-1])
    BookMaker(db).account("A1", "2025-01-01")
    db.conn.close()
    new = tmp_path / "new.db"
    new.write_bytes(old.read_bytes())
    connect(new).conn.close()
    schema = {
        name: sqlite3.connect(path).execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        for name, path in (("old", old), ("new", new))
    }
    rng = random.Random(2)
    outcomes = {"old": 0, "new": 0}
    for attempt in range(20):
        book = tmp_path / f"book{attempt}.db"
        book.write_bytes(old.read_bytes())
        child = subprocess.Popen([sys.executable, "-c", MIGRATOR, str(book)])
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        conn = sqlite3.connect(book)
        steps = applied_steps(conn)
        tables = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        conn.close()
        assert integrity(book) == ("ok", [])
        version = "new" if steps == known_steps() else "old"
        assert steps == known_steps()[: len(known_steps()) - (version == "old")]
        assert tables == schema[version]  # no half-applied step
        outcomes[version] += 1
    print(outcomes)


def test_a_backup_taken_during_10000_inserts_restores_to_a_sound_book(book_path, tmp_path):
    """Pass line: 3 backups taken while 10,000 rows go in; each restores and passes integrity_check."""
    maker = BookMaker(connect(book_path, create=True))
    account = maker.account("A1", "2025-01-01")
    maker.conn.close()
    done = threading.Event()
    first_day = date(1000, 1, 1)  # 10,000 distinct real days (the book refuses days that are not dates)

    def insert() -> None:
        writer = connect(book_path)
        try:
            for batch in range(100):
                with writer.conn:
                    writer.conn.executemany(
                        "INSERT INTO usage_daily (account_id, day, active_users, minutes) VALUES (?, ?, 1, 1)",
                        [(account, (first_day + timedelta(days=100 * batch + day)).isoformat()) for day in range(100)],
                    )
        finally:  # a failed insert ends the test with a wrong count, not an endless loop of backups
            writer.conn.close()
            done.set()

    thread = threading.Thread(target=insert)
    thread.start()
    reader = connect(book_path)
    backups = []
    while not done.is_set() or len(backups) < 3:
        backups.append(backup_to(reader.conn, tmp_path / f"copy{len(backups)}.db"))
        time.sleep(0.05)
    thread.join()
    reader.conn.close()
    for copy in backups:
        target = tmp_path / f"restored-{copy.name}"
        restore(copy, target)
        assert integrity(target) == ("ok", [])
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
    from tests.tui_helpers import press

    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "c")
        app.book.execute("PRAGMA busy_timeout = 200")
        other = sqlite3.connect(demo_path)
        other.execute("BEGIN IMMEDIATE")
        await press(pilot, "r")
        assert app.is_running
        assert any("The book is busy" in str(n.message) for n in app._notifications)
        assert app.screen.progress()[0] == 0
        other.rollback()
        other.close()
        await press(pilot, "r")
        assert app.screen.progress()[0] == 1
    assert sqlite3.connect(demo_path).execute("SELECT count(*) FROM checkin_state").fetchone()[0] == 1


def test_cli_write_on_a_busy_book_says_so_and_changes_nothing(demo_path, cli, monkeypatch):
    """Pass line: `cstui note add` while another process holds the write lock exits 1 with one line."""
    from cstui.storage import connection

    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 200)
    monkeypatch.setattr(connection, "PRAGMAS", tuple(p.replace("10000", "200") for p in connection.PRAGMAS))
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
