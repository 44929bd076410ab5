"""Expanding one recurring series (the events sharing a UID), bounded, each occurrence knowing its instance.

`recurring-ical-events` does the RFC 5545 part (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides,
RANGE=THISANDFUTURE moving every later occurrence); this module adds what an ingest of a stranger's
file needs on top of it:

- **A bound.** The expander asks each dateutil rule for `between(start, stop)`, which dateutil
  answers with a list of every occurrence: 34 million for a FREQ=SECONDLY rule over a year. Here
  each rule is walked lazily from its first occurrence instead, and a series stops with `Runaway`
  after `MAX_OCCURRENCES` in the window or `MAX_STEPS` walked to reach its end.
- **A deadline.** A rule whose parts never meet (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) yields
  nothing, so no count stops it (and dateutil checks UNTIL only on dates that match): it walks day
  by day to the year 9999 (4 s for DAILY on an idle 2-core machine, 17 s under load, about twice
  that for SECONDLY). A series still expanding after `MAX_SECONDS` is given up, by a timer signal
  (the CLI expands on its main thread; elsewhere signals cannot be used and the counts alone apply).
  On a fast machine such a series may finish inside the cap and keep its first start alone.
- **The instance.** Every occurrence is identified by its series' UID and its RECURRENCE-ID, the
  start the rule gave it before any edit. The expander's occurrences carry the RECURRENCE-ID of the
  component they were made from, which for every occurrence after a THISANDFUTURE edit is the
  edit's own: they would all share one key. `Instance.instance` is the start before the edit's move.
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from recurring_ical_events.adapters.event import EventAdapter
from recurring_ical_events.occurrence import Occurrence
from recurring_ical_events.series import Series

MAX_OCCURRENCES = 1_000  # per series, in the window asked for
MAX_STEPS = 50_000  # occurrences walked from a series' first one to the window's end
MAX_SECONDS = 5  # a rule whose parts never meet (30 February) yields nothing: dateutil walks to 9999


class Runaway(Exception):
    """A series that repeats more than the caps allow; `str()` says which cap."""


class _Bounded:
    """A dateutil rule (or rule set) in the expander's place, walked one occurrence at a time."""

    def __init__(self, rule) -> None:
        self.rule = rule
        self.until = getattr(rule, "until", None)  # the expander reads it after each occurrence

    def between(self, after, before, inc: bool = True) -> Iterator[datetime]:
        inside = 0
        for step, start in enumerate(self.rule, start=1):
            if start > before or (not inc and start == before):
                return
            if step > MAX_STEPS:
                raise Runaway(f"more than {MAX_STEPS:,} occurrences before {_day(before)} (the cap per series)")
            if start > after or (inc and start == after):
                inside += 1
                if inside > MAX_OCCURRENCES:
                    raise Runaway(f"more than {MAX_OCCURRENCES:,} occurrences in the window (the cap per series)")
                yield start


def _day(value: date | datetime) -> str:
    return (value.date() if isinstance(value, datetime) else value).isoformat()


class Instance(Occurrence):
    """An occurrence that knows which instance of its series it is.

    `instance` is None for an edited occurrence written in the file (its own RECURRENCE-ID says it);
    otherwise the start the rule gave it, before a THISANDFUTURE edit moved it.
    """

    def __init__(self, adapter, start=None, end=None, sequence: int = -1) -> None:
        super().__init__(adapter, start, end, sequence)
        self.instance: date | datetime | None = None
        if start is not None:
            move: timedelta = adapter.move_recurrences_by
            self.instance = start - move if move else start


class _Series(Series):
    def occurrence(self, adapter, start=None, end=None) -> Occurrence:
        return Instance(adapter, start, end, sequence=self.sequence)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise `Runaway` in the block after `seconds` (on the main thread; elsewhere, no deadline)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def give_up(signum, frame) -> None:
        raise Runaway(f"still expanding after {seconds:g} s (the cap per series)")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def expand(events: list, start: datetime, stop: datetime) -> list[Instance]:
    """The occurrences of one series (every VEVENT of one UID) from `start` to `stop`.

    Raises `Runaway` past the caps, and whatever the expander raises on a series it cannot read."""
    with _deadline(MAX_SECONDS):
        series = _Series([EventAdapter(event) for event in events])
        rules = getattr(series.recurrence, "rrules", None)
        if rules is not None:  # a series of edits alone has no rules
            series.recurrence.rrules = [_Bounded(rule) for rule in rules]
        return [occurrence for occurrence in series.between(start, stop) if isinstance(occurrence, Instance)]
