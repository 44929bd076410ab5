"""How figures read, for the CLI and the TUI alike: numbers, money, missing values.

A figure with no data is undefined and shows as "-", never as 0. Values are rounded only here,
for display; the engine keeps full precision.
"""

MISSING = "-"


def date_or_missing(day: str | None) -> str:
    """An ISO date, or "-" when there is none."""
    return day or MISSING


def figure(value: float | None, pattern: str = "{:,.1f}") -> str:
    """A number through a format pattern; "-" when undefined."""
    return MISSING if value is None else pattern.format(value)


def fmt(value: float | bool | None, kind: str = "num") -> str:
    """A report figure by kind: num (1 decimal), money (no decimals), int, bool (yes/no); "-" when undefined."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind == "money":
        return f"{value:,.0f}"
    if kind == "int":
        return f"{value:,}"
    return f"{value:,.1f}"


def money_short(value: float) -> str:
    """Compact money for tight boxes: 950, 12.5k, 3.51M."""
    if abs(value) >= 1e6:
        return f"{value / 1e6:.2f}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.1f}k"
    return f"{value:,.0f}"


def counted(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun in the right number: `1 match`, `2 matches`, `1,200 accounts`."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def change_text(delta: float, period: str) -> str:
    """A change in points with its period in words ("-3.8 points in 7 days", "+2.0 points since your last
    look on 20 Nov 2026"): the one way a change is written, so that every change says over what time."""
    return f"{delta:+.1f} points {period}"
