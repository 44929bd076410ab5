"""Calendar and mail samples written by the ingest and sync tests, and how they read the book after
a run: an .ics around events, one VEVENT, a message with headers, the interactions stored."""

import hashlib
import sqlite3

from tests.conftest import dump

AS_OF = "2026-11-30"
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:STANDARD
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
END:DAYLIGHT
END:VTIMEZONE
"""


def ics(*events: str) -> bytes:
    body = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//cstui tests//EN\n" + VTIMEZONE + "".join(events)
    return (body + "END:VCALENDAR\n").replace("\n", "\r\n").encode()


def event(uid: str, start: str, end: str | None, summary: str, *lines: str) -> str:
    out = f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20261101T000000Z\n{start}\n"
    out += f"{end}\n" if end else ""
    out += f"SUMMARY:{summary}\n" + "".join(f"{line}\n" for line in lines)
    return out + "END:VEVENT\n"


ME = "ORGANIZER;CN=Casey CSM:mailto:casey@vendor.io"
ANA = "ATTENDEE;CN=Ana Ruiz:mailto:ana@acme.com"


# Weekly Monday 21:00 New York (02:00 UTC on Tuesday), 4 times from 2 November: the 9th is an
# EXDATE, the 16th moved to Wednesday 18th 15:00 New York for 45 minutes, the 23rd cancelled.
SERIES = event(
    "weekly-acme",
    "DTSTART;TZID=America/New_York:20261102T210000",
    "DTEND;TZID=America/New_York:20261102T213000",
    "Acme weekly",
    "RRULE:FREQ=WEEKLY;COUNT=4",
    "EXDATE;TZID=America/New_York:20261109T210000",
    ME,
    ANA,
)


def mail(headers: dict[str, str], body: str = "Hello.\n", charset: str = "utf-8", subtype: str = "plain") -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers.items())
    head += f"MIME-Version: 1.0\nContent-Type: text/{subtype}; charset={charset}\nContent-Transfer-Encoding: 8bit\n"
    return head.encode() + b"\n" + body.encode(charset)


def headers(subject: str, sender: str = "Ana Ruiz <ana@acme.com>", to: str = "casey@vendor.io", **more) -> dict:
    base = {"From": sender, "To": to, "Subject": subject, "Date": "Tue, 17 Nov 2026 09:30:00 +0000"}
    base.update({k.replace("_", "-"): v for k, v in more.items()})
    return base


def rows(book_path, where: str = "1") -> list[tuple]:
    conn = sqlite3.connect(book_path)
    try:
        return conn.execute(
            "SELECT a.key, i.occurred_on, i.kind, i.summary, i.contact_email, i.duration_minutes, i.reviewed"
            f" FROM interactions i JOIN accounts a ON a.id = i.account_id WHERE {where}"
            " ORDER BY i.occurred_on, i.summary"
        ).fetchall()
    finally:
        conn.close()


def one(book_path, sql: str):
    conn = sqlite3.connect(book_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def book_hash(path) -> str:
    return hashlib.sha256("\n".join(dump(path)).encode()).hexdigest()


def run(cli, book_path, *args: str):
    return cli("ingest", *args, "--db", str(book_path), "--as-of", AS_OF, "--tz", "UTC")


def meeting(uid: str, day: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//cstui tests//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:{day}T150000Z\r\nDTEND:{day}T154500Z\r\n"
        f"SUMMARY:{summary}\r\nORGANIZER:mailto:casey@vendor.io\r\nATTENDEE;CN=Ana Ruiz:mailto:ana@acme.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
