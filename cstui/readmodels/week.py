"""The week in review (`W`, `cstui week`): what a CSM reports to their manager on Friday.

"The week" is the 7 days that end on the as-of date; every change it shows is over that period and
says so ("in 7 days"). Its parts, each defined once here:

- renewals in the next 90 days that moved: a renewal date changed through cstui during the week
  (recorded in the history), a call made or changed during the week (`called_on`), or a band
  different from the band 7 days before;
- the biggest score falls and rises over the 7 days, each with its driver (the component that moved
  most the way the score moved, `HealthChange.driver`); accounts without a score on either day are
  left out;
- silent champions: champions the `champion_silent` check-in rule finds (its threshold), those that
  went silent during the week first;
- overdue playbook steps: open tasks from a playbook due before the as-of date;
- follow-ups created and done during the week;
- the quarter's forecast: the calendar quarter of the as-of date, renewals from the as-of date to
  its end; committed (and probable) expected ARR is the call's expected ARR, else the ARR at stake,
  of the renewals called commit (probable); against the ARR up for renewal; and last quarter's call
  accuracy (calls on renewals dated in the previous quarter, `readmodels.renewals.accuracy`);
- time spent against ARR share: `metrics.attention.time_report` over the week;
- next week: renewals, meetings and open follow-ups due in the 7 days after the as-of date.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from cstui.derived.health_cache import current_health
from cstui.formatting import change_text
from cstui.metrics.attention import EMAIL_MINUTES, time_report
from cstui.metrics.base import Conn, trailing
from cstui.metrics.checkin import load_rules
from cstui.metrics.checkin_rules import RULES
from cstui.metrics.health import Breakdown, health_for_accounts, what_changed
from cstui.metrics.relationships import champion_silence
from cstui.metrics.revenue import renewals_due
from cstui.readmodels.precall import md
from cstui.readmodels.renewals import accuracy
from cstui.safe_text import visible
from cstui.storage import calendar, reads, tasklist
from cstui.storage.renewal_calls import Call, calls

DAYS = 7
HORIZON_DAYS = 90
LISTED = 5  # score falls, rises and accounts by time shown
SILENT_LISTED = 8  # silent champions named (the new ones first), the rest counted
MOVED = 0.05  # a smaller change in points is no change (the one tenth a screen shows)


def period_words(days: int) -> str:
    """How a change over the week names its period."""
    return f"in {days} days"


@dataclass(frozen=True)
class RenewalMoved:
    key: str
    name: str
    renewal_date: str
    arr: float
    moves: list[str]  # what moved, in words: "date 2027-01-10 → 2027-02-10", "call: commit", "band yellow → red"


@dataclass(frozen=True)
class ScoreMove:
    key: str
    name: str
    before: float
    after: float
    driver: str | None  # the component that moved most the way the score did, with its points

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class SilentChampion:
    key: str
    name: str
    email: str
    days: int | None  # None: never in touch
    new: bool  # went silent during the week


@dataclass(frozen=True)
class OverdueStep:
    key: str
    title: str
    due_on: str
    playbook: str


@dataclass(frozen=True)
class Forecast:
    quarter: str  # "2026 Q4"
    first: str  # the as-of date
    last: str  # the quarter's last day
    renewals: int
    arr_up: float  # ARR up for renewal from the as-of date to the quarter's end
    committed: float  # expected ARR of the renewals called commit
    probable: float  # expected ARR of the renewals called probable
    uncalled_arr: float  # ARR of the renewals without a call
    last_quarter: str
    calls_scored: int  # calls on last quarter's renewals
    calls_right: int

    @property
    def hit_rate(self) -> float | None:
        """Last quarter's calls that said what happened, in %; undefined with none scored."""
        return 100.0 * self.calls_right / self.calls_scored if self.calls_scored else None


@dataclass(frozen=True)
class TimeLine:
    key: str
    name: str
    minutes: int
    time_share: float  # 0..1 of the week's minutes
    arr_share: float  # 0..1 of the book's ARR


@dataclass(frozen=True)
class TimeSpent:
    calls: int
    call_minutes: int
    meetings: int
    meeting_minutes: int
    emails: int
    email_minutes: int  # the estimate per email
    minutes: int
    accounts: list[TimeLine]  # most time first (at most LISTED)
    underserved: list[str]  # keys: much ARR, little time this week


