"""`cstui source` and `cstui sync` against real servers on 127.0.0.1: pymap (IMAP) and Radicale (CalDAV).

The servers are started by the fixtures (tests/sync_servers.py) and filled over their own protocols;
every sync runs through the CLI as the user types it, `--as-of` pinned and `--tz UTC`.
"""

import io
import os
import socket
import sqlite3
import stat
import threading

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from tests.ingest_samples import book_hash, meeting
from tests.sync_servers import PASSWORD, USER, start_imap, start_radicale, stop

AS_OF = "2026-11-30"
SECRET_ENV = "CSTUI_TEST_IMAP_PASSWORD"


def message(mid: str, subject: str, sender: str = "Ana Ruiz <ana@acme.com>", to: str = "casey@vendor.io") -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{mid}>\r\n"
        f"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"About {subject}.\r\n"
    ).encode()


class MemoryKeyring(KeyringBackend):
    """A keyring that works, in memory: stands for a desktop's Secret Service or Keychain."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)


@pytest.fixture(autouse=True)
def _no_system_keyring(monkeypatch):
    """Passwords go to the file beside the book: no test touches the machine's keyring."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv(SECRET_ENV, PASSWORD)
    yield
    keyring.set_keyring(before)


@pytest.fixture
def imap():
    server = start_imap()
    yield server
    stop(server.process)


@pytest.fixture(scope="module")
def radicale(tmp_path_factory):
    server = start_radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    stop(server.process)


@pytest.fixture
def acme_book(book_path, cli, tmp_path):
    src = tmp_path / "csv"
    src.mkdir()
    (src / "accounts.csv").write_text("key,name,start_date,segment\nA1,Acme,2024-01-10,SMB\n", encoding="utf-8")
    (src / "contacts.csv").write_text("account_key,name,email\nA1,Ana Ruiz,ana@acme.com\n", encoding="utf-8")
    assert cli("import", str(src), "--db", str(book_path)).code == 0
    return book_path


