"""The check-in's findings kept per book version and day (issue 15): the queue from kept findings
always equals the queue computed now, after any write, undo or import; a review, a snooze or a task
re-applies only those, and a change to a fact the rules read computes them again."""

import tempfile
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.derived import checkin_day
from cstui.derived.health_cache import RememberedScores, current_scores
from cstui.errors import UserError
from cstui.metrics.checkin import CheckinQueue, checkin_queue
from cstui.storage import checkin_findings, checkin_writes, history
from cstui.storage.records import notes as note_records
from cstui.storage.records import tasks as task_records
from cstui.tui.app import CstuiApp
from tests.bookmaker import new_book
from tests.checkin_helpers import shown
from tests.history_helpers import random_step
from tests.stored_figures_helpers import TODAY, import_csv, small_book
from tests.tui_helpers import press, settle

days = st.dates(date(2026, 4, 1), TODAY).map(date.isoformat)


def assert_same(new: CheckinQueue, fresh: CheckinQueue) -> None:
    assert [shown(i) for i in new.items] == [shown(i) for i in fresh.items]
    assert [shown(i) for i in new.done] == [shown(i) for i in fresh.done]
    assert new.waiting_count == fresh.waiting_count
    assert [shown(i) for i in new.waiting] == [shown(i) for i in fresh.waiting]
    assert new.to_json(include_waiting=True) == fresh.to_json(include_waiting=True)
    assert new.unknown_rules == fresh.unknown_rules


def fresh_queue(db) -> CheckinQueue:
    return checkin_queue(db.conn, TODAY, partial(current_scores, db.conn))


def store(db, kept: checkin_day.Kept) -> None:
    if kept.fresh:
        checkin_day.store_findings(db, kept, checkin_day.to_rows(kept.findings))


def checkin_step(db, data) -> None:
    """What the check-in screen writes: a review or a snooze of a queued account, or a follow-up done."""
    queue = fresh_queue(db)
    listed = queue.items + queue.waiting
    if not listed:
        return
    item = data.draw(st.sampled_from(listed))
    action = data.draw(st.sampled_from(["review", "snooze", "follow_up"]))
    if action == "review":
        checkin_writes.mark_reviewed(db, item.account_id, TODAY.isoformat(), item.fingerprint)
    elif action == "snooze":
        until = (TODAY + timedelta(days=data.draw(st.integers(1, 9)))).isoformat()
        checkin_writes.snooze(db, item.account_id, TODAY.isoformat(), until, item.fingerprint)
    else:
        task_records.add_task(db, item.key, task_records.TaskFields("call back", data.draw(days)), TODAY)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_kept_findings_give_the_queue_computed_now_after_random_writes_undo_and_imports(data):
    with tempfile.TemporaryDirectory() as tmp:
        db = new_book(Path(tmp) / "book.db")
        try:
            small_book(db, Path(tmp))
            db.execute("UPDATE health_config SET value = 1 WHERE name = 'checkin.capacity'")  # a waiting list
            db.conn.commit()
            scores = RememberedScores()  # the app's: remembers days across versions
            kept: checkin_day.Kept | None = None  # the screen's
            for _ in range(data.draw(st.integers(1, 8))):
                action = data.draw(
                    st.sampled_from(["write", "checkin", "checkin", "undo", "import", "rule", "store", "forget"])
                )
                try:
                    if action == "write":
                        random_step(db, data)
                    elif action == "checkin":
                        checkin_step(db, data)
                    elif action == "undo":
                        history.undo(db)
                    elif action == "import":
                        table = data.draw(st.sampled_from(["surveys", "usage_daily", "invoices"]))
                        day = data.draw(days)
                        text = {
                            "surveys": f"account_key,kind,score,responded_on\nbeta,nps,{data.draw(st.integers(0, 10))},{day}\n",
                            "usage_daily": f"account_key,day,active_users,minutes\nacme,{day},1,5\n",
                            "invoices": f"account_key,invoice_no,issued_date,due_date,amount\nbeta,I-{day},{day},{day},50\n",
                        }[table]
                        import_csv(db, Path(tmp), f"{table}.csv", text)
                    elif action == "rule":
                        rule = data.draw(st.sampled_from(["no_contact", "stale_usage", "usage_decline"]))
                        on, threshold = data.draw(st.booleans()), data.draw(st.integers(1, 60))
                        text = f"name,enabled,threshold,description\n{rule},{int(on)},{threshold},edited\n"
                        import_csv(db, Path(tmp), "checkin_rules.csv", text)
                    elif action == "store" and kept is not None:
                        store(db, kept)
                    elif action == "forget":  # a new process: only what the book kept
                        if kept is not None and data.draw(st.booleans()):
                            store(db, kept)
                        kept = None
                except UserError:  # a refused step (nothing to undo, a bad id) changes nothing
                    pass
                queue, kept = checkin_day.checkin(db.conn, TODAY, partial(scores, db.conn), kept)
                assert_same(queue, fresh_queue(db))
        finally:
            db.conn.close()


