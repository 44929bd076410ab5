"""A month-end's health band counts for the trends, scored inside SQLite in one statement.

The trends chart the number of accounts per health band at each month's end. `health_for_accounts`
gets there through a breakdown per account (six components with their words, dates, staleness),
which the chart never reads; 24 month-ends were 24 full engine runs. This module scores the same
accounts with the same formulas (`health.py`: each component, then `combine` and `HealthConfig.band`,
with its rule for an account that has no score yet) as one SQL statement per day and returns only the
counts, so

- Python builds no object per account (and holds the GIL for a few microseconds: SQLite runs the
  statement with the GIL released, so a worker computing month-ends does not slow the UI), and
- every aggregate is an index seek per account into the window the component reads (the engine
  scans every invoice, ticket and interaction of the book for each date).

Equal, not close: each step is the engine's arithmetic in the engine's order (IEEE doubles in both),
and each average sums its rows in the order the engine's query visits them (the surveys' in the
order of `surveys_day`, which the engine's GROUP BY sorts stably by account; the others in the
order of the account's own index). `tests/test_month_ends.py` checks scores and counts against
`health_for_accounts` on random books and on the demo book. A change to a component's formula in
`health.py` must be made here too (that test fails until it is).
"""

import json
from datetime import date, timedelta
from typing import Any

from cstui.metrics.bands import SCORED, Band
from cstui.metrics.base import Conn, Period, trailing
from cstui.metrics.health import LATE_DAYS_WINDOW, MIN_COMPONENTS, SENTIMENT_DAYS, SURVEY_DAYS, load_config
from cstui.metrics.months import next_month
from cstui.metrics.usage import key_feature_count, usage_window
from cstui.storage import predicates as rule

# The engine's recency rule (`health.recency_score`): 100 within 14 days, 0 from 90.
_RECENCY_FULL, _RECENCY_ZERO = 14, 90

# Per account on the books after the day: each component's score (NULL = no data), as the engine
# computes it. `:d` is the day, `:e` the day after; the windows' starts are bound by `_params`.
_COMPONENTS = f"""
WITH usage AS MATERIALIZED (
    SELECT a.id AS account,
        coalesce(sum(u.active_users > 0), 0) AS active_days,
        coalesce(sum(u.minutes), 0.0) AS minutes,
        coalesce((SELECT sum(p.minutes) FROM usage_daily p
            WHERE p.account_id = a.id AND p.day >= :usage_before AND p.day < :usage_start), 0.0) AS previous,
        EXISTS (SELECT 1 FROM usage_daily n WHERE n.account_id = a.id AND n.day < :e) AS has_usage,
        EXISTS (SELECT 1 FROM feature_usage f WHERE f.account_id = a.id AND f.day < :e) AS has_feature_use
    FROM accounts a
    LEFT JOIN usage_daily u ON u.account_id = a.id AND u.day >= :usage_start AND u.day < :e
    WHERE {rule.on_books("e")}
    GROUP BY a.id
), facts AS MATERIALIZED (
    SELECT account,
        CASE WHEN has_usage THEN 100.0 * active_days / :usage_days END AS stickiness,
        CASE WHEN has_usage THEN
            CASE WHEN previous = 0 THEN CASE WHEN minutes > 0 THEN 100.0 END
            ELSE max(0.0, min(100.0, 50 + (100.0 * (minutes - previous) / previous) / 2)) END
        END AS growth,
        CASE WHEN :key_features AND has_feature_use THEN 100.0 * (
            SELECT count(DISTINCT fu.feature_id) FROM feature_usage fu
            JOIN features f ON f.id = fu.feature_id AND f.is_key = 1
            WHERE fu.account_id = usage.account AND fu.day >= :usage_start AND fu.day < :e AND fu.events > 0
        ) / :key_features END AS adoption,
        (SELECT avg(value) FROM (
            SELECT CASE s.kind WHEN 'nps' THEN s.score * 10.0 WHEN 'csat' THEN (s.score - 1) * 25.0
                ELSE (7 - s.score) * 100.0 / 6 END AS value
            FROM surveys s
            WHERE s.account_id = usage.account AND s.responded_on >= :survey_start AND s.responded_on < :e
            ORDER BY s.responded_on, s.kind, s.score, s.text_sentiment, s.id)) AS surveys,
        (SELECT max(0.0, 100.0 - 10 * sum(t.severity IN ('low', 'normal'))
                - 25 * sum(t.severity IN ('high', 'urgent')))
            FROM tickets t WHERE t.account_id = usage.account AND {rule.open_ticket("d", "t")}) AS open_tickets,
        (SELECT max(0.0, 100.0 - 25 * sum({rule.overdue_invoice("d", "i")}) - min(50.0, coalesce(avg(
                CASE WHEN i.paid_date >= :late_start AND i.paid_date <= :d
                THEN max(0, julianday(i.paid_date) - julianday(i.due_date)) END), 0.0)))
            FROM invoices i WHERE i.account_id = usage.account AND i.issued_date <= :d) AS payment,
        (SELECT max(x.occurred_on) FROM interactions x
            WHERE x.account_id = usage.account AND {rule.contact_by("d", "x")}) AS last_contact,
        (SELECT avg(coalesce(x.sentiment, x.text_sentiment)) FROM interactions x
            WHERE x.account_id = usage.account AND x.occurred_on >= :mood_start AND x.occurred_on < :e) AS mood
    FROM usage
), components AS MATERIALIZED (
    SELECT account,
        CASE WHEN growth IS NULL THEN stickiness / 1 ELSE (stickiness + growth) / 2 END AS usage,
        adoption, surveys, payment,
        coalesce(open_tickets, 100.0) AS support, open_tickets IS NOT NULL AS support_facts,
        CASE WHEN last_contact IS NOT NULL THEN
            CASE WHEN mood IS NULL THEN recency / 1 ELSE (recency + (mood + 2) * 25.0) / 2 END
        END AS relationship
    FROM (SELECT *, max(0.0, min(100.0, 100.0 * ({_RECENCY_ZERO} - (julianday(:d) - julianday(last_contact)))
        / ({_RECENCY_ZERO} - {_RECENCY_FULL}))) AS recency FROM facts)
), weighted AS MATERIALIZED (
    SELECT *,
        (CASE WHEN usage IS NOT NULL THEN :w_usage ELSE 0 END)
        + (CASE WHEN adoption IS NOT NULL THEN :w_adoption ELSE 0 END)
        + (CASE WHEN surveys IS NOT NULL THEN :w_surveys ELSE 0 END)
        + (CASE WHEN support IS NOT NULL THEN :w_support ELSE 0 END)
        + (CASE WHEN payment IS NOT NULL THEN :w_payment ELSE 0 END)
        + (CASE WHEN relationship IS NOT NULL THEN :w_relationship ELSE 0 END) AS total,
        (usage IS NOT NULL) + (adoption IS NOT NULL) + (surveys IS NOT NULL) + support_facts
        + (payment IS NOT NULL) + (relationship IS NOT NULL) AS with_facts
    FROM components
), scored AS MATERIALIZED (
    SELECT account, CASE WHEN with_facts >= :min_components AND total > 0 THEN
        coalesce(100.0 * :w_usage / total * usage / 100.0, 0.0)
        + coalesce(100.0 * :w_adoption / total * adoption / 100.0, 0.0)
        + coalesce(100.0 * :w_surveys / total * surveys / 100.0, 0.0)
        + coalesce(100.0 * :w_support / total * support / 100.0, 0.0)
        + coalesce(100.0 * :w_payment / total * payment / 100.0, 0.0)
        + coalesce(100.0 * :w_relationship / total * relationship / 100.0, 0.0)
    END AS score
    FROM weighted
)
"""
_SCORES_SQL = _COMPONENTS + "SELECT account, score FROM scored ORDER BY account"
_BANDS_SQL = (
    _COMPONENTS
    + """
SELECT CASE WHEN score >= :green THEN 'green' WHEN score >= :yellow THEN 'yellow' ELSE 'red' END AS band, count(*)
FROM scored WHERE score IS NOT NULL GROUP BY band
"""
)


