"""Run by bench/run.py in a fresh process: the app's features driven by Textual's pilot, timed.

    python bench/features_probe.py BOOK --repeat 5 --steps list,checkin,keys,trends,search [--at-once]

Prints one JSON line. Every time is from the key press until the screen shows the data it loads
(the screen's latest load is on screen, then one more refresh so it is painted). The pilot's own
cost (a key press and a refresh on a bare Textual DataTable) is measured in the same process, so
key latencies can be given net of the harness. Peak RSS (VmHWM) is read after the dashboard, the
account list and the check-in have loaded, as a CSM's first minute would.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import AS_OF  # noqa: E402

STEPS = ("list", "checkin", "keys", "trends", "search")
# What the app prepares in the background once the dashboard's figures are on screen (issue 15):
# the trends' month-ends, the day's check-in and the daily backup.
BACKGROUND = ("months", "checkin-ahead", "upkeep")
SEARCH_TYPED = "champion left"  # typed one key at a time into the search screen (ctrl+f)
WAIT = 600.0  # seconds a load may take before the probe gives up on it


def log(message: str) -> None:
    print(f"    probe: {message}", file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def settle(pilot, done=None) -> None:
    """Until every data screen shows its latest load (and `done()` holds), then one refresh."""
    from cstui.tui.screens.base import BookScreen

    deadline = time.perf_counter() + WAIT
    while time.perf_counter() < deadline:
        await pilot.pause()
        stack = pilot.app.screen_stack
        if all(s.is_loaded for s in stack if isinstance(s, BookScreen)) and (done is None or done()):
            await pilot.pause()
            return
        await asyncio.sleep(0.001)
    raise TimeoutError("a screen did not finish loading")


class Took(float):
    """Seconds on the wall clock, with the process's CPU seconds over the same span (`cpu`): on a
    loaded machine the wall time waits for other processes, the CPU time does not."""

    cpu: float


def took(start: float, start_cpu: float) -> Took:
    result = Took(time.perf_counter() - start)
    result.cpu = time.process_time() - start_cpu
    return result


def record(out: dict, name: str, samples: list[Took]) -> None:
    """The median of the wall times as `name_s`, the median of the CPU times as `name_cpu_s`."""
    out[f"{name}_s"] = statistics.median(samples)
    out[f"{name}_cpu_s"] = statistics.median(s.cpu for s in samples)


async def timed(pilot, key: str, done=None) -> Took:
    start, start_cpu = time.perf_counter(), time.process_time()
    await pilot.press(key)
    await settle(pilot, done)
    return took(start, start_cpu)


async def prepared(pilot) -> float:
    """Until the background work the dashboard starts has begun and finished: a CSM who opens the
    app and looks at the dashboard for that long finds the check-in and the trends ready."""
    app = pilot.app
    deadline = time.perf_counter() + WAIT
    started = time.perf_counter() + 10.0  # the workers start within moments of the figures, or never
    while time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
        ours = [w for w in app.workers if w.group in BACKGROUND]
        seen = {w.group for w in ours}
        if ({"months", "checkin-ahead"} <= seen or time.perf_counter() > started) and all(w.is_finished for w in ours):
            return time.perf_counter()
    raise TimeoutError("the background preparation did not finish")


async def reload_timed(pilot) -> Took:
    """The current screen loads again (as after a write), timed to its data on screen."""
    start, start_cpu = time.perf_counter(), time.process_time()
    pilot.app.screen.reload()
    await settle(pilot)
    return took(start, start_cpu)


async def bare_key(repeat: int) -> tuple[list[Took], list[Took]]:
    """The harness's own cost: a cursor move in a bare Textual DataTable of one page, same pilot calls;
    and Textual's own cost of pushing a new screen (header, a line, footer)."""
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Header, Static

    class BareScreen(Screen):
        def compose(self):
            yield Header()
            yield Static("a new screen")
            yield Footer()

    class Bare(App):
        BINDINGS = [("n", "new_screen", "New screen")]

        def compose(self):
            yield DataTable(cursor_type="row")

        def action_new_screen(self) -> None:
            self.push_screen(BareScreen())

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*"abcdefghij")
            for i in range(100):
                table.add_row(*[str(i * j) for j in range(10)])

    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        times = []
        for _ in range(max(10, repeat * 10)):
            start, start_cpu = time.perf_counter(), time.process_time()
            await pilot.press("down")
            await pilot.pause()
            await pilot.pause()
            times.append(took(start, start_cpu))
        screens = []
        for _ in range(max(3, repeat)):  # Textual's own cost of a new screen, the floor under T and c
            start, start_cpu = time.perf_counter(), time.process_time()
            await pilot.press("n")
            await pilot.pause()
            await pilot.pause()
            screens.append(took(start, start_cpu))
            pilot.app.pop_screen()
            await pilot.pause()
    return times, screens


