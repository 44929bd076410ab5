"""The account screen's success-plan panel: the objective and where each goal stands today.

Like the playbook panel, it loads itself in a worker with its own connection; the account screen
only places it and calls `load`.
"""

from typing import TYPE_CHECKING

from rich.text import Text
from textual import getters, work
from textual.widgets import Static

from cstui.readmodels.plans import PlanView
from cstui.tui.widgets.text import book_text

if TYPE_CHECKING:
    from cstui.tui.app import CstuiApp

STATUS_STYLE = {"on track": "green", "behind": "yellow", "met": "bold green", "missed": "red"}


class PlanPanel(Static):
    if TYPE_CHECKING:
        app = getters.app(CstuiApp)

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)
        self.view: PlanView | None = None

    @work(thread=True, exclusive=True, group="plan-panel", exit_on_error=False)
    def load(self, account_id: int) -> None:
        from cstui.readmodels.plans import plan_view

        with self.app.reader() as conn:
            found = plan_view(conn, account_id, self.app.as_of)
        self.app.call_from_thread(self.draw, found)

    def draw(self, view: PlanView) -> None:
        self.view = view
        if view.plan is None:
            self.update(Text("no plan (cstui plan add KEY --objective ...)", style="dim"))
            return
        text = book_text(view.plan.objective, "bold")
        if view.plan.owner:
            text.append("  owner ", style="dim")
            text.append_text(book_text(view.plan.owner, "dim"))
        for g in view.goals:
            text.append("\n")
            text.append(f"{g.status.value:8} ", style=STATUS_STYLE.get(g.status.value, ""))
            text.append_text(book_text(g.goal.title))
            text.append(f"  due {g.goal.due_on}", style="dim")
        self.update(text)
