"""Every connection, CLI or TUI, has the safety pragmas; every file cstui writes is private."""

import os
from datetime import date

import pytest

from cstui.storage.bookfile.connection import connect
from cstui.storage.bookfile.maintenance import backup_dir
from cstui.tui.app import CstuiApp
from tests.bookmaker import BookMaker
from tests.tui_helpers import settle


def pragmas(conn) -> tuple:
    return (
        conn.execute("PRAGMA journal_mode").fetchone()[0],
        conn.execute("PRAGMA synchronous").fetchone()[0],
        conn.execute("PRAGMA foreign_keys").fetchone()[0],
        conn.execute("PRAGMA busy_timeout").fetchone()[0],
    )


SAFE = ("wal", 2, 1, 10_000)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


async def test_the_app_s_connections_have_the_safety_pragmas_and_its_backups_are_private(book_path, umask_022):
    BookMaker(connect(book_path, create=True)).account("A1", "2025-01-01")
    app = CstuiApp(book_path, as_of=date(2026, 11, 24))
    async with app.run_test() as pilot:
        await settle(pilot)
        assert pragmas(app.book.conn) == SAFE
        with app.reader() as conn:
            assert pragmas(conn) == SAFE
    copies = list(backup_dir(book_path).glob("*.db"))
    assert len(copies) == 1 and copies[0].name == f"book-{date.today().isoformat()}.db"
    assert os.stat(backup_dir(book_path)).st_mode & 0o777 == 0o700
    for path in [book_path, *copies, *(book_path.parent.glob("book.db-*"))]:
        assert os.stat(path).st_mode & 0o777 == 0o600, path


def test_cli_backup_and_brief_are_private_under_umask_022(demo_path, tmp_path, cli, umask_022):
    assert cli("backup", str(tmp_path / "copy.db"), "--db", str(demo_path)).code == 0
    assert os.stat(tmp_path / "copy.db").st_mode & 0o777 == 0o600
    assert (
        cli("backup", str(tmp_path / "copy.db"), "--db", str(demo_path)).err.strip()
        == f"cstui: {tmp_path / 'copy.db'}: already exists; choose a new file name"
    )
    assert cli("export", str(tmp_path), "--account", "ACC-1001", "--db", str(demo_path)).code == 0
    assert os.stat(tmp_path / "ACC-1001-brief.md").st_mode & 0o777 == 0o600


def test_daily_backups_keep_the_newest_seven(book_path):
    from cstui.storage.bookfile.maintenance import daily_backup

    db = connect(book_path, create=True)
    for day in range(1, 11):
        daily_backup(db.conn, book_path, date(2026, 11, day))
    assert daily_backup(db.conn, book_path, date(2026, 11, 10)) is None  # once a day
    names = sorted(p.name for p in backup_dir(book_path).glob("*.db"))
    assert names == [f"book-2026-11-{day:02d}.db" for day in range(4, 11)]


def test_restore_checks_the_backup_and_keeps_the_old_book_aside(demo_path, tmp_path, cli):
    assert cli("backup", str(tmp_path / "good.db"), "--db", str(demo_path)).code == 0
    connect(demo_path).execute("DELETE FROM surveys").connection.commit()
    (tmp_path / "bad.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 500)
    bad = cli("restore", str(tmp_path / "bad.db"), "--db", str(demo_path))
    assert bad.code == 1 and "not restored, the backup itself is unusable" in bad.err
    result = cli("restore", str(tmp_path / "good.db"), "--db", str(demo_path))
    assert result.code == 0 and "kept in" in result.out
    assert connect(demo_path)["surveys"].count > 0
    aside = list(tmp_path.glob("demo.db.before-restore-*.bak"))
    assert len(aside) == 1 and connect(aside[0])["surveys"].count == 0


def test_cli_tables_show_book_text_literally(book_path, cli):
    make = BookMaker(connect(book_path, create=True))
    make.account("K1", "2025-01-01", name="[bold]Evil\x1b[2J\x1b]52;c;ZXZpbA==\x07")
    result = cli("report", "--account", "K1", "--db", str(book_path))
    assert result.code == 0
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "[bold]Evil\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07" in result.out.replace("\n", "")
