"""Meetings from an iCalendar (.ics) export: recurring series expanded within a window of days.

`icalendar` parses the file and `recurring-ical-events` expands RRULE/RDATE/EXDATE and moved or
cancelled occurrences (RECURRENCE-ID overrides), which is the part of RFC 5545 that is easy to get
wrong by hand (`cstui.ingest.expand` bounds it). Each occurrence's start is converted to the CSM's
time zone before its date is taken, so a 21:00 New York call lands on the day it was for the CSM.

A series (the events of one UID) that cannot be read or expanded is skipped whole, with why: an
edit without its broken series, or a series without one of its edits, would store wrong meetings.
"""

import re
import warnings
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any, cast

from cstui.date_range import outside
from cstui.ingest.expand import Runaway, expand
from cstui.ingest.items import FileRead, Item, ItemKind, Person, Problem, one_line, stable_hash, unique_people


def local_date(value: date | datetime, tz: tzinfo | None) -> date:
    """The day `value` falls on in `tz` (None: this machine's zone); floating times and dates as they are."""
    if isinstance(value, datetime):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    return value


def _person(value) -> Person | None:
    text = re.sub(r"^mailto:", "", one_line(str(value or "")), flags=re.IGNORECASE)
    if "@" not in text:
        return None
    params = getattr(value, "params", {}) or {}
    return Person(text.lower(), one_line(str(params.get("CN") or "")) or None)


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


CHECKED = ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "RRULE", "RDATE", "EXDATE")


def parse_calendar(path: Path, data: bytes, since: date, until: date, tz: tzinfo | None) -> FileRead:
    """Every meeting occurrence from `since` to `until` (local dates, inclusive); a series that cannot
    be read or expanded is skipped with why, and the libraries' warnings become notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = _parse(path, data, since, until, tz)
    said = dict.fromkeys(
        one_line(str(w.message))[:300] for w in caught if not issubclass(w.category, DeprecationWarning)
    )
    read.notes = [Problem(path, "calendar", f"note: {text}") for text in said if text]
    return read


def _parse(path: Path, data: bytes, since: date, until: date, tz: tzinfo | None) -> FileRead:
    import icalendar
    import x_wr_timezone

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception as error:  # the parser raises ValueError, KeyError, IndexError on broken input
        return FileRead(refused=Problem(path, "calendar", f"not an iCalendar file ({_short(error)})"))
    if getattr(calendar, "name", None) != "VCALENDAR":
        return FileRead(refused=Problem(path, "calendar", "not an iCalendar file (no VCALENDAR)"))
    read = FileRead()
    broken: set[int] = set()
    for events in _series(calendar).values():
        fault = next((f for f in map(_fault, events) if f), None)
        if fault:
            read.skipped.append(Problem(path, _label(events[0]), fault))
            broken.update(id(e) for e in events)
    calendar.subcomponents = [c for c in calendar.subcomponents if id(c) not in broken]
    try:
        calendar = x_wr_timezone.to_standard(calendar)  # Google's X-WR-TIMEZONE, as the expander does
    except Exception as error:
        return FileRead(refused=Problem(path, "calendar", f"cannot read its X-WR-TIMEZONE ({_short(error)})"))
    # A day of margin on both sides: the window is in local dates, the expansion in event time.
    start = datetime.combine(since - timedelta(days=1), time())
    stop = datetime.combine(until + timedelta(days=2), time())
    for events in _series(calendar).values():
        try:
            occurrences = expand(events, start, stop)
        except Runaway as cap:
            read.skipped.append(Problem(path, _label(events[0]), f"{cap}, not stored"))
            continue
        except Exception as error:  # an RRULE dateutil refuses, an unknown TZID: this series only
            read.skipped.append(Problem(path, _label(events[0]), f"cannot expand it ({_short(error)})"))
            continue
        # A single event keeps its UID alone as its key, so moving it in the calendar does not
        # duplicate it; the occurrences of a series (or edits of one) add their instance.
        recurring = any(e.get("RRULE") or e.get("RDATE") or e.get("RECURRENCE-ID") for e in events)
        for occurrence in occurrences:
            event = occurrence.as_component(False)
            if str(event.get("STATUS") or "").upper() == "CANCELLED":
                continue
            day = local_date(event.start, tz)
            if not since <= day <= until:
                continue
            if reason := outside(day):
                read.skipped.append(Problem(path, _label(event), reason))
                continue
            read.items.append(_item(path, event, day, occurrence.instance if recurring else None, recurring))
    return read


def _series(calendar) -> dict[str, list]:
    """The VEVENTs by UID (a series and its edits); events without a UID each alone."""
    groups: dict[str, list] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        uid = str(event.get("UID") or "").strip()
        groups.setdefault(f"uid:{uid}" if uid else f"#{index}", []).append(event)
    return groups


def _fault(event) -> str | None:
    """Why this VEVENT cannot be read, or None."""
    if event.get("DTSTART") is None:
        return "no DTSTART"
    for name, message in getattr(event, "errors", None) or []:
        if name in CHECKED:
            return f"bad {name} ({_short(message)})"
    for name in CHECKED:
        values = event.get(name)
        for value in values if isinstance(values, list) else [values]:
            if value is None:
                continue
            try:
                if name in ("RDATE", "EXDATE"):
                    [getattr(entry, "dt", entry) for entry in value.dts]
                elif name == "RRULE":
                    interval = (value.get("INTERVAL") or [1])[0]
                    if not isinstance(interval, int) or interval < 1:
                        return f"RRULE INTERVAL={interval} never moves on, not expanded"
                else:
                    value.dt  # noqa: B018 - reading it is the check
            except Exception as error:  # icalendar's broken-property errors vary by version
                return f"bad {name} ({_short(error)})"
    if not (event.get("RRULE") or event.get("RDATE")):
        start = cast(Any, event["DTSTART"]).dt
        return outside(start.date() if isinstance(start, datetime) else start)
    return None


def _label(event) -> str:
    uid = one_line(str(event.get("UID") or ""))
    return f"event {uid}" if uid else f"event '{one_line(str(event.get('SUMMARY') or ''))[:60]}' (no UID)"


def _item(path: Path, event, day: date, instance: date | datetime | None, recurring: bool) -> Item:
    uid = one_line(str(event.get("UID") or ""))
    summary = one_line(str(event.get("SUMMARY") or "")) or "(no title)"
    organizer = _person(event.get("ORGANIZER"))
    attendees = [p for p in (_person(a) for a in _attendees(event)) if p]
    start = event.start
    if uid and recurring:
        # An edit written in the file says its instance in its own RECURRENCE-ID.
        key = f"ics:{uid}|{_instant(instance if instance is not None else event['RECURRENCE-ID'].dt)}"
    elif uid:
        key = f"ics:{uid}"
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
