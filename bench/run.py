"""cstui's benchmark: issue 15's figures on synthetic books of several sizes, each beside its baseline.

    python bench/run.py --scales 0.1,0.3,1,3      # the scaling curve (about 25 minutes on 2 cores)
    python bench/run.py --scale 0.1 --repeat 3    # a quick look
    python bench/run.py --scales 1 --only startup,search
    python bench/run.py --resume                  # go on after a crash: keeps the sections already done
    python bench/run.py --report-only             # rewrite the Markdown from bench/out/results.json

Scale 1 is 10,000 accounts and ~2.7 M rows (with ~300,000 notes and comments). Each scale's CSV files
and book are built once and kept in bench/out/books/ (keyed by scale and generator version), so a
rerun skips generating and importing; --rebuild measures the import again.

Sections (--only): import, engine, startup, keys, checkin, trends, search. Writes bench/out/results.json
after every section and bench/out/RESULTS-table.md (issue 15's target table at scale 1, then every
figure against rows per scale) at the end. Progress goes to stderr. Timings are medians; ratios are
taken between figures measured in the same run. Not part of the test suite: speed is measured here.
"""

import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import date, datetime, timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from generate import AS_OF  # noqa: E402
from report import write_report  # noqa: E402

from cstui.storage.bookfile.connection import connect  # noqa: E402

SECTIONS = ("import", "engine", "startup", "keys", "checkin", "trends", "search")
PROBE_STEPS = ("keys", "checkin", "trends", "search")  # the sections bench/features_probe.py measures
BOOK_VERSION = 1  # bumped when the book built from the CSV files changes (the tasks added after import)
TASK_SHARE = 0.2  # open follow-ups: one account in five has one
RAW_PASS = "SELECT account_id, count(*), sum(active_users), sum(minutes) FROM usage_daily {where} GROUP BY account_id"
# What a CSM types in the search: every prefix as typed, then a few query shapes.
SEARCH_TYPED = "champion left"
SEARCH_QUERIES = ("pricing", '"new sponsor"', "integ*", "outage OR downtime", "renewal AND security")
STARTED = time.perf_counter()


def cpu_s() -> float:
    """CPU seconds of this process and its finished children: on a busy machine, a hint of what
    the wall time would be on an idle one."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "cstui", "migrations"], cwd=ROOT, capture_output=True)
    return done.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


# ---------------------------------------------------------------- books


def book_dir(scale: float) -> Path:
    return HERE / "out" / "books" / f"scale-{scale:g}-g{generate.VERSION}-b{BOOK_VERSION}"


def copy_book(book: Path, target: Path) -> Path:
    """A private copy (the app writes snapshots, backups and caches into what it opens)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(book, target)
    return target


def add_tasks(book: Path, accounts: int) -> int:
    """Open follow-ups through cstui's own write path (the CSV import has no tasks), some overdue."""
    import random

    from cstui.storage.records import add_task

    rng = random.Random(generate.SEED)
    db = connect(book)
    count = 0
    for i in rng.sample(range(accounts), int(accounts * TASK_SHARE)):
        created = AS_OF - timedelta(days=rng.randint(0, 30))
        due = created + timedelta(days=rng.randint(0, 40))
        add_task(db, f"L{i:06d}", f"Follow up on {rng.choice(generate.TOPICS)}", due.isoformat(), today=created)
        count += 1
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return count


def measure_import(source: Path, target: Path) -> float:
    """cstui's importer (history recorded, as `cstui import` does), in seconds; leaves the book."""
    from cstui.storage.imports.importer import import_path

    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    start = time.perf_counter()
    db = connect(target, create=True)
    import_path(db, source, today=date.today())  # the bench times a real day's import
    db.conn.close()  # as `cstui import` does when it ends (checkpoints the WAL)
    return time.perf_counter() - start


def measure_sqlite_utils(source: Path, work: Path) -> float:
    """sqlite-utils' insert_all of the same CSV rows into a fresh database, in seconds."""
    from sqlite_utils import Database

    path = work / "plain.db"
    if path.exists():
        path.unlink()
    plain = Database(path)
    start = time.perf_counter()
    for csv_path in sorted(source.glob("*.csv")):
        with open(csv_path, newline="", encoding="utf-8") as handle:
            plain[csv_path.stem].insert_all(csv.DictReader(handle))
    took = time.perf_counter() - start
    plain.conn.close()
    path.unlink()
    return took


