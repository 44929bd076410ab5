"""Invariants of the engine, checked by hypothesis on generated data."""

import sqlite3
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.metrics.base import Period, trailing
from cstui.metrics.health import COMPONENTS, Component, HealthConfig, combine
from cstui.metrics.logos import logo_counts
from cstui.metrics.report import portfolio_report
from cstui.metrics.revenue import revenue_retention
from cstui.metrics.surveys import survey_stats
from tests.bookmaker import BookMaker, memory_book
from tests.conftest import DEMO_DATE

D = date(2026, 6, 30)
days = st.integers(min_value=0, max_value=400).map(lambda n: D - timedelta(days=n))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["nps", "csat", "ces"]), st.integers(0, 10), days), max_size=40))
def test_survey_metrics_stay_within_their_ranges(responses):
    make = BookMaker(memory_book())
    a = make.account("A", "2024-01-01")
    for kind, score, day in responses:
        low, high = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[kind]
        make.conn.execute(
            "INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [a, kind, min(max(score, low), high), day.isoformat()],
        )
    stats = survey_stats(make.conn, trailing(D, 90))
    assert stats.nps is None or -100 <= stats.nps <= 100
    assert stats.csat is None or 0 <= stats.csat <= 100
    assert stats.ces is None or 1 <= stats.ces <= 7
    assert stats.promoters + stats.passives + stats.detractors == stats.nps_responses


accounts = st.lists(
    st.tuples(days, st.none() | days, st.lists(st.tuples(days, st.integers(0, 5000)), max_size=4)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(accounts)
def test_retention_and_grr_stay_within_their_ranges(book_spec):
    make = BookMaker(memory_book())
    for i, (start, churn, mrrs) in enumerate(book_spec):
        churn = churn if churn and churn >= start else None
        a = make.account(f"A{i}", start.isoformat(), churn=churn and churn.isoformat())
        for day, mrr in {d: m for d, m in mrrs}.items():
            make.mrr(a, day.isoformat(), mrr)
    window = trailing(D, 365)
    logos = logo_counts(make.conn, window)
    assert logos.churn_rate is None or 0 <= logos.churn_rate <= 100
    # The seed formula 100 * (E - N) / S equals 100 - churn rate minus the new accounts that churned
    # inside the period (per S), so it never exceeds 100 - churn and can dip below 0.
    if logos.retention_rate is not None:
        assert logos.retention_rate <= 100 - logos.churn_rate + 1e-9
    revenue = revenue_retention(make.conn, window)
    assert revenue.grr is None or 0 <= revenue.grr <= 100
    assert revenue.nrr is None or revenue.nrr >= 0
    assert revenue.grr is None or revenue.grr <= revenue.nrr + 1e-9


component_scores = st.lists(st.none() | st.floats(0, 100), min_size=len(COMPONENTS), max_size=len(COMPONENTS))
weights = st.lists(st.floats(0, 100), min_size=len(COMPONENTS), max_size=len(COMPONENTS))


def score_of(scores, config):
    """Every score given is a component scored from facts (dated D)."""
    facts = [Component(k, k, "", s, newest=None if s is None else D.isoformat()) for k, s in zip(COMPONENTS, scores)]
    return combine(1, D, facts, config)


@settings(max_examples=300)
@given(component_scores, weights)
def test_breakdown_points_add_up_to_the_score(scores, w):
    b = score_of(scores, HealthConfig(dict(zip(COMPONENTS, w))))
    if b.score is None:
        return
    assert 0 <= b.score <= 100 + 1e-9
    assert abs(sum(c.points for c in b.components) - b.score) < 1e-9
    assert abs(sum(b.rounded_points()) - round(b.score, 1)) < 1e-9


@settings(max_examples=300)
@given(component_scores, weights, st.integers(0, len(COMPONENTS) - 1), st.floats(0, 100))
def test_raising_one_component_never_lowers_the_score(scores, w, index, raise_by):
    config = HealthConfig(dict(zip(COMPONENTS, w)))
    if scores[index] is None:
        return
    higher = list(scores)
    higher[index] = min(100.0, scores[index] + raise_by)
    before, after = score_of(scores, config), score_of(higher, config)
    if before.score is not None:
        assert after.score >= before.score - 1e-9


def truncate_to(path, day: date) -> sqlite3.Connection:
    """A copy of a book as it stood at the end of `day`: every later fact removed."""
    conn = sqlite3.connect(":memory:")
    sqlite3.connect(path).backup(conn)
    d = day.isoformat()
    with conn:
        conn.execute("DELETE FROM accounts WHERE start_date > ?", [d])
        conn.execute("UPDATE accounts SET churn_date = NULL WHERE churn_date > ?", [d])
        for table, column in (
            ("surveys", "responded_on"),
            ("usage_daily", "day"),
            ("feature_usage", "day"),
            ("tickets", "opened_on"),
            ("interactions", "occurred_on"),
            ("invoices", "issued_date"),
            ("mrr_history", "effective_date"),
        ):
            conn.execute(f"DELETE FROM {table} WHERE {column} > ?", [d])
        conn.execute("UPDATE invoices SET paid_date = NULL WHERE paid_date > ?", [d])
        conn.execute("UPDATE tickets SET closed_on = NULL WHERE closed_on > ?", [d])
    return conn


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=30, max_value=700))
def test_a_date_s_results_do_not_change_when_later_facts_are_added(demo_master, days_back):
    as_of = DEMO_DATE - timedelta(days=days_back)
    full = sqlite3.connect(demo_master)
    assert portfolio_report(truncate_to(demo_master, as_of), as_of) == portfolio_report(full, as_of)


def test_a_period_report_ignores_facts_after_its_end(demo_master):
    period = Period(date(2026, 1, 1), date(2026, 4, 1))
    full = sqlite3.connect(demo_master)
    assert portfolio_report(truncate_to(demo_master, date(2026, 3, 31)), period=period) == portfolio_report(
        full, period=period
    )
