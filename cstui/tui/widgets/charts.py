"""Every chart cstui draws, in one place, so the chart backend can change in one module.

Charts are textual-plotext `PlotextPlot` widgets: they follow the app's theme by themselves
("auto" theme) and redraw at the size they are given, so they read at 80x24 and at 200x50.
"""

import calendar
import math
from collections.abc import Callable
from typing import Any

from textual.app import RenderResult
from textual_plotext import PlotextPlot

from cstui.metrics.bands import Band
from cstui.readmodels.curves import step_curve

# RGB, not names: the "auto" theme repaints named colours.
BAND_COLORS = {Band.GREEN: (46, 160, 67), Band.YELLOW: (215, 170, 20), Band.RED: (210, 50, 50)}


def month_label(month: str) -> str:
    """YYYY-MM as a reader says it: 'Nov 25'."""
    year, number = month.split("-")
    return f"{calendar.month_abbr[int(number)]} {year[2:]}"


def headline(title: str, months: list[str], values: list[float | None], fmt: str) -> str:
    """The chart's title with its newest value and the change from the month before it,
    so the figure reads without tracing the line: 'MRR 424,380 (+1,230 on Oct 26)'."""
    known = [(m, v) for m, v in zip(months, values) if v is not None]
    if not known:
        return f"{title}: no data"
    month, now = known[-1]
    text = f"{title} {fmt.format(now)} in {month_label(month)}"
    if len(known) > 1:
        before_month, before = known[-2]
        change = now - before
        sign = "+" if change >= 0 else "-"
        text += f" ({sign}{fmt.format(abs(change)).lstrip('+')} on {month_label(before_month)})"
    return text


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About `count` round tick values covering [low, high] (1, 2 or 5 times a power of ten apart)."""
    if not math.isfinite(low) or not math.isfinite(high):
        return []
    if high <= low:
        high = low + 1
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def tick_label(value: float) -> str:
    """Thousands separators; no '.0' on whole numbers."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


LEGEND_FRAME = 4  # the lines of a chart that are not plot rows: title, x labels and the frame


