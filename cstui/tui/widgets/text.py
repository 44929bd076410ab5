"""Book text as Rich `Text`: shown literally, never parsed as markup, controls made visible."""

from rich.text import Text

from cstui.formatting import figure
from cstui.metrics.bands import Band
from cstui.safe_text import ONE_LINE_LIMIT, visible

BAND_STYLE = {
    Band.GREEN: "bold green",
    Band.YELLOW: "bold yellow",
    Band.RED: "bold red",
    Band.NO_DATA: "dim",
    Band.CHURNED: "dim",
}


def book_text(value: object, style: str = "", one_line: bool = True) -> Text:
    """Book text for a header, cell or line: one line, at most `ONE_LINE_LIMIT` characters."""
    return Text(visible(value, one_line=one_line, limit=ONE_LINE_LIMIT if one_line else None), style=style)


def number(value: float | None, fmt: str = "{:,.1f}", style: str = "") -> Text:
    """A figure right-aligned; '-' for undefined, never 0."""
    return Text(figure(value, fmt), style=style, justify="right")


def band(name: Band) -> Text:
    return Text(name.label, style=BAND_STYLE.get(name, ""))


def short_band(name: Band) -> Text:
    """A band in a narrow column: "-" for an account with no score yet (it has no band)."""
    return Text("-", style=BAND_STYLE[name]) if name is Band.NO_DATA else band(name)


def trend(delta: float | None) -> Text:
    if delta is None:
        return Text("")
    if delta >= 1:
        return Text(f"▲{delta:+.1f}", style="green")
    if delta <= -1:
        return Text(f"▼{delta:+.1f}", style="red")
    return Text(f"▶{delta:+.1f}", style="dim")


def fitted(text: Text, width: int) -> Text:
    """`text` on one line in `width` cells, ending in "…" when cut (a cut value never passes for whole)."""
    line = text.copy()
    line.truncate(width, overflow="ellipsis")
    return line
