"""import(export(book)) is the book: every table's rows, links between rows, a second export byte
for byte; ingesting the same calendar and mailbox again finds nothing new; the import of an export
is one change `undo` takes back; export never writes into a folder it did not write."""

import json
import sqlite3
import string
from datetime import UTC, date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.demo import build_demo_book
from cstui.ingest.files import ReadOptions
from cstui.sentiment import text_sentiment
from cstui.storage.imports.export import MANIFEST, export_tables
from cstui.storage.imports.importer import import_path
from cstui.storage.ingest_store import ingest_paths
from cstui.storage.playbooks import apply_playbook, import_csv
from tests.book_rows import book_rows
from tests.bookmaker import new_book
from tests.conftest import DEMO_DATE

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)

ME = "casey@cstui-demo.example"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def demo_with_inbox(tmp_path_factory) -> tuple[Path, Path]:
    """The demo book with its calendar and mailbox ingested (as `cstui demo` builds it), and the inbox."""
    folder = tmp_path_factory.mktemp("demo-inbox")
    path = folder / "demo.db"
    db = new_book(path)
    build_demo_book(db, DEMO_DATE, inbox=folder / "inbox")
    db.conn.close()
    return path, folder / "inbox"


def round_trip(cli, book: Path, work: Path) -> Path:
    """export -> init -> import through the CLI; the new book's path."""
    assert cli("export", str(work / "a"), "--db", str(book)).code == 0
    fresh = work / "fresh.db"
    assert cli("init", "--db", str(fresh)).code == 0
    imported = cli("import", str(work / "a"), "--db", str(fresh))
    assert imported.code == 0, imported.err
    return fresh


def test_the_demo_book_with_its_inbox_round_trips_table_by_table(demo_with_inbox, tmp_path, cli):
    """Pass line: every table's rows equal (links followed), and the second export byte-identical.
    Before, renewal calls (3 -> 0), playbook runs (1 -> 0), tasks' links, durations, participants,
    ingest keys and unreviewed flags were lost."""
    book, _ = demo_with_inbox
    fresh = round_trip(cli, book, tmp_path)
    before, after = book_rows(book), book_rows(fresh)
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}
    for table in before:
        assert after[table] == before[table], table
    assert len(before["renewal_calls"]) == 3 and len(before["playbook_runs"]) == 1
    assert cli("export", str(tmp_path / "b"), "--db", str(fresh)).code == 0
    assert folder_bytes(tmp_path / "b") == folder_bytes(tmp_path / "a")


def test_ingesting_the_demo_inbox_again_after_the_round_trip_adds_nothing(demo_with_inbox, tmp_path, cli):
    book, inbox = demo_with_inbox
    fresh = round_trip(cli, book, tmp_path)
    rows = book_rows(fresh)
    result = cli("ingest", str(inbox), "--me", ME, "--as-of", DEMO_DATE.isoformat(), "--db", str(fresh))
    assert result.code == 0, result.err
    stored = [line for line in result.out.splitlines() if " emails stored, " in line]
    assert len(stored) == 2 and all(": 0 meetings, 0 emails stored, " in line for line in stored), stored
    assert "153 already there" in stored[0] and "20 already there" in stored[1]
    assert book_rows(fresh) == rows


def test_an_export_imported_into_its_book_after_a_review_puts_the_inbox_back(demo_with_inbox, tmp_path, cli):
    """An ingested row is identified by its ingest key: the export's state updates it (before, the
    ingest key's unique index rejected the whole import)."""
    book = tmp_path / "book.db"
    book.write_bytes(demo_with_inbox[0].read_bytes())
    assert cli("export", str(tmp_path / "a"), "--db", str(book)).code == 0
    conn = sqlite3.connect(book)
    with conn:
        conn.execute(
            "UPDATE interactions SET reviewed = 1 WHERE id = (SELECT min(id) FROM interactions WHERE reviewed = 0)"
        )
    conn.close()
    result = cli("import", str(tmp_path / "a"), "--db", str(book))
    assert result.code == 0, result.err
    assert "interactions: 3,797 rows read, 0 new, 1 updated, 3,796 unchanged" in result.out.splitlines()
    assert book_rows(book) == book_rows(demo_with_inbox[0])


