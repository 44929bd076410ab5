"""Run by bench/run.py in a fresh process: start the app (or a bare Textual app) headless and report.

    python bench/startup_probe.py BOOK      # cstui: time to the painted dashboard, then peak memory
    python bench/startup_probe.py --bare    # the baseline: a bare Textual app's first paint

Prints one JSON line: seconds from process start to the first painted dashboard (its frame; the
figures load in a worker), to the dashboard's figures on screen, and peak RSS in MB after the
dashboard, the account list and the check-in have loaded.
"""

import json
import os
import resource
import sys
import time

STARTED = time.time()
try:  # the process's real start time, so interpreter and import time count too
    with open(f"/proc/{os.getpid()}/stat") as handle:
        ticks = int(handle.read().split(")")[1].split()[19])
    with open("/proc/uptime") as handle:
        uptime = float(handle.read().split()[0])
    STARTED = time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
except OSError:
    pass


def peak_rss_mb() -> float:
    """This process's own high-water RSS. (ru_maxrss would include the parent's peak: Linux carries
    it across fork and exec, and the benchmark's parent has just imported millions of rows.)"""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(first_paint: float, figures_shown: float | None = None) -> None:
    peak_mb = peak_rss_mb()
    print(
        json.dumps(
            {
                "first_paint_s": first_paint - STARTED,
                "peak_rss_mb": peak_mb,
                "figures_shown_s": None if figures_shown is None else figures_shown - STARTED,
            }
        ),
        flush=True,
    )


def bare() -> None:
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App):
        def compose(self):
            yield Header()
            yield Static("hello")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.done)

        def done(self) -> None:
            report(time.time())
            self.exit()

    Bare().run(headless=True)


def cstui(book: str) -> None:
    from datetime import date

    from cstui.tui.app import CstuiApp

    class Probe(CstuiApp):
        first_paint = None  # the dashboard's frame is on screen, figures still loading
        figures_shown = None  # the dashboard's figures are on screen
        visited: list[str] = []

        def on_mount(self) -> None:
            super().on_mount()
            self.call_after_refresh(self.painted)
            self.set_interval(0.005, self.check)

        def painted(self) -> None:
            self.first_paint = self.first_paint or time.time()

        def check(self) -> None:
            screen = self.screen
            if not getattr(screen, "is_current", False):
                return
            if self.figures_shown is None:
                self.figures_shown = time.time()
            if len(self.visited) < 2:
                mode = ("accounts", "checkin")[len(self.visited)]
                self.visited.append(mode)
                self.switch_mode(mode)
                return
            report(self.first_paint, self.figures_shown)
            self.exit()

    Probe(book, as_of=date(2026, 11, 24), snapshot_on_open=False).run(headless=True, size=(120, 40))


if __name__ == "__main__":
    bare() if sys.argv[1] == "--bare" else cstui(sys.argv[1])
