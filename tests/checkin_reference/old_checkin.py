"""[Reference copy for tests/test_checkin_equivalence.py of the code before issue 15; do not edit.]

The daily check-in queue: which accounts need attention today, why, and in what order.

Each rule is a row of the book's `checkin_rules` table (on/off and its threshold), evaluated for
every account in one query per rule (cstui/metrics/checkin_rules.py). The queue fits a morning
(issue 12): at most `checkin.capacity` accounts a day (a `health_config` row, default 12), the
most at stake first, the rest one line "N more waiting".

What is at stake: `stake = ARR x band x renewal x reasons`, where ARR is 12 x MRR (at least 1, so
accounts without revenue still rank among themselves), band weighs red 1, no data 0.5, yellow 0.6,
green 0.3 (ARR at risk), renewal weighs 3 within 30 days, 2 within 90, 1.5 within 180, else 1, and
reasons is the sum of each finding's rule weight (1 to 3: how severe), doubled for a finding that
is new or worse (against the fingerprint of the account's last review). Ties go to the band, then the key.

A review or a snooze stores the fingerprint of the reasons it saw (`"<rule>:<object>": severity`).
The account stays away until one of its reasons is new (a key not in the fingerprint) or worse (a
higher severity), or until `checkin.return_after_days` days (default 7) have passed since the
review, or the snooze date. What the CSM did today stays in the queue's `done`, so progress
survives a restart.
"""

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from cstui.metrics.bands import URGENCY, Band
from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown, health_for_accounts
from cstui.metrics.revenue import mrr_by_account
from cstui.metrics.usage import AccountUsage, usage_by_account, usage_window
from cstui.storage import reads
from tests.checkin_reference.old_rules import RULES, RuleInputs, RuleKind

DEFAULT_CAPACITY = 12
DEFAULT_RETURN_AFTER_DAYS = 7
BAND_STAKE = {Band.RED: 1.0, Band.YELLOW: 0.6, Band.NO_DATA: 0.5, Band.GREEN: 0.3}
RENEWAL_STAKE = ((30, 3.0), (90, 2.0), (180, 1.5))  # within so many days: weight


@dataclass(frozen=True)
class Rule:
    name: str
    enabled: bool
    threshold: float | None
    description: str


class Status(StrEnum):
    OPEN = "open"
    REVIEWED = "reviewed"
    SNOOZED = "snoozed"


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str  # names its object: "follow-up 'Send SSO guide' due 2026-11-16"
    kind: RuleKind = RuleKind.RISK
    action: str = ""  # what to do, in one line
    object: str = ""
    severity: int = 0
    new: bool = True  # not seen by the account's last review

    @property
    def key(self) -> str:
        return f"{self.rule}:{self.object}"


def fingerprint(reasons: list[Reason]) -> str:
    """What a review saw, stored with it: reason key -> severity, as JSON."""
    return json.dumps({r.key: r.severity for r in reasons}, sort_keys=True)


def _seen(stored: str | None) -> dict[str, int]:
    try:
        values = json.loads(stored) if stored else {}
    except ValueError:  # edited by hand into something else: as if nothing was seen
        return {}
    return {str(k): int(v) for k, v in values.items()} if isinstance(values, dict) else {}


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
    status: Status = Status.OPEN  # or what was done today
    snoozed_until: str | None = None
    stake: float = 0.0

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.reasons)

    @property
    def has_risk(self) -> bool:
        return any(r.kind is RuleKind.RISK for r in self.reasons)


@dataclass(frozen=True)
class CheckinSettings:
    capacity: int  # accounts a day
    return_after_days: int  # a reviewed account comes back after so many days even if nothing changed


@dataclass
class CheckinQueue:
    day: date
    settings: CheckinSettings
    items: list[CheckinItem]  # today's open accounts, the most at stake first, at most the capacity left
    waiting: list[CheckinItem]  # the open accounts beyond the capacity, in the same order
    done: list[CheckinItem]  # handled today (reviewed or snoozed)
    unknown_rules: list[str]  # rule rows in the book that no code evaluates (shown, not skipped silently)

    @property
    def reviewed(self) -> int:
        return sum(i.status is Status.REVIEWED for i in self.done)

    @property
    def snoozed(self) -> int:
        return sum(i.status is Status.SNOOZED for i in self.done)

    def to_json(self, include_waiting: bool = False) -> dict[str, Any]:
        """The day's queue for scripts: rank, account, reasons with their kind and what to do."""
        listed = self.items + (self.waiting if include_waiting else [])
        return {
            "day": self.day.isoformat(),
            "capacity": self.settings.capacity,
            "reviewed_today": self.reviewed,
            "snoozed_today": self.snoozed,
            "waiting": len(self.waiting),
            "queue": [_item_json(rank, item) for rank, item in enumerate(listed, 1)],
            "unknown_rules": self.unknown_rules,
        }


def _item_json(rank: int, item: CheckinItem) -> dict[str, Any]:
    return {
        "rank": rank,
        "account": item.key,
        "name": item.name,
        "band": str(item.band),
        "score": item.score,
        "arr": item.arr,
        "renewal_date": item.renewal_date,
        "stake": round(item.stake, 2),
        "reasons": [
            {"rule": r.rule, "kind": str(r.kind), "text": r.text, "action": r.action, "new": r.new}
            for r in item.reasons
        ],
    }


