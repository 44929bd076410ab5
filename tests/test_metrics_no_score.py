"""An account has no health score yet until two components are scored from its own facts (issue 23):
support's default 100 (no open ticket) made an account added a moment ago score 100, green. The
rule's edges against hand-computed values, in the engine, in the month-ends' SQL, in the report and
the check-in, in `health explain` and in the account screen."""

from datetime import date, timedelta
from functools import partial

import pytest

from cstui.derived.health_cache import current_scores
from cstui.metrics.backtest import evaluate, observe
from cstui.metrics.bands import Band
from cstui.metrics.checkin import BAND_STAKE, checkin_queue
from cstui.metrics.health import (
    COMPONENTS,
    Component,
    HealthConfig,
    account_health,
    band_counts,
    baseline,
    combine,
    enough_facts,
    health_for_accounts,
    take_snapshot,
    what_changed,
)
from cstui.metrics.month_ends import band_counts_at
from cstui.metrics.report import account_report, portfolio_report
from tests.bookmaker import BookMaker
from tests.month_end_helpers import health_scores

D = date(2026, 6, 30)


@pytest.fixture
def make(book) -> BookMaker:
    return BookMaker(book)


def facts(b) -> list[str]:
    return [c.key for c in b.components if c.has_facts]


def test_an_account_with_nothing_but_its_start_date_has_no_score_yet(make):
    a = make.account("NEW", "2026-06-30")
    b = account_health(make.conn, a, D)
    assert (b.score, b.band, b.band.label) == (None, Band.NO_DATA, "no score yet")
    support = b.component("support")
    assert (support.score, support.raw, support.has_facts) == (100.0, "0 open tickets", False)  # a default
    assert [(c.share, c.points) for c in b.components] == [(0.0, 0.0)] * len(COMPONENTS)
    assert b.rounded_points() == [0.0] * len(COMPONENTS)


