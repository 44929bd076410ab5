"""The QBR pack of one account and quarter (issue 29): what the HTML and Markdown documents show.

Everything is read as of the quarter's last day, or the report date when the quarter is still
running: usage and adoption week by week (the same registered figures a plan's goals are measured
by), support (tickets opened, days to close, CSAT), survey responses with their comments, the
plan's goals, the calls, meetings, milestones and follow-ups done, what changed against the last
pack kept in the book, and goals proposed for next quarter. The internal part (health score and
its components, the CSM's sentiment, the renewal call) is only filled in when asked for.
"""

import json
import re
import statistics
from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from cstui.errors import UserError
from cstui.metrics.base import Conn, Period, Scope
from cstui.metrics.health import account_health
from cstui.metrics.plan_figures import value_on
from cstui.metrics.plans import GoalProgress, GoalStatus
from cstui.metrics.revenue import total_mrr
from cstui.metrics.surveys import survey_stats
from cstui.readmodels.plans import plan_view
from cstui.storage import qbr, reads
from cstui.storage.plans import Plan
from cstui.storage.reads import AccountInfo

_QUARTER = re.compile(r"([0-9]{4})-?[Qq]([1-4])")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1..4

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The day after the quarter (periods are half-open)."""
        return self.next().start

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def parse_quarter(text: str) -> Quarter:
    found = _QUARTER.fullmatch(text.strip())
    if not found:
        raise UserError(f"--quarter: '{text}' is not a quarter (like 2026Q4)")
    return Quarter(int(found.group(1)), int(found.group(2)))


@dataclass(frozen=True)
class Series:
    """One chart's line: a value per sampled day (None: no data that day)."""

    label: str
    unit: str
    days: list[str]
    values: list[float | None]


@dataclass(frozen=True)
class QbrFigures:
    """The pack's headline figures: kept in the book, compared by the next quarter's pack."""

    weekly_active_users: float | None = None
    key_feature_adoption: float | None = None
    tickets_opened: int = 0
    tickets_closed: int = 0
    median_days_to_close: float | None = None
    csat: float | None = None
    nps: float | None = None
    responses: int = 0
    goals_met: int = 0
    meetings: int = 0

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "QbrFigures":
        """A kept pack's figures; names this cstui does not know are left out."""
        try:
            values = json.loads(text)
        except ValueError:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known}) if isinstance(values, dict) else cls()


FIGURE_LABELS = {
    "weekly_active_users": "Weekly active users",
    "key_feature_adoption": "Key feature adoption %",
    "tickets_opened": "Tickets opened",
    "tickets_closed": "Tickets closed",
    "median_days_to_close": "Median days to close",
    "csat": "CSAT %",
    "nps": "NPS",
    "responses": "Survey responses",
    "goals_met": "Goals met",
    "meetings": "Calls and meetings",
}


@dataclass(frozen=True)
class Change:
    label: str
    before: float | None
    after: float | None


@dataclass(frozen=True)
class ProposedGoal:
    title: str
    measure: str  # what it is measured by, as a person reads it
    reason: str


@dataclass(frozen=True)
class Internal:
    """For the CSM's own team only (left out of the customer's pack)."""

    health_score: float | None
    band: str
    components: list[tuple[str, float | None]]  # (label, score)
    csm_sentiment: float | None  # mean of the quarter's logged sentiment, -2..2
    renewal_call: tuple[str, str] | None  # (renewal date, call)


@dataclass(frozen=True)
class QbrPack:
    account: AccountInfo
    arr: float
    quarter: Quarter
    as_of: date  # the day the figures are read on (the quarter's last day, or the report date)
    usage: list[Series]
    tickets: list[qbr.QuarterTicket]
    responses: list[qbr.QuarterResponse]
    plan: Plan | None
    goals: list[GoalProgress]
    meetings: list[qbr.QuarterMeeting]
    milestones_done: list[GoalProgress]
    tasks_done: list[qbr.QuarterTask]
    figures: QbrFigures
    previous: str | None  # the quarter of the last pack kept, if any
    changes: list[Change]
    proposed: list[ProposedGoal]
    internal: Internal | None

    @property
    def ticket_months(self) -> list[tuple[str, int, int]]:
        """(month, opened, closed) for each month of the quarter up to the day read."""
        months = []
        day = self.quarter.start
        while day <= self.as_of:
            month = day.isoformat()[:7]
            opened = sum(t.opened_on[:7] == month for t in self.tickets)
            closed = sum(1 for t in self.tickets if t.closed_on and t.closed_on[:7] == month)
            months.append((month, opened, closed))
            day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return months