def rows(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        found = conn.execute(
            "SELECT occurred_on, kind, summary, duration_minutes, reviewed FROM interactions"
            " WHERE ingest_key IS NOT NULL ORDER BY occurred_on, summary"
        ).fetchall()
    conn.close()
    return found


def add_mail(cli, book, imap, *more: str):
    return cli(
        "source", "add", "imap", "mail", f"127.0.0.1:{imap.port}", "--user", USER, "--security", "none",
        "--folder", "INBOX", "--folder", "Sent", "--password-env", SECRET_ENV, *more, "--db", str(book),
    )  # fmt: skip


def add_calendar(cli, book, url, monkeypatch, password=PASSWORD, *more: str):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return cli("source", "add", "caldav", "cal", url, "--user", USER, "--password-stdin", *more, "--db", str(book))


def sync(cli, book, *args: str):
    return cli("sync", *args, "--db", str(book), "--as-of", AS_OF, "--tz", "UTC", "--timeout", "5")


def test_first_sync_stores_second_adds_nothing_third_brings_the_new_message_and_the_moved_meeting(
    acme_book, cli, imap, radicale, monkeypatch
):
    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    imap.append("Sent", message("m2@vendor.io", "Re: Renewal question", "casey@vendor.io", "ana@acme.com"))
    calendar = radicale.calendar("first-second-third")
    calendar.save_event(meeting("qbr-1", "20261120", "Acme QBR"))
    assert add_mail(cli, acme_book, imap).code == 0
    added = add_calendar(cli, acme_book, str(calendar.url), monkeypatch)
    assert added.code == 0, added.err

    first = sync(cli, acme_book)
    assert first.code == 0, first.out + first.err
    assert "mail: 0 meetings, 2 emails stored" in first.out
    assert "cal: 1 meetings, 0 emails stored" in first.out
    assert rows(acme_book) == [
        ("2026-11-20", "meeting", "Acme QBR", 45, 1),
        ("2026-11-24", "email", "Re: Renewal question", None, 1),
        ("2026-11-24", "email", "Renewal question", None, 1),
    ]

    before = book_hash(acme_book)
    second = sync(cli, acme_book)
    assert second.code == 0
    assert second.out.splitlines() == ["cal: nothing new", "mail: nothing new"]
    assert book_hash(acme_book) == before  # not even an empty change in the history

    imap.append("INBOX", message("m3@acme.com", "Budget"))
    moved = calendar.event_by_uid("qbr-1")
    moved.data = meeting("qbr-1", "20261126", "Acme QBR")
    moved.save()
    third = sync(cli, acme_book)
    assert third.code == 0, third.out + third.err
    assert "mail: 0 meetings, 1 emails stored, 0 already there" in third.out
    assert "cal: 0 meetings, 0 emails stored, 1 meetings moved" in third.out
    assert rows(acme_book) == [
        ("2026-11-24", "email", "Budget", None, 1),
        ("2026-11-24", "email", "Re: Renewal question", None, 1),
        ("2026-11-24", "email", "Renewal question", None, 1),
        ("2026-11-26", "meeting", "Acme QBR", 45, 1),
    ]

    listed = cli("source", "list", "--db", str(acme_book))
    assert "mail: imap 127.0.0.1:" in listed.out and "1 emails stored" in listed.out
    assert PASSWORD not in listed.out and PASSWORD not in cli("source", "list", "--json", "--db", str(acme_book)).out
    history = cli("history", "--db", str(acme_book)).out
    assert "sync mail" in history and "sync cal" in history
    assert cli("undo", "--db", str(acme_book)).code == 0  # the last change: the mail sync
    assert ("2026-11-24", "email", "Budget", None, 1) not in rows(acme_book)
    again = sync(cli, acme_book, "mail")  # the cursor went back with it: the message comes again
    assert "1 emails stored" in again.out


def test_a_wrong_password_is_one_line_exit_1_and_the_other_source_goes_on(acme_book, cli, imap, radicale, monkeypatch):
    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    imap.append("Sent")
    calendar = radicale.calendar("wrong-password")
    calendar.save_event(meeting("kickoff", "20261118", "Kickoff"))
    monkeypatch.setenv(SECRET_ENV, "not-the-password")
    assert add_mail(cli, acme_book, imap).code == 0
    assert add_calendar(cli, acme_book, str(calendar.url), monkeypatch, "wrong-too").code == 0
    before = book_hash(acme_book)

    failed = sync(cli, acme_book)
    assert failed.code == 1
    assert failed.out.splitlines() == [
        "cal: not synced: the server refused the login (wrong user name or password?); the book is unchanged for it",
        "mail: not synced: the server refused the login (wrong user name or password?); the book is unchanged for it",
    ]
    assert "Traceback" not in failed.err
    assert book_hash(acme_book) == before
    tested = cli("source", "test", "mail", "--db", str(acme_book))
    assert (tested.code, tested.out) == (
        1,
        "mail: the server refused the login (wrong user name or password?)\n",
    )

    monkeypatch.setenv(SECRET_ENV, PASSWORD)  # one source fixed: it syncs, the other still fails alone
    tested = cli("source", "test", "mail", "--db", str(acme_book))
    assert tested.out == "mail: reachable; INBOX: 1 messages, Sent: 0 messages\n"
    mixed = sync(cli, acme_book)
    assert mixed.code == 1
    assert "mail: 0 meetings, 1 emails stored" in mixed.out and "cal: not synced" in mixed.out


def test_a_server_killed_mid_sync_leaves_the_book_unchanged(acme_book, cli, imap, monkeypatch):
    """The server dies after INBOX is read and before Sent is: nothing of the mailbox is stored."""
    import cstui.sync.imap as imap_sync

    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    imap.append("Sent", message("m2@vendor.io", "Re: Renewal question", "casey@vendor.io", "ana@acme.com"))
    assert add_mail(cli, acme_book, imap).code == 0
    read_folder = imap_sync._read_folder

    def read_then_kill(box, source, folder, *args):
        read_folder(box, source, folder, *args)
        if folder == "INBOX":
            imap.process.kill()
            imap.process.wait(5)

    monkeypatch.setattr(imap_sync, "_read_folder", read_then_kill)
    before = book_hash(acme_book)
    killed = sync(cli, acme_book)
    assert killed.code == 1
    assert len(killed.out.splitlines()) == 1
    assert killed.out.startswith("mail: not synced: the mailbox failed mid-sync"), killed.out
    assert book_hash(acme_book) == before


def test_a_new_uidvalidity_reads_the_folder_again_without_doubling(acme_book, cli, imap, tmp_path):
    """Also: a message ingested from a file first and synced later is one interaction."""
    saved = tmp_path / "renewal.eml"
    saved.write_bytes(message("m2@vendor.io", "Re: Renewal question", "casey@vendor.io", "ana@acme.com"))
    assert cli("ingest", str(saved), "--db", str(acme_book), "--as-of", AS_OF, "--tz", "UTC").code == 0
    imap.append("Sent", saved.read_bytes())
    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    assert add_mail(cli, acme_book, imap).code == 0
    first = sync(cli, acme_book)
    assert "mail: 0 meetings, 1 emails stored, 1 already there" in first.out, first.out

    old = imap.uidvalidity("Sent")
    imap.recreate("Sent")
    assert imap.uidvalidity("Sent") != old
    imap.append("Sent", saved.read_bytes(), message("m4@vendor.io", "Next steps", "casey@vendor.io", "ana@acme.com"))
    again = sync(cli, acme_book)
    assert again.code == 0, again.out + again.err
    assert (
        "mail: 0 meetings, 1 emails stored, 1 already there, 0 internal, 0 unmatched; read again: Sent (a new UIDVALIDITY)"
        in again.out
    )
    assert [r[2] for r in rows(acme_book)] == ["Next steps", "Re: Renewal question", "Renewal question"]


def test_mail_that_arrived_before_the_window_is_not_downloaded(acme_book, cli, imap):
    """The first sync of a mailbox with years in it reads the 365 days before --as-of, as ingest does."""
    imap.append("INBOX", message("old@acme.com", "Old thread"), arrived='"02-Jan-2024 10:00:00 +0000"')
    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    imap.append("Sent")
    assert add_mail(cli, acme_book, imap).code == 0
    first = sync(cli, acme_book)
    assert "mail: 0 meetings, 1 emails stored, 0 already there" in first.out, first.out
    assert [r[2] for r in rows(acme_book)] == ["Renewal question"]


def test_review_sources_land_in_the_inbox_review(acme_book, cli, imap):
    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    imap.append("Sent")
    assert add_mail(cli, acme_book, imap, "--review").code == 0
    assert sync(cli, acme_book).code == 0
    assert rows(acme_book) == [("2026-11-24", "email", "Renewal question", None, 0)]


def test_a_server_that_never_answers_is_one_line(acme_book, cli):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    try:
        assert cli(
            "source", "add", "imap", "slow", f"127.0.0.1:{port}", "--user", USER, "--security", "none",
            "--password-env", SECRET_ENV, "--db", str(acme_book),
        ).code == 0  # fmt: skip
        before = book_hash(acme_book)
        slow = cli("sync", "--db", str(acme_book), "--as-of", AS_OF, "--timeout", "0.5")
    finally:
        silent.close()
    assert slow.code == 1
    assert slow.out.splitlines() == [
        f"slow: not synced: cannot reach 127.0.0.1:{port} (timed out); the book is unchanged for it"
    ]
    assert book_hash(acme_book) == before


def test_sources_are_recorded_changes_and_keep_no_secret_in_the_book(acme_book, cli, radicale, monkeypatch):
    calendar = radicale.calendar("secrets")
    assert add_calendar(cli, acme_book, str(calendar.url), monkeypatch).code == 0
    secrets = acme_book.with_name(acme_book.name + ".secrets")
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    assert PASSWORD.encode() not in acme_book.read_bytes()
    with sqlite3.connect(acme_book) as conn:
        dumped = "\n".join(conn.iterdump())
    conn.close()
    assert PASSWORD not in dumped
    tested = cli("source", "test", "cal", "--db", str(acme_book), "--as-of", AS_OF)
    assert tested.code == 0 and "cal: reachable" in tested.out
    kept = secrets.read_bytes()
    secrets.write_text("{not json", encoding="utf-8")
    broken = sync(cli, acme_book)
    assert broken.code == 1 and broken.out.startswith("cal: not synced: ") and "cannot read" in broken.out
    secrets.write_bytes(kept)
    assert "source add cal" in cli("history", "--db", str(acme_book)).out

    removed = cli("source", "remove", "cal", "--db", str(acme_book))
    assert removed.code == 0
    assert cli("source", "list", "--db", str(acme_book)).out.startswith("no sources")
    assert PASSWORD not in secrets.read_text()
    assert "its password is deleted (`cstui undo` brings the source back without it)" in removed.out
    assert cli("undo", "--db", str(acme_book)).code == 0
    assert "cal: caldav" in cli("source", "list", "--db", str(acme_book)).out


def test_an_undone_source_add_leaves_no_password_behind(acme_book, cli, radicale, monkeypatch):
    calendar = radicale.calendar("undone")
    assert add_calendar(cli, acme_book, str(calendar.url), monkeypatch).code == 0
    secrets = acme_book.with_name(acme_book.name + ".secrets")
    assert PASSWORD in secrets.read_text()
    assert cli("undo", "--db", str(acme_book)).code == 0
    assert cli("source", "list", "--db", str(acme_book)).out.startswith("no sources")
    assert PASSWORD not in secrets.read_text()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("source", "add", "pop3", "x", "h"), "KIND: 'pop3' is not imap, caldav, ics-url or folder"),
        (("source", "add", "caldav", "x", "ftp://h/"), "LOCATION: 'ftp://h/' is not an http:// or https:// URL"),
        (("source", "add", "imap", "x y", "h"), "NAME: 'x y' is not a name"),
        (("source", "add", "ics-url", "x", "https://me:pw@h/c.ics"), "LOCATION: a URL with a user name or password"),
        (("source", "add", "imap", "x", "h", "--password-env", "1BAD"), "--password-env: '1BAD' is not a variable"),
        (("source", "test", "nope"), "no source named 'nope'"),
        (("sync",), "no sources to sync"),
        (("source", "add", "imap", "x", "127.0.0.1:abc"), "'127.0.0.1:abc': the port after ':' is a number from 1"),
        (("source", "add", "imap", "x", "h:0"), "'h:0': the port after ':' is a number from 1 to 65535"),
        (("source", "add", "imap", "x", "h:99999"), "'h:99999': the port after ':' is a number from 1 to 65535"),
        (("source", "add", "imap", "x", "imap.x.com:993:7"), "'imap.x.com:993:7': the port after ':' is a number"),
    ],
)
def test_mistakes_are_one_line_and_change_nothing(acme_book, cli, args, says):
    before = book_hash(acme_book)
    result = cli(*args, "--db", str(acme_book))
    assert result.code == 1
    assert result.err.startswith("cstui: ") and says in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert book_hash(acme_book) == before


