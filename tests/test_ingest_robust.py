"""`cstui ingest` keeps the good and reports the bad (issues 26 and 27).

A broken event or message is skipped and listed (file, event UID or Message-ID, reason) while every
valid one is stored in the one recorded change, and the exit status is 2; recurring events are keyed
by UID and their own RECURRENCE-ID (RANGE=THISANDFUTURE edits and edits without their series
included); expansions, files and messages are bounded. Every file is written by the test.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest_samples import ANA, AS_OF, ME, SERIES, event, headers, ics, mail, one, rows, run

ROOT = Path(__file__).resolve().parents[1]
GOOD = event("good", "DTSTART:20261112T090000Z", "DURATION:PT20M", "Good call", ME, ANA)


def changes(book_path) -> int:
    return one(book_path, "SELECT count(*) FROM changes")[0][0]


def mbox(*messages: tuple[str, bytes]) -> bytes:
    """An mbox of (From line, message) pairs."""
    return b"".join(f"{line}\n".encode() + raw + b"\n" for line, raw in messages)


def subprocess_ingest(book_path, *args: str, timeout: int = 60, memory: int = 2 << 30, deadline: float | None = None):
    """`cstui ingest` in a child process with a memory ceiling and a time limit, so a runaway fails the
    test instead of taking the machine down. `deadline` replaces the per-series cap of seconds."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    program = ["-m", "cstui"]
    if deadline is not None:
        program = ["-c", f"import cstui.ingest.expand as e; e.MAX_SECONDS = {deadline}; import cstui.__main__"]
    command = [sys.executable, *program, "ingest", *args, "--db", str(book_path), "--as-of", AS_OF]
    return subprocess.run(
        [*command, "--tz", "UTC"], cwd=ROOT, capture_output=True, text=True, timeout=timeout, preexec_fn=limit
    )


