"""The customer health score: six components, configurable weights, an exact breakdown.

Each component is normalised to 0-100 from the account's dated facts up to the report date
(docs/metrics.md gives each rule with an example). A component with no data is shown as such and
its weight is shared out over the others in proportion, so `score = sum(points)` always holds:
points = score_i x weight_i / sum(weights of components with data). An account has no score yet
(score None, no band) until at least MIN_COMPONENTS components are scored from its own facts:
support's 100 without an open ticket is a default, and alone it made a brand-new account green.

Every component is computed for all accounts with one GROUP BY query, so scoring the whole book as
of a date is a handful of queries.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.metrics.bands import NO_SCORE_LABEL, SCORED, Band
from cstui.metrics.base import EVERYONE, Conn, Scope, mean, trailing
from cstui.metrics.config_rules import config_problems
from cstui.metrics.dates import book_date
from cstui.metrics.logos import active_account_ids
from cstui.metrics.usage import AccountUsage, usage_by_account, usage_window
from cstui.storage import predicates as rule
from cstui.storage import reads, snapshots

SURVEY_DAYS = 180
SENTIMENT_DAYS = 90
LATE_DAYS_WINDOW = 365
# A score needs this many components scored from the account's own facts (docs/metrics.md).
MIN_COMPONENTS = 2
# `health explain` compares with the health this many days ago when no snapshot is older; an account
# that started since is new: nothing earlier to compare with.
NEW_DAYS = 30
# Where each component's newest fact comes from (named when that value is not a date).
NEWEST_FROM = {
    "usage": "usage_daily.day",
    "adoption": "feature_usage.day",
    "surveys": "surveys.responded_on",
    "support": "tickets.opened_on",
    "payment": "invoices.issued_date",
    "relationship": "interactions.occurred_on",
}


@dataclass(frozen=True)
class HealthConfig:
    weights: dict[str, float]
    green: float = 70.0
    yellow: float = 40.0

    def band(self, score: float | None) -> Band:
        if score is None:
            return Band.NO_DATA
        return Band.GREEN if score >= self.green else (Band.YELLOW if score >= self.yellow else Band.RED)


def load_config(conn: Conn) -> HealthConfig:
    """The book's weights and bands; a setting that is not a finite number (inf, text) stops with its fix."""
    rows = conn.execute("SELECT name, value FROM health_config").fetchall()
    if unusable := [p for p in config_problems(rows) if p.unusable]:
        raise UserError(
            f"the book's health settings cannot be used: {unusable[0].message}; fix with `{unusable[0].fix}` "
            "(`cstui doctor` checks every setting)"
        )
    values = dict(rows)
    weights = {key: float(values.get(f"weight.{key}", 0)) for key in REGISTRY}
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

    @property
    def has_facts(self) -> bool:
        """Scored from the account's own facts: every such score has the date of its newest fact; a
        default (support's 100 when no ticket is open) has none."""
        return self.score is not None and self.newest is not None


