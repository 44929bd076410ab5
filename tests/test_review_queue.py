"""The inbox review queue: ingested mail reviewed from the keyboard (`I`, digits, `r`, `f`)."""

import mailbox
from email.message import EmailMessage

import pytest
from textual.widgets import Input, TextArea

from cstui.errors import UserError
from cstui.storage import review
from cstui.tui.app import CstuiApp
from cstui.tui.screens.confirm import ConfirmScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.screens.review import ReviewScreen
from tests.conftest import DEMO_DATE
from tests.tui_helpers import cells, press, settle

SIZE = (120, 36)
HOSTILE = "[bold red]Outage[/] [@click=app.quit]x[/]"
# (sender, day, subject, body): ACC-1000 (Cedar Logistics) and ACC-1001 (Quartz Insurance) contacts.
MESSAGES = [
    ("elena@cedar1000.example", "Fri, 20 Nov 2026 10:00:00 +0000", "Renewal questions", "Can we talk pricing?\n"),
    ("farid@quartz1001.example", "Sat, 21 Nov 2026 10:00:00 +0000", HOSTILE, "It broke \x1b]52;c;aGk=\x07 again.\n"),
    ("liam@cedar1000.example", "Sun, 22 Nov 2026 10:00:00 +0000", "Thanks for the demo", "Great session.\n"),
]


def write_mbox(path):
    box = mailbox.mbox(path)
    for n, (sender, day, subject, body) in enumerate(MESSAGES):
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "casey@vendor.io"
        message["Date"] = day
        message["Subject"] = subject
        message["Message-ID"] = f"<review-{n}@test>"
        message.set_content(body)
        box.add(message)
    box.flush()
    box.close()
    return path


@pytest.fixture
def inbox_book(demo_path, demo, tmp_path, cli):
    mbox = write_mbox(tmp_path / "mail.mbox")
    result = cli("ingest", str(mbox), "--db", str(demo_path), "--as-of", DEMO_DATE.isoformat(), "--tz", "UTC")
    assert result.code == 0, result.err
    assert "3 emails stored" in result.out
    return demo_path


def rows(demo):
    """The three ingested messages, oldest first: (id, key, day, summary, read, reviewed, kind, notes, follow-up)."""
    return demo.execute(
        "SELECT i.id, a.key, i.occurred_on, i.summary, i.sentiment, i.reviewed, i.kind, i.notes, i.follow_up_on"
        " FROM interactions i JOIN accounts a ON a.id = i.account_id WHERE i.ingest_key LIKE 'mid:%review-%'"
        " ORDER BY i.occurred_on"
    ).fetchall()


def unreviewed_count(demo) -> int:
    return demo.execute("SELECT count(*) FROM interactions WHERE reviewed = 0").fetchone()[0]


def test_storage_functions(inbox_book, demo):
    queue = review.unreviewed(demo.conn, DEMO_DATE)
    assert [(u.account_key, u.occurred_on, u.summary) for u in queue] == [  # newest first
        ("ACC-1000", "2026-11-22", "Thanks for the demo"),
        ("ACC-1001", "2026-11-21", HOSTILE),
        ("ACC-1000", "2026-11-20", "Renewal questions"),
    ]
    with pytest.raises(UserError, match="not a whole number from -2 to 2"):
        review.set_read(demo, queue[0].interaction_id, 3)
    with pytest.raises(UserError, match="no such interaction"):
        review.accept(demo, 999_999)
    assert len(review.unreviewed(demo.conn, DEMO_DATE)) == 3  # nothing changed by the refusals
    assert review.accept_all(demo, [queue[0].interaction_id, queue[1].interaction_id]) == 2
    assert [u.summary for u in review.unreviewed(demo.conn, DEMO_DATE)] == ["Renewal questions"]


async def test_review_queue_from_the_keyboard(inbox_book, demo):
    before = demo.execute("SELECT count(*) FROM interactions").fetchone()[0]
    oldest, hostile, _ = rows(demo)
    app = CstuiApp(inbox_book, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "I")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        title = str(screen.query_one("#review-progress").render())
        assert title.startswith("Inbox: 3 ingested interactions to review")
        shown = cells(screen.table)
        assert [r[3] for r in shown] == ["Thanks for the demo", HOSTILE, "Renewal questions"]  # markup literal
        assert any(b.key_display == "1-5" and b.show for b in ReviewScreen.BINDINGS)  # the digits are in the footer

        # 5 = a very positive read (+2) on the newest; it leaves the queue and the cursor is on the next.
        await press(pilot, "5")
        assert rows(demo)[2][4:6] == (2, 1)
        assert [r[3] for r in cells(screen.table)] == [HOSTILE, "Renewal questions"]
        assert str(screen.query_one("#review-progress").render()).startswith("Inbox: 2 ingested interactions")
        assert screen.current.interaction_id == hostile[0]
        assert "\\x1b]52;c;aGk=\\x07" in str(screen.query_one("#inbox-detail").render())  # escapes shown, not run

        # r accepts the hostile one as it is: reviewed, no read, text untouched.
        await press(pilot, "r")
        assert rows(demo)[1][3:6] == (HOSTILE, None, 1)

        # f opens the last one in the feedback form, pre-filled; a read and a follow-up rewrite it.
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        assert form.query_one("#summary", Input).value == "Renewal questions"
        assert form.query_one("#date", Input).value == "2026-11-20"
        assert form.query_one("#contact", Input).value == "elena@cedar1000.example"
        assert form.query_one("#notes", TextArea).text.startswith("Can we talk pricing?")
        for name, value in (("sentiment", "1"), ("follow_up_title", "Send pricing"), ("follow_up_on", "2026-11-30")):
            form.query_one(f"#{name}", Input).value = value
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ReviewScreen)
        assert rows(demo)[0][3:] == ("Renewal questions", 1, 1, "email", "Can we talk pricing?", "2026-11-30")
        assert demo.execute("SELECT title, due_on FROM tasks WHERE interaction_id = ?", [oldest[0]]).fetchall() == [
            ("Send pricing", "2026-11-30")
        ]
        assert demo.execute("SELECT count(*) FROM interactions").fetchone()[0] == before  # rewritten, not added
        assert screen.table.row_count == 0
        assert str(screen.query_one("#review-progress").render()).startswith("Inbox: nothing to review")


async def test_accept_all_asks_first(inbox_book, demo):
    app = CstuiApp(inbox_book, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "I", "A")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert unreviewed_count(demo) == 3
        await press(pilot, "A", "y")
        assert isinstance(app.screen, ReviewScreen)
        assert unreviewed_count(demo) == 0
        assert [r[4:6] for r in rows(demo)] == [(None, 1)] * 3
        assert app.screen.table.row_count == 0


def test_a_review_is_a_change_that_undo_takes_back(inbox_book, demo, cli):
    newest = review.unreviewed(demo.conn, DEMO_DATE)[0]
    review.set_read(demo, newest.interaction_id, -1)
    assert rows(demo)[2][4:6] == (-1, 1)
    undone = cli("undo", "--db", str(inbox_book))
    assert undone.code == 0, undone.err
    assert f": note {newest.interaction_id} reviewed: read -1 (1 row)" in undone.out
    assert rows(demo)[2][4:6] == (None, 0)  # back in the queue, without a read
