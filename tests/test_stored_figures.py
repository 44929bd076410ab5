"""Stored figures (issue 15): the dashboard, today's health and the trends' months are computed once
per book version and reused, and what is reused always equals what the engine computes now."""

import subprocess
import sys
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.derived.health_cache import RememberedScores, current_health, current_scores
from cstui.derived.stored_figures import report_from_json, report_json, store_months, store_scored
from cstui.errors import UserError
from cstui.metrics.health import health_for_accounts
from cstui.metrics.months import month_starts
from cstui.metrics.report import portfolio_report
from cstui.readmodels import views
from cstui.storage import derived, history
from cstui.storage.bookfile.connection import connect
from cstui.storage.records import accounts as account_records
from cstui.storage.records import notes as note_records
from cstui.storage.records import tasks as task_records
from cstui.tui.app import CstuiApp
from cstui.tui.screens.base import BookScreen
from cstui.tui.screens.dashboard import DashboardScreen
from cstui.tui.widgets.figure import Figure
from tests.bookmaker import new_book
from tests.conftest import DEMO_DATE
from tests.history_helpers import random_step
from tests.stored_figures_helpers import TODAY, import_csv, small_book
from tests.tui_helpers import settle

ROOT = Path(__file__).parent.parent
MONTHS = 6


def store_all(db, as_of: date = TODAY) -> None:
    """What opening the app and the trends screen keep: the dashboard's figures and the months."""
    data = views.dashboard(db.conn, as_of)
    if data.health is not None:
        assert store_scored(db, as_of, data.version, data.report, data.health)
    trends = views.trends(db.conn, as_of, MONTHS)
    store_months(db, trends.version, [(p.month, end, views.month_json(p)) for p, end in trends.computed])


def assert_cached_equals_fresh(db, as_of: date = TODAY) -> None:
    fresh_health = health_for_accounts(db.conn, as_of)
    assert views.dashboard(db.conn, as_of).report == portfolio_report(db.conn, as_of, health=fresh_health)
    assert current_health(db.conn, as_of) == fresh_health
    assert current_scores(db.conn, as_of) == {a: (b.score, b.band) for a, b in fresh_health.items()}
    fresh_months = [p for p, _ in views._compute_months(db.conn, as_of, month_starts(as_of, MONTHS))]
    assert views.trends(db.conn, as_of, MONTHS).points == fresh_months


days = st.dates(date(2026, 4, 1), TODAY).map(date.isoformat)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_cached_figures_equal_recomputed_ones_after_random_writes_undo_and_imports(data):
    with tempfile.TemporaryDirectory() as tmp:
        db = new_book(Path(tmp) / "book.db")
        try:
            small_book(db, Path(tmp))
            store_all(db)
            for _ in range(data.draw(st.integers(1, 6))):
                action = data.draw(st.sampled_from(["write", "write", "undo", "import", "import_usage", "store"]))
                try:
                    if action == "write":
                        random_step(db, data)
                    elif action == "undo":
                        history.undo(db)
                    elif action == "import":
                        score, day = data.draw(st.integers(0, 10)), data.draw(days)
                        import_csv(
                            db,
                            Path(tmp),
                            "surveys.csv",
                            f"account_key,kind,score,responded_on\nbeta,nps,{score},{day}\n",
                        )
                    elif action == "import_usage":
                        day = data.draw(days)
                        import_csv(
                            db, Path(tmp), "usage_daily.csv", f"account_key,day,active_users,minutes\nbeta,{day},2,30\n"
                        )
                    else:
                        store_all(db)
                except UserError:  # a refused step (nothing to undo, a bad id) changes nothing
                    pass
                assert_cached_equals_fresh(db)
        finally:
            db.conn.close()


def test_the_report_comes_back_from_json_typed_and_equal(demo):
    report = portfolio_report(demo.conn, DEMO_DATE)
    assert report_from_json(report_json(report)) == report


def recomputed_months(db) -> list[str]:
    trends = views.trends(db.conn, TODAY, MONTHS)
    store_months(db, trends.version, [(p.month, end, views.month_json(p)) for p, end in trends.computed])
    return sorted(p.month for p, _ in trends.computed)