def test_an_ics_url_is_fetched_again_only_when_its_etag_changes(acme_book, cli):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    state = {"body": meeting("call-1", "20261119", "Acme call"), "etag": '"v1"', "gets": 0}

    class Calendar(BaseHTTPRequestHandler):
        def do_GET(self):
            state["gets"] += 1
            if self.headers.get("If-None-Match") == state["etag"]:
                self.send_response(304)
                self.end_headers()
                return
            body = state["body"].encode()
            self.send_response(200)
            self.send_header("ETag", state["etag"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/acme.ics"
        assert cli("source", "add", "ics-url", "feed", url, "--db", str(acme_book)).code == 0
        assert "feed: 1 meetings, 0 emails stored" in sync(cli, acme_book).out
        assert sync(cli, acme_book).out.strip() == "feed: nothing new"
        state["body"], state["etag"] = meeting("call-1", "20261121", "Acme call"), '"v2"'
        assert "1 meetings moved" in sync(cli, acme_book).out
    finally:
        server.shutdown()
        server.server_close()
    assert state["gets"] == 3
    assert rows(acme_book) == [("2026-11-21", "meeting", "Acme call", 45, 1)]


FRESHDESK = (
    "Ticket ID,Subject,Status,Priority,Source,Type,Agent,Group,Created time,Due by Time,Resolved time,"
    "Closed time,Last update time,Full name,Email,Company Name\n"
    "7,Cannot log in,Resolved,Medium,Portal,Incident,Zoe,Tier 1,2026-11-01 10:00:00,2026-11-02 10:00:00,"
    "2026-11-01 12:00:00,2026-11-01 12:00:00,2026-11-01 12:00:00,Ana Ruiz,ana@acme.com,Acme\n"
)


def test_an_export_folder_ingests_calendars_and_imports_csv_files_through_their_profile(acme_book, cli, tmp_path):
    exports = tmp_path / "Exports"
    exports.mkdir()
    (exports / "calendar.ics").write_text(meeting("qbr-2", "20261117", "Acme QBR"), encoding="utf-8")
    (exports / "tickets-nov.csv").write_text(FRESHDESK, encoding="utf-8")
    (exports / "notes.txt").write_text("not an export", encoding="utf-8")
    added = cli(
        "source", "add", "folder", "exports", str(exports), "--profile", "tickets-*.csv=freshdesk-tickets",
        "--db", str(acme_book),
    )  # fmt: skip
    assert added.code == 0, added.err
    first = sync(cli, acme_book)
    assert first.code == 0, first.out + first.err
    assert first.out.strip() == (
        "exports: 1 meetings, 0 emails stored, 1 rows imported, 0 already there, 0 internal, 0 unmatched"
    )
    with sqlite3.connect(acme_book) as conn:
        tickets = conn.execute("SELECT external_id, subject FROM tickets").fetchall()
    conn.close()
    assert tickets == [("7", "Cannot log in")]
    assert sync(cli, acme_book).out.strip() == "exports: nothing new"
    assert "sync exports" in cli("history", "--db", str(acme_book)).out
    assert cli("undo", "--db", str(acme_book)).code == 0
    assert rows(acme_book) == []


def test_a_folder_bound_to_an_unknown_profile_is_refused(acme_book, cli, tmp_path):
    result = cli("source", "add", "folder", "x", str(tmp_path), "--profile", "*.csv=nope", "--db", str(acme_book))
    assert result.code == 1 and "no import profile named 'nope'" in result.err


def test_with_a_usable_keyring_the_password_goes_there(acme_book, cli, imap, monkeypatch):
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    imap.append("INBOX", message("m1@acme.com", "Renewal question"))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    added = cli(
        "source", "add", "imap", "mail", f"127.0.0.1:{imap.port}", "--user", USER, "--security", "none",
        "--password-stdin", "--db", str(acme_book),
    )  # fmt: skip
    assert added.code == 0 and "password in the system keyring" in added.out, added.out + added.err
    assert list(memory.kept.values()) == [PASSWORD]
    assert not acme_book.with_name(acme_book.name + ".secrets").exists()
    assert "(password: keyring)" in cli("source", "list", "--db", str(acme_book)).out
    assert "mail: 0 meetings, 1 emails stored" in sync(cli, acme_book).out
    assert cli("source", "remove", "mail", "--db", str(acme_book)).code == 0
    assert memory.kept == {}


def test_a_server_s_error_page_is_cut_from_the_reason():
    from cstui.sync.fetched import short

    page = Exception('ReportError at \'501 Not Implemented <!DOCTYPE HTML> <html lang="en"><body>Message</body>')
    assert short(page) == "ReportError at '501 Not Implemented …"
    assert short(Exception("")) == "Exception"
    assert short(Exception("x" * 300)) == "x" * 159 + "…"
