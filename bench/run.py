"""cstui's benchmark on a large synthetic book; every figure is a ratio to a baseline measured beside it.

    python bench/run.py                 # 10,000 accounts, 2,000,000 usage rows (takes a few minutes)
    python bench/run.py --scale 0.1     # ten times smaller

Prints a table and writes bench/out/results-<scale>.json with the machine, Python and package versions.
Timings are medians of repeated runs. Not part of the test suite: speed is measured, not asserted.
"""

import argparse
import asyncio
import csv
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from generate import AS_OF, generate  # noqa: E402

from cstui.storage.connection import connect  # noqa: E402
from cstui.storage.importer import import_path  # noqa: E402

RAW_PASS = "SELECT account_id, count(*), sum(active_users), sum(minutes) FROM usage_daily {where} GROUP BY account_id"


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import(source: Path, work: Path, repeat: int) -> dict:
    """cstui's importer against sqlite-utils' insert_all of the same CSV rows."""
    from sqlite_utils import Database

    rows = sum(max(0, sum(1 for _ in open(p, encoding="utf-8")) - 1) for p in source.glob("*.csv"))
    ours, theirs = [], []
    for n in range(repeat):
        book = work / f"import-{n}.db"
        start = time.perf_counter()
        db = connect(book, create=True)
        import_path(db, source)
        db.conn.close()  # as `cstui import` does when it ends
        ours.append(time.perf_counter() - start)
        plain = Database(work / f"plain-{n}.db")
        start = time.perf_counter()
        for path in sorted(source.glob("*.csv")):
            with open(path, newline="", encoding="utf-8") as handle:
                plain[path.stem].insert_all(csv.DictReader(handle))
        theirs.append(time.perf_counter() - start)
        plain.conn.close()
        if n < repeat - 1:
            book.unlink()
    ours_rate, theirs_rate = rows / statistics.median(ours), rows / statistics.median(theirs)
    return {
        "rows": rows,
        "cstui_rows_per_s": ours_rate,
        "sqlite_utils_rows_per_s": theirs_rate,
        "ratio": ours_rate / theirs_rate,
        "book": str(work / f"import-{repeat - 1}.db"),
    }


def bench_engine(book: Path, repeat: int) -> dict:
    from cstui.metrics.health import account_health
    from cstui.metrics.report import portfolio_report
    from cstui.readmodels.views import account_detail

    db = connect(book)
    conn = db.conn
    raw = median_time(lambda: conn.execute(RAW_PASS.format(where="")).fetchall(), repeat)
    report = median_time(lambda: portfolio_report(conn, AS_OF), repeat)
    account = conn.execute("SELECT id FROM accounts WHERE churn_date IS NULL ORDER BY id LIMIT 1 OFFSET 17").fetchone()[
        0
    ]
    raw_one = median_time(
        lambda: conn.execute(RAW_PASS.format(where="WHERE account_id = ?"), [account]).fetchall(), repeat * 5
    )
    breakdown = median_time(lambda: account_health(conn, account, AS_OF), repeat * 5)
    screen = median_time(lambda: account_detail(conn, account, AS_OF), repeat)
    conn.close()
    return {
        "raw_pass_s": raw,
        "report_and_health_s": report,
        "report_ratio": report / raw,
        "raw_pass_one_account_s": raw_one,
        "breakdown_s": breakdown,
        "breakdown_ratio": breakdown / raw_one,
        "account_screen_data_s": screen,
    }


def probe(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(HERE / "startup_probe.py"), *args], capture_output=True, text=True, timeout=600
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_startup(book: Path, repeat: int) -> dict:
    app = [probe(str(book)) for _ in range(repeat)]
    bare = [probe("--bare") for _ in range(repeat)]
    first = statistics.median(r["first_paint_s"] for r in app)
    base = statistics.median(r["first_paint_s"] for r in bare)
    shown = statistics.median(r["figures_shown_s"] for r in app)
    return {
        "app_first_paint_s": first,
        "bare_textual_first_paint_s": base,
        "ratio": first / base,
        "app_figures_shown_s": shown,
        "figures_ratio": shown / base,
        "app_peak_rss_mb": max(r["peak_rss_mb"] for r in app),
    }


