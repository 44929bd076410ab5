"""The QBR pack's charts: matplotlib's SVG backend, static, no script, drawn from the read model's series.

Each chart is an SVG string to inline in the page. The output is deterministic (a fixed hash salt, no
date in the metadata, text kept as text), so a chart can be kept as a snapshot and compared. Book
text (goal titles) is drawn with `parse_math=False`, so a "$" is a dollar sign, and matplotlib
writes it XML-escaped.
"""

import io
from contextlib import AbstractContextManager
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from cstui.readmodels.qbr import QbrPack, Series
from cstui.safe_text import visible

BLUE, GREY, GREEN, AMBER, RED = "#2f6db5", "#9aa4ae", "#2e8b57", "#d99a00", "#c0392b"
STATUS_COLOURS = {"met": GREEN, "on track": BLUE, "behind": AMBER, "missed": RED}
_STYLE: dict[str, Any] = {
    "svg.hashsalt": "cstui",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _styled() -> AbstractContextManager[None]:
    """matplotlib's settings for these charts, only inside the block (the process's defaults stay)."""
    return matplotlib.rc_context(_STYLE)  # type: ignore[arg-type]  # its stub wants literal setting names


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with _styled():
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # the XML prolog and doctype are not for inlining


def _figure(height: float = 2.4) -> Figure:
    with _styled():
        return Figure(figsize=(6.4, height), dpi=100)


def line_chart(series: Series, ylim: tuple[float, float] | None = None) -> str:
    """One figure week by week; days without data are gaps."""
    with _styled():
        figure = _figure()
        ax = figure.subplots()
        xs = list(range(len(series.days)))
        ys = [float("nan") if v is None else v for v in series.values]
        ax.plot(xs, ys, color=BLUE, marker="o", markersize=3, linewidth=1.8)
        ax.set_xticks(xs, [d[5:] for d in series.days], rotation=45, ha="right", fontsize=7)
        ax.set_ylabel(series.unit)
        ax.set_title(series.label, loc="left", fontsize=10)
        if ylim is not None:
            ax.set_ylim(*ylim)
        elif all(v is None for v in series.values):
            ax.set_ylim(0, 1)
        ax.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        return _svg(figure)


def tickets_chart(pack: QbrPack) -> str:
    """Tickets opened and closed, month by month."""
    with _styled():
        figure = _figure()
        ax = figure.subplots()
        months = pack.ticket_months
        xs = list(range(len(months)))
        ax.bar([x - 0.2 for x in xs], [m[1] for m in months], width=0.4, color=BLUE, label="opened")
        ax.bar([x + 0.2 for x in xs], [m[2] for m in months], width=0.4, color=GREY, label="closed")
        ax.set_xticks(xs, [m[0] for m in months])
        ax.set_title("Support tickets", loc="left", fontsize=10)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(frameon=False, fontsize=8)
        return _svg(figure)


def goals_chart(pack: QbrPack) -> str:
    """Each goal's progress (bar) against the share of its time gone (tick)."""
    goals = pack.goals
    with _styled():
        figure = _figure(max(1.2, 0.45 * len(goals) + 0.6))
        ax = figure.subplots()
        ys = list(range(len(goals)))[::-1]
        for y, g in zip(ys, goals):
            colour = STATUS_COLOURS[g.status.value]
            ax.barh(y, g.progress or 0.0, color=colour, height=0.55)
            ax.plot([g.expected, g.expected], [y - 0.35, y + 0.35], color="#333333", linewidth=1.2)
            title = visible(g.goal.title, one_line=True)
            title = title if len(title) <= 40 else title[:39] + "…"
            ax.text(-2, y, title, ha="right", va="center", fontsize=8, parse_math=False)
            ax.text(101, y, g.status.value, ha="left", va="center", fontsize=8, color=colour, parse_math=False)
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.6, max(len(goals), 1) - 0.4)
        ax.set_yticks([])
        ax.set_xlabel("% of the way to the target (tick: % of the time gone)")
        ax.set_title("Goals", loc="left", fontsize=10)
        return _svg(figure)
