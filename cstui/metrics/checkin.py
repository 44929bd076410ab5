"""The daily check-in queue: which accounts need attention today, why, and in what order.

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

The health comes from the caller (`scores_on`: the health cache's scores and bands on a day), so
the check-in itself only runs the rules, one set-based query each, and ranks the accounts they
found; an item object is built for the day's queue and for what was done today, and for the
accounts waiting beyond the capacity only when they are asked for.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from operator import itemgetter
from typing import Any, NamedTuple

from cstui.metrics.bands import URGENCY, Band
from cstui.metrics.base import Conn
from cstui.metrics.checkin_rules import RULES, Finding, RuleInputs, RuleKind, Score, ScoresOn
from cstui.metrics.revenue import mrr_by_account

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
    done: list[CheckinItem]  # handled today (reviewed or snoozed)
    unknown_rules: list[str]  # rule rows in the book that no code evaluates (shown, not skipped silently)
    waiting_count: int = 0  # the open accounts beyond the capacity
    # Builds the waiting accounts' items, the most at stake first (only when asked: there may be thousands).
    build_waiting: Callable[[], list[CheckinItem]] = list

    @cached_property
    def waiting(self) -> list[CheckinItem]:
        """The open accounts beyond the capacity, in the same order as `items`."""
        return self.build_waiting()

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
            "waiting": self.waiting_count,
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


Found = tuple[str, Finding]  # a rule's name and what it found


def _findings(conn: Conn, day: date, scores_on: ScoresOn, scores: dict[int, Score]) -> dict[int, list[Found]]:
    """What every enabled rule finds on `day`, by active account, in the registry's order."""
    rows = load_rules(conn)
    inputs = RuleInputs(conn, day, scores, scores_on)
    found: dict[int, list[Found]] = {}
    for name, definition in RULES.items():
        row = rows.get(name)
        if row is None or not row.enabled:
            continue
        threshold = row.threshold if row.threshold is not None else (definition.default_threshold or 0.0)
        for finding in definition.find(inputs, threshold):
            if finding.account in scores:
                if (listed := found.get(finding.account)) is None:
                    found[finding.account] = [(name, finding)]
                else:
                    listed.append((name, finding))
    return found


def _reason(name: str, finding: Finding, new: bool = True) -> Reason:
    definition = RULES[name]
    return Reason(name, finding.text, definition.kind, definition.action, finding.object, finding.severity, new)


def account_reasons(
    conn: Conn, day: date, scores_on: ScoresOn, scores: dict[int, Score] | None = None
) -> dict[int, list[Reason]]:
    """Every active account's reasons to be looked at on `day` (accounts with none are left out).

    Rules run in the registry's order, each as its book row sets it (on/off, threshold).
    `scores_on` gives the health scores and bands on a day; `scores` may pass in the day's.
    """
    scores = scores if scores is not None else scores_on(day)
    found = _findings(conn, day, scores_on, scores)
    return {a: [_reason(name, finding) for name, finding in found[a]] for a in scores if a in found}


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


def _news(found: list[Found], seen: dict[str, int]) -> list[bool]:
    """For each finding: new to the last review (a key it did not see), or worse than it was then."""
    news = []
    for name, finding in found:
        key = f"{name}:{finding.object}"
        news.append(key not in seen or finding.severity > seen[key])
    return news


def _still_away(state: _State, changed: bool, day: date, settings: CheckinSettings) -> bool:
    if changed:
        return False
    if state.action is Status.SNOOZED:
        return state.snoozed_until is not None and state.snoozed_until > day.isoformat()
    return (day - date.fromisoformat(state.day)).days < settings.return_after_days


