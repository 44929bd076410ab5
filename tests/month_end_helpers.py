"""Test-only views of the month-end scorer and the usage by month, as oracles compare them."""

from datetime import date

from cstui.metrics.base import Conn, Period
from cstui.metrics.month_ends import month_end_params, month_end_sql


def health_scores(conn: Conn, day: date) -> dict[int, float | None]:
    """Every account on the books after `day`: its health score as of `day` from the month-end scorer's
    statement (None: no score yet), which must equal `health_for_accounts(conn, day)[account].score`."""
    rows = conn.execute(
        month_end_sql() + "SELECT account, score FROM scored ORDER BY account", month_end_params(conn, day)
    )
    return dict(rows.fetchall())


def grouped_active_users_by_month(conn: Conn, period: Period) -> dict[str, float]:
    """Month (YYYY-MM) -> mean daily active users across the book over the days with usage data in
    `period`, the plain way: what `usage.daily_active_users_by_month` computes by index seeks."""
    rows = conn.execute(
        "SELECT substr(day, 1, 7), sum(active_users) * 1.0 / count(DISTINCT day) FROM usage_daily"
        " WHERE day >= ? AND day < ? GROUP BY 1",
        [period.s, period.e],
    )
    return dict(rows.fetchall())
