"""The trends' month-end figures scored inside SQLite (`metrics/month_ends.py`) equal the engine's:
every account's score to the last bit, so every band count, on random books and on the demo book."""

from datetime import date, timedelta
from string import Formatter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.derived.health_cache import current_band_counts
from cstui.metrics.bands import Band
from cstui.metrics.base import Period
from cstui.metrics.health import REGISTRY, account_health, band_counts, component, health_for_accounts
from cstui.metrics.health_registry import Facts
from cstui.metrics.month_ends import band_counts_at, month_end_params, month_end_sql
from cstui.metrics.months import month_starts, next_month
from cstui.metrics.usage import daily_active_users_by_month
from tests.bookmaker import BookMaker, memory_book
from tests.conftest import DEMO_DATE
from tests.month_end_helpers import grouped_active_users_by_month, health_scores

D = date(2026, 6, 30)
offsets = st.integers(min_value=-40, max_value=260)  # days before D (negative: after it)


def day(offset: int) -> str:
    return (D - timedelta(days=offset)).isoformat()


accounts = st.lists(
    st.fixed_dictionaries(
        {
            "start": st.integers(0, 400),
            "churn": st.none() | st.integers(-40, 300),
            "usage": st.lists(
                st.tuples(offsets, st.integers(0, 4), st.sampled_from([0.0, 10.0, 12.5, 0.1, 33.3, 90.0])),
                max_size=12,
            ),
            "feature_uses": st.lists(st.tuples(offsets, st.integers(0, 2), st.integers(0, 2)), max_size=5),
            "surveys": st.lists(
                st.tuples(st.sampled_from(["nps", "csat", "ces"]), st.integers(0, 10), offsets), max_size=8
            ),
            "tickets": st.lists(
                st.tuples(
                    offsets, st.sampled_from(["low", "normal", "high", "urgent"]), st.none() | st.integers(0, 60)
                ),
                max_size=5,
            ),
            "invoices": st.lists(
                st.tuples(offsets, st.integers(0, 40), st.none() | st.integers(0, 120)),
                max_size=5,
            ),
            "notes": st.lists(
                st.tuples(offsets, st.none() | st.integers(-2, 2), st.none() | st.floats(-2, 2)),
                max_size=6,
            ),
        }
    ),
    min_size=1,
    max_size=6,
)
weights = st.none() | st.fixed_dictionaries({k: st.sampled_from([0.0, 5.0, 10.0, 33.3]) for k in REGISTRY})


