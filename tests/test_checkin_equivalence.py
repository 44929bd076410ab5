"""The set-based check-in (issue 15) against the per-account one it replaced, on random small books.

The reference is a frozen copy of the code before the change (tests/checkin_reference/): it computed
the health itself and built an item for every open account. The new queue takes the health as scores
and bands from the caller and builds items only for what it shows; its order and content must be
the same, reason by reason (text, object, severity, new or not), on every book.
"""

import json
import sqlite3
from datetime import date, timedelta
from functools import cache, partial

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from cstui.derived.health_cache import current_scores
from cstui.metrics.checkin import account_reasons, checkin_queue
from tests.bookmaker import BookMaker, memory_book
from tests.checkin_helpers import shown
from tests.checkin_reference import old_checkin
from tests.conftest import DEMO_DATE

D = date(2026, 6, 15)


def day(offset: int) -> str:
    return (D + timedelta(days=offset)).isoformat()


offsets = st.integers(-130, 5)
account_spec = st.fixed_dictionaries(
    {
        # some accounts start within the last 14 days: health_drop scores them on their own then
        "start": st.sampled_from([-900, -400, -60, -20, -10, -3, 2]),
        "churn": st.none() | st.sampled_from([-30, -5, 0, 10]),
        "renewal": st.none() | st.integers(-5, 120),
        "seats": st.none() | st.integers(0, 12),
        "mrr": st.none() | st.integers(0, 3000),
        "usage": st.lists(
            st.tuples(st.integers(-75, 0), st.integers(0, 14), st.floats(0, 400).map(lambda m: round(m, 2))),
            max_size=25,
        ),
        "features": st.lists(st.tuples(st.integers(0, 2), st.integers(-200, 3), st.integers(0, 2)), max_size=4),
        "surveys": st.lists(
            st.tuples(st.sampled_from(["nps", "csat"]), st.integers(0, 10), st.integers(-60, 0)), max_size=3
        ),
        "invoices": st.lists(
            st.tuples(st.integers(-200, 0), st.integers(0, 60), st.none() | st.integers(0, 90), st.integers(1, 900)),
            max_size=3,
        ),
        "tickets": st.lists(
            st.tuples(st.sampled_from(["low", "high", "urgent"]), st.integers(-60, 0), st.none() | st.integers(0, 40)),
            max_size=3,
        ),
        "notes": st.lists(
            st.tuples(
                st.sampled_from(["call", "meeting", "email"]),
                st.integers(-140, 2),
                st.sampled_from(["kickoff", "Renewal talk", "check-in"]),
                st.none() | st.integers(-2, 2),
                st.none() | st.sampled_from([-1.5, -0.5, 0.5]),
            ),
            max_size=4,
        ),
        "tasks": st.lists(st.tuples(st.integers(-10, 10), st.booleans()), max_size=2),
        # an earlier review or snooze: how many days ago, what, how much of today's reasons it saw
        "state": st.none() | st.tuples(st.integers(0, 9), st.sampled_from(["reviewed", "snoozed"]), st.integers(0, 3)),
    }
)


@cache
def _migrated() -> Database:
    return memory_book()


def build(specs: list[dict]) -> Database:
    conn = sqlite3.connect(":memory:")
    _migrated().conn.backup(conn)  # a migrated book in a few milliseconds, not half a second
    book = Database(conn)
    book.execute("PRAGMA foreign_keys = ON")
    make = BookMaker(book)
    features = [make.feature("sso"), make.feature("api"), make.feature("reports", is_key=False)]
    for i, spec in enumerate(specs):
        churn = spec["churn"] if spec["churn"] is not None and spec["churn"] >= spec["start"] else None
        renewal = None if spec["renewal"] is None else day(spec["renewal"])
        a = make.account(
            f"K{i % 3}{i}", day(spec["start"]), churn=None if churn is None else day(churn), renewal=renewal
        )
        book.execute("UPDATE accounts SET seats = ? WHERE id = ?", [spec["seats"], a])
        if spec["mrr"] is not None:
            make.mrr(a, day(spec["start"]), spec["mrr"])
        for offset, users, minutes in {u[0]: u for u in spec["usage"]}.values():
            make.usage(a, day(offset), users, minutes)
        for f, offset, events in {(f[0], f[1]): f for f in spec["features"]}.values():
            make.feature_use(a, day(offset), features[f], events)
        for kind, score, offset in spec["surveys"]:
            make.survey(a, kind, score if kind == "nps" else 1 + score % 5, day(offset))
        for n, (issued, terms, paid, amount) in enumerate(spec["invoices"]):
            make.invoice(
                a,
                f"INV-{a}-{n}",
                day(issued),
                day(issued + terms),
                amount,
                None if paid is None else day(issued + paid),
            )
        for severity, opened, closed in spec["tickets"]:
            make.ticket(a, day(opened), severity=severity, closed=None if closed is None else day(opened + closed))
        for kind, offset, summary, sentiment, text_sentiment in spec["notes"]:
            i_id = make.note(a, day(offset), sentiment, text_sentiment, summary)
            book.execute("UPDATE interactions SET kind = ? WHERE id = ?", [kind, i_id])
        for due, done in spec["tasks"]:
            book.execute(
                "INSERT INTO tasks (account_id, title, due_on, created_on, done_on) VALUES (?, 'call back', ?, ?, ?)",
                [a, day(due), day(-20), day(-1) if done else None],
            )
    book.conn.commit()
    return book


