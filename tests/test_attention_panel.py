"""The dashboard's "where your time goes" panel (issue 16) against minutes computed by hand."""

import sqlite3

import pytest
from textual.widgets import Static

from cstui.readmodels.attention_panel import attention_summary
from cstui.storage.bookfile.connection import connect
from cstui.tui.app import CstuiApp
from cstui.tui.screens.dashboard import DashboardScreen
from cstui.tui.widgets.attention_panel import AttentionPanel
from tests.conftest import DEMO_DATE
from tests.tui_helpers import settle

# (account, day, kind, minutes): A1 three hours in the window, B2 a 30-minute QBR and an email, C3 a
# call logged by hand (no length); one meeting before the window and one booked after the as-of date.
INTERACTIONS = [
    ("A1", "2026-08-26", "meeting", 60),  # the day before the 90 days from 27 Aug to 24 Nov
    ("A1", "2026-11-02", "meeting", 60),
    ("A1", "2026-11-09", "meeting", 60),
    ("A1", "2026-11-16", "meeting", 60),
    ("A1", "2026-11-26", "meeting", 60),  # booked, not held yet
    ("B2", "2026-11-05", "meeting", 30),
    ("B2", "2026-11-06", "email", None),
    ("C3", "2026-11-10", "call", None),
]


@pytest.fixture
def small_book(book_path, cli, tmp_path):
    src = tmp_path / "csv"
    src.mkdir()
    (src / "accounts.csv").write_text(
        "key,name,start_date,segment\nA1,Acme,2024-01-10,SMB\nB2,Beta,2024-01-10,Enterprise\n"
        "C3,Gamma,2024-01-10,Enterprise\n",
        encoding="utf-8",
    )
    (src / "mrr_history.csv").write_text(
        "account_key,effective_date,mrr\nA1,2024-01-10,100\nB2,2024-01-10,800\nC3,2024-01-10,100\n", encoding="utf-8"
    )
    assert cli("import", str(src), "--db", str(book_path)).code == 0
    conn = sqlite3.connect(book_path)
    with conn:
        for key, day, kind, minutes in INTERACTIONS:
            conn.execute(
                "INSERT INTO interactions (account_id, occurred_on, kind, summary, duration_minutes)"
                " SELECT id, ?, ?, 'x', ? FROM accounts WHERE key = ?",
                [day, kind, minutes, key],
            )
    conn.close()
    return book_path


def test_the_summary_matches_minutes_computed_by_hand(small_book):
    db = connect(small_book)
    summary = attention_summary(db.conn, DEMO_DATE)
    db.conn.close()
    # ARR = 12 x MRR: 1200 + 9600 + 1200 = 12000. Time: A1 3 x 60 = 180, B2 30 + 5 = 35, C3 0: 215 min.
    assert (summary.period.s, summary.period.e) == ("2026-08-27", "2026-11-25")
    assert (summary.meetings, summary.meeting_minutes, summary.emails, summary.minutes) == (4, 210, 1, 215)
    shares = {s.segment: (s.accounts, s.arr_share, s.time_share, s.minutes) for s in summary.segments}
    assert shares == {
        "Enterprise": (2, pytest.approx(10800 / 12000), pytest.approx(35 / 215), 35),
        "SMB": (1, pytest.approx(1200 / 12000), pytest.approx(180 / 215), 180),
    }
    # Beta: 80 % of ARR (the average account has 33 %) and 16 % of the time.
    assert [(a.key, a.name) for a in summary.underserved] == [("B2", "Beta")]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_dashboard_panel_shows_those_figures_and_fits(small_book, size):
    app = CstuiApp(small_book, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        panel = app.screen.query_one(AttentionPanel)
        title = str(panel.query_one("#attention-title", Static).render())
        body = str(panel.query_one("#attention-body", Static).render()).splitlines()
        assert title == "Where your time goes: last 90 days, 27 Aug to 24 Nov 2026"
        assert [" ".join(line.split()) for line in body] == [
            "segment accounts share of ARR share of time",
            "Enterprise 2 90.0% 16.3% ▼ little time",
            "SMB 1 10.0% 83.7% ▲ much time",
            "time = calls 0 min (1) + meetings 210 min (4) + 1 email × 5 min = 215 min",
            "Much ARR, little attention (share of ARR → share of time):",
            "B2 Beta 80.0% → 16.3%",
        ]
        assert panel.region.right <= size[0] and max(map(len, body)) <= panel.content_region.width


async def test_the_panel_follows_a_write(small_book):
    app = CstuiApp(small_book, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        conn = sqlite3.connect(small_book)
        with conn:
            conn.execute(
                "INSERT INTO interactions (account_id, occurred_on, kind, summary, duration_minutes)"
                " SELECT id, '2026-11-20', 'meeting', 'y', 65 FROM accounts WHERE key = 'C3'"
            )
        conn.close()
        app.book_changed()  # what every write in the app does
        await settle(pilot)
        panel = app.screen.query_one(AttentionPanel)
        assert panel.summary is not None and panel.summary.minutes == 280