def shown_points(score: float | None, points: list[float], shares: list[float]) -> list[float]:
    """Points to 0.1 that add up to the score shown (largest-remainder rounding).

    One function for every place that prints a breakdown (`health explain`, `report --account`, the
    app, the brief), so the same component never shows 5.1 in one and 5.0 in another. A component's
    points never show above its shown weight share (it cannot carry more than its share): such a
    component is passed over while another can take the tenth.
    """
    if score is None:
        return [0.0 for _ in points]
    tenths = [p * 10 for p in points]
    floors = [int(t // 1) for t in tenths]
    missing = round(round(score, 1) * 10) - sum(floors)  # the score as shown, in tenths
    order = sorted(range(len(tenths)), key=lambda i: tenths[i] - floors[i], reverse=True)
    caps = [round(share * 10) for share in shares]
    fits = [i for i in order if floors[i] + 1 <= caps[i]]
    for i in (fits + [i for i in order if i not in fits])[: max(0, missing)]:
        floors[i] += 1
    return [f / 10 for f in floors]


@dataclass(slots=True)
class Breakdown:
    account_id: int
    as_of: str
    score: float | None
    band: Band
    components: list[Component] = field(default_factory=list)

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)

    def rounded_points(self) -> list[float]:
        """Points to 0.1 that add up to the score shown (largest-remainder rounding)."""
        return shown_points(self.score, [c.points for c in self.components], [c.share for c in self.components])

    def to_json(self) -> str:
        return json.dumps([asdict(c) for c in self.components])

    def why_no_score(self) -> str | None:
        """Why the account has no score yet, in words (None when it has one, or when its components
        with facts all weigh 0: a matter of settings, not of facts)."""
        known = [c.label for c in self.components if c.has_facts]
        if self.score is not None or len(known) >= MIN_COMPONENTS:
            return None
        have = f"only {known[0]} has" if known else "none has"
        return f"no score yet: a score needs facts from at least {MIN_COMPONENTS} components; {have} facts of its own"


def enough_facts(components: list[Component]) -> bool:
    """Whether an account has a score yet: MIN_COMPONENTS components scored from its own facts
    (whatever their weights: the rule says what is known of the account, the weights what counts)."""
    return sum(1 for c in components if c.has_facts) >= MIN_COMPONENTS


def combine(
    account_id: int, as_of: date, components: list[Component], config: HealthConfig, facts: bool | None = None
) -> Breakdown:
    """Weight the components into the score; no-data components give their weight to the rest.

    Too few components with facts (`enough_facts`, or `facts` when the caller counted them: the
    backtest re-weighs scores observed earlier): no score yet (None, no band); each component still
    shows its raw value and score, and carries no share or points."""
    weights = config.weights
    scored = enough_facts(components) if facts is None else facts
    total = sum([weights[c.key] for c in components if c.score is not None]) if scored else 0.0
    for c in components:
        c.weight = weight = weights[c.key]
        if c.score is not None and total > 0:
            c.share = share = 100.0 * weight / total
            c.points = share * c.score / 100.0
    score = sum([c.points for c in components]) if total > 0 else None
    return Breakdown(account_id, as_of.isoformat(), score, config.band(score), components)


@dataclass(frozen=True)
class ComponentInputs:
    """What a component reads: the book, the report date, the accounts in scope, their 30-day usage."""

    conn: Conn
    as_of: date
    scope: Scope
    usage: dict[int, AccountUsage]


Scorer = Callable[[ComponentInputs], dict[int, Component]]


@dataclass(frozen=True)
class ComponentDefinition:
    """A registered health component: how it is scored, and what an account without facts gets."""

    key: str
    label: str
    description: str
    stale_after: int | None  # days after which its newest fact is stale; None = never
    missing_raw: str  # the raw text for an account with no facts
    missing_score: float | None  # its score then (None = no data, weight shared out)
    compute: Scorer

    def missing(self) -> Component:
        return Component(self.key, self.label, self.missing_raw, self.missing_score)


REGISTRY: dict[str, ComponentDefinition] = {}


def component(
    key: str,
    label: str,
    description: str,
    *,
    stale_after: int | None,
    missing_raw: str,
    missing_score: float | None = None,
) -> Callable[[Callable[[ComponentInputs], dict[int, Component]]], Callable[[ComponentInputs], dict[int, Component]]]:
    """Register a component: `compute` scores every account in scope that has facts (one query)."""

    def register(compute: Scorer) -> Scorer:
        REGISTRY[key] = ComponentDefinition(key, label, description, stale_after, missing_raw, missing_score, compute)
        return compute

    return register


@lru_cache(maxsize=4096)
def _days_since(earlier: str, later: date, where: str) -> int:
    """Days from a fact's date (read from `where`) to `later`. Cached: a book has few distinct dates, and
    scoring every account asks for each of them thousands of times (a bad date still raises every time)."""
    return (later - book_date(earlier, where)).days


def _usage_component(u: AccountUsage | None) -> Component:
    if u is None or not u.has_usage:
        return REGISTRY["usage"].missing()
    growth_pct = u.growth_pct
    growth = (
        "new usage"
        if u.previous_minutes == 0 and u.minutes > 0
        else (
            "no minutes either window"
            if growth_pct is None
            else f"minutes {growth_pct:+.0f}% vs prior {u.window_days}d"
        )
    )
    raw = f"{u.active_days}/{u.window_days} active days, {growth}"
    return Component("usage", REGISTRY["usage"].label, raw, mean([u.stickiness, u.growth]), newest=u.newest_usage)


def _adoption_component(u: AccountUsage | None) -> Component:
    adoption = None if u is None else u.adoption
    if u is None or adoption is None:
        return REGISTRY["adoption"].missing()
    raw = f"{u.key_features_used}/{u.key_features} key features used in {u.window_days} days"
    return Component("adoption", REGISTRY["adoption"].label, raw, adoption, newest=u.newest_feature_use)


@component(
    "usage",
    "Product usage",
    "stickiness (active days / 30) and growth of minutes vs the 30 days before, averaged",
    stale_after=14,
    missing_raw="no usage data",
)
def _usage_components(inputs: ComponentInputs) -> dict[int, Component]:
    return {a: _usage_component(u) for a, u in inputs.usage.items()}


@component(
    "adoption",
    "Feature adoption",
    "share of the key features used in the last 30 days",
    stale_after=14,
    missing_raw="no feature usage data",
)
def _adoption_components(inputs: ComponentInputs) -> dict[int, Component]:
    return {a: _adoption_component(u) for a, u in inputs.usage.items()}


@component(
    "surveys",
    "Survey sentiment",
    f"mean of NPS, CSAT and CES responses of the last {SURVEY_DAYS} days, each on 0-100",
    stale_after=365,
    missing_raw=f"no responses in {SURVEY_DAYS} days",
)
def _survey_components(inputs: ComponentInputs) -> dict[int, Component]:
    conn, as_of, scope = inputs.conn, inputs.as_of, inputs.scope
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
        # Average scores on each survey's own scale (an NPS average of 3.7 is not an NPS of 3.7).
        scales = (("NPS", nps, 10), ("CSAT", csat, 5), ("CES", ces, 7))
        parts = [f"{label} {value:.1f}/{top}" for label, value, top in scales if value is not None]
        raw = f"avg {' '.join(parts)} ({n} in {SURVEY_DAYS}d)"
        result[account] = Component("surveys", REGISTRY["surveys"].label, raw, score, newest=newest)
    return result


@component(
    "support",
    "Support load",
    "100 less 10 per open low/normal ticket and 25 per open high/urgent one",
    stale_after=None,
    missing_raw="0 open tickets",
    missing_score=100.0,
)
def _support_components(inputs: ComponentInputs) -> dict[int, Component]:
    conn, as_of, scope = inputs.conn, inputs.as_of, inputs.scope
    clause, params = scope.where()
    rows = conn.execute(
        f"""
        SELECT account_id, sum(severity IN ('low', 'normal')), sum(severity IN ('high', 'urgent')), max(opened_on)
        FROM tickets WHERE {rule.open_ticket("d")}{clause}
        GROUP BY account_id""",
        {"d": as_of.isoformat(), **params},
    )
    result = {}
    for account, normal, severe, newest in rows:
        score = max(0.0, 100.0 - 10 * normal - 25 * severe)
        raw = f"{normal + severe} open tickets ({severe} high/urgent)"
        result[account] = Component("support", REGISTRY["support"].label, raw, score, newest=newest)
    return result


@component(
    "payment",
    "Payment history",
    f"100 less 25 per overdue invoice and the mean days paid late in {LATE_DAYS_WINDOW} days (at most 50)",
    stale_after=62,
    missing_raw="no invoices yet",
)
def _payment_components(inputs: ComponentInputs) -> dict[int, Component]:
    conn, as_of, scope = inputs.conn, inputs.as_of, inputs.scope
    clause, params = scope.where()
    d = as_of.isoformat()
    year = trailing(as_of, LATE_DAYS_WINDOW)
    rows = conn.execute(
        f"""
        SELECT account_id,
            sum({rule.overdue_invoice("d")}),
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
        result[account] = Component("payment", REGISTRY["payment"].label, raw, score, newest=newest)
    return result


def recency_score(days: int) -> float:
    """100 within 14 days of the last contact, falling linearly to 0 at 90 days."""
    return max(0.0, min(100.0, 100.0 * (90 - days) / (90 - 14)))


@component(
    "relationship",
    "Relationship",
    f"recency of the last logged contact, averaged with the mood of the last {SENTIMENT_DAYS} days' notes",
    stale_after=60,
    missing_raw="no logged contact",
)
def _relationship_components(inputs: ComponentInputs) -> dict[int, Component]:
    conn, as_of, scope = inputs.conn, inputs.as_of, inputs.scope
    clause, params = scope.where()
    mood_window = trailing(as_of, SENTIMENT_DAYS)
    in_window = "occurred_on >= :s AND occurred_on < :e"
    # The last contact (the rule of `reads.last_contacts`) and the window's mood, in one pass.
    rows = conn.execute(
        f"""
        SELECT account_id, max(CASE WHEN {rule.contact_by("d")} THEN occurred_on END),
            avg(CASE WHEN {in_window} THEN coalesce(sentiment, text_sentiment) END)
        FROM interactions WHERE ({rule.contact_by("d")} OR ({in_window})){clause} GROUP BY account_id""",
        {"d": as_of.isoformat(), "s": mood_window.s, "e": mood_window.e, **params},
    )
    result = {}
    for account, last, mood in rows:
        if last is None:
            continue
        days = _days_since(last, as_of, NEWEST_FROM["relationship"])
        parts = [recency_score(days)]
        raw = f"last contact {days}d ago"
        if mood is not None:
            parts.append((mood + 2) * 25.0)
            raw += f", mood {mood:+.1f} of ±2 ({SENTIMENT_DAYS}d)"
        result[account] = Component("relationship", REGISTRY["relationship"].label, raw, mean(parts), newest=last)
    return result


class Scored(dict[int, Breakdown]):
    """What `health_for_accounts` returns: the breakdowns by account, plus the usage facts they were
    scored from, so `portfolio_report(..., health=...)` does not read the book's usage a second time."""

    def __init__(self, breakdowns: dict[int, Breakdown], as_of: date, scope: Scope, usage: dict[int, AccountUsage]):
        super().__init__(breakdowns)
        self.as_of = as_of
        self.scope = scope
        self.usage = usage  # usage_by_account over the trailing 30 days to as_of, for the accounts in scope


def health_for_accounts(
    conn: Conn,
    as_of: date,
    scope: Scope = EVERYONE,
    accounts: list[int] | None = None,
    usage: dict[int, AccountUsage] | None = None,
) -> dict[int, Breakdown]:
    """Breakdowns as of `as_of` for the given accounts (default: those on the books after it).

    `usage` may pass in `usage_by_account` for the trailing 30 days when the caller has read it.
    The result is a `Scored` (a dict that also carries the usage it was scored from).
    """
    config = load_config(conn)
    if accounts is None:
        accounts = active_account_ids(conn, as_of + timedelta(days=1), scope)
    if usage is None:
        usage = usage_by_account(conn, usage_window(as_of), scope)
    inputs = ComponentInputs(conn, as_of, scope, usage)
    scored = [(definition, definition.compute(inputs), NEWEST_FROM[key]) for key, definition in REGISTRY.items()]
    ages: dict[str, int] = {}  # newest-fact date -> days to as_of, each date read once
    result = {}
    for account in accounts:
        components = []
        for definition, by_account, where in scored:
            c = by_account.get(account) or definition.missing()
            if (newest := c.newest) is not None:  # every newest date is read as a date (a bad one stops here)
                age = ages.get(newest)
                if age is None:
                    age = ages[newest] = _days_since(newest, as_of, where)
                limit = definition.stale_after
                c.stale = c.score is not None and limit is not None and age > limit
            components.append(c)
        result[account] = combine(account, as_of, components, config)
    return Scored(result, as_of, scope, usage)


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
        """The component that moved most in the direction the score moved.

        A component moving the other way cannot explain the change: when a first survey arrives the
        other components' shares shrink, so a fall can come with one component's points rising.
        """
        total = self.delta
        moved = [ch for ch in self.changes if abs(ch.delta) >= 0.05]
        if total is not None and abs(total) >= 0.05:
            moved = [ch for ch in moved if (ch.delta > 0) == (total > 0)]
        return moved[0] if moved else None

    @property
    def reshared(self) -> list[str]:
        """Components whose data appeared or went missing: the weights were shared out again."""
        return [
            f"{ch.label} {'has data now' if ch.score_after is not None else 'has no data now'}"
            for ch in self.changes
            if (ch.score_before is None) != (ch.score_after is None)
        ]

    def summary(self) -> str:
        """The change in points and its driver; in words when either side has no score yet."""
        delta = self.delta
        if delta is not None:
            return f"{delta:+.1f} points; {self.explanation()}"
        if self.before.score is None and self.after.score is None:
            return "no score yet, then or now"
        then, now = (NO_SCORE_LABEL if s is None else f"{s:.1f}" for s in (self.before.score, self.after.score))
        return f"{then} then, {now} now"

    def explanation(self) -> str:
        """The driver and any re-sharing of weights, in words, for the account screen and the CLI."""
        driver = self.driver
        text = f"biggest driver: {driver.label} {driver.delta:+.1f}" if driver else "no component moved"
        if self.reshared:
            text += f"; weights re-shared ({', '.join(self.reshared)})"
        return text


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


def take_snapshot(db: Database, as_of: date, breakdowns: dict[int, Breakdown] | None = None) -> int:
    """Store every active account's breakdown for `as_of` (replacing that day's); one write transaction.

    `breakdowns` may pass in `health_for_accounts(db.conn, as_of)` when the caller has just computed it.
    """
    if breakdowns is None:
        breakdowns = health_for_accounts(db.conn, as_of)
    return snapshots.save_snapshots(
        db, (snapshots.SnapshotRow(b.account_id, b.as_of, b.score, b.band, b.to_json()) for b in breakdowns.values())
    )


def previous_snapshot(conn: Conn, account_id: int, before: date) -> Breakdown | None:
    """The latest stored breakdown of an account dated before `before`."""
    row = snapshots.latest_before(conn, account_id, before)
    if row is None:
        return None
    components = [Component(**c) for c in json.loads(row.components)]
    return Breakdown(row.account_id, row.as_of, row.score, Band(row.band), components)


def is_new(started: str, as_of: date) -> bool:
    """Started within the last NEW_DAYS days: what changed is not asked of it before it existed."""
    return started > (as_of - timedelta(days=NEW_DAYS)).isoformat()


def baseline(conn: Conn, account_id: int, as_of: date, fallback_days: int | None = None) -> Breakdown | None:
    """What a score's change is explained against: the latest snapshot before `as_of`, else (with
    `fallback_days`) the account's health that many days before. Never a day before the account
    started (its start date comes after it): a new account has nothing to compare with (None)."""
    started = reads.account(conn, account_id).start_date
    old = previous_snapshot(conn, account_id, as_of)
    if old is not None and old.as_of >= started:
        return old
    if fallback_days is None:
        return None
    then = as_of - timedelta(days=fallback_days)
    return account_health(conn, account_id, then) if then.isoformat() >= started else None


def previous_snapshots(conn: Conn, before: date) -> dict[int, tuple[str, float | None]]:
    """For every account, its latest snapshot (date, score) before `before`."""
    return snapshots.latest_scores_before(conn, before)


def band_counts(breakdowns: dict[int, Breakdown]) -> dict[Band, int]:
    """Accounts per scored band (accounts with no score yet are not counted)."""
    counts = dict.fromkeys(SCORED, 0)
    for b in breakdowns.values():
        if b.band in counts:
            counts[b.band] += 1
    return counts


# Component key -> label, in the registry's order (the order of every breakdown).
COMPONENTS = {key: definition.label for key, definition in REGISTRY.items()}
