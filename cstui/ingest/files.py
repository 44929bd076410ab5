"""Which files a run reads, and reading each with the parser its suffix names."""

from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from cstui.errors import UserError
from cstui.ingest.calendar import parse_calendar
from cstui.ingest.items import Item, Problem
from cstui.ingest.mail import parse_eml, parse_mbox
from cstui.ingest.window import default_window
from cstui.safe_text import visible

SUFFIXES = (".ics", ".eml", ".mbox")


class IngestFailed(UserError):
    """The run was rejected: one `file: item: reason` line per problem, and the book unchanged."""

    def __init__(self, problems: list[Problem]):
        lines = [visible(problem, one_line=True) for problem in problems]
        shown = "\n".join(lines[:200])
        more = f"\n... and {len(lines) - 200} more" if len(lines) > 200 else ""
        super().__init__(f"ingest rejected, the book is unchanged ({len(lines)} problems):\n{shown}{more}")


@dataclass(frozen=True)
class ReadOptions:
    since: date  # calendar window, local dates, inclusive
    until: date
    tz: tzinfo | None = None  # None: this machine's time zone
    headers_only: bool = False

    @classmethod
    def around(cls, today: date, tz: tzinfo | None = None, headers_only: bool = False) -> "ReadOptions":
        """The default window around `today` (`window.default_window`)."""
        return cls(*default_window(today), tz, headers_only)


def collect(paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """The files named or found (recursively, sorted) in folders; each once, in the order given."""
    found: dict[Path, None] = {}
    problems = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not inside:
                problems.append(Problem(path, "folder", "no .ics, .eml or .mbox files here"))
            found.update(dict.fromkeys(inside))
        elif not path.exists():
            problems.append(Problem(path, "path", "no such file or folder"))
        elif path.suffix.lower() not in SUFFIXES:
            problems.append(Problem(path, "file", "not an .ics, .eml or .mbox file"))
        else:
            found[path] = None
    return list(found), problems


def read_file(path: Path, options: ReadOptions) -> tuple[list[Item], list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return [], [Problem(path, "file", f"cannot read it ({error.strerror or error})")]
    suffix = path.suffix.lower()
    if suffix == ".ics":
        return parse_calendar(path, data, options.since, options.until, options.tz)
    if suffix == ".mbox":
        return parse_mbox(path, data, headers_only=options.headers_only, tz=options.tz)
    return parse_eml(path, data, headers_only=options.headers_only, tz=options.tz)


def read_paths(paths: list[Path], options: ReadOptions) -> tuple[dict[Path, list[Item]], list[Problem]]:
    """Every item of every file, by file, and every problem met (the run is rejected if there is one)."""
    files, problems = collect(paths)
    items: dict[Path, list[Item]] = {}
    for path in files:
        found, trouble = read_file(path, options)
        items[path] = found
        problems += trouble
    return items, problems
