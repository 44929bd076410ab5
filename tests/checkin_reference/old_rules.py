"""[Reference copy for tests/test_checkin_equivalence.py of the code before issue 15; do not edit.]

The check-in rules: why an account needs looking at today, one registered function per rule.

Each rule is a row of the book's `checkin_rules` table (on/off, threshold, description, from
migrations/0002) and a function registered here under the same name. Adding a rule is one function
with `@rule(...)` and one migration row; tests/test_checkin_rules.py checks that the two agree one
for one, and a row with no function is reported by the check-in rather than skipped in silence.
Each function finds its accounts for every account at once (one query, or the health already read).

A rule is of a kind - a risk to head off, or an opportunity to take (issue 12, from the seeds) - and
says in one line what to do. Each finding names its object (the follow-up, the survey, the metric)
and a severity, higher is worse: the check-in fingerprints a review with them, so a reviewed account
comes back when a finding is new (a new object) or worse (a higher severity), not because a day passed.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn, pct, trailing
from cstui.metrics.dates import book_date
from cstui.metrics.health import Breakdown, health_for_accounts
from cstui.metrics.mood import negative_notes
from cstui.metrics.relationships import champion_silence, threads
from cstui.metrics.usage import AccountUsage
from cstui.storage import predicates, reads


@dataclass(frozen=True, slots=True)
class DueFollowUp:
    account_id: int
    task_id: int
    due_on: str
    title: str


def follow_ups_due(conn: Conn, day: date) -> list[DueFollowUp]:
    """Every open follow-up due by `day`, by account, the most pressing first (the old rules read them;
    the check-in now lists them through `storage.tasklist.open_tasks`)."""
    sql = (
        f"SELECT account_id, id, due_on, title FROM tasks WHERE {predicates.open_follow_up()} AND due_on <= :d"
        f" ORDER BY account_id, {predicates.FOLLOW_UP_ORDER}"
    )
    return [DueFollowUp(*row) for row in conn.execute(sql, {"d": day.isoformat()})]


@dataclass(frozen=True)
class RuleInputs:
    """What every rule may read: the book, the day, and the health and 30-day usage already computed."""

    conn: Conn
    day: date
    health: dict[int, Breakdown]  # the active accounts' breakdowns
    usage: dict[int, AccountUsage]


class RuleKind(StrEnum):
    RISK = "risk"
    OPPORTUNITY = "opportunity"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason an account is in the queue: what it is about (`object`) and how bad (`severity`)."""

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
) -> Callable[[Finder], Finder]:
    """Register a check-in rule under the name of its `checkin_rules` row."""

    def register(find: Finder) -> Finder:
        RULES[name] = RuleDefinition(name, default_threshold, description, unit, find, kind, action, weight)
        return find

    return register


