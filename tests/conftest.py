"""Shared fixtures: fresh books, the demo book at a fixed date, and a CLI runner."""

import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from cstui.cli import main
from cstui.demo import build_demo_book
from cstui.storage.bookfile.connection import connect

# Every snapshot and figure on the demo book is taken as of this date.
DEMO_DATE = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Keep the user's real data directory out of reach of every test."""
    monkeypatch.setenv("CSTUI_DB", str(tmp_path / "default-book.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def book_path(tmp_path) -> Path:
    return tmp_path / "book.db"


@pytest.fixture(scope="session")
def empty_master(tmp_path_factory) -> Path:
    """One empty book with every schema step applied: migrating a fresh book per test cost 0.35-0.6 s."""
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    db = connect(path, create=True)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def book(book_path, empty_master):
    """The book at `book_path`: a private empty one (a copy of `empty_master`, as `cstui init` would have
    made it), unless another fixture already made a book there."""
    if not book_path.exists():
        shutil.copyfile(empty_master, book_path)
        os.chmod(book_path, 0o600)
    db = connect(book_path)
    yield db
    db.conn.close()


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = connect(path, create=True)
    build_demo_book(db, DEMO_DATE)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def demo_path(demo_master, tmp_path) -> Path:
    """A private copy of the demo book, so a test may write to it."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_master, target)
    os.chmod(target, 0o600)
    return target


@pytest.fixture
def demo(demo_path):
    db = connect(demo_path)
    yield db
    db.conn.close()


class CliResult:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def cli(capsys):
    """Run `cstui ARGS...` in-process the way the console script does; return code and output."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = done.code or 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def dump(path: Path) -> list[str]:
    """Every statement needed to rebuild a book: equal dumps mean equal books."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def acme_book(book_path, cli, tmp_path):
    """Acme (contact Ana, plus a gmail contact that must not make the domain) and Beta (no contacts):
    the book the ingest tests read calendars and mail into (test_sync.py keeps its own)."""
    src = tmp_path / "csv"
    src.mkdir()
    (src / "accounts.csv").write_text(
        "key,name,start_date,segment\nA1,Acme,2024-01-10,SMB\nB2,Beta,2024-02-01,Enterprise\n", encoding="utf-8"
    )
    (src / "contacts.csv").write_text(
        "account_key,name,email\nA1,Ana Ruiz,Ana@Acme.com\nA1,Gus,gus@gmail.com\nA1,Gil,gil@gmail.com\n",
        encoding="utf-8",
    )
    assert cli("import", str(src), "--db", str(book_path)).code == 0
    with sqlite3.connect(book_path) as conn:  # Beta's domain is typed in by the CSM
        conn.execute("UPDATE accounts SET domain = 'beta.org' WHERE key = 'B2'")
    conn.close()
    return book_path
