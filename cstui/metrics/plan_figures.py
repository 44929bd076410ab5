"""The figures a success-plan goal can be measured by: one registered definition each.

A measured goal names one of these (`plan_goals.figure`) and a target; the engine reads the figure
for the account on a day and compares (`cstui.metrics.plans`). Every figure is "the higher the
better" and reuses the engine's own definitions (usage windows, the survey formulas, the open-ticket
predicate). Adding one is one function with `@figure(...)`; `cstui plan figures` lists them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cstui.errors import UserError
from cstui.metrics.base import Conn, Scope, pct, trailing
from cstui.metrics.surveys import survey_stats
from cstui.metrics.usage import usage_by_account, usage_window
from cstui.storage import predicates

# A figure of one account on a day; `subject` is what a figure about one thing is about (a feature).
Measure = Callable[[Conn, int, date, str | None], float | None]
SURVEY_DAYS = 90  # as the report's survey window


@dataclass(frozen=True)
class PlanFigure:
    key: str
    label: str
    unit: str  # how a value reads: "users", "%", "points", "days"
    description: str
    measure: Measure
    subject: str | None = None  # what the subject names ("feature"), None when the figure takes none


FIGURES: dict[str, PlanFigure] = {}


def figure(
    key: str, label: str, unit: str, description: str, subject: str | None = None
) -> Callable[[Measure], Measure]:
    def register(measure: Measure) -> Measure:
        FIGURES[key] = PlanFigure(key, label, unit, description, measure, subject)
        return measure

    return register


def check_figure(key: str, subject: str | None) -> PlanFigure:
    """The registered figure named `key` (a user's typing: one clear line when it is not one)."""
    found = FIGURES.get(key.strip().lower().replace("-", "_").replace(" ", "_"))
    if found is None:
        raise UserError(f"--figure: '{key}' is not a figure goals can be measured by ({', '.join(sorted(FIGURES))})")
    if found.subject and not (subject or "").strip():
        raise UserError(f"--figure {found.key}: needs --subject naming the {found.subject}")
    if not found.subject and (subject or "").strip():
        raise UserError(f"--figure {found.key}: takes no --subject")
    return found


@figure(
    "weekly_active_users",
    "weekly active users",
    "users",
    "daily active users averaged over the 7 days to the day (days without usage data left out)",
)
def _weekly_active_users(conn: Conn, account: int, day: date, subject: str | None) -> float | None:
    window = trailing(day, 7)
    row = conn.execute(
        "SELECT avg(active_users) FROM usage_daily WHERE account_id = ? AND day >= ? AND day < ?",
        [account, window.s, window.e],
    ).fetchone()
    return None if row[0] is None else float(row[0])


@figure("key_feature_adoption", "key feature adoption", "%", "key features used in the 30 days to the day, % of all")
def _key_feature_adoption(conn: Conn, account: int, day: date, subject: str | None) -> float | None:
    usage = usage_by_account(conn, usage_window(day), Scope(account_id=account)).get(account)
    return usage.adoption if usage else None


@figure(
    "feature_adoption",
    "adoption of a feature",
    "%",
    "days the feature was used in the 30 days to the day, % of the 30",
    subject="feature",
)
def _feature_adoption(conn: Conn, account: int, day: date, subject: str | None) -> float | None:
    window = usage_window(day)
    row = conn.execute(
        "SELECT count(DISTINCT fu.day) FROM feature_usage fu JOIN features f ON f.id = fu.feature_id"
        " WHERE fu.account_id = ? AND f.name = ? COLLATE NOCASE AND fu.day >= ? AND fu.day < ? AND fu.events > 0",
        [account, subject or "", window.s, window.e],
    ).fetchone()
    return pct(row[0], window.days)


@figure("nps", "NPS", "points", "NPS of the account's responses in the 90 days to the day")
def _nps(conn: Conn, account: int, day: date, subject: str | None) -> float | None:
    return survey_stats(conn, trailing(day, SURVEY_DAYS), Scope(account_id=account)).nps


@figure("csat", "CSAT", "%", "CSAT (% of 4-5 answers) of the account's responses in the 90 days to the day")
def _csat(conn: Conn, account: int, day: date, subject: str | None) -> float | None:
    return survey_stats(conn, trailing(day, SURVEY_DAYS), Scope(account_id=account)).csat


@figure(
    "days_without_urgent_ticket",
    "days without an urgent ticket",
    "days",
    "days since an urgent ticket was last open (0 while one is; since the account's start if none ever was)",
)
def _days_without_urgent(conn: Conn, account: int, day: date, subject: str | None) -> float | None:
    at = day.isoformat()
    row = conn.execute(
        f"""
        SELECT (SELECT count(*) FROM tickets
                WHERE account_id = :a AND severity = 'urgent' AND {predicates.open_ticket("d")}),
            (SELECT max(closed_on) FROM tickets WHERE account_id = :a AND severity = 'urgent' AND closed_on <= :d),
            (SELECT start_date FROM accounts WHERE id = :a)""",
        {"a": account, "d": at},
    ).fetchone()
    open_now, last_closed, start = row
    if open_now:
        return 0.0
    since = last_closed or start
    if since is None or since > at:
        return None
    return float((day - date.fromisoformat(since)).days)


def value_on(conn: Conn, key: str, account: int, day: date, subject: str | None) -> float | None:
    return FIGURES[key].measure(conn, account, day, subject)
