"""Where a success plan's goals stand on a day: progress and status computed from the facts.

A measured goal (a figure of `plan_figures.FIGURES` and a target, "at least"):
- value = the figure on the day, or on the due date once it has passed (the goal is judged there);
- met when value >= target; missed when not met on or after the due date;
- before the due date, progress = (value - baseline) / (target - baseline), the baseline being the
  figure on the goal's start day (0 when it had no value; progress 0 when the target is not above
  it), and the goal is on track when progress >= the share of its time gone
  ((day - start) / (due - start)), else behind. No value on the day: behind.
A milestone is met when ticked by the day, missed when the day is after its due date unticked, on
track before that (it can still be ticked on its due date).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from cstui.metrics.base import Conn
from cstui.metrics.plan_figures import FIGURES, value_on
from cstui.storage.plans import Goal


class GoalStatus(StrEnum):
    ON_TRACK = "on track"
    BEHIND = "behind"
    MET = "met"
    MISSED = "missed"


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    value: float | None  # the figure (measured goals) on the day it is judged
    baseline: float | None  # the figure on the start day
    progress: float | None  # % of the way from baseline to target (0..100), or 0/100 for a milestone
    expected: float  # % of the goal's time gone by the day (0..100)
    status: GoalStatus

    @property
    def unit(self) -> str:
        return FIGURES[self.goal.figure].unit if self.goal.figure in FIGURES else ""

    @property
    def label(self) -> str:
        """What the goal measures, as a person reads it ("NPS >= 30 by 2026-12-31")."""
        if self.goal.figure is None:
            return f"milestone by {self.goal.due_on}"
        known = FIGURES.get(self.goal.figure)
        name = known.label if known else self.goal.figure
        about = f" ({self.goal.subject})" if self.goal.subject else ""
        return f"{name}{about} >= {self.goal.target:g} by {self.goal.due_on}"


def _share_gone(goal: Goal, day: date) -> float:
    start, due = date.fromisoformat(goal.start_on), date.fromisoformat(goal.due_on)
    if due <= start:
        return 100.0
    return max(0.0, min(100.0, 100.0 * (day - start).days / (due - start).days))


def is_judged(goal: Goal) -> bool:
    """A milestone, or a measured goal whose figure this cstui knows (one from a newer cstui, or a
    mistyped name in an imported file, is shown as behind with no value, and never raised in the check-in)."""
    return goal.figure is None or goal.figure in FIGURES


def goal_progress(conn: Conn, goal: Goal, day: date) -> GoalProgress:
    expected = _share_gone(goal, day)
    due = date.fromisoformat(goal.due_on)
    if goal.figure is None:
        ticked = goal.done_on is not None and goal.done_on <= day.isoformat()
        status = GoalStatus.MET if ticked else GoalStatus.MISSED if day > due else GoalStatus.ON_TRACK
        return GoalProgress(goal, None, None, 100.0 if ticked else 0.0, expected, status)
    if not is_judged(goal):
        return GoalProgress(goal, None, None, None, expected, GoalStatus.BEHIND)
    target = goal.target if goal.target is not None else 0.0
    value = value_on(conn, goal.figure, goal.account_id, min(day, due), goal.subject)
    baseline = value_on(conn, goal.figure, goal.account_id, date.fromisoformat(goal.start_on), goal.subject)
    progress = None
    if value is not None:
        base = baseline if baseline is not None else 0.0
        progress = max(0.0, min(100.0, 100.0 * (value - base) / (target - base))) if target > base else 0.0
    if value is not None and value >= target:
        return GoalProgress(goal, value, baseline, 100.0, expected, GoalStatus.MET)
    if day >= due:
        return GoalProgress(goal, value, baseline, progress, expected, GoalStatus.MISSED)
    on_track = progress is not None and progress >= expected
    return GoalProgress(
        goal, value, baseline, progress, expected, GoalStatus.ON_TRACK if on_track else GoalStatus.BEHIND
    )


def plan_progress(conn: Conn, goals: list[Goal], day: date) -> list[GoalProgress]:
    return [goal_progress(conn, goal, day) for goal in goals]
