"""Reading a file the user names (a CSV, a profile, weights, playbooks): regular files only, bounded in size.

A path on the command line may be anything: a FIFO (an open blocks until a writer comes, for
ever), a device (`/dev/zero` reads without end until memory runs out), a folder, a symlink to any
of them. Every read of such a path goes through `read_user_bytes`: it names what is there in one
line instead of blocking, filling memory or saying "no such file" of a file that exists. The file
is opened non-blocking and checked again on the open descriptor, so swapping the path for a FIFO
between the check and the open gains nothing.
"""

import json
import os
import stat
from pathlib import Path
from typing import Any

from cstui.errors import UserError
from cstui.safe_text import visible

MB = 1024 * 1024
# What each kind of file may weigh: far above any real one, far below what would exhaust memory.
CSV_LIMIT = 512 * MB  # an import file (read whole, decoded and checked cell by cell)
SMALL_LIMIT = 1 * MB  # a JSON profile, a weights file
PLAYBOOK_LIMIT = 16 * MB  # a playbooks CSV


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a regular file"
    return "not a regular file"


class UnreadableFile(UserError):
    """A file cstui will not read; `why` says what it is ("a FIFO (named pipe), not a regular file")."""

    def __init__(self, path: Path, why: str):
        super().__init__(f"{visible(path, one_line=True)}: {why}")
        self.why = why


def _refuse(path: Path, why: str) -> UnreadableFile:
    return UnreadableFile(path, why)


def check_regular(path: Path, limit: int) -> int:
    """The size of `path`, a regular file no larger than `limit`; anything else is a UserError."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise _refuse(path, "no such file or directory") from None
    except OSError as error:
        raise _refuse(path, f"cannot read it ({error.strerror or error})") from None
    return _checked(path, found, limit)


def _checked(path: Path, found: os.stat_result, limit: int) -> int:
    if (why := _kind(found.st_mode)) is not None:
        raise _refuse(path, why)
    if found.st_size > limit:
        raise _refuse(path, f"{found.st_size / MB:,.1f} MB, larger than the {limit // MB:,} MB cstui reads")
    return found.st_size


def read_user_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is one UserError line."""
    check_regular(path, limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as error:
        raise _refuse(path, f"cannot read it ({error.strerror or error})") from None
    try:
        _checked(path, os.fstat(fd), limit)  # the file opened, not the one looked at
        os.set_blocking(fd, True)
        chunks, left = [], limit + 1
        while left > 0 and (chunk := os.read(fd, min(left, MB))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        raise _refuse(path, f"cannot read it ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if left <= 0:  # grew past the limit while being read
        raise _refuse(path, f"larger than the {limit // MB:,} MB cstui reads")
    return b"".join(chunks)


def read_user_text(path: Path, limit: int, encoding: str = "utf-8") -> str:
    """The text of a regular file, decoded; a file that is not valid `encoding` is a UserError."""
    try:
        return read_user_bytes(path, limit).decode(encoding)
    except UnicodeDecodeError as error:
        raise _refuse(path, f"not valid {encoding} text (byte {error.start})") from None


def read_user_json(path: Path, what: str = "valid JSON", limit: int | None = None) -> Any:
    """A JSON value from a regular file (at most `SMALL_LIMIT` bytes unless told); malformed JSON
    ("not `what`") or absurdly nested JSON is a UserError."""
    text = read_user_text(path, SMALL_LIMIT if limit is None else limit)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _refuse(path, f"not {what} ({error})") from None
    except RecursionError:
        raise _refuse(path, "not a usable JSON file (nested too deeply)") from None
