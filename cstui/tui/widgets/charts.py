"""Every chart cstui draws, in one place, so the chart backend can change in one module.

Charts are textual-plotext `PlotextPlot` widgets: they follow the app's theme by themselves
("auto" theme) and redraw at the size they are given, so they read at 80x24 and at 200x50.
"""

from collections.abc import Callable

from textual_plotext import PlotextPlot

from cstui.metrics.bands import Band
from cstui.readmodels.curves import step_curve

# RGB, not names: the "auto" theme repaints named colours.
BAND_COLORS = {Band.GREEN: (46, 160, 67), Band.YELLOW: (215, 170, 20), Band.RED: (210, 50, 50)}


class Chart(PlotextPlot):
    """A plotext chart with a title; `draw_*` replace what it shows."""

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.points_drawn = 0  # what the tests can check without reading pixels
        self._redraw: Callable[[], None] | None = None  # the last draw, replayed when the chart is resized

    def on_resize(self) -> None:
        if self._redraw is not None:
            self._redraw()

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
        """Shorten date labels so they fit: YYYY-MM-DD -> MM-DD, YYYY-MM -> 'YY-MM."""
        return [label[5:] if len(label) == 10 else f"'{label[2:]}" if len(label) == 7 else label for label in labels]

    def draw_lines(
        self, labels: list[str], series: dict[str, list[float | None]], ylim: tuple[float, float] | None = None
    ) -> None:
        """One line per series over the labels; gaps where a value is undefined."""
        self._redraw = lambda: self.draw_lines(labels, series, ylim=ylim)
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
        self.refresh()

    def draw_steps(
        self, series: dict[str, list[tuple[float, float]]], xlabel: str = "", ylim: tuple[float, float] | None = None
    ) -> None:
        """Step curves (a survival curve, say), each series its own (x, y) points."""
        self._redraw = lambda: self.draw_steps(series, xlabel=xlabel, ylim=ylim)
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

    def draw_bands(self, labels: list[str], bands: list[dict[Band, int]]) -> None:
        """Stacked bars of green/yellow/red account counts per label."""
        self._redraw = lambda: self.draw_bands(labels, bands)
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
        self.points_drawn = len(labels)
        self.refresh()
