"""The agenda (`A`, `cstui agenda`): the book's meetings from today on, by day.

Each meeting comes with what the CSM wants before walking in: its account's health band, the
account's open reasons (what the check-in rules find on it today), and, for a meeting held today
whose feedback is not logged yet (an ingested meeting not yet reviewed), the offer to log it.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from cstui.derived.health_cache import current_scores
from cstui.metrics.bands import Band
from cstui.metrics.base import Conn
from cstui.metrics.checkin import account_reasons
from cstui.storage import calendar

DAYS = 14


@dataclass(frozen=True)
class AgendaMeeting:
    interaction_id: int
    account_id: int
    key: str
    name: str
    day: str
    summary: str
    minutes: int | None
    contact: str | None  # who it is with (a contact's name, else an address)
    participants: list[str]
    band: Band | None  # None: the account has no score (off the books, or too little data)
    reasons: list[str]  # the check-in rules' findings on the account today
    needs_feedback: bool  # held today, feedback not logged yet


@dataclass(frozen=True)
class AgendaDay:
    day: str
    meetings: list[AgendaMeeting]

    @property
    def label(self) -> str:
        """ "Tue 24 Nov 2026": the day as a heading."""
        return date.fromisoformat(self.day).strftime("%a %d %b %Y")


@dataclass(frozen=True)
class Agenda:
    as_of: str
    last: str  # the last day shown
    days: list[AgendaDay]  # only days with meetings

    @property
    def meetings(self) -> list[AgendaMeeting]:
        return [m for d in self.days for m in d.meetings]

    def to_json(self) -> str:
        days = [
            {"day": d.day, "meetings": [{**asdict(m), "band": m.band.value if m.band else None} for m in d.meetings]}
            for d in self.days
        ]
        return json.dumps({"as_of": self.as_of, "last": self.last, "days": days}, indent=2, ensure_ascii=False)


def agenda(conn: Conn, as_of: date, days: int = DAYS) -> Agenda:
    """Meetings from `as_of` to `days - 1` days after it, grouped by day."""
    last = as_of + timedelta(days=days - 1)
    booked = calendar.meetings(conn, as_of, last)
    scores = current_scores(conn, as_of) if booked else {}
    reasons = account_reasons(conn, as_of, lambda d: current_scores(conn, d), scores) if booked else {}
    grouped: dict[str, list[AgendaMeeting]] = {}
    for m in booked:
        score = scores.get(m.account_id)
        grouped.setdefault(m.day, []).append(
            AgendaMeeting(
                m.interaction_id,
                m.account_id,
                m.account_key,
                m.account_name,
                m.day,
                m.summary,
                m.minutes,
                m.contact,
                m.participants,
                score[1] if score is not None else None,
                [r.text for r in reasons.get(m.account_id, [])],
                m.day == as_of.isoformat() and not m.reviewed,
            )
        )
    return Agenda(as_of.isoformat(), last.isoformat(), [AgendaDay(day, rows) for day, rows in grouped.items()])


def agenda_text(data: Agenda, text_of: Callable[[object], str]) -> list[str]:
    """The agenda in lines (`cstui agenda`); `text_of` makes book text safe to print."""
    lines = [f"Meetings from {data.as_of} to {data.last}: {len(data.meetings)}"]
    if not data.days:
        lines.append("none booked (`cstui ingest` your calendar export to see what is coming)")
    for d in data.days:
        lines += ["", d.label]
        for m in d.meetings:
            length = f" {m.minutes} min" if m.minutes is not None else ""
            band = m.band.value if m.band else "no score"
            who = f" with {text_of(m.contact)}" if m.contact else ""
            lines.append(f"  {text_of(m.key)} {text_of(m.name)} [{band}]{length}: {text_of(m.summary)}{who}")
            lines += [f"    - {text_of(r)}" for r in m.reasons]
            if m.needs_feedback:
                lines.append("    feedback not logged yet (`f` on the agenda, or `cstui note add`)")
    return lines
