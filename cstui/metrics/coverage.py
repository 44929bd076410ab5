"""Coverage, a rule of the check-in queue (issue 25): no account at risk goes unseen for long.

Ranking by stake alone fills a morning with the same high-ARR accounts, and a small red account
is never shown. So every account with a risk reason has a bound, in working days (Monday to
Friday): red `checkin.cover_red_days` (5), any other risk `checkin.cover_risk_days` (15), rows of
`health_config`. Its wait counts the working days since it was last seen - its latest review or
snooze (from the snooze's end) - or, never seen, since the book's first check-in action (today
in a book without one). Once the wait reaches the bound the account is due: up to
`checkin.cover_room` places of the day (6) go first to the due accounts, the longest past their
bound first (then the most at stake); the rest of the day goes by stake as before.

The week view says how far the week got: of the accounts with a risk reason today, how many were
seen (reviewed or snoozed) since Monday, red ones apart.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from cstui.metrics.base import Conn

DEFAULT_RED_DAYS = 5
DEFAULT_RISK_DAYS = 15
DEFAULT_ROOM = 6


@dataclass(frozen=True)
class CoverageSettings:
    red_days: int  # a red account is shown within so many working days
    risk_days: int  # any other account with a risk reason
    room: int  # places a day kept for the accounts past their bound

    @classmethod
    def defaults(cls) -> "CoverageSettings":
        return cls(DEFAULT_RED_DAYS, DEFAULT_RISK_DAYS, DEFAULT_ROOM)

    def bound(self, red: bool) -> int:
        return self.red_days if red else self.risk_days


def load_coverage(conn: Conn) -> CoverageSettings:
    """The coverage settings (`checkin.cover_*` rows of `health_config`), else the defaults."""
    rows = conn.execute("SELECT name, value FROM health_config WHERE name LIKE 'checkin.cover%'").fetchall()
    values = dict(rows)
    return CoverageSettings(
        int(values.get("checkin.cover_red_days", DEFAULT_RED_DAYS)),
        int(values.get("checkin.cover_risk_days", DEFAULT_RISK_DAYS)),
        int(values.get("checkin.cover_room", DEFAULT_ROOM)),
    )


def working_days(start: date, end: date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end` (0 if end <= start)."""
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    extra = sum((start + timedelta(days=7 * weeks + n)).weekday() < 5 for n in range(1, rest + 1))
    return 5 * weeks + extra


def first_checkin_day(conn: Conn, day: date) -> date:
    """Where the wait of an account never seen starts: the book's first check-in action, else `day`."""
    row = conn.execute("SELECT min(day) FROM checkin_state WHERE day <= ?", [day.isoformat()]).fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else day


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def seen_between(conn: Conn, start: date, end: date) -> dict[int, list[str]]:
    """Account -> the days it was seen (reviewed or snoozed) from `start` to `end`, both included."""
    rows = conn.execute(
        "SELECT account_id, day FROM checkin_state WHERE day >= ? AND day <= ? ORDER BY day",
        [start.isoformat(), end.isoformat()],
    )
    seen: dict[int, list[str]] = {}
    for account, on in rows:
        seen.setdefault(account, []).append(on)
    return seen


@dataclass(frozen=True)
class WeekCoverage:
    """The week so far: accounts with a risk reason today and how many were seen since Monday."""

    start: date  # the Monday
    day: date
    at_risk: int  # accounts with a risk reason today (shown, done, waiting or away)
    seen: int  # of them, seen this week
    red: int
    red_seen: int
    seen_by_day: list[tuple[str, int]]  # each working day so far: accounts seen that day

    def to_json(self) -> dict[str, Any]:
        return {
            "week_of": self.start.isoformat(),
            "at_risk": self.at_risk,
            "seen": self.seen,
            "red": self.red,
            "red_seen": self.red_seen,
            "seen_by_day": dict(self.seen_by_day),
        }

    def line(self) -> str:
        """One line: "Week of 2026-11-23: 30 of 58 accounts at risk seen (red 9 of 12); Mon 12, Tue 12"."""
        days = ", ".join(f"{date.fromisoformat(d).strftime('%a')} {n}" for d, n in self.seen_by_day)
        return (
            f"Week of {self.start.isoformat()}: {self.seen} of {self.at_risk} accounts at risk seen"
            f" (red {self.red_seen} of {self.red})" + (f"; {days}" if days else "")
        )


def week_coverage(conn: Conn, day: date, at_risk: set[int], red: set[int]) -> WeekCoverage:
    """The week so far for the accounts with a risk reason today (`at_risk`, `red` among them)."""
    start = week_start(day)
    seen = seen_between(conn, start, day)
    by_day: dict[str, int] = {}
    for days in seen.values():
        for on in days:
            by_day[on] = by_day.get(on, 0) + 1
    working = [start + timedelta(days=n) for n in range((day - start).days + 1)]
    per_day = [(d.isoformat(), by_day.get(d.isoformat(), 0)) for d in working if d.weekday() < 5]
    return WeekCoverage(
        start,
        day,
        len(at_risk),
        len(at_risk & seen.keys()),
        len(red),
        len(red & seen.keys()),
        per_day,
    )
