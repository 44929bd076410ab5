"""Periods, trailing windows and the account scope every metric is computed over."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from cstui.storage.bookfile.access import Conn
from cstui.storage.scope import EVERYONE, Scope

__all__ = ["EVERYONE", "Conn", "Period", "Scope", "mean", "pct", "trailing"]


@dataclass(frozen=True)
class Period:
    """A half-open period `[start, end)` of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"a period must end after it starts ({self.start} .. {self.end})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def s(self) -> str:
        return self.start.isoformat()

    @property
    def e(self) -> str:
        return self.end.isoformat()

    def before(self) -> "Period":
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start)

    def __str__(self) -> str:
        return f"[{self.s}, {self.e})"


def trailing(as_of: date, days: int) -> Period:
    """The trailing window of `days` days that includes the report date: `[d - n + 1, d + 1)`."""
    return Period(as_of - timedelta(days=days - 1), as_of + timedelta(days=1))


def pct(part: float, whole: float) -> float | None:
    """100 * part / whole, or None (undefined) when whole is 0."""
    return 100.0 * part / whole if whole else None


def mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