def test_the_import_of_an_export_folder_is_one_change_undo_takes_back(demo_path, tmp_path, cli):
    """Issue 27 item 3: health_snapshots.csv rows were recorded as a range of an untracked table and
    undo refused ("it would also change rows written since ()")."""
    assert cli("export", str(tmp_path / "a"), "--db", str(demo_path)).code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("init", "--db", str(fresh)).code == 0
    empty = book_rows(fresh)
    assert cli("import", str(tmp_path / "a"), "--db", str(fresh)).code == 0
    undone = cli("undo", "--db", str(fresh))
    assert undone.code == 0, undone.err
    assert book_rows(fresh) == empty
    redone = cli("redo", "--db", str(fresh))
    assert redone.code == 0, redone.err
    # Snapshots are not in the history (recomputed, not entered): the redo brings back the rest.
    again, original = book_rows(fresh), book_rows(demo_path)
    assert {t: r for t, r in again.items() if t != "health_snapshots"} == {
        t: r for t, r in original.items() if t != "health_snapshots"
    }


def test_export_refuses_a_folder_it_did_not_write(book_path, tmp_path, cli):
    assert cli("init", "--db", str(book_path)).code == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "accounts.csv").write_text("my own sheet\n")
    refused = cli("export", str(mine), "--db", str(book_path))
    assert refused.code == 1 and refused.out == ""
    assert len(refused.err.strip().splitlines()) == 1
    assert "not empty and was not written by cstui export" in refused.err
    assert [p.name for p in mine.iterdir()] == ["accounts.csv"]
    assert (mine / "accounts.csv").read_text() == "my own sheet\n"
    # A new folder, an empty one, and a folder an export wrote before are written.
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (tmp_path / "new", empty, tmp_path / "new"):
        assert cli("export", str(folder), "--db", str(book_path)).code == 0
        assert (folder / MANIFEST).is_file() and (folder / "accounts.csv").is_file()


# --- the property -----------------------------------------------------------------------------------