async def _bare_key(repeat: int) -> float:
    """The harness's own cost: a cursor move in a bare Textual DataTable of one page, same pilot calls."""
    from textual.app import App
    from textual.widgets import DataTable

    class Bare(App):
        def compose(self):
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*"abcdefghij")
            for i in range(100):
                table.add_row(*[str(i * j) for j in range(10)])

    async with Bare().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        times = []
        for _ in range(repeat * 10):
            start = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


async def _keys(book: Path, repeat: int) -> dict:
    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.base import BookScreen

    async def settle(pilot) -> None:
        for _ in range(2000):
            await pilot.pause()
            if all(s.is_current for s in pilot.app.screen_stack if isinstance(s, BookScreen)):
                return

    async def timed(pilot, key: str) -> float:
        start = time.perf_counter()
        await pilot.press(key)
        await settle(pilot)
        return time.perf_counter() - start

    app = CstuiApp(book, as_of=AS_OF, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        accounts = len(app.screen.all_rows)
        down = [await timed(pilot, "down") for _ in range(repeat * 10)]
        sort = [await timed(pilot, key) for key in ("s", "S") * repeat]
        await pilot.press("slash")
        filter_keys = [await timed(pilot, key) for key in "account 1"]
    harness = await _bare_key(repeat)
    result = {
        "accounts": accounts,
        "harness_bare_cursor_move_s": harness,
        "cursor_move_median_s": statistics.median(down),
        "sort_change_median_s": statistics.median(sort),
        "filter_keystroke_median_s": statistics.median(filter_keys),
    }
    for key in ("cursor_move", "sort_change", "filter_keystroke"):  # what the app adds to the harness
        result[f"{key}_net_s"] = max(0.0, result[f"{key}_median_s"] - harness)
    return result


def machine() -> dict:
    import os

    packages = {name: version(name) for name in ("textual", "sqlite-utils", "plotext", "textual-plotext", "typer")}
    import sqlite3

    return {
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": packages,
        "date": date.today().isoformat(),
    }


TARGETS = {  # figure: (key path, limit, comparison)
    "import rate vs sqlite-utils insert_all": (("import", "ratio"), 0.5, ">="),
    "portfolio report + health vs raw GROUP BY pass": (("engine", "report_ratio"), 2.0, "<="),
    "account breakdown (s)": (("engine", "breakdown_s"), 0.05, "<="),
    "cold start (dashboard painted) vs bare Textual app": (("startup", "ratio"), 1.5, "<="),
    "cursor move, net of harness (s)": (("keys", "cursor_move_net_s"), 0.05, "<="),
    "sort change, net of harness (s)": (("keys", "sort_change_net_s"), 0.05, "<="),
    "filter keystroke, net of harness (s)": (("keys", "filter_keystroke_net_s"), 0.1, "<="),
    "peak memory (MB)": (("startup", "app_peak_rss_mb"), 300, "<="),
}


def table(results: dict) -> str:
    lines = ["| figure | measured | target | met |", "|---|---:|---:|---|"]
    for label, ((group, key), limit, op) in TARGETS.items():
        value = results[group][key]
        met = value >= limit if op == ">=" else value <= limit
        lines.append(f"| {label} | {value:.3f} | {op} {limit} | {'yes' if met else 'NO'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-repeat", type=int, default=1)
    args = parser.parse_args()
    results: dict = {"scale": args.scale, "machine": machine()}
    with tempfile.TemporaryDirectory(prefix="cstui-bench-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        results["rows"] = generate(work / "csv", args.scale)
        print(f"generated {sum(results['rows'].values()):,} rows in {time.perf_counter() - start:.1f} s", flush=True)
        results["import"] = bench_import(work / "csv", work, args.import_repeat)
        book = Path(results["import"].pop("book"))
        print("import done", flush=True)
        results["engine"] = bench_engine(book, args.repeat)
        print("engine done", flush=True)
        results["startup"] = bench_startup(book, args.repeat)
        print("startup done", flush=True)
        results["keys"] = asyncio.run(_keys(book, args.repeat))
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    path = out / f"results-{args.scale:g}.json"
    path.write_text(json.dumps(results, indent=2))
    print(json.dumps({k: v for k, v in results.items() if k not in ("machine",)}, indent=2))
    print(table(results))
    print(f"written: {path}")


if __name__ == "__main__":
    main()
