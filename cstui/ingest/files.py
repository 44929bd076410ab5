"""Which files a run reads, and reading each with the parser its suffix names.

Only regular files are read, a calendar up to `MAX_CALENDAR_BYTES` (the whole file is parsed at
once), a single message up to its first `MAX_MESSAGE_BYTES`, and a mailbox a message at a time,
so no file given to `cstui ingest` (a FIFO, /dev/zero, a huge export) blocks it or fills memory.
"""

import os
import stat
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import BinaryIO

from cstui.errors import UserError
from cstui.ingest.calendar import parse_calendar
from cstui.ingest.items import FileRead, Problem
from cstui.ingest.mail import MAX_MESSAGE_BYTES, parse_eml, parse_mbox
from cstui.ingest.window import default_window
from cstui.safe_text import visible

SUFFIXES = (".ics", ".eml", ".mbox")
MAX_CALENDAR_BYTES = 50 << 20  # 50 MiB: years of a busy calendar; icalendar holds all of it in memory


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


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading, if it is a regular file (after symlinks).

    Opened without blocking and checked on the open descriptor: a FIFO would wait for a writer
    forever, a device such as /dev/zero never ends; neither is read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(path)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class NotRegular(OSError):
    """A path that names something other than a regular file."""


def read_file(path: Path, options: ReadOptions) -> FileRead:
    """One file's items, read through the parser its suffix names, never more than the caps."""
    suffix = path.suffix.lower()
    try:
        with open_regular(path) as stream:
            if suffix == ".mbox":
                return parse_mbox(path, stream, headers_only=options.headers_only, tz=options.tz)
            if suffix == ".eml":
                data = stream.read(MAX_MESSAGE_BYTES)  # what is past it is attachments, not read
                return parse_eml(path, data, headers_only=options.headers_only, tz=options.tz)
            data = stream.read(MAX_CALENDAR_BYTES + 1)
    except NotRegular:
        return FileRead(refused=Problem(path, "file", "not a regular file, not read"))
    except OSError as error:
        return FileRead(refused=Problem(path, "file", f"cannot read it ({error.strerror or error})"))
    if len(data) > MAX_CALENDAR_BYTES:
        cap = f"{MAX_CALENDAR_BYTES >> 20} MiB"
        return FileRead(refused=Problem(path, "file", f"larger than {cap} (the cap for a calendar), not read"))
    return parse_calendar(path, data, options.since, options.until, options.tz)


def read_paths(paths: list[Path], options: ReadOptions) -> tuple[dict[Path, FileRead], list[Problem]]:
    """Every file's reading, by file, and the problems that reject the run (a path or file that
    cannot be read); items skipped inside a file are in its `FileRead`."""
    files, problems = collect(paths)
    reads: dict[Path, FileRead] = {}
    for path in files:
        read = read_file(path, options)
        reads[path] = read
        problems += [read.refused] if read.refused else []
    return reads, problems
