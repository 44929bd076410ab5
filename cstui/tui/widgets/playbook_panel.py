"""The account screen's playbook panel: which playbooks run on the account and how far along.

It loads itself in a worker with its own connection (like every data screen), so the account
screen only places it and calls `load` when it shows the account.
"""

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.widgets import Static

from cstui.storage.playbooks import Run
from cstui.tui.widgets.text import book_text

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

DONE_RUNS_SHOWN = 2  # finished runs kept in view under the running ones


class PlaybookPanel(Static):
    if TYPE_CHECKING:
        app = getters.app(CstuiApp)

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self.runs: list[Run] = []

    @work(thread=True, exclusive=True, group="playbook-panel", exit_on_error=False)
    def load(self, account_id: int) -> None:
        from cstui.readmodels.playbooks import account_runs

        with self.app.reader() as conn:
            found = account_runs(conn, account_id)
        self.app.call_from_thread(self.draw, found)

    def draw(self, runs: list[Run]) -> None:
        self.runs = runs
        text = Text()
        finished = 0
        for run in runs:
            if not run.running:
                finished += 1
                if finished > DONE_RUNS_SHOWN:
                    continue
            filled = round(10 * run.done / run.tasks) if run.tasks else 10
            text.append_text(book_text(run.playbook, "bold" if run.running else "dim"))
            text.append(f"  {'█' * filled}{'░' * (10 - filled)} {run.done}/{run.tasks}")
            text.append("  done\n" if not run.running else "\n", style="dim")
            if run.running and run.next_due:
                text.append(f"  next {run.next_due} ", style="dim")
                text.append_text(book_text(run.next_title or "", "dim"))
                text.append("\n")
        self.update(text or Text("none running (p applies one)", style="dim"))
