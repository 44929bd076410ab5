"""The daily check-in queue: which accounts need attention today, and why.

Each rule is a row of the book's `checkin_rules` table (on/off and its threshold), evaluated for
every account in one query per rule. The queue is ordered most urgent first: band (red, yellow,
no data, green), then ARR (largest first), then the nearest renewal. What the CSM did today
(`checkin_state`) is carried in the items, so progress survives a restart and tomorrow starts afresh.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from cstui.metrics.bands import URGENCY, Band
from cstui.metrics.base import Conn
from cstui.metrics.checkin_rules import RULES, RuleInputs
from cstui.metrics.health import Breakdown, health_for_accounts
from cstui.metrics.revenue import mrr_by_account
from cstui.metrics.usage import AccountUsage, usage_by_account, usage_window
from cstui.storage import reads


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
    band: Band
    score: float | None
    arr: float
    renewal_date: str | None
    reasons: list[Reason] = field(default_factory=list)
    status: str = "open"  # open, reviewed or snoozed (today)
    snoozed_until: str | None = None

    @property
    def urgency(self) -> tuple[int, float, str, str]:
        return (URGENCY.get(self.band, 2), -self.arr, self.renewal_date or "9999-12-31", self.key)


def load_rules(conn: Conn) -> dict[str, Rule]:
    """The book's rule rows (on/off, threshold, description), by name."""
    rows = conn.execute("SELECT name, enabled, threshold, description FROM checkin_rules")
    return {name: Rule(name, bool(enabled), threshold, text) for name, enabled, threshold, text in rows}


def unknown_rules(conn: Conn) -> list[str]:
    """Rows of `checkin_rules` with no registered function: reported, since nothing evaluates them."""
    return sorted(name for name in load_rules(conn) if name not in RULES)


def account_reasons(
    conn: Conn, day: date, health: dict[int, Breakdown] | None = None, usage: dict[int, AccountUsage] | None = None
) -> dict[int, list[Reason]]:
    """Every active account's reasons to be looked at on `day` (accounts with none are left out).

    Rules run in the registry's order, each as its book row sets it (on/off, threshold).
    `health` and `usage` (trailing 30 days) may be passed in when the caller has computed them.
    """
    rows = load_rules(conn)
    if usage is None:
        usage = usage_by_account(conn, usage_window(day))
    health = health if health is not None else health_for_accounts(conn, day, usage=usage)
    inputs = RuleInputs(conn, day, health, usage)
    reasons: dict[int, list[Reason]] = {a: [] for a in health}
    for name, definition in RULES.items():
        row = rows.get(name)
        if row is None or not row.enabled:
            continue
        threshold = row.threshold if row.threshold is not None else (definition.default_threshold or 0.0)
        for account, text in definition.find(inputs, threshold):
            if account in reasons:
                reasons[account].append(Reason(name, text))
    return {a: r for a, r in reasons.items() if r}


@dataclass
class CheckinQueue:
    items: list[CheckinItem]  # most urgent first
    unknown_rules: list[str]  # rule rows in the book that no code evaluates (shown, not skipped silently)


def checkin_queue(conn: Conn, day: date) -> CheckinQueue:
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
    info = reads.accounts(conn)
    items = []
    for a in wanted:
        if a not in health:
            continue
        who = info[a]
        action, until = today_state.get(a, ("open", None))
        items.append(
            CheckinItem(
                a,
                who.key,
                who.name,
                health[a].band,
                health[a].score,
                12 * arr.get(a, 0.0),
                who.renewal_date,
                reasons.get(a, []),
                action,
                until,
            )
        )
    items.sort(key=lambda item: item.urgency)
    return CheckinQueue(items, unknown_rules(conn))
