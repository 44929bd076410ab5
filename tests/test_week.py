"""The CSM's week (issue 28): the week in review against figures computed by hand, the agenda, and
time that counts (a duration on calls and meetings)."""

import json
from datetime import date

import pytest
from textual.widgets import DataTable, Input

from cstui.readmodels.week import quarter_of, week, week_markdown
from cstui.storage.bookfile.connection import connect
from cstui.storage.records import accounts as account_records
from cstui.storage.records import notes as note_records
from cstui.storage.renewal_calls import set_call
from cstui.tui.app import CstuiApp
from cstui.tui.screens.agenda import AgendaScreen
from cstui.tui.screens.feedback import FeedbackScreen
from cstui.tui.screens.week import WeekScreen
from tests.bookmaker import BookMaker
from tests.tui_helpers import cells, press, settle

DAY = date(2026, 11, 24)  # a Tuesday in 2026 Q4; the week is 18 to 24 Nov


def _log(db, key: str, day: str, kind: str, minutes: str = "", summary: str = "talk") -> None:
    fields = {"date": day, "kind": kind, "summary": summary, "minutes": minutes}
    entry, errors = note_records.parse_feedback(key, fields, today=DAY)
    assert entry is not None, errors
    note_records.save_feedback(db, entry)


def _meeting(make: BookMaker, account: int, day: str, minutes: int, uid: str, email: str | None = None) -> None:
    make._insert(
        "INSERT INTO interactions (account_id, occurred_on, kind, summary, duration_minutes, ingest_key, reviewed,"
        " contact_email) VALUES (?, ?, 'meeting', 'Weekly sync', ?, ?, 0, ?)",
        [account, day, minutes, f"ics:{uid}", email],
    )


@pytest.fixture
def week_book(book, book_path):
    """Renewals this quarter with calls, last quarter's calls, time logged, tasks and a meeting ahead."""
    db = book
    make = BookMaker(db)
    ids = {}
    for key, renewal, churn, mrr in (
        ("q1", "2026-12-10", None, 1000),  # ARR 12,000: commit, expected 10,000 (called this week)
        ("q2", "2026-12-20", None, 500),  # ARR 6,000: probable, no expected ARR (counts its ARR)
        ("q3", "2026-12-31", None, 250),  # ARR 3,000: no call
        ("q4", "2027-01-15", None, 100),  # next quarter, within 90 days: its date moves this week
        ("p1", "2026-08-01", None, 400),  # last quarter: commit, renewed (right)
        ("p2", "2026-09-10", "2026-09-10", 300),  # last quarter: probable, churned (wrong)
        ("p3", "2026-06-15", None, 100),  # the quarter before: not counted
    ):
        ids[key] = make.account(key, "2025-01-01", churn=churn, renewal=renewal, name=f"Name {key}")
        make.mrr(ids[key], "2025-01-01", mrr)
    set_call(db, "q1", "commit", "10000", today=date(2026, 11, 20))
    set_call(db, "q2", "probable", None, today=date(2026, 10, 1))
    set_call(db, "p1", "commit", None, today=date(2026, 6, 1))
    set_call(db, "p2", "probable", None, today=date(2026, 6, 1))
    set_call(db, "p3", "lost", None, today=date(2026, 5, 1))
    account_records.edit_account(db, "q4", account_records.AccountFields(renewal_date="2027-01-20"), DAY)
    with db.conn:  # the history's clock is the machine's: pin the change to a day of the week
        db.conn.execute("UPDATE changes SET made_at = '2026-11-22T10:00:00Z' WHERE description LIKE 'account q4%'")
    _log(db, "q1", "2026-11-20", "call", "45")
    _log(db, "q1", "2026-11-10", "call", "60")  # before the week
    _log(db, "q2", "2026-11-21", "meeting", "30")
    _log(db, "q3", "2026-11-22", "email")  # 5 minutes, the estimate
    for account, title, due, created, done in (
        ("q1", "Send the deck", "2026-11-22", "2026-11-19", "2026-11-23"),
        ("q2", "Old promise", "2026-11-05", "2026-11-01", "2026-11-18"),
        ("q3", "Book the QBR", "2026-11-27", "2026-11-24", None),
        ("q1", "Check adoption", "2026-11-30", "2026-11-10", None),
        ("q2", "Later", "2026-12-02", "2026-11-10", None),  # due after next week
    ):
        make._insert(
            "INSERT INTO tasks (account_id, title, due_on, created_on, done_on) VALUES (?, ?, ?, ?, ?)",
            [ids[account], title, due, created, done],
        )
    _meeting(make, ids["q2"], "2026-11-26", 60, "next")
    return book_path


