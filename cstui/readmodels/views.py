"""What each screen shows, assembled from the engine: plain data, no Textual.

Screens call these from worker threads with their own connection, then render the result. Keeping
them free of widgets lets the pilot tests compare what is shown with what the engine says.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn, Period, Scope, trailing
from cstui.metrics.health import (
    Breakdown,
    HealthChange,
    account_health,
    band_counts,
    health_for_accounts,
    previous_snapshot,
    previous_snapshots,
    what_changed,
)
from cstui.metrics.logos import logo_counts
from cstui.metrics.months import month_ends, month_starts, next_month
from cstui.metrics.mood import sentiment_by_month
from cstui.metrics.report import PortfolioReport, portfolio_report
from cstui.metrics.revenue import mrr_by_account, revenue_retention, total_mrr
from cstui.metrics.surveys import survey_stats, survey_stats_by_account
from cstui.metrics.usage import daily_active_users_by_month
from cstui.storage import queries, reads
from cstui.storage.queries import ContactRecord, TimelineRecord
from cstui.storage.reads import AccountInfo, FollowUp
from cstui.storage.tasklist import DueCounts, due_counts


@dataclass
class Mover:
    account_id: int
    key: str
    name: str
    before: float
    after: float
    since: str
    driver: str

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass
class Dashboard:
    report: PortfolioReport
    movers: list[Mover]
    health: dict[int, Breakdown]  # every active account's breakdown, reused for today's snapshot
    tasks: DueCounts  # open follow-ups overdue and due today (issue 12)


def dashboard(conn: Conn, as_of: date, movers: int = 8) -> Dashboard:
    health = health_for_accounts(conn, as_of)
    report = portfolio_report(conn, as_of, health=health)
    previous = previous_snapshots(conn, as_of)
    names = reads.accounts(conn)
    moved = [
        (a, prev_score, b.score, day)
        for a, b in health.items()
        if a in previous and b.score is not None and (prev_score := previous[a][1]) is not None
        for day in [previous[a][0]]
    ]
    moved.sort(key=lambda m: abs(m[2] - m[1]), reverse=True)
    result = []
    for a, before, after, day in moved[:movers]:
        if abs(after - before) < 0.05:
            break
        old = previous_snapshot(conn, a, as_of)
        change = what_changed(old, health[a]) if old else None  # `previous` came from a snapshot: there is one
        driver = f"{change.driver.label} {change.driver.delta:+.1f}" if change and change.driver else ""
        result.append(Mover(a, names[a].key, names[a].name, before, after, day, driver))
    return Dashboard(report, result, health, due_counts(conn, as_of))


@dataclass(slots=True)
class AccountRow:
    account_id: int
    key: str
    name: str
    segment: str
    arr: float
    score: float | None
    band: Band
    trend: float | None  # points since the last snapshot
    nps: float | None
    last_contact: str | None
    renewal: str | None
    open_tasks: int
    churned: bool
    nps_responses: int = 0  # behind `nps` (last 90 days): under 5 the list dims it and shows the count


def account_rows(conn: Conn, as_of: date) -> list[AccountRow]:
    """Every account, churned ones included (the screen hides them unless asked)."""
    health = health_for_accounts(conn, as_of)
    previous = previous_snapshots(conn, as_of)
    arr = mrr_by_account(conn, as_of + timedelta(days=1))
    nps = survey_stats_by_account(conn, trailing(as_of, 90))
    last = reads.last_contacts(conn, as_of)
    tasks = reads.open_follow_up_counts(conn)
    rows = []
    for a, info in reads.accounts(conn).items():
        b = health.get(a)
        prev = previous.get(a, (None, None))[1]
        score = b.score if b else None
        rows.append(
            AccountRow(
                a,
                info.key,
                info.name,
                info.segment or "",
                12 * arr.get(a, 0.0),
                score,
                b.band if b else Band.CHURNED,
                None if score is None or prev is None else score - prev,
                nps[a].nps if a in nps else None,
                last.get(a),
                info.renewal_date if b else None,
                tasks.get(a, 0),
                b is None,
                nps[a].nps_responses if a in nps else 0,
            )
        )
    return rows


@dataclass
class AccountDetail:
    info: AccountInfo  # key, name, segment, plan and dates, as stored
    arr: float
    breakdown: Breakdown
    change: HealthChange | None
    history: list[tuple[str, float | None]]  # (month end, score)
    contacts: list[ContactRecord]  # with ids: the account screen opens, edits and deletes rows
    timeline: list[TimelineRecord]
    follow_ups: list[FollowUp]


def history_days(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months before as_of's month, then as_of itself."""
    starts = month_starts(as_of, months + 1)
    return [*month_ends(starts[0], starts[-1] - timedelta(days=1)), as_of]


def account_detail(conn: Conn, account_id: int, as_of: date, timeline_limit: int = 200) -> AccountDetail:
    info = reads.account(conn, account_id)
    breakdown = account_health(conn, account_id, as_of)
    old = previous_snapshot(conn, account_id, as_of)
    history = [
        (d.isoformat(), account_health(conn, account_id, d).score)
        for d in history_days(as_of, 12)
        if d.isoformat() > info.start_date
    ]
    return AccountDetail(
        info,
        12 * total_mrr(conn, as_of + timedelta(days=1), Scope(account_id=account_id)),
        breakdown,
        what_changed(old, breakdown) if old else None,
        history,
        queries.contact_records(conn, account_id),
        queries.timeline_records(conn, account_id, as_of.isoformat(), timeline_limit),
        reads.open_follow_ups(conn, account_id),
    )


@dataclass
class MonthPoint:
    month: str  # YYYY-MM
    nps: float | None
    csat: float | None
    ces: float | None
    churn: float | None
    nrr: float | None
    mrr: float
    active_users: float | None  # mean daily active users across the book
    bands: dict[Band, int]
    sentiment: float | None  # mean of notes and comments, -2..2


def trends(conn: Conn, as_of: date, months: int) -> list[MonthPoint]:
    """Portfolio figures for each of the last `months` months (the current one up to as_of)."""
    points = []
    starts = month_starts(as_of, months)
    moods = {m.month: m.mean for m in sentiment_by_month(conn, starts[0], as_of + timedelta(days=1))}
    usage = daily_active_users_by_month(conn, Period(starts[0], as_of + timedelta(days=1)))
    for start in starts:
        end = min(next_month(start), as_of + timedelta(days=1))
        period = Period(start, end)
        stats = survey_stats(conn, period)
        month = start.isoformat()[:7]
        points.append(
            MonthPoint(
                month,
                stats.nps,
                stats.csat,
                stats.ces,
                logo_counts(conn, period).churn_rate,
                revenue_retention(conn, period).nrr,
                total_mrr(conn, end),
                usage.get(month),
                band_counts(health_for_accounts(conn, end - timedelta(days=1))),
                moods.get(month),
            )
        )
    return points