def add_states(book, specs: list[dict]) -> None:
    """Earlier reviews and snoozes, each having seen part of the account's reasons (some with a lower
    severity), so that some accounts stay away and some come back with new or worse reasons."""
    seen = old_checkin.account_reasons(book.conn, D)
    for account, spec in enumerate(specs, 1):
        if spec["state"] is None:
            continue
        ago, action, part = spec["state"]
        reasons = seen.get(account, [])[: part + 1]
        fingerprint = json.dumps({r.key: r.severity - (part == 2) for r in reasons}, sort_keys=True)
        book.execute(
            "INSERT INTO checkin_state (account_id, day, action, snoozed_until, fingerprint) VALUES (?, ?, ?, ?, ?)",
            [account, day(-ago), action, day(-ago + 3) if action == "snoozed" else None, fingerprint],
        )
    book.conn.commit()


COVERAGE_KEYS = ("oldest_wait_days", "waited_days", "covered")  # issue 25: the reference has no coverage


def without_coverage(data: dict) -> dict:
    """The queue's JSON without what coverage added (the reference ranks by stake alone)."""
    data = {k: v for k, v in data.items() if k not in COVERAGE_KEYS}
    data["queue"] = [{k: v for k, v in row.items() if k not in COVERAGE_KEYS} for row in data["queue"]]
    return data


def assert_same(book, on: date) -> None:
    """With no room kept for coverage (issue 25), the queue is the reference's, stake first."""
    book.execute("UPDATE health_config SET value = 0 WHERE name = 'checkin.cover_room'")
    book.conn.commit()
    old = old_checkin.checkin_queue(book.conn, on)
    new = checkin_queue(book.conn, on, partial(current_scores, book.conn))
    assert [shown(i) for i in new.items] == [shown(i) for i in old.items]  # type: ignore[arg-type]
    assert [shown(i) for i in new.done] == [shown(i) for i in old.done]  # type: ignore[arg-type]
    assert new.waiting_count == len(old.waiting)
    assert [shown(i) for i in new.waiting] == [shown(i) for i in old.waiting]  # type: ignore[arg-type]
    assert without_coverage(new.to_json(include_waiting=True)) == old.to_json(include_waiting=True)
    assert new.unknown_rules == old.unknown_rules


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(account_spec, min_size=1, max_size=8), st.integers(1, 4))
def test_the_set_based_queue_equals_the_per_account_one(specs, capacity):
    book = build(specs)
    book.execute("UPDATE health_config SET value = ? WHERE name = 'checkin.capacity'", [capacity])
    add_states(book, specs)
    old = {
        a: [(r.rule, r.text, r.object, r.severity) for r in rs]
        for a, rs in old_checkin.account_reasons(book.conn, D).items()
    }
    new = account_reasons(book.conn, D, partial(current_scores, book.conn))
    assert {a: [(r.rule, r.text, r.object, r.severity) for r in rs] for a, rs in new.items()} == old
    assert_same(book, D)


def test_the_demo_book_queue_is_the_same_today_and_after_a_morning(demo):
    assert_same(demo, DEMO_DATE)
    queue = old_checkin.checkin_queue(demo.conn, DEMO_DATE)
    for item in queue.items[:3]:  # reviewed today: in `done`, and away tomorrow unless a reason changes
        demo.execute(
            "INSERT INTO checkin_state (account_id, day, action, fingerprint) VALUES (?, ?, 'reviewed', ?)",
            [item.account_id, DEMO_DATE.isoformat(), item.fingerprint],
        )
    demo.conn.commit()
    assert_same(demo, DEMO_DATE)
    assert_same(demo, DEMO_DATE + timedelta(days=1))
