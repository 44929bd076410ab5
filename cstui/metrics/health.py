"""The customer health score: six components, configurable weights, an exact breakdown.

Each component is normalised to 0-100 from the account's dated facts up to the report date
(docs/metrics.md gives each rule with an example). A component with no data is shown as such and
its weight is shared out over the others in proportion, so `score = sum(points)` always holds:
points = score_i x weight_i / sum(weights of components with data).

Every component is computed for all accounts with one GROUP BY query, so scoring the whole book as
of a date is a handful of queries.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from cstui.errors import UserError
from cstui.metrics.base import EVERYONE, Conn, Scope, mean, trailing
from cstui.metrics.config_rules import config_problems
from cstui.metrics.dates import book_date
from cstui.metrics.logos import active_account_ids
from cstui.metrics.usage import AccountUsage, usage_by_account, usage_window

COMPONENTS = {  # key: label
    "usage": "Product usage",
    "adoption": "Feature adoption",
    "surveys": "Survey sentiment",
    "support": "Support load",
    "payment": "Payment history",
    "relationship": "Relationship",
}
SURVEY_DAYS = 180
SENTIMENT_DAYS = 90
LATE_DAYS_WINDOW = 365
# A component whose newest fact is older than this many days is marked stale.
# Where each component's newest fact comes from (named when that value is not a date).
NEWEST_FROM = {
    "usage": "usage_daily.day",
    "adoption": "feature_usage.day",
    "surveys": "surveys.responded_on",
    "support": "tickets.opened_on",
    "payment": "invoices.issued_date",
    "relationship": "interactions.occurred_on",
}
STALE_AFTER = {"usage": 14, "adoption": 14, "surveys": 365, "support": None, "payment": 62, "relationship": 60}
BANDS = ("green", "yellow", "red")


@dataclass(frozen=True)
class HealthConfig:
    weights: dict[str, float]
    green: float = 70.0
    yellow: float = 40.0

    def band(self, score: float | None) -> str:
        if score is None:
            return "no data"
        return "green" if score >= self.green else ("yellow" if score >= self.yellow else "red")


def load_config(conn: Conn) -> HealthConfig:
    """The book's weights and bands; a setting that is not a finite number (inf, text) stops with its fix."""
    rows = conn.execute("SELECT name, value FROM health_config").fetchall()
    if unusable := [p for p in config_problems(rows) if p.unusable]:
        raise UserError(
            f"the book's health settings cannot be used: {unusable[0].message}; fix with `{unusable[0].fix}` "
            "(`cstui doctor` checks every setting)"
        )
    values = dict(rows)
    weights = {key: float(values.get(f"weight.{key}", 0)) for key in COMPONENTS}
    return HealthConfig(weights, values.get("band.green", 70.0), values.get("band.yellow", 40.0))


@dataclass(slots=True)
class Component:
    key: str
    label: str
    raw: str  # the facts behind the score, in words
    score: float | None  # normalised 0-100, None = no data
    weight: float = 0.0  # as configured
    share: float = 0.0  # % of the score this component carries after no-data weight is shared out
    points: float = 0.0
    newest: str | None = None  # date of the newest fact it used
    stale: bool = False


