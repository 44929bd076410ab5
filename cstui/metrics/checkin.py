"""The daily check-in queue: which accounts need attention today, and why.

Each rule is a row of the book's `checkin_rules` table (on/off and its threshold), evaluated for
every account in one query per rule. The queue is ordered most urgent first: band (red, yellow,
no data, green), then ARR (largest first), then the nearest renewal. What the CSM did today
(`checkin_state`) is carried in the items, so progress survives a restart and tomorrow starts afresh.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from cstui.metrics.base import Conn, trailing
from cstui.metrics.dates import book_date
from cstui.metrics.health import Breakdown, health_for_accounts
from cstui.metrics.mood import negative_notes
from cstui.metrics.revenue import mrr_by_account
from cstui.metrics.usage import AccountUsage, usage_by_account, usage_window

BAND_ORDER = {"red": 0, "yellow": 1, "no data": 2, "green": 3}


@dataclass(frozen=True)
class Rule:
    name: str
    enabled: bool
    threshold: float | None
    description: str


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str


@dataclass(slots=True)
class CheckinItem:
    account_id: int
    key: str
    name: str
    band: str
    score: float | None
    arr: float
    renewal_date: str | None
    reasons: list[Reason] = field(default_factory=list)
    status: str = "open"  # open, reviewed or snoozed (today)
    snoozed_until: str | None = None

    @property
    def urgency(self) -> tuple:
        return (BAND_ORDER.get(self.band, 2), -self.arr, self.renewal_date or "9999-12-31", self.key)


def load_rules(conn: Conn) -> dict[str, Rule]:
    rows = conn.execute("SELECT name, enabled, threshold, description FROM checkin_rules")
    return {name: Rule(name, bool(enabled), threshold, text) for name, enabled, threshold, text in rows}


def _threshold(rules: dict[str, Rule], name: str, default: float) -> float:
    rule = rules.get(name)
    return default if rule is None or rule.threshold is None else rule.threshold


def account_reasons(
    conn: Conn, day: date, health: dict[int, Breakdown] | None = None, usage: dict[int, AccountUsage] | None = None
) -> dict[int, list[Reason]]:
    """Every active account's reasons to be looked at on `day` (accounts with none are left out).

    `health` and `usage` (trailing 30 days) may be passed in when the caller has computed them.
    """
    rules = {name: rule for name, rule in load_rules(conn).items() if rule.enabled}
    if usage is None:
        usage = usage_by_account(conn, usage_window(day))
    health = health if health is not None else health_for_accounts(conn, day, usage=usage)
    accounts = list(health)
    d = day.isoformat()
    reasons: dict[int, list[Reason]] = {a: [] for a in accounts}

    def add(account: int, rule: str, text: str) -> None:
        if account in reasons:
            reasons[account].append(Reason(rule, text))

    if "band_red" in rules:
        for a, b in health.items():
            if b.band == "red":
                add(a, "band_red", f"health {b.score:.1f} is red")
    if "health_drop" in rules:
        drop = _threshold(rules, "health_drop", 10)
        earlier = health_for_accounts(conn, day - timedelta(days=14), accounts=accounts)
        for a, b in health.items():
            before = earlier.get(a)
            if b.score is not None and before and before.score is not None and before.score - b.score >= drop:
                add(
                    a,
                    "health_drop",
                    f"health fell {before.score - b.score:.1f} points in 14 days ({before.score:.1f} -> {b.score:.1f})",
                )
    if "unresolved_detractor" in rules:
        window = trailing(day, int(_threshold(rules, "unresolved_detractor", 14)))
        rows = conn.execute(
            """
            SELECT s.account_id, s.kind, s.score, s.responded_on FROM surveys s
            WHERE s.responded_on >= :s AND s.responded_on < :e
              AND ((s.kind = 'nps' AND s.score <= 6) OR (s.kind = 'csat' AND s.score <= 2))
              AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = s.account_id
                              AND i.occurred_on >= s.responded_on AND i.occurred_on < :e)
            ORDER BY s.responded_on""",
            {"s": window.s, "e": window.e},
        )
        for a, kind, score, on in rows:
            add(a, "unresolved_detractor", f"{kind.upper()} {score} on {on}, not followed up")
    if "renewal_at_risk" in rules:
        horizon = (day + timedelta(days=int(_threshold(rules, "renewal_at_risk", 90)))).isoformat()
        for a, renewal in conn.execute(
            "SELECT id, renewal_date FROM accounts WHERE renewal_date > ? AND renewal_date <= ?", [d, horizon]
        ):
            if a in health and health[a].band != "green":
                add(a, "renewal_at_risk", f"renews {renewal} and is {health[a].band}")
    if "no_contact" in rules:
        days = int(_threshold(rules, "no_contact", 30))
        last = dict(
            conn.execute(
                "SELECT account_id, max(occurred_on) FROM interactions WHERE occurred_on <= ? GROUP BY account_id", [d]
            ).fetchall()
        )
        for a in accounts:
            since = (day - book_date(last[a], "interactions.occurred_on")).days if a in last else None
            if since is None or since >= days:
                add(a, "no_contact", "no logged contact yet" if since is None else f"no contact for {since} days")
    if "overdue_invoice" in rules:
        for a, n, amount in conn.execute(
            "SELECT account_id, count(*), sum(amount) FROM invoices WHERE due_date < ? AND "
            "(paid_date IS NULL OR paid_date > ?) GROUP BY account_id",
            [d, d],
        ):
            add(a, "overdue_invoice", f"{n} overdue invoice{'s' if n > 1 else ''} ({amount:,.0f})")
    if "urgent_ticket" in rules:
        for a, n in conn.execute(
            "SELECT account_id, count(*) FROM tickets WHERE severity IN ('high', 'urgent') AND opened_on <= ? "
            "AND (closed_on IS NULL OR closed_on > ?) GROUP BY account_id",
            [d, d],
        ):
            add(a, "urgent_ticket", f"{n} open high/urgent ticket{'s' if n > 1 else ''}")
    if "follow_up_due" in rules:
        for a, n, first in conn.execute(
            "SELECT account_id, count(*), min(due_on) FROM tasks WHERE done_on IS NULL AND due_on <= ? "
            "GROUP BY account_id",
            [d],
        ):
            add(a, "follow_up_due", f"{n} follow-up{'s' if n > 1 else ''} due (since {first})")
    if "green_but_negative" in rules:
        for a, mood in negative_notes(conn, day, days=int(_threshold(rules, "green_but_negative", 30))).items():
            if a in health and health[a].band == "green":
                add(a, "green_but_negative", f"green, but recent notes read negative ({mood:+.1f})")
    if "stale_usage" in rules:
        days = int(_threshold(rules, "stale_usage", 14))
        for a, u in usage.items():
            if u.newest_usage and (day - book_date(u.newest_usage, "usage_daily.day")).days >= days:
                add(a, "stale_usage", f"no usage data since {u.newest_usage}")
    return {a: r for a, r in reasons.items() if r}


def checkin_queue(conn: Conn, day: date) -> list[CheckinItem]:
    """Today's queue, most urgent first, with what was already done today."""
    usage = usage_by_account(conn, usage_window(day))
    health = health_for_accounts(conn, day, usage=usage)
    reasons = account_reasons(conn, day, health, usage)
    d = day.isoformat()
    today_state = {
        a: (action, until)
        for a, action, until in conn.execute(
            "SELECT account_id, action, snoozed_until FROM checkin_state WHERE day = ?", [d]
        )
    }
    snoozed_earlier = {
        a
        for (a,) in conn.execute(
            "SELECT account_id FROM checkin_state WHERE action = 'snoozed' AND day < ? AND snoozed_until > ?", [d, d]
        )
    }
    wanted = (set(reasons) | set(today_state)) - snoozed_earlier
    arr = mrr_by_account(conn, day + timedelta(days=1))
    info = {
        a: (key, name, renewal)
        for a, key, name, renewal in conn.execute("SELECT id, key, name, renewal_date FROM accounts")
    }
    items = []
    for a in wanted:
        if a not in health:
            continue
        key, name, renewal = info[a]
        action, until = today_state.get(a, ("open", None))
        items.append(
            CheckinItem(
                a,
                key,
                name,
                health[a].band,
                health[a].score,
                12 * arr.get(a, 0.0),
                renewal,
                reasons.get(a, []),
                action,
                until,
            )
        )
    items.sort(key=lambda item: item.urgency)
    return items