def load_rules(conn: Conn) -> dict[str, Rule]:
    """The book's rule rows (on/off, threshold, description), by name."""
    rows = conn.execute("SELECT name, enabled, threshold, description FROM checkin_rules")
    return {name: Rule(name, bool(enabled), threshold, text) for name, enabled, threshold, text in rows}


def load_settings(conn: Conn) -> CheckinSettings:
    """The check-in's settings (`checkin.*` rows of `health_config`), else the defaults."""
    values = dict(conn.execute("SELECT name, value FROM health_config WHERE name LIKE 'checkin.%'").fetchall())
    return CheckinSettings(
        int(values.get("checkin.capacity", DEFAULT_CAPACITY)),
        int(values.get("checkin.return_after_days", DEFAULT_RETURN_AFTER_DAYS)),
    )


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
    health = health if health is not None else health_for_accounts(conn, day)
    inputs = RuleInputs(conn, day, health, usage)
    reasons: dict[int, list[Reason]] = {a: [] for a in health}
    for name, definition in RULES.items():
        row = rows.get(name)
        if row is None or not row.enabled:
            continue
        threshold = row.threshold if row.threshold is not None else (definition.default_threshold or 0.0)
        for found in definition.find(inputs, threshold):
            if found.account in reasons:
                reasons[found.account].append(
                    Reason(name, found.text, definition.kind, definition.action, found.object, found.severity)
                )
    return {a: r for a, r in reasons.items() if r}


@dataclass(frozen=True)
class _State:
    """The account's latest check-in action up to the day."""

    day: str
    action: Status
    snoozed_until: str | None
    seen: dict[str, int]


def _latest_states(conn: Conn, day: date) -> dict[int, _State]:
    rows = conn.execute(
        """
        SELECT account_id, day, action, snoozed_until, fingerprint FROM checkin_state c
        WHERE day = (SELECT max(day) FROM checkin_state l WHERE l.account_id = c.account_id AND l.day <= ?)""",
        [day.isoformat()],
    )
    return {a: _State(d, Status(action), until, _seen(fp)) for a, d, action, until, fp in rows}


def _changed(reasons: list[Reason], seen: dict[str, int]) -> bool:
    """A reason the last review did not see, or one worse than it was then."""
    return any(r.key not in seen or r.severity > seen[r.key] for r in reasons)


def _still_away(state: _State, reasons: list[Reason], day: date, settings: CheckinSettings) -> bool:
    if _changed(reasons, state.seen):
        return False
    if state.action is Status.SNOOZED:
        return state.snoozed_until is not None and state.snoozed_until > day.isoformat()
    return (day - date.fromisoformat(state.day)).days < settings.return_after_days


def _renewal_weight(renewal: str | None, day: date) -> float:
    if renewal is None or renewal <= day.isoformat():
        return 1.0
    days = (date.fromisoformat(renewal) - day).days
    return next((weight for within, weight in RENEWAL_STAKE if days <= within), 1.0)


def stake(item: CheckinItem, day: date) -> float:
    """ARR at risk x urgency (see the module's docstring)."""
    reasons = sum(RULES[r.rule].weight * (2 if r.new else 1) for r in item.reasons if r.rule in RULES)
    band = BAND_STAKE.get(item.band, 0.5)
    return max(item.arr, 1.0) * band * _renewal_weight(item.renewal_date, day) * reasons


def _order(item: CheckinItem) -> tuple[float, int, str]:
    return (-item.stake, URGENCY.get(item.band, 2), item.key)


def checkin_queue(conn: Conn, day: date) -> CheckinQueue:
    """Today's queue: the open accounts the most at stake first, cut at the capacity, and what was done today."""
    settings = load_settings(conn)
    usage = usage_by_account(conn, usage_window(day))
    health = health_for_accounts(conn, day)
    reasons = account_reasons(conn, day, health, usage)
    states = _latest_states(conn, day)
    arr = mrr_by_account(conn, day + timedelta(days=1))
    info = reads.accounts(conn)
    open_items, done = [], []
    for a in sorted(set(reasons) | {a for a, s in states.items() if s.day == day.isoformat()}):
        if a not in health:
            continue
        state = states.get(a)
        found = reasons.get(a, [])
        if state is not None and state.day != day.isoformat() and _still_away(state, found, day, settings):
            continue
        seen = state.seen if state is not None else {}
        found = [
            Reason(
                r.rule, r.text, r.kind, r.action, r.object, r.severity, r.key not in seen or r.severity > seen[r.key]
            )
            for r in found
        ]
        who = info[a]
        item = CheckinItem(
            a, who.key, who.name, health[a].band, health[a].score, 12 * arr.get(a, 0.0), who.renewal_date, found
        )
        item.stake = stake(item, day)
        if state is not None and state.day == day.isoformat():
            item.status, item.snoozed_until = state.action, state.snoozed_until
            done.append(item)
        else:
            open_items.append(item)
    open_items.sort(key=_order)
    done.sort(key=_order)
    room = max(0, settings.capacity - len(done))
    return CheckinQueue(day, settings, open_items[:room], open_items[room:], done, unknown_rules(conn))
