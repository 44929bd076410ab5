"""`cstui ingest` takes booked meetings ahead (issue 16): its default calendar window ends four weeks
after the as-of date, so the brief names the next meeting, while a meeting counts as contact (last
contact, the relationship component, `cstui time`, the review queue) only from its own day."""

import json

from cstui.metrics.health import account_health
from cstui.storage import reads, review
from cstui.storage.bookfile import maintenance
from tests.conftest import DEMO_DATE

TODAY = DEMO_DATE.isoformat()  # 2026-11-24, a Tuesday
# Weekly on Thursdays from 1 October, 30 minutes, with Cedar Logistics' champion (ACC-1000).
WEEKLY = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//cstui tests//EN\n"
    "BEGIN:VEVENT\nUID:weekly-cedar\nDTSTAMP:20261001T000000Z\n"
    "DTSTART:20261001T100000Z\nDTEND:20261001T103000Z\nRRULE:FREQ=WEEKLY\nSUMMARY:Weekly sync\n"
    "ORGANIZER;CN=Casey:mailto:casey@vendor.io\nATTENDEE;CN=Elena Rossi:mailto:elena@cedar1000.example\n"
    "END:VEVENT\nEND:VCALENDAR\n"
)
HELD = 8  # Thursdays from 1 Oct to 19 Nov
BOOKED = ["2026-11-26", "2026-12-03", "2026-12-10", "2026-12-17"]  # up to 22 Dec, 28 days after today


def test_a_weekly_meeting_is_taken_four_weeks_ahead_and_counts_only_once_held(demo_path, demo, cli, tmp_path):
    calendar = tmp_path / "calendar.ics"
    calendar.write_bytes(WEEKLY.replace("\n", "\r\n").encode())
    ingest = cli("ingest", str(calendar), "--db", str(demo_path), "--as-of", TODAY, "--tz", "UTC")
    assert ingest.code == 0, ingest.err
    assert f"{HELD + len(BOOKED)} meetings" in ingest.out
    conn = demo.conn
    cedar = conn.execute("SELECT id FROM accounts WHERE key = 'ACC-1000'").fetchone()[0]
    days = [d for (d,) in conn.execute("SELECT occurred_on FROM interactions WHERE summary = 'Weekly sync' ORDER BY 1")]
    assert days[HELD:] == BOOKED and days[HELD - 1] == "2026-11-19"

    brief = cli("brief", "ACC-1000", "--db", str(demo_path), "--as-of", TODAY)
    assert brief.code == 0, brief.err
    assert "## Next meeting\n\n2026-11-26, 30 min: Weekly sync\n" in brief.out

    last = reads.last_contacts(conn, DEMO_DATE)[cedar]
    assert last == "2026-11-19"  # the latest meeting held, not the next one booked
    relationship = next(c for c in account_health(conn, cedar, DEMO_DATE).components if c.key == "relationship")
    assert relationship.newest == "2026-11-19" and "last contact 5d ago" in relationship.raw

    time = cli("time", "--json", "--db", str(demo_path), "--as-of", TODAY)
    assert time.code == 0, time.err
    row = next(a for a in json.loads(time.out)["accounts"] if a["key"] == "ACC-1000")
    assert row["meeting_minutes"] == 30 * HELD  # the demo's own meetings have no length
    november = cli("time", "--period", "2026-11-01:2026-12-01", "--json", "--db", str(demo_path), "--as-of", TODAY)
    row = next(a for a in json.loads(november.out)["accounts"] if a["key"] == "ACC-1000")
    assert row["meeting_minutes"] == 30 * 3  # 5, 12 and 19 Nov: the 26th is booked, not spent yet

    queue = [u.occurred_on for u in review.unreviewed(conn, DEMO_DATE) if u.summary == "Weekly sync"]
    assert len(queue) == HELD and max(queue) == "2026-11-19"  # a meeting is reviewed once it took place
    checkup = maintenance.checkup(demo_path, today=DEMO_DATE)
    assert not [p for p in checkup.problems if "occurred_on" in p]  # booked meetings are not misdated


def test_until_ends_the_window_and_since_after_it_is_one_line(demo_path, demo, cli, tmp_path):
    calendar = tmp_path / "calendar.ics"
    calendar.write_bytes(WEEKLY.replace("\n", "\r\n").encode())
    only_held = cli("ingest", str(calendar), "--db", str(demo_path), "--as-of", TODAY, "--until", TODAY, "--tz", "UTC")
    assert only_held.code == 0 and f"{HELD} meetings" in only_held.out
    bad = cli("ingest", str(calendar), "--db", str(demo_path), "--since", "2027-01-10", "--as-of", TODAY)
    assert bad.code == 1 and bad.err.strip() == "cstui: --since: 2027-01-10 is after --until 2026-12-22"