@dataclass(frozen=True)
class NextRenewal:
    key: str
    name: str
    renewal_date: str
    arr: float


@dataclass(frozen=True)
class NextMeeting:
    key: str
    day: str
    summary: str
    minutes: int | None


@dataclass(frozen=True)
class NextTask:
    key: str
    title: str
    due_on: str


@dataclass(frozen=True)
class Week:
    as_of: str
    first: str  # the week's first day
    period: str  # "in 7 days": how every change here names its period
    renewals_moved: list[RenewalMoved]
    falls: list[ScoreMove]
    rises: list[ScoreMove]
    silent_champions: list[SilentChampion]  # at most SILENT_LISTED
    silent_total: int
    overdue_steps: list[OverdueStep]
    tasks_created: int
    tasks_done: int
    forecast: Forecast
    time: TimeSpent
    next_renewals: list[NextRenewal]
    next_meetings: list[NextMeeting]
    next_tasks: list[NextTask]

    def to_json(self) -> str:
        data = asdict(self)
        data["forecast"]["hit_rate"] = self.forecast.hit_rate
        for key in ("falls", "rises"):
            for row, move in zip(data[key], getattr(self, key), strict=True):
                row["delta"] = move.delta
        return json.dumps(data, indent=2, ensure_ascii=False)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter holding `day`: its first day and the first day of the next."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = date(first.year + 1, 1, 1) if first.month == 10 else date(first.year, first.month + 3, 1)
    return first, after


def quarter_label(first: date) -> str:
    return f"{first.year} Q{(first.month - 1) // 3 + 1}"


def _driver(before: Breakdown, after: Breakdown) -> str | None:
    driver = what_changed(before, after).driver
    return f"{driver.label} {driver.delta:+.1f}" if driver else None


def _score_moves(
    now: dict[int, Breakdown], then: dict[int, Breakdown], names: dict[int, reads.AccountInfo]
) -> tuple[list[ScoreMove], list[ScoreMove]]:
    moves = []
    for account, after in now.items():
        before = then.get(account)
        if before is None or before.score is None or after.score is None:
            continue
        if abs(after.score - before.score) >= MOVED:
            info = names[account]
            moves.append(ScoreMove(info.key, info.name, before.score, after.score, _driver(before, after)))
    falls = sorted((m for m in moves if m.delta < 0), key=lambda m: (m.delta, m.key))
    rises = sorted((m for m in moves if m.delta > 0), key=lambda m: (-m.delta, m.key))
    return falls[:LISTED], rises[:LISTED]


def _renewals_moved(
    conn: Conn, as_of: date, first: date, now: dict[int, Breakdown], then: dict[int, Breakdown]
) -> list[RenewalMoved]:
    due = renewals_due(conn, as_of, HORIZON_DAYS)
    dates = {m.account_id: m for m in calendar.renewal_date_moves(conn, first, as_of)}
    made = {(c.account_id, c.renewal_date): c for c in calls(conn)}
    names = reads.accounts(conn)
    moved = []
    for r in due:
        moves = []
        if (m := dates.get(r.account_id)) is not None:
            moves.append(f"date {m.before or '-'} → {m.after or '-'}")
        call = made.get((r.account_id, r.renewal_date))
        if call is not None and first.isoformat() <= call.called_on <= as_of.isoformat():
            moves.append(f"call: {call.call.label} on {call.called_on}")
        before, after = then.get(r.account_id), now.get(r.account_id)
        if before is not None and after is not None and before.band is not after.band:
            moves.append(f"band {before.band.value} → {after.band.value}")
        if moves:
            info = names[r.account_id]
            moved.append(RenewalMoved(info.key, info.name, r.renewal_date, r.arr, moves))
    return moved