def test_broken_events_are_skipped_and_listed_the_rest_stored_in_one_change(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(
        ics(
            SERIES,
            GOOD,
            event("empty-start", "DTSTART:", None, "Empty start", ME, ANA),
            event("feb-30", "DTSTART:20260230T100000Z", None, "Thirtieth of February", ME, ANA),
            event("rdate-no-time", "DTSTART:20261102T100000Z", None, "Extra day", "RDATE:20261105T", ME, ANA),
            event("no-start", "DTEND:20261102T100000Z", None, "No start at all", ME, ANA),
        )
    )
    before = changes(acme_book)
    result = run(cli, acme_book, str(cal))
    assert result.code == 2, result.err
    assert [r[3] for r in rows(acme_book)] == ["Acme weekly", "Good call", "Acme weekly", "Acme weekly"]
    assert "cal.ics: 4 meetings, 0 emails stored, 0 already there, 0 internal, 0 unmatched, 4 skipped" in result.out
    for line in (
        "cal.ics: event empty-start: bad DTSTART",
        "cal.ics: event feb-30: bad DTSTART",
        "cal.ics: event rdate-no-time: bad RDATE",
        "cal.ics: event no-start: no DTSTART",
    ):
        assert line in result.err
    assert "4 items skipped" in result.err and "Traceback" not in result.err
    assert changes(acme_book) == before + 1


def test_a_message_without_date_takes_the_date_of_its_mbox_from_line(acme_book, cli, tmp_path):
    dated = mail(headers("Dated", Message_ID="<d1@acme.com>"))
    undated = {k: v for k, v in headers("Undated", Message_ID="<d2@acme.com>").items() if k != "Date"}
    box = tmp_path / "box.mbox"
    box.write_bytes(
        mbox(
            ("From ana@acme.com Tue Nov 17 09:30:00 2026", dated),
            ("From ana@acme.com Fri Nov 20 23:10:05 2026", mail(undated)),
        )
    )
    result = run(cli, acme_book, str(box))
    assert result.code == 0, result.err
    assert one(acme_book, "SELECT summary, occurred_on FROM interactions ORDER BY summary") == [
        ("Dated", "2026-11-17"),
        ("Undated", "2026-11-20"),
    ]


def test_broken_and_far_dated_messages_are_skipped_by_message_id(acme_book, cli, tmp_path):
    box = tmp_path / "box.mbox"
    box.write_bytes(
        mbox(
            ("From ana@acme.com Tue Nov 17 09:30:00 2026", mail(headers("Fine", Message_ID="<ok@acme.com>"))),
            (
                "From x Tue Nov 17 09:30:00 2026",
                mail(headers("Far", Message_ID="<far@acme.com>", Date="30 Jun 3609 12:00:00 +0000")),
            ),
            (
                "From x Tue Nov 17 09:30:00 2026",
                mail(headers("2500", Message_ID="<y2500@acme.com>", Date="Fri, 1 Jan 2500 10:00:00 +0000")),
            ),
            (
                "From x Tue Nov 17 09:30:00 2026",
                mail(headers("1800", Message_ID="<y1800@acme.com>", Date="Wed, 1 Jan 1800 10:00:00 +0000")),
            ),
            ("From x Tue Nov 17 09:30:00 2026", mail(headers("Bad", Message_ID="<bad@acme.com>", Date="someday"))),
        )
    )
    undated = tmp_path / "undated.eml"  # no From line to fall back on
    undated.write_bytes(b"From: ana@acme.com\nMessage-ID: <u@acme.com>\nSubject: hi\n\nbody\n")
    before = changes(acme_book)
    result = run(cli, acme_book, str(box), str(undated))
    assert result.code == 2, result.err
    assert one(acme_book, "SELECT summary FROM interactions") == [("Fine",)]
    assert changes(acme_book) == before + 1
    outside = "outside the dates cstui works with (1900-01-01 to 2199-12-31)"
    for line in (
        f"box.mbox: message 2 <far@acme.com>: dated 3609-06-30, {outside}",
        f"box.mbox: message 3 <y2500@acme.com>: dated 2500-01-01, {outside}",
        f"box.mbox: message 4 <y1800@acme.com>: dated 1800-01-01, {outside}",
        "box.mbox: message 5 <bad@acme.com>: bad Date header 'someday'",
        "undated.eml: message <u@acme.com>: no Date header",
    ):
        assert line in result.err
    assert "box.mbox: 0 meetings, 1 emails stored, 0 already there, 0 internal, 0 unmatched, 4 skipped" in result.out


# Weekly on Mondays 10:00 UTC, 12 times from 2 November; from the 6th (7 December) on, every
# occurrence is two hours later and renamed (RANGE=THISANDFUTURE, RFC 5545 3.2.13).
THISANDFUTURE = event(
    "weekly-edit",
    "DTSTART:20261207T120000Z",
    "DTEND:20261207T123000Z",
    "Acme weekly (new time)",
    "RECURRENCE-ID;RANGE=THISANDFUTURE:20261207T100000Z",
    ME,
    ANA,
)
WEEKLY12 = event(
    "weekly-edit",
    "DTSTART:20261102T100000Z",
    "DTEND:20261102T103000Z",
    "Acme weekly",
    "RRULE:FREQ=WEEKLY;COUNT=12",
    ME,
    ANA,
)


def test_a_this_and_future_edit_keeps_every_occurrence_under_its_own_key(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(WEEKLY12, THISANDFUTURE))
    result = cli("ingest", str(cal), "--db", str(acme_book), "--as-of", AS_OF, "--until", "2027-02-01", "--tz", "UTC")
    assert result.code == 0, result.err
    assert "cal.ics: 12 meetings, 0 emails stored, 0 already there" in result.out
    stored = rows(acme_book)
    assert [(r[1], r[3]) for r in stored[:6]] == [(f"2026-11-{d:02}", "Acme weekly") for d in (2, 9, 16, 23, 30)] + [
        ("2026-12-07", "Acme weekly (new time)")
    ]
    assert {r[3] for r in stored[6:]} == {"Acme weekly (new time)"} and len(stored) == 12
    keys = {k for (k,) in one(acme_book, "SELECT ingest_key FROM interactions")}
    # Each occurrence under its own RECURRENCE-ID, the original start (10:00), not the moved one.
    assert "ics:weekly-edit|2026-11-02T10:00:00+00:00" in keys and "ics:weekly-edit|2027-01-18T10:00:00+00:00" in keys
    assert (
        one(
            acme_book,
            "SELECT count(*) FROM interactions WHERE summary LIKE '%new time%' AND ingest_key LIKE '%T10:00%'",
        )[0][0]
        == 7
    )
    again = cli("ingest", str(cal), "--db", str(acme_book), "--as-of", AS_OF, "--until", "2027-02-01", "--tz", "UTC")
    assert "cal.ics: 0 meetings, 0 emails stored, 12 already there" in again.out


def test_edited_occurrences_whose_series_is_absent_are_each_stored(acme_book, cli, tmp_path):
    edits = [
        event(
            "lonely-series",
            f"DTSTART:202611{day:02}T150000Z",
            None,
            f"Moved call {day}",
            f"RECURRENCE-ID:202611{day:02}T100000Z",
            ME,
            ANA,
        )
        for day in (2, 9, 16, 23)
    ]
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(*edits))
    result = run(cli, acme_book, str(cal))
    assert result.code == 0, result.err
    assert "cal.ics: 4 meetings, 0 emails stored, 0 already there" in result.out
    assert [r[3] for r in rows(acme_book)] == [f"Moved call {d}" for d in (2, 9, 16, 23)]


