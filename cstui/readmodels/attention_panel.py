"""The dashboard's "where your time goes" panel: share of attention against share of ARR, per segment,
over the last 90 days, and the accounts with much ARR and little attention named.

The figures are `metrics.attention.time_report`'s (the same as `cstui time`): attention is call and
meeting minutes plus EMAIL_MINUTES per email, ARR is taken at the window's end. Kept out of the dashboard's
own read so the panel loads in a worker of its own and the portfolio report is not held up by it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.attention import EMAIL_MINUTES, time_report
from cstui.metrics.base import Conn, Period, trailing

DAYS = 90
NAMED = 3  # "much ARR, little attention" accounts named on the panel, the largest gap first


@dataclass(frozen=True)
class SegmentTime:
    segment: str  # "(no segment)" for accounts without one
    accounts: int
    arr_share: float  # fraction 0..1 of the book's ARR at the window's end
    time_share: float  # fraction 0..1 of the attention minutes in the window
    minutes: int  # attention minutes: call and meeting minutes + EMAIL_MINUTES per email


@dataclass(frozen=True)
class NamedAccount:
    key: str
    name: str
    arr_share: float
    time_share: float


@dataclass(frozen=True)
class AttentionSummary:
    period: Period
    days: int
    meetings: int
    meeting_minutes: int
    calls: int
    call_minutes: int
    emails: int
    email_minutes: int  # counted per email
    minutes: int  # all attention minutes in the window
    segments: list[SegmentTime]
    underserved: list[NamedAccount]  # much ARR, little attention (at most NAMED)

    @property
    def last_day(self) -> date:
        """The window's last day (the period's end is exclusive)."""
        return self.period.end - timedelta(days=1)


def attention_summary(conn: Conn, as_of: date, days: int = DAYS) -> AttentionSummary:
    """The panel's figures for the trailing `days` days that end on `as_of`."""
    report = time_report(conn, trailing(as_of, days), as_of)
    accounts = {a.key: a for a in report.accounts}
    return AttentionSummary(
        period=report.period,
        days=days,
        meetings=report.meetings,
        meeting_minutes=report.meeting_minutes,
        calls=report.calls,
        call_minutes=report.call_minutes,
        emails=report.emails,
        email_minutes=EMAIL_MINUTES,
        minutes=report.attention_minutes,
        segments=[
            SegmentTime(s.name, s.accounts, s.arr_share, s.attention_share, s.attention_minutes)
            for s in report.segments
        ],
        underserved=[
            NamedAccount(key, accounts[key].name, accounts[key].arr_share, accounts[key].attention_share)
            for key in report.underserved[:NAMED]
        ],
    )