def _sample_days(start: date, last: date) -> list[date]:
    """Every 7th day from the quarter's first week's end, and the last day read."""
    days = []
    day = start + timedelta(days=6)
    while day < last:
        days.append(day)
        day += timedelta(days=7)
    return [*days, last]


def _series(conn: Conn, account_id: int, figure: str, label: str, unit: str, days: list[date]) -> Series:
    values = [value_on(conn, figure, account_id, d, None) for d in days]
    return Series(label, unit, [d.isoformat() for d in days], values)


def _proposals(goals: list[GoalProgress], quarter: Quarter) -> list[ProposedGoal]:
    """Goals already due next quarter, and behind or missed measured goals carried over to its end."""
    after = quarter.next()
    proposed = []
    for g in goals:
        due = g.goal.due_on
        if after.start.isoformat() <= due < after.end.isoformat() and g.status is not GoalStatus.MET:
            proposed.append(ProposedGoal(g.goal.title, g.label, "due next quarter"))
        elif (
            g.status in (GoalStatus.BEHIND, GoalStatus.MISSED)
            and not g.goal.is_milestone
            and due < after.start.isoformat()
        ):
            last = (after.end - timedelta(days=1)).isoformat()
            measure = g.label.rsplit(" by ", 1)[0] + f" by {last}"
            proposed.append(ProposedGoal(g.goal.title, measure, f"carried over ({g.status.value})"))
    return proposed


def qbr_pack(conn: Conn, account_id: int, quarter: Quarter, today: date, internal: bool) -> QbrPack:
    """The pack, read as of the quarter's last day (or `today`, while the quarter runs)."""
    if quarter.start > today:
        raise UserError(f"--quarter {quarter.label}: has not started by {today}")
    info = reads.account(conn, account_id)
    last = min(quarter.end - timedelta(days=1), today)
    s, e = quarter.start.isoformat(), (last + timedelta(days=1)).isoformat()
    days = _sample_days(quarter.start, last)
    usage = [
        _series(conn, account_id, "weekly_active_users", "Weekly active users", "users", days),
        _series(conn, account_id, "key_feature_adoption", "Key feature adoption", "%", days),
    ]
    tickets = qbr.tickets_opened(conn, account_id, s, e)
    closed_days = qbr.tickets_closed_days(conn, account_id, s, e)
    stats = survey_stats(conn, Period(quarter.start, last + timedelta(days=1)), Scope(account_id=account_id))
    view = plan_view(conn, account_id, last)
    met = [g for g in view.goals if g.status is GoalStatus.MET and (g.goal.done_on or g.goal.due_on) >= s]
    milestones = [g for g in view.goals if g.goal.is_milestone and g.goal.done_on and s <= g.goal.done_on < e]
    meetings = qbr.meetings(conn, account_id, s, e)
    figures = QbrFigures(
        usage[0].values[-1],
        usage[1].values[-1],
        len(tickets),
        len(closed_days),
        statistics.median(closed_days) if closed_days else None,
        stats.csat,
        stats.nps,
        stats.nps_responses + stats.csat_responses + stats.ces_responses,
        len(met),
        len(meetings),
    )
    kept = qbr.previous_pack(conn, account_id, quarter.label)
    changes = []
    if kept is not None:
        before = QbrFigures.from_json(kept[1])
        changes = [
            Change(FIGURE_LABELS[f.name], getattr(before, f.name), getattr(figures, f.name)) for f in fields(figures)
        ]
    secret = None
    if internal:
        health = account_health(conn, account_id, last)
        call = qbr.renewal_call(conn, account_id)
        secret = Internal(
            health.score,
            health.band.value,
            [(c.label, c.score) for c in health.components],
            qbr.mean_sentiment(conn, account_id, s, e),
            call,
        )
    return QbrPack(
        info,
        12 * total_mrr(conn, last + timedelta(days=1), Scope(account_id=account_id)),
        quarter,
        last,
        usage,
        tickets,
        qbr.responses(conn, account_id, s, e),
        view.plan,
        view.goals,
        meetings,
        milestones,
        qbr.tasks_done(conn, account_id, s, e),
        figures,
        kept[0] if kept else None,
        changes,
        _proposals(view.goals, quarter),
        secret,
    )
