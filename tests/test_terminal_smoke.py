"""A smoke test in a real terminal: tmux runs cstui on the demo book, keys go in, the screen comes out."""

import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it; apt-get install tmux)"
)


class Tmux:
    def __init__(self, command: list[str], size: tuple[int, int] = (120, 40)):
        self.name = f"cstui-{uuid.uuid4().hex[:8]}"
        width, height = size
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), " ".join(command)],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True).stdout

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_dashboard_account_breakdown_and_a_chart_in_tmux(demo_path):
    tmux = Tmux(
        ["env", "TERM=xterm-256color", sys.executable, "-m", "cstui", "--db", str(demo_path), "--as-of", "2026-11-24"]
    )
    try:
        screen = tmux.wait_for("Health today")  # at 80x24 too (a fresh tmux server may start at its default size)
        assert "NPS" in screen and "GRR" in screen and "last 365d" in screen
        tmux.send("a")
        tmux.wait_for("sort: Health")
        tmux.send("Enter")  # at once: an `enter` pressed while the list loads opens its first account
        screen = tmux.wait_for("Product usage")
        assert "Feature adoption" in screen and "Relationship" in screen and "Total" in screen
        tmux.send("Escape")
        tmux.wait_for("sort: Health")
        tmux.send("t")
        screen = tmux.wait_for("Health bands")
        assert "NPS" in screen and "┤" in screen  # a plotext axis
        tmux.send("q")
        deadline = time.monotonic() + 10
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not tmux.alive(), "q did not quit the app"
    finally:
        tmux.close()


def test_mrr_chart_and_a_search_result_by_keys_alone_at_80x24(demo_path):
    tmux = Tmux(
        ["env", "TERM=xterm-256color", sys.executable, "-m", "cstui", "--db", str(demo_path), "--as-of", "2026-11-24"],
        size=(80, 24),
    )
    try:
        tmux.wait_for("Health today")
        tmux.send("t")
        tmux.wait_for("Health bands")
        for _ in range(5):  # health, NPS, CSAT, churn, NRR, then MRR
            tmux.send("Tab")
        tmux.wait_for("MRR ")
        # The months are computed and drawn as they come: wait for the last one, then the MRR chart shows
        # its title's value and an axis with thousands separators.
        deadline = time.monotonic() + 60
        screen = tmux.screen()
        while time.monotonic() < deadline and not ("computing" not in screen and "in Nov 26" in screen):
            time.sleep(0.2)
            screen = tmux.screen()
        assert "MRR " in screen and "in Nov 26" in screen and ",000┤" in screen, screen
        tmux.send("d")
        tmux.wait_for("GRR")
        tmux.send("C-f")
        tmux.wait_for("search notes")
        tmux.send("-l", "renewal")
        screen = tmux.wait_for("matches in")
        assert "Renewal prep" in screen
        tmux.send("Down", "Enter")
        # The account screen, by its footer: it is scrolled to the hit, so its breakdown may be above.
        tmux.wait_for("Log feedback")
    finally:
        tmux.close()
