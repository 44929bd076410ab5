"""The check-in rules: why an account needs looking at today, one registered function per rule.

Each rule is a row of the book's `checkin_rules` table (on/off, threshold, description, from
migrations/0002) and a function registered here under the same name. Adding a rule is one function
with `@rule(...)` and one migration row; tests/test_checkin_rules.py checks that the two agree one
for one, and a row with no function is reported by the check-in rather than skipped in silence.
Each function finds its accounts for every account at once (one query, or the health already read).

Rules read the health as scores and bands only (no rule reads a component), passed in by the caller
(`ScoresOn`: today's from the health cache; health_drop asks for the day 14 days before), and share
the usage facts they need through `RuleInputs`, each read once, set-based, when a rule first asks.

A rule is of a kind - a risk to head off, or an opportunity to take (issue 12, from the seeds) - and
says in one line what to do. Each finding names its object (the follow-up, the survey, the metric)
and a severity, higher is worse: the check-in fingerprints a review with them, so a reviewed account
comes back when a finding is new (a new object) or worse (a higher severity), not because a day passed.

A follow-up or playbook step the CSM set is a reminder, not a reason (issue 25): the check-in lists
those due in a part of its own (`storage.tasklist.open_tasks`), and no rule reads the tasks.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Any, NamedTuple

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn, Period, pct, trailing
from cstui.metrics.dates import book_date
from cstui.metrics.health import account_health
from cstui.metrics.mood import negative_notes
from cstui.metrics.plans import GoalStatus, goal_progress, is_judged
from cstui.metrics.relationships import champion_silence, threads
from cstui.metrics.stages import stage_standings
from cstui.storage import predicates, reads
from cstui.storage.plans import open_plan_goals

Score = tuple[float | None, Band]
# The accounts on the books after a day, each with its health score and band as of that day.
ScoresOn = Callable[[date], dict[int, Score]]
HEALTH_DROP_DAYS = 14  # health_drop compares today's score with the one so many days before


@dataclass(frozen=True, slots=True)
class UsageSums:
    """One account's usage in a window: what usage_decline compares."""

    users: int  # daily active users, summed over the days
    minutes: float


def usage_sums(conn: Conn, window: Period) -> dict[int, UsageSums]:
    """Accounts with usage in the window: one range seek per account in the covering index
    (account_id, day, active_users, minutes), grouped in index order without a sort."""
    rows = conn.execute(
        """
        SELECT a.id, sum(u.active_users), sum(u.minutes)
        FROM accounts a JOIN usage_daily u ON u.account_id = a.id AND u.day >= :s AND u.day < :e GROUP BY a.id""",
        {"s": window.s, "e": window.e},
    )
    return {a: UsageSums(users, minutes) for a, users, minutes in rows}


@dataclass(frozen=True)
class RuleInputs:
    """What every rule may read: the book, the day, today's health scores, and shared facts that
    are read once (set-based, for every account) when the first rule asks for them."""

    conn: Conn
    day: date
    scores: dict[int, Score]  # the active accounts' (score, band) on the day
    scores_on: ScoresOn  # the same on another day

    @cached_property
    def newest_usage(self) -> dict[int, str]:
        """Account -> its last usage day up to the day (accounts with no usage left out)."""
        rows = self.conn.execute(
            """
            SELECT a.id, (SELECT max(u.day) FROM usage_daily u WHERE u.account_id = a.id AND u.day < :e)
            FROM accounts a""",
            {"e": (self.day + timedelta(days=1)).isoformat()},
        )
        return {a: newest for a, newest in rows if newest is not None}

    @cached_property
    def usage_last_30(self) -> dict[int, UsageSums]:
        return usage_sums(self.conn, trailing(self.day, 30))

    @cached_property
    def usage_prior_30(self) -> dict[int, UsageSums]:
        """The 30 days before the last 30."""
        return usage_sums(self.conn, trailing(self.day - timedelta(days=30), 30))


class RuleKind(StrEnum):
    RISK = "risk"
    OPPORTUNITY = "opportunity"


