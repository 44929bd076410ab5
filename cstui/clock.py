"""The day cstui counts as today.

Every date cstui checks or writes relative to today ("not in the future", a task created today, an account
that starts today) reads it here. A command line pins it with `--as-of`, so a batch run, the app opened on
another day and every test see one consistent day and never the machine's date; unpinned, it is the machine's
date, read each time it is asked (an app left open past midnight moves on).
"""

from datetime import date

_pinned: date | None = None


def today() -> date:
    """The pinned day, else the machine's date."""
    return _pinned or date.today()


def pin(day: date | None) -> None:
    """Take `day` as today for the rest of this command (None: the machine's date again)."""
    global _pinned
    _pinned = day
