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

The work is in two steps (issue 15): `day_findings` runs the rules and weighs every active account
(`DayFindings`, which cstui/derived/checkin_day.py keeps in the book per book version and day);
`queue_from` adds what a check-in action changes - each account's latest review or snooze - and
ranks. Only the accounts those touch are ranked again; the others keep the order stored with the
findings. Follow-ups are reminders, not reasons (issue 25): no rule reads them, so completing or
setting one never re-ranks an account.

Coverage (cstui/metrics/coverage.py, issue 25) keeps room in the day for the accounts at risk
that have waited past their bound (red 5 working days, any risk 15), whatever their ARR.
"""

import heapq
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from itertools import islice
from operator import itemgetter
from typing import Any, NamedTuple

from cstui.metrics.bands import URGENCY, Band
from cstui.metrics.base import Conn
from cstui.metrics.checkin_rules import RULES, Finding, RuleInputs, RuleKind, Score, ScoresOn
from cstui.metrics.coverage import (
    CoverageSettings,
    WeekCoverage,
    first_checkin_day,
    load_coverage,
    week_coverage,
    working_days,
)
from cstui.metrics.revenue import mrr_by_account
from cstui.storage.tasklist import OpenTask, open_tasks

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
    waited: int = 0  # working days since the account was last seen (coverage.py)
    covered: bool = False  # shown in a place kept for the accounts past their coverage bound

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
    oldest_wait: int = 0  # working days the longest-waiting of them has waited since last seen
    coverage: CoverageSettings = field(default_factory=CoverageSettings.defaults)
    build_week: Callable[[], WeekCoverage] | None = None
    # The reminders due by the day (follow-ups and playbook steps the CSM set): listed, never reasons.
    due_today: list[OpenTask] = field(default_factory=list)

    @cached_property
    def waiting(self) -> list[CheckinItem]:
        """The open accounts beyond the capacity, in the same order as `items`."""
        return self.build_waiting()

    @cached_property
    def week(self) -> WeekCoverage | None:
        """The week's coverage so far (built when asked: it reads every account's reasons)."""
        return self.build_week() if self.build_week is not None else None

    def waiting_line(self) -> str:
        """The waiting line, "N more waiting, the oldest for D working days" ("" when none wait)."""
        if not self.waiting_count:
            return ""
        days = "working day" if self.oldest_wait == 1 else "working days"
        return f"{self.waiting_count} more waiting, the oldest for {self.oldest_wait} {days}"

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
            "oldest_wait_days": self.oldest_wait,
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
        "waited_days": item.waited,
        "covered": item.covered,
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


def _findings(
    conn: Conn,
    day: date,
    scores_on: ScoresOn,
    scores: dict[int, Score],
    between: Callable[[], None] | None = None,
) -> dict[int, list[Found]]:
    """What every enabled rule finds on `day`, by active account (the scored ones), in the
    registry's order; `between` is called before each rule."""
    rows = load_rules(conn)
    inputs = RuleInputs(conn, day, scores, scores_on)
    found: dict[int, list[Found]] = {}
    for name, definition in RULES.items():
        row = rows.get(name)
        if row is None or not row.enabled:
            continue
        threshold = row.threshold if row.threshold is not None else (definition.default_threshold or 0.0)
        if between is not None:
            between()
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


class _Ranked(NamedTuple):
    """An account found today, ranked, before its item is built (only the shown ones are)."""

    order: tuple[float, int, str]  # (-stake, urgency of its band, key): the queue's order
    account_id: int
    found: list[Found] | None  # None: the day's findings as stored (read when its item is built)
    news: list[bool] | None  # None: no earlier review, every finding is new
    state: _State | None
    wait: int = 0  # working days since last seen (coverage.py)


def _account_facts(conn: Conn) -> dict[int, tuple[str, str, str | None]]:
    """Account -> (key, name, renewal date): what ranks and labels an item."""
    rows = conn.execute("SELECT id, key, name, renewal_date FROM accounts")
    return {a: (key, name, renewal) for a, key, name, renewal in rows}


