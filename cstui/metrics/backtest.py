"""Backtest the health score against the book's own churn history.

For every month-end whose outcome is known (month-end + horizon <= report date), every account on
the books is scored as of that day and labelled by whether it churned within the horizon. The score
is then judged as a churn predictor: ROC AUC of (100 - score), churn rate by band, each component's
own AUC, how long before churn accounts first turned red, and the accounts that churned while green.

Component scores are computed once per month-end; any other weights are tried by recombining them,
so a what-if or a weight search costs no further queries.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from cstui.metrics.bands import SCORED, Band
from cstui.metrics.base import Conn
from cstui.metrics.dates import book_date
from cstui.metrics.health import (
    COMPONENTS,
    Breakdown,
    Component,
    HealthConfig,
    combine,
    enough_facts,
    health_for_accounts,
    load_config,
)
from cstui.metrics.months import month_ends

LEAD_WINDOW_DAYS = 180
# The bound on the backtest's work: at most this many month-ends (ten years) are scored, the latest
# ones, so a far-future --as-of cannot run for hours.
MAX_MONTH_ENDS = 120


@dataclass(frozen=True, slots=True)
class Observation:
    account_id: int
    as_of: date
    scores: dict[str, float | None]  # component -> normalised score (None = no data)
    facts: bool  # enough components scored from its own facts for a score (`health.enough_facts`)
    churn_date: date | None  # the account's churn date, if it ever churned (up to the report date)
    churned_within: bool  # churned within the horizon after as_of


def observe(conn: Conn, as_of: date, horizon: int = 90) -> list[Observation]:
    """Score every account at every month-end whose horizon has passed by `as_of` (the latest
    MAX_MONTH_ENDS of them)."""
    churn = {
        a: book_date(c, "accounts.churn_date")
        for a, c in conn.execute(
            "SELECT id, churn_date FROM accounts WHERE churn_date IS NOT NULL AND churn_date <= ?", [as_of.isoformat()]
        )
    }
    first = conn.execute("SELECT min(start_date) FROM accounts").fetchone()[0]
    if first is None:
        return []
    observations = []
    for day in month_ends(book_date(first, "accounts.start_date"), as_of - timedelta(days=horizon))[-MAX_MONTH_ENDS:]:
        for account, breakdown in health_for_accounts(conn, day).items():
            churned = churn.get(account)
            observations.append(
                Observation(
                    account,
                    day,
                    {c.key: c.score for c in breakdown.components},
                    enough_facts(breakdown.components),
                    churned,
                    churned is not None and day < churned <= day + timedelta(days=horizon),
                )
            )
    return observations


def auc(pairs: list[tuple[float, bool]]) -> float | None:
    """ROC AUC of a risk (higher = more likely to churn) against outcomes; ties count one half.

    Mann-Whitney with mid-ranks; None when there is no churned or no retained observation.
    """
    positives = sum(1 for _, churned in pairs if churned)
    negatives = len(pairs) - positives
    if not positives or not negatives:
        return None
    ordered = sorted(pairs, key=lambda p: p[0])
    rank_sum = 0.0
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # ranks i+1 .. j share their mean
        rank_sum += mid_rank * sum(1 for k in range(i, j) if ordered[k][1])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


@dataclass
class BacktestResult:
    config: HealthConfig
    observations: int
    churned_observations: int
    auc: float | None
    churn_rate_by_band: dict[Band, float | None]
    observations_by_band: dict[Band, int]
    component_auc: dict[str, float | None]
    lead_times_days: list[int]  # per churned account first red within 180 days before churn
    churned_accounts: int
    churned_while_green: list[Breakdown] = field(default_factory=list)

    @property
    def median_lead_days(self) -> float | None:
        values = sorted(self.lead_times_days)
        if not values:
            return None
        middle = len(values) // 2
        return float(values[middle]) if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def _breakdown(obs: Observation, config: HealthConfig) -> Breakdown:
    components = [Component(key, label, "", obs.scores.get(key)) for key, label in COMPONENTS.items()]
    return combine(obs.account_id, obs.as_of, components, config, obs.facts)


def evaluate(observations: list[Observation], config: HealthConfig) -> BacktestResult:
    """Judge one set of weights and thresholds on the observations."""
    scored = [(obs, _breakdown(obs, config)) for obs in observations]
    with_score = [(obs, b, b.score) for obs, b in scored if b.score is not None]
    by_band: dict[Band, list[bool]] = {band: [] for band in SCORED}
    for obs, b, _ in with_score:
        by_band[b.band].append(obs.churned_within)
    component_auc = {
        key: auc(
            [(100 - score, obs.churned_within) for obs in observations if (score := obs.scores.get(key)) is not None]
        )
        for key in COMPONENTS
    }
    leads = []
    green_churns = []
    churned_accounts = {obs.account_id: obs.churn_date for obs in observations if obs.churn_date}
    history: dict[int, list[tuple[Observation, Breakdown]]] = {}
    for obs, b in scored:
        if obs.account_id in churned_accounts:
            history.setdefault(obs.account_id, []).append((obs, b))
    for account, churned_on in churned_accounts.items():
        before = [(o, b) for o, b in history.get(account, []) if o.as_of < churned_on]
        if not before:
            continue
        reds = [o.as_of for o, b in before if b.band == Band.RED and (churned_on - o.as_of).days <= LEAD_WINDOW_DAYS]
        if reds:
            leads.append((churned_on - min(reds)).days)
        last = before[-1][1]
        if last.band == Band.GREEN:
            green_churns.append(last)
    return BacktestResult(
        config=config,
        observations=len(with_score),
        churned_observations=sum(1 for obs, _, _ in with_score if obs.churned_within),
        auc=auc([(100 - score, obs.churned_within) for obs, _, score in with_score]),
        churn_rate_by_band={band: (100 * sum(v) / len(v) if v else None) for band, v in by_band.items()},
        observations_by_band={band: len(v) for band, v in by_band.items()},
        component_auc=component_auc,
        lead_times_days=leads,
        churned_accounts=len(churned_accounts),
        churned_while_green=green_churns,
    )


def score_auc(observations: list[Observation], weights: dict[str, float]) -> float | None:
    """The AUC of the health score under `weights`, without building breakdowns (the search's inner loop)."""
    keys = list(COMPONENTS)
    pairs = []
    for obs in observations:
        total = points = 0.0
        for key in keys:
            value = obs.scores.get(key)
            if value is not None and weights[key] > 0:
                total += weights[key]
                points += weights[key] * value
        if total:
            pairs.append((100 - points / total, obs.churned_within))
    return auc(pairs)


def suggest_weights(
    observations: list[Observation], base: HealthConfig, rounds: int = 3, seed: int = 0
) -> tuple[HealthConfig, float | None]:
    """Search weights (5-50 in steps of 5) that raise the backtest AUC: coordinate ascent.

    A search over a few weights is enough: six weights, an objective that is cheap once the
    component scores are known, and a result a CSM can read and argue with (a fitted logistic
    regression's coefficients would also need the no-data rule re-learnt). Every component keeps a
    weight of at least 5 - the regularisation: the history of one book is too short to drop a signal.
    """
    rng = random.Random(seed)
    weights = dict(base.weights)
    best = score_auc(observations, weights) or 0.0
    keys = list(COMPONENTS)
    for _ in range(rounds):
        rng.shuffle(keys)
        for key in keys:
            for value in range(5, 55, 5):
                trial = dict(weights, **{key: float(value)})
                score = score_auc(observations, trial) or 0.0
                if score > best + 1e-9:
                    best, weights = score, trial
    return HealthConfig(weights, base.green, base.yellow), best


def backtest(
    conn: Conn, as_of: date, horizon: int = 90, weights: dict[str, float] | None = None
) -> tuple[list[Observation], BacktestResult]:
    """Observations and the result for the book's weights (or `weights`), ready to compare."""
    observations = observe(conn, as_of, horizon)
    config = load_config(conn)
    if weights:
        config = HealthConfig({**config.weights, **weights}, config.green, config.yellow)
    return observations, evaluate(observations, config)
