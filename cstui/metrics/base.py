"""Periods, trailing windows and the account scope every metric is computed over."""

import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

Conn = sqlite3.Connection


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


@dataclass(frozen=True)
class Scope:
    """Which accounts a metric covers: the whole book, one segment, or one account."""

    segment: str | None = None
    account_id: int | None = None

    def where(self, column: str = "account_id") -> tuple[str, dict]:
        """An `AND ...` clause restricting `column` (an account id) to this scope, and its named parameters."""
        if self.account_id is not None:
            return f" AND {column} = :scope_account", {"scope_account": self.account_id}
        if self.segment is not None:
            return (
                f" AND {column} IN (SELECT id FROM accounts WHERE segment = :scope_segment)",
                {"scope_segment": self.segment},
            )
        return "", {}


EVERYONE = Scope()


def on_books_sql(alias: str = "a") -> str:
    """SQL for 'on the books at the start of day :d' (the contract's definition)."""
    return f"({alias}.start_date < :d AND ({alias}.churn_date IS NULL OR {alias}.churn_date >= :d))"


def pct(part: float, whole: float) -> float | None:
    """100 * part / whole, or None (undefined) when whole is 0."""
    return 100.0 * part / whole if whole else None


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None