def test_a_review_keeps_the_findings_and_a_new_fact_is_seen(book, tmp_path, monkeypatch):
    small_book(book, tmp_path)
    scores_on = partial(current_scores, book.conn)
    queue, kept = checkin_day.checkin(book.conn, TODAY, scores_on)
    assert kept.fresh
    changes = book.execute("SELECT count(*) FROM changes").fetchone()[0]
    stored = book.execute("SELECT count(*) FROM checkin_findings").fetchone()[0]
    store(book, kept)
    assert book.execute("SELECT count(*) FROM checkin_findings").fetchone()[0] > stored  # the findings were kept
    assert changes == book.execute("SELECT count(*) FROM changes").fetchone()[0]  # derived: no change recorded

    def rules_must_not_run(*args, **kwargs):
        raise AssertionError("the rules ran although the kept findings were current")

    monkeypatch.setattr(checkin_day, "day_findings", rules_must_not_run)
    item = queue.items[0]
    checkin_writes.mark_reviewed(book, item.account_id, TODAY.isoformat(), item.fingerprint)
    task_records.add_task(
        book, "acme", task_records.TaskFields("send the deck", TODAY.isoformat()), TODAY
    )  # a follow-up due today
    again, from_book = checkin_day.checkin(book.conn, TODAY, scores_on)  # a new process: from the book
    assert not from_book.fresh
    assert_same(again, fresh_queue(book))
    assert item.account_id in {i.account_id for i in again.done}
    due = [t for t in again.due_today if t.account_key == "acme"]  # a reminder, listed apart (issue 25)
    assert [t.title for t in due] == ["send the deck"]
    assert all(r.rule != "follow_up_due" for i in again.items + again.waiting + again.done for r in i.reasons)

    monkeypatch.undo()
    # an overdue invoice (a fact the rules read) is seen at once, the findings computed again
    import_csv(
        book,
        tmp_path,
        "invoices.csv",
        "account_key,invoice_no,issued_date,due_date,amount\nbeta,I-9,2026-09-01,2026-10-01,80\n",
    )
    after, kept = checkin_day.checkin(book.conn, TODAY, scores_on, from_book)
    assert kept.fresh
    beta = next(i for i in after.items + after.waiting + after.done if i.key == "beta")
    assert "overdue_invoice" in {r.rule for r in beta.reasons}
    assert_same(after, fresh_queue(book))


def test_findings_stored_at_an_older_version_are_not_stored(book, tmp_path):
    small_book(book, tmp_path)
    _, kept = checkin_day.checkin(book.conn, TODAY, partial(current_scores, book.conn))
    entry, errors = note_records.parse_feedback("acme", {"date": TODAY.isoformat(), "summary": "Weekly call"}, TODAY)
    assert not errors
    note_records.save_feedback(book, entry)  # a fact: the findings computed before it are stale
    assert not checkin_day.store_findings(book, kept, checkin_day.to_rows(kept.findings))
    assert checkin_findings.load(book.conn, TODAY.isoformat(), kept.version) is None


async def test_the_screen_stores_its_findings_and_a_review_does_not_run_the_rules(demo_path, monkeypatch):
    from tests.conftest import DEMO_DATE

    runs = []
    compute = checkin_day.day_findings

    def counted(*args, **kwargs):
        runs.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(checkin_day, "day_findings", counted)
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "c")
        await settle(pilot)  # the findings stored by the app's writer
        assert runs == [1]
        assert app.book.execute("SELECT checkin_day FROM checkin_days").fetchall() == [(DEMO_DATE.isoformat(),)]
        first = app.screen.queue.items[0]
        await press(pilot, "r")
        assert runs == [1]
        assert first.account_id in {i.account_id for i in app.screen.queue.done}
        await press(pilot, "u")
        assert runs == [1]
        assert first.account_id in {i.account_id for i in app.screen.queue.items}


def test_fourteen_days_ago_comes_from_that_day_s_snapshot_while_no_earlier_fact_changed(book, tmp_path, monkeypatch):
    from cstui.derived.stored_figures import store_scored
    from cstui.metrics.health import health_for_accounts
    from cstui.readmodels import views

    small_book(book, tmp_path)
    past = TODAY - timedelta(days=14)
    data = views.dashboard(book.conn, past)  # the app opened that day stored its snapshot
    assert store_scored(book, past, data.version, data.report, data.health)
    fresh = {a: (b.score, b.band) for a, b in health_for_accounts(book.conn, past).items()}
    runs = []

    def counted(conn, as_of):
        runs.append(as_of)
        return health_for_accounts(conn, as_of)

    monkeypatch.setattr("cstui.derived.health_cache.health_for_accounts", counted)
    entry, errors = note_records.parse_feedback("acme", {"date": TODAY.isoformat(), "summary": "Weekly call"}, TODAY)
    assert not errors
    note_records.save_feedback(book, entry)  # a fact dated today: the snapshot of 14 days ago still holds
    assert RememberedScores()(book.conn, past) == fresh and runs == []
    import_csv(
        book, tmp_path, "surveys.csv", f"account_key,kind,score,responded_on\nbeta,nps,2,{past - timedelta(days=3)}\n"
    )
    recomputed = RememberedScores()(book.conn, past)  # a fact dated before it: computed again
    assert runs == [past]
    assert recomputed == {a: (b.score, b.band) for a, b in health_for_accounts(book.conn, past).items()}


async def test_the_check_in_is_prepared_after_the_dashboard_and_c_finds_it_ready(demo_path, monkeypatch):
    from tests.conftest import DEMO_DATE

    runs = []
    compute = checkin_day.day_findings

    def counted(*args, **kwargs):
        runs.append(1)
        return compute(*args, **kwargs)

    monkeypatch.setattr(checkin_day, "day_findings", counted)
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)  # the dashboard, then the check-in prepared (settle waits for every worker)
        assert runs == [1]
        assert app.book.execute("SELECT checkin_day FROM checkin_days").fetchall() == [(DEMO_DATE.isoformat(),)]
        await press(pilot, "c")
        assert runs == [1] and app.screen.queue.items
        assert_same(app.screen.queue, checkin_queue(app.book.conn, DEMO_DATE, partial(current_scores, app.book.conn)))
