"""MRR and ARR, gross and net revenue retention, revenue churn, CLTV and renewals due."""

from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.base import EVERYONE, Conn, Period, Scope, pct, trailing
from cstui.metrics.logos import logo_counts
from cstui.storage.predicates import identifier, on_books


def _mrr_at(day_param: str) -> str:
    """SQL for an account's (`a`) MRR at the start of day `:day_param`: its latest mrr_history row
    dated before that day, 0 when it is off the books then."""
    return f"""
    CASE WHEN {on_books(day_param)} THEN coalesce((
        SELECT m.mrr FROM mrr_history m WHERE m.account_id = a.id AND m.effective_date < :{identifier(day_param)}
        ORDER BY m.effective_date DESC LIMIT 1), 0) ELSE 0 END
"""


def mrr_by_account(conn: Conn, day: date, scope: Scope = EVERYONE) -> dict[int, float]:
    """MRR of every account in scope at the start of `day` (0 for those not on the books)."""
    clause, params = scope.where("a.id")
    sql = f"SELECT a.id, {_mrr_at('d')} FROM accounts a WHERE 1{clause}"
    return dict(conn.execute(sql, {"d": day.isoformat(), **params}).fetchall())


def total_mrr(conn: Conn, day: date, scope: Scope = EVERYONE) -> float:
    return sum(mrr_by_account(conn, day, scope).values())


@dataclass(frozen=True)
class RevenueRetention:
    mrr_start: float
    mrr_end: float
    mrr_kept: float  # sum(min(MRR_e, MRR_s)) over the accounts on the books at s

    @property
    def grr(self) -> float | None:
        return pct(self.mrr_kept, self.mrr_start)

    @property
    def nrr(self) -> float | None:
        return pct(self.mrr_end, self.mrr_start)

    @property
    def revenue_churn(self) -> float | None:
        return None if self.grr is None else 100.0 - self.grr


def revenue_retention(conn: Conn, period: Period, scope: Scope = EVERYONE) -> RevenueRetention:
    """GRR/NRR inputs over the accounts on the books at the start of the period (the cohort S)."""
    clause, params = scope.where("a.id")
    at_s = on_books("s")
    sql = f"""
        SELECT coalesce(sum(ms), 0), coalesce(sum(me), 0), coalesce(sum(min(ms, me)), 0) FROM (
            SELECT {_mrr_at("s")} AS ms, {_mrr_at("e")} AS me FROM accounts a WHERE {at_s}{clause})
    """
    return RevenueRetention(*conn.execute(sql, {"s": period.s, "e": period.e, **params}).fetchone())


@dataclass(frozen=True)
class Cltv:
    """The contract's CLTV = APV x APF x ACL over the trailing 365-day window."""

    apv: float | None  # mean paid invoice amount
    apf: float | None  # paid invoices per customer in the window
    lifespan_years: float  # ACL, capped at 10
    lifespan_capped: bool
    churn_rate: float | None

    @property
    def value(self) -> float | None:
        if self.apv is None or self.apf is None:
            return None
        return self.apv * self.apf * self.lifespan_years


def lifespan(churn_rate: float | None) -> tuple[float, bool]:
    """ACL in years = min(10, 100 / churn rate); 10 (capped) when churn is 0 or undefined."""
    if not churn_rate:
        return 10.0, True
    years = 100.0 / churn_rate
    return (10.0, True) if years > 10 else (years, False)


def cltv(conn: Conn, as_of: date, scope: Scope = EVERYONE) -> Cltv:
    window = trailing(as_of, 365)
    clause, params = scope.where()
    paid = conn.execute(
        f"SELECT count(*), avg(amount) FROM invoices WHERE paid_date >= :s AND paid_date < :e{clause}",
        {"s": window.s, "e": window.e, **params},
    ).fetchone()
    a_clause, a_params = scope.where("a.id")
    customers = conn.execute(
        f"SELECT count(*) FROM accounts a WHERE ({on_books('s')}"
        f" OR (a.start_date >= :s AND a.start_date < :e)){a_clause}",
        {"s": window.s, "e": window.e, **a_params},
    ).fetchone()[0]
    churn = logo_counts(conn, window, scope).churn_rate
    years, capped = lifespan(churn)
    apv = paid[1] if paid[0] else None
    apf = paid[0] / customers if customers and paid[0] else (0.0 if customers else None)
    return Cltv(apv, apf, years, capped, churn)


def projected_cltv(conn: Conn, as_of: date, account_id: int, scope: Scope = EVERYONE) -> float | None:
    """One account's paid invoice total over the trailing year x the portfolio lifespan (ACL)."""
    window = trailing(as_of, 365)
    total = conn.execute(
        "SELECT sum(amount) FROM invoices WHERE account_id = :a AND paid_date >= :s AND paid_date < :e",
        {"a": account_id, "s": window.s, "e": window.e},
    ).fetchone()[0]
    years, _ = lifespan(logo_counts(conn, window, scope).churn_rate)
    return None if total is None else total * years


@dataclass(frozen=True)
class Renewal:
    account_id: int
    renewal_date: str
    arr: float


def renewals_due(conn: Conn, as_of: date, days: int, scope: Scope = EVERYONE) -> list[Renewal]:
    """Accounts on the books after `as_of` renewing in `[as_of, as_of + days]` (due today counts), with ARR."""
    clause, params = scope.where("a.id")
    sql = f"""
        SELECT a.id, a.renewal_date, 12 * {_mrr_at("d")} FROM accounts a
        WHERE {on_books()} AND a.renewal_date >= :today AND a.renewal_date <= :until{clause}
        ORDER BY a.renewal_date, a.id
    """
    named = {
        "d": (as_of + timedelta(days=1)).isoformat(),
        "today": as_of.isoformat(),
        "until": (as_of + timedelta(days=days)).isoformat(),
        **params,
    }
    return [Renewal(*row) for row in conn.execute(sql, named)]


def renewals_within(
    conn: Conn, as_of: date, horizons: tuple[int, ...], scope: Scope = EVERYONE
) -> dict[int, list[Renewal]]:
    """`renewals_due` for several horizons from one query: the longest horizon's list (in renewal order),
    cut at each horizon's last day, so each list is exactly what its own call returns."""
    longest = renewals_due(conn, as_of, max(horizons), scope)
    return {
        days: [r for r in longest if r.renewal_date <= (as_of + timedelta(days=days)).isoformat()] for days in horizons
    }
