"""The portfolio and per-account reports: every contract metric for one date or period.

`cstui report`, the dashboard and the account brief all read these dataclasses, so they agree;
`to_json()` gives the contract's JSON (key order and names fixed by the fields' order and names).
Windows follow the contract: survey metrics and self-service over the trailing 90 days, churn,
retention, GRR and NRR over the trailing 365 days, usage over the trailing 30 days, CLTV over its
own trailing year; `period` replaces every trailing window with `[start, end)` (CLTV keeps its
definition, as of the day before `end`).
"""

import json
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from cstui import clock
from cstui.metrics.bands import SCORED, Band
from cstui.metrics.base import EVERYONE, Conn, Period, Scope, trailing
from cstui.metrics.health import Breakdown, account_health, band_counts, health_for_accounts
from cstui.metrics.logos import logo_counts
from cstui.metrics.months import month_starts
from cstui.metrics.mood import MonthMood, negative_notes, sentiment_by_month
from cstui.metrics.revenue import cltv, mrr_by_account, projected_cltv, renewals_within, revenue_retention, total_mrr
from cstui.metrics.support import support_counts
from cstui.metrics.surveys import SurveyStats, survey_stats
from cstui.metrics.usage import portfolio_usage, usage_by_account, usage_window
from cstui.storage.reads import account, account_keys

N = TypeVar("N", int, float)
FLATTEN = {"flatten": True}  # field metadata: the nested dataclass's keys sit in the parent's JSON object


def plain(value: Any) -> Any:
    """Dataclasses (and the dicts and lists holding them) as JSON-ready dicts, lists and scalars."""
    if is_dataclass(value) and not isinstance(value, type):
        result: dict[str, Any] = {}
        for f in fields(value):
            item = plain(getattr(value, f.name))
            if f.metadata.get("flatten"):
                result.update(item)
            else:
                result[f.name] = item
        return result
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Band):
        return value.label  # "no score yet", as every screen says it
    return value


class JsonReport:
    """A report that prints as the contract's JSON."""

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = plain(self)
        return result

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)


@dataclass(frozen=True)
class Windows:
    """The period each group of figures covers, as `[start, end)` text."""

    surveys: str
    retention: str
    usage: str

    def of(self, group: str | None) -> str:
        """The window of a figure group (surveys, retention, usage); '' for figures without one."""
        return str(getattr(self, group)) if group in ("surveys", "retention", "usage") else ""


@dataclass(frozen=True)
class SurveyFigures:
    """NPS, CSAT and CES with their counts, keyed as the contract names them."""

    nps: float | None
    nps_responses: int
    nps_promoters: int
    nps_passives: int
    nps_detractors: int
    csat: float | None
    csat_responses: int
    ces: float | None
    ces_responses: int
    ces_low_effort_pct: float | None

    @classmethod
    def of(cls, stats: SurveyStats) -> "SurveyFigures":
        return cls(
            stats.nps,
            stats.nps_responses,
            stats.promoters,
            stats.passives,
            stats.detractors,
            stats.csat,
            stats.csat_responses,
            stats.ces,
            stats.ces_responses,
            stats.ces_low_effort_pct,
        )


@dataclass(frozen=True)
class PerBand(Generic[N]):
    """One number per scored band (accounts, ARR)."""

    green: N
    yellow: N
    red: N

    def __getitem__(self, band: Band) -> N:
        return {Band.GREEN: self.green, Band.YELLOW: self.yellow, Band.RED: self.red}[band]


@dataclass(frozen=True)
class RenewalFigures:
    """Renewals due within a horizon, and those of them not green."""

    accounts: int
    arr: float
    at_risk_accounts: int
    arr_at_risk: float


@dataclass(frozen=True)
class PortfolioReport(JsonReport):
    """Every contract key (and a few more) for the book or one segment."""

    as_of: str
    windows: Windows
    segment: str | None
    accounts_active: int
    surveys: SurveyFigures = field(metadata=FLATTEN)
    churn_rate: float | None
    retention_rate: float | None
    accounts_start: int
    accounts_new: int
    accounts_churned: int
    grr: float | None
    nrr: float | None
    revenue_churn: float | None
    cltv: float | None
    cltv_lifespan_capped: bool
    cltv_apv: float | None
    cltv_apf: float | None
    cltv_lifespan_years: float
    adoption_rate: float | None
    engagement_score: float | None
    active_days: float | None
    minutes_per_active_user: float | None
    feature_adoption: dict[str, float]
    self_service_rate: float | None
    mrr: float
    arr: float
    health: PerBand[int]
    health_arr: PerBand[float]
    health_no_score: int  # active accounts with no score yet (docs/metrics.md): in no band
    green_but_negative: list[str]
    renewals: dict[str, RenewalFigures]  # "30d", "60d", "90d"
    sentiment_by_month: list[MonthMood]


@dataclass(frozen=True)
class ComponentFigures:
    """One health component as the account report shows it."""

    component: str
    raw: str
    score: float | None
    weight: float
    share: float
    points: float
    newest_fact: str | None
    stale: bool


@dataclass(frozen=True)
class AccountReport(JsonReport):
    """The survey, adoption and engagement keys for one account, plus its health breakdown."""

    as_of: str
    account: str
    name: str
    windows: Windows
    surveys: SurveyFigures = field(metadata=FLATTEN)
    adoption_rate: float | None
    engagement_score: float | None
    active_days: int | None
    minutes_per_active_user: float | None
    self_service_rate: float | None
    mrr: float
    arr: float
    cltv: float | None
    sentiment_by_month: list[MonthMood]
    health_score: float | None
    health_band: Band
    health_components: list[ComponentFigures]


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