def _params(conn: Conn, day: date) -> dict[str, Any]:
    """The day's windows, as the engine's components define them, and the book's weights and bands."""
    config = load_config(conn)
    usage = usage_window(day)
    return {
        "d": day.isoformat(),
        "e": (day + timedelta(days=1)).isoformat(),
        "usage_start": usage.s,
        "usage_before": usage.before().s,
        "usage_days": usage.days,
        "key_features": key_feature_count(conn),
        "survey_start": trailing(day, SURVEY_DAYS).s,
        "mood_start": trailing(day, SENTIMENT_DAYS).s,
        "late_start": trailing(day, LATE_DAYS_WINDOW).s,
        "min_components": MIN_COMPONENTS,
        "green": config.green,
        "yellow": config.yellow,
        **{f"w_{key}": weight for key, weight in config.weights.items()},
    }


def health_scores(conn: Conn, day: date) -> dict[int, float | None]:
    """Every account on the books after `day`: its health score as of `day` (None: no score yet),
    equal to `health_for_accounts(conn, day)[account].score`."""
    return dict(conn.execute(_SCORES_SQL, _params(conn, day)).fetchall())


def band_counts_at(conn: Conn, day: date) -> dict[Band, int]:
    """Accounts per scored band as of `day`, equal to `band_counts(health_for_accounts(conn, day))`."""
    counts = dict.fromkeys(SCORED, 0)
    for band, n in conn.execute(_BANDS_SQL, _params(conn, day)):
        counts[Band(band)] = n
    return counts


# Mean daily active users per month, as `usage.daily_active_users_by_month` defines it (the users of
# the days with usage data / those days), without its sort of every usage row by month: the month's
# users are summed by a seek per account, and a day counts when some account has a row that day
# (the first account with one answers; only the days between the book's first and last usage day
# are asked). Integers throughout, so the result is the same double.
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


def active_users_by_month(conn: Conn, period: Period) -> dict[str, float]:
    """Month (YYYY-MM) -> mean daily active users across the book over the days with usage data in
    `period`: equal to `usage.daily_active_users_by_month(conn, period)`, by index seeks."""
    months = []
    start = period.start
    while start < period.end:
        end = min(next_month(start), period.end)
        months.append((start.isoformat()[:7], start.isoformat(), end.isoformat()))
        start = end
    rows = conn.execute(_ACTIVE_USERS_SQL, {"months": json.dumps(months), "s": period.s, "e": period.e})
    return dict(rows.fetchall())
