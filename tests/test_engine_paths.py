"""The engine's shortcuts (issue 15) give exactly the figures of the long way round.

Speed is measured in bench/, not here; what is tested is that every shortcut changes nothing: the same
report with the breakdowns passed in or not, old and new formulas alike.
"""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.metrics.base import Scope
from cstui.metrics.health import health_for_accounts
from cstui.metrics.logos import active_account_ids
from cstui.metrics.report import portfolio_report
from cstui.metrics.revenue import renewals_due, renewals_within
from cstui.metrics.usage import AccountUsage, feature_adoption, usage_by_account, usage_window
from cstui.storage.reads import account_keys
from tests.bookmaker import BookMaker, memory_book
from tests.conftest import DEMO_DATE


@pytest.mark.parametrize("segment", [None, "SMB"])
def test_the_report_is_the_same_with_the_breakdowns_passed_in_or_not(demo, segment):
    scope = Scope(segment=segment)
    alone = portfolio_report(demo.conn, DEMO_DATE, scope=scope).to_json()
    health = health_for_accounts(demo.conn, DEMO_DATE, scope)
    assert portfolio_report(demo.conn, DEMO_DATE, scope=scope, health=health).to_json() == alone
    assert portfolio_report(demo.conn, DEMO_DATE, scope=scope, health=dict(health)).to_json() == alone


# Old formula vs new, on random small books ------------------------------------------------------------

D = date(2026, 6, 30)
# Days before D, the window edges (D, D - 29, D - 30, D - 59, D - 60) drawn often.
near_days = st.one_of(st.sampled_from([-1, 0, 29, 30, 59, 60]), st.integers(-1, 70)).map(
    lambda n: (D - timedelta(days=n)).isoformat()
)


def old_usage_by_account(conn, window) -> dict[int, tuple]:
    """usage_by_account as it was before issue 15 (one pass over both windows with a CASE per column)."""
    before = window.before()
    named = {"ps": before.s, "s": window.s, "e": window.e}
    sums = {
        row[0]: row[1:]
        for row in conn.execute(
            """
        SELECT a.id,
            sum(u.day >= :s AND u.active_users > 0), sum(CASE WHEN u.day >= :s THEN u.minutes ELSE 0 END),
            sum(CASE WHEN u.day >= :s THEN u.active_users ELSE 0 END),
            sum(CASE WHEN u.day < :s THEN u.minutes ELSE 0 END)
        FROM accounts a JOIN usage_daily u ON u.account_id = a.id AND u.day >= :ps AND u.day < :e GROUP BY a.id""",
            named,
        )
    }
    used = dict(
        conn.execute(
            """
        SELECT fu.account_id, count(DISTINCT fu.feature_id) FROM feature_usage fu
        JOIN features f ON f.id = fu.feature_id AND f.is_key = 1
        WHERE fu.day >= :s AND fu.day < :e AND fu.events > 0 GROUP BY fu.account_id""",
            named,
        ).fetchall()
    )
    keys = conn.execute("SELECT count(*) FROM features WHERE is_key = 1").fetchone()[0]
    result = {}
    for account, newest_usage, newest_feature in conn.execute(
        """
        SELECT a.id, (SELECT max(day) FROM usage_daily u WHERE u.account_id = a.id AND u.day < :e),
            (SELECT max(day) FROM feature_usage fu WHERE fu.account_id = a.id AND fu.day < :e)
        FROM accounts a""",
        {"e": window.e},
    ):
        active_days, minutes, user_days, previous = sums.get(account, (0, 0.0, 0, 0.0))
        result[account] = AccountUsage(
            window.days,
            int(active_days or 0),
            float(minutes or 0),
            int(user_days or 0),
            float(previous or 0),
            used.get(account, 0),
            keys,
            newest_usage,
            newest_feature,
        )
    return result


def old_feature_adoption(conn, window, active: list[int]) -> dict[str, float]:
    """feature_adoption as it was before issue 15 (grouped by name and account, counted in Python)."""
    if not active:
        return {}
    counts = {name: 0 for (name,) in conn.execute("SELECT name FROM features ORDER BY name")}
    rows = conn.execute(
        """
        SELECT f.name, fu.account_id FROM feature_usage fu JOIN features f ON f.id = fu.feature_id
        WHERE fu.day >= ? AND fu.day < ? AND fu.events > 0 GROUP BY f.name, fu.account_id""",
        [window.s, window.e],
    )
    for name, account in rows:
        if account in set(active):
            counts[name] += 1
    return {name: 100.0 * n / len(active) for name, n in counts.items()}


usage_rows = st.lists(
    st.tuples(st.integers(0, 4), near_days, st.integers(0, 3), st.floats(0, 500, allow_nan=False)), max_size=60
)
feature_rows = st.lists(st.tuples(st.integers(0, 4), near_days, st.integers(0, 3), st.integers(0, 2)), max_size=40)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(usage_rows, feature_rows, st.lists(st.booleans(), min_size=4, max_size=4))
def test_usage_and_feature_adoption_match_the_old_queries(usage, features, key_flags):
    make = BookMaker(memory_book())
    accounts = [make.account(f"A{i}", "2025-01-01", churn="2026-06-10" if i == 4 else None) for i in range(5)]
    feature_ids = [make.feature(f"f{i}", is_key=flag) for i, flag in enumerate(key_flags)]
    for i, day, users, minutes in usage:
        make.conn.execute(
            "INSERT OR IGNORE INTO usage_daily (account_id, day, active_users, minutes) VALUES (?, ?, ?, ?)",
            [accounts[i], day, users, minutes],
        )
    for i, day, feature, events in features:
        make.conn.execute(
            "INSERT OR IGNORE INTO feature_usage (account_id, day, feature_id, events) VALUES (?, ?, ?, ?)",
            [accounts[i], day, feature_ids[feature], events],
        )
    window = usage_window(D)
    assert usage_by_account(make.conn, window) == old_usage_by_account(make.conn, window)
    active = active_account_ids(make.conn, window.end)
    assert feature_adoption(make.conn, window, active) == old_feature_adoption(make.conn, window, active)
    assert feature_adoption(make.conn, window, accounts[:2]) == old_feature_adoption(make.conn, window, accounts[:2])


@pytest.mark.parametrize("day", [DEMO_DATE, DEMO_DATE + timedelta(days=20), DEMO_DATE + timedelta(days=45)])
def test_renewals_within_are_each_horizon_s_own_list(demo, day):
    lists = renewals_within(demo.conn, day, (30, 60, 90))
    assert lists == {days: renewals_due(demo.conn, day, days) for days in (30, 60, 90)}
    assert len(lists[30]) < len(lists[90])  # the horizons differ on the demo book: the check is not vacuous


def test_account_keys_of_some_accounts_are_those_of_all(demo):
    every = account_keys(demo.conn)
    some = sorted(every)[3:9]
    assert account_keys(demo.conn, some) == {a: every[a] for a in some}
    assert account_keys(demo.conn, []) == {}
