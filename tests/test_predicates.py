"""The business rules written once (cstui.storage.predicates), checked at their boundaries by hand.

Every caller - the health score, the check-in, the timeline, the pre-call brief - uses these, so
a boundary checked here holds everywhere.
"""

import pytest

from cstui.storage import predicates
from cstui.storage.scope import Scope
from tests.bookmaker import BookMaker


@pytest.fixture
def make(book) -> BookMaker:
    return BookMaker(book)


def matching(make: BookMaker, table: str, condition: str, day: str) -> list[int]:
    sql = f"SELECT id FROM {table} WHERE {condition} ORDER BY id"
    return [i for (i,) in make.conn.execute(sql, {"d": day})]


def test_on_the_books_from_the_day_after_the_start_to_the_churn_day(make):
    a = make.account("A", "2026-03-01", churn="2026-03-10")
    on = predicates.on_books("d", "a")
    sql = f"SELECT count(*) FROM accounts a WHERE a.id = :a AND {on}"
    days = ["2026-03-01", "2026-03-02", "2026-03-10", "2026-03-11"]
    assert [make.conn.execute(sql, {"a": a, "d": day}).fetchone()[0] for day in days] == [0, 1, 1, 0]


def test_an_invoice_is_overdue_from_the_day_after_it_is_due_until_the_day_it_is_paid(make):
    a = make.account("A", "2025-01-01")
    paid_late = make.invoice(a, "I1", "2026-03-01", "2026-03-10", 100, paid="2026-03-15")
    unpaid = make.invoice(a, "I2", "2026-03-01", "2026-03-10", 100)
    overdue = predicates.overdue_invoice("d")
    assert matching(make, "invoices", overdue, "2026-03-10") == []  # due today: not yet overdue
    assert matching(make, "invoices", overdue, "2026-03-11") == [paid_late, unpaid]
    assert matching(make, "invoices", overdue, "2026-03-15") == [unpaid]  # paid that day


def test_a_ticket_is_open_from_the_day_it_is_opened_until_the_day_it_is_closed(make):
    a = make.account("A", "2025-01-01")
    closed = make.ticket(a, "2026-03-05", closed="2026-03-07")
    still_open = make.ticket(a, "2026-03-06")
    is_open = predicates.open_ticket("d")
    assert matching(make, "tickets", is_open, "2026-03-04") == []
    assert matching(make, "tickets", is_open, "2026-03-06") == [closed, still_open]
    assert matching(make, "tickets", is_open, "2026-03-07") == [still_open]


def test_only_identifiers_chosen_in_code_enter_the_sql():
    with pytest.raises(ValueError):
        predicates.on_books("d); DROP TABLE accounts; --")
    with pytest.raises(ValueError):
        Scope(segment="x").where("account_id OR 1")
    assert Scope(segment="'; DROP").where("a.id") == (
        " AND a.id IN (SELECT id FROM accounts WHERE segment = :scope_segment)",
        {"scope_segment": "'; DROP"},
    )


def test_survey_cut_offs_at_their_boundaries(make):
    """NPS 9 promoter, 7-8 passive, 6 detractor; CSAT 4 satisfied, 2 unhappy (3 neither); CES 3 low effort."""
    a = make.account("A", "2025-01-01")
    ids = {
        (kind, score): make.survey(a, kind, score, "2026-06-01")
        for kind, scores in (("nps", (10, 9, 8, 7, 6, 0)), ("csat", (5, 4, 3, 2, 1)), ("ces", (1, 3, 4, 7)))
        for score in scores
    }

    def which(condition: str) -> set[tuple[str, int]]:
        found = {i for (i,) in make.conn.execute(f"SELECT id FROM surveys s WHERE {condition}")}
        return {key for key, i in ids.items() if i in found}

    assert which(predicates.nps_promoter("s")) == {("nps", 10), ("nps", 9)}
    assert which(predicates.nps_passive("s")) == {("nps", 8), ("nps", 7)}
    assert which(predicates.nps_detractor("s")) == {("nps", 6), ("nps", 0)}
    assert which(predicates.csat_satisfied("s")) == {("csat", 5), ("csat", 4)}
    assert which(predicates.unhappy_response("s")) == {("nps", 6), ("nps", 0), ("csat", 2), ("csat", 1)}
    assert which(predicates.ces_low_effort("s")) == {("ces", 1), ("ces", 3)}