def test_a_back_dated_fact_makes_its_months_recompute_and_todays_note_keeps_them(book, tmp_path):
    small_book(book, tmp_path)
    store_all(book)
    before = derived.book_version(book.conn)
    task_records.add_task(
        book, "acme", task_records.TaskFields("call back", "2026-12-01"), TODAY
    )  # a task feeds no figure
    assert derived.earliest_touched(book.conn, before, derived.book_version(book.conn)) is None
    assert recomputed_months(book) == []
    entry, errors = note_records.parse_feedback("acme", {"date": TODAY.isoformat(), "summary": "Weekly call"}, TODAY)
    assert not errors
    note_records.save_feedback(book, entry)
    assert recomputed_months(book) == ["2026-11"]
    before = derived.book_version(book.conn)
    import_csv(book, tmp_path, "surveys.csv", "account_key,kind,score,responded_on\nbeta,nps,2,2026-08-10\n")
    assert derived.earliest_touched(book.conn, before, derived.book_version(book.conn)) == date(2026, 8, 10)
    assert recomputed_months(book) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert recomputed_months(book) == []
    # an imported account (recorded as a range of rows, without values): dated by its earliest date,
    # its empty churn date skipped
    before = derived.book_version(book.conn)
    import_csv(book, tmp_path, "accounts.csv", "key,name,start_date,renewal_date\ngamma,Gamma,2026-10-05,2027-10-05\n")
    assert derived.earliest_touched(book.conn, before, derived.book_version(book.conn)) == date(2026, 10, 5)
    assert recomputed_months(book) == ["2026-10", "2026-11"]


def test_a_write_outside_cstui_is_seen_by_its_inserts(book, tmp_path):
    small_book(book, tmp_path)
    store_all(book)
    book.conn.execute("INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (1, 'nps', 0, '2026-07-01')")
    assert views.dashboard(book.conn, TODAY).health is not None  # recomputed
    assert len(views.trends(book.conn, TODAY, MONTHS).computed) == MONTHS


# --- the app ---------------------------------------------------------------------------------------


async def open_dashboard(path: Path) -> tuple[dict[str, str], DashboardScreen]:
    app = CstuiApp(path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.failure is None
        cards = {str(card.id): card.value for card in screen.query(Figure)}
    return cards, screen


async def test_opening_an_unchanged_book_shows_the_stored_figures_without_the_engine(demo_path, monkeypatch):
    first, _ = await open_dashboard(demo_path)  # computes, stores the figures and today's snapshot

    def engine(*args, **kwargs):
        raise AssertionError("the engine ran on an unchanged book")

    monkeypatch.setattr(views, "health_for_accounts", engine)
    monkeypatch.setattr(views, "portfolio_report", engine)
    monkeypatch.setattr("cstui.derived.health_cache.health_for_accounts", engine)
    again, screen = await open_dashboard(demo_path)
    assert again == first and screen.data.health is None
    db = connect(demo_path)
    try:
        assert derived.snapshot_version(db.conn, DEMO_DATE) == derived.book_version(db.conn)
    finally:
        db.conn.close()


async def test_a_write_makes_the_dashboard_recompute_and_rewrite_todays_snapshot(demo_path, monkeypatch):
    await open_dashboard(demo_path)
    db = connect(demo_path)
    try:
        account = db.execute("SELECT id FROM accounts WHERE churn_date IS NULL ORDER BY id LIMIT 1").fetchone()[0]
        key = db.execute("SELECT key FROM accounts WHERE id = ?", [account]).fetchone()[0]
        account_records.edit_account(db, key, account_records.AccountFields(plan="a new plan"), TODAY)
        runs = []
        real = views.health_for_accounts
        monkeypatch.setattr(views, "health_for_accounts", lambda *a, **k: runs.append(1) or real(*a, **k))
        cards, screen = await open_dashboard(demo_path)
        assert runs and screen.data.health is None  # computed, stored by the app, not kept by the screen
        fresh = portfolio_report(db.conn, DEMO_DATE)
        assert cards["fig-arr"] == f"{fresh.arr:,.0f}"
        assert derived.snapshot_version(db.conn, DEMO_DATE) == derived.book_version(db.conn)
        assert current_health(db.conn, DEMO_DATE) == health_for_accounts(db.conn, DEMO_DATE)
    finally:
        db.conn.close()


async def test_the_dashboard_frame_is_painted_while_its_figures_load(demo_path, monkeypatch):
    """Textual paints only a screen whose `is_current` is true: a data screen must not redefine it."""
    assert "is_current" not in vars(BookScreen)
    release = threading.Event()
    real = DashboardScreen.fetch

    def slow(self, conn):
        release.wait(10)
        return real(self, conn)

    monkeypatch.setattr(DashboardScreen, "fetch", slow)
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DashboardScreen) and screen.is_current and not screen.is_loaded
        release.set()
        await settle(pilot)
        assert screen.is_loaded


