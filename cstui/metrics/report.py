"""The portfolio and per-account reports: every contract metric for one date or period.

`cstui report`, the dashboard and the exports all read these dictionaries, so they agree.
Keys and windows follow the contract: survey metrics and self-service over the trailing 90 days,
churn, retention, GRR and NRR over the trailing 365 days, usage over the trailing 30 days, CLTV
over its own trailing year; `period` replaces every trailing window with `[start, end)` (CLTV
keeps its definition, as of the day before `end`).
"""

from datetime import date, timedelta

from cstui.metrics.base import EVERYONE, Conn, Period, Scope, trailing
from cstui.metrics.health import BANDS, Breakdown, account_health, band_counts, health_for_accounts
from cstui.metrics.logos import logo_counts
from cstui.metrics.mood import negative_notes, sentiment_by_month
from cstui.metrics.revenue import cltv, mrr_by_account, projected_cltv, renewals_due, revenue_retention, total_mrr
from cstui.metrics.support import support_counts
from cstui.metrics.surveys import survey_stats
from cstui.metrics.usage import AccountUsage, portfolio_usage, usage_by_account, usage_window
from cstui.storage.reads import account_keys

SURVEY_DAYS = 90
RETENTION_DAYS = 365
RENEWAL_HORIZONS = (30, 60, 90)


def windows(as_of: date, period: Period | None) -> dict[str, Period]:
    if period is not None:
        return {"surveys": period, "retention": period, "usage": period}
    return {
        "surveys": trailing(as_of, SURVEY_DAYS),
        "retention": trailing(as_of, RETENTION_DAYS),
        "usage": usage_window(as_of),
    }


def report_date(as_of: date | None, period: Period | None) -> date:
    if period is not None:
        return period.end - timedelta(days=1)
    return as_of or date.today()


def _survey_keys(stats) -> dict:
    return {
        "nps": stats.nps,
        "nps_responses": stats.nps_responses,
        "nps_promoters": stats.promoters,
        "nps_passives": stats.passives,
        "nps_detractors": stats.detractors,
        "csat": stats.csat,
        "csat_responses": stats.csat_responses,
        "ces": stats.ces,
        "ces_responses": stats.ces_responses,
        "ces_low_effort_pct": stats.ces_low_effort_pct,
    }


def sentiment_trend(conn: Conn, as_of: date, scope: Scope = EVERYONE, months: int = 12) -> list[dict]:
    """Mean sentiment (-2..2) of notes and comments per month, the last `months` months to as_of."""
    first = as_of.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return [
        {"month": m.month, "mean": m.mean, "count": m.count}
        for m in sentiment_by_month(conn, first, as_of + timedelta(days=1), scope)
    ]


def _keys(conn: Conn, account_ids: list[int]) -> list[str]:
    keys = account_keys(conn)
    return sorted(keys[a] for a in account_ids)


def portfolio_report(
    conn: Conn,
    as_of: date | None = None,
    period: Period | None = None,
    scope: Scope = EVERYONE,
    health: dict[int, Breakdown] | None = None,
) -> dict:
    """Every contract key (and a few more) for the book or one segment.

    `health` may pass in the breakdowns as of the report date when the caller already has them.
    """
    d = report_date(as_of, period)
    w = windows(d, period)
    logos = logo_counts(conn, w["retention"], scope)
    revenue = revenue_retention(conn, w["retention"], scope)
    value = cltv(conn, d, scope)
    per_account = usage_by_account(conn, w["usage"], scope)
    usage = portfolio_usage(conn, w["usage"], scope, per_account)
    if health is None:  # health reads the trailing-30-day usage; share it when that is the window
        shared = per_account if period is None else None
        health = health_for_accounts(conn, d, scope, usage=shared)
    mrr_now = mrr_by_account(conn, d + timedelta(days=1), scope)
    mrr = sum(mrr_now.values())
    renewals = {}
    for days in RENEWAL_HORIZONS:
        due = renewals_due(conn, d, days, scope)
        at_risk = [r for r in due if health.get(r.account_id) and health[r.account_id].band != "green"]
        renewals[f"{days}d"] = {
            "accounts": len(due),
            "arr": sum(r.arr for r in due),
            "at_risk_accounts": len(at_risk),
            "arr_at_risk": sum(r.arr for r in at_risk),
        }
    arr_by_band = {band: 0.0 for band in BANDS}
    for b in health.values():
        if b.band in arr_by_band:
            arr_by_band[b.band] += 12 * mrr_now.get(b.account_id, 0.0)
    return {
        "as_of": d.isoformat(),
        "windows": {name: str(p) for name, p in w.items()},
        "segment": scope.segment,
        "accounts_active": len(health),
        **_survey_keys(survey_stats(conn, w["surveys"], scope)),
        "churn_rate": logos.churn_rate,
        "retention_rate": logos.retention_rate,
        "accounts_start": logos.start,
        "accounts_new": logos.new,
        "accounts_churned": logos.churned,
        "grr": revenue.grr,
        "nrr": revenue.nrr,
        "revenue_churn": revenue.revenue_churn,
        "cltv": value.value,
        "cltv_lifespan_capped": value.lifespan_capped,
        "cltv_apv": value.apv,
        "cltv_apf": value.apf,
        "cltv_lifespan_years": value.lifespan_years,
        "adoption_rate": usage.adoption_rate,
        "engagement_score": usage.engagement_score,
        "active_days": usage.active_days,
        "minutes_per_active_user": usage.minutes_per_active_user,
        "feature_adoption": usage.feature_adoption,
        "self_service_rate": support_counts(conn, w["surveys"], scope).self_service_rate,
        "mrr": mrr,
        "arr": 12 * mrr,
        "health": band_counts(health),
        "health_arr": arr_by_band,
        "green_but_negative": _keys(
            conn, [a for a in negative_notes(conn, d, scope) if a in health and health[a].band == "green"]
        ),
        "renewals": renewals,
        "sentiment_by_month": sentiment_trend(conn, d, scope),
    }


def account_report(conn: Conn, account_id: int, as_of: date | None = None, period: Period | None = None) -> dict:
    """The survey, adoption and engagement keys for one account, plus its health breakdown."""
    d = report_date(as_of, period)
    w = windows(d, period)
    scope = Scope(account_id=account_id)
    key, name = conn.execute("SELECT key, name FROM accounts WHERE id = ?", [account_id]).fetchone()
    usage: AccountUsage = usage_by_account(conn, w["usage"], scope)[account_id]
    breakdown = account_health(conn, account_id, d)
    mrr = total_mrr(conn, d + timedelta(days=1), scope)
    return {
        "as_of": d.isoformat(),
        "account": key,
        "name": name,
        "windows": {name: str(p) for name, p in w.items()},
        **_survey_keys(survey_stats(conn, w["surveys"], scope)),
        "adoption_rate": usage.adoption,
        "engagement_score": usage.engagement,
        "active_days": usage.active_days if usage.has_usage else None,
        "minutes_per_active_user": usage.minutes_per_active_user,
        "self_service_rate": support_counts(conn, w["surveys"], scope).self_service_rate,
        "mrr": mrr,
        "arr": 12 * mrr,
        "cltv": projected_cltv(conn, d, account_id),
        "sentiment_by_month": sentiment_trend(conn, d, scope),
        "health_score": breakdown.score,
        "health_band": breakdown.band,
        "health_components": [
            {
                "component": c.key,
                "raw": c.raw,
                "score": c.score,
                "weight": c.weight,
                "share": c.share,
                "points": c.points,
                "newest_fact": c.newest,
                "stale": c.stale,
            }
            for c in breakdown.components
        ],
    }