def ensure_book(scale: float, args, section: dict) -> Path:
    """The scale's book, built (and its import timed) once; later runs reuse it."""
    directory = book_dir(scale)
    meta_path = directory / "build.json"
    book = directory / "book.db"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() and book.exists() else None
    if meta is None or args.rebuild:
        directory.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        rows = generate.generate(directory / "csv", scale)
        meta = {"rows": rows, "total_rows": sum(rows.values()), "generate_s": time.perf_counter() - start}
        log(f"scale {scale:g}: generated {meta['total_rows']:,} rows in {meta['generate_s']:.1f} s; importing")
        took = measure_import(directory / "csv", book)
        meta.update(import_s=took, import_rows_per_s=meta["total_rows"] / took, import_commit=commit())
        log(f"scale {scale:g}: imported in {took:.1f} s ({meta['import_rows_per_s']:,.0f} rows/s)")
        meta["tasks"] = add_tasks(book, rows["accounts"])
        meta_path.write_text(json.dumps(meta, indent=2))
        section["built_now"] = True
    else:
        log(f"scale {scale:g}: reusing the book in {directory} (imported at {meta['import_commit']})")
    db = connect(book)  # this branch's migrations upgrade a book built by older code, once
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    section.update(meta)
    return book


def bench_import(scale: float, args, meta: dict, work: Path) -> dict:
    """cstui's import rate (timed when the book was built) against sqlite-utils' insert_all."""
    directory = book_dir(scale)
    result = {
        "rows": meta["total_rows"],
        "cstui_s": meta["import_s"],
        "cstui_rows_per_s": meta["import_rows_per_s"],
        "cstui_commit": meta["import_commit"],
    }
    if meta["import_commit"] != commit():
        result["note"] = f"cstui import timed at {meta['import_commit']}; --rebuild times it again"
    if scale > args.compare_import_up_to:
        result["note"] = f"sqlite-utils not run above scale {args.compare_import_up_to:g} (--compare-import-up-to)"
        return result
    cache = directory / "sqlite_utils.json"
    if cache.exists() and not args.rebuild:
        theirs = json.loads(cache.read_text())["s"]
    else:
        log(f"scale {scale:g}: sqlite-utils insert_all of the same CSV files")
        theirs = measure_sqlite_utils(directory / "csv", work)
        cache.write_text(json.dumps({"s": theirs}))
    result["sqlite_utils_s"] = theirs
    result["sqlite_utils_rows_per_s"] = meta["total_rows"] / theirs
    result["ratio"] = result["cstui_rows_per_s"] / result["sqlite_utils_rows_per_s"]
    return result


# ---------------------------------------------------------------- engine


def bench_engine(book: Path, repeat: int) -> dict:
    """The engine (report + every account's health) against the fair floor and the usage-only pass,
    in alternating rounds so machine load hits all three alike."""
    from floor import fair_floor

    from cstui.derived.health_cache import current_scores
    from cstui.metrics.checkin import checkin_queue
    from cstui.metrics.health import account_health, health_for_accounts
    from cstui.metrics.report import portfolio_report
    from cstui.readmodels.tasks import task_list
    from cstui.readmodels.views import account_detail

    db = connect(book)
    conn = db.conn
    raw, floor, engine = [], [], []
    for n in range(repeat):
        raw.append(median_time(lambda: conn.execute(RAW_PASS.format(where="")).fetchall(), 1))
        floor.append(median_time(lambda: fair_floor(conn, AS_OF), 1))
        engine.append(median_time(lambda: portfolio_report(conn, AS_OF, health=health_for_accounts(conn, AS_OF)), 1))
        log(f"  engine round {n + 1}/{repeat}: {engine[-1]:.3f} s, floor {floor[-1]:.3f} s, raw {raw[-1]:.3f} s")
    account = conn.execute("SELECT id FROM accounts WHERE churn_date IS NULL ORDER BY id LIMIT 1 OFFSET 17").fetchone()[
        0
    ]
    result = {
        "raw_pass_s": statistics.median(raw),
        "fair_floor_s": statistics.median(floor),
        "report_and_health_s": statistics.median(engine),
        "breakdown_s": median_time(lambda: account_health(conn, account, AS_OF), repeat * 5),
        "account_screen_data_s": median_time(lambda: account_detail(conn, account, AS_OF), repeat),
        "checkin_queue_fn_s": median_time(lambda: checkin_queue(conn, AS_OF, partial(current_scores, conn)), repeat),
        "task_list_fn_s": median_time(lambda: task_list(conn, AS_OF), repeat),
    }
    result["report_vs_floor"] = result["report_and_health_s"] / result["fair_floor_s"]
    result["report_vs_raw_pass"] = result["report_and_health_s"] / result["raw_pass_s"]
    conn.close()
    return result


