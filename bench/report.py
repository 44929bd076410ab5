"""bench/out/RESULTS-table.md from bench/out/results.json: issue 15's target table at scale 1, then each
figure against rows per scale, with a plotext chart of the slow paths' growth."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Entry = dict


def get(entry: Entry | None, section: str, key: str) -> float | None:
    if not entry:
        return None
    value = (entry.get(section) or {}).get(key)
    return value if isinstance(value, int | float) else None


def count(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.2f} ms" if value < 0.01 else f"{value * 1000:,.0f} ms"


def sec(value: float | None) -> str:
    return "-" if value is None else f"{value:,.2f} s"


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} rows/s"


@dataclass(frozen=True)
class Target:
    label: str
    now: str
    target: str
    scale: str
    section: str
    key: str
    show: Callable[[float | None], str]
    limit: float | None  # None: no number to meet (shown for reference)
    at_most: bool
    baseline: Callable[[Entry], str]


TARGETS = (
    Target(
        "portfolio report + health vs the fair floor",
        "~2.2x",
        "<= 1.5x",
        "1",
        "engine",
        "report_vs_floor",
        times,
        1.5,
        True,
        lambda e: (
            f"engine {sec(get(e, 'engine', 'report_and_health_s'))} vs fair floor "
            f"{sec(get(e, 'engine', 'fair_floor_s'))}; usage-only raw pass {sec(get(e, 'engine', 'raw_pass_s'))} "
            f"({times(get(e, 'engine', 'report_vs_raw_pass'))})"
        ),
    ),
    Target(
        "launch to the dashboard's figures on screen, pseudo-terminal, first open",
        "1.95 s (tmux)",
        "<= 0.6 s",
        "1",
        "startup",
        "first_open_figures_s",
        sec,
        0.6,
        True,
        lambda e: (
            f"bare Textual app's frame {sec(get(e, 'startup', 'bare_frame_s'))} "
            f"({times(get(e, 'startup', 'figures_vs_bare'))})"
        ),
    ),
    Target(
        "the same at scale 3",
        "-",
        "<= 1.2 s",
        "3",
        "startup",
        "first_open_figures_s",
        sec,
        1.2,
        True,
        lambda e: f"bare Textual app's frame {sec(get(e, 'startup', 'bare_frame_s'))}",
    ),
    Target(
        "second open of the unchanged book: figures on screen",
        "-",
        "near-instant",
        "1",
        "startup",
        "second_open_figures_s",
        sec,
        None,
        True,
        lambda e: (
            f"bare frame {sec(get(e, 'startup', 'bare_frame_s'))} "
            f"({times(get(e, 'startup', 'second_open_figures_vs_bare'))})"
        ),
    ),
    Target(
        "launch to the dashboard's frame vs a bare Textual app, pseudo-terminal",
        "6.8x (tmux)",
        "<= 1.5x",
        "1",
        "startup",
        "frame_vs_bare",
        times,
        1.5,
        True,
        lambda e: (
            f"frame {sec(get(e, 'startup', 'first_open_frame_s'))} vs bare {sec(get(e, 'startup', 'bare_frame_s'))}"
        ),
    ),
    Target(
        "sort change in the account list, net of the harness",
        "57 ms",
        "<= 30 ms",
        "1",
        "features",
        "sort_change_net_s",
        ms,
        0.030,
        True,
        lambda e: (
            f"gross {ms(get(e, 'features', 'sort_change_s'))}; harness (pilot key + refresh, bare DataTable) "
            f"{ms(get(e, 'features', 'harness_key_s'))}"
        ),
    ),
    Target(
        "filter keystroke in the account list, net of the harness",
        "64 ms",
        "<= 50 ms",
        "1",
        "features",
        "filter_keystroke_net_s",
        ms,
        0.050,
        True,
        lambda e: f"gross {ms(get(e, 'features', 'filter_keystroke_s'))}",
    ),
    Target(
        "trends, 24 months, all charts drawn (t, then 2; net)",
        "8.1 s to the first 12-month chart (tmux)",
        "<= 2 s",
        "1",
        "features",
        "trends_t_then_2_net_s",
        sec,
        2.0,
        True,
        lambda e: (
            f"t (12 months) {sec(get(e, 'features', 'trends_12_first_net_s'))} + 2 (24 months) "
            f"{sec(get(e, 'features', 'trends_24_first_net_s'))}; 24 months again "
            f"{sec(get(e, 'features', 'trends_24_again_net_s'))}; the months prepared in the background, "
            f"done {sec(get(e, 'features', 'prepared_s'))} after start; t then 2 pressed as soon as the figures "
            f"show: {sec(get(e, 'features', 'at_once_trends_t_then_2_net_s'))}"
        ),
    ),
    Target(
        "search keystroke (FTS), in the search screen, net",
        "-",
        "<= 50 ms",
        "1",
        "features",
        "search_keystroke_net_s",
        ms,
        0.050,
        True,
        lambda e: (
            f"{count(get(e, 'search', 'notes_and_comments'))} notes and comments; `search()` alone "
            f"{ms(get(e, 'search', 'search_fn_per_keystroke_median_s'))} median, "
            f"{ms(get(e, 'search', 'search_fn_per_keystroke_max_s'))} slowest prefix"
        ),
    ),
    Target(
        "check-in queue built (c, first of the day, net)",
        "3.4 s (tmux)",
        "<= 200 ms",
        "1",
        "features",
        "checkin_first_net_s",
        ms,
        0.200,
        True,
        lambda e: (
            f"{count(get(e, 'features', 'checkin_queued'))} queued, "
            f"{count(get(e, 'features', 'checkin_waiting'))} waiting; again after a write "
            f"{ms(get(e, 'features', 'checkin_again_net_s'))}; `checkin_queue()` alone "
            f"{ms(get(e, 'engine', 'checkin_queue_fn_s'))}; c pressed as soon as the figures show: "
            f"{ms(get(e, 'features', 'at_once_checkin_first_net_s'))}, again after a write "
            f"{ms(get(e, 'features', 'at_once_checkin_again_net_s'))}"
        ),
    ),
    Target(
        "task list built (T, first, net)",
        "(with the check-in)",
        "<= 200 ms",
        "1",
        "features",
        "tasks_first_net_s",
        ms,
        0.200,
        True,
        lambda e: (
            f"{count(get(e, 'features', 'tasks_open'))} open tasks; "
            f"again {ms(get(e, 'features', 'tasks_again_net_s'))}"
            f"; `task_list()` alone {ms(get(e, 'engine', 'task_list_fn_s'))}; Textual's own new screen "
            f"(header, a line, footer; net) {ms(get(e, 'features', 'bare_new_screen_net_s'))}"
        ),
    ),
    Target(
        "import rows/s vs sqlite-utils insert_all, history recorded",
        "1.2-1.4x",
        ">= 1.0x",
        "1",
        "import",
        "ratio",
        times,
        1.0,
        False,
        lambda e: (
            f"cstui {rate(get(e, 'import', 'cstui_rows_per_s'))} vs sqlite-utils "
            f"{rate(get(e, 'import', 'sqlite_utils_rows_per_s'))}"
        ),
    ),
    Target(
        "peak RSS at scale 3 (dashboard, account list, check-in loaded)",
        "-",
        "<= 300 MB",
        "3",
        "features",
        "peak_rss_mb_dashboard_list_checkin",
        mb,
        300,
        True,
        lambda e: f"bare Textual app in the pseudo-terminal {mb(get(e, 'startup', 'bare_peak_rss_mb'))}",
    ),
)

# figure, section, key, format: the scaling table's rows
CURVE = (
    ("import, cstui", "import", "cstui_rows_per_s", rate),
    ("import vs sqlite-utils", "import", "ratio", times),
    ("usage-only raw pass", "engine", "raw_pass_s", sec),
    ("fair floor", "engine", "fair_floor_s", sec),
    ("report + health", "engine", "report_and_health_s", sec),
    ("report + health vs floor", "engine", "report_vs_floor", times),
    ("one account's breakdown", "engine", "breakdown_s", ms),
    ("checkin_queue()", "engine", "checkin_queue_fn_s", ms),
    ("bare app: frame (pty)", "startup", "bare_frame_s", sec),
    ("first open: frame (pty)", "startup", "first_open_frame_s", sec),
    ("first open: figures (pty)", "startup", "first_open_figures_s", sec),
    ("second open: figures (pty)", "startup", "second_open_figures_s", sec),
    ("frame vs bare", "startup", "frame_vs_bare", times),
    ("dashboard loaded (pilot)", "features", "dashboard_loaded_s", sec),
    ("background preparation done (pilot)", "features", "prepared_s", sec),
    ("account list built (a)", "features", "list_built_s", sec),
    ("sort change, net", "features", "sort_change_net_s", ms),
    ("filter keystroke, net", "features", "filter_keystroke_net_s", ms),
    ("check-in built (c), net", "features", "checkin_first_net_s", ms),
    ("task list built (T), net", "features", "tasks_first_net_s", ms),
    ("trends t then 2, net", "features", "trends_t_then_2_net_s", sec),
    ("c at once, net", "features", "at_once_checkin_first_net_s", ms),
    ("t then 2 at once, net", "features", "at_once_trends_t_then_2_net_s", sec),
    ("search keystroke, net", "features", "search_keystroke_net_s", ms),
    ("search() per prefix", "search", "search_fn_per_keystroke_median_s", ms),
    ("peak RSS (dash, list, check-in)", "features", "peak_rss_mb_dashboard_list_checkin", mb),
    ("CPU: sort change, net", "features", "sort_change_cpu_net_s", ms),
    ("CPU: filter keystroke, net", "features", "filter_keystroke_cpu_net_s", ms),
    ("CPU: check-in built, net", "features", "checkin_first_cpu_net_s", ms),
    ("CPU: task list built, net", "features", "tasks_first_cpu_net_s", ms),
    ("CPU: trends t then 2, net", "features", "trends_t_then_2_cpu_net_s", sec),
    ("CPU: search keystroke, net", "features", "search_keystroke_cpu_net_s", ms),
    ("harness: pilot key + refresh", "features", "harness_key_s", ms),
)

# The slow paths drawn against rows: marker, label, section, key
CHART = (
    ("R", "report + health", "engine", "report_and_health_s"),
    ("F", "fair floor", "engine", "fair_floor_s"),
    ("S", "figures on screen, first open", "startup", "first_open_figures_s"),
    ("C", "check-in built (c), at once", "features", "at_once_checkin_first_net_s"),
    ("T", "trends t then 2, at once", "features", "at_once_trends_t_then_2_net_s"),
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def met(target: Target, value: float | None) -> str:
    if value is None:
        return "not measured"
    if target.limit is None:
        return "-"
    ok = value <= target.limit if target.at_most else value >= target.limit
    return "yes" if ok else "**no**"


def target_table(results: dict) -> str:
    scales = results.get("scales", {})
    lines = [
        "| figure | now (issue 15) | target | measured | met | baseline measured beside it |",
        "|---|---|---|---:|---|---|",
    ]
    for t in TARGETS:
        entry = scales.get(t.scale)
        value = get(entry, t.section, t.key)
        baseline = t.baseline(entry) if entry else f"scale {t.scale} not run"
        if t.key == "second_open_figures_s" and "3" in scales:
            baseline += f"; at scale 3 {sec(get(scales['3'], 'startup', 'second_open_figures_s'))}"
        label = t.label if t.scale == "1" or "scale" in t.label else f"{t.label} (scale {t.scale})"
        lines.append(f"| {label} | {t.now} | {t.target} | {t.show(value)} | {met(t, value)} | {baseline} |")
    return "\n".join(lines)


def curve_table(results: dict) -> str:
    scales = sorted(results.get("scales", {}).items(), key=lambda kv: float(kv[0]))
    head = "| figure | " + " | ".join(f"scale {k}" for k, _ in scales) + " |"
    lines = [head, "|---|" + "---:|" * len(scales)]
    accounts = [(e.get("rows") or {}).get("accounts", 0) for _, e in scales]
    lines.append("| accounts | " + " | ".join(f"{n:,}" for n in accounts) + " |")
    lines.append("| rows | " + " | ".join(f"{e.get('total_rows', 0):,}" for _, e in scales) + " |")
    lines.append("| repeats (medians of) | " + " | ".join(str(e.get("repeat", "-")) for _, e in scales) + " |")
    for label, section, key, show in CURVE:
        lines.append(f"| {label} | " + " | ".join(show(get(e, section, key)) for _, e in scales) + " |")
    for label, key in (("bench time, wall", "section_s"), ("bench time, CPU (with child processes)", "section_cpu_s")):
        lines.append(f"| {label} | " + " | ".join(sec((e.get(key) or {}).get("total")) for _, e in scales) + " |")
    return "\n".join(lines)


def chart(results: dict) -> str | None:
    """Seconds against millions of rows, one line per slow path (plotext, as text)."""
    scales = sorted(results.get("scales", {}).values(), key=lambda e: e.get("total_rows", 0))
    if len(scales) < 2:
        return None
    try:
        import plotext as plt
    except ImportError:
        return None
    plt.clear_figure()
    plt.plotsize(100, 28)
    plt.theme("clear")
    plt.xscale("log")
    plt.yscale("log")
    drawn = []
    for marker, label, section, key in CHART:
        points = [(e["total_rows"] / 1e6, get(e, section, key)) for e in scales]
        points = [(x, y) for x, y in points if y]
        if len(points) >= 2:
            plt.plot([x for x, _ in points], [y for _, y in points], marker=marker)
            drawn.append(f"{marker} {label}")
    if not drawn:
        return None
    text = ANSI.sub("", plt.build())
    plt.clear_figure()
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    return "\n".join(["seconds (log scale) against millions of rows (log scale)", *lines, *drawn])


def write_report(results: dict, path: Path) -> None:
    machine = results.get("machine", {})
    packages = ", ".join(f"{k} {v}" for k, v in (machine.get("packages") or {}).items())
    parts = [
        "# Benchmark results (generated by bench/run.py)",
        "",
        f"Commit {machine.get('commit')}, {machine.get('date')}; "
        f"{machine.get('machine')}, {machine.get('cores')} cores, "
        f"{machine.get('system')}, Python {machine.get('python')}, SQLite {machine.get('sqlite')}; {packages}. "
        f"Load average at the start: {', '.join(f'{x:.2f}' for x in machine.get('load_average') or [])}. "
        f"Book as of {results.get('as_of')}, generator version {results.get('generator_version')}. "
        f"Whole run: {sec(results.get('wall_s'))}.",
        "",
        "## Issue 15's targets (scale 1 unless said)",
        "",
        target_table(results),
        "",
        "## Each figure against the book's size",
        "",
        curve_table(results),
        "",
    ]
    asked = results.get("args", {}).get("repeat") or 0
    reduced = [f"{k} ({e['repeat']})" for k, e in results.get("scales", {}).items() if e.get("repeat", asked) < asked]
    if reduced:
        parts += [f"Fewer repeats (medians of) at scale {', '.join(reduced)}, to keep the run short.", ""]
    errors = [
        f"- scale {k}, {section}: {value['error']}"
        for k, e in results.get("scales", {}).items()
        for section, value in e.items()
        if isinstance(value, dict) and "error" in value
    ]
    errors += [
        f"- scale {k}, features, {step}: {error}"
        for k, e in results.get("scales", {}).items()
        for step, error in ((e.get("features") or {}).get("errors") or {}).items()
    ]
    if errors:
        parts += ["## Sections that failed", "", *errors, ""]
    drawn = chart(results)
    if drawn:
        parts += ["## The slow paths' growth", "", "```", drawn, "```", ""]
    path.write_text("\n".join(parts))
