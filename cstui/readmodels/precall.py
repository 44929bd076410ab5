"""The pre-call brief: what to know before talking to a customer, the most important first.

The next booked meeting and who is in it, health and what moved it since the last call, open
follow-ups and tickets, the latest notes, NPS/CSAT responses and the renewal date. Built from the
storage queries and the health engine, typed and free of Textual, for the `B` screen and
`cstui brief` alike; `precall_markdown` is the CLI's rendering, with book text escaped.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.base import Conn, Scope
from cstui.metrics.dates import book_date
from cstui.metrics.health import Breakdown, ComponentChange, HealthChange, account_health, what_changed
from cstui.metrics.revenue import total_mrr
from cstui.safe_text import visible
from cstui.storage import precall, queries, reads
from cstui.storage.precall import Note, OpenTicket, SurveyResponse

MOVERS = 3  # components named in "what changed"


@dataclass(frozen=True)
class Attendee:
    """Someone on the next meeting's invitation; name and role when they are a contact of the account."""

    email: str
    name: str | None = None
    role: str | None = None
    champion: bool = False


@dataclass(frozen=True)
class NextMeeting:
    day: str
    summary: str
    minutes: int | None
    attendees: list[Attendee]


@dataclass(frozen=True)
class FollowUp:
    due: str
    title: str
    overdue: bool


@dataclass(frozen=True)
class PrecallBrief:
    account_id: int
    key: str
    name: str
    segment: str | None
    as_of: date
    arr: float
    renewal_date: str | None
    churn_date: str | None
    next_meeting: NextMeeting | None
    health: Breakdown
    last_call: str | None  # the latest call or meeting on or before as_of
    change: HealthChange | None  # health at the last call -> now
    follow_ups: list[FollowUp]
    tickets: list[OpenTicket]
    notes: list[Note]
    surveys: list[SurveyResponse]

    @property
    def movers(self) -> list[ComponentChange]:
        """The components that moved the score most since the last call (at most MOVERS)."""
        if self.change is None:
            return []
        return [c for c in self.change.changes if abs(c.delta) >= 0.05][:MOVERS]


def _attendees(conn: Conn, account_id: int, emails: list[str]) -> list[Attendee]:
    contacts = queries.contacts(conn, account_id)
    known = {c.email.lower(): (c.name, c.role, c.champion) for c in contacts if c.email}
    people = []
    for email in emails:
        name, role, champion = known.get(email.lower(), (None, None, False))
        people.append(Attendee(email, name, role or None, champion))
    return sorted(people, key=lambda p: (not p.champion, p.name is None, p.email))  # champion, contacts, others


def precall_brief(conn: Conn, account_id: int, as_of: date) -> PrecallBrief:
    day = as_of.isoformat()
    header = precall.account_header(conn, account_id)
    health = account_health(conn, account_id, as_of)
    last_call = precall.last_conversation(conn, account_id, day)
    change = None
    # Never against a day before the account started (a call logged before it came on the books).
    if last_call is not None and reads.account(conn, account_id).start_date <= last_call < day:
        then = book_date(last_call, "interactions.occurred_on")
        change = what_changed(account_health(conn, account_id, then), health)
    meeting = precall.next_meeting(conn, account_id, day)
    return PrecallBrief(
        account_id=account_id,
        key=header.key,
        name=header.name,
        segment=header.segment,
        as_of=as_of,
        arr=12 * total_mrr(conn, as_of + timedelta(days=1), Scope(account_id=account_id)),
        renewal_date=header.renewal_date,
        churn_date=header.churn_date,
        next_meeting=None
        if meeting is None
        else NextMeeting(
            meeting.day, meeting.summary, meeting.minutes, _attendees(conn, account_id, meeting.participants)
        ),
        health=health,
        last_call=last_call,
        change=change,
        follow_ups=[FollowUp(f.due_on, f.title, f.due_on <= day) for f in reads.open_follow_ups(conn, account_id)],
        tickets=precall.open_tickets(conn, account_id, day),
        notes=precall.latest_notes(conn, account_id, day),
        surveys=precall.survey_history(conn, account_id, day),
    )


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def attendee_label(person: Attendee) -> str:
    """'Ana Ruiz (VP Ops, champion) <ana@acme.com>' or the bare address; book text, not yet made visible."""
    if person.name is None:
        return person.email
    extra = ", ".join(part for part in (person.role, "champion" if person.champion else None) if part)
    return f"{person.name}{f' ({extra})' if extra else ''} <{person.email}>"


