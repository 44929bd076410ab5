"""The queue's memory and order on hand-made books: a review holds until a reason is new or worse
or the configured days have passed; the stake is ARR x band x renewal x reasons."""

from datetime import date, timedelta
from functools import partial

from cstui.derived.health_cache import current_scores
from cstui.metrics.bands import Band
from cstui.metrics.checkin import CheckinItem, Reason, checkin_queue, stake
from cstui.storage import checkin_writes
from tests.bookmaker import BookMaker

DAY = date(2026, 6, 15)


def later(days: int) -> date:
    return DAY + timedelta(days=days)


def queued(book, day: date) -> dict[int, CheckinItem]:
    queue = checkin_queue(book.conn, day, partial(current_scores, book.conn))
    return {item.account_id: item for item in queue.items + queue.waiting}


def review(book, account: int, day: date = DAY) -> None:
    item = queued(book, day)[account]
    checkin_writes.mark_reviewed(book, account, day.isoformat(), item.fingerprint)


def test_a_reviewed_account_stays_away_until_the_configured_days_have_passed(book):
    quiet = BookMaker(book).account("Q", "2024-01-01")  # never contacted: always a reason
    review(book, quiet)
    assert quiet not in queued(book, later(1))
    assert quiet not in queued(book, later(6))
    assert quiet in queued(book, later(7))  # 7 days, the default
    with book.conn:
        book.execute("UPDATE health_config SET value = 3 WHERE name = 'checkin.return_after_days'")
    assert quiet not in queued(book, later(2))
    assert quiet in queued(book, later(3))


def test_a_worse_reason_brings_it_back_the_next_day_marked_new(book):
    make = BookMaker(book)
    late = make.account("L", "2024-01-01")
    make.invoice(late, "I1", "2026-05-01", "2026-06-01", 100.0)
    review(book, late)
    assert late not in queued(book, later(1))
    make.invoice(late, "I2", "2026-05-10", later(1).isoformat(), 100.0)  # overdue from the day after
    back = queued(book, later(2))[late]
    assert [(r.rule, r.text, r.new) for r in back.reasons if r.rule == "overdue_invoice"] == [
        ("overdue_invoice", "2 overdue invoices (200), the oldest I1 due 2026-06-01", True)
    ]
    assert [r.new for r in back.reasons if r.rule == "no_contact"] == [False]  # seen by the review


def test_a_snooze_holds_until_its_date(book):
    quiet = BookMaker(book).account("Q", "2024-01-01")
    item = queued(book, DAY)[quiet]
    checkin_writes.snooze(book, quiet, DAY.isoformat(), later(3).isoformat(), item.fingerprint)
    today = checkin_queue(book.conn, DAY, partial(current_scores, book.conn))
    assert [i.account_id for i in today.done] == [quiet] and today.snoozed == 1
    assert quiet not in queued(book, later(2))
    assert quiet in queued(book, later(3))


def test_the_stake_is_arr_times_band_renewal_and_reasons():
    red = CheckinItem(1, "R", "R", Band.RED, 30.0, 12_000.0, later(20).isoformat())
    red.reasons = [Reason("band_red", "red", new=True), Reason("no_contact", "quiet", new=False)]
    # 12,000 ARR x red 1.0 x renewal within 30 days 3 x (band_red 3 x 2 new + no_contact 1)
    assert stake(red, DAY) == 12_000 * 1.0 * 3 * 7
    green = CheckinItem(2, "G", "G", Band.GREEN, 80.0, 0.0, None, [Reason("new_promoter", "9", new=True)])
    assert stake(green, DAY) == 1 * 0.3 * 1 * 2  # no revenue counts as 1, so it still ranks
    soon = CheckinItem(3, "S", "S", Band.YELLOW, 50.0, 1_000.0, later(91).isoformat(), [Reason("no_contact", "")])
    assert stake(soon, DAY) == 1_000 * 0.6 * 1.5 * 2


def test_the_queue_is_cut_at_the_capacity_by_stake(book):
    make = BookMaker(book)
    accounts = [make.account(f"K{i}", "2024-01-01") for i in range(5)]
    for i, account in enumerate(accounts):
        make.mrr(account, "2024-01-01", 100.0 * (i + 1))
    with book.conn:
        book.execute("UPDATE health_config SET value = 2 WHERE name = 'checkin.capacity'")
    queue = checkin_queue(book.conn, DAY, partial(current_scores, book.conn))
    assert [i.key for i in queue.items] == ["K4", "K3"]
    assert [i.key for i in queue.waiting] == ["K2", "K1", "K0"]
    review(book, accounts[4])
    queue = checkin_queue(book.conn, DAY, partial(current_scores, book.conn))
    assert [i.key for i in queue.items] == ["K3"]  # what was done today counts against the day's capacity
    assert [i.key for i in queue.done] == ["K4"]


def test_reasons_name_their_object(book):
    make = BookMaker(book)
    account = make.account("A", "2024-01-01")
    make.invoice(account, "INV-7", "2026-05-01", "2026-06-01", 1250.0)
    make.ticket(account, "2026-06-10", severity="high")
    with book.conn:
        book.execute("UPDATE tickets SET subject = 'SSO broken'")
        book.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (?, 'Send SSO guide', '2026-06-12', ?)",
            [account, "2026-06-01"],
        )
    make.ticket(account, "2026-06-14", severity="urgent")
    reasons = {r.rule: r.text for r in queued(book, DAY)[account].reasons}
    assert "follow_up_due" not in reasons  # a follow-up the CSM set is a reminder, not a reason (issue 25)
    assert reasons["overdue_invoice"] == "overdue invoice INV-7 due 2026-06-01 (1,250)"
    assert reasons["urgent_ticket"] == "high ticket 'SSO broken' open since 2026-06-10 (+1 more)"


def test_the_demo_book_shows_every_rule(demo):
    from cstui.metrics.checkin import account_reasons
    from cstui.metrics.checkin_rules import RULES
    from tests.conftest import DEMO_DATE

    fired = {
        reason.rule
        for reasons in account_reasons(demo.conn, DEMO_DATE, partial(current_scores, demo.conn)).values()
        for reason in reasons
    }
    # The demo book has no success plans or lifecycle stages yet (issue 29), so their rules cannot fire
    # on it; tests/test_plans.py and tests/test_stages.py show each of them firing on a book built for it.
    without_demo_data = {"goal_behind", "goal_met", "stage_stuck"}
    assert fired == set(RULES) - without_demo_data  # promoters, a usage decline, seat-limit accounts, ... on day one
