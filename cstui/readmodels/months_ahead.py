"""The trends' months to compute ahead of a visit (issue 15): once the dashboard's figures are on
screen, the app computes the missing month-ends of the trends' longest range in a worker, and the UI
thread stores them (`cstui.derived.stored_figures.store_months`), so the trends later read them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import Conn
from cstui.readmodels import views
from cstui.storage.derived import BookVersion

KEPT_MONTHS = 24  # the trends' longest range: the months computed ahead of a visit


@dataclass(frozen=True)
class MonthsAhead:
    """Months computed at `version`, as `store_months` takes them: (YYYY-MM, end of period, JSON body)."""

    version: BookVersion
    months: list[tuple[str, date, str]]


class Stopped(Exception):
    """`months_ahead` was asked to stop (the app is quitting): nothing is returned."""


def months_ahead(conn: Conn, as_of: date, stop: Callable[[], bool]) -> MonthsAhead | None:
    """The missing months of the last KEPT_MONTHS, computed (inside SQLite, `metrics/month_ends.py`,
    which releases the GIL, so the UI stays responsive meanwhile); None when none is missing or when
    `stop()`, asked between months, says so (a quitting app does not wait for all of them)."""

    def between_months(_: object) -> None:
        if stop():
            raise Stopped

    try:
        trends = views.trends(conn, as_of, KEPT_MONTHS, between_months)
    except Stopped:
        return None
    if not trends.computed:
        return None
    return MonthsAhead(trends.version, [(p.month, end, views.month_json(p)) for p, end in trends.computed])
