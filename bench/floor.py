"""PLACEHOLDER, written by the bench helper so bench/run.py runs before the fair floor lands.

The floor helper's bench/floor.py replaces this file at merge (same `fair_floor` signature); until
then this is a rough version of issue 15's fair floor: one windowed `GROUP BY account_id` per input
table, reading the columns the report and the health components need, no scoring.
"""

import sqlite3
from datetime import date, timedelta

# One statement per input table; :d is the as-of date, :d60/:d30/:d90/:d365 the window starts.
_QUERIES = (
    """SELECT account_id, count(*), sum(active_users), sum(minutes), max(day) FROM usage_daily
       WHERE day > :d60 AND day <= :d GROUP BY account_id""",
    """SELECT account_id, count(DISTINCT feature_id) FROM feature_usage
       WHERE day > :d30 AND day <= :d GROUP BY account_id""",
    """SELECT account_id, kind, count(*), sum(score) FROM surveys
       WHERE responded_on > :d90 AND responded_on <= :d GROUP BY account_id, kind""",
    """SELECT account_id,
              sum(opened_on <= :d AND (closed_on IS NULL OR closed_on > :d) AND severity = 'urgent'),
              sum(opened_on <= :d AND (closed_on IS NULL OR closed_on > :d) AND severity = 'high'),
              sum(opened_on <= :d AND (closed_on IS NULL OR closed_on > :d)),
              sum(opened_on > :d90 AND opened_on <= :d AND channel = 'self_service'),
              sum(opened_on > :d90 AND opened_on <= :d AND channel = 'assisted')
       FROM tickets GROUP BY account_id""",
    """SELECT account_id, count(*),
              sum(due_date < :d AND (paid_date IS NULL OR paid_date > :d)),
              sum(max(0, julianday(min(ifnull(paid_date, :d), :d)) - julianday(due_date))),
              sum(CASE WHEN paid_date > :d365 AND paid_date <= :d THEN amount END)
       FROM invoices WHERE issued_date <= :d GROUP BY account_id""",
    """SELECT account_id, max(occurred_on),
              avg(CASE WHEN occurred_on > :d30 THEN coalesce(sentiment, text_sentiment) END)
       FROM interactions WHERE occurred_on <= :d GROUP BY account_id""",
    """SELECT id, start_date <= :d365 AND (churn_date IS NULL OR churn_date > :d365),
              start_date <= :d AND (churn_date IS NULL OR churn_date > :d)
       FROM accounts""",
    """SELECT account_id, max(CASE WHEN effective_date <= :d365 THEN effective_date END),
              max(CASE WHEN effective_date <= :d THEN effective_date END)
       FROM mrr_history GROUP BY account_id""",
)


def fair_floor(conn: sqlite3.Connection, as_of: date) -> int:
    """Run every per-table pass as of `as_of`; return the number of rows they produced."""
    params = {
        "d": as_of.isoformat(),
        **{f"d{days}": (as_of - timedelta(days=days)).isoformat() for days in (30, 60, 90, 365)},
    }
    return sum(len(conn.execute(sql, params).fetchall()) for sql in _QUERIES)