async def checkin_and_tasks(pilot, repeat: int, out: dict) -> None:
    first = await timed(pilot, "c")
    out["peak_rss_mb_dashboard_list_checkin"] = peak_rss_mb()
    queue = getattr(pilot.app.screen, "queue", None)
    out["checkin_queued"] = len(queue.items) if queue is not None else None
    out["checkin_waiting"] = len(getattr(queue, "waiting", [])) if queue is not None else None
    record(out, "checkin_first", [first])
    record(out, "checkin_again", [await reload_timed(pilot) for _ in range(repeat)])
    record(out, "tasks_first", [await timed(pilot, "T")])
    record(out, "tasks_again", [await reload_timed(pilot) for _ in range(repeat)])
    out["tasks_open"] = len(getattr(pilot.app.screen, "tasks", []))


async def keys(pilot, repeat: int, out: dict) -> None:
    await pilot.press("a")
    await settle(pilot)
    down = [await timed(pilot, "down") for _ in range(repeat * 10)]
    sort = [await timed(pilot, key) for key in ("s", "S") * repeat]
    await pilot.press("slash")
    await settle(pilot)
    filter_keys = [await timed(pilot, key) for key in "account 1"]
    record(out, "cursor_move", down)
    record(out, "sort_change", sort)
    record(out, "filter_keystroke", filter_keys)
    await pilot.press("escape")


async def trends(pilot, repeat: int, out: dict) -> None:
    await pilot.resize_terminal(160, 48)  # wide: the 8 charts sit in a 4 x 2 grid, all on screen
    await settle(pilot)
    record(out, "trends_12_first", [await timed(pilot, "t")])
    record(out, "trends_24_first", [await timed(pilot, "2")])
    record(out, "trends_24_again", [await reload_timed(pilot) for _ in range(repeat)])  # as after a write
    await pilot.resize_terminal(120, 40)


async def search(pilot, repeat: int, out: dict) -> None:
    from cstui.tui.screens.search import SearchScreen

    await pilot.press("ctrl+f")
    await settle(pilot, lambda: isinstance(pilot.app.screen, SearchScreen))
    screen = pilot.app.screen
    times = []
    for n, char in enumerate(SEARCH_TYPED):
        typed = SEARCH_TYPED[: n + 1]
        shown = lambda typed=typed: screen.shown is not None and screen.shown[0] == typed  # noqa: E731
        times.append(await timed(pilot, "space" if char == " " else char, shown))
    record(out, "search_keystroke", times)
    out["search_keystroke_max_s"] = max(times)
    out["search_typed"] = SEARCH_TYPED
    await pilot.press("escape")


async def probe(book: Path, repeat: int, steps: set[str], at_once: bool) -> dict:
    """The steps in a CSM's order; a step that fails is reported and the next one goes on. The app
    opens as on a CSM's first launch of the day (backup, snapshot, the work prepared ahead); unless
    `at_once`, the steps start when that preparation is done, else straight after the figures."""
    from cstui.tui.app import CstuiApp

    out: dict = {"at_once": at_once}
    app = CstuiApp(book, as_of=AS_OF)
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        out["dashboard_loaded_s"] = time.perf_counter() - started
        log(f"dashboard loaded in {out['dashboard_loaded_s']:.2f} s")
        if not at_once:
            out["prepared_s"] = await prepared(pilot) - started
            log(f"background preparation done {out['prepared_s']:.2f} s after start")
        record(out, "list_built", [await timed(pilot, "a")])
        rows = getattr(app.screen, "all_rows", None)
        out["accounts"] = len(rows) if rows is not None else None
        for name, step in (("checkin", checkin_and_tasks), ("keys", keys), ("trends", trends), ("search", search)):
            if name not in steps:
                continue
            start = time.perf_counter()
            try:
                await step(pilot, repeat, out)
                log(f"{name} done in {time.perf_counter() - start:.1f} s")
            except Exception as error:
                out.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"
                log(f"{name} FAILED: {out['errors'][name]}")
            while len(app.screen_stack) > 1:  # back to the main screens, whatever the step left open
                app.pop_screen()
            await pilot.press("d")
            await settle(pilot)
        out["peak_rss_mb_end"] = peak_rss_mb()
    keys_bare, screens_bare = await bare_key(repeat)
    record(out, "harness_key", keys_bare)
    record(out, "bare_new_screen", screens_bare)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("book", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--at-once", action="store_true", help="do not wait for the background preparation")
    args = parser.parse_args()
    steps = {s for s in args.steps.split(",") if s}
    print(json.dumps(asyncio.run(probe(args.book, args.repeat, steps, args.at_once))), flush=True)


if __name__ == "__main__":
    main()
