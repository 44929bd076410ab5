"""The dashboard's figures kept in the book: the portfolio report as JSON and back, typed.

`store_scored` keeps what opening the app computed (the report, today's health snapshot and the
book version both came from); `current_report` gives the report back only while the book is still
at that version, so an unchanged book is shown at once and nothing is recomputed.
"""

import json
import threading
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown
from cstui.metrics.mood import MonthMood
from cstui.metrics.report import PerBand, PortfolioReport, RenewalFigures, SurveyFigures, Windows
from cstui.storage import access, derived, snapshots
from cstui.storage.connection import write_transaction

PORTFOLIO = "portfolio"  # derived_figures.name of the dashboard's report
KEPT_MONTHS = 24  # the trends' longest range: the months computed ahead of a visit
# One computation of month figures at a time in a process: the trends screen opened while the
# months are computed in the background waits for them (then reads them stored), instead of
# computing the same months beside them on the second core.
MONTHS_LOCK = threading.Lock()


def report_json(report: PortfolioReport) -> str:
    return json.dumps(report.to_dict())


def report_from_json(text: str) -> PortfolioReport:
    """The report `report_json` wrote, with every nested figure typed again (the survey figures sit
    flattened among the report's own keys, as in the contract's JSON)."""
    values: dict[str, Any] = json.loads(text)
    survey_keys = [f.name for f in fields(SurveyFigures)]
    nested: dict[str, Any] = {
        "windows": Windows(**values["windows"]),
        "surveys": SurveyFigures(**{k: values[k] for k in survey_keys}),
        "health": PerBand(**values["health"]),
        "health_arr": PerBand(**values["health_arr"]),
        "renewals": {k: RenewalFigures(**v) for k, v in values["renewals"].items()},
        "sentiment_by_month": [MonthMood(**m) for m in values["sentiment_by_month"]],
    }
    typed: dict[str, Any] = {f.name: nested.get(f.name, values.get(f.name)) for f in fields(PortfolioReport)}
    return PortfolioReport(**typed)


def current_report(conn: Conn, as_of: date, version: derived.BookVersion) -> PortfolioReport | None:
    """The stored report as of `as_of` if it was computed at `version`, else None (compute it)."""
    stored = derived.load_figures(conn, PORTFOLIO, as_of)
    if stored is None or stored.version != version:
        return None
    try:
        return report_from_json(stored.body)
    except (ValueError, TypeError, KeyError):  # a damaged or older row: compute again
        return None


def store_scored(
    db: Database, as_of: date, version: derived.BookVersion, report: PortfolioReport, health: dict[int, Breakdown]
) -> bool:
    """Keep freshly computed figures: the report and the day's health snapshot (rewritten whole,
    so it reflects the latest state; older days stay as taken), both marked with `version`. In one
    write transaction, and only if the book is still at `version` (else they are already stale)."""
    with write_transaction(db):
        if derived.book_version(db.conn) != version:
            return False
        rows = (snapshots.SnapshotRow(b.account_id, b.as_of, b.score, b.band, b.to_json()) for b in health.values())
        snapshots.replace_day(db, as_of, rows)
        derived.save_snapshot_version(db, as_of, version)
        derived.save_figures(db, PORTFOLIO, as_of, version, report_json(report))
    return True


def store_months(db: Database, version: derived.BookVersion, months: list[tuple[str, date, str]]) -> bool:
    """Keep months' figures computed at `version`: (YYYY-MM, end of its period, JSON body) each; only
    if the book is still at that version."""
    with write_transaction(db):
        if derived.book_version(db.conn) != version:
            return False
        derived.save_months(db, [(month, end, version, body) for month, end, body in months])
    return True


class Stopped(Exception):
    """`keep_months` was asked to stop (the app is quitting): nothing is stored."""


def keep_months(conn: Conn, as_of: date, stop: Callable[[], bool]) -> int:
    """Compute the trends' missing months of the last KEPT_MONTHS and store them, so a later visit
    of the trends reads them: run once the dashboard's figures are on screen, from a worker with
    its own connection. The months are scored inside SQLite (`metrics/month_ends.py`), which
    releases the GIL, so the UI stays responsive meanwhile. Returns how many months were stored:
    none when the book is busy (an import in another process, say: nothing is said, the CSM did not
    ask for them). `stop()` is asked between months (a quitting app does not wait for all of them)."""
    from cstui.readmodels import views  # views reads this module's stored report

    def between_months(_: object) -> None:
        if stop():
            raise Stopped

    with MONTHS_LOCK:
        try:
            trends = views.trends(conn, as_of, KEPT_MONTHS, between_months)
        except Stopped:
            return 0
        if not trends.computed:
            return 0
        months = [(p.month, end, views.month_json(p)) for p, end in trends.computed]
        try:
            return len(months) if store_months(Database(conn), trends.version, months) else 0
        except access.OperationalError as error:  # another process holds the book: the trends compute them
            if not access.is_busy(error):
                raise
            return 0