@rule("band_red", None, "health band is red", action="Find out why and agree a rescue plan", weight=3)
def _band_red(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    return [Finding(a, f"health {b.score:.1f} is red") for a, b in inputs.health.items() if b.band == Band.RED]


@rule(
    "health_drop",
    10,
    "health dropped by at least THRESHOLD points in 14 days",
    "points",
    action="Look at what changed in the breakdown and call the champion",
    weight=2,
)
def _health_drop(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    earlier = health_for_accounts(inputs.conn, inputs.day - timedelta(days=14), accounts=list(inputs.health))
    for a, b in inputs.health.items():
        before = earlier.get(a)
        if b.score is not None and before and before.score is not None and before.score - b.score >= threshold:
            fell = before.score - b.score
            text = f"health fell {fell:.1f} points in 14 days ({before.score:.1f} -> {b.score:.1f})"
            yield Finding(a, text, severity=int(fell // 5))  # worse in steps of 5 points


@rule(
    "unresolved_detractor",
    14,
    "a detractor (NPS <= 6) or CSAT <= 2 in the last THRESHOLD days not yet followed up",
    "days",
    action="Call them back about their score",
    weight=3,
)
def _unresolved_detractor(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    window = trailing(inputs.day, int(threshold))
    rows = inputs.conn.execute(
        """
        SELECT s.account_id, s.id, s.kind, s.score, s.responded_on FROM surveys s
        WHERE s.responded_on >= :s AND s.responded_on < :e
          AND ((s.kind = 'nps' AND s.score <= 6) OR (s.kind = 'csat' AND s.score <= 2))
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
)
def _renewal_at_risk(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    health = inputs.health
    return [
        Finding(a, f"renews {renewal} and is {health[a].band}", f"renewal {renewal}", URGENCY_SEVERITY[health[a].band])
        for a, renewal in _renewals_within(inputs, threshold)
        if a in health and health[a].band != Band.GREEN
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
    for a in inputs.health:
        since = (inputs.day - book_date(last[a], "interactions.occurred_on")).days if a in last else None
        if since is None or since >= int(threshold):
            yield Finding(a, "no logged contact yet" if since is None else f"no contact for {since} days")


@rule(
    "overdue_invoice", None, "an invoice is overdue", action="Ask finance, then the customer, about payment", weight=2
)
def _overdue_invoice(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """One finding per account naming its oldest overdue invoice; severity: how many are overdue."""
    rows = inputs.conn.execute(
        f"""
        SELECT account_id, n, total, invoice_no, due_date FROM (
            SELECT account_id, invoice_no, due_date, count(*) OVER w AS n, sum(amount) OVER w AS total,
                   row_number() OVER (PARTITION BY account_id ORDER BY due_date, invoice_no) AS r
            FROM invoices WHERE {predicates.overdue_invoice("d")} WINDOW w AS (PARTITION BY account_id))
        WHERE r = 1""",
        {"d": inputs.day.isoformat()},
    )
    for a, n, amount, number, due in rows:
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
    rows = inputs.conn.execute(
        f"""
        SELECT account_id, n, severity, subject, opened_on FROM (
            SELECT account_id, severity, subject, opened_on, count(*) OVER (PARTITION BY account_id) AS n,
                   row_number() OVER (PARTITION BY account_id ORDER BY opened_on, id) AS r
            FROM tickets WHERE severity IN ('high', 'urgent') AND {predicates.open_ticket("d")})
        WHERE r = 1""",
        {"d": inputs.day.isoformat()},
    )
    for a, n, severity, subject, opened in rows:
        more = f" (+{n - 1} more)" if n > 1 else ""
        yield Finding(a, f"{severity} ticket '{subject or 'no subject'}' open since {opened}{more}", severity=n)


@rule("follow_up_due", None, "a follow-up is due today or overdue", action="Do the follow-up, or re-date it")
def _follow_up_due(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    return [
        Finding(f.account_id, f"follow-up '{f.title}' due {f.due_on}", f"task {f.task_id}")
        for f in follow_ups_due(inputs.conn, inputs.day)
    ]


@rule(
    "green_but_negative",
    30,
    "health green but notes of the last THRESHOLD days read negative",
    "days",
    action="Read the notes and ask the champion how things really are",
)
def _green_but_negative(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    moods = negative_notes(inputs.conn, inputs.day, days=int(threshold))
    health = inputs.health
    return [
        Finding(a, f"green, but recent notes read negative ({mood:+.1f})")
        for a, mood in moods.items()
        if a in health and health[a].band == Band.GREEN
    ]


@rule("stale_usage", 14, "no usage data for THRESHOLD days", "days", action="Check the usage feed, then the account")
def _stale_usage(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    for a, u in inputs.usage.items():
        if u.newest_usage and (inputs.day - book_date(u.newest_usage, "usage_daily.day")).days >= int(threshold):
            yield Finding(a, f"no usage data since {u.newest_usage}")


# --- opportunities (issue 12: the seeds' "celebrate promoters", usage decline, training, expansion) ---


@rule(
    "new_promoter",
    30,
    "a promoter (NPS 9-10) in the last THRESHOLD days not yet thanked or asked for a reference",
    "days",
    action="Thank them and ask for a reference or a case study",
    kind=RuleKind.OPPORTUNITY,
)
def _new_promoter(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Thanked = any interaction with the account on or after the response day, other than the one
    the response was recorded in (a call that logged the score is not a thank-you for it)."""
    window = trailing(inputs.day, int(threshold))
    rows = inputs.conn.execute(
        """
        SELECT s.account_id, s.id, s.score, s.responded_on FROM surveys s
        WHERE s.kind = 'nps' AND s.score >= 9 AND s.responded_on >= :s AND s.responded_on < :e
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
)
def _usage_decline(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """Sums of daily active users and of minutes over the last 30 days against the 30 before; the
    finding names each metric that fell by at least the threshold (severity: the worst fall in
    steps of 10 %; its object: which metrics fell)."""
    now, before = trailing(inputs.day, 30), trailing(inputs.day - timedelta(days=30), 30)
    rows = inputs.conn.execute(
        """
        SELECT account_id,
               sum(CASE WHEN day >= :now THEN active_users ELSE 0 END),
               sum(CASE WHEN day < :now THEN active_users ELSE 0 END),
               sum(CASE WHEN day >= :now THEN minutes ELSE 0 END),
               sum(CASE WHEN day < :now THEN minutes ELSE 0 END)
        FROM usage_daily WHERE day >= :s AND day < :e GROUP BY account_id""",
        {"now": now.s, "s": before.s, "e": now.e},
    )
    for a, users, users_before, minutes, minutes_before in rows:
        if a not in inputs.health:
            continue
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
    rows = inputs.conn.execute(
        """
        SELECT a.id, f.name FROM accounts a JOIN features f ON f.is_key = 1
        WHERE NOT EXISTS (SELECT 1 FROM feature_usage u WHERE u.account_id = a.id AND u.feature_id = f.id
                          AND u.day <= :d)
        ORDER BY a.id, f.name""",
        {"d": inputs.day.isoformat()},
    )
    unused: dict[int, list[str]] = {}
    for a, name in rows:
        if a in inputs.usage and inputs.usage[a].has_usage:
            unused.setdefault(a, []).append(name)
    return [
        Finding(
            a, f"key {'features' if len(names) > 1 else 'feature'} never used: {', '.join(names)}", severity=len(names)
        )
        for a, names in unused.items()
    ]


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
    for a, seats, peak in rows:
        share = pct(peak, seats)
        if a in inputs.health and share is not None and share >= threshold:
            yield Finding(a, f"{peak} active users of {seats} seats ({share:.0f}%)")


@rule(
    "renewal_no_call",
    60,
    "renewal within THRESHOLD days and no renewal call recorded",
    "days",
    action="Book the renewal call",
    kind=RuleKind.OPPORTUNITY,
    weight=2,
)
def _renewal_no_call(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    """A renewal call = an interaction of kind call or meeting whose summary or notes mention
    "renew", on or after the day THRESHOLD days before the renewal date, up to today."""
    renewals = _renewals_within(inputs, threshold)
    called = {
        a
        for (a,) in inputs.conn.execute(
            """
            SELECT DISTINCT i.account_id FROM interactions i JOIN accounts a ON a.id = i.account_id
            WHERE i.kind IN ('call', 'meeting') AND i.occurred_on <= :d
              AND i.occurred_on >= date(a.renewal_date, :back)
              AND (instr(lower(i.summary), 'renew') > 0 OR instr(lower(coalesce(i.notes, '')), 'renew') > 0)""",
            {"d": inputs.day.isoformat(), "back": f"-{int(threshold)} days"},
        )
    }
    return [
        Finding(a, f"renews {renewal}, no renewal call recorded", f"renewal {renewal}")
        for a, renewal in renewals
        if a in inputs.health and a not in called
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
        if a in inputs.health and held.interactions >= MIN_THREAD_CONTACTS and share >= threshold:
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
        if silent.account_id not in inputs.health:
            continue
        if silent.days is None:
            yield Finding(silent.account_id, f"champion {silent.champion_email} never contacted", silent.champion_email)
        elif silent.days >= threshold:
            text = f"champion {silent.champion_email} silent for {silent.days} days (since {silent.last_contact})"
            yield Finding(silent.account_id, text, silent.champion_email)


# --- success plans and lifecycle stages (issue 29: cstui/metrics/plans.py, cstui/metrics/stages.py) ---

GOAL_MISSED_DAYS = 30


@rule(
    "goal_behind",
    None,
    "a success-plan goal is behind its path to the target",
    action="Agree with the plan's owner what gets the goal back on track",
    weight=2,
)
def _goal_behind(inputs: RuleInputs, threshold: float) -> Iterable[Finding]:
    from cstui.metrics.plans import GoalStatus, goal_progress, is_judged
    from cstui.storage.plans import open_plan_goals

    recent = (inputs.day - timedelta(days=GOAL_MISSED_DAYS)).isoformat()
    for goal in open_plan_goals(inputs.conn):
        if goal.account_id not in inputs.health or not is_judged(goal):
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
    from cstui.metrics.plans import GoalStatus, goal_progress
    from cstui.storage.plans import open_plan_goals

    before = inputs.day - timedelta(days=int(threshold))
    for goal in open_plan_goals(inputs.conn):
        if goal.account_id not in inputs.health:
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
    from cstui.metrics.stages import stage_standings

    for s in stage_standings(inputs.conn, inputs.day).values():
        if s.account_id in inputs.health and s.stuck and s.expected_days:
            text = f"stuck in stage {s.stage}: {s.days_in} days since {s.entered_on} (expected {s.expected_days})"
            yield Finding(s.account_id, text, f"stage {s.stage} {s.entered_on}", s.days_in // s.expected_days)
