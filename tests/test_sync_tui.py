"""The app syncs its sources in the background on open and with `S`: the header says so, a toast
says what each source did, keys keep working, and what was fetched is written by the app's write
path. The source is a calendar subscription served on 127.0.0.1 by the test."""

import sqlite3
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cstui.tui.app import CstuiApp
from tests.ingest_samples import meeting
from tests.tui_helpers import record_notifications, settle

AS_OF = date(2026, 11, 30)


@pytest.fixture
def feed():
    """An .ics URL whose calendar the test changes; `gate` holds each answer until the test opens it."""
    state = {"body": meeting("call-1", "20261119", "Acme call"), "gate": threading.Event()}
    state["gate"].set()

    class Calendar(BaseHTTPRequestHandler):
        def do_GET(self):
            state["gate"].wait(10)
            body = state["body"].encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/acme.ics"
    yield state
    state["gate"].set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def synced_book(book_path, cli, tmp_path, feed):
    src = tmp_path / "csv"
    src.mkdir()
    (src / "accounts.csv").write_text("key,name,start_date,segment\nA1,Acme,2024-01-10,SMB\n", encoding="utf-8")
    (src / "contacts.csv").write_text("account_key,name,email\nA1,Ana Ruiz,ana@acme.com\n", encoding="utf-8")
    assert cli("import", str(src), "--db", str(book_path)).code == 0
    assert cli("source", "add", "ics-url", "feed", feed["url"], "--db", str(book_path)).code == 0
    return book_path


def meetings(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT occurred_on, summary FROM interactions WHERE kind = 'meeting'").fetchall()
    conn.close()
    return found


async def test_the_app_syncs_on_open_without_blocking_keys_and_s_syncs_again(synced_book, feed):
    feed["gate"].clear()  # the server holds its answer: the sync is under way while the CSM works
    app = CstuiApp(synced_book, as_of=AS_OF, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        toasts = record_notifications(app)
        for _ in range(100):
            await pilot.pause(0.02)
            if "syncing feed" in app.sub_title:
                break
        assert "syncing feed (1 of 1)" in app.sub_title
        await pilot.press("a")  # a key while the sync waits on the network
        await pilot.pause()
        assert app.current_mode == "accounts"
        assert meetings(synced_book) == []
        feed["gate"].set()
        await settle(pilot)
        assert meetings(synced_book) == [("2026-11-19", "Acme call")]
        assert "synced" in app.sub_title
        assert [text for text, _ in toasts] == [
            "feed: 1 meetings, 0 emails stored, 0 already there, 0 internal, 0 unmatched"
        ]

        feed["body"] = meeting("call-1", "20261121", "Acme call")
        await pilot.press("d", "S")
        await settle(pilot)
        assert meetings(synced_book) == [("2026-11-21", "Acme call")]
        assert toasts[-1][0].startswith("feed: 0 meetings, 0 emails stored, 1 meetings moved")
    with sqlite3.connect(synced_book) as conn:
        changes = conn.execute("SELECT source, description FROM changes ORDER BY id DESC LIMIT 2").fetchall()
    conn.close()
    assert changes == [("cli", "sync feed"), ("cli", "sync feed")]


async def test_s_without_sources_says_how_to_add_one(book_path, cli, tmp_path):
    assert cli("init", "--db", str(book_path)).code == 0
    app = CstuiApp(book_path, as_of=AS_OF, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        toasts = record_notifications(app)
        await pilot.press("escape", "S")
        await settle(pilot)
        assert any("No sources to sync" in text for text, _ in toasts), toasts


def test_network_libraries_stay_off_the_start_up_path():
    """Opening the app's modules and the CLI's help imports no IMAP, CalDAV or keyring code."""
    import subprocess
    import sys

    code = (
        "import sys, contextlib, io\n"
        "import cstui.tui.app, cstui.cli.main\n"
        "from cstui.cli.main import main\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('imap_tools', 'caldav', 'keyring', 'niquests')"
        " or m.startswith('cstui.sync')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
