"""The pre-call brief (`B`, `cstui brief KEY`): its content checked against the book, hostile text
shown literally and escaped in Markdown, and the screen at 80x24.

The demo book gets an ingested calendar with two upcoming meetings for Cedar Logistics (ACC-1000),
ingested with `--as-of` a month ahead so they are in the book, and a hostile note logged today.
"""

import stat
import subprocess
import sys
from datetime import date

import pytest
from textual.containers import VerticalScroll

from cstui.metrics.health import account_health
from cstui.readmodels.precall import precall_brief
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.precall import PrecallScreen
from tests.conftest import DEMO_DATE, dump
from tests.tui_helpers import press, settle

TODAY = DEMO_DATE.isoformat()  # 2026-11-24
CEDAR = "ACC-1000"
MEETING = "Renewal *plan* [bold]x[/bold] | <b>"
HOSTILE_NOTE = "[@click=app.quit]quit[/] `code` _x_"
HOSTILE_BODY = "escape \x1b[31mred\x1b[0m and # heading"


def ics_event(uid: str, start: str, end: str, summary: str) -> str:
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20261101T000000Z\nDTSTART:{start}\nDTEND:{end}\nSUMMARY:{summary}\n"
        "ORGANIZER;CN=Casey:mailto:casey@vendor.io\n"
        "ATTENDEE;CN=Newbie:mailto:newbie@cedar1000.example\n"
        "ATTENDEE;CN=Elena Rossi:mailto:elena@cedar1000.example\n"
        "END:VEVENT\n"
    )


@pytest.fixture
def brief_book(demo_path, tmp_path, cli):
    body = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//cstui tests//EN\n"
        + ics_event("later", "20261203T100000Z", "20261203T110000Z", "Later sync")
        + ics_event("next", "20261127T100000Z", "20261127T104500Z", MEETING.replace(",", "\\,"))
        + "END:VCALENDAR\n"
    )
    calendar = tmp_path / "cal.ics"
    calendar.write_bytes(body.replace("\n", "\r\n").encode())
    ahead = cli("ingest", str(calendar), "--db", str(demo_path), "--as-of", "2026-12-24", "--tz", "UTC")
    assert ahead.code == 0, ahead.err
    assert "2 meetings" in ahead.out
    note = cli(
        "note", "add", "--account", CEDAR, "--summary", HOSTILE_NOTE, "--notes", HOSTILE_BODY,
        "--sentiment", "-1", "--date", TODAY, "--db", str(demo_path),
    )  # fmt: skip
    assert note.code == 0, note.err
    return demo_path


def test_the_brief_matches_the_book(brief_book, demo):
    conn = demo.conn
    cedar = conn.execute("SELECT id FROM accounts WHERE key = ?", [CEDAR]).fetchone()[0]
    brief = precall_brief(conn, cedar, DEMO_DATE)

    assert (brief.key, brief.name, brief.renewal_date) == (CEDAR, "Cedar Logistics", "2027-03-27")
    mrr = conn.execute(
        "SELECT mrr FROM mrr_history WHERE account_id = ? AND effective_date <= ? ORDER BY effective_date DESC LIMIT 1",
        [cedar, TODAY],
    ).fetchone()[0]
    assert brief.arr == pytest.approx(12 * mrr)

    # The first meeting after today, not the later one; the champion first, then the others by address.
    meeting = brief.next_meeting
    assert (meeting.day, meeting.summary, meeting.minutes) == ("2026-11-27", MEETING, 45)
    assert [(p.email, p.name, p.champion) for p in meeting.attendees] == [
        ("elena@cedar1000.example", "Elena Rossi", True),
        ("casey@vendor.io", None, False),
        ("newbie@cedar1000.example", None, False),
    ]

    # Health now, and against the health on the day of the last call or meeting (today's note is a call).
    last = conn.execute(
        "SELECT max(occurred_on) FROM interactions WHERE account_id = ? AND kind IN ('call', 'meeting')"
        " AND occurred_on <= ?",
        [cedar, TODAY],
    ).fetchone()[0]
    assert last == TODAY and brief.last_call == TODAY
    assert brief.health.score == account_health(conn, cedar, DEMO_DATE).score
    assert brief.change is None  # the last call is today: nothing to compare yet

    assert [(f.due, f.title) for f in brief.follow_ups] == conn.execute(
        "SELECT due_on, title FROM tasks WHERE account_id = ? AND done_on IS NULL ORDER BY due_on, id", [cedar]
    ).fetchall()
    assert [(t.opened_on, t.subject) for t in brief.tickets] == conn.execute(
        "SELECT opened_on, subject FROM tickets WHERE account_id = ? AND opened_on <= ?"
        " AND (closed_on IS NULL OR closed_on > ?)",
        [cedar, TODAY, TODAY],
    ).fetchall()
    notes = conn.execute(
        "SELECT occurred_on, summary FROM interactions WHERE account_id = ? AND occurred_on <= ?"
        " ORDER BY occurred_on DESC, id DESC LIMIT 3",
        [cedar, TODAY],
    ).fetchall()
    assert [(n.day, n.summary) for n in brief.notes] == notes
    assert notes[0] == (TODAY, HOSTILE_NOTE)  # the future meetings are not notes
    assert [(s.day, s.kind, s.score) for s in brief.surveys] == conn.execute(
        "SELECT responded_on, kind, score FROM surveys WHERE account_id = ? AND kind IN ('nps', 'csat')"
        " AND responded_on <= ? ORDER BY responded_on DESC, id DESC LIMIT 8",
        [cedar, TODAY],
    ).fetchall()