def _silent_champions(conn: Conn, as_of: date, active: dict[int, Breakdown]) -> list[SilentChampion]:
    row = load_rules(conn).get("champion_silent")
    if row is not None and not row.enabled:
        return []
    default = RULES["champion_silent"].default_threshold or 0.0
    threshold = row.threshold if row is not None and row.threshold is not None else default
    names = reads.accounts(conn)
    found = []
    for s in champion_silence(conn, as_of):
        if s.account_id not in active or (s.days is not None and s.days < threshold):
            continue
        new = s.days is not None and s.days < threshold + DAYS
        info = names[s.account_id]
        found.append(SilentChampion(info.key, info.name, s.champion_email, s.days, new))
    found.sort(key=lambda s: (not s.new, s.days is None, -(s.days or 0), s.key, s.email))
    return found


def _forecast(conn: Conn, as_of: date) -> Forecast:
    start, after = quarter_of(as_of)
    last = after - timedelta(days=1)
    due = renewals_due(conn, as_of, (last - as_of).days)
    made = {(c.account_id, c.renewal_date): c for c in calls(conn)}
    committed = probable = uncalled = 0.0
    for r in due:
        call = made.get((r.account_id, r.renewal_date))
        expected = r.arr if call is None or call.expected_arr is None else call.expected_arr
        if call is None:
            uncalled += r.arr
        elif call.call is Call.COMMIT:
            committed += expected
        elif call.call is Call.PROBABLE:
            probable += expected
    previous, _ = quarter_of(start - timedelta(days=1))
    scored = [s for s in accuracy(conn, start).scored if s.renewal_date >= previous.isoformat()]
    return Forecast(
        quarter_label(start),
        as_of.isoformat(),
        last.isoformat(),
        len(due),
        sum(r.arr for r in due),
        committed,
        probable,
        uncalled,
        quarter_label(previous),
        len(scored),
        sum(1 for s in scored if s.right),
    )


def _time(conn: Conn, as_of: date) -> TimeSpent:
    report = time_report(conn, trailing(as_of, DAYS), as_of)
    busy = sorted((a for a in report.accounts if a.attention_minutes), key=lambda a: (-a.attention_minutes, a.key))
    return TimeSpent(
        report.calls,
        report.call_minutes,
        report.meetings,
        report.meeting_minutes,
        report.emails,
        EMAIL_MINUTES,
        report.attention_minutes,
        [TimeLine(a.key or "", a.name, a.attention_minutes, a.attention_share, a.arr_share) for a in busy[:LISTED]],
        report.underserved,
    )


def week(conn: Conn, as_of: date) -> Week:
    """The week that ends on `as_of`, and the one after it."""
    first = as_of - timedelta(days=DAYS - 1)
    now = current_health(conn, as_of)
    then = health_for_accounts(conn, as_of - timedelta(days=DAYS), accounts=list(now))
    names = reads.accounts(conn)
    falls, rises = _score_moves(now, then, names)
    silent = _silent_champions(conn, as_of, now)
    overdue = [
        OverdueStep(t.account_key, t.title, t.due_on, t.playbook or "")
        for t in tasklist.open_tasks(conn, as_of)
        if t.due is tasklist.Due.OVERDUE and t.playbook is not None
    ]
    counts = calendar.task_counts(conn, first, as_of)
    soon, end = as_of + timedelta(days=1), as_of + timedelta(days=DAYS)
    return Week(
        as_of.isoformat(),
        first.isoformat(),
        period_words(DAYS),
        _renewals_moved(conn, as_of, first, now, then),
        falls,
        rises,
        silent[:SILENT_LISTED],
        len(silent),
        overdue,
        counts.created,
        counts.done,
        _forecast(conn, as_of),
        _time(conn, as_of),
        [
            NextRenewal(names[r.account_id].key, names[r.account_id].name, r.renewal_date, r.arr)
            for r in renewals_due(conn, soon, DAYS - 1)
        ],
        [NextMeeting(m.account_key, m.day, m.summary, m.minutes) for m in calendar.meetings(conn, soon, end)],
        [NextTask(t.account_key, t.title, t.due_on) for t in calendar.open_tasks_due(conn, soon, end)],
    )


# --- in words: the screen, the CLI and the note to a manager read the same sections ---------------


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _score_line(m: ScoreMove, text: Callable[[object], str], period: str) -> str:
    driver = f"; driver {m.driver}" if m.driver else ""
    return f"{text(m.key)} {text(m.name)}: {m.before:.1f} → {m.after:.1f} ({change_text(m.delta, period)}{driver})"