class Finding(NamedTuple):
    """One reason an account is in the queue: what it is about (`object`) and how bad (`severity`).

    A named tuple: rules make tens of thousands of these on a large book, and a tuple is made fastest."""

    account: int
    text: str  # names its object: "follow-up 'Send SSO guide' due 2026-11-16"
    object: str = ""  # what the finding is about ("task 12", "minutes"); "" = the account itself
    severity: int = 0  # higher is worse; only a rise brings a reviewed account back


Finder = Callable[[RuleInputs, float], Iterable[Finding]]


@dataclass(frozen=True)
class RuleDefinition:
    name: str
    default_threshold: float | None  # the migration row's threshold; None = the rule takes none
    description: str  # as in the migration row; THRESHOLD stands for the threshold
    unit: str  # what the threshold counts: "points", "days", "%", or "" for a rule without one
    find: Finder  # gets the row's threshold, else the default (0 for a rule without one)
    kind: RuleKind
    action: str  # what to do, in one line
    weight: int  # how much a finding of this rule weighs in the ranking (1 to 3)
    playbook: str | None  # the shipped playbook (migration 0014) that answers it, suggested first by `p`


RULES: dict[str, RuleDefinition] = {}


def rule(
    name: str,
    default_threshold: float | None,
    description: str,
    unit: str = "",
    *,
    action: str,
    kind: RuleKind = RuleKind.RISK,
    weight: int = 1,
    playbook: str | None = None,
) -> Callable[[Finder], Finder]:
    """Register a check-in rule under the name of its `checkin_rules` row."""

    def register(find: Finder) -> Finder:
        RULES[name] = RuleDefinition(name, default_threshold, description, unit, find, kind, action, weight, playbook)
        return find

    return register