def test_quarters():
    assert quarter_of(DAY) == (date(2026, 10, 1), date(2027, 1, 1))
    assert quarter_of(date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 4, 1))


def test_the_week_equals_hand_computed_figures(week_book):
    db = connect(week_book)
    w = week(db.conn, DAY)
    f = w.forecast
    assert (f.quarter, f.first, f.last, f.renewals) == ("2026 Q4", "2026-11-24", "2026-12-31", 3)
    assert (f.arr_up, f.committed, f.probable, f.uncalled_arr) == (21000.0, 10000.0, 6000.0, 3000.0)
    assert (f.last_quarter, f.calls_scored, f.calls_right, f.hit_rate) == ("2026 Q3", 2, 1, 50.0)
    # Time in the week: q1's call 45 + q2's meeting 30 + q3's email 5 = 80 minutes. ARR at the end of
    # the week: 12,000 + 6,000 + 3,000 + 1,200 + 4,800 + 1,200 (p2 churned) = 28,200.
    t = w.time
    assert (t.calls, t.call_minutes, t.meetings, t.meeting_minutes, t.emails, t.minutes) == (1, 45, 1, 30, 1, 80)
    assert [(a.key, a.minutes) for a in t.accounts] == [("q1", 45), ("q2", 30), ("q3", 5)]
    assert t.accounts[0].time_share == pytest.approx(45 / 80)
    assert t.accounts[0].arr_share == pytest.approx(12000 / 28200)
    assert (w.tasks_created, w.tasks_done) == (2, 2)
    assert {r.key: r.moves for r in w.renewals_moved} == {
        "q1": ["call: commit on 2026-11-20"],
        "q4": ["date 2027-01-15 → 2027-01-20"],
    }
    assert [(t.key, t.due_on) for t in w.next_tasks] == [("q3", "2026-11-27"), ("q1", "2026-11-30")]
    assert [(m.key, m.day, m.minutes) for m in w.next_meetings] == [("q2", "2026-11-26", 60)]
    assert [r.key for r in w.next_renewals] == []
    assert w.period == "in 7 days"


def test_week_cli_json_and_markdown(cli, week_book):
    shown = json.loads(cli("week", "--as-of", "2026-11-24", "--json", "--db", str(week_book)).out)
    assert shown["forecast"]["committed"] == 10000.0 and shown["forecast"]["hit_rate"] == 50.0
    note = cli("week", "--as-of", "2026-11-24", "--md", "--db", str(week_book)).out
    assert note.startswith("# The week: 2026-11-18 to 2026-11-24\n")
    assert "## The quarter's forecast" in note
    assert "- 2026 Q3 calls: 1 of 2 right (50%)" in note
    assert "- committed 10,000, probable 6,000, committed + probable 16,000 of 21,000; no call yet on 3,000" in note
    both = cli("week", "--json", "--md", "--db", str(week_book))
    assert both.code == 1 and "give one of them" in both.err


def test_week_markdown_escapes_book_text(week_book):
    db = connect(week_book)
    with db.conn:
        db.conn.execute("UPDATE accounts SET name = '*bold* [x](y)' WHERE key = 'q1'")
    assert "\\*bold\\* \\[x\\](y)" in week_markdown(week(db.conn, DAY))


async def test_the_week_screen_shows_the_forecast(week_book):
    app = CstuiApp(week_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "W")
        assert isinstance(app.screen, WeekScreen)
        body = str(app.screen.query_one("#week-body").render())
        assert "committed 10,000, probable 6,000" in body
        assert "2026 Q3 calls: 1 of 2 right (50%)" in body


