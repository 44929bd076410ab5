"""Product adoption, the product engagement score (PES), login frequency and time spent.

Definitions (docs/metrics.md has worked examples), over a window `[s, e)` of L days (default:
the trailing 30 days):
- adoption = 100 x distinct *key* features used in the window / key features in the catalogue;
- stickiness = 100 x days with active users / L;
- growth = minutes in the window vs the L days before: 50 + change% / 2, clamped to 0..100
  (100 when usage starts from nothing; undefined when both windows are empty);
- PES = mean of adoption, stickiness and growth (the defined ones), as Pendo's PES averages its three.
"""

import json
from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import EVERYONE, Conn, Period, Scope, mean, pct, trailing
from cstui.metrics.logos import active_account_ids
from cstui.metrics.months import next_month

WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class AccountUsage:
    """One account's usage facts in a window and the one before it."""

    window_days: int
    active_days: int = 0
    minutes: float = 0.0
    user_days: int = 0  # sum of daily active users
    previous_minutes: float = 0.0
    key_features_used: int = 0
    key_features: int = 0
    newest_usage: str | None = None  # last usage_daily day before the window's end
    newest_feature_use: str | None = None

    @property
    def has_usage(self) -> bool:
        return self.newest_usage is not None

    @property
    def adoption(self) -> float | None:
        if not self.key_features or self.newest_feature_use is None:
            return None
        return pct(self.key_features_used, self.key_features)

    @property
    def stickiness(self) -> float | None:
        return pct(self.active_days, self.window_days) if self.has_usage else None

    @property
    def growth(self) -> float | None:
        if not self.has_usage:
            return None
        if self.previous_minutes == 0:
            return 100.0 if self.minutes > 0 else None
        change = 100.0 * (self.minutes - self.previous_minutes) / self.previous_minutes
        return max(0.0, min(100.0, 50 + change / 2))

    @property
    def engagement(self) -> float | None:
        """PES: mean of adoption, stickiness and growth; None without any usage data."""
        adoption = self.adoption
        if not self.has_usage and adoption is None:
            return None
        return mean([adoption, self.stickiness, self.growth])

    @property
    def minutes_per_active_user(self) -> float | None:
        return self.minutes / self.user_days if self.user_days else None


def key_feature_count(conn: Conn) -> int:
    count: int = conn.execute("SELECT count(*) FROM features WHERE is_key = 1").fetchone()[0]
    return count


def usage_by_account(conn: Conn, window: Period, scope: Scope = EVERYONE) -> dict[int, AccountUsage]:
    """Usage facts for every account in scope, in two queries whatever the book's size."""
    fu_clause, params = scope.where("fu.account_id")
    a_clause, a_params = scope.where("a.id")
    before = window.before()
    named = {"ps": before.s, "s": window.s, "e": window.e, **params}
    # Driven from accounts, so SQLite seeks each account's days in the covering index
    # (account_id, day, active_users, minutes) in index order, without a sort: the window's sums by a
    # join, the window before and the newest days by one seek each. (One pass over both windows with a
    # CASE per column was measured slower: every row paid for the CASEs.)
    rows = conn.execute(
        f"""
        SELECT a.id, sum(u.active_users > 0), sum(u.minutes), sum(u.active_users),
            (SELECT sum(p.minutes) FROM usage_daily p WHERE p.account_id = a.id AND p.day >= :ps AND p.day < :s),
            (SELECT max(n.day) FROM usage_daily n WHERE n.account_id = a.id AND n.day < :e),
            (SELECT max(fu.day) FROM feature_usage fu WHERE fu.account_id = a.id AND fu.day < :e)
        FROM accounts a LEFT JOIN usage_daily u ON u.account_id = a.id AND u.day >= :s AND u.day < :e
        WHERE 1{a_clause} GROUP BY a.id""",
        {"ps": before.s, "s": window.s, "e": window.e, **a_params},
    ).fetchall()
    used = dict(
        conn.execute(
            f"""
        SELECT fu.account_id, count(DISTINCT fu.feature_id) FROM feature_usage fu
        JOIN features f ON f.id = fu.feature_id AND f.is_key = 1
        WHERE fu.day >= :s AND fu.day < :e AND fu.events > 0{fu_clause}
        GROUP BY fu.account_id""",
            named,
        ).fetchall()
    )
    keys = key_feature_count(conn)
    days = window.days
    return {
        account: AccountUsage(
            days,
            int(active_days or 0),
            float(minutes or 0),
            int(user_days or 0),
            float(previous or 0),
            used.get(account, 0),
            keys,
            newest_usage,
            newest_feature,
        )
        for account, active_days, minutes, user_days, previous, newest_usage, newest_feature in rows
    }