# ---------------------------------------------------------------- start-up in a pseudo-terminal


def dashboard_frame(title: str):
    """The frame is on screen: the header's title, a box border and the footer have all arrived."""

    def condition(lines: list[str]) -> bool:
        return title in lines[0] and lines[-1].strip() != "" and any("╭" in line for line in lines)

    return condition


def nps_shown(lines: list[str]) -> bool:
    """The NPS card's value (the line under its label) is a figure, no longer "…"."""
    for row, line in enumerate(lines[:-1]):
        col = line.find("│ NPS ")
        if col >= 0:  # the card spans from its label's left border to the next one
            end = line.find("│", col + 1)
            value = lines[row + 1][col + 1 : end if end > 0 else None].strip()
            return value not in ("", "…")
    return False


def open_in_terminal(
    argv: list[str], title: str, size: tuple[int, int], env: dict, figures: bool, quiet: float = 0.5
) -> dict:
    from terminal import Terminal

    with Terminal(argv, cols=size[0], rows=size[1], env=env, cwd=str(ROOT)) as term:
        frame = term.wait_for(dashboard_frame(title), timeout=300)
        shown = term.wait_for(nps_shown, timeout=600) if figures and frame is not None else None
        if frame is None or (figures and shown is None):
            screen = "\n".join(term.lines())
            raise RuntimeError(f"{' '.join(argv[-4:])}: no {'frame' if frame is None else 'figures'}:\n{screen}")
        term.settle(quiet=quiet, timeout=120)  # background writes (snapshot, figures cache) finish
        rss = term.peak_rss_mb()
        term.close("q", timeout=120)
    return {"first_output_s": term.first_output, "frame_s": frame, "figures_s": shown, "peak_rss_mb": rss}