def test_the_version_moves_with_every_recorded_change_and_not_with_stored_figures(book, tmp_path):
    small_book(book, tmp_path)
    before = derived.book_version(book.conn)
    store_all(book)
    assert derived.book_version(book.conn) == before
    account_records.edit_account(book, "acme", account_records.AccountFields(plan="gold"), TODAY)
    assert derived.book_version(book.conn).history_id > before.history_id
    # the stored report is as of one day: opening the book as of another day recomputes
    assert views.dashboard(book.conn, TODAY - timedelta(days=1)).health is not None


def test_a_check_in_review_or_a_task_leaves_todays_figures_current(book, tmp_path, monkeypatch):
    """Only changes to the tables the figures read move the version: reviewing accounts in the
    check-in (each review a recorded change) does not make every reload run the engine again."""
    from cstui.storage import checkin_writes

    small_book(book, tmp_path)
    store_all(book)
    before = derived.book_version(book.conn)
    acme = book.execute("SELECT id FROM accounts WHERE key = 'acme'").fetchone()[0]
    checkin_writes.mark_reviewed(book, acme, TODAY.isoformat(), "fingerprint")
    task_records.add_task(
        book, "acme", task_records.TaskFields("send the deck", (TODAY + timedelta(days=3)).isoformat()), TODAY
    )
    assert derived.book_version(book.conn) == before
    monkeypatch.setattr("cstui.derived.health_cache.health_for_accounts", _engine_must_not_run)
    assert current_scores(book.conn, TODAY)  # from today's snapshot, still current
    assert views.dashboard(book.conn, TODAY).health is None  # the stored report, not recomputed


def test_scores_of_a_past_day_are_computed_once_per_version(book, tmp_path, monkeypatch):
    """The check-in's "14 days ago" has no current snapshot: computed once, then reused until a fact changes."""
    from cstui.storage import checkin_writes

    small_book(book, tmp_path)
    past = TODAY - timedelta(days=14)
    runs = []

    def counted(conn, as_of):
        runs.append(as_of)
        return health_for_accounts(conn, as_of)

    monkeypatch.setattr("cstui.derived.health_cache.health_for_accounts", counted)
    scores = RememberedScores()  # the app keeps one for its book
    first = scores(book.conn, past)
    assert scores(book.conn, past) == first and runs == [past]
    checkin_writes.mark_reviewed(book, 1, TODAY.isoformat(), "fingerprint")  # not a fact: kept
    assert scores(book.conn, past) == first and runs == [past]
    account_records.edit_account(book, "acme", account_records.AccountFields(plan="gold"), TODAY)
    assert scores(book.conn, past) == first and runs == [past, past]


def _engine_must_not_run(*args, **kwargs):
    raise AssertionError("the engine ran although the book's figures were current")


def test_opening_the_book_does_not_import_numpy():
    """sqlite-utils would import numpy (~0.3 s of every start) to map column types cstui never writes."""
    code = "import sys, cstui.storage.bookfile.connection, sqlite_utils; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_trends_hand_over_the_newest_months_as_they_are_computed(book, tmp_path):
    small_book(book, tmp_path)
    seen: list[list[str]] = []
    trends = views.trends(book.conn, TODAY, MONTHS, lambda ready: seen.append([p.month for p in ready]))
    months = [p.month for p in trends.points]
    assert seen == [months[-n:] for n in range(1, MONTHS)]  # the last one comes with the result


def test_a_daily_backup_cut_short_does_not_count_as_the_day_s(book_path):
    """Quitting the app while it copies a large book left a partial file that later runs took as done."""
    from cstui.storage.bookfile.maintenance import backup_dir, daily_backup

    db = new_book(book_path)
    try:
        backup_dir(book_path).mkdir()
        (backup_dir(book_path) / ".book-2026-11-24.db.partial").write_bytes(b"half a copy")
        copy = daily_backup(db.conn, book_path, TODAY)
        assert copy is not None and [p.name for p in backup_dir(book_path).iterdir()] == ["book-2026-11-24.db"]
        restored = connect(copy)
        assert restored.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
        restored.conn.close()
    finally:
        db.conn.close()
