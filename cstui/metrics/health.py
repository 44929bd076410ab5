"""The customer health score: registered components, configurable weights, an exact breakdown.

Each component is normalised to 0-100 from the account's dated facts up to the report date
(docs/metrics.md gives each rule with an example; `health_components.py` defines each one once, in
SQL, for this engine and the month-end scorer alike). A component with no data is shown as such and
its weight is shared out over the others in proportion, so `score = sum(points)` always holds:
points = score_i x weight_i / sum(weights of components with data). An account has no score yet
(score None, no band) until at least MIN_COMPONENTS components are scored from its own facts:
support's 100 without an open ticket is a default, and alone it made a brand-new account green.

Every component's facts for all the accounts asked are read in one query (a seek per account into
each component's window), so scoring the whole book as of a date is one statement.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.metrics.bands import NO_SCORE_LABEL, SCORED, Band
from cstui.metrics.base import EVERYONE, Conn, Scope
from cstui.metrics.config_rules import config_problems
from cstui.metrics.health_components import LATE_DAYS_WINDOW, SENTIMENT_DAYS, SURVEY_DAYS
from cstui.metrics.health_registry import (
    REGISTRY,
    Component,
    ComponentDefinition,
    Facts,
    bound,
    component,
    days_since,
    facts_sql,
)
from cstui.metrics.logos import active_account_ids
from cstui.storage import reads, snapshots

__all__ = [
    "LATE_DAYS_WINDOW",
    "MIN_COMPONENTS",
    "REGISTRY",
    "SENTIMENT_DAYS",
    "SURVEY_DAYS",
    "Component",
    "component",
]

# A score needs this many components scored from the account's own facts (docs/metrics.md).
MIN_COMPONENTS = 2
# `health explain` compares with the health this many days ago when no snapshot is older; an account
# that started since is new: nothing earlier to compare with.
NEW_DAYS = 30


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


def _engine_sql() -> str:
    """Every registered component's score, facts and details for the accounts in `:accounts` (a JSON
    array), built from the registry as the month-end scorer's statement is."""
    scores = [f"{definition.score_sql()} AS {definition.key}" for definition in REGISTRY.values()]
    columns = [
        definition.column(name) for definition in REGISTRY.values() for name in (*definition.facts, *definition.details)
    ]
    accounts = "a.id IN (SELECT value FROM json_each(:accounts))"
    return f"WITH {facts_sql(accounts, details=True)} SELECT account, {', '.join(scores + columns)} FROM facts"


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where a component's score, newest date and facts sit in a row of `_engine_sql`."""

    definition: ComponentDefinition
    score: int
    newest: int
    start: int
    names: tuple[str, ...]

    def component(self, row: Any, as_of: date) -> Component:
        """One account's component: the registered words, or "no data" (or the default)."""
        definition, score, newest = self.definition, row[self.score], row[self.newest]
        age = None if newest is None else days_since(newest, as_of, definition.newest_from)  # a bad date stops
        if score is None:
            return definition.missing()
        values = dict(zip(self.names, row[self.start : self.start + len(self.names)], strict=True))
        c = Component(definition.key, definition.label, definition.describe(Facts(as_of, values)), score, newest=newest)
        limit = definition.stale_after
        c.stale = age is not None and limit is not None and age > limit
        return c


def _columns() -> list[_Columns]:
    """The layout of `_engine_sql`'s rows: account, the scores in registry order, then each one's facts."""
    layout, start = [], 1 + len(REGISTRY)
    for n, definition in enumerate(REGISTRY.values()):
        names = (*definition.facts, *definition.details)
        layout.append(_Columns(definition, 1 + n, start + names.index(definition.newest), start, names))
        start += len(names)
    return layout


def health_for_accounts(
    conn: Conn, as_of: date, scope: Scope = EVERYONE, accounts: list[int] | None = None
) -> dict[int, Breakdown]:
    """Breakdowns as of `as_of` for the given accounts (default: those in scope on the books after it)."""
    config = load_config(conn)
    if accounts is None:
        accounts = active_account_ids(conn, as_of + timedelta(days=1), scope)
    rows = conn.execute(_engine_sql(), {**bound(conn, as_of), "accounts": json.dumps(accounts)})
    by_account = {row[0]: row for row in rows}
    layout = _columns()
    result = {}
    for account in accounts:
        row = by_account.get(account)
        if row is None:  # not an account of the book: every component without facts
            components = [columns.definition.missing() for columns in layout]
        else:
            components = [columns.component(row, as_of) for columns in layout]
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