def test_a_single_event_keeps_its_key(acme_book, cli, tmp_path):
    """Keys already in books (exported and imported by other commands) stay as they were."""
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(GOOD))
    assert run(cli, acme_book, str(cal)).code == 0
    assert one(acme_book, "SELECT ingest_key FROM interactions") == [("ics:good",)]


def test_library_warnings_are_one_plain_line(acme_book, tmp_path):
    evolution = event(
        "evo",
        "DTSTART;TZID=/freeassociation.sourceforge.net/Europe/Berlin:20261112T100000",
        "DURATION:PT30M",
        "Evolution call",
        ME,
        ANA,
    )
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(evolution))
    done = subprocess_ingest(acme_book, str(cal))
    assert done.returncode == 0, done.stderr
    assert "site-packages" not in done.stderr + done.stdout and "Warning" not in done.stderr + done.stdout
    notes = [line for line in done.stdout.splitlines() if ": note: " in line]
    assert len(notes) == 1 and "globally unique TZID" in notes[0], done.stdout
    assert one(acme_book, "SELECT summary FROM interactions") == [("Evolution call",)]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("RRULE:FREQ=SECONDLY", "more than 1,000 occurrences"),
        ("RRULE:FREQ=DAILY;INTERVAL=0", "RRULE INTERVAL=0"),
        ("RRULE:FREQ=MINUTELY;COUNT=49500", "more than 1,000 occurrences"),
    ],
)
def test_runaway_series_are_skipped_with_the_cap(acme_book, tmp_path, rule, reason):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(GOOD, event("runaway", "DTSTART:20261101T090000Z", None, "Every second", rule, ME, ANA)))
    done = subprocess_ingest(acme_book, str(cal), timeout=90, memory=1536 << 20)
    assert done.returncode == 2, done.stderr
    assert f"cal.ics: event runaway: {reason}" in done.stderr
    assert one(acme_book, "SELECT summary FROM interactions") == [("Good call",)]


