"""`cstui ingest`: calendar exports and mail into interactions, matched, idempotent; a file that
cannot be read rejects the run (a broken event or message alone is skipped: test_ingest_robust.py).

Every file is generated here: .ics with a recurring series (an EXDATE, a moved and a cancelled
occurrence), an all-day event, time zones, a cancelled event and events without attendees; .eml
(multipart, HTML-only, Latin-1, no Message-ID) and an .mbox with From-line quirks. Dates are read
with `--tz UTC` so the expected days are the same on every machine.
"""

import pytest

from tests.ingest_samples import ANA, AS_OF, ME, SERIES, book_hash, event, headers, ics, mail, one, rows, run

MOVED = event(
    "weekly-acme",
    "DTSTART;TZID=America/New_York:20261118T150000",
    "DTEND;TZID=America/New_York:20261118T154500",
    "Acme weekly (moved)",
    "RECURRENCE-ID;TZID=America/New_York:20261116T210000",
    ME,
    ANA,
)
CANCELLED_ONE = event(
    "weekly-acme",
    "DTSTART;TZID=America/New_York:20261123T210000",
    "DTEND;TZID=America/New_York:20261123T213000",
    "Acme weekly",
    "RECURRENCE-ID;TZID=America/New_York:20261123T210000",
    "STATUS:CANCELLED",
    ME,
    ANA,
)
ALL_DAY = event(
    "offsite",
    "DTSTART;VALUE=DATE:20261105",
    "DTEND;VALUE=DATE:20261106",
    "Beta offsite",
    ME,
    "ATTENDEE:mailto:bo@beta.org",
)
CANCELLED = event(
    "gone", "DTSTART:20261110T100000Z", "DTEND:20261110T110000Z", "Cancelled call", ME, ANA, "STATUS:CANCELLED"
)
NO_ATTENDEES_CUSTOMER = event(
    "solo", "DTSTART:20261112T090000Z", "DURATION:PT20M", "Ana's demo", "ORGANIZER:mailto:ana@acme.com"
)
NO_ONE = event("blank", "DTSTART:20261113T090000Z", "DTEND:20261113T100000Z", "Focus time")
INTERNAL = event(
    "team", "DTSTART:20261114T090000Z", "DTEND:20261114T093000Z", "Team sync", ME, "ATTENDEE:mailto:dana@vendor.io"
)
NEW_PERSON = event(
    "new",
    "DTSTART:20261115T120000Z",
    "DTEND:20261115T130000Z",
    "Acme planning",
    ME,
    "ATTENDEE;CN=Zed Zhou:mailto:zed@acme.com",
)
OLD = event("old", "DTSTART:20240115T120000Z", "DTEND:20240115T130000Z", "Long ago", ME, ANA)


def multipart(headers: dict[str, str], plain: str, html: str) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    return (
        head
        + 'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="XX"\n\n'
        + f"--XX\nContent-Type: text/plain; charset=utf-8\n\n{plain}\n"
        + f"--XX\nContent-Type: text/html; charset=utf-8\n\n{html}\n--XX--\n"
    ).encode()


def test_calendar_expands_series_with_exceptions_time_zones_and_all_day(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(SERIES, MOVED, CANCELLED_ONE, ALL_DAY, CANCELLED, NO_ATTENDEES_CUSTOMER, NO_ONE, INTERNAL, OLD))
    result = run(cli, acme_book, str(cal), "--me", "casey@vendor.io")
    assert result.code == 0, result.err
    # 21:00 New York on Monday 2 Nov is 02:00 UTC on Tuesday 3 Nov; the moved one is on Wed 18th.
    assert rows(acme_book) == [
        ("A1", "2026-11-03", "meeting", "Acme weekly", "ana@acme.com", 30, 0),
        ("B2", "2026-11-05", "meeting", "Beta offsite", "bo@beta.org", None, 0),
        ("A1", "2026-11-12", "meeting", "Ana's demo", "ana@acme.com", 20, 0),
        ("A1", "2026-11-18", "meeting", "Acme weekly (moved)", "ana@acme.com", 45, 0),
    ]
    assert "cal.ics: 4 meetings, 0 emails stored, 0 already there, 1 internal, 1 unmatched" in result.out
    assert "'Team sync'" in result.out and "'Focus time' (nobody): no participants" in result.out
    assert "Cancelled call" not in result.out and "Long ago" not in result.out  # cancelled; outside the window
    keys = {k for (k,) in one(acme_book, "SELECT ingest_key FROM interactions")}
    assert "ics:weekly-acme|2026-11-03T02:00:00+00:00" in keys and "ics:offsite" in keys