@rule("band_red", None, "health band is red", action="Find out why and agree a rescue plan", weight=3)
def _band_red(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    return [Finding(a, f"health {score:.1f} is red") for a, (score, band) in inputs.scores.items() if band == Band.RED]


@rule(
    "health_drop",
    10,
    "health dropped by at least THRESHOLD points in 14 days",
    "points",
    action="Look at what changed in the breakdown and call the champion",
    weight=2,
)
def _health_drop(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Today's active accounts against their scores 14 days before (from `scores_on`); an account
    that was not yet on the books then is scored on that day on its own (a handful, if any)."""
    then = inputs.day - timedelta(days=HEALTH_DROP_DAYS)
    earlier = {a: score for a, (score, _) in inputs.scores_on(then).items()}
    for a in inputs.scores.keys() - earlier.keys():
        earlier[a] = account_health(inputs.conn, a, then).score
    for a, (score, _) in inputs.scores.items():
        before = earlier.get(a)
        if score is not None and before is not None and before - score >= threshold:
            fell = before - score
            text = f"health fell {fell:.1f} points in 14 days ({before:.1f} -> {score:.1f})"
            yield Finding(a, text, severity=int(fell // 5))  # worse in steps of 5 points


@rule(
    "unresolved_detractor",
    14,
    "a detractor (NPS <= 6) or CSAT <= 2 in the last THRESHOLD days not yet followed up",
    "days",
    action="Call them back about their score",
    weight=3,
    playbook="detractor recovery",
)
def _unresolved_detractor(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    window = trailing(inputs.day, int(threshold))
    rows = inputs.conn.execute(
        f"""
        SELECT s.account_id, s.id, s.kind, s.score, s.responded_on FROM surveys s
        WHERE s.responded_on >= :s AND s.responded_on < :e
          AND {predicates.unhappy_response("s")}
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = s.account_id
                          AND i.occurred_on >= s.responded_on AND i.occurred_on < :e)
        ORDER BY s.responded_on""",
        {"s": window.s, "e": window.e},
    )
    return [
        Finding(a, f"{kind.upper()} {score} on {on}, not followed up", f"survey {survey}")
        for a, survey, kind, score, on in rows
    ]


@rule(
    "renewal_at_risk",
    90,
    "renewal within THRESHOLD days and not green",
    "days",
    action="Prepare the renewal: value recap and a plan for what is not green",
    weight=2,
    playbook="renewal preparation",
)
def _renewal_at_risk(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    scores = inputs.scores
    return [
        Finding(a, f"renews {renewal} and is {band}", f"renewal {renewal}", URGENCY_SEVERITY[band])
        for a, renewal in _renewals_within(inputs, threshold)
        if a in scores and (band := scores[a][1]) != Band.GREEN
    ]


# A red account renewing is worse than a yellow one.
URGENCY_SEVERITY = {Band.RED: 2, Band.YELLOW: 1, Band.NO_DATA: 1, Band.GREEN: 0}


def _renewals_within(inputs: RuleInputs, threshold: float) -> list[tuple[int, str]]:
    """Accounts renewing today or within `threshold` days of it, with the date."""
    horizon = (inputs.day + timedelta(days=int(threshold))).isoformat()
    rows = inputs.conn.execute(
        "SELECT id, renewal_date FROM accounts WHERE renewal_date >= ? AND renewal_date <= ?",
        [inputs.day.isoformat(), horizon],
    )
    return [(a, renewal) for a, renewal in rows]


@rule("no_contact", 30, "no logged contact in THRESHOLD days", "days", action="Check in with the champion")
def _no_contact(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    last = reads.last_contacts(inputs.conn, inputs.day)
    cutoff = _days_before(inputs.day, int(threshold))
    for a in inputs.scores:
        if a not in last:
            yield Finding(a, "no logged contact yet")
        elif last[a] <= cutoff:
            since = (inputs.day - book_date(last[a], "interactions.occurred_on")).days
            yield Finding(a, f"no contact for {since} days")


def _days_before(day: date, days: int) -> str:
    """`day - days` as the book writes dates, so that `value <= it` says "at least `days` days before
    `day`" for thousands of accounts without parsing each date; a date out of range says never or always."""
    try:
        return (day - timedelta(days=days)).isoformat()
    except OverflowError:
        return "" if days > 0 else "A"  # "" is before every date, "A" after every one


@rule(
    "overdue_invoice", None, "an invoice is overdue", action="Ask finance, then the customer, about payment", weight=2
)
def _overdue_invoice(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """One finding per account naming its oldest overdue invoice; severity: how many are overdue."""
    # The oldest by (due date, number): due dates are all YYYY-MM-DD, so the concatenation orders the same.
    # With one min() in a GROUP BY, SQLite takes the bare columns from the row holding the minimum.
    rows = inputs.conn.execute(
        f"""
        SELECT account_id, count(*), sum(amount), invoice_no, due_date, min(due_date || invoice_no) FROM invoices
        WHERE {predicates.overdue_invoice("d")} GROUP BY account_id""",
        {"d": inputs.day.isoformat()},
    )
    for a, n, amount, number, due, _ in rows:
        if n == 1:
            yield Finding(a, f"overdue invoice {number} due {due} ({amount:,.0f})", severity=n)
        else:
            yield Finding(a, f"{n} overdue invoices ({amount:,.0f}), the oldest {number} due {due}", severity=n)


@rule(
    "urgent_ticket",
    None,
    "an open high or urgent ticket",
    action="Check the ticket with support and tell the customer where it stands",
    weight=3,
)
def _urgent_ticket(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """One finding per account naming its oldest open high/urgent ticket; severity: how many are open."""
    # The oldest by (opened, id) as in overdue_invoice; a plain scan beats walking an index for a few rows.
    rows = inputs.conn.execute(
        f"""
        SELECT account_id, count(*), severity, subject, opened_on, min(opened_on || printf('%020d', id))
        FROM tickets NOT INDEXED WHERE severity IN ('high', 'urgent') AND {predicates.open_ticket("d")}
        GROUP BY account_id""",
        {"d": inputs.day.isoformat()},
    )
    for a, n, severity, subject, opened, _ in rows:
        more = f" (+{n - 1} more)" if n > 1 else ""
        yield Finding(a, f"{severity} ticket '{subject or 'no subject'}' open since {opened}{more}", severity=n)


@rule(
    "green_but_negative",
    30,
    "health green but notes of the last THRESHOLD days read negative",
    "days",
    action="Read the notes and ask the champion how things really are",
)
def _green_but_negative(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    scores = inputs.scores
    if not any(band == Band.GREEN for _, band in scores.values()):
        return []
    moods = negative_notes(inputs.conn, inputs.day, days=int(threshold))
    return [
        Finding(a, f"green, but recent notes read negative ({mood:+.1f})")
        for a, mood in moods.items()
        if a in scores and scores[a][1] == Band.GREEN
    ]


@rule("stale_usage", 14, "no usage data for THRESHOLD days", "days", action="Check the usage feed, then the account")
def _stale_usage(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    cutoff = _days_before(inputs.day, int(threshold))
    for a, newest in inputs.newest_usage.items():
        if newest <= cutoff and a in inputs.scores:
            book_date(newest, "usage_daily.day")  # a value that is not a date is named, as everywhere
            yield Finding(a, f"no usage data since {newest}")


# --- opportunities (issue 12: the seeds' "celebrate promoters", usage decline, training, expansion) ---


@rule(
    "new_promoter",
    30,
    "a promoter (NPS 9-10) in the last THRESHOLD days not yet thanked or asked for a reference",
    "days",
    action="Thank them and ask for a reference or a case study",
    kind=RuleKind.OPPORTUNITY,
    playbook="promoter advocacy",
)
def _new_promoter(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Thanked = any interaction with the account on or after the response day, other than the one
    the response was recorded in (a call that logged the score is not a thank-you for it)."""
    window = trailing(inputs.day, int(threshold))
    rows = inputs.conn.execute(
        f"""
        SELECT s.account_id, s.id, s.score, s.responded_on FROM surveys s
        WHERE {predicates.nps_promoter("s")} AND s.responded_on >= :s AND s.responded_on < :e
          AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.account_id = s.account_id
                          AND i.occurred_on >= s.responded_on AND i.occurred_on < :e
                          AND i.id IS NOT s.interaction_id)
        ORDER BY s.responded_on""",
        {"s": window.s, "e": window.e},
    )
    return [
        Finding(a, f"promoter: NPS {score} on {on}, not yet thanked", f"survey {survey}")
        for a, survey, score, on in rows
    ]


@rule(
    "usage_decline",
    25,
    "active users or minutes down by at least THRESHOLD % over 30 days against the 30 before",
    "%",
    action="Reach out with targeted resources or a check-in call",
    kind=RuleKind.OPPORTUNITY,
    weight=2,
    playbook="usage decline",
)
def _usage_decline(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Sums of daily active users and of minutes over the last 30 days against the 30 before; the
    finding names each metric that fell by at least the threshold (severity: the worst fall in
    steps of 10 %; its object: which metrics fell)."""
    now, prior = inputs.usage_last_30, inputs.usage_prior_30
    none = UsageSums(0, 0)
    for a in sorted(now.keys() | prior.keys()):
        if a not in inputs.scores:
            continue
        users, minutes = now.get(a, none).users, now.get(a, none).minutes
        users_before, minutes_before = prior.get(a, none).users, prior.get(a, none).minutes
        if threshold > 0 and users >= users_before and minutes >= minutes_before:
            continue  # nothing fell, so nothing fell by a positive threshold (most accounts)
        fell = {
            metric: (drop, previous, value)
            for metric, value, previous in (("active users", users, users_before), ("minutes", minutes, minutes_before))
            if (drop := pct(previous - value, previous)) is not None and drop >= threshold
        }
        if fell:
            said = ", ".join(f"{m} down {d:.0f}% ({p:,.0f} -> {v:,.0f})" for m, (d, p, v) in fell.items())
            worst = max(d for d, _, _ in fell.values())
            yield Finding(a, f"{said} over 30 days", " and ".join(fell), int(worst // 10))


@rule(
    "key_feature_unused",
    None,
    "key features never used",
    action="Offer targeted training on the unused key features",
    kind=RuleKind.OPPORTUNITY,
)
def _key_feature_unused(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Key features (`features.is_key`) with no `feature_usage` row up to the day, for accounts that
    use the product (usage in the last 30 days): an account with no usage at all is another problem."""
    conn = inputs.conn
    keys = conn.execute("SELECT id, name FROM features WHERE is_key = 1 ORDER BY name, id").fetchall()
    if not keys:
        return []
    used = _key_features_used(conn, inputs.day, [f for f, _ in keys])
    # One answer (text, severity) per set of used key features: there are few sets, many accounts.
    answers: dict[frozenset[int], tuple[str, int] | None] = {}
    findings = []
    for a in sorted(inputs.newest_usage):
        done = used.get(a, frozenset())
        if done not in answers:
            names = [name for f, name in keys if f not in done]
            text = f"key {'features' if len(names) > 1 else 'feature'} never used: {', '.join(names)}"
            answers[done] = (text, len(names)) if names else None
        if (answer := answers[done]) is not None:
            findings.append(Finding(a, answer[0], severity=answer[1]))
    return findings


MASK_BITS = 62  # key features that fit in one SQLite integer used as a bit mask


def _key_features_used(conn: Conn, day: date, key_ids: list[int]) -> dict[int, frozenset[int]]:
    """Account -> the key features it used up to the day, read in one pass over `feature_usage`.

    Each account's set comes as a bit mask (bit i: the i-th key feature by id) while the key
    features fit in one, so the few distinct sets are decoded once each; else as a list of ids."""
    params = {"d": day.isoformat()}
    if len(key_ids) <= MASK_BITS:
        ordered = sorted(key_ids)
        rows = conn.execute(
            """
            WITH keys(id, bit) AS (SELECT id, 1 << (row_number() OVER (ORDER BY id) - 1) FROM features WHERE is_key = 1)
            SELECT u.account_id, sum(DISTINCT k.bit) FROM feature_usage u JOIN keys k ON k.id = u.feature_id
            WHERE u.day <= :d GROUP BY u.account_id""",
            params,
        )

        def decode(token: Any) -> frozenset[int]:  # a bit mask
            return frozenset(f for i, f in enumerate(ordered) if token >> i & 1)
    else:
        rows = conn.execute(
            """
            SELECT u.account_id, group_concat(DISTINCT u.feature_id) FROM feature_usage u
            WHERE u.day <= :d AND u.feature_id IN (SELECT id FROM features WHERE is_key = 1) GROUP BY u.account_id""",
            params,
        )

        def decode(token: Any) -> frozenset[int]:  # ids separated by commas
            return frozenset(int(f) for f in token.split(","))

    decoded: dict[object, frozenset[int]] = {}
    used = {}
    for a, token in rows:
        if token not in decoded:
            decoded[token] = decode(token)
        used[a] = decoded[token]
    return used


@rule(
    "expansion_signal",
    90,
    "active users at or above THRESHOLD % of seats",
    "%",
    action="Talk expansion: more seats or a bigger plan",
    kind=RuleKind.OPPORTUNITY,
)
def _expansion_signal(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Active users = the most daily active users on one day of the last 30 days (the peak is what
    meets the seat limit), against `accounts.seats`; accounts without seats are not judged."""
    window = trailing(inputs.day, 30)
    rows = inputs.conn.execute(
        """
        SELECT a.id, a.seats, max(u.active_users) FROM accounts a JOIN usage_daily u ON u.account_id = a.id
        WHERE a.seats > 0 AND u.day >= :s AND u.day < :e GROUP BY a.id""",
        {"s": window.s, "e": window.e},
    )
    for a, held, peak in rows:
        share = pct(peak, held)
        if a in inputs.scores and share is not None and share >= threshold:
            yield Finding(a, f"{peak} active users of {held} seats ({share:.0f}%)")


@rule(
    "renewal_no_call",
    60,
    "renewal within THRESHOLD days and no renewal call recorded",
    "days",
    action="Book the renewal call",
    kind=RuleKind.OPPORTUNITY,
    weight=2,
    playbook="renewal preparation",
)
def _renewal_no_call(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """A renewal call = an interaction of kind call or meeting whose summary or notes mention
    "renew", on or after the day THRESHOLD days before the renewal date, up to today."""
    horizon = (inputs.day + timedelta(days=int(threshold))).isoformat()
    rows = inputs.conn.execute(
        """
        SELECT a.id, a.renewal_date FROM accounts a WHERE a.renewal_date >= :d AND a.renewal_date <= :h
          AND NOT EXISTS (
            SELECT 1 FROM interactions i WHERE i.account_id = a.id AND i.kind IN ('call', 'meeting')
              AND i.occurred_on <= :d AND i.occurred_on >= date(a.renewal_date, :back)
              AND (instr(lower(i.summary), 'renew') > 0 OR instr(lower(coalesce(i.notes, '')), 'renew') > 0))""",
        {"d": inputs.day.isoformat(), "h": horizon, "back": f"-{int(threshold)} days"},
    )
    return [
        Finding(a, f"renews {renewal}, no renewal call recorded", f"renewal {renewal}")
        for a, renewal in rows
        if a in inputs.scores
    ]


# --- relationships (issue 16 item 4: the data is cstui/metrics/relationships.py) ---

MIN_THREAD_CONTACTS = 3  # fewer named contacts in 90 days say too little to call an account single-threaded


@rule(
    "single_threaded",
    80,
    "at least THRESHOLD % of the last 90 days' contact with one person",
    "%",
    action="Ask the champion to bring in a second stakeholder",
)
def _single_threaded(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Judged on accounts with at least MIN_THREAD_CONTACTS interactions naming a contact in 90 days."""
    for a, held in threads(inputs.conn, inputs.day).items():
        share = 100 * held.top_share
        if a in inputs.scores and held.interactions >= MIN_THREAD_CONTACTS and share >= threshold:
            text = f"single-threaded: {share:.0f}% of {held.interactions} contacts in 90 days with {held.top_email}"
            yield Finding(a, text, held.top_email)


@rule(
    "champion_silent",
    90,
    "no contact with the champion in THRESHOLD days",
    "days",
    action="Call the champion",
)
def _champion_silent(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    for silent in champion_silence(inputs.conn, inputs.day):
        if silent.account_id not in inputs.scores:
            continue
        if silent.days is None:
            yield Finding(silent.account_id, f"champion {silent.champion_email} never contacted", silent.champion_email)
        elif silent.days >= threshold:
            text = f"champion {silent.champion_email} silent for {silent.days} days (since {silent.last_contact})"
            yield Finding(silent.account_id, text, silent.champion_email)


# --- success plans (issue 29: the goals are cstui/storage/plans.py, their status cstui/metrics/plans.py) ---

GOAL_MISSED_DAYS = 30  # a goal missed this recently is still a reason to look; older ones are history


@rule(
    "goal_behind",
    None,
    "a success-plan goal is behind its path to the target",
    action="Agree with the plan's owner what gets the goal back on track",
    weight=2,
)
def _goal_behind(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Behind (severity 1), or missed in the last GOAL_MISSED_DAYS days (severity 2), on an open plan."""
    recent = (inputs.day - timedelta(days=GOAL_MISSED_DAYS)).isoformat()
    for goal in open_plan_goals(inputs.conn):
        if goal.account_id not in inputs.scores or not is_judged(goal):
            continue
        status = goal_progress(inputs.conn, goal, inputs.day).status
        if status is GoalStatus.BEHIND:
            yield Finding(goal.account_id, f"goal '{goal.title}' behind (due {goal.due_on})", f"goal {goal.id}", 1)
        elif status is GoalStatus.MISSED and goal.due_on >= recent:
            yield Finding(goal.account_id, f"goal '{goal.title}' missed on {goal.due_on}", f"goal {goal.id}", 2)


@rule(
    "goal_met",
    14,
    "a success-plan goal met in the last THRESHOLD days: celebrate",
    "days",
    action="Celebrate the goal with the customer and agree the next one",
    kind=RuleKind.OPPORTUNITY,
)
def _goal_met(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Met on the day and not yet met THRESHOLD days before."""
    before = inputs.day - timedelta(days=int(threshold))
    for goal in open_plan_goals(inputs.conn):
        if goal.account_id not in inputs.scores:
            continue
        if goal_progress(inputs.conn, goal, inputs.day).status is not GoalStatus.MET:
            continue
        if goal_progress(inputs.conn, goal, before).status is not GoalStatus.MET:
            yield Finding(goal.account_id, f"goal met: '{goal.title}' - celebrate", f"goal {goal.id}")


@rule(
    "stage_stuck",
    None,
    "the account has stayed in its lifecycle stage longer than expected",
    action="Find what holds the account in its stage and agree the next step",
)
def _stage_stuck(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Severity: whole expected lengths over (1 when just over), so a longer stay brings it back."""
    for s in stage_standings(inputs.conn, inputs.day).values():
        if s.account_id in inputs.scores and s.stuck and s.expected_days:
            text = f"stuck in stage {s.stage}: {s.days_in} days since {s.entered_on} (expected {s.expected_days})"
            yield Finding(s.account_id, text, f"stage {s.stage} {s.entered_on}", s.days_in // s.expected_days)