class _Renewals:
    """The renewal weight of RENEWAL_STAKE on a day, by comparing dates as text (the book's dates are
    all YYYY-MM-DD): thousands of accounts are weighed without parsing a date each."""

    def __init__(self, day: date) -> None:
        self.today = day.isoformat()
        self.limits = [((day + timedelta(days=within)).isoformat(), weight) for within, weight in RENEWAL_STAKE]

    def weight(self, renewal: str | None) -> float:
        if renewal is None or renewal <= self.today:
            return 1.0
        return next((weight for limit, weight in self.limits if renewal <= limit), 1.0)


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


class _Ranked(NamedTuple):
    """An account found today, ranked, before its item is built (only the shown ones are)."""

    order: tuple[float, int, str]  # as `_order` of its item
    account_id: int
    found: list[Found]
    news: list[bool] | None  # None: no earlier review, every finding is new
    state: _State | None


def _account_facts(conn: Conn) -> dict[int, tuple[str, str, str | None]]:
    """Account -> (key, name, renewal date): what ranks and labels an item."""
    rows = conn.execute("SELECT id, key, name, renewal_date FROM accounts")
    return {a: (key, name, renewal) for a, key, name, renewal in rows}


def checkin_queue(conn: Conn, day: date, scores_on: ScoresOn) -> CheckinQueue:
    """Today's queue: the open accounts the most at stake first, cut at the capacity, and what was done today.

    `scores_on` gives the health scores and bands on a day (the health cache's `current_scores`):
    the queue asks for its day, the health_drop rule for 14 days before. The stake is `stake` of
    the item, computed before the item exists; items (and their reasons) are built for the shown.
    """
    settings = load_settings(conn)
    scores = scores_on(day)
    found = _findings(conn, day, scores_on, scores)
    states = _latest_states(conn, day)
    arr = mrr_by_account(conn, day + timedelta(days=1))
    facts = _account_facts(conn)
    weights = {name: definition.weight for name, definition in RULES.items()}
    renewals = _Renewals(day)
    today = day.isoformat()
    open_ranked: list[_Ranked] = []
    done_ranked: list[_Ranked] = []
    for a in found.keys() | {a for a, s in states.items() if s.day == today}:
        if a not in scores:
            continue
        state = states.get(a)
        mine = found.get(a, [])
        news = None
        if state is None:
            weight = 0
            for name, _ in mine:
                weight += 2 * weights[name]
        else:
            news = _news(mine, state.seen)
            if state.day != today and _still_away(state, any(news), day, settings):
                continue
            weight = sum(weights[name] * (2 if new else 1) for (name, _), new in zip(mine, news))
        band = scores[a][1]
        key, _, renewal = facts[a]
        at_stake = max(12 * arr.get(a, 0.0), 1.0) * BAND_STAKE.get(band, 0.5) * renewals.weight(renewal) * weight
        ranked = _Ranked((-at_stake, URGENCY.get(band, 2), key), a, mine, news, state)
        (done_ranked if state is not None and state.day == today else open_ranked).append(ranked)
    open_ranked.sort(key=itemgetter(0))  # by `order`: unique, since account keys are
    done_ranked.sort(key=itemgetter(0))

    def build(ranked: _Ranked) -> CheckinItem:
        key, name, renewal = facts[ranked.account_id]
        score, band = scores[ranked.account_id]
        news = ranked.news or [True] * len(ranked.found)
        reasons = [_reason(rule, finding, new) for (rule, finding), new in zip(ranked.found, news)]
        item = CheckinItem(ranked.account_id, key, name, band, score, 12 * arr.get(ranked.account_id, 0.0), renewal)
        item.reasons, item.stake = reasons, -ranked.order[0]
        if ranked.state is not None and ranked.state.day == today:
            item.status, item.snoozed_until = ranked.state.action, ranked.state.snoozed_until
        return item

    room = max(0, settings.capacity - len(done_ranked))
    waiting = open_ranked[room:]
    return CheckinQueue(
        day,
        settings,
        [build(r) for r in open_ranked[:room]],
        [build(r) for r in done_ranked],
        unknown_rules(conn),
        len(waiting),
        lambda: [build(r) for r in waiting],
    )
