"""Meetings from an iCalendar (.ics) export: recurring series expanded within a window of days.

`icalendar` parses the file and `recurring-ical-events` expands RRULE/RDATE/EXDATE and moved or
cancelled occurrences (RECURRENCE-ID overrides), which is the part of RFC 5545 that is easy to get
wrong by hand. Each occurrence's start is converted to the CSM's time zone before its date is taken,
so a 21:00 New York call lands on the day it was for the CSM.
"""

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, cast

from cstui.ingest.items import Item, ItemKind, Person, Problem, stable_hash, unique_people


def local_date(value: date | datetime, tz: tzinfo | None) -> date:
    """The day `value` falls on in `tz` (None: this machine's zone); floating times and dates as they are."""
    if isinstance(value, datetime):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    return value


def _person(value) -> Person | None:
    text = re.sub(r"^mailto:", "", str(value or "").strip(), flags=re.IGNORECASE)
    if "@" not in text:
        return None
    params = getattr(value, "params", {}) or {}
    return Person(text.lower(), str(params.get("CN") or "").strip() or None)


def _attendees(event) -> list:
    value = event.get("ATTENDEE")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _minutes(event) -> int | None:
    """Length of a timed occurrence in whole minutes; None for all-day events or no end."""
    try:
        start, end = event.start, event.end
    except Exception:  # icalendar raises IncompleteComponent (and others) for a missing end
        return None
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    return max(0, int((end - start).total_seconds() // 60))


def _instant(value: date | datetime) -> str:
    """A stable text for a RECURRENCE-ID: UTC for zoned times."""
    if isinstance(value, datetime) and value.tzinfo:
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def parse_calendar(
    path: Path, data: bytes, since: date, until: date, tz: tzinfo | None
) -> tuple[list[Item], list[Problem]]:
    """Every meeting occurrence from `since` to `until` (local dates, inclusive), or the file's problems."""
    import icalendar
    import recurring_ical_events

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # the parser raises ValueError, KeyError, IndexError on broken input
        return [], [Problem(path, "calendar", f"not an iCalendar file ({_short(error)})")]
    if getattr(calendar, "name", None) != "VCALENDAR":
        return [], [Problem(path, "calendar", "not an iCalendar file (no VCALENDAR)")]
    problems = []
    for event in calendar.walk("VEVENT"):
        label = f"event {event.get('UID') or event.get('SUMMARY') or '(no UID)'}"
        if event.get("DTSTART") is None:
            problems.append(Problem(path, label, "no DTSTART"))
            continue
        try:
            cast(Any, event["DTSTART"]).dt  # noqa: B018 - reading it is the check
        except Exception as error:  # icalendar's broken-property errors vary by version
            problems.append(Problem(path, label, f"bad DTSTART ({_short(error)})"))
    if problems:
        return [], problems
    try:
        # A day of margin on both sides: the window is in local dates, the expansion in event time.
        occurrences = list(
            recurring_ical_events.of(calendar).between(since - timedelta(days=1), until + timedelta(days=2))
        )
    except Exception as error:  # broken RRULE, unknown TZID, bad dates: reported, not a traceback
        return [], [Problem(path, "calendar", f"cannot expand the events ({_short(error)})")]
    # Only a series' occurrences need their RECURRENCE-ID in the key (the expander gives every event
    # one); a single event keeps its UID alone, so moving it in the calendar does not duplicate it.
    series = {str(e.get("UID")) for e in calendar.walk("VEVENT") if e.get("RRULE") or e.get("RDATE")}
    items = []
    for event in occurrences:
        if str(event.get("STATUS") or "").upper() == "CANCELLED":
            continue
        day = local_date(event.start, tz)
        if not since <= day <= until:
            continue
        items.append(_item(path, event, day, str(event.get("UID")) in series))
    return items, []


def _item(path: Path, event, day: date, in_series: bool) -> Item:
    uid = str(event.get("UID") or "").strip()
    summary = " ".join(str(event.get("SUMMARY") or "").split()) or "(no title)"
    organizer = _person(event.get("ORGANIZER"))
    attendees = [p for p in (_person(a) for a in _attendees(event)) if p]
    recurrence = event.get("RECURRENCE-ID")
    start = event.start
    if uid:
        key = f"ics:{uid}|{_instant(recurrence.dt)}" if in_series and recurrence is not None else f"ics:{uid}"
    else:
        key = "ics:" + stable_hash(_instant(start), summary, organizer.email if organizer else "")
    return Item(
        path=path,
        label=f"event {uid or summary}",
        kind=ItemKind.MEETING,
        key=key,
        occurred_on=day,
        summary=summary,
        organizer=organizer,
        participants=unique_people(([organizer] if organizer else []) + attendees),
        minutes=_minutes(event),
    )


def _short(error: Exception) -> str:
    return " ".join(str(error).split())[:200] or type(error).__name__