def _windows(w: dict[str, Period]) -> Windows:
    return Windows(str(w["surveys"]), str(w["retention"]), str(w["usage"]))


def report_date(as_of: date | None, period: Period | None) -> date:
    if period is not None:
        return period.end - timedelta(days=1)
    return as_of or clock.today()


def sentiment_trend(conn: Conn, as_of: date, scope: Scope = EVERYONE, months: int = 12) -> list[MonthMood]:
    """Mean sentiment (-2..2) of notes and comments per month, the last `months` months to as_of."""
    first = month_starts(as_of, months)[0]
    return sentiment_by_month(conn, first, as_of + timedelta(days=1), scope)


def portfolio_report(
    conn: Conn,
    as_of: date | None = None,
    period: Period | None = None,
    scope: Scope = EVERYONE,
    health: dict[int, Breakdown] | None = None,
) -> PortfolioReport:
    """Every contract figure (and a few more) for the book or one segment.

    `health` may pass in the breakdowns as of the report date when the caller already has them.
    """
    d = report_date(as_of, period)
    w = windows(d, period)
    logos = logo_counts(conn, w["retention"], scope)
    revenue = revenue_retention(conn, w["retention"], scope)
    value = cltv(conn, d, scope)
    usage = portfolio_usage(conn, w["usage"], scope)
    if health is None:
        health = health_for_accounts(conn, d, scope)
    mrr_now = mrr_by_account(conn, d + timedelta(days=1), scope)
    mrr = sum(mrr_now.values())
    renewals = {}
    for days, due in renewals_within(conn, d, RENEWAL_HORIZONS, scope).items():
        at_risk = [r for r in due if r.account_id in health and health[r.account_id].band != Band.GREEN]
        renewals[f"{days}d"] = RenewalFigures(
            len(due), sum(r.arr for r in due), len(at_risk), sum(r.arr for r in at_risk)
        )
    arr_by_band = dict.fromkeys(SCORED, 0.0)
    for b in health.values():
        if b.band in arr_by_band:
            arr_by_band[b.band] += 12 * mrr_now.get(b.account_id, 0.0)
    counts = band_counts(health)
    green_but_negative = [a for a in negative_notes(conn, d, scope) if a in health and health[a].band == Band.GREEN]
    keys = account_keys(conn, green_but_negative)
    return PortfolioReport(
        as_of=d.isoformat(),
        windows=_windows(w),
        segment=scope.segment,
        accounts_active=len(health),
        surveys=SurveyFigures.of(survey_stats(conn, w["surveys"], scope)),
        churn_rate=logos.churn_rate,
        retention_rate=logos.retention_rate,
        accounts_start=logos.start,
        accounts_new=logos.new,
        accounts_churned=logos.churned,
        grr=revenue.grr,
        nrr=revenue.nrr,
        revenue_churn=revenue.revenue_churn,
        cltv=value.value,
        cltv_lifespan_capped=value.lifespan_capped,
        cltv_apv=value.apv,
        cltv_apf=value.apf,
        cltv_lifespan_years=value.lifespan_years,
        adoption_rate=usage.adoption_rate,
        engagement_score=usage.engagement_score,
        active_days=usage.active_days,
        minutes_per_active_user=usage.minutes_per_active_user,
        feature_adoption=usage.feature_adoption,
        self_service_rate=support_counts(conn, w["surveys"], scope).self_service_rate,
        mrr=mrr,
        arr=12 * mrr,
        health=PerBand(counts[Band.GREEN], counts[Band.YELLOW], counts[Band.RED]),
        health_arr=PerBand(arr_by_band[Band.GREEN], arr_by_band[Band.YELLOW], arr_by_band[Band.RED]),
        health_no_score=len(health) - sum(counts.values()),
        green_but_negative=sorted(keys[a] for a in green_but_negative),
        renewals=renewals,
        sentiment_by_month=sentiment_trend(conn, d, scope),
    )


def account_report(
    conn: Conn, account_id: int, as_of: date | None = None, period: Period | None = None
) -> AccountReport:
    """The survey, adoption and engagement figures for one account, plus its health breakdown."""
    d = report_date(as_of, period)
    w = windows(d, period)
    scope = Scope(account_id=account_id)
    info = account(conn, account_id)
    usage = usage_by_account(conn, w["usage"], scope)[account_id]
    breakdown = account_health(conn, account_id, d)
    mrr = total_mrr(conn, d + timedelta(days=1), scope)
    return AccountReport(
        as_of=d.isoformat(),
        account=info.key,
        name=info.name,
        windows=_windows(w),
        surveys=SurveyFigures.of(survey_stats(conn, w["surveys"], scope)),
        adoption_rate=usage.adoption,
        engagement_score=usage.engagement,
        active_days=usage.active_days if usage.has_usage else None,
        minutes_per_active_user=usage.minutes_per_active_user,
        self_service_rate=support_counts(conn, w["surveys"], scope).self_service_rate,
        mrr=mrr,
        arr=12 * mrr,
        cltv=projected_cltv(conn, d, account_id),
        sentiment_by_month=sentiment_trend(conn, d, scope),
        health_score=breakdown.score,
        health_band=breakdown.band,
        health_components=[
            ComponentFigures(c.key, c.raw, c.score, c.weight, c.share, c.points, c.newest, c.stale)
            for c in breakdown.components
        ],
    )