def _forecast_lines(f: Forecast) -> list[str]:
    rate = "-" if f.hit_rate is None else f"{f.hit_rate:.0f}%"
    return [
        f"{f.quarter}, {f.first} to {f.last}: {f.renewals} renewals, ARR up for renewal {_money(f.arr_up)}",
        f"committed {_money(f.committed)}, probable {_money(f.probable)}, "
        f"committed + probable {_money(f.committed + f.probable)} of {_money(f.arr_up)}; "
        f"no call yet on {_money(f.uncalled_arr)}",
        f"{f.last_quarter} calls: {f.calls_right} of {f.calls_scored} right ({rate})",
    ]


def _time_lines(t: TimeSpent, text: Callable[[object], str]) -> list[str]:
    lines = [
        f"{t.minutes:,} min: calls {t.call_minutes:,} min ({t.calls}), meetings {t.meeting_minutes:,} min "
        f"({t.meetings}), {t.emails} emails × {t.email_minutes} min (estimate)"
    ]
    lines += [
        f"{text(a.key)} {text(a.name)}: {a.minutes:,} min, {_pct(a.time_share)} of the time, {_pct(a.arr_share)} of ARR"
        for a in t.accounts
    ]
    if t.underserved:
        lines.append(f"much ARR, little time: {', '.join(text(k) for k in t.underserved)}")
    return lines


def week_sections(w: Week, text: Callable[[object], str]) -> list[Section]:
    """The week in sections of lines; `text` makes book text safe for where it is shown."""
    p = w.period
    renewals = [
        f"{r.renewal_date} {text(r.key)} {text(r.name)} (ARR {_money(r.arr)}): {'; '.join(r.moves)}"
        for r in w.renewals_moved
    ]
    silent = [
        f"{text(s.key)} {text(s.name)}: {text(s.email)} "
        + ("never contacted" if s.days is None else f"silent {s.days} days")
        + (" (new this week)" if s.new else "")
        for s in w.silent_champions
    ]
    if w.silent_total > len(w.silent_champions):
        silent.append(f"and {w.silent_total - len(w.silent_champions)} more (the check-in lists them)")
    steps = [f"{s.due_on} {text(s.key)}: {text(s.title)} ({text(s.playbook)})" for s in w.overdue_steps]
    coming = [f"renewal {r.renewal_date} {text(r.key)} {text(r.name)} (ARR {_money(r.arr)})" for r in w.next_renewals]
    coming += [
        f"meeting {m.day} {text(m.key)}: {text(m.summary)}" + (f" ({m.minutes} min)" if m.minutes is not None else "")
        for m in w.next_meetings
    ]
    coming += [f"due {t.due_on} {text(t.key)}: {text(t.title)}" for t in w.next_tasks]
    return [
        Section(f"Renewals in the next {HORIZON_DAYS} days that moved {p}", renewals or ["none"]),
        Section(f"Biggest score falls {p}", [_score_line(m, text, p) for m in w.falls] or ["none"]),
        Section(f"Biggest score rises {p}", [_score_line(m, text, p) for m in w.rises] or ["none"]),
        Section("Silent champions", silent or ["none"]),
        Section("Overdue playbook steps", steps or ["none"]),
        Section(f"Follow-ups {p}", [f"{w.tasks_created} created, {w.tasks_done} done"]),
        Section("The quarter's forecast", _forecast_lines(w.forecast)),
        Section(f"Time spent {p} against ARR share", _time_lines(w.time, text)),
        Section("Next week", coming or ["nothing booked or due"]),
    ]


def week_title(w: Week) -> str:
    return f"The week: {w.first} to {w.as_of}"


def week_text(w: Week) -> str:
    """The week as plain text (`cstui week`)."""
    lines = [week_title(w)]
    for s in week_sections(w, lambda v: visible(v, one_line=True)):
        lines += ["", s.title, *(f"  {line}" for line in s.lines)]
    return "\n".join(lines) + "\n"


def week_markdown(w: Week) -> str:
    """The week as a Markdown note for a manager (`cstui week --md`)."""
    lines = [f"# {week_title(w)}"]
    for s in week_sections(w, md):
        lines += ["", f"## {s.title}", "", *(f"- {line}" for line in s.lines)]
    return "\n".join(lines) + "\n"
