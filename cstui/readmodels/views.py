"""What each screen shows, assembled from the engine: plain data, no Textual.

Screens call these from worker threads with their own connection, then render the result. Keeping
them free of widgets lets the pilot tests compare what is shown with what the engine says.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from cstui.derived.health_cache import current_band_counts, current_breakdowns, current_scores
from cstui.derived.stored_figures import current_report
from cstui.metrics.bands import Band
from cstui.metrics.base import Conn, Period, Scope, trailing
from cstui.metrics.health import (
    Breakdown,
    HealthChange,
    account_health,
    baseline,
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
from cstui.metrics.stages import StageCount, counts_by_stage
from cstui.metrics.surveys import survey_stats, survey_stats_by_account
from cstui.metrics.usage import daily_active_users_by_month
from cstui.readmodels.since import SinceLastLook
from cstui.storage import derived, queries, reads, seen
from cstui.storage.derived import BookVersion
from cstui.storage.queries import ContactRecord, TimelineRecord
from cstui.storage.reads import AccountInfo, FollowUp
from cstui.storage.stages import current_stages
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
    # Every active account's breakdown when the figures were computed now (the app stores them as
    # today's snapshot); None when they came from the store because the book has not changed.
    health: dict[int, Breakdown] | None
    tasks: DueCounts  # open follow-ups overdue and due today (issue 12)
    version: BookVersion | None = None  # the book version the figures belong to
    stages: list[StageCount] = field(default_factory=list)  # the active accounts by lifecycle stage (issue 29)


def dashboard(conn: Conn, as_of: date, movers: int = 8) -> Dashboard:
    """The dashboard's figures: the stored ones while the book is at the version they came from,
    else computed by the engine (and returned with their breakdowns, for the app to store)."""
    with derived.reading(conn):
        version = derived.book_version(conn)
        report = current_report(conn, as_of, version)
        health: dict[int, Breakdown] | None = None
        if report is None:
            health = health_for_accounts(conn, as_of)
            report = portfolio_report(conn, as_of, health=health)
            scores = {a: b.score for a, b in health.items()}
        else:
            scores = {a: score for a, (score, _) in current_scores(conn, as_of).items()}
        moved = _movers(conn, as_of, scores, health, movers)
        stages = counts_by_stage(conn, as_of, set(scores))
        return Dashboard(report, moved, health, due_counts(conn, as_of), version, stages)


def _movers(
    conn: Conn, as_of: date, scores: dict[int, float | None], health: dict[int, Breakdown] | None, count: int
) -> list[Mover]:
    """The accounts whose score moved most since their last snapshot, with the component that drove it."""
    previous = previous_snapshots(conn, as_of)
    moved = [
        (a, prev_score, score, previous[a][0])
        for a, score in scores.items()
        if a in previous and score is not None and (prev_score := previous[a][1]) is not None
    ]
    moved.sort(key=lambda m: abs(m[2] - m[1]), reverse=True)
    top = [m for m in moved[:count] if abs(m[2] - m[1]) >= 0.05]
    if not top:
        return []
    now = health if health is not None else current_breakdowns(conn, as_of, [m[0] for m in top])
    names = reads.accounts(conn)
    result = []
    for a, before, after, day in top:
        old = previous_snapshot(conn, a, as_of)
        change = what_changed(old, now[a]) if old and a in now else None  # `previous` came from a snapshot
        driver = f"{change.driver.label} {change.driver.delta:+.1f}" if change and change.driver else ""
        result.append(Mover(a, names[a].key, names[a].name, before, after, day, driver))
    return result


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
    news: bool = False  # something new since the CSM last opened it (`storage.seen.accounts_with_news`)
    stage: str = ""  # the lifecycle stage (issue 29), "" when never staged


def account_rows(conn: Conn, as_of: date) -> list[AccountRow]:
    """Every account, churned ones included (the screen hides them unless asked)."""
    health = health_for_accounts(conn, as_of)
    previous = previous_snapshots(conn, as_of)
    arr = mrr_by_account(conn, as_of + timedelta(days=1))
    nps = survey_stats_by_account(conn, trailing(as_of, 90))
    last = reads.last_contacts(conn, as_of)
    tasks = reads.open_follow_up_counts(conn)
    news = seen.accounts_with_news(conn, as_of.isoformat())
    staged = current_stages(conn, as_of)
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
                a in news,
                staged[a].stage if a in staged else "",
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
    since: SinceLastLook | None = None  # what is new since the last look (the account screen's panel)


def history_days(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months before as_of's month, then as_of itself."""
    starts = month_starts(as_of, months + 1)
    return [*month_ends(starts[0], starts[-1] - timedelta(days=1)), as_of]


