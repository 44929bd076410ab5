"""The check-in of a day from its findings kept per book version, so that reopening it after a review,
a snooze, a task or a playbook run applies only those (issue 15).

`checkin` gives the day's queue and the findings it came from (`Kept`): the caller's own (a screen
remembers the last ones), else the book's while they are at the present version
(cstui/storage/checkin_findings.py), else computed by the rules; `store_findings` keeps computed
ones in the book. Whichever it is, the queue equals `metrics.checkin.checkin_queue` computed now
(tests/test_checkin_stored.py).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn
from cstui.metrics.checkin import CheckinItem, CheckinQueue, DayFindings, Entry, Found, day_findings, queue_from
from cstui.metrics.checkin_rules import Finding, ScoresOn
from cstui.storage import checkin_findings, derived
from cstui.storage.checkin_findings import Row


@dataclass(frozen=True)
class Kept:
    """A day's findings and the version of the book they came from."""

    version: str  # `checkin_findings.findings_version` when they were computed
    findings: DayFindings
    fresh: bool  # computed now (not read from the book)


def current_findings(
    conn: Conn,
    day: date,
    scores_on: ScoresOn,
    kept: Kept | None = None,
    between: Callable[[], None] | None = None,
) -> Kept:
    """The day's findings at the book's present version: `kept` if it is at it, else the book's, else
    computed (in one read transaction, joining the caller's)."""
    with derived.reading(conn):
        version = checkin_findings.findings_version(conn)
        if kept is not None and kept.version == version and kept.findings.day == day:
            return kept
        rows = checkin_findings.load(conn, day.isoformat(), version)
        if rows is not None:
            return Kept(version, from_rows(day, rows), fresh=False)
        return Kept(version, day_findings(conn, day, scores_on, between), fresh=True)


def checkin(conn: Conn, day: date, scores_on: ScoresOn, kept: Kept | None = None) -> tuple[CheckinQueue, Kept]:
    """The day's queue and the findings it came from, both read in one read transaction."""
    with derived.reading(conn):
        kept = current_findings(conn, day, scores_on, kept)
        return queue_from(conn, kept.findings), kept


def to_rows(findings: DayFindings) -> list[Row]:
    """The findings as `checkin_findings` rows (the day left out)."""
    rank = {a: n for n, a in enumerate(findings.ranked)}
    rows = []
    for a, e in findings.entries.items():
        found = findings.found_of(a)
        text = json.dumps([[rule, f.text, f.object, f.severity] for rule, f in found]) if found else "[]"
        order = rank.get(a, -1)
        rows.append(Row(a, e.key, e.name, e.renewal, e.score, str(e.band), e.arr, e.base, e.weight, order, text))
    return rows


def from_rows(day: date, rows: list[Row]) -> DayFindings:
    """The findings `to_rows` wrote; each account's reasons are decoded when its item is built."""
    entries = {r.account_id: Entry(*r[:5], Band(r.band), r.arr, r.base, r.weight) for r in rows}
    ranked = [r.account_id for r in sorted((r for r in rows if r.weight), key=lambda r: r.rank)]
    texts = {r.account_id: r.found for r in rows if r.weight}

    def found_of(account: int) -> list[Found]:
        text = texts.get(account)
        if text is None:
            return []
        return [(rule, Finding(account, said, about, severity)) for rule, said, about, severity in json.loads(text)]

    return DayFindings(day, entries, ranked, found_of)


def store_findings(db: Database, kept: Kept, rows: list[Row]) -> bool:
    """Keep computed findings (`rows`: `to_rows` of them) in the book, if it is still at their version."""
    return checkin_findings.save(db, kept.findings.day.isoformat(), kept.version, rows)


def queued_item(
    conn: Conn, day: date, scores_on: ScoresOn, account_id: int, kept: Kept | None = None
) -> CheckinItem | None:
    """The account's item in the day's queue - shown, waiting beyond the capacity, or handled
    today - with the reasons a review of it fingerprints; None when it is not in the queue
    (no reason, or still away after a review or a snooze)."""
    queue, _ = checkin(conn, day, scores_on, kept)
    listed = [*queue.items, *queue.done]
    found = next((item for item in listed if item.account_id == account_id), None)
    if found is None and queue.waiting_count:
        found = next((item for item in queue.waiting if item.account_id == account_id), None)
    return found


def worked_fingerprint(
    conn: Conn, day: date, scores_on: ScoresOn, account_id: int, kept: Kept | None = None
) -> str | None:
    """The fingerprint a call or survey logged today stores for a queued account (it marks the
    account worked, as `f` on the check-in does); None when the account is not in today's queue."""
    item = queued_item(conn, day, scores_on, account_id, kept)
    return item.fingerprint if item is not None else None


def imported_fingerprints(db: Database, scores_on: ScoresOn) -> int:
    """Give each imported review or snooze without a fingerprint the one a review made that day
    would have stored (every reason the account had then), so it holds like one made here instead
    of the account coming back with every reason "new" (issue 25); return how many."""
    from cstui.metrics.checkin import account_reasons, fingerprint
    from cstui.storage import checkin_writes

    wanted = checkin_writes.unprinted(db)
    printed = {}
    for day in sorted({on for _, on in wanted}):
        reasons = account_reasons(db.conn, date.fromisoformat(day), scores_on)
        for account, on in wanted:
            if on == day:
                printed[account, on] = fingerprint(reasons.get(account, []))
    return checkin_writes.store_fingerprints(db, printed)