# --- the agenda -----------------------------------------------------------------------------------


@pytest.fixture
def agenda_book(book, book_path):
    """A weekly meeting on Tuesdays: today (held, no feedback yet), next week and the week after."""
    make = BookMaker(book)
    a = make.account("w1", "2025-01-01", name="Weekly Co")
    make.mrr(a, "2025-01-01", 100)
    make._insert("INSERT INTO contacts (account_id, name, email) VALUES (?, 'Ada Lovelace', 'ada@weekly.example')", [a])
    for n, day in enumerate(("2026-11-17", "2026-11-24", "2026-12-01", "2026-12-08")):
        _meeting(make, a, day, 30, f"weekly:{n}", "ada@weekly.example")
    return book_path


def test_agenda_cli_groups_the_weekly_meeting_by_day(cli, agenda_book):
    shown = json.loads(cli("agenda", "--as-of", "2026-11-24", "--json", "--db", str(agenda_book)).out)
    assert [d["day"] for d in shown["days"]] == ["2026-11-24", "2026-12-01"]  # 14 days: to 7 Dec
    today = shown["days"][0]["meetings"][0]
    assert (today["key"], today["minutes"], today["needs_feedback"]) == ("w1", 30, True)
    assert shown["days"][1]["meetings"][0]["needs_feedback"] is False
    longer = json.loads(cli("agenda", "--as-of", "2026-11-24", "--days", "15", "--json", "--db", str(agenda_book)).out)
    assert [d["day"] for d in longer["days"]] == ["2026-11-24", "2026-12-01", "2026-12-08"]
    text = cli("agenda", "--as-of", "2026-11-24", "--db", str(agenda_book)).out
    assert "Tue 24 Nov 2026" in text and "Tue 01 Dec 2026" in text


async def test_agenda_screen_lists_the_days_and_f_fills_the_form(agenda_book):
    app = CstuiApp(agenda_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "A")
        assert isinstance(app.screen, AgendaScreen)
        rows = cells(app.screen.query_one("#agenda-table", DataTable))
        assert [r[0] for r in rows] == ["Tue 24 Nov 2026", "w1", "Tue 01 Dec 2026", "w1"]
        assert rows[1][2] == "30" and "feedback?" in rows[1][3]
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        values = {n: form.query_one(f"#{n}", Input).value for n in ("date", "contact", "minutes", "summary")}
        assert values == {
            "date": "2026-11-24",
            "contact": "Ada Lovelace",
            "minutes": "30",
            "summary": "Weekly sync",
        }
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AgendaScreen)
        await settle(pilot)
        rows = cells(app.screen.query_one("#agenda-table", DataTable))
        assert "feedback?" not in rows[1][3]
    db = connect(agenda_book)
    row = db.execute("SELECT reviewed, duration_minutes, count(*) FROM interactions WHERE occurred_on = '2026-11-24'")
    assert row.fetchone() == (1, 30, 1)  # logged on the meeting itself, not a second row


# --- time that counts -----------------------------------------------------------------------------


def test_note_minutes_from_the_cli(cli, book_path, book):
    BookMaker(book).account("m1", "2019-01-01")
    db = ("--db", str(book_path))
    add = cli("note", "add", "--account", "m1", "--summary", "QBR", "--date", "2020-03-02", "--minutes", "45", *db)
    assert add.code == 0, add.err
    note_id = add.out.split()[1]
    assert note_records.get_note(book, int(note_id)).minutes == 45
    edited = cli("note", "edit", note_id, "--minutes", "50", "--json", *db)
    assert json.loads(edited.out)["minutes"] == 50
    bad = cli("note", "add", "--account", "m1", "--summary", "x", "--date", "2020-03-02", "--minutes", "ninety", *db)
    assert bad.code == 1 and "--minutes: 'ninety' is not a whole number of minutes" in bad.err
    mail = cli("note", "add", "--account", "m1", "--summary", "x", "--kind", "email", "--minutes", "5", *db)
    assert mail.code == 1 and "calls and meetings" in mail.err
    assert book.execute("SELECT count(*) FROM interactions").fetchone()[0] == 1
