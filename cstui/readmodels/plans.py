"""An account's success plan as a screen, a command and the QBR pack show it: the plan and each
goal's progress on a day."""

import json
from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import Conn
from cstui.metrics.plans import GoalProgress, plan_progress
from cstui.storage.plans import Plan, goals_of, plan_of


@dataclass(frozen=True)
class PlanView:
    account_id: int
    as_of: date
    plan: Plan | None
    goals: list[GoalProgress]

    def to_json(self) -> str:
        plan = self.plan
        return json.dumps(
            {
                "as_of": self.as_of.isoformat(),
                "plan": None
                if plan is None
                else {
                    "objective": plan.objective,
                    "agreed_on": plan.agreed_on,
                    "owner": plan.owner,
                    "done_on": plan.done_on,
                },
                "goals": [
                    {
                        "id": g.goal.id,
                        "title": g.goal.title,
                        "kind": "milestone" if g.goal.is_milestone else "measured",
                        "figure": g.goal.figure,
                        "subject": g.goal.subject,
                        "target": g.goal.target,
                        "start_on": g.goal.start_on,
                        "due_on": g.goal.due_on,
                        "done_on": g.goal.done_on,
                        "value": g.value,
                        "baseline": g.baseline,
                        "progress": g.progress,
                        "expected": g.expected,
                        "status": g.status.value,
                    }
                    for g in self.goals
                ],
            },
            indent=2,
            ensure_ascii=False,
        )


def plan_view(conn: Conn, account_id: int, as_of: date) -> PlanView:
    return PlanView(
        account_id, as_of, plan_of(conn, account_id), plan_progress(conn, goals_of(conn, account_id), as_of)
    )
