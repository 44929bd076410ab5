"""Where each account stands in its lifecycle: its stage, days in it, and whether it is stuck; and the
registered stage rules that move accounts on their own (issue 29).

Days in stage = day - entered_on. Stuck = the stage has an expected length and the account has been
in it longer (days in stage > expected days). A stage rule is one function decorated with
`@stage_rule(name, description)` that, given the book, a day and the current stages, returns the
moves it finds; `cstui stage apply` writes them (recorded, undoable) under the rule's name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import Conn
from cstui.storage.stages import AccountStage, churned_accounts, completed_playbook_runs, current_stages, stages


@dataclass(frozen=True)
class StageStanding:
    account_id: int
    stage: str
    entered_on: str
    days_in: int
    expected_days: int | None
    set_by: str

    @property
    def stuck(self) -> bool:
        return self.expected_days is not None and self.days_in > self.expected_days


def stage_standings(conn: Conn, day: date) -> dict[int, StageStanding]:
    expected = {s.name.lower(): s.expected_days for s in stages(conn)}
    return {
        a: StageStanding(
            a,
            s.stage,
            s.entered_on,
            (day - date.fromisoformat(s.entered_on)).days,
            expected.get(s.stage.lower()),
            s.set_by,
        )
        for a, s in current_stages(conn, day).items()
    }


@dataclass(frozen=True)
class StageCount:
    stage: str  # NO_STAGE for the accounts never staged
    accounts: int
    stuck: int


NO_STAGE = "no stage"


def counts_by_stage(conn: Conn, day: date, accounts: set[int]) -> list[StageCount]:
    """How many of `accounts` are in each of the book's stages (in order) and how many of those are
    stuck; then the accounts never staged (NO_STAGE)."""
    standings = {a: s for a, s in stage_standings(conn, day).items() if a in accounts}
    rows = []
    for stage in stages(conn):
        here = [s for s in standings.values() if s.stage.lower() == stage.name.lower()]
        rows.append(StageCount(stage.name, len(here), sum(s.stuck for s in here)))
    rows.append(StageCount(NO_STAGE, len(accounts - standings.keys()), 0))
    return rows


StageFinder = Callable[[Conn, date, dict[int, AccountStage]], list[AccountStage]]


@dataclass(frozen=True)
class StageRule:
    name: str
    description: str
    find: StageFinder


STAGE_RULES: dict[str, StageRule] = {}


def stage_rule(name: str, description: str) -> Callable[[StageFinder], StageFinder]:
    def register(find: StageFinder) -> StageFinder:
        STAGE_RULES[name] = StageRule(name, description, find)
        return find

    return register


def _known(conn: Conn, name: str) -> bool:
    return any(s.name.lower() == name for s in stages(conn))


@stage_rule("onboarding_done", "onboarding ends (-> adoption) when the onboarding playbook's tasks are all done")
def _onboarding_done(conn: Conn, day: date, now: dict[int, AccountStage]) -> list[AccountStage]:
    if not _known(conn, "adoption"):
        return []
    done = completed_playbook_runs(conn, "onboarding", day)
    return [
        AccountStage(a, "adoption", max(finished, s.entered_on), "onboarding_done")
        for a, s in now.items()
        if s.stage.lower() == "onboarding" and (finished := done.get(a)) is not None
    ]


@stage_rule("churned", "an account with a churn date is in stage churned from that day")
def _churned(conn: Conn, day: date, now: dict[int, AccountStage]) -> list[AccountStage]:
    if not _known(conn, "churned"):
        return []
    return [
        AccountStage(a, "churned", max(churn, now[a].entered_on) if a in now else churn, "churned")
        for a, churn in churned_accounts(conn, day).items()
        if a not in now or now[a].stage.lower() != "churned"
    ]


def stage_moves(conn: Conn, day: date) -> list[AccountStage]:
    """What the stage rules would move, each account at most once (the first rule that moves it)."""
    now = current_stages(conn, day)
    moves: dict[int, AccountStage] = {}
    for registered in STAGE_RULES.values():
        for move in registered.find(conn, day, now):
            moves.setdefault(move.account_id, move)
    return list(moves.values())
