"""The calendar window `cstui ingest` expands recurring meetings in, by default.

A year back, and four weeks ahead so meetings already booked are in the book (the pre-call brief's
next meeting); a meeting counts as contact only from its own day (`storage.predicates.contact_by`).
Kept apart from the parsers so the CLI can name the defaults in its help without loading them.
"""

from datetime import date, timedelta

SINCE_DAYS = 365
AHEAD_DAYS = 28


def default_window(today: date) -> tuple[date, date]:
    """(first, last) local dates, inclusive: SINCE_DAYS before `today` to AHEAD_DAYS after it."""
    return today - timedelta(days=SINCE_DAYS), today + timedelta(days=AHEAD_DAYS)
