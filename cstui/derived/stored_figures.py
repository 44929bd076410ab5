"""The dashboard's figures kept in the book: the portfolio report as JSON and back, typed.

`store_scored` keeps what opening the app computed (the report, today's health snapshot and the
book version both came from); `current_report` gives the report back only while the book is still
at that version, so an unchanged book is shown at once and nothing is recomputed.
"""

import json
from dataclasses import fields
from datetime import date
from typing import Any

from sqlite_utils import Database

from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown
from cstui.metrics.mood import MonthMood
from cstui.metrics.report import PerBand, PortfolioReport, RenewalFigures, SurveyFigures, Windows
from cstui.storage import derived, snapshots
from cstui.storage.bookfile.connection import write_transaction

PORTFOLIO = "portfolio"  # derived_figures.name of the dashboard's report


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
