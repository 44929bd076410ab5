"""The opportunity rules on hand-made books, each at its threshold and one below it."""

from datetime import timedelta
from functools import partial

import pytest

from cstui.derived.health_cache import current_scores
from cstui.metrics.checkin import account_reasons
from cstui.metrics.checkin_rules import RULES, RuleKind
from tests.bookmaker import BookMaker
from tests.checkin_helpers import DAY, found

OPPORTUNITIES = ("new_promoter", "usage_decline", "key_feature_unused", "expansion_signal", "renewal_no_call")


def ago(days: int) -> str:
    return (DAY - timedelta(days=days)).isoformat()


def ahead(days: int) -> str:
    return (DAY + timedelta(days=days)).isoformat()


def texts(book, rule: str) -> dict[int, str]:
    return {f.account: f.text for f in found(book, rule)}


def test_the_new_rules_are_opportunities_each_saying_what_to_do():
    for name in OPPORTUNITIES:
        assert RULES[name].kind is RuleKind.OPPORTUNITY, name
        assert RULES[name].action and "\n" not in RULES[name].action, name
    assert RULES["band_red"].kind is RuleKind.RISK


def test_a_new_promoter_until_thanked(book):
    make = BookMaker(book)
    edge, older, passive, thanked, logged = (make.account(k, "2024-01-01") for k in ("E", "O", "P", "T", "L"))
    make.survey(edge, "nps", 9, ago(29))  # 30-day window: the oldest day in it
    make.survey(older, "nps", 10, ago(30))  # a day older: not new
    make.survey(passive, "nps", 8, ago(1))  # not a promoter
    make.survey(thanked, "nps", 10, ago(5))
    make.note(thanked, ago(5), summary="Thanks for the 10!")  # an interaction after (or on) the response
    call = make.note(logged, ago(3), summary="QBR")
    survey = make.survey(logged, "nps", 9, ago(3))
    with book.conn:  # recorded during the call: that call is not a thank-you for it
        book.execute("UPDATE surveys SET interaction_id = ? WHERE id = ?", [call, survey])
    assert texts(book, "new_promoter") == {
        edge: f"promoter: NPS 9 on {ago(29)}, not yet thanked",
        logged: f"promoter: NPS 9 on {ago(3)}, not yet thanked",
    }


def _usage(make: BookMaker, account: int, now: tuple[int, float], before: tuple[int, float]) -> None:
    """One day of usage in each 30-day window: (active users, minutes)."""
    make.usage(account, ago(40), *before)
    make.usage(account, ago(10), *now)


def test_usage_decline_names_the_metric_that_fell(book):
    make = BookMaker(book)
    minutes, users, both, below = (make.account(k, "2024-01-01") for k in ("M", "U", "B", "N"))
    _usage(make, minutes, now=(10, 75.0), before=(10, 100.0))  # minutes -25 %: at the threshold
    _usage(make, users, now=(75, 500.0), before=(100, 500.0))  # users -25 %
    _usage(make, both, now=(5, 10.0), before=(10, 100.0))
    _usage(make, below, now=(76, 76.0), before=(100, 100.0))  # -24 %: one below
    assert texts(book, "usage_decline") == {
        minutes: "minutes down 25% (100 -> 75) over 30 days",
        users: "active users down 25% (100 -> 75) over 30 days",
        both: "active users down 50% (10 -> 5), minutes down 90% (100 -> 10) over 30 days",
    }
    worst = {f.account: (f.object, f.severity) for f in found(book, "usage_decline")}
    assert worst[both] == ("active users and minutes", 9)


def test_key_features_never_used_are_named(book):
    make = BookMaker(book)
    sso, api = make.feature("sso"), make.feature("api")
    exports = make.feature("exports", is_key=False)
    none_used, one_used, all_used, _no_usage = (make.account(k, "2024-01-01") for k in ("A", "B", "C", "D"))
    for account in (none_used, one_used, all_used):
        make.usage(account, ago(2), 3, 30.0)
    make.feature_use(one_used, ago(100), api)
    make.feature_use(all_used, ago(1), api)
    make.feature_use(all_used, ago(200), sso)
    make.feature_use(none_used, ago(1), exports)  # not a key feature
    assert texts(book, "key_feature_unused") == {
        none_used: "key features never used: api, sso",
        one_used: "key feature never used: sso",
    }  # an account without usage in 30 days is not judged on features