def test_what_changed_since_the_last_call(brief_book, demo):
    """A day later the last call is yesterday's note: the change is health now minus health then."""
    conn = demo.conn
    cedar = conn.execute("SELECT id FROM accounts WHERE key = ?", [CEDAR]).fetchone()[0]
    tomorrow = date(2026, 11, 25)
    brief = precall_brief(conn, cedar, tomorrow)
    then, now = account_health(conn, cedar, DEMO_DATE).score, account_health(conn, cedar, tomorrow).score
    assert brief.last_call == TODAY
    assert brief.change.delta == pytest.approx(now - then)
    assert all(abs(m.delta) >= 0.05 for m in brief.movers) and len(brief.movers) <= 3


def test_cli_markdown_escapes_book_text_and_writes_a_private_file(brief_book, cli, tmp_path):
    before = dump(brief_book)
    shown = cli("brief", CEDAR, "--db", str(brief_book), "--as-of", TODAY)
    assert shown.code == 0, shown.err
    out = shown.out
    assert out.startswith("# Pre-call brief: Cedar Logistics (ACC-1000)\n")
    assert "renews 2027-03-27 (in 123 days)" in out
    sections = ["## Next meeting", "## Health", "## Open follow-ups", "## Open tickets", "## Last notes", "## NPS"]
    assert [out.index(s) for s in sections] == sorted(out.index(s) for s in sections)  # most important first
    assert "2026-11-27, 45 min: Renewal \\*plan\\* \\[bold\\]x\\[/bold\\] \\| \\<b\\>" in out
    assert "- Elena Rossi (IT Admin, champion) \\<elena@cedar1000.example\\>" in out
    assert f"- {TODAY} call: \\[@click=app.quit\\]quit\\[/\\] \\`code\\` \\_x\\_ [read -1]" in out
    assert "  escape \\\\x1b\\[31mred\\\\x1b\\[0m and \\# heading" in out
    assert "\x1b" not in out

    target = tmp_path / "out" / "cedar.md"
    written = cli("brief", CEDAR, "--db", str(brief_book), "--as-of", TODAY, "--output", str(target))
    assert written.code == 0, written.err
    assert target.read_text() == out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    other = cli("brief", "ACC-1001", "--db", str(brief_book), "--as-of", TODAY)
    assert "## Next meeting\n\nNo meeting booked.\n" in other.out
    assert dump(brief_book) == before  # reading only


def test_cli_mistakes_are_one_line_and_change_nothing(brief_book, cli, tmp_path):
    before = dump(brief_book)
    unknown = cli("brief", "NOPE\x1b[2J", "--db", str(brief_book))
    assert (unknown.code, unknown.err) == (1, "cstui: account 'NOPE\\x1b[2J': no such account in the book\n")
    onto_book = cli("brief", CEDAR, "--db", str(brief_book), "--output", str(brief_book))
    assert onto_book.code == 1 and onto_book.err == f"cstui: --output {brief_book}: is a database, not overwritten\n"
    folder = cli("brief", CEDAR, "--db", str(brief_book), "--output", str(tmp_path))
    assert folder.code == 1 and "not a regular file" in folder.err
    missing = cli("brief", CEDAR, "--db", str(tmp_path / "none.db"))
    assert missing.code == 1 and "no book here" in missing.err
    assert not (tmp_path / "none.db").exists()
    assert dump(brief_book) == before


async def test_b_on_the_account_screen_at_80x24(brief_book, demo):
    cedar = demo.execute("SELECT id FROM accounts WHERE key = ?", [CEDAR]).fetchone()[0]
    app = CstuiApp(brief_book, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(cedar))
        await settle(pilot)
        await press(pilot, "B")
        screen = app.screen
        assert isinstance(screen, PrecallScreen)
        lines = str(screen.query_one("#precall").render()).split("\n")
        assert lines[0].startswith("Cedar Logistics  ACC-1000  ·  ARR ")
        assert lines[1] == f"Next meeting  2026-11-27, 45 min: {MEETING}"  # markup shown as typed
        assert lines[2] == "  ★ Elena Rossi (IT Admin, champion) <elena@cedar1000.example>"
        assert lines[5].startswith("Health ")
        text = "\n".join(lines)
        assert f"{TODAY} call: {HOSTILE_NOTE} [read -1]" in text
        assert "escape \\x1b[31mred\\x1b[0m" in text  # the escape is written out, never sent
        body = screen.query_one("#precall-body", VerticalScroll)
        assert body.region.height == 22  # between the header and the footer
        assert body.max_scroll_y > 0  # longer than a screen: it scrolls
        await press(pilot, "j", "j")
        assert body.scroll_y == 2
        await press(pilot, "escape")
        assert isinstance(app.screen, AccountScreen)


def test_the_read_model_and_the_command_never_load_the_ui():
    code = (
        "import sys, cstui.readmodels.precall, cstui.storage.review, cstui.cli.brief_commands; "
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
