"""The check-in rules: why an account needs looking at today, one registered function per rule.

Each rule is a row of the book's `checkin_rules` table (on/off, threshold, description, from
migrations/0002) and a function registered here under the same name. Adding a rule is one function
with `@rule(...)` and one migration row; tests/test_checkin_rules.py checks that the two agree one
for one, and a row with no function is reported by the check-in rather than skipped in silence.
Each function finds its accounts for every account at once (one query, or the health already read).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn, trailing
from cstui.metrics.dates import book_date
from cstui.metrics.health import Breakdown, health_for_accounts
from cstui.metrics.mood import negative_notes
from cstui.metrics.usage import AccountUsage
from cstui.storage import predicates, reads


@dataclass(frozen=True)
class RuleInputs:
    """What every rule may read: the book, the day, and the health and 30-day usage already computed."""

    conn: Conn
    day: date
    health: dict[int, Breakdown]  # the active accounts' breakdowns
    usage: dict[int, AccountUsage]


Finding = tuple[int, str]  # account id, the reason in words
Finder = Callable[[RuleInputs, float], Iterable[Finding]]


@dataclass(frozen=True)
class RuleDefinition:
    name: str
    default_threshold: float | None  # the migration row's threshold; None = the rule takes none
    description: str  # as in the migration row; THRESHOLD stands for the threshold
    kind: str  # what the threshold counts: "points", "days", or "" for a rule without one
    find: Finder  # gets the row's threshold, else the default (0 for a rule without one)


RULES: dict[str, RuleDefinition] = {}


def rule(name: str, default_threshold: float | None, description: str, kind: str = "") -> Callable[[Finder], Finder]:
    """Register a check-in rule under the name of its `checkin_rules` row."""

    def register(find: Finder) -> Finder:
        RULES[name] = RuleDefinition(name, default_threshold, description, kind, find)
        return find

    return register


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


@rule("band_red", None, "health band is red")
def _band_red(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    return [(a, f"health {b.score:.1f} is red") for a, b in inputs.health.items() if b.band == Band.RED]


@rule("health_drop", 10, "health dropped by at least THRESHOLD points in 14 days", "points")
def _health_drop(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    earlier = health_for_accounts(inputs.conn, inputs.day - timedelta(days=14), accounts=list(inputs.health))
    for a, b in inputs.health.items():
        before = earlier.get(a)
        if b.score is not None and before and before.score is not None and before.score - b.score >= threshold:
            fell = before.score - b.score
            yield a, f"health fell {fell:.1f} points in 14 days ({before.score:.1f} -> {b.score:.1f})"


@rule(
    "unresolved_detractor",
    14,
    "a detractor (NPS <= 6) or CSAT <= 2 in the last THRESHOLD days not yet followed up",
    "days",
)
def _unresolved_detractor(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    window = trailing(inputs.day, int(threshold))
    rows = inputs.conn.execute(
        """
        SELECT s.account_id, s.kind, s.score, s.responded_on FROM surveys s
        WHERE s.responded_on >= :s AND s.responded_on < :e
          AND ((s.kind = 'nps' AND s.score <= 6) OR (s.kind = 'csat' AND s.score <= 2))
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = s.account_id
                          AND i.occurred_on >= s.responded_on AND i.occurred_on < :e)
        ORDER BY s.responded_on""",
        {"s": window.s, "e": window.e},
    )
    return [(a, f"{kind.upper()} {score} on {on}, not followed up") for a, kind, score, on in rows]


@rule("renewal_at_risk", 90, "renewal within THRESHOLD days and not green", "days")
def _renewal_at_risk(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    horizon = (inputs.day + timedelta(days=int(threshold))).isoformat()
    rows = inputs.conn.execute(
        "SELECT id, renewal_date FROM accounts WHERE renewal_date > ? AND renewal_date <= ?",
        [inputs.day.isoformat(), horizon],
    )
    health = inputs.health
    return [
        (a, f"renews {renewal} and is {health[a].band}")
        for a, renewal in rows
        if a in health and health[a].band != Band.GREEN
    ]


@rule("no_contact", 30, "no logged contact in THRESHOLD days", "days")
def _no_contact(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    last = reads.last_contacts(inputs.conn, inputs.day)
    for a in inputs.health:
        since = (inputs.day - book_date(last[a], "interactions.occurred_on")).days if a in last else None
        if since is None or since >= int(threshold):
            yield a, "no logged contact yet" if since is None else f"no contact for {since} days"


@rule("overdue_invoice", None, "an invoice is overdue")
def _overdue_invoice(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    rows = inputs.conn.execute(
        f"SELECT account_id, count(*), sum(amount) FROM invoices WHERE {predicates.overdue_invoice('d')}"
        " GROUP BY account_id",
        {"d": inputs.day.isoformat()},
    )
    return [(a, f"{_plural(n, 'overdue invoice')} ({amount:,.0f})") for a, n, amount in rows]


@rule("urgent_ticket", None, "an open high or urgent ticket")
def _urgent_ticket(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    rows = inputs.conn.execute(
        "SELECT account_id, count(*) FROM tickets"
        f" WHERE severity IN ('high', 'urgent') AND {predicates.open_ticket('d')} GROUP BY account_id",
        {"d": inputs.day.isoformat()},
    )
    return [(a, f"{_plural(n, 'open high/urgent ticket')}") for a, n in rows]


@rule("follow_up_due", None, "a follow-up is due today or overdue")
def _follow_up_due(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    due = reads.follow_ups_due(inputs.conn, inputs.day)
    return [(a, f"{_plural(n, 'follow-up')} due (since {first})") for a, (n, first) in due.items()]


@rule("green_but_negative", 30, "health green but notes of the last THRESHOLD days read negative", "days")
def _green_but_negative(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    moods = negative_notes(inputs.conn, inputs.day, days=int(threshold))
    health = inputs.health
    return [
        (a, f"green, but recent notes read negative ({mood:+.1f})")
        for a, mood in moods.items()
        if a in health and health[a].band == Band.GREEN
    ]


@rule("stale_usage", 14, "no usage data for THRESHOLD days", "days")
def _stale_usage(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    for a, u in inputs.usage.items():
        if u.newest_usage and (inputs.day - book_date(u.newest_usage, "usage_daily.day")).days >= int(threshold):
            yield a, f"no usage data since {u.newest_usage}"
