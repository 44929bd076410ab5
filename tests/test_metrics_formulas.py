"""Every contract formula against values computed by hand, with the contract's boundary cases."""

from datetime import date

import pytest

from cstui.metrics.base import Period, Scope, trailing
from cstui.metrics.logos import logo_counts
from cstui.metrics.report import portfolio_report
from cstui.metrics.revenue import cltv, lifespan, mrr_by_account, projected_cltv, renewals_due, revenue_retention
from cstui.metrics.support import support_counts
from cstui.metrics.surveys import survey_stats
from tests.bookmaker import BookMaker

D = date(2026, 6, 30)  # report date used below
JAN = Period(date(2026, 1, 1), date(2026, 2, 1))


@pytest.fixture
def make(book) -> BookMaker:
    return BookMaker(book)


def test_trailing_window_includes_the_report_date():
    assert trailing(D, 90) == Period(date(2026, 4, 2), date(2026, 7, 1))
    assert trailing(D, 90).days == 90


def test_nps_counts_promoters_passives_detractors(make):
    a = make.account("A", "2025-01-01")
    for score in (10, 9, 8, 7, 6, 0):
        make.survey(a, "nps", score, "2026-06-01")
    stats = survey_stats(make.conn, trailing(D, 90))
    assert (stats.promoters, stats.passives, stats.detractors, stats.nps_responses) == (2, 2, 2, 6)
    assert stats.nps == 0.0
    make.survey(a, "nps", 10, "2026-06-02")
    assert survey_stats(make.conn, trailing(D, 90)).nps == pytest.approx(100 * (3 - 2) / 7)


def test_survey_window_edges_first_day_in_last_day_in_day_after_out(make):
    a = make.account("A", "2025-01-01")
    make.survey(a, "nps", 10, "2026-04-02")  # first day of the trailing 90 days: in
    make.survey(a, "nps", 0, "2026-06-30")  # the report date itself: in
    make.survey(a, "nps", 0, "2026-04-01")  # one day too early: out
    make.survey(a, "nps", 0, "2026-07-01")  # the day after: out
    stats = survey_stats(make.conn, trailing(D, 90))
    assert (stats.nps_responses, stats.nps) == (2, 0.0)


def test_csat_and_ces(make):
    a = make.account("A", "2025-01-01")
    for score in (5, 4, 3, 1):
        make.survey(a, "csat", score, "2026-06-01")
    for score in (1, 3, 4, 7):
        make.survey(a, "ces", score, "2026-06-01")
    stats = survey_stats(make.conn, trailing(D, 90))
    assert stats.csat == 50.0
    assert stats.ces == 3.75
    assert stats.ces_low_effort_pct == 50.0


def test_no_data_is_undefined_never_zero(make):
    make.account("A", "2025-01-01")
    report = portfolio_report(make.conn, D)
    for key in (
        "nps",
        "csat",
        "ces",
        "ces_low_effort_pct",
        "grr",
        "nrr",
        "cltv",
        "adoption_rate",
        "engagement_score",
        "self_service_rate",
    ):
        assert report.to_dict()[key] is None, key
    assert report.churn_rate == 0.0  # S = 1, nobody churned: defined and zero


def logo_book(make: BookMaker) -> dict[str, int]:
    """Accounts placed on the edges of January 2026, as the contract's day rules see them."""
    return {
        "A": make.account("A", "2025-06-01", churn="2026-01-01"),  # in S, churns on the first day
        "B": make.account("B", "2025-01-01", churn="2026-01-31"),  # in S, churns on the last day
        "C": make.account("C", "2025-12-31"),  # started the day before s: in S
        "D": make.account("D", "2026-01-01"),  # starts on s: new, not in S
        "E": make.account("E", "2026-01-31"),  # starts on the last day: new, on the books at e
        "F": make.account("F", "2026-02-01"),  # starts on e: neither
        "G": make.account("G", "2025-03-01", churn="2026-02-01"),  # churns on e: still on the books at e
    }


def test_logo_counts_on_the_period_edges(make):
    logo_book(make)
    counts = logo_counts(make.conn, JAN)
    assert (counts.start, counts.new, counts.end, counts.churned) == (4, 2, 4, 2)
    assert counts.churn_rate == 50.0
    assert counts.retention_rate == 50.0  # 100 * (E - N) / S = 100 * (4 - 2) / 4


def test_grr_nrr_and_revenue_churn(make):
    ids = logo_book(make)
    make.mrr(ids["A"], "2025-06-01", 100)
    make.mrr(ids["B"], "2025-01-01", 100)
    make.mrr(ids["C"], "2025-12-31", 200)
    make.mrr(ids["C"], "2026-01-15", 300)  # expansion inside the period
    make.mrr(ids["G"], "2025-03-01", 100)
    make.mrr(ids["G"], "2026-01-31", 50)  # contraction on the last day: counts at e
    make.mrr(ids["G"], "2026-02-01", 10)  # effective on e: not yet
    make.mrr(ids["D"], "2026-01-01", 999)  # new account: not in the cohort S
    r = revenue_retention(make.conn, JAN)
    assert (r.mrr_start, r.mrr_end, r.mrr_kept) == (500, 350, 250)
    assert r.grr == 50.0 and r.nrr == 70.0 and r.revenue_churn == 50.0
    assert mrr_by_account(make.conn, date(2026, 1, 1))[ids["C"]] == 200
    assert mrr_by_account(make.conn, date(2026, 1, 2))[ids["A"]] == 0  # churned on 01-01: gone on 01-02