def build(make: BookMaker, spec: list[dict], key_features: list[bool]) -> None:
    features = [make.feature(f"f{i}", is_key) for i, is_key in enumerate(key_features)]
    for n, a in enumerate(spec):
        churn = a["churn"] if a["churn"] is not None and a["churn"] <= a["start"] else None
        account = make.account(f"A{n}", day(a["start"]), churn=None if churn is None else day(churn))
        for offset, users, minutes in {o: (o, u, m) for o, u, m in a["usage"]}.values():
            make.usage(account, day(offset), users, minutes)
        for offset, feature, events in a["feature_uses"]:
            if features:
                make.conn.execute(
                    "INSERT OR IGNORE INTO feature_usage (account_id, day, feature_id, events) VALUES (?, ?, ?, ?)",
                    [account, day(offset), features[feature % len(features)], events],
                )
        for kind, score, offset in a["surveys"]:
            low, high = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[kind]
            make.survey(account, kind, min(max(score, low), high), day(offset))
        for offset, severity, open_days in a["tickets"]:
            closed = None if open_days is None else day(offset - open_days)
            make.ticket(account, day(offset), severity=severity, closed=closed)
        for i, (offset, terms, paid_after) in enumerate(a["invoices"]):
            paid = None if paid_after is None else day(offset - paid_after)
            make.invoice(account, f"I{n}-{i}", day(offset), day(offset - terms), 100.0, paid)
        for offset, sentiment, text in a["notes"]:
            make.note(account, day(offset), sentiment=sentiment, text_sentiment=text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(accounts, st.lists(st.booleans(), max_size=3), weights, st.integers(-30, 240))
def test_month_end_scores_equal_the_engines_on_random_books(spec, key_features, weight, at):
    make = BookMaker(memory_book())
    build(make, spec, key_features)
    if weight is not None:
        make.weights(**weight)
    as_of = D - timedelta(days=at)
    engine = health_for_accounts(make.conn, as_of)
    assert health_scores(make.conn, as_of) == {a: b.score for a, b in engine.items()}
    assert band_counts_at(make.conn, as_of) == band_counts(engine)


def test_a_score_on_a_band_threshold_takes_the_band_the_engine_gives(book):
    """Support (100 less 10 per open ticket) and one NPS response (score x 10), weighted half and half:
    70.0 and 40.0 exactly. (Support alone is one component: no score yet.)"""
    make = BookMaker(book)
    make.weights(surveys=50, support=50)
    for n, tickets in enumerate((3, 6, 7)):
        account = make.account(f"A{n}", "2026-01-01")
        make.survey(account, "nps", 10 - tickets, "2026-06-01")
        for _ in range(tickets):
            make.ticket(account, "2026-06-01")
    engine = health_for_accounts(book.conn, D)
    assert sorted(b.score for b in engine.values()) == [30.0, 40.0, 70.0]
    assert band_counts_at(book.conn, D) == band_counts(engine)


def test_every_registered_component_is_scored_and_weighed_in_the_month_end_statement(book):
    """Derived from the registry: each component's score, weight and facts rule are in the statement,
    every fact its score declares is one it reads (none computed for nothing), and its parameters
    are its own, bound for the day."""
    sql, params = month_end_sql(), month_end_params(book.conn, D)
    for key, definition in REGISTRY.items():
        assert f"AS {key}__raw" in sql and f":w__{key}" in sql and f"({key}__raw IS NOT NULL)" in sql, key
        assert {name for _, name, _, _ in Formatter().parse(definition.score) if name} == set(definition.facts), key
        assert definition.newest in {**definition.facts, **definition.details}, key
        assert all(name.startswith(f"{key}_") for name in definition.params(book.conn, D)), key
        assert f"w__{key}" in params, key


@pytest.fixture
def tenure():
    """A seventh component, registered for one test and removed after: days on the books, 100 at a year."""

    @component(
        "tenure",
        "Tenure",
        "days on the books, 100 from a year",
        stale_after=None,
        missing_raw="not started",
        facts={"days": "(julianday(:d) - julianday(a.start_date))", "started": "a.start_date"},
        score="min(100.0, 100.0 * {days} / :tenure_full)",
        newest="started",
        newest_from="accounts.start_date",
        params=lambda conn, day: {"tenure_full": 365},
    )
    def _describe(f: Facts) -> str:
        return f"{f.number('days'):.0f} days on the books"

    yield
    del REGISTRY["tenure"]


def test_a_component_registered_in_a_test_is_in_the_breakdown_and_the_month_end_scores(book, tenure):
    """One invoice not yet due (payment 100) is one component with facts: no score without tenure.
    Weights payment 50, tenure 50 (the others 0): (100 + 100 x 180 / 365) / 2 = 74.66, green."""
    make = BookMaker(book)
    a = make.account("A", "2026-01-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    make.weights(usage=0, adoption=0, surveys=0, support=0, payment=50, relationship=0)
    with book.conn:
        book.conn.execute("INSERT INTO health_config (name, value) VALUES ('weight.tenure', 50)")
    b = account_health(book.conn, a, D)
    c = b.component("tenure")
    assert (c.label, c.raw, c.score, c.weight, c.newest) == (
        "Tenure",
        "180 days on the books",
        100 * 180 / 365,
        50,
        "2026-01-01",
    )
    assert b.score == pytest.approx((100 + 100 * 180 / 365) / 2) and b.band is Band.GREEN
    assert health_scores(book.conn, D) == {a: b.score}
    assert band_counts_at(book.conn, D) == {Band.GREEN: 1, Band.YELLOW: 0, Band.RED: 0}


def test_without_the_registered_component_the_same_account_has_no_score(book):
    make = BookMaker(book)
    a = make.account("A", "2026-01-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    assert "tenure" not in REGISTRY
    assert account_health(book.conn, a, D).score is None
    assert health_scores(book.conn, D) == {a: None}
    assert band_counts_at(book.conn, D) == {Band.GREEN: 0, Band.YELLOW: 0, Band.RED: 0}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 120), st.integers(0, 9)), max_size=40),
    st.integers(0, 100),
    st.integers(1, 90),
)
def test_active_users_by_month_equal_the_grouped_query(rows, start, length):
    make = BookMaker(memory_book())
    ids = [make.account(f"A{i}", "2025-01-01") for i in range(4)]
    for account, offset, users in {(a, o): (a, o, u) for a, o, u in rows}.values():
        make.usage(ids[account], day(offset), users, 5.0)
    period = Period(D - timedelta(days=start), D - timedelta(days=start - length))
    assert daily_active_users_by_month(make.conn, period) == grouped_active_users_by_month(make.conn, period)


def test_the_demo_books_24_month_ends_equal_the_engines(demo):
    """Golden: every month-end the trends chart over 24 months, scored both ways, and the mean users."""
    starts = month_starts(DEMO_DATE, 24)
    for start in starts[:-1]:
        month_end = next_month(start) - timedelta(days=1)
        engine = health_for_accounts(demo.conn, month_end)
        assert health_scores(demo.conn, month_end) == {a: b.score for a, b in engine.items()}, month_end
        assert current_band_counts(demo.conn, month_end) == band_counts(engine), month_end
    today = band_counts(health_for_accounts(demo.conn, DEMO_DATE))
    assert band_counts_at(demo.conn, DEMO_DATE) == current_band_counts(demo.conn, DEMO_DATE) == today
    period = Period(starts[0], DEMO_DATE + timedelta(days=1))
    assert daily_active_users_by_month(demo.conn, period) == grouped_active_users_by_month(demo.conn, period)
    assert daily_active_users_by_month(demo.conn, period)  # the demo book has usage: the check is not vacuous