TODAY = date(2026, 11, 24)
text = st.text(
    alphabet=st.sampled_from(list(string.ascii_letters + "=+-@'\t\r\n,\";|é😀\u202e ")), min_size=1, max_size=10
).filter(lambda t: t.strip())
# A subject or meeting title (one line: a header or an iCalendar property holds no line break).
line = st.text(alphabet=st.sampled_from(list(string.ascii_letters + "=+-@'é😀 ")), min_size=1, max_size=10).filter(
    lambda t: t.strip()
)
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 20)).map(date.isoformat)
CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//cstui tests//EN\r
BEGIN:VEVENT\r
UID:{uid}@tests\r
DTSTART:{day}T100000Z\r
DTEND:{day}T{end}Z\r
SUMMARY:{summary}\r
ORGANIZER:mailto:{me}\r
ATTENDEE:mailto:{me}\r
ATTENDEE:mailto:ana@acme.example\r
END:VEVENT\r
END:VCALENDAR\r
"""
MAIL = """From: Ana <ana@acme.example>\r
To: {me}\r
Subject: {summary}\r
Date: {date} 09:00:00 +0000\r
Message-ID: <{uid}@acme.example>\r
\r
Hello {summary}\r
"""


@st.composite
def books(draw):
    # Keys as a key is read: spaces around it are not part of it (" D1" is D1, issue 27).
    accounts = draw(st.lists(text.map(str.strip).filter(bool), min_size=1, max_size=3, unique=True))
    spec = {
        "accounts": [(key, draw(st.none() | text), draw(st.booleans())) for key in accounts],
        "contacts": [],
        "notes": [],
        "tasks": [],
        "surveys": [],
        "states": [],
        "deleted": draw(st.integers(0, 2)),
        "meetings": draw(st.lists(st.tuples(days, st.integers(10, 59), line), max_size=2)),
        "mails": draw(st.lists(st.tuples(days, line), max_size=2)),
        "playbook": draw(st.sampled_from([None, "onboarding", "renewal preparation"])),
        "steps": draw(st.lists(st.tuples(st.integers(-30, 60), text), min_size=1, max_size=3)),
        "profile": draw(st.none() | text),
    }
    for i in range(len(accounts)):
        for _ in range(draw(st.integers(0, 2))):
            spec["contacts"].append((i, draw(text), draw(st.none() | text), draw(st.none() | days)))
        for _ in range(draw(st.integers(0, 3))):
            note = (i, draw(days), draw(text), draw(st.none() | text), draw(st.none() | st.integers(0, 300)))
            spec["notes"] += [note] * draw(st.integers(1, 2))  # identical notes are two notes
        for _ in range(draw(st.integers(0, 3))):
            spec["tasks"].append((i, draw(text), draw(days), draw(st.none() | st.integers(0, 20))))
        for _ in range(draw(st.integers(0, 2))):
            spec["surveys"].append((i, draw(st.integers(0, 10)), draw(days), draw(st.none() | st.integers(0, 20))))
        if draw(st.booleans()):
            # What a review saw, as the check-in stores it: "<rule>:<object>" -> severity, keys sorted.
            seen = draw(st.dictionaries(text.map(lambda t: f"rule:{t}"), st.integers(0, 5), max_size=3))
            spec["states"].append((i, draw(days), json.dumps(seen, sort_keys=True)))
    return spec


def make_book(db, spec, inbox: Path) -> None:
    """A book written as the CSM's use writes it: entered notes with contacts, follow-ups, calls,
    reviews, a changed playbook applied, profiles, ingested meetings and mail, deleted rows."""
    conn = db.conn
    with conn:
        ids = []
        for n, (key, domain, renews) in enumerate(spec["accounts"]):
            ids.append(
                conn.execute(
                    "INSERT INTO accounts (key, name, start_date, renewal_date, domain) VALUES (?, ?, ?, ?, ?)",
                    [
                        key,
                        key,
                        "2025-01-01",
                        "2027-01-15" if renews or n == 0 else None,
                        "acme.example" if n == 0 else domain,
                    ],
                ).lastrowid
            )
        contacts = [
            conn.execute(
                "INSERT INTO contacts (account_id, name, email, left_on) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [ids[i], name, email, left],
            ).lastrowid
            for i, name, email, left in spec["contacts"]
        ]
        notes = []
        for k, (i, day, summary, body, minutes) in enumerate(spec["notes"]):
            contact = contacts[k % len(contacts)] if contacts and k % 2 else None
            notes.append(
                conn.execute(
                    "INSERT INTO interactions (account_id, occurred_on, kind, summary, notes, source, contact_id,"
                    " duration_minutes, participants, follow_up_on, text_sentiment)"
                    " VALUES (?, ?, 'call', ?, ?, 'entered', ?, ?, ?, ?, ?)",
                    [ids[i], day, summary, body, contact, minutes, body, day, text_sentiment(summary, body)],
                ).lastrowid
            )
        for i, title, due, note in spec["tasks"]:
            linked = notes[note % len(notes)] if notes and note is not None else None
            conn.execute(
                "INSERT INTO tasks (account_id, interaction_id, title, due_on, created_on) VALUES (?, ?, ?, ?, ?)",
                [ids[i], linked, title, due, due],
            )
        for i, score, day, note in spec["surveys"]:
            linked = notes[note % len(notes)] if notes and note is not None else None
            conn.execute(
                "INSERT INTO surveys (account_id, kind, score, responded_on, interaction_id, source)"
                " VALUES (?, 'nps', ?, ?, ?, 'entered')",
                [ids[i], score, day, linked],
            )
        for i, day, fingerprint in spec["states"]:
            conn.execute(
                "INSERT INTO checkin_state (account_id, day, action, fingerprint) VALUES (?, ?, 'reviewed', ?)",
                [ids[i], day, fingerprint],
            )
        for i, (key, _, renews) in enumerate(spec["accounts"]):
            if renews or i == 0:
                conn.execute(
                    "INSERT INTO renewal_calls (account_id, renewal_date, call, expected_arr, reason, called_on)"
                    " VALUES (?, '2027-01-15', 'at_risk', 1200.5, ?, ?)",
                    [ids[i], key, TODAY.isoformat()],
                )
        if spec["profile"] is not None:
            conn.execute(
                "INSERT INTO import_profiles (name, body, saved_on) VALUES (?, ?, ?)",
                [spec["profile"], '{"table": "tickets", "columns": {"Nr": "ticket_id"}}', TODAY.isoformat()],
            )
        conn.execute(
            "INSERT INTO health_snapshots (account_id, as_of, score, band, components) VALUES (?, ?, 55.5, 'yellow', '{}')",
            [ids[0], TODAY.isoformat()],
        )
        for note in notes[: spec["deleted"]]:  # ids with gaps
            conn.execute("DELETE FROM interactions WHERE id = ?", [note])
    rows = "".join(f"renewal preparation,renewal,{days},{title!r},\n" for days, title in spec["steps"])
    import_csv(db, "playbook,anchor,offset_days,step,description\n" + rows, "steps.csv")
    if spec["playbook"]:
        apply_playbook(db, spec["accounts"][0][0], spec["playbook"], TODAY)
    inbox.mkdir()
    for n, (day, minutes, summary) in enumerate(spec["meetings"]):
        compact = day.replace("-", "")
        event = CALENDAR.format(uid=n, day=compact, end=f"10{minutes:02d}00", summary=summary.strip(), me=ME)
        (inbox / f"m{n}.ics").write_text(event, newline="")
    for n, (day, summary) in enumerate(spec["mails"]):
        when = date.fromisoformat(day).strftime("%a, %d %b %Y")
        (inbox / f"m{n}.eml").write_text(MAIL.format(uid=n, date=when, summary=summary.strip(), me=ME), newline="")
    if spec["meetings"] or spec["mails"]:
        ingest_paths(db, [inbox], ReadOptions.around(TODAY, UTC), ME)
        with conn:  # one ingested item reviewed, the others still in the inbox
            conn.execute(
                "UPDATE interactions SET reviewed = 1 WHERE id = (SELECT min(id) FROM interactions WHERE reviewed = 0)"
            )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(books())
def test_import_of_an_export_is_the_book_for_generated_books(tmp_path_factory, spec):
    """Pass line: 15 generated books with hostile text, linked and identical notes, deleted rows,
    a replaced playbook applied, calls, reviews, profiles and ingested meetings and mail: every
    table's rows equal after export -> init -> import, and the second export is byte-identical."""
    work = tmp_path_factory.mktemp("roundtrip")
    db = new_book(work / "a.db")
    make_book(db, spec, work / "inbox")
    export_tables(db, work / "out")
    fresh = new_book(work / "b.db")
    import_path(fresh, work / "out", today=IMPORT_DAY)
    export_tables(fresh, work / "again")
    before, after = book_rows(work / "a.db"), book_rows(work / "b.db")
    for table in before:
        lost, gained = sorted(set(before[table]) - set(after[table])), sorted(set(after[table]) - set(before[table]))
        assert after[table] == before[table], (table, lost[:2], gained[:2])
    assert folder_bytes(work / "again") == folder_bytes(work / "out")
    # Imported again into the book it came from, the export changes nothing.
    again = import_path(fresh, work / "out", today=IMPORT_DAY)
    assert all(counts.new == counts.updated == counts.removed == 0 for counts in again.tables.values())
    assert book_rows(work / "b.db") == after
