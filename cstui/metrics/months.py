"""Calendar months: the month starts and month ends every monthly figure is built on."""

from datetime import date, timedelta


def next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_starts(as_of: date, months: int) -> list[date]:
    """The first day of each of the last `months` months up to `as_of`'s own, oldest first."""
    starts = [as_of.replace(day=1)]
    for _ in range(months - 1):
        starts.append((starts[-1] - timedelta(days=1)).replace(day=1))
    return starts[::-1]


def month_ends(first: date, last: date) -> list[date]:
    """Every month's last day that falls in `[first, last]`, oldest first."""
    ends = []
    month = first.replace(day=1)
    while (end := next_month(month) - timedelta(days=1)) <= last:
        if end >= first:
            ends.append(end)
        month = next_month(month)
    return ends
