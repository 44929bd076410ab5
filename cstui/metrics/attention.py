"""Where the CSM's time goes: call and meeting minutes and emails per account and segment against ARR.

Attention is counted in minutes: the real `duration_minutes` of every call and meeting (ingested
from the calendar, or typed in the feedback form and `note add|edit --minutes`; one without a
duration counts 0) plus `EMAIL_MINUTES` for each email, an estimate of the time to read and answer
one (mails carry no duration). Each account's share of that is set against its share of the book's ARR at
the period's end. An account has *much ARR and little attention* when its ARR share is at least the
average account's and its attention share is under half its ARR share; *much attention and little
ARR* is the mirror image. Up to `NAMED` of each are named, the largest gap first.

Only time spent counts: a meeting booked after the as-of date (`cstui ingest` takes the calendar
four weeks ahead) is left out even when the period reaches past that date (`predicates.contact_by`).
"""

from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import Conn, Period
from cstui.metrics.revenue import mrr_by_account
from cstui.storage.predicates import contact_by

EMAIL_MINUTES = 5
NAMED = 5


@dataclass(frozen=True)
class Attention:
    """One account's (or segment's) time and money in the period; shares are fractions 0..1."""

    name: str
    segment: str | None
    arr: float
    meetings: int
    meeting_minutes: int
    emails: int
    attention_minutes: int
    arr_share: float
    attention_share: float
    key: str | None = None  # None for a segment row
    accounts: int = 1
    calls: int = 0
    call_minutes: int = 0


@dataclass(frozen=True)
class TimeReport:
    period: Period
    arr: float
    meetings: int
    meeting_minutes: int
    emails: int
    attention_minutes: int
    accounts: list[Attention]
    calls: int
    call_minutes: int
    segments: list[Attention]
    underserved: list[str]  # account keys: much ARR, little attention
    overserved: list[str]  # account keys: much attention, little ARR


_TIME_SQL = f"""
    SELECT a.id, a.key, a.name, a.segment, coalesce(t.meetings, 0), coalesce(t.minutes, 0), coalesce(t.emails, 0),
           coalesce(t.calls, 0), coalesce(t.call_minutes, 0)
    FROM accounts a LEFT JOIN (
        SELECT account_id,
               sum(kind = 'meeting') AS meetings,
               sum(CASE WHEN kind = 'meeting' THEN coalesce(duration_minutes, 0) ELSE 0 END) AS minutes,
               sum(kind = 'email') AS emails,
               sum(kind = 'call') AS calls,
               sum(CASE WHEN kind = 'call' THEN coalesce(duration_minutes, 0) ELSE 0 END) AS call_minutes
        FROM interactions WHERE occurred_on >= :s AND occurred_on < :e AND {contact_by("d")} GROUP BY account_id
    ) t ON t.account_id = a.id
    ORDER BY a.key
"""


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def time_report(conn: Conn, period: Period, as_of: date) -> TimeReport:
    """Attention and ARR per account (those with either) and per segment over `period`, counting
    what took place by the end of `as_of`."""
    mrr = mrr_by_account(conn, period.end)
    raw = []
    for account, key, name, segment, meetings, minutes, emails, calls, call_minutes in conn.execute(
        _TIME_SQL, {"s": period.s, "e": period.e, "d": as_of.isoformat()}
    ):
        arr = 12 * mrr.get(account, 0.0)
        if arr or meetings or emails or calls:
            spent = int(minutes) + int(call_minutes) + EMAIL_MINUTES * int(emails)
            counts = (int(meetings), int(minutes), int(emails), int(calls), int(call_minutes))
            raw.append((key, name, segment, arr, *counts, spent))
    total_arr = sum(r[3] for r in raw)
    total_attention = sum(r[-1] for r in raw)
    accounts = [
        Attention(
            name=name,
            segment=segment,
            arr=arr,
            meetings=meetings,
            meeting_minutes=minutes,
            emails=emails,
            attention_minutes=spent,
            arr_share=_share(arr, total_arr),
            attention_share=_share(spent, total_attention),
            key=key,
            calls=calls,
            call_minutes=call_minutes,
        )
        for key, name, segment, arr, meetings, minutes, emails, calls, call_minutes, spent in raw
    ]
    return TimeReport(
        period=period,
        arr=total_arr,
        meetings=sum(a.meetings for a in accounts),
        meeting_minutes=sum(a.meeting_minutes for a in accounts),
        emails=sum(a.emails for a in accounts),
        attention_minutes=total_attention,
        accounts=accounts,
        calls=sum(a.calls for a in accounts),
        call_minutes=sum(a.call_minutes for a in accounts),
        segments=_segments(accounts, total_arr, total_attention),
        underserved=_named(accounts, underserved=True),
        overserved=_named(accounts, underserved=False),
    )


def _segments(accounts: list[Attention], total_arr: float, total_attention: int) -> list[Attention]:
    rows = []
    for segment in sorted({a.segment for a in accounts}, key=lambda s: (s is None, s or "")):
        members = [a for a in accounts if a.segment == segment]
        arr = sum(a.arr for a in members)
        attention = sum(a.attention_minutes for a in members)
        rows.append(
            Attention(
                name=segment or "(no segment)",
                segment=segment,
                arr=arr,
                meetings=sum(a.meetings for a in members),
                meeting_minutes=sum(a.meeting_minutes for a in members),
                emails=sum(a.emails for a in members),
                attention_minutes=attention,
                arr_share=_share(arr, total_arr),
                attention_share=_share(attention, total_attention),
                accounts=len(members),
                calls=sum(a.calls for a in members),
                call_minutes=sum(a.call_minutes for a in members),
            )
        )
    return rows


def _named(accounts: list[Attention], *, underserved: bool) -> list[str]:
    """Keys of the accounts whose attention is far below (or above) their ARR, largest gap first."""
    if underserved:
        paying = [a for a in accounts if a.arr > 0]
        bar = 1 / len(paying) if paying else 1.0
        found = [a for a in paying if a.arr_share >= bar and a.attention_share < a.arr_share / 2]
        found.sort(key=lambda a: (a.attention_share - a.arr_share, a.key))
    else:
        busy = [a for a in accounts if a.attention_minutes > 0]
        bar = 1 / len(busy) if busy else 1.0
        found = [a for a in busy if a.attention_share >= bar and a.attention_share > 2 * a.arr_share]
        found.sort(key=lambda a: (a.arr_share - a.attention_share, a.key))
    return [a.key for a in found[:NAMED] if a.key]