class Chart(PlotextPlot):
    """A plotext chart with a title; `draw_*` replace what it shows.

    Focusable, so `tab` walks from chart to chart and the trends list scrolls to the one focused.
    """

    can_focus = True

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.points_drawn = 0  # what the tests can check without reading pixels
        self._redraw: Callable[[], None] | None = None  # the last draw, replayed when the chart is resized
        self._drawn: tuple[Any, ...] | None = None  # what the last draw was given, with the title and width
        self.draws = 0  # how many times the plot was drawn anew (the tests check that a same draw is skipped)
        self._rendered: tuple[tuple[Any, ...], RenderResult] | None = None

    def on_resize(self) -> None:
        if self._redraw is not None:
            self._redraw()

    def _changed(self, *inputs: Any) -> bool:
        """Whether a draw with these inputs would show something new: a screen reloaded with the same
        months (or a resize that keeps the width) redraws nothing, since building a plot is the slow part."""
        key = (self.title, self.size.width, inputs)
        if key == self._drawn:
            return False
        self._drawn = key
        self.draws += 1
        return True

    def render(self) -> RenderResult:
        """The plot, built once per draw and size: plotext builds the whole plot as ANSI text, which is
        then decoded again, on every refresh (a focus change, say) unless kept."""
        key = (self.size, self.app.theme, self.theme, self.draws)
        if self._rendered is None or self._rendered[0] != key:
            self._rendered = (key, super().render())
        return self._rendered[1]

    def _tick_step(self, count: int) -> int:
        """Label every n-th point so labels never overlap: plotext's order for overlapping labels
        depends on string hashing, which changes from run to run."""
        room = max(2, (self.size.width - 12) // 10) if self.size.width else 6
        return max(1, -(-count // room))

    def _start(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(self.title)

    def _labels(self, labels: list[str]) -> list[str]:
        """Shorten date labels so they fit: YYYY-MM-DD -> MM-DD, YYYY-MM -> 'Nov 25'."""
        return [label[5:] if len(label) == 10 else month_label(label) if len(label) == 7 else label for label in labels]

    def _yticks(self, values: list[float], ylim: tuple[float, float] | None) -> None:
        """Round y ticks written with thousands separators (plotext would print 424380)."""
        low, high = ylim if ylim else (min(values), max(values))
        if not ylim:
            pad = (high - low) * 0.05 or abs(high) * 0.05 or 1
            low, high = low - pad, high + pad
        ticks = [t for t in nice_ticks(low, high) if low <= t <= high]
        if ticks:
            self.plt.yticks(ticks, [tick_label(t) for t in ticks])

    def draw_lines(
        self, labels: list[str], series: dict[str, list[float | None]], ylim: tuple[float, float] | None = None
    ) -> None:
        """One line per series over the labels; gaps where a value is undefined."""
        self._redraw = lambda: self.draw_lines(labels, series, ylim=ylim)
        if not self._changed("lines", labels, series, ylim):
            return
        self._start()
        plt = self.plt
        xs: list[float] = [i for i in range(len(labels))]
        self.points_drawn = 0
        for name, values in series.items():
            pairs = [(x, v) for x, v in zip(xs, values) if v is not None]
            if pairs:
                plt.plot([p[0] for p in pairs], [p[1] for p in pairs], label=name, marker="braille")
                self.points_drawn += len(pairs)
        if labels:
            step = self._tick_step(len(labels))
            plt.xticks(xs[::step], self._labels(labels)[::step])
        if ylim:
            plt.ylim(*ylim)
        known = [v for values in series.values() for v in values if v is not None]
        if known:
            self._yticks(known, ylim)
        self.refresh()

    def draw_steps(
        self, series: dict[str, list[tuple[float, float]]], xlabel: str = "", ylim: tuple[float, float] | None = None
    ) -> None:
        """Step curves (a survival curve, say), each series its own (x, y) points."""
        self._redraw = lambda: self.draw_steps(series, xlabel=xlabel, ylim=ylim)
        if not self._changed("steps", series, xlabel, ylim):
            return
        self._start()
        plt = self.plt
        self.points_drawn = 0
        for name, points in series.items():
            xs, ys = step_curve(points)
            if xs:
                plt.plot(xs, ys, label=name, marker="braille")
                self.points_drawn += len(points)
        if xlabel:
            plt.xlabel(xlabel)
        if ylim:
            plt.ylim(*ylim)
        self.refresh()

    bands_top = 0.0  # the top of the y axis of the band bars (above the tallest, for the legend)

    def draw_bands(self, labels: list[str], bands: list[dict[Band, int]]) -> None:
        """Stacked bars of green/yellow/red account counts per label."""
        self._redraw = lambda: self.draw_bands(labels, bands)
        if not self._changed("bands", labels, bands):
            return
        self._start()
        plt = self.plt
        # Numeric positions and explicit ticks: plotext places string categories through a set,
        # whose order changes from run to run.
        xs: list[float] = [i for i in range(len(labels))]
        plt.stacked_bar(  # type: ignore[call-arg]  # textual-plotext's stub lags plotext: labels=, a colour per stack
            xs,
            [[b.get(k, 0) for b in bands] for k in BAND_COLORS],
            labels=list(BAND_COLORS),
            color=list(BAND_COLORS.values()),  # type: ignore[arg-type]
            width=0.5,
        )
        step = self._tick_step(len(labels))
        plt.xticks(xs[::step], self._labels(labels)[::step])
        tallest = max((sum(b.get(k, 0) for k in BAND_COLORS) for b in bands), default=0)
        if tallest:  # whole accounts, not 139.0
            # The legend takes the top lines of the plot (one per band): the y axis goes that much higher
            # than the tallest bar, so the legend sits above the bars instead of over their tops.
            rows = max(len(BAND_COLORS) + 2, self.size.height - LEGEND_FRAME)
            self.bands_top = tallest * rows / (rows - len(BAND_COLORS) - 1)
            plt.ylim(0, self.bands_top)
            self._yticks([0, tallest], (0, self.bands_top))
        self.points_drawn = len(labels)
        self.refresh()
