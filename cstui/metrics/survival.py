"""Retention curves: the Kaplan-Meier survival of accounts, by start cohort or segment.

Each account is followed from its start date to its churn date (an event) or to the report date
(censored: it is still a customer). The estimator is computed directly (a dozen lines) rather than
with lifelines, whose import would cost more than the whole computation. Checked against the
textbook Freireich 6-MP example in tests/test_backtest.py.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import Conn
from cstui.metrics.dates import book_date


@dataclass(frozen=True)
class SurvivalCurve:
    group: str
    accounts: int
    churned: int
    steps: list[tuple[float, float]]  # (day, survival just after it), starting at (0, 1.0)
    followed_days: float  # the longest follow-up in the group

    def survival_at(self, day: float) -> float:
        value = 1.0
        for t, s in self.steps:
            if t > day:
                break
            value = s
        return value

    @property
    def median_days(self) -> float | None:
        """The first day survival is at or below one half; None when it never gets there."""
        return next((t for t, s in self.steps if s <= 0.5), None)

    @property
    def implied_lifetime_years(self) -> float | None:
        """Mean lifetime if churn were constant (exponential): T / -ln S(T) at the longest follow-up."""
        s = self.survival_at(self.followed_days)
        if s >= 1.0 or self.followed_days <= 0:
            return None
        if s <= 0.0:
            return self.followed_days / 365.25
        return self.followed_days / -math.log(s) / 365.25


def kaplan_meier(group: str, durations: list[tuple[float, bool]]) -> SurvivalCurve:
    """Kaplan-Meier from (duration in days, churned?) pairs; censored at the same time go after events."""
    events: dict[float, int] = defaultdict(int)
    removed: dict[float, int] = defaultdict(int)
    for duration, churned in durations:
        removed[duration] += 1
        if churned:
            events[duration] += 1
    at_risk = len(durations)
    survival = 1.0
    steps = [(0.0, 1.0)]
    for t in sorted(removed):
        if events[t]:
            survival *= 1 - events[t] / at_risk
            steps.append((t, survival))
        at_risk -= removed[t]
    return SurvivalCurve(
        group, len(durations), sum(events.values()), steps, max((d for d, _ in durations), default=0.0)
    )


def retention_curves(conn: Conn, as_of: date, by: str = "segment") -> list[SurvivalCurve]:
    """One curve per segment or per start quarter ("cohort"), plus the whole book."""
    if by not in ("segment", "cohort"):
        raise ValueError(f"retention curves are by segment or cohort, not {by!r}")
    groups: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    d = as_of.isoformat()
    for start, churn, segment in conn.execute(
        "SELECT start_date, churn_date, segment FROM accounts WHERE start_date < ?", [d]
    ):
        churned = churn is not None and churn <= d
        end = book_date(churn, "accounts.churn_date") if churned else as_of
        duration = float((end - book_date(start, "accounts.start_date")).days)
        year, month = int(start[:4]), int(start[5:7])
        key = segment or "(none)" if by == "segment" else f"{year}Q{(month - 1) // 3 + 1}"
        groups[key].append((duration, churned))
        groups["all accounts"].append((duration, churned))
    return [kaplan_meier(name, groups[name]) for name in sorted(groups, key=lambda g: (g != "all accounts", g))]
