"""Customer counts: who is on the books, logo churn rate and customer retention rate."""

from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import EVERYONE, Conn, Period, Scope, pct
from cstui.storage.predicates import on_books


@dataclass(frozen=True)
class LogoCounts:
    """S, N, E and churned for a period `[s, e)`, exactly as the contract defines them."""

    start: int
    new: int
    end: int
    churned: int

    @property
    def churn_rate(self) -> float | None:
        return pct(self.churned, self.start)

    @property
    def retention_rate(self) -> float | None:
        return pct(self.end - self.new, self.start)


def logo_counts(conn: Conn, period: Period, scope: Scope = EVERYONE) -> LogoCounts:
    clause, params = scope.where("a.id")
    at_s, at_e = on_books("s"), on_books("e")
    sql = f"""
        SELECT
            coalesce(sum({at_s}), 0),
            coalesce(sum(a.start_date >= :s AND a.start_date < :e), 0),
            coalesce(sum({at_e}), 0),
            coalesce(sum({at_s} AND a.churn_date >= :s AND a.churn_date < :e), 0)
        FROM accounts a WHERE 1{clause}
    """
    return LogoCounts(*conn.execute(sql, {"s": period.s, "e": period.e, **params}).fetchone())


def active_account_ids(conn: Conn, day: date, scope: Scope = EVERYONE) -> list[int]:
    """Accounts on the books at the start of `day`."""
    clause, params = scope.where("a.id")
    sql = f"SELECT a.id FROM accounts a WHERE {on_books()}{clause} ORDER BY a.id"
    return [i for (i,) in conn.execute(sql, {"d": day.isoformat(), **params})]