def test_one_component_with_facts_is_not_enough(make):
    """One invoice, not due yet: payment 100, and support's default 100. It used to be 100, green."""
    a = make.account("A", "2026-06-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    b = account_health(make.conn, a, D)
    assert facts(b) == ["payment"] and b.component("payment").score == 100.0
    assert (b.score, b.band) == (None, Band.NO_DATA)


def test_an_open_ticket_is_a_fact_and_makes_the_second_component(make):
    """Support 90 (one open normal ticket) and payment 100: (15 x 90 + 10 x 100) / 25 = 94.0."""
    a = make.account("A", "2026-06-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    make.ticket(a, "2026-06-20")
    b = account_health(make.conn, a, D)
    assert facts(b) == ["support", "payment"]
    assert b.score == pytest.approx(94.0) and b.band == Band.GREEN
    alone = make.account("T", "2026-06-01")  # the open ticket alone: one component
    make.ticket(alone, "2026-06-20")
    assert account_health(make.conn, alone, D).score is None


def test_with_two_components_the_default_support_keeps_its_weight(make):
    """Payment 100 and a call on 2026-06-10 rated +1: relationship mean(100 x 70 / 76, 75) = 83.55;
    support's default 100 counts in the score: (15 x 100 + 10 x 100 + 15 x 83.55) / 40 = 93.83."""
    a = make.account("A", "2026-06-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    make.note(a, "2026-06-10", sentiment=1)
    b = account_health(make.conn, a, D)
    relationship = (100 * 70 / 76 + 75) / 2
    assert facts(b) == ["payment", "relationship"]
    assert b.component("relationship").score == pytest.approx(relationship)
    assert b.score == pytest.approx((15 * 100 + 10 * 100 + 15 * relationship) / 40)
    assert round(b.score, 1) == 93.8 and sum(b.rounded_points()) == pytest.approx(93.8)


def test_a_component_weighted_0_still_counts_as_known(make):
    """Weights say what counts in the score, not what is known: payment at weight 0 and a call make two."""
    make.weights(payment=0)
    a = make.account("A", "2026-06-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    make.note(a, "2026-06-10", sentiment=1)
    b = account_health(make.conn, a, D)
    assert b.score == pytest.approx((15 * 100 + 15 * (100 * 70 / 76 + 75) / 2) / 30)


def test_usage_and_adoption_from_the_product_alone_make_two(make):
    """15 active days of 30 and no minutes before: usage mean(50, 100) = 75; 1 of 2 key features: 50."""
    a = make.account("A", "2026-05-01")
    key, _ = make.feature("k1"), make.feature("k2")
    for day in range(1, 16):
        make.usage(a, f"2026-06-{day:02d}", 1, 10.0)
    make.feature_use(a, "2026-06-03", key)
    b = account_health(make.conn, a, D)
    assert facts(b) == ["usage", "adoption"]
    assert b.score == pytest.approx((25 * 75 + 15 * 50 + 15 * 100) / 55)
    only_usage = make.account("U", "2026-05-01")
    make.usage(only_usage, "2026-06-01", 1, 10.0)
    assert account_health(make.conn, only_usage, D).score is None  # no key-feature use: one component


def test_hand_built_components_follow_the_same_rule():
    config = HealthConfig({"usage": 50, "surveys": 50})
    dated = Component("usage", "Usage", "", 80.0, newest="2026-06-01")
    default = Component("surveys", "Surveys", "", 60.0)  # a score without a fact behind it
    assert not enough_facts([dated, default]) and combine(1, D, [dated, default], config).score is None
    assert combine(1, D, [dated, default], config, facts=True).score == pytest.approx(70.0)  # counted by caller


def edge_book(make: BookMaker) -> dict[str, int]:
    accounts = {"nothing": make.account("N", "2026-06-30"), "invoice": make.account("I", "2026-06-01")}
    make.invoice(accounts["invoice"], "I1", "2026-06-01", "2026-07-01", 100.0)
    accounts["ticket"] = make.account("T", "2026-06-01")
    make.invoice(accounts["ticket"], "I2", "2026-06-01", "2026-07-01", 100.0)
    make.ticket(accounts["ticket"], "2026-06-20")
    return accounts


def test_the_month_ends_sql_and_the_band_counts_agree(make):
    accounts = edge_book(make)
    engine = health_for_accounts(make.conn, D)
    assert health_scores(make.conn, D) == {a: b.score for a, b in engine.items()}
    assert {name: engine[a].score for name, a in accounts.items()} == {
        "nothing": None,
        "invoice": None,
        "ticket": pytest.approx(94.0),
    }
    assert band_counts_at(make.conn, D) == band_counts(engine) == {Band.GREEN: 1, Band.YELLOW: 0, Band.RED: 0}


def test_the_report_counts_them_apart_and_says_so_for_one_account(make):
    accounts = edge_book(make)
    report = portfolio_report(make.conn, D)
    assert (report.accounts_active, report.health.green, report.health_no_score) == (3, 1, 2)
    assert report.to_dict()["health"] == {"green": 1, "yellow": 0, "red": 0}
    assert report.to_dict()["health_no_score"] == 2
    one = account_report(make.conn, accounts["invoice"], D).to_dict()
    assert (one["health_score"], one["health_band"]) == (None, "no score yet")
    assert Band(one["health_band"]) is Band.NO_DATA  # read back as the band it stands for


def test_the_snapshot_stores_it_without_a_band(make):
    accounts = edge_book(make)
    take_snapshot(make.db, D)
    rows = make.conn.execute("SELECT account_id, score, band FROM health_snapshots ORDER BY account_id").fetchall()
    assert rows == [(accounts["nothing"], None, "no data"), (accounts["invoice"], None, "no data"), rows[2]]
    assert rows[2][2] == "green"


def test_the_checkin_ranks_it_as_an_account_without_a_score_never_as_green(make):
    """Never contacted, so queued: with no score yet, not green, and staked above a green account."""
    new = make.account("NEW", "2026-06-29")
    queue = checkin_queue(make.conn, D, partial(current_scores, make.conn))
    item = next(i for i in queue.items + queue.waiting if i.account_id == new)
    assert (item.band, item.score) == (Band.NO_DATA, None)
    assert BAND_STAKE[item.band] > BAND_STAKE[Band.GREEN]


def test_the_backtest_leaves_it_out_whatever_the_weights(make):
    a = make.account("A", "2025-01-01")
    make.invoice(a, "I1", "2025-01-10", "2025-02-10", 100.0, paid="2025-02-01")
    observations = observe(make.conn, D)
    assert observations and not any(o.facts for o in observations)
    result = evaluate(observations, HealthConfig({key: 10.0 for key in COMPONENTS}))
    assert sum(result.observations_by_band.get(band, 0) for band in (Band.GREEN, Band.YELLOW, Band.RED)) == 0


def test_what_changed_is_never_asked_of_a_day_before_the_account_started(make):
    new = make.account("NEW", "2026-06-20")
    older = make.account("OLD", "2026-01-01")
    assert baseline(make.conn, new, D, fallback_days=30) is None  # 2026-05-31 is before its start
    assert baseline(make.conn, older, D, fallback_days=30).as_of == "2026-05-31"
    take_snapshot(make.db, date(2026, 6, 25))
    assert baseline(make.conn, new, D).as_of == "2026-06-25"  # a snapshot since its start is fine
    with make.conn:  # its start moved after that snapshot: the snapshot predates the account
        make.conn.execute("UPDATE accounts SET start_date = '2026-06-28' WHERE id = ?", [new])
    assert baseline(make.conn, new, D) is None


def test_a_change_with_no_score_on_one_side_is_said_in_words(make):
    a = make.account("A", "2026-06-01")
    make.invoice(a, "I1", "2026-06-01", "2026-07-01", 100.0)
    before = account_health(make.conn, a, D)
    make.ticket(a, "2026-06-20")
    after = account_health(make.conn, a, D)
    assert what_changed(before, after).summary() == "no score yet then, 94.0 now"
    assert what_changed(after, before).summary() == "94.0 then, no score yet now"
    assert what_changed(before, before).summary() == "no score yet, then or now"


def test_the_cli_explains_a_new_account_as_new(cli, book_path):
    assert cli("init", "--db", str(book_path)).code == 0
    added = cli(
        "account", "add", "ACC-2001", "--name", "Brand New", "--start-date", "2026-12-07", "--db", str(book_path)
    )
    assert added.code == 0, added.err
    out = cli("health", "explain", "ACC-2001", "--as-of", "2026-12-07", "--db", str(book_path)).out
    assert out.splitlines()[0] == "ACC-2001: health - (no score yet) as of 2026-12-07"
    assert "new account (started 2026-12-07): no earlier health to compare with" in out
    assert "since 2026-11-07" not in out
    later = cli("health", "explain", "ACC-2001", "--as-of", str(date(2027, 1, 20)), "--db", str(book_path)).out
    assert "since 2026-12-21: no score yet, then or now" in later  # 30 days back, after its start
    report = cli("report", "--account", "ACC-2001", "--as-of", "2026-12-07", "--json", "--db", str(book_path))
    assert '"health_score": null' in report.out and '"health_band": "no score yet"' in report.out
    portfolio = cli("report", "--as-of", "2026-12-07", "--db", str(book_path)).out
    assert "Health green / yellow / red" in portfolio and "0 / 0 / 0" in portfolio
    assert "Health: no score yet" in portfolio


def test_days_before_the_start_are_never_scored_against(make):
    """`baseline` with a snapshot from the day before the start date is never used."""
    a = make.account("A", "2026-06-29")
    with make.conn:
        make.conn.execute(
            "INSERT INTO health_snapshots (account_id, as_of, score, band, components) VALUES (?, ?, 100, 'green', '[]')",
            [a, (D - timedelta(days=2)).isoformat()],
        )
    assert baseline(make.conn, a, D) is None
