"""NPS, CSAT and CES over a period: the contract's formulas, counted in SQL."""

from dataclasses import dataclass

from cstui.metrics.base import EVERYONE, Conn, Period, Scope, pct
from cstui.storage import predicates as rule


@dataclass(frozen=True)
class SurveyStats:
    """Counts of one period's responses; the metrics are derived, undefined (None) with no responses."""

    nps_responses: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    csat_responses: int = 0
    csat_satisfied: int = 0
    ces_responses: int = 0
    ces_total: int = 0
    ces_low_effort: int = 0

    @property
    def nps(self) -> float | None:
        return pct(self.promoters - self.detractors, self.nps_responses)

    @property
    def csat(self) -> float | None:
        return pct(self.csat_satisfied, self.csat_responses)

    @property
    def ces(self) -> float | None:
        return self.ces_total / self.ces_responses if self.ces_responses else None

    @property
    def ces_low_effort_pct(self) -> float | None:
        return pct(self.ces_low_effort, self.ces_responses)


_COUNTS = f"""
    SELECT {{group}}
        sum(kind = 'nps'), sum({rule.nps_promoter()}), sum({rule.nps_passive()}), sum({rule.nps_detractor()}),
        sum(kind = 'csat'), sum({rule.csat_satisfied()}),
        sum(kind = 'ces'), sum(CASE WHEN kind = 'ces' THEN score ELSE 0 END), sum({rule.ces_low_effort()})
    FROM surveys WHERE responded_on >= :s AND responded_on < :e{{scope}}
"""


def survey_stats(conn: Conn, period: Period, scope: Scope = EVERYONE) -> SurveyStats:
    clause, params = scope.where()
    row = conn.execute(_COUNTS.format(group="", scope=clause), {"s": period.s, "e": period.e, **params}).fetchone()
    return SurveyStats(*(int(v or 0) for v in row))


def survey_stats_by_account(conn: Conn, period: Period, scope: Scope = EVERYONE) -> dict[int, SurveyStats]:
    clause, params = scope.where()
    sql = _COUNTS.format(group="account_id,", scope=clause) + " GROUP BY account_id"
    return {
        row[0]: SurveyStats(*(int(v or 0) for v in row[1:]))
        for row in conn.execute(sql, {"s": period.s, "e": period.e, **params})
    }