@dataclass(frozen=True)
class PortfolioUsage:
    adoption_rate: float | None
    engagement_score: float | None
    active_days: float | None  # mean per active account with usage data
    minutes_per_active_user: float | None
    feature_adoption: dict[str, float]  # feature name -> % of active accounts using it


def portfolio_usage(conn: Conn, window: Period, scope: Scope = EVERYONE) -> PortfolioUsage:
    """Means over the accounts on the books at the end of the window."""
    active = active_account_ids(conn, window.end, scope)
    per_account = usage_by_account(conn, window, scope)
    accounts = [per_account[a] for a in active if a in per_account]
    keys = key_feature_count(conn)
    adoption = mean([pct(u.key_features_used, keys) for u in accounts]) if keys and accounts else None
    with_usage = [u for u in accounts if u.has_usage]
    minutes = sum(u.minutes for u in with_usage)
    user_days = sum(u.user_days for u in with_usage)
    return PortfolioUsage(
        adoption_rate=adoption,
        engagement_score=mean([u.engagement for u in accounts]),
        active_days=mean([u.active_days for u in with_usage]),
        minutes_per_active_user=minutes / user_days if user_days else None,
        feature_adoption=feature_adoption(conn, window, active),
    )


def feature_adoption(conn: Conn, window: Period, active: list[int]) -> dict[str, float]:
    """Share of the given accounts that used each feature in the window (by name, in name order)."""
    if not active:
        return {}
    names = dict(conn.execute("SELECT id, name FROM features ORDER BY name").fetchall())
    counts = dict.fromkeys(names.values(), 0)
    # The accounts go in as one JSON array: SQLite seeks each one's window and counts in one pass.
    rows = conn.execute(
        """
        SELECT feature_id, count(DISTINCT account_id) FROM feature_usage
        WHERE day >= ? AND day < ? AND events > 0 AND account_id IN (SELECT value FROM json_each(?))
        GROUP BY feature_id""",
        [window.s, window.e, json.dumps(active)],
    )
    for feature, n in rows:
        if feature in names:
            counts[names[feature]] = n
    return {name: 100.0 * n / len(active) for name, n in counts.items()}


# Mean daily active users per month: the users of the days with usage data / those days. Not by a
# GROUP BY month over usage_daily (a sort of every usage row by month): the month's
# users are summed by a seek per account, and a day counts when some account has a row that day
# (the first account with one answers; only the days between the book's first and last usage day
# are asked). Integers throughout, so the result is the GROUP BY's double exactly.
_ACTIVE_USERS_SQL = """
WITH RECURSIVE
months(month, s, e) AS (SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(:months)),
span(first, last) AS (
    SELECT max(:s, min(first)), min(date(:e, '-1 day'), max(last)) FROM (
        SELECT (SELECT min(u.day) FROM usage_daily u WHERE u.account_id = a.id) AS first,
            (SELECT max(u.day) FROM usage_daily u WHERE u.account_id = a.id) AS last
        FROM accounts a)),
days(day) AS (
    SELECT first FROM span WHERE first <= last
    UNION ALL
    SELECT date(day, '+1 day') FROM days, span WHERE date(day, '+1 day') <= span.last),
used(month, days) AS (
    SELECT substr(day, 1, 7), count(*) FROM days
    WHERE EXISTS (SELECT 1 FROM accounts a WHERE EXISTS (
        SELECT 1 FROM usage_daily u WHERE u.account_id = a.id AND u.day = days.day))
    GROUP BY 1)
SELECT used.month, (
    SELECT sum((SELECT sum(u.active_users) FROM usage_daily u WHERE u.account_id = a.id AND u.day >= months.s
        AND u.day < months.e)) FROM accounts a) * 1.0 / used.days
FROM used JOIN months ON months.month = used.month
"""


def daily_active_users_by_month(conn: Conn, period: Period) -> dict[str, float]:
    """Month (YYYY-MM) -> mean daily active users across the book over the days with usage data in
    `period`, by index seeks (`tests/test_month_ends.py` checks it against the plain GROUP BY)."""
    months = []
    start = period.start
    while start < period.end:
        end = min(next_month(start), period.end)
        months.append((start.isoformat()[:7], start.isoformat(), end.isoformat()))
        start = end
    rows = conn.execute(_ACTIVE_USERS_SQL, {"months": json.dumps(months), "s": period.s, "e": period.e})
    return dict(rows.fetchall())


def usage_window(as_of: date) -> Period:
    return trailing(as_of, WINDOW_DAYS)
