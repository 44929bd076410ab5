"""Usage, adoption, engagement and the health score, against hand-computed values."""

from datetime import date, timedelta

import pytest

from cstui.metrics.bands import Band
from cstui.metrics.health import (
    Component,
    HealthConfig,
    account_health,
    combine,
    previous_snapshot,
    take_snapshot,
    what_changed,
)
from cstui.metrics.usage import usage_by_account, usage_window
from tests.bookmaker import BookMaker

D = date(2026, 6, 30)  # usage window [2026-06-01, 2026-07-01), the 30 days before [2026-05-02, 2026-06-01)


@pytest.fixture
def make(book) -> BookMaker:
    return BookMaker(book)


@pytest.fixture
def account(make) -> int:
    """An account with a month of usage, some key features, surveys, tickets and calls."""
    a = make.account("A", "2025-01-01")
    for day in range(1, 16):  # 15 active days, 2 users, 60 minutes each day
        make.usage(a, f"2026-06-{day:02d}", 2, 60)
    for day in range(2, 12):  # 10 days in the window before: 600 minutes
        make.usage(a, f"2026-05-{day:02d}", 1, 60)
    keys = [make.feature(f"key{i}") for i in range(4)]
    extra = make.feature("extra", is_key=False)
    make.feature_use(a, "2026-06-03", keys[0])
    make.feature_use(a, "2026-06-04", keys[1], events=5)
    make.feature_use(a, "2026-06-04", extra)
    make.feature_use(a, "2026-04-01", keys[2])  # outside the window
    make.survey(a, "nps", 8, "2026-06-01")
    make.survey(a, "csat", 5, "2026-05-01")
    make.survey(a, "ces", 1, "2026-01-02")  # 180 days before D is 2026-01-02: just inside
    make.survey(a, "nps", 0, "2026-01-01")  # just outside
    make.ticket(a, "2026-06-20", severity="high")  # open
    make.ticket(a, "2026-06-01", closed="2026-06-05")  # closed: no load
    make.note(a, "2026-06-10", sentiment=2)
    make.note(a, "2026-05-01", sentiment=None, text_sentiment=-1.0)
    return a


def test_usage_stickiness_growth_adoption_and_pes(make, account):
    u = usage_by_account(make.conn, usage_window(D))[account]
    assert (u.active_days, u.minutes, u.previous_minutes) == (15, 900, 600)
    assert u.stickiness == 50.0  # 15 of 30 days
    assert u.growth == 75.0  # minutes +50 %: 50 + 50 / 2
    assert u.adoption == 50.0  # 2 of 4 key features; the non-key one does not count
    assert u.engagement == pytest.approx((50 + 50 + 75) / 3)
    assert u.minutes_per_active_user == 30.0  # 900 minutes / 30 user-days


def test_health_breakdown_hand_computed(make, account):
    b = account_health(make.conn, account, D)
    scores = {c.key: c.score for c in b.components}
    assert scores["usage"] == 62.5  # mean(stickiness 50, growth 75)
    assert scores["adoption"] == 50.0
    assert scores["surveys"] == pytest.approx((80 + 100 + 100) / 3)  # NPS 8, CSAT 5, CES 1
    assert scores["support"] == 75.0  # one open high ticket: 100 - 25
    assert scores["payment"] is None  # no invoices: no data
    recency = 100 * (90 - 20) / 76  # last contact 20 days ago
    mood = ((2 + -1) / 2 + 2) * 25  # rating 2, and a note scored -1 by the lexicon
    assert scores["relationship"] == pytest.approx((recency + mood) / 2)
    # payment's weight (10) is shared out over the other 90
    expected = (25 * 62.5 + 15 * 50 + 20 * 280 / 3 + 15 * 75 + 15 * (recency + mood) / 2) / 90
    assert b.score == pytest.approx(expected)
    assert b.component("usage").share == pytest.approx(25 / 90 * 100)
    assert b.component("payment").points == 0.0
    assert sum(c.points for c in b.components) == pytest.approx(b.score)
    assert round(sum(b.rounded_points()), 1) == round(b.score, 1)
    assert b.score == pytest.approx(71.819, abs=1e-3)  # the expected score above, worked out: green (>= 70)
    assert b.band == Band.GREEN