def test_cltv_contract_formula(make):
    # W = [2025-07-01, 2026-07-01) for D = 2026-06-30.
    a = make.account("A", "2025-01-01")
    b = make.account("B", "2026-03-01")  # started inside W
    c = make.account("C", "2025-01-01", churn="2026-01-10")  # on the books at d-364, churns in W
    make.account("Z", "2026-06-30")  # starts on the report date: inside W
    make.invoice(a, "1", "2025-08-01", "2025-08-31", 100, paid="2025-08-20")
    make.invoice(a, "2", "2025-09-01", "2025-09-30", 300, paid="2025-09-29")
    make.invoice(b, "3", "2026-04-01", "2026-04-30", 200, paid="2026-05-01")
    make.invoice(c, "4", "2025-06-01", "2025-06-30", 999, paid="2025-06-30")  # paid before W
    make.invoice(c, "5", "2026-06-01", "2026-06-30", 999)  # unpaid
    value = cltv(make.conn, D)
    assert value.apv == 200.0  # (100 + 300 + 200) / 3
    assert value.apf == 3 / 4  # 3 invoices / 4 customers on the books at some day of W
    # churn over W: S = {A, C} (B and Z start inside W), churned = {C}: 50% -> ACL = 2 years
    assert value.churn_rate == 50.0
    assert (value.lifespan_years, value.lifespan_capped) == (2.0, False)
    assert value.value == pytest.approx(200 * 0.75 * 2)
    assert projected_cltv(make.conn, D, a) == 400 * 2


def test_lifespan_is_capped_at_ten_years_when_nobody_churns(make):
    a = make.account("A", "2025-01-01")
    make.invoice(a, "1", "2026-01-01", "2026-01-31", 120, paid="2026-01-15")
    value = cltv(make.conn, D)
    assert (value.churn_rate, value.lifespan_years, value.lifespan_capped) == (0.0, 10.0, True)
    assert value.value == 120 * 1 * 10
    assert lifespan(None) == (10.0, True)
    assert lifespan(5.0) == (10.0, True)  # 100 / 5 = 20 years, capped
    assert lifespan(20.0) == (5.0, False)


def test_renewals_due_within_horizons_with_arr(make):
    a = make.account("A", "2025-01-01", renewal="2026-07-30")  # 30 days after D: in 30d
    b = make.account("B", "2025-01-01", renewal="2026-07-31")  # 31 days: in 60d only
    c = make.account("C", "2025-01-01", renewal="2026-06-30")  # today: due today, in every window
    make.account("D", "2025-01-01", renewal="2026-07-15", churn="2026-05-01")  # churned: not due
    make.account("E", "2025-01-01", renewal="2026-06-29")  # yesterday: past
    make.mrr(a, "2025-01-01", 100)
    make.mrr(b, "2025-01-01", 50)
    make.mrr(c, "2025-01-01", 10)
    assert [(r.account_id, r.arr) for r in renewals_due(make.conn, D, 30)] == [(c, 120), (a, 1200)]
    assert [r.account_id for r in renewals_due(make.conn, D, 60)] == [c, a, b]


def test_self_service_rate(make):
    a = make.account("A", "2025-01-01")
    for day, channel in enumerate(("self_service", "self_service", "self_service", "assisted"), start=1):
        make.ticket(a, f"2026-06-0{day}", channel)
    make.ticket(a, "2026-01-01", "assisted")  # outside the 90 days
    assert support_counts(make.conn, trailing(D, 90)).self_service_rate == 75.0


def test_scope_restricts_every_metric_to_a_segment(make):
    a = make.account("A", "2025-01-01", segment="SMB")
    b = make.account("B", "2025-01-01", segment="Enterprise", churn="2026-03-01")
    make.survey(a, "nps", 10, "2026-06-01")
    make.survey(b, "nps", 0, "2026-02-01")
    smb = portfolio_report(make.conn, D, scope=Scope(segment="SMB"))
    assert (smb.surveys.nps, smb.churn_rate, smb.accounts_active) == (100.0, 0.0, 1)
    ent = portfolio_report(make.conn, D, scope=Scope(segment="Enterprise"))
    assert (ent.surveys.nps, ent.churn_rate, ent.accounts_active) == (None, 100.0, 0)


def test_period_overrides_the_trailing_windows(make):
    a = make.account("A", "2025-01-01")
    make.survey(a, "nps", 10, "2026-01-15")
    report = portfolio_report(make.conn, period=JAN)
    assert report.as_of == "2026-01-31"
    assert report.surveys.nps == 100.0
    assert report.windows.surveys == "[2026-01-01, 2026-02-01)"