def bench_startup(book: Path, work: Path, repeat: int, size: tuple[int, int]) -> dict:
    """Per round: the bare app, cstui's first open of a fresh copy (nothing cached, no backup made
    today), then a second open of the same, unchanged book."""
    bare, first, second = [], [], []
    argv_bare = [sys.executable, str(HERE / "bare_app.py")]
    for n in range(repeat):
        home = work / f"open-{n}"
        shutil.rmtree(home, ignore_errors=True)
        copy = copy_book(book, home / "book.db")
        env = dict(os.environ)
        for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            env[var] = str(home / var.lower())  # caches kept outside the book start empty too
        argv = [sys.executable, "-m", "cstui", "--db", str(copy), "--as-of", AS_OF.isoformat()]
        bare.append(open_in_terminal(argv_bare, "bare", size, env, figures=False))
        first.append(open_in_terminal(argv, "cstui", size, env, figures=True, quiet=1.5))
        second.append(open_in_terminal(argv, "cstui", size, env, figures=True))
        log(
            f"  start-up round {n + 1}/{repeat}: bare frame {bare[-1]['frame_s']:.2f} s; first open frame "
            f"{first[-1]['frame_s']:.2f} s, figures {first[-1]['figures_s']:.2f} s; second open figures "
            f"{second[-1]['figures_s']:.2f} s"
        )
        shutil.rmtree(home, ignore_errors=True)

    def med(runs: list[dict], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    result = {
        "terminal": f"{size[0]}x{size[1]}",
        "bare_frame_s": med(bare, "frame_s"),
        "first_open_first_output_s": med(first, "first_output_s"),
        "first_open_frame_s": med(first, "frame_s"),
        "first_open_figures_s": med(first, "figures_s"),
        "second_open_frame_s": med(second, "frame_s"),
        "second_open_figures_s": med(second, "figures_s"),
        "first_open_peak_rss_mb": max(r["peak_rss_mb"] or 0 for r in first),
        "bare_peak_rss_mb": max(r["peak_rss_mb"] or 0 for r in bare),
    }
    result["frame_vs_bare"] = result["first_open_frame_s"] / result["bare_frame_s"]
    result["figures_vs_bare"] = result["first_open_figures_s"] / result["bare_frame_s"]
    result["second_open_figures_vs_bare"] = result["second_open_figures_s"] / result["bare_frame_s"]
    return result


# ---------------------------------------------------------------- features through the pilot


NET_KEYS = (
    "cursor_move_s",
    "sort_change_s",
    "filter_keystroke_s",
    "search_keystroke_s",
    "checkin_first_s",
    "checkin_again_s",
    "tasks_first_s",
    "tasks_again_s",
    "trends_12_first_s",
    "trends_24_first_s",
    "trends_24_again_s",
    "bare_new_screen_s",
)
AT_ONCE_STEPS = ("checkin", "trends")  # measured again with keys pressed as soon as the figures show


def run_probe(book: Path, work: Path, repeat: int, steps: list[str], timeout: float, at_once: bool) -> dict:
    """One features_probe.py process on a fresh copy; its figures with the harness's cost taken off."""
    copy = copy_book(book, work / "features" / "book.db")
    probe = [sys.executable, str(HERE / "features_probe.py"), str(copy), "--repeat", str(repeat)]
    probe += ["--steps", ",".join(steps)] + (["--at-once"] if at_once else [])
    done = subprocess.run(probe, stdout=subprocess.PIPE, text=True, timeout=timeout, cwd=ROOT)  # progress: stderr
    shutil.rmtree(copy.parent, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"features_probe.py exited with {done.returncode} (its traceback is above)")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for key in NET_KEYS:
        name = key.removesuffix("_s")
        for clock, harness in (("", result["harness_key_s"]), ("_cpu", result["harness_key_cpu_s"])):
            if result.get(f"{name}{clock}_s") is not None:  # what the app adds to the harness
                result[f"{name}{clock}_net_s"] = max(0.0, result[f"{name}{clock}_s"] - harness)
    for clock in ("", "_cpu"):
        if result.get(f"trends_12_first{clock}_net_s") is not None:
            result[f"trends_t_then_2{clock}_net_s"] = (
                result[f"trends_12_first{clock}_net_s"] + result[f"trends_24_first{clock}_net_s"]
            )
    return result


def bench_features(book: Path, work: Path, repeat: int, steps: list[str], timeout: float) -> dict:
    """The probe as a CSM's morning goes (the app's background preparation done before the first
    key), then the check-in and trends again with their keys pressed as soon as the figures show
    (the worst case: they wait for, or do, that preparation); the latter's figures as `at_once_*`."""
    result = run_probe(book, work, repeat, steps, timeout, at_once=False)
    again = [s for s in steps if s in AT_ONCE_STEPS]
    if again:
        at_once = run_probe(book, work, repeat, again, timeout, at_once=True)
        result.update({f"at_once_{k}": v for k, v in at_once.items() if k.startswith(("checkin", "tasks", "trends"))})
        result["at_once_dashboard_loaded_s"] = at_once.get("dashboard_loaded_s")
    return result


def bench_search(book: Path, repeat: int) -> dict:
    """`cstui.storage.search` as the search screen calls it (limit 200): each prefix of a typed query."""
    from cstui.storage.search import search

    db = connect(book)
    conn = db.conn
    corpus = dict(
        conn.execute(
            "SELECT kind, count(*) FROM search_index WHERE kind IN ('note', 'survey') GROUP BY kind"
        ).fetchall()
    )
    typed = [SEARCH_TYPED[: n + 1] for n in range(len(SEARCH_TYPED))]
    per_key = [median_time(lambda q=q: search(conn, q, limit=200), repeat) for q in typed]
    shapes = {q: median_time(lambda q=q: search(conn, q, limit=200), repeat) for q in SEARCH_QUERIES}
    hits = {q: len(search(conn, q, limit=100_000)) for q in (*SEARCH_QUERIES, SEARCH_TYPED)}
    conn.close()
    return {
        "notes_and_comments": corpus.get("note", 0) + corpus.get("survey", 0),
        "typed": SEARCH_TYPED,
        "search_fn_per_keystroke_median_s": statistics.median(per_key),
        "search_fn_per_keystroke_max_s": max(per_key),
        "search_fn_queries_s": shapes,
        "matches": hits,
    }


# ---------------------------------------------------------------- the run


def machine() -> dict:
    import sqlite3

    packages = {}
    for name in ("textual", "sqlite-utils", "plotext", "textual-plotext", "typer", "pyte"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    return {
        "machine": platform.machine(),
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": packages,
        "load_average": os.getloadavg(),
        "commit": commit(),
        "date": datetime.now().isoformat(timespec="seconds"),
    }


def save(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=2, default=str))
    tmp.replace(path)


def run_scale(scale: float, args, results: dict, out: Path) -> None:
    key = f"{scale:g}"
    entry = results["scales"].setdefault(key, {})
    repeat = args.repeat if scale <= 1 else min(args.repeat, args.repeat_above_1)
    entry["repeat"] = repeat
    timing = entry.setdefault("section_s", {})
    cpu = entry.setdefault("section_cpu_s", {})

    def done(section: str) -> bool:
        return args.resume and section in entry and not {"error", "errors"} & set(entry[section])

    def measure(section: str, fn) -> None:
        if done(section):
            log(f"scale {key}: {section} already measured (--resume)")
            return
        log(f"scale {key}: {section}")
        start, start_cpu = time.perf_counter(), cpu_s()
        try:
            entry[section] = fn()
        except Exception as error:  # one broken figure must not lose the others
            entry[section] = {"error": f"{type(error).__name__}: {error}"}
            log(f"scale {key}: {section} FAILED: {error}\n{traceback.format_exc()}")
        timing[section] = time.perf_counter() - start
        cpu[section] = cpu_s() - start_cpu
        save(results, out)

    start, start_cpu = time.perf_counter(), cpu_s()
    build: dict = {}
    book = ensure_book(scale, args, build)
    if build.get("built_now") or "book" not in timing:  # a reused book keeps the time it took to build
        timing["book"] = time.perf_counter() - start
        cpu["book"] = cpu_s() - start_cpu
    entry["rows"] = build["rows"]
    entry["total_rows"] = build["total_rows"]
    if repeat < args.repeat:
        log(f"scale {key}: repeats reduced to {repeat} (--repeat-above-1)")
    with tempfile.TemporaryDirectory(prefix=f"cstui-bench-{key}-", dir=args.work) as tmp:
        work = Path(tmp)
        if "import" in args.only:
            measure("import", lambda: bench_import(scale, args, build, work))
        if "engine" in args.only or "search" in args.only:  # one copy for both (they only read)
            copy = copy_book(book, work / "reads.db")
        if "engine" in args.only:
            measure("engine", lambda: bench_engine(copy, repeat))
        if "search" in args.only:
            measure("search", lambda: bench_search(copy, repeat))
        if "startup" in args.only:
            measure("startup", lambda: bench_startup(book, work, repeat, args.terminal))
        steps = [s for s in PROBE_STEPS if s in args.only]
        if steps:
            earlier = {k: v for k, v in entry.get("features", {}).items() if k not in ("error", "errors")}

            def features() -> dict:  # a rerun of some steps keeps the other steps' figures
                return {**earlier, **bench_features(book, work, repeat, steps, args.probe_timeout)}

            measure("features", features)
    timing["total"] = sum(v for k, v in timing.items() if k != "total")
    cpu["total"] = sum(v for k, v in cpu.items() if k != "total")
    save(results, out)
    log(f"scale {key}: done in {timing['total']:.0f} s ({cpu['total']:.0f} CPU s)")


def size_arg(text: str) -> tuple[int, int]:
    cols, _, rows = text.partition("x")
    return int(cols), int(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default=None, help="comma-separated scales (default 1)")
    parser.add_argument("--scale", type=float, default=None, help="one scale (same as --scales)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats for medians (default 5)")
    parser.add_argument("--repeat-above-1", type=int, default=3, help="repeats at scales above 1 (default 3)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections to run: {','.join(SECTIONS)}")
    parser.add_argument("--skip", default="", help="sections not to run")
    parser.add_argument("--terminal", type=size_arg, default=(120, 40), help="pseudo-terminal size (120x40)")
    parser.add_argument("--compare-import-up-to", type=float, default=1.0, help="sqlite-utils runs up to this scale")
    parser.add_argument("--probe-timeout", type=float, default=1800.0)
    parser.add_argument("--rebuild", action="store_true", help="generate and import again (times the import)")
    parser.add_argument("--resume", action="store_true", help="keep the sections results.json already has")
    parser.add_argument("--report-only", action="store_true", help="only rewrite RESULTS-table.md")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--work", default=None, help="directory for the books' working copies (default: tmp)")
    args = parser.parse_args()
    out = args.out / "results.json"
    if args.report_only:
        write_report(json.loads(out.read_text()), args.out / "RESULTS-table.md")
        return
    scales = [float(s) for s in args.scales.split(",")] if args.scales else [args.scale or 1.0]
    args.only = {s for s in args.only.split(",") if s} - set(args.skip.split(","))
    unknown = args.only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))} (known: {', '.join(SECTIONS)})")
    results = json.loads(out.read_text()) if args.resume and out.exists() else {"scales": {}}
    results["machine"] = machine()
    results["as_of"] = AS_OF.isoformat()
    results["generator_version"] = generate.VERSION
    results["args"] = {"scales": scales, "repeat": args.repeat, "repeat_above_1": args.repeat_above_1}
    for scale in scales:
        run_scale(scale, args, results, out)
    results["wall_s"] = time.perf_counter() - STARTED
    save(results, out)
    table = args.out / "RESULTS-table.md"
    write_report(results, table)
    print(table.read_text())
    log(f"written: {out} and {table} ({results['wall_s'] / 60:.1f} min)")


if __name__ == "__main__":
    main()