def test_the_machine_time_zone_decides_the_day(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(SERIES))
    result = cli("ingest", str(cal), "--db", str(acme_book), "--as-of", AS_OF, "--tz", "America/New_York")
    assert result.code == 0, result.err
    assert [r[1] for r in rows(acme_book)] == ["2026-11-02", "2026-11-16", "2026-11-23"]


def test_reingesting_adds_nothing(acme_book, cli, tmp_path):
    cal, eml = tmp_path / "cal.ics", tmp_path / "a.eml"
    cal.write_bytes(ics(SERIES, MOVED, ALL_DAY))
    eml.write_bytes(mail(headers("No id here")))  # no Message-ID: keyed by date, sender and subject
    assert run(cli, acme_book, str(cal), str(eml)).code == 0
    before = book_hash(acme_book)
    again = run(cli, acme_book, str(tmp_path))
    assert again.code == 0, again.err
    assert "cal.ics: 0 meetings, 0 emails stored, 4 already there" in again.out
    assert "a.eml: 0 meetings, 0 emails stored, 1 already there" in again.out
    assert book_hash(acme_book) == before
    (key,) = one(acme_book, "SELECT ingest_key FROM interactions WHERE kind = 'email'")[0]
    assert key.startswith("mail:")


def test_matching_by_contact_email_and_by_domain_offers_new_contacts(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(NEW_PERSON))
    result = run(cli, acme_book, str(cal))
    assert result.code == 0, result.err
    # zed@acme.com is no contact: matched through Acme's domain, filled from Ana's address (gmail skipped).
    assert rows(acme_book) == [("A1", "2026-11-15", "meeting", "Acme planning", "zed@acme.com", 60, 0)]
    assert one(acme_book, "SELECT key, domain FROM accounts ORDER BY key") == [("A1", "acme.com"), ("B2", "beta.org")]
    assert "A1: Zed Zhou <zed@acme.com>" in result.out
    assert "--add-contacts" in result.out
    assert one(acme_book, "SELECT count(*) FROM contacts WHERE email = 'zed@acme.com'") == [(0,)]
    added = run(cli, acme_book, str(cal), "--add-contacts")
    assert added.code == 0 and "added as contacts" in added.out
    assert one(acme_book, "SELECT name FROM contacts WHERE email = 'zed@acme.com'") == [("Zed Zhou",)]


def test_mail_bodies_multipart_html_only_latin1_and_quoted_history(acme_book, cli, tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "1.eml").write_bytes(
        multipart(headers("Plan", Message_ID="<m1@acme.com>"), "Plain words win.", "<p>HTML words</p>")
    )
    (folder / "2.eml").write_bytes(
        mail(
            headers("Html only", Message_ID="<m2@acme.com>"),
            "<html><head><style>p{}</style></head><body><p>Great&nbsp;news &amp; thanks</p><br>Bye</body></html>",
            subtype="html",
        )
    )
    (folder / "3.eml").write_bytes(
        mail(headers("Caf\u00e9", Message_ID="<m3@acme.com>"), "Le caf\u00e9 est pr\u00eat.", charset="iso-8859-1")
    )
    reply = "Thanks, that works.\n\nOn Mon, 16 Nov 2026, Casey <casey@vendor.io> wrote:\n> Can we meet?\n> old\n"
    (folder / "4.eml").write_bytes(mail(headers("Re: Meet", Message_ID="<m4@acme.com>"), reply))
    result = run(cli, acme_book, str(folder))
    assert result.code == 0, result.err
    notes = dict(one(acme_book, "SELECT summary, notes FROM interactions"))
    assert notes == {
        "Plan": "Plain words win.",
        "Html only": "Great news & thanks\n\nBye",
        "Café": "Le café est prêt.",
        "Re: Meet": "Thanks, that works.",
    }
    assert one(acme_book, "SELECT count(*) FROM interactions WHERE text_sentiment IS NULL") == [(0,)]
    assert one(acme_book, "SELECT DISTINCT kind, reviewed, contact_email FROM interactions") == [
        ("email", 0, "ana@acme.com")
    ]