def account_detail(conn: Conn, account_id: int, as_of: date, timeline_limit: int = 200) -> AccountDetail:
    info = reads.account(conn, account_id)
    breakdown = account_health(conn, account_id, as_of)
    old = baseline(conn, account_id, as_of)  # never a snapshot from before the account started
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


@dataclass
class Trends:
    points: list[MonthPoint]  # oldest month first
    version: BookVersion  # the book version they belong to
    computed: list[tuple[MonthPoint, date]]  # those computed now (not stored), with their period's end


def month_json(point: MonthPoint) -> str:
    return json.dumps({**asdict(point), "bands": {band.value: n for band, n in point.bands.items()}})


def month_from_json(text: str) -> MonthPoint:
    values = json.loads(text)
    return MonthPoint(**{**values, "bands": {Band(band): n for band, n in values["bands"].items()}})


def trends(conn: Conn, as_of: date, months: int, progress: Callable[[list[MonthPoint]], None] | None = None) -> Trends:
    """Portfolio figures for each of the last `months` months (the current one up to as_of).

    A month's stored figures are reused while no change since touched a fact dated before the
    month's end (`derived.earliest_touched`); only the others are computed, newest first, and
    `progress` is given the newest months known so far after each one (charts grow as they come).
    """
    with derived.reading(conn):
        version = derived.book_version(conn)
        starts = month_starts(as_of, months)
        points = _stored_months(conn, as_of, starts, version)
        missing = [s for s in reversed(starts) if s.isoformat()[:7] not in points]
        computed = []
        for point, end in _compute_months(conn, as_of, missing):
            computed.append((point, end))
            points[point.month] = point
            if progress is not None and len(computed) < len(missing):
                progress(_newest_run(points, starts))
        return Trends([points[s.isoformat()[:7]] for s in starts], version, computed)


def _newest_run(points: dict[str, MonthPoint], starts: list[date]) -> list[MonthPoint]:
    """The known months from the newest back to the first one still missing, oldest first."""
    run = []
    for start in reversed(starts):
        point = points.get(start.isoformat()[:7])
        if point is None:
            break
        run.append(point)
    return run[::-1]


def _period_end(start: date, as_of: date) -> date:
    return min(next_month(start), as_of + timedelta(days=1))


def _stored_months(conn: Conn, as_of: date, starts: list[date], version: BookVersion) -> dict[str, MonthPoint]:
    """The stored months that are still valid: same period, and nothing dated before its end changed."""
    stored = derived.load_months(conn)
    touched: dict[BookVersion, date | None] = {}
    valid = {}
    for start in starts:
        month, end = start.isoformat()[:7], _period_end(start, as_of)
        row = stored.get(month)
        if row is None or row.version is None or row.end_day != end.isoformat():
            continue
        if row.version not in touched:
            touched[row.version] = derived.earliest_touched(conn, row.version, version)
        earliest = touched[row.version]
        if earliest is not None and earliest < end:
            continue
        try:
            valid[month] = month_from_json(row.body)
        except (ValueError, TypeError, KeyError):
            continue
    return valid


def _compute_months(conn: Conn, as_of: date, starts: list[date]) -> Iterator[tuple[MonthPoint, date]]:
    """The figures of the given months, in the order given, each yielded as soon as it is computed;
    the month still running scores its accounts through `current_scores` (today's snapshot, when
    it is current)."""
    if not starts:
        return
    first = min(starts)
    moods = {m.month: m.mean for m in sentiment_by_month(conn, first, as_of + timedelta(days=1))}
    usage = daily_active_users_by_month(conn, Period(first, as_of + timedelta(days=1)))
    for start in starts:
        end = _period_end(start, as_of)
        period = Period(start, end)
        stats = survey_stats(conn, period)
        month = start.isoformat()[:7]
        bands = current_band_counts(conn, end - timedelta(days=1))
        point = MonthPoint(
            month,
            stats.nps,
            stats.csat,
            stats.ces,
            logo_counts(conn, period).churn_rate,
            revenue_retention(conn, period).nrr,
            total_mrr(conn, end),
            usage.get(month),
            bands,
            moods.get(month),
        )
        yield point, end