class Entry(NamedTuple):
    """An active account on the day as the kept rules left it: what labels its item and ranks it."""

    account_id: int
    key: str
    name: str
    renewal: str | None
    score: float | None
    band: Band
    arr: float  # 12 x MRR at the start of the next day
    base: float  # the stake before the reasons' weight: max(ARR, 1) x band x renewal
    weight: int  # the findings' weight when every one is new (0: nothing found)


def _entry_order(entry: Entry) -> tuple[float, int, str]:
    """The order of the account's item ((-stake, urgency of its band, key)) when every finding is new
    and no other reason is added."""
    return (-(entry.base * entry.weight), URGENCY.get(entry.band, 2), entry.key)


@dataclass
class DayFindings:
    """What the rules found on a day, for every active account, with what ranks them: the part
    of the check-in that only a change to the book's facts can change."""

    day: date
    entries: dict[int, Entry]  # every account on the books after the day
    ranked: list[int]  # the accounts with findings, in `_entry_order`
    found_of: Callable[[int], list[Found]]  # an account's findings ([] if none), in the registry's order


def day_findings(conn: Conn, day: date, scores_on: ScoresOn, between: Callable[[], None] | None = None) -> DayFindings:
    """Run the rules on `day` and weigh every active account. `between` is called before each
    rule (a worker preparing the check-in ahead waits there while the app is busy)."""
    scores = scores_on(day)
    found = _findings(conn, day, scores_on, scores, between=between)
    arr = mrr_by_account(conn, day + timedelta(days=1))
    facts = _account_facts(conn)
    weights = {name: definition.weight for name, definition in RULES.items()}
    renewals = _Renewals(day)
    entries = {}
    for a, (score, band) in scores.items():
        key, name, renewal = facts[a]
        held = 12 * arr.get(a, 0.0)
        base = max(held, 1.0) * BAND_STAKE.get(band, 0.5) * renewals.weight(renewal)
        weight = sum(2 * weights[rule] for rule, _ in found.get(a, ()))
        entries[a] = Entry(a, key, name, renewal, score, band, held, base, weight)
    ranked = sorted((a for a, e in entries.items() if e.weight), key=lambda a: _entry_order(entries[a]))
    return DayFindings(day, entries, ranked, lambda a: found.get(a, []))


def checkin_queue(conn: Conn, day: date, scores_on: ScoresOn) -> CheckinQueue:
    """Today's queue: the open accounts the most at stake first, cut at the capacity, and what was done today.

    `scores_on` gives the health scores and bands on a day (the health cache's `current_scores`):
    the queue asks for its day, the health_drop rule for 14 days before. The stake is `stake` of
    the item, computed before the item exists; items (and their reasons) are built for the shown.
    """
    return queue_from(conn, day_findings(conn, day, scores_on))


def _has_risk(found: list[Found]) -> bool:
    return any(RULES[name].kind is RuleKind.RISK for name, _ in found if name in RULES)


def _wait(state: _State | None, day: date, never_seen: int) -> int:
    """Working days since the account was last seen: its review, or the end of its snooze."""
    if state is None:
        return never_seen
    start = state.day
    if state.action is Status.SNOOZED and state.snoozed_until is not None:
        start = max(start, min(state.snoozed_until, day.isoformat()))
    return working_days(date.fromisoformat(start), day)