def test_payment_overdue_and_days_late(make):
    a = make.account("A", "2025-01-01")
    make.invoice(a, "1", "2026-05-01", "2026-05-31", 100, paid="2026-06-10")  # 10 days late
    make.invoice(a, "2", "2026-04-01", "2026-04-30", 100, paid="2026-04-20")  # early: 0 late
    make.invoice(a, "3", "2026-06-01", "2026-06-29", 100)  # due yesterday, unpaid: overdue
    make.invoice(a, "4", "2026-06-01", "2026-06-30", 100)  # due today: not yet overdue
    c = account_health(make.conn, a, D).component("payment")
    assert c.score == 100 - 25 * 1 - 5  # one overdue, 5 days late on average
    assert c.raw == "1 overdue, paid 5d late on average"
    # As of the day before the late payment, invoice 1 was itself overdue.
    assert account_health(make.conn, a, date(2026, 6, 9)).component("payment").raw.startswith("1 overdue")


@pytest.mark.parametrize(("days", "recency"), [(0, 100.0), (14, 100.0), (52, 50.0), (90, 0.0), (400, 0.0)])
def test_recency_edges_in_the_relationship_score(make, days, recency):
    """A contact `days` ago with no mood: the relationship score is its recency alone."""
    a = make.account("A", "2024-01-01")
    make.note(a, (D - timedelta(days=days)).isoformat())
    c = account_health(make.conn, a, D).component("relationship")
    assert (c.score, c.raw) == (recency, f"last contact {days}d ago")


def test_an_account_with_no_data_at_all_has_no_score(make):
    make.weights(support=0)
    a = make.account("A", "2025-01-01")
    b = account_health(make.conn, a, D)
    assert (b.score, b.band) == (None, "no data")


def test_weights_and_bands_come_from_the_book(make, account):
    make.weights(usage=100, adoption=0, surveys=0, support=0, payment=0, relationship=0)
    b = account_health(make.conn, account, D)
    assert b.score == 62.5 and b.band == "yellow"
    with make.conn:
        make.conn.execute("UPDATE health_config SET value = 60 WHERE name = 'band.green'")
    assert account_health(make.conn, account, D).band == "green"


def test_what_changed_names_the_biggest_driver_first():
    config = HealthConfig({"usage": 50, "surveys": 50})

    def parts(usage: float, surveys: float) -> list[Component]:
        return [
            Component("usage", "Usage", "", usage, newest="2026-06-01"),
            Component("surveys", "Surveys", "", surveys, newest="2026-06-01"),
        ]

    before = combine(1, D, parts(80.0, 60.0), config)
    after = combine(1, D, parts(40.0, 70.0), config)
    change = what_changed(before, after)
    assert change.delta == pytest.approx(-15.0)
    assert [(c.key, round(c.delta, 1)) for c in change.changes] == [("usage", -20.0), ("surveys", 5.0)]
    assert change.driver.key == "usage"


def test_snapshots_store_the_breakdown_and_feed_what_changed(make, account):
    assert take_snapshot(make.db, date(2026, 6, 1)) == 1
    assert take_snapshot(make.db, date(2026, 6, 1)) == 1  # same day again replaces, no duplicate
    stored = previous_snapshot(make.conn, account, D)
    assert stored.as_of == "2026-06-01"
    live = account_health(make.conn, account, date(2026, 6, 1))
    assert stored.score == pytest.approx(live.score)
    assert [c.points for c in stored.components] == pytest.approx([c.points for c in live.components])
    assert make.conn.execute("SELECT count(*) FROM health_snapshots").fetchone()[0] == 1
    assert previous_snapshot(make.conn, account, date(2026, 6, 1)) is None


def test_sentiment_by_month_uses_the_csm_rating_before_the_lexicon(make):
    from cstui.metrics.report import sentiment_trend

    a = make.account("A", "2025-01-01")
    make.note(a, "2026-05-03", sentiment=2, text_sentiment=-2.0)  # the CSM's own read wins
    make.note(a, "2026-05-20", sentiment=None, text_sentiment=-1.0)
    make.note(a, "2026-06-10", sentiment=-2)
    make.survey(a, "nps", 9, "2026-06-11", comment="great")
    make.conn.execute("UPDATE surveys SET text_sentiment = 1.0")
    make.conn.commit()
    trend = sentiment_trend(make.conn, D, months=3)
    assert [(m.month, m.mean, m.count) for m in trend] == [("2026-05", 0.5, 2), ("2026-06", -0.5, 2)]