@dataclass(slots=True)
class Breakdown:
    account_id: int
    as_of: str
    score: float | None
    band: str
    components: list[Component] = field(default_factory=list)

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)

    def rounded_points(self) -> list[float]:
        """Points to 0.1 that add up to the score shown (largest-remainder rounding)."""
        if self.score is None:
            return [0.0 for _ in self.components]
        tenths = [c.points * 10 for c in self.components]
        floors = [int(t // 1) for t in tenths]
        missing = round(round(self.score, 1) * 10) - sum(floors)  # the score as shown, in tenths
        order = sorted(range(len(tenths)), key=lambda i: tenths[i] - floors[i], reverse=True)
        for i in order[: max(0, missing)]:
            floors[i] += 1
        return [f / 10 for f in floors]

    def to_json(self) -> str:
        return json.dumps([asdict(c) for c in self.components])


def combine(account_id: int, as_of: date, components: list[Component], config: HealthConfig) -> Breakdown:
    """Weight the components into the score; no-data components give their weight to the rest."""
    total = sum(config.weights[c.key] for c in components if c.score is not None)
    score = None
    for c in components:
        c.weight = config.weights[c.key]
        if c.score is not None and total > 0:
            c.share = 100.0 * c.weight / total
            c.points = c.share * c.score / 100.0
    if total > 0:
        score = sum(c.points for c in components)
    return Breakdown(account_id, as_of.isoformat(), score, config.band(score), components)


def _days_between(earlier: str | None, later: date, where: str) -> int | None:
    return None if earlier is None else (later - book_date(earlier, where)).days


def _usage_component(u: AccountUsage | None) -> Component:
    if u is None or not u.has_usage:
        return Component("usage", COMPONENTS["usage"], "no usage data", None)
    growth = (
        "new usage"
        if u.previous_minutes == 0 and u.minutes > 0
        else (
            "no minutes either window"
            if u.growth_pct is None
            else f"minutes {u.growth_pct:+.0f}% vs prior {u.window_days}d"
        )
    )
    raw = f"{u.active_days}/{u.window_days} active days, {growth}"
    return Component("usage", COMPONENTS["usage"], raw, mean([u.stickiness, u.growth]), newest=u.newest_usage)


def _adoption_component(u: AccountUsage | None) -> Component:
    if u is None or u.adoption is None:
        return Component("adoption", COMPONENTS["adoption"], "no feature usage data", None)
    raw = f"{u.key_features_used}/{u.key_features} key features used in {u.window_days} days"
    return Component("adoption", COMPONENTS["adoption"], raw, u.adoption, newest=u.newest_feature_use)


def _survey_components(conn: Conn, as_of: date, scope: Scope) -> dict[int, Component]:
    window = trailing(as_of, SURVEY_DAYS)
    clause, params = scope.where()
    rows = conn.execute(
        f"""
        SELECT account_id, count(*),
            avg(CASE kind WHEN 'nps' THEN score * 10.0 WHEN 'csat' THEN (score - 1) * 25.0
                ELSE (7 - score) * 100.0 / 6 END),
            avg(CASE WHEN kind = 'nps' THEN score END), avg(CASE WHEN kind = 'csat' THEN score END),
            avg(CASE WHEN kind = 'ces' THEN score END), max(responded_on)
        FROM surveys WHERE responded_on >= :s AND responded_on < :e{clause} GROUP BY account_id""",
        {"s": window.s, "e": window.e, **params},
    )
    result = {}
    for account, n, score, nps, csat, ces, newest in rows:
        parts = [
            f"{label} {value:.1f}" for label, value in (("NPS", nps), ("CSAT", csat), ("CES", ces)) if value is not None
        ]
        raw = f"{' '.join(parts)} ({n} in {SURVEY_DAYS}d)"
        result[account] = Component("surveys", COMPONENTS["surveys"], raw, score, newest=newest)
    return result


def _support_components(conn: Conn, as_of: date, scope: Scope) -> dict[int, Component]:
    clause, params = scope.where()
    end = (as_of + timedelta(days=1)).isoformat()
    rows = conn.execute(
        f"""
        SELECT account_id, sum(severity IN ('low', 'normal')), sum(severity IN ('high', 'urgent')), max(opened_on)
        FROM tickets WHERE opened_on < :e AND (closed_on IS NULL OR closed_on >= :e){clause}
        GROUP BY account_id""",
        {"e": end, **params},
    )
    result = {}
    for account, normal, severe, newest in rows:
        score = max(0.0, 100.0 - 10 * normal - 25 * severe)
        raw = f"{normal + severe} open tickets ({severe} high/urgent)"
        result[account] = Component("support", COMPONENTS["support"], raw, score, newest=newest)
    return result


def _payment_components(conn: Conn, as_of: date, scope: Scope) -> dict[int, Component]:
    clause, params = scope.where()
    d = as_of.isoformat()
    year = trailing(as_of, LATE_DAYS_WINDOW)
    rows = conn.execute(
        f"""
        SELECT account_id,
            sum(due_date < :d AND (paid_date IS NULL OR paid_date > :d)),
            avg(CASE WHEN paid_date >= :ys AND paid_date <= :d
                THEN max(0, julianday(paid_date) - julianday(due_date)) END),
            max(issued_date)
        FROM invoices WHERE issued_date <= :d{clause} GROUP BY account_id""",
        {"d": d, "ys": year.s, **params},
    )
    result = {}
    for account, overdue, late, newest in rows:
        score = max(0.0, 100.0 - 25 * overdue - min(50.0, late or 0.0))
        late_text = "no payments in 365d" if late is None else f"paid {late:.0f}d late on average"
        raw = f"{overdue} overdue, {late_text}"
        result[account] = Component("payment", COMPONENTS["payment"], raw, score, newest=newest)
    return result


def recency_score(days: int) -> float:
    """100 within 14 days of the last contact, falling linearly to 0 at 90 days."""
    return max(0.0, min(100.0, 100.0 * (90 - days) / (90 - 14)))


def _relationship_components(conn: Conn, as_of: date, scope: Scope) -> dict[int, Component]:
    clause, params = scope.where()
    mood_window = trailing(as_of, SENTIMENT_DAYS)
    rows = conn.execute(
        f"""
        SELECT account_id, max(occurred_on),
            avg(CASE WHEN occurred_on >= :s THEN coalesce(sentiment, text_sentiment) END)
        FROM interactions WHERE occurred_on < :e{clause} GROUP BY account_id""",
        {"s": mood_window.s, "e": mood_window.e, **params},
    )
    result = {}
    for account, last, mood in rows:
        days = _days_between(last, as_of, NEWEST_FROM["relationship"])
        parts = [recency_score(days)]
        raw = f"last contact {days}d ago"
        if mood is not None:
            parts.append((mood + 2) * 25.0)
            raw += f", mood {mood:+.1f} of ±2 ({SENTIMENT_DAYS}d)"
        result[account] = Component("relationship", COMPONENTS["relationship"], raw, mean(parts), newest=last)
    return result


def health_for_accounts(
    conn: Conn,
    as_of: date,
    scope: Scope = EVERYONE,
    accounts: list[int] | None = None,
    usage: dict[int, AccountUsage] | None = None,
) -> dict[int, Breakdown]:
    """Breakdowns as of `as_of` for the given accounts (default: those on the books after it).

    `usage` may pass in `usage_by_account` for the trailing 30 days when the caller has read it.
    """
    config = load_config(conn)
    if accounts is None:
        accounts = active_account_ids(conn, as_of + timedelta(days=1), scope)
    if usage is None:
        usage = usage_by_account(conn, usage_window(as_of), scope)
    surveys = _survey_components(conn, as_of, scope)
    support = _support_components(conn, as_of, scope)
    payment = _payment_components(conn, as_of, scope)
    relationship = _relationship_components(conn, as_of, scope)
    result = {}
    for account in accounts:
        u = usage.get(account)
        components = [
            _usage_component(u),
            _adoption_component(u),
            surveys.get(account)
            or Component("surveys", COMPONENTS["surveys"], f"no responses in {SURVEY_DAYS} days", None),
            support.get(account) or Component("support", COMPONENTS["support"], "0 open tickets", 100.0),
            payment.get(account) or Component("payment", COMPONENTS["payment"], "no invoices yet", None),
            relationship.get(account)
            or Component("relationship", COMPONENTS["relationship"], "no logged contact", None),
        ]
        for c in components:
            limit = STALE_AFTER[c.key]
            age = _days_between(c.newest, as_of, NEWEST_FROM[c.key])
            c.stale = c.score is not None and limit is not None and age is not None and age > limit
        result[account] = combine(account, as_of, components, config)
    return result


def account_health(conn: Conn, account_id: int, as_of: date) -> Breakdown:
    """One account's breakdown: the same queries, restricted to that account."""
    return health_for_accounts(conn, as_of, Scope(account_id=account_id), [account_id])[account_id]


@dataclass(frozen=True)
class ComponentChange:
    key: str
    label: str
    points_before: float
    points_after: float
    score_before: float | None
    score_after: float | None

    @property
    def delta(self) -> float:
        return self.points_after - self.points_before


@dataclass(frozen=True)
class HealthChange:
    before: Breakdown
    after: Breakdown
    changes: list[ComponentChange]  # biggest driver first

    @property
    def delta(self) -> float | None:
        if self.before.score is None or self.after.score is None:
            return None
        return self.after.score - self.before.score

    @property
    def driver(self) -> ComponentChange | None:
        return self.changes[0] if self.changes and abs(self.changes[0].delta) >= 0.05 else None


def what_changed(before: Breakdown, after: Breakdown) -> HealthChange:
    """Per-component change in points between two breakdowns, the biggest mover first."""
    old = {c.key: c for c in before.components}
    changes = [
        ComponentChange(
            c.key,
            c.label,
            old[c.key].points if c.key in old else 0.0,
            c.points,
            old[c.key].score if c.key in old else None,
            c.score,
        )
        for c in after.components
    ]
    changes.sort(key=lambda ch: abs(ch.delta), reverse=True)
    return HealthChange(before, after, changes)


def breakdown_from_snapshot(account_id: int, as_of: str, score, band: str, components: str) -> Breakdown:
    return Breakdown(account_id, as_of, score, band, [Component(**c) for c in json.loads(components)])


def take_snapshot(conn: Conn, as_of: date, breakdowns: dict[int, Breakdown] | None = None) -> int:
    """Store every active account's breakdown for `as_of` (replacing that day's); one transaction.

    `breakdowns` may pass in `health_for_accounts(conn, as_of)` when the caller has just computed it.
    """
    if breakdowns is None:
        breakdowns = health_for_accounts(conn, as_of)
    with conn:
        conn.executemany(
            "INSERT INTO health_snapshots (account_id, as_of, score, band, components) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, as_of) DO UPDATE SET score = excluded.score, band = excluded.band,"
            " components = excluded.components",
            [(b.account_id, b.as_of, b.score, b.band, b.to_json()) for b in breakdowns.values()],
        )
    return len(breakdowns)


def previous_snapshot(conn: Conn, account_id: int, before: date) -> Breakdown | None:
    """The latest stored snapshot of an account dated before `before`."""
    row = conn.execute(
        "SELECT account_id, as_of, score, band, components FROM health_snapshots"
        " WHERE account_id = ? AND as_of < ? ORDER BY as_of DESC LIMIT 1",
        [account_id, before.isoformat()],
    ).fetchone()
    return breakdown_from_snapshot(*row) if row else None


def previous_snapshots(conn: Conn, before: date) -> dict[int, tuple[str, float | None]]:
    """For every account, its latest snapshot (date, score) before `before`: one query."""
    rows = conn.execute(
        """
        SELECT s.account_id, s.as_of, s.score FROM health_snapshots s
        JOIN (SELECT account_id, max(as_of) AS as_of FROM health_snapshots WHERE as_of < ? GROUP BY account_id) last
          ON last.account_id = s.account_id AND last.as_of = s.as_of""",
        [before.isoformat()],
    )
    return {account: (day, score) for account, day, score in rows}


def band_counts(breakdowns: dict[int, Breakdown]) -> dict[str, int]:
    counts = {band: 0 for band in BANDS}
    for b in breakdowns.values():
        if b.band in counts:
            counts[b.band] += 1
    return counts
