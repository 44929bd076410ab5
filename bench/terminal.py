"""A program in a pseudo-terminal, its screen rendered by pyte: start-up timed the way a user sees it.

    with Terminal([sys.executable, "-m", "cstui", "--db", book], cols=120, rows=40) as term:
        frame = term.wait_for(dashboard_frame, timeout=60)    # seconds from process start
        shown = term.wait_for(nps_shown, timeout=120)

The clock starts just before the fork, so the interpreter's start, every import and opening the book
count. Output is read as it comes and fed to a pyte screen; each condition is checked on the screen
after every chunk read, so a frame is seen when its bytes have reached the terminal, as in tmux.
"""

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time
from collections.abc import Callable

import pyte

Condition = Callable[[list[str]], bool]


class Terminal:
    """One child process on a pty of a fixed size, with what it has drawn so far."""

    def __init__(
        self, argv: list[str], cols: int, rows: int, env: dict[str, str] | None = None, cwd: str | None = None
    ) -> None:
        self.cols, self.rows = cols, rows
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.first_output: float | None = None  # seconds from start to the first byte the program wrote
        environment = dict(env if env is not None else os.environ)
        environment.update({"TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)})
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size the terminal before anything reads it, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, environment)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.exit_status: int | None = None

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the program has closed the terminal."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 1 << 20)
        except OSError:  # EIO: the child has exited and the pty is closed
            return False
        if not data:
            return False
        if self.first_output is None:
            self.first_output = self.elapsed()
        self.stream.feed(data)
        return True

    def wait_for(self, condition: Condition, timeout: float) -> float | None:
        """Seconds from process start until `condition(screen lines)` holds; None on timeout or exit."""
        deadline = time.perf_counter() + timeout
        if condition(self.lines()):
            return self.elapsed()
        while time.perf_counter() < deadline:
            if not self._read(min(0.05, max(0.0, deadline - time.perf_counter()))):
                return None
            if condition(self.lines()):
                return self.elapsed()
        return None

    def settle(self, quiet: float = 0.5, timeout: float = 30.0) -> None:
        """Wait until the program has drawn nothing for `quiet` seconds (its background work done)."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() < deadline and time.perf_counter() - last < quiet:
            before = self.screen.dirty.copy()
            self.screen.dirty.clear()
            if not self._read(0.05):
                return
            if self.screen.dirty:
                last = time.perf_counter()
            self.screen.dirty |= before

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def peak_rss_mb(self) -> float | None:
        """The program's high-water RSS (VmHWM), read while it runs."""
        try:
            with open(f"/proc/{self.pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            return None
        return None

    def close(self, quit_keys: str = "", timeout: float = 30.0) -> None:
        """Quit with `quit_keys` (if any) and wait; terminate the program if it does not exit in time."""
        if self.exit_status is None and quit_keys:
            with contextlib.suppress(OSError):
                self.send(quit_keys)
            deadline = time.perf_counter() + timeout
            while time.perf_counter() < deadline and self._reap() is None:
                self._read(0.05)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if self._reap() is not None:
                break
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.perf_counter() + 5
            while time.perf_counter() < deadline and self._reap() is None:
                time.sleep(0.05)
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def _reap(self) -> int | None:
        if self.exit_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = status
        return self.exit_status