def test_key_features_beyond_one_bit_mask_are_named_the_same_way(book, monkeypatch):
    """More key features than fit in one SQLite integer are read as lists: the same findings."""
    from cstui.metrics import checkin_rules

    make = BookMaker(book)
    features = [make.feature(f"f{n:02d}") for n in range(checkin_rules.MASK_BITS + 1)]
    used, fresh = make.account("USED", "2024-01-01"), make.account("FRESH", "2024-01-01")
    for account in (used, fresh):
        make.usage(account, ago(2), 3, 30.0)
    for feature in features[:-1]:
        make.feature_use(used, ago(1), feature)
    listed = texts(book, "key_feature_unused")
    assert listed[used] == f"key feature never used: f{checkin_rules.MASK_BITS:02d}"
    assert listed[fresh] == "key features never used: " + ", ".join(f"f{n:02d}" for n in range(len(features)))
    monkeypatch.setattr(checkin_rules, "MASK_BITS", len(features))  # the bit-mask read gives the same
    assert texts(book, "key_feature_unused") == listed


def test_expansion_signal_at_the_share_of_seats(book):
    make = BookMaker(book)
    at, below, unknown = (make.account(k, "2024-01-01") for k in ("AT", "BELOW", "NOSEATS"))
    with book.conn:
        book.execute("UPDATE accounts SET seats = 10 WHERE id IN (?, ?)", [at, below])
    make.usage(at, ago(3), 9, 90.0)  # 90 %: at the threshold
    make.usage(at, ago(2), 4, 40.0)  # the peak counts, not the average
    make.usage(below, ago(3), 8, 80.0)  # 80 %
    make.usage(at, ago(40), 10, 10.0)  # before the 30 days: not counted
    make.usage(unknown, ago(3), 50, 90.0)
    assert texts(book, "expansion_signal") == {at: "9 active users of 10 seats (90%)"}


def test_renewal_without_a_renewal_call(book):
    make = BookMaker(book)
    edge = make.account("EDGE", "2024-01-01", renewal=ahead(60))
    later = make.account("LATER", "2024-01-01", renewal=ahead(61))
    called = make.account("CALLED", "2024-01-01", renewal=ahead(30))
    emailed = make.account("EMAILED", "2024-01-01", renewal=ahead(30))
    chatted = make.account("CHATTED", "2024-01-01", renewal=ahead(30))
    old_call = make.account("OLDCALL", "2024-01-01", renewal=ahead(30))
    make.note(called, ago(2), summary="Renewal prep")  # a call mentioning renewal, within 60 days of it
    make.note(chatted, ago(2), summary="Quarterly review")  # a call, but not about the renewal
    make.note(old_call, ago(31), summary="Renewal talk")  # 61 days before the renewal: too early
    emailed_note = make.note(emailed, ago(2), summary="About the renewal")
    with book.conn:
        book.execute("UPDATE interactions SET kind = 'email' WHERE id = ?", [emailed_note])
    assert texts(book, "renewal_no_call") == {
        edge: f"renews {ahead(60)}, no renewal call recorded",
        emailed: f"renews {ahead(30)}, no renewal call recorded",
        chatted: f"renews {ahead(30)}, no renewal call recorded",
        old_call: f"renews {ahead(30)}, no renewal call recorded",
    }
    assert later not in texts(book, "renewal_no_call")


@pytest.mark.parametrize("rule", OPPORTUNITIES)
def test_a_rule_turned_off_in_the_book_finds_nothing(book, rule):
    make = BookMaker(book)
    account = make.account("A", "2024-01-01", renewal=ahead(10))
    with book.conn:
        book.execute("UPDATE accounts SET seats = 1 WHERE id = ?", [account])
        book.execute("UPDATE checkin_rules SET enabled = 0 WHERE name = ?", [rule])
    make.feature("sso")
    make.survey(account, "nps", 10, ago(1))
    _usage(make, account, now=(1, 1.0), before=(10, 100.0))
    reasons = {r.rule for r in account_reasons(book.conn, DAY, partial(current_scores, book.conn))[account]}
    assert rule not in reasons
    assert set(OPPORTUNITIES) - {rule} <= reasons  # the others all see this account