def test_headers_only_stores_no_bodies(acme_book, cli, tmp_path):
    eml = tmp_path / "a.eml"
    eml.write_bytes(mail(headers("Subject only", Message_ID="<h@acme.com>"), "secret body"))
    assert run(cli, acme_book, str(eml), "--headers-only").code == 0
    assert one(acme_book, "SELECT summary, notes FROM interactions") == [("Subject only", None)]


def test_mbox_from_line_quirks(acme_book, cli, tmp_path):
    first = mail(
        headers("First", Message_ID="<b1@acme.com>"), "Line one\n\nFrom the start it worked.\n>From here too.\n"
    )
    second = mail(headers("Second", Message_ID="<b2@acme.com>", Date="Wed, 18 Nov 2026 10:00:00 -0800"))
    third = mail(headers("Third", sender="bo@beta.org", Message_ID="<b3@beta.org>"))
    data = (
        b"From ana@acme.com Tue Nov 17 09:30:00 2026\n" + first + b"\n"
        b"From MAILER-DAEMON  Wed Nov 18 2026\n" + second + b"\n"
        b"From -\n" + third
    ).replace(b"\n", b"\r\n")
    box = tmp_path / "box.mbox"
    box.write_bytes(data)
    result = run(cli, acme_book, str(box))
    assert result.code == 0, result.err
    assert "box.mbox: 0 meetings, 3 emails stored" in result.out
    assert one(acme_book, "SELECT summary, occurred_on FROM interactions ORDER BY summary") == [
        ("First", "2026-11-17"),
        ("Second", "2026-11-18"),
        ("Third", "2026-11-17"),
    ]
    (body,) = one(acme_book, "SELECT notes FROM interactions WHERE summary = 'First'")[0]
    assert body == "Line one\n\nFrom the start it worked.\nFrom here too."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.ics", b"this is not a calendar", "bad.ics: calendar: not an iCalendar file"),
        ("bad.mbox", b"Subject: not an mbox\n\nbody\n", "bad.mbox: mbox: not an mbox file"),
        ("notes.txt", b"hello", "notes.txt: file: not an .ics, .eml or .mbox file"),
    ],
)
def test_a_file_that_cannot_be_read_rejects_the_run_and_leaves_the_book_unchanged(
    acme_book, cli, tmp_path, name, content, message
):
    good = tmp_path / "good.ics"
    good.write_bytes(ics(SERIES))
    bad = tmp_path / name
    bad.write_bytes(content)
    before = book_hash(acme_book)
    result = run(cli, acme_book, str(good), str(bad))
    assert result.code == 1
    assert message in result.err and "the book is unchanged" in result.err
    assert "Traceback" not in result.err
    assert book_hash(acme_book) == before


def test_a_missing_path_and_a_bad_me_are_one_line_errors(acme_book, cli, tmp_path):
    assert "nothing-here: path: no such file or folder" in run(cli, acme_book, str(tmp_path / "nothing-here")).err
    result = run(cli, acme_book, str(tmp_path), "--me", "casey")
    assert result.code == 1 and "--me: 'casey' is not an email address" in result.err


def test_hostile_text_is_shown_literally(acme_book, cli, tmp_path):
    eml = tmp_path / "x.eml"
    eml.write_bytes(
        mail(headers("[bold red]boom[/] \x1b]52;c;aGk=\x07 \x1b[2J", sender="[link]@evil.example", Message_ID="<x@e>"))
    )
    result = run(cli, acme_book, str(eml))
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "\x07" not in result.out
    assert "[bold red]boom[/] \\x1b]52;c;aGk=\\x07 \\x1b[2J" in result.out
    assert "no contact or account domain matches" in result.out


