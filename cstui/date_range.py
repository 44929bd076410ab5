"""The dates cstui works with, for every layer: the CLI's options and what `cstui ingest` stores.

Wide enough for any book, narrow enough that the engine's date arithmetic (windows, horizons,
month-ends) never overflows Python's date and no computation runs over thousands of years.
"""

from datetime import date

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)


def outside(day: date) -> str | None:
    """Why `day` cannot be stored, or None when it lies in the range."""
    if EARLIEST_DATE <= day <= LATEST_DATE:
        return None
    return f"dated {day.isoformat()}, outside the dates cstui works with ({EARLIEST_DATE} to {LATEST_DATE})"