def renewal_line(brief: PrecallBrief) -> str:
    if brief.churn_date:
        return f"churned {brief.churn_date}"
    if brief.renewal_date is None:
        return "no renewal date"
    days = (book_date(brief.renewal_date, "accounts.renewal_date") - brief.as_of).days
    when = "today" if days == 0 else f"in {days} days" if days > 0 else f"{-days} days ago"
    return f"renews {brief.renewal_date} ({when})"


def change_line(brief: PrecallBrief) -> str:
    """Health now, and how far it moved since the last call."""
    health = brief.health
    line = f"Health {_score(health.score)} ({health.band.label})"
    if brief.last_call is None:
        return line + "; no call logged yet"
    change = brief.change
    if change is None or change.delta is None:
        return line + f"; last call {brief.last_call}"
    return line + f"; {change.delta:+.1f} since the last call on {brief.last_call}"


def mover_text(mover: ComponentChange) -> str:
    return f"{mover.label} {mover.delta:+.1f} points ({_score(mover.score_before)} -> {_score(mover.score_after)})"


def read_text(sentiment: int | None) -> str:
    return "" if sentiment is None else f" [read {sentiment:+d}]" if sentiment else " [read 0]"


# Characters that mean something inside a Markdown line (emphasis, links, HTML, tables, entities).
_MARKDOWN = re.compile(r"([\\`*_\[\]<>!|~#&])")


def md(value: object) -> str:
    """Book text for Markdown: controls made visible, on one line, every Markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", visible(value, one_line=True))


def precall_markdown(brief: PrecallBrief) -> str:
    """The brief as Markdown, in the screen's order."""
    lines = [
        f"# Pre-call brief: {md(brief.name)} ({md(brief.key)})",
        "",
        f"As of {brief.as_of}. ARR {brief.arr:,.0f}, {renewal_line(brief)}.",
        "",
        "## Next meeting",
        "",
    ]
    meeting = brief.next_meeting
    if meeting is None:
        lines.append("No meeting booked.")
    else:
        length = f", {meeting.minutes} min" if meeting.minutes is not None else ""
        lines.append(f"{meeting.day}{length}: {md(meeting.summary)}")
        lines.append("")
        lines += [f"- {md(attendee_label(p))}" for p in meeting.attendees] or ["- nobody on the invitation"]
    lines += ["", "## Health", "", change_line(brief)]
    if brief.movers:
        lines.append("")
        lines += [f"- {mover_text(m)}" for m in brief.movers]
    lines += ["", "## Open follow-ups", ""]
    lines += [f"- {f.due}{' (overdue)' if f.overdue else ''}: {md(f.title)}" for f in brief.follow_ups] or ["- none"]
    lines += ["", "## Open tickets", ""]
    lines += [f"- {t.opened_on} {t.severity} {t.channel}: {md(t.subject or '')}" for t in brief.tickets] or ["- none"]
    lines += ["", "## Last notes", ""]
    for note in brief.notes:
        lines.append(f"- {note.day} {note.kind}: {md(note.summary)}{read_text(note.sentiment)}")
        if note.notes:
            lines.append(f"  {md(note.notes)}")
    if not brief.notes:
        lines.append("- none")
    lines += ["", "## NPS and CSAT", ""]
    lines += [
        f"- {s.day} {s.kind.upper()} {s.score}{f': {md(s.comment)}' if s.comment else ''}" for s in brief.surveys
    ] or ["- no responses"]
    return "\n".join(lines) + "\n"
