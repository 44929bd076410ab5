"""What the hostile-input tests check: a command failed with one plain line, and a file was not
touched (bytes, mode, size, mtime and side files)."""

import hashlib
from pathlib import Path


def one_line_failure(result) -> None:
    assert result.code == 1, result.out + result.err
    assert result.err.startswith("cstui: ") and result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err and "\x1b" not in result.err + result.out


def fingerprint(path: Path) -> tuple:
    """Bytes, mode, size and mtime of a file, plus which side files sit next to it."""
    info = path.stat()
    sides = sorted(p.name for p in path.parent.glob(f"{path.name}-*"))
    return hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mode, info.st_size, info.st_mtime_ns, sides