def test_time_json_against_hand_computed_minutes(book_path, cli, tmp_path):
    src = tmp_path / "csv"
    src.mkdir()
    (src / "accounts.csv").write_text(
        "key,name,start_date,segment\nA1,Acme,2024-01-10,SMB\nB2,Beta,2024-01-10,Enterprise\n"
        "C3,Gamma,2024-01-10,Enterprise\n",
        encoding="utf-8",
    )
    (src / "contacts.csv").write_text(
        "account_key,name,email\nA1,Ana,ana@acme.com\nB2,Bo,bo@beta.org\nC3,Cy,cy@gamma.net\n", encoding="utf-8"
    )
    (src / "mrr_history.csv").write_text(
        "account_key,effective_date,mrr\nA1,2024-01-10,100\nB2,2024-01-10,800\nC3,2024-01-10,100\n", encoding="utf-8"
    )
    assert cli("import", str(src), "--db", str(book_path)).code == 0
    hour = "DTEND:20261102T110000Z"
    cal = tmp_path / "cal.ics"
    cal.write_bytes(
        ics(
            event("a", "DTSTART:20261102T100000Z", hour, "Acme weekly", "RRULE:FREQ=WEEKLY;COUNT=3", ANA),
            event("a-old", "DTSTART:20261020T100000Z", "DTEND:20261020T110000Z", "Before the period", ANA),
            event("b", "DTSTART:20261105T100000Z", "DURATION:PT30M", "Beta QBR", "ATTENDEE:mailto:bo@beta.org"),
        )
    )
    eml = tmp_path / "b.eml"
    eml.write_bytes(mail(headers("Beta renewal", sender="bo@beta.org", Message_ID="<r@beta.org>")))
    ingest = cli(
        "ingest",
        str(cal),
        str(eml),
        "--db",
        str(book_path),
        "--as-of",
        AS_OF,
        "--since",
        "2026-10-01",
        "--tz",
        "UTC",
        "--me",
        "casey@vendor.io",
    )
    assert ingest.code == 0, ingest.err
    assert (
        cli("note", "add", "--account", "C3", "--summary", "Call", "--date", "2026-11-10", "--db", str(book_path)).code
        == 0
    )

    result = cli("time", "--period", "2026-11-01:2026-12-01", "--json", "--db", str(book_path))
    assert result.code == 0, result.err
    import json

    data = json.loads(result.out)
    # ARR = 12 x MRR: 1200, 9600, 1200 of 12000. Time: Acme 3 x 60 min = 180; Beta 30 min + one
    # email at 5 min = 35; Gamma's call has no minutes: 0. Of 215 minutes.
    by_key = {a["key"]: a for a in data["accounts"]}
    assert {
        k: (a["arr"], a["meetings"], a["meeting_minutes"], a["emails"], a["attention_minutes"])
        for k, a in by_key.items()
    } == {
        "A1": (1200, 3, 180, 0, 180),
        "B2": (9600, 1, 30, 1, 35),
        "C3": (1200, 0, 0, 0, 0),
    }
    assert by_key["A1"]["attention_share"] == pytest.approx(180 / 215)
    assert by_key["B2"]["arr_share"] == pytest.approx(0.8)
    assert (data["arr"], data["meeting_minutes"], data["emails"], data["attention_minutes"]) == (12000, 210, 1, 215)
    segments = {s["name"]: (s["accounts"], s["arr"], s["meeting_minutes"], s["emails"]) for s in data["segments"]}
    assert segments == {"Enterprise": (2, 10800, 30, 1), "SMB": (1, 1200, 180, 0)}
    # Beta: 80 % of ARR (average 33 %) and 16 % of the time; Acme: 84 % of the time for 10 % of ARR.
    assert data["underserved"] == ["B2"] and data["overserved"] == ["A1"]
    table = cli("time", "--period", "2026-11-01:2026-12-01", "--db", str(book_path))
    assert "much ARR, little attention: B2 Beta (80.0% of ARR, 16.3% of time)" in table.out


def test_cstui_demo_ingests_its_calendar_and_mailbox(cli, tmp_path):
    book_path = tmp_path / "demo.db"
    built = cli("demo", "--no-open", "--db", str(book_path), "--as-of", "2026-11-24")
    assert built.code == 0, built.err
    inbox = tmp_path / "demo-inbox"
    assert sorted(p.name for p in inbox.iterdir()) == ["calendar.ics", "inbox.mbox"]
    (meetings, emails) = one(
        book_path,
        "SELECT sum(kind = 'meeting'), sum(kind = 'email') FROM interactions WHERE ingest_key IS NOT NULL AND reviewed = 0",
    )[0]
    assert meetings > 50 and emails >= 15
    again = cli("ingest", str(inbox), "--db", str(book_path), "--as-of", "2026-11-24")
    assert again.code == 0, again.err
    assert again.out.count(" 0 meetings, 0 emails stored") == 2  # all already there
    assert "internal" in again.out and "'Partner webinar: what's new'" in again.out
    report = cli("time", "--db", str(book_path), "--as-of", "2026-11-24", "--json")
    import json

    data = json.loads(report.out)
    assert len(data["underserved"]) == 5 and len(data["overserved"]) >= 3