def queue_from(conn: Conn, day_found: DayFindings) -> CheckinQueue:
    """The day's queue from its findings: the accounts' latest reviews and snoozes are read now;
    the accounts they touch are ranked again, the others keep their order. Up to the coverage
    room, the places go first to the accounts at risk past their bound (coverage.py)."""
    day, entries = day_found.day, day_found.entries
    settings = load_settings(conn)
    cover = load_coverage(conn)
    states = _latest_states(conn, day)
    never_seen = working_days(first_checkin_day(conn, day), day)
    weights = {name: definition.weight for name, definition in RULES.items()}
    today = day.isoformat()
    open_ranked: list[_Ranked] = []
    done_ranked: list[_Ranked] = []
    for a, state in states.items():
        entry = entries.get(a)
        if entry is None:
            continue
        mine = day_found.found_of(a)
        done = state.day == today
        if not mine and not done:
            continue
        news = _news(mine, state.seen)
        if not done and _still_away(state, any(news), day, settings):
            continue
        weight = sum(weights[name] * (2 if new else 1) for (name, _), new in zip(mine, news))
        order = (-(entry.base * weight), URGENCY.get(entry.band, 2), entry.key)
        ranked_one = _Ranked(order, a, mine, news, state, 0 if done else _wait(state, day, never_seen))
        (done_ranked if done else open_ranked).append(ranked_one)
    open_ranked.sort(key=itemgetter(0))  # by `order`: unique, since account keys are
    done_ranked.sort(key=itemgetter(0))
    kept = [a for a in day_found.ranked if a not in states]  # in order already: every finding new

    def as_ranked(a: int) -> _Ranked:
        return _Ranked(_entry_order(entries[a]), a, None, None, None, never_seen)

    room = max(0, settings.capacity - len(done_ranked))
    due = _due(day_found, cover, open_ranked, kept, never_seen, as_ranked)
    reserved = due[: min(cover.room, room)]
    covered = {r.account_id for r in reserved}

    def ranked() -> Iterator[_Ranked]:
        merged = heapq.merge(map(as_ranked, kept), open_ranked, key=itemgetter(0))
        return (r for r in merged if r.account_id not in covered)

    def build(ranked: _Ranked) -> CheckinItem:
        a = ranked.account_id
        e = entries[a]
        found = ranked.found if ranked.found is not None else day_found.found_of(a)
        news = ranked.news or [True] * len(found)
        reasons = [_reason(rule, finding, new) for (rule, finding), new in zip(found, news)]
        item = CheckinItem(a, e.key, e.name, e.band, e.score, e.arr, e.renewal)
        item.reasons, item.stake = reasons, -ranked.order[0]
        item.waited, item.covered = ranked.wait, a in covered
        if ranked.state is not None and ranked.state.day == today:
            item.status, item.snoozed_until = ranked.state.action, ranked.state.snoozed_until
        return item

    by_stake = list(islice(ranked(), room - len(reserved)))
    shown = sorted(reserved + by_stake, key=itemgetter(0))
    listed = {r.account_id for r in shown}
    open_count = len(kept) + len(open_ranked)
    kept_waiting = len(kept) - sum(r.state is None for r in shown)
    waits = [r.wait for r in open_ranked if r.account_id not in listed]
    oldest = max([*waits, never_seen] if kept_waiting else waits, default=0)
    return CheckinQueue(
        day,
        settings,
        [build(r) for r in shown],
        [build(r) for r in done_ranked],
        unknown_rules(conn),
        open_count - len(shown),
        lambda: [build(r) for r in islice(ranked(), room - len(reserved), None)],
        oldest,
        cover,
        lambda: _week(conn, day_found),
        open_tasks(conn, day, day),
    )


def _due(
    day_found: DayFindings,
    cover: CoverageSettings,
    open_ranked: list[_Ranked],
    kept: list[int],
    never_seen: int,
    as_ranked: Callable[[int], _Ranked],
) -> list[_Ranked]:
    """The open accounts at risk whose wait has reached their bound, the longest past it first
    (then in the queue's order). Never-seen accounts all wait alike: read only when that is long enough."""
    entries = day_found.entries

    def past(r: _Ranked, found: list[Found]) -> int | None:
        if not _has_risk(found):
            return None
        over = r.wait - cover.bound(entries[r.account_id].band is Band.RED)
        return over if over >= 0 else None

    due: list[tuple[int, _Ranked]] = []
    for r in open_ranked:
        if (over := past(r, r.found or [])) is not None:
            due.append((over, r))
    if never_seen >= min(cover.red_days, cover.risk_days):
        for a in kept:
            r = as_ranked(a)
            if (over := past(r, day_found.found_of(a))) is not None:
                due.append((over, r))
    due.sort(key=lambda pair: (-pair[0], pair[1].order))
    return [r for _, r in due]


def _week(conn: Conn, day_found: DayFindings) -> WeekCoverage:
    """The week's coverage: the accounts with a risk reason today and how many were seen."""
    at_risk = {a for a in day_found.ranked if _has_risk(day_found.found_of(a))}
    red = {a for a in at_risk if day_found.entries[a].band is Band.RED}
    return week_coverage(conn, day_found.day, at_risk, red)
