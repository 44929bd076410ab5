"""The registry of health components: each declares its facts and its score once, in SQL.

Two evaluators are built from it, so they cannot disagree:

- the engine (`health.health_for_accounts`): every component's facts, score and details for the
  accounts asked, then the breakdown in Python (raw text from `describe`, staleness, weights);
- the month-end scorer (`month_ends.band_counts_at`): the same facts and scores for every account on
  the books, weighed into bands inside SQLite in one statement, without a breakdown.

A component's facts are SQL scalars evaluated per account row `a` of `accounts` (correlated
subqueries: an index seek per account into the window the component reads), or, for a component
that names `rows` (a table joined to `a`), aggregates over those rows, grouped by account: one range
scan for several sums of the same window (usage's active days and minutes). Its score is one SQL
expression over those facts, `{name}` standing for a fact; NULL means the account has no facts for
it (the component shows "no data", or `missing_score`). Its details are further scalars that only its
words need (`describe`), so the month-end scorer does not compute them. Every value is a bound
parameter: `:d` (the day), `:e` (the day after) and the component's own, named `<key>_...`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from cstui.metrics.base import Conn
from cstui.metrics.dates import book_date
from cstui.storage.predicates import identifier

Params = Callable[[Conn, date], dict[str, object]]


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


@dataclass(frozen=True)
class Facts:
    """One account's facts and details for one component, by the names it declared."""

    as_of: date
    values: Mapping[str, object]

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def number(self, name: str) -> float:
        """A numeric fact (a count or a sum, never NULL where `describe` reads it)."""
        value = self.values[name]
        assert isinstance(value, int | float), (name, value)
        return value

    def maybe(self, name: str) -> float | None:
        """A numeric fact that may be NULL (an average over no rows)."""
        value = self.values[name]
        return None if value is None else self.number(name)


@lru_cache(maxsize=4096)
def days_since(earlier: str, later: date, where: str) -> int:
    """Days from a fact's date (read from `where`) to `later`. Cached: a book has few distinct dates, and
    scoring every account asks for each of them thousands of times (a bad date still raises every time)."""
    return (later - book_date(earlier, where)).days


def _no_params(conn: Conn, day: date) -> dict[str, object]:
    return {}


@dataclass(frozen=True)
class ComponentDefinition:
    """A registered health component: its facts and score in SQL, its words, its staleness."""

    key: str
    label: str
    description: str
    stale_after: int | None  # days after which its newest fact is stale; None = never
    missing_raw: str  # the raw text for an account with no facts
    missing_score: float | None  # its score then (None = no data, weight shared out)
    facts: Mapping[str, str]  # name -> SQL scalar per account `a`: what the score is computed from
    score: str  # SQL over `{fact}`s: 0-100, NULL = no facts
    details: Mapping[str, str]  # name -> SQL scalar per account `a`: what only `describe` reads
    newest: str  # the fact or detail that is the date of the newest fact used
    newest_from: str  # where that date is read from (named when it is not a date)
    params: Params  # the component's bound parameters for a day, each named `<key>_...`
    describe: Callable[[Facts], str]  # the raw text of an account that has facts
    rows: str | None = None  # a table joined to `a` (`LEFT JOIN <rows>`), its facts aggregates over it

    def missing(self) -> Component:
        return Component(self.key, self.label, self.missing_raw, self.missing_score)

    def column(self, name: str) -> str:
        """The column a fact or detail of this component has in the built queries."""
        return f"{self.key}__{name}"

    def score_sql(self) -> str:
        """The score expression over the facts' columns."""
        return self.score.format(**{name: self.column(name) for name in self.facts})

    def bound(self, conn: Conn, day: date) -> dict[str, object]:
        """The component's parameters for `day`, checked to be its own (so no two components clash)."""
        values = self.params(conn, day)
        if foreign := [name for name in values if not name.startswith(f"{self.key}_")]:
            raise ValueError(f"health component {self.key!r}: parameters must be named {self.key}_...: {foreign}")
        return values


REGISTRY: dict[str, ComponentDefinition] = {}


def component(
    key: str,
    label: str,
    description: str,
    *,
    stale_after: int | None,
    missing_raw: str,
    facts: Mapping[str, str],
    score: str,
    newest: str,
    newest_from: str,
    details: Mapping[str, str] | None = None,
    params: Params = _no_params,
    missing_score: float | None = None,
    rows: str | None = None,
) -> Callable[[Callable[[Facts], str]], Callable[[Facts], str]]:
    """Register a component; the decorated function is its `describe` (the raw text from its facts)."""
    for name in (key, *facts, *(details or {})):
        identifier(name)  # column names are built from them
    if newest not in {**facts, **(details or {})}:
        raise ValueError(f"health component {key!r}: newest {newest!r} is not one of its facts or details")

    def register(describe: Callable[[Facts], str]) -> Callable[[Facts], str]:
        REGISTRY[key] = ComponentDefinition(
            key,
            label,
            description,
            stale_after,
            missing_raw,
            missing_score,
            dict(facts),
            score,
            dict(details or {}),
            newest,
            newest_from,
            params,
            describe,
            rows,
        )
        return describe

    return register


def facts_sql(accounts: str, details: bool) -> str:
    """`..., facts AS MATERIALIZED (...)`: per account of `accounts` (a condition on `a`), every
    registered component's facts (and, with `details`, its details), in columns `<key>__<name>`.

    A component with `rows` is read in a CTE of its own, grouped by account over its joined rows (one
    range scan per account for all its aggregates); the others are scalars of the `facts` row."""
    ctes, joins, columns = [], [], []
    for definition in REGISTRY.values():
        named = [*definition.facts.items(), *(definition.details.items() if details else ())]
        if definition.rows is None:
            columns += [f"{sql} AS {definition.column(name)}" for name, sql in named]
            continue
        cte = f"{definition.key}__rows"
        selected = ", ".join(f"{sql} AS {definition.column(name)}" for name, sql in named)
        ctes.append(
            f"{cte} AS MATERIALIZED (SELECT a.id AS account, {selected} FROM accounts a"
            f" LEFT JOIN {definition.rows} WHERE {accounts} GROUP BY a.id)"
        )
        joins.append(f" JOIN {cte} ON {cte}.account = a.id")
        columns += [f"{cte}.{definition.column(name)}" for name, _ in named]
    facts = (
        f"facts AS MATERIALIZED (SELECT a.id AS account, {', '.join(columns)}"
        f" FROM accounts a{''.join(joins)} WHERE {accounts})"
    )
    return ", ".join([*ctes, facts])


def bound(conn: Conn, day: date) -> dict[str, object]:
    """Every component's parameters for `day`, and `:d` (the day) and `:e` (the day after)."""
    values: dict[str, object] = {"d": day.isoformat(), "e": (day + timedelta(days=1)).isoformat()}
    for definition in REGISTRY.values():
        values.update(definition.bound(conn, day))
    return values