def test_cstui_me_from_the_environment_makes_a_meeting_internal(acme_book, cli, tmp_path, monkeypatch):
    cal = tmp_path / "cal.ics"
    # No organizer: without knowing the CSM's side, vendor.io is just an unknown domain.
    cal.write_bytes(
        ics(
            event(
                "t",
                "DTSTART:20261114T090000Z",
                None,
                "Prep",
                "ATTENDEE:mailto:casey@vendor.io",
                "ATTENDEE:mailto:dana@vendor.io",
            )
        )
    )
    assert "no contact or account domain matches" in run(cli, acme_book, str(cal)).out
    monkeypatch.setenv("CSTUI_ME", "Casey@Vendor.io")
    result = run(cli, acme_book, str(cal))
    assert "0 meetings, 0 emails stored, 0 already there, 1 internal, 0 unmatched" in result.out
    assert "everyone is at vendor.io" in result.out


def test_parsing_and_storage_never_load_the_ui():
    import subprocess
    import sys

    modules = "cstui.ingest.files, cstui.ingest.match, cstui.storage.ingest_store, cstui.metrics.attention"
    code = f"import sys, {modules}; print(sorted(m for m in ('textual', 'rich', 'typer') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_thread_concentration_and_champion_silence_by_hand():
    from datetime import date

    from cstui.metrics.relationships import Threads, champion_silence, threads
    from tests.bookmaker import BookMaker, memory_book

    db = memory_book()
    make = BookMaker(db)
    a1 = make.account("A1", "2024-01-01")
    b2 = make.account("B2", "2024-01-01")
    c3 = make.account("C3", "2024-01-01", churn="2026-06-01")  # off the books: in neither list
    for account, name, email, champion in [
        (a1, "Ana", "Ana@acme.com", 1),
        (a1, "Ben", "ben@acme.com", 0),
        (b2, "Bo", "bo@beta.org", 1),
        (c3, "Cy", "cy@gamma.net", 1),
    ]:
        make._insert(
            "INSERT INTO contacts (account_id, name, email, is_champion) VALUES (?, ?, ?, ?)",
            [account, name, email, champion],
        )

    def talk(on: str, email: str | None, participants: str | None = None) -> None:
        make._insert(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary, contact_email, participants)"
            " VALUES (?, ?, 'meeting', 'x', ?, ?)",
            [a1, on, email, participants],
        )

    for day in ("2026-09-10", "2026-10-01", "2026-11-20"):
        talk(day, "ana@acme.com")
    talk("2026-11-25", "ben@acme.com", "casey@vendor.io, ben@acme.com, ana@acme.com")  # Ana was there too
    talk("2026-11-26", None)  # no contact named: not counted
    talk("2026-08-01", "ben@acme.com")  # 121 days before: outside the 90-day window
    talk("2026-12-05", "ana@acme.com")  # after the report date
    as_of = date(2026, 11, 30)
    # Window [2026-09-02, 2026-12-01): Ana 3, Ben 1 -> 3 / 4.
    assert threads(db.conn, as_of) == {a1: Threads(a1, 4, 2, "ana@acme.com", 0.75)}
    silence = {s.champion_email: (s.last_contact, s.days) for s in champion_silence(db.conn, as_of)}
    assert silence == {"ana@acme.com": (date(2026, 11, 25), 5), "bo@beta.org": (None, None)}


def test_an_ingest_is_one_change_in_the_history_and_undo_takes_it_back(acme_book, cli, tmp_path):
    """What an ingest stores (meetings, mails, domains filled in) is recorded like any import: listed, undoable."""
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(SERIES, MOVED))
    domains = one(acme_book, "SELECT key, domain FROM accounts ORDER BY key")
    assert run(cli, acme_book, str(cal)).code == 0
    assert rows(acme_book)
    listed = cli("history", "--db", str(acme_book))
    assert "ingest cal.ics" in listed.out, listed.out
    undone = cli("undo", "--db", str(acme_book))
    assert undone.code == 0, undone.err
    assert rows(acme_book) == []
    assert one(acme_book, "SELECT key, domain FROM accounts ORDER BY key") == domains  # filled ones go back too