def test_a_series_walked_from_long_ago_is_bounded(acme_book, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(
        ics(GOOD, event("old-minutes", "DTSTART:19700101T000000Z", None, "Since 1970", "RRULE:FREQ=MINUTELY", ANA))
    )
    done = subprocess_ingest(acme_book, str(cal), timeout=90, memory=1536 << 20)
    assert done.returncode == 2, done.stderr
    assert "cal.ics: event old-minutes: more than 50,000 occurrences before" in done.stderr


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_fifo_or_a_device_is_refused_without_reading(acme_book, tmp_path, kind):
    target = tmp_path / "cal.ics"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    done = subprocess_ingest(acme_book, str(target), timeout=30, memory=1536 << 20)
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().endswith("cal.ics: file: not a regular file, not read"), done.stderr
    assert "Traceback" not in done.stderr


def test_a_calendar_larger_than_the_cap_is_refused(acme_book, cli, tmp_path):
    cal = tmp_path / "big.ics"
    with open(cal, "wb") as out:
        out.truncate((50 << 20) + 1)  # sparse: no disk used
    result = run(cli, acme_book, str(cal))
    assert result.code == 1 and "big.ics: file: larger than 50 MiB (the cap for a calendar), not read" in result.err


def test_a_mail_to_fifty_thousand_people_is_skipped(acme_book, cli, tmp_path):
    crowd = ", ".join(f"user{i} <user{i}@list{i % 97}.example>" for i in range(50_000))
    big = mail(headers("Newsletter", to=crowd, Message_ID="<crowd@acme.com>"))
    box = tmp_path / "box.mbox"
    box.write_bytes(
        mbox(
            ("From a Tue Nov 17 09:30:00 2026", big),
            ("From a Tue Nov 17 09:30:00 2026", mail(headers("Fine", Message_ID="<ok@acme.com>"))),
        )
    )
    result = run(cli, acme_book, str(box))
    assert result.code == 2, result.err
    assert "box.mbox: message 1 <crowd@acme.com>: more than 500 addresses (the cap per message)" in result.err
    assert one(acme_book, "SELECT summary FROM interactions") == [("Fine",)]


def test_a_huge_body_is_read_up_to_the_cap(acme_book, cli, tmp_path):
    words = "Renewal looks fine, thanks for the call today.\n" * 600_000  # 28 MB
    eml = tmp_path / "big.eml"
    eml.write_bytes(mail(headers("Long", Message_ID="<long@acme.com>"), words))
    result = run(cli, acme_book, str(eml))
    assert result.code == 0, result.err
    (notes,) = one(acme_book, "SELECT notes FROM interactions")[0]
    assert notes.startswith("Renewal looks fine") and notes.endswith("[cut]") and len(notes) <= 20_000 + 10


def test_a_nul_in_a_summary_is_not_stored(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(event("nul", "DTSTART:20261112T090000Z", None, "Ren\x00ewal", ME, ANA)))
    eml = tmp_path / "a.eml"
    eml.write_bytes(mail(headers("Q\x00BR", Message_ID="<nul@acme.com>"), "Body\x00 text"))
    result = run(cli, acme_book, str(cal), str(eml))
    assert result.code == 0, result.err
    stored = one(acme_book, "SELECT summary, coalesce(notes, '') FROM interactions ORDER BY summary")
    assert stored == [("QBR", "Body text"), ("Renewal", "")]
    conn = sqlite3.connect(acme_book)
    assert conn.execute(
        "SELECT count(*) FROM interactions WHERE instr(summary || coalesce(notes, ''), char(0))"
    ).fetchone() == (0,)
    conn.close()


def test_a_rule_that_never_matches_is_given_up_at_the_deadline(acme_book, tmp_path):
    """dateutil walks such a rule day by day to the year 9999 (4 s for DAILY on an idle machine here,
    17 s under load, 9 s for SECONDLY): how long depends on the machine, so the child's cap is set to
    0.2 s, far below any machine's walk, and the test checks the mechanism rather than a race with 5 s.
    The cap is a timer signal, which only the main thread may set: `cstui` runs there, a pytest-xdist
    worker's test does not, so the command runs in a child process as a user runs it."""
    never = event(
        "never", "DTSTART:20261101T090000Z", None, "30 February", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", ANA
    )
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(GOOD, never))
    done = subprocess_ingest(acme_book, str(cal), timeout=120, deadline=0.2)
    assert done.returncode == 2, done.stderr
    assert "cal.ics: event never: still expanding after 0.2 s (the cap per series), not stored" in done.stderr
    assert one(acme_book, "SELECT summary FROM interactions") == [("Good call",)]


def test_an_event_dated_outside_the_range_is_listed_not_stored(acme_book, cli, tmp_path):
    cal = tmp_path / "cal.ics"
    cal.write_bytes(ics(GOOD, event("far", "DTSTART:36090630T100000Z", None, "Far away", ME, ANA)))
    result = run(cli, acme_book, str(cal))
    assert result.code == 2, result.err
    assert "cal.ics: event far: dated 3609-06-30, outside the dates cstui works with" in result.err
    assert one(acme_book, "SELECT summary FROM interactions") == [("Good call",)]
