"""The renewals view (`R`, `cstui renewal list`) and the forecast check (`cstui renewal accuracy`).

The view: every renewal in the next 12 months, by month, with ARR at stake, the CSM's call and
expected ARR beside the health band, and the disagreements worth a second look (a commit on a red
account, an at-risk or lost call on a green one). The accuracy: for every call on a renewal that
has passed, whether the account renewed - still on the books with MRR the day after the date
(`mrr_by_account`, which applies the shared on-the-books predicate) - against what the call said.
"""

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from cstui.metrics.bands import Band
from cstui.metrics.base import Conn, Scope
from cstui.metrics.dates import book_date
from cstui.metrics.health import health_for_accounts
from cstui.metrics.revenue import mrr_by_account, renewals_due
from cstui.storage import reads
from cstui.storage.renewal_calls import Call, calls

HORIZON_DAYS = 365


@dataclass(frozen=True)
class RenewalRow:
    account_id: int
    key: str
    name: str
    renewal_date: str
    arr: float  # ARR at stake: the account's ARR today
    band: Band
    score: float | None
    call: Call | None
    expected_arr: float | None
    reason: str | None

    @property
    def disagreement(self) -> str | None:
        """The call and the health band tell different stories."""
        if self.call is Call.COMMIT and self.band is Band.RED:
            return "commit but red"
        if self.call in (Call.AT_RISK, Call.LOST) and self.band is Band.GREEN:
            return f"{self.call.label} but green"
        return None


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    rows: list[RenewalRow]

    @property
    def arr(self) -> float:
        return sum(r.arr for r in self.rows)

    @property
    def expected_arr(self) -> float:
        """What the CSM expects to keep, over the renewals with a call and an expected ARR."""
        return sum(r.expected_arr or 0.0 for r in self.rows)

    @property
    def uncalled(self) -> int:
        return sum(1 for r in self.rows if r.call is None)

    @property
    def expected_text(self) -> str:
        """The month's expected ARR as read: "no calls yet" when no renewal of it has a call (its sum
        of 0 would read as a forecast of losing everything)."""
        return "no calls yet" if self.uncalled == len(self.rows) else f"{self.expected_arr:,.0f}"


@dataclass(frozen=True)
class Renewals:
    as_of: str
    months: list[Month]

    @property
    def rows(self) -> list[RenewalRow]:
        return [r for m in self.months for r in m.rows]

    def to_json(self) -> str:
        months = [
            {
                "month": m.month,
                "arr": m.arr,
                "expected_arr": m.expected_arr,
                "uncalled": m.uncalled,
                "renewals": [{**asdict(r), "disagreement": r.disagreement} for r in m.rows],
            }
            for m in self.months
        ]
        return json.dumps({"as_of": self.as_of, "months": months}, indent=2, ensure_ascii=False)


class Shown(StrEnum):
    """Which renewals the view lists (`g` on the renewals screen steps through them)."""

    ALL = "all"
    UNCALLED = "without a call"
    FLAGGED = "call and health disagree"


CALL_ORDER = {Call.COMMIT: 0, Call.PROBABLE: 1, Call.AT_RISK: 2, Call.LOST: 3}
# What the renewals view sorts by (within each month): label -> sort key; undefined values last.
SORTS: dict[str, Callable[[RenewalRow], Any]] = {
    "Renewal date": lambda r: r.renewal_date,
    "Account": lambda r: r.key.lower(),
    "Name": lambda r: r.name.lower(),
    "ARR": lambda r: r.arr,
    "Health": lambda r: (r.score is None, r.score or 0.0),
    "Call": lambda r: CALL_ORDER.get(r.call, 4) if r.call else 4,
    "Expected ARR": lambda r: (r.expected_arr is None, r.expected_arr or 0.0),
    "Flag": lambda r: (r.disagreement is None, r.disagreement or ""),
}


def arranged(data: Renewals, sort: str, reverse: bool, needle: str = "", shown: Shown = Shown.ALL) -> list[Month]:
    """The months with the renewals that `needle` (in key or name, any case) and `shown` keep, each
    month's sorted by SORTS[sort]; months left empty are dropped."""
    want = needle.strip().lower()
    key = SORTS[sort]
    months = []
    for month in data.months:
        rows = [
            r
            for r in month.rows
            if (not want or want in r.key.lower() or want in r.name.lower())
            and (shown is Shown.ALL or (r.call is None if shown is Shown.UNCALLED else r.disagreement is not None))
        ]
        if rows:
            months.append(Month(month.month, sorted(rows, key=key, reverse=reverse)))
    return months


def renewals(conn: Conn, as_of: date) -> Renewals:
    due = renewals_due(conn, as_of, HORIZON_DAYS)
    health = health_for_accounts(conn, as_of, accounts=[r.account_id for r in due])
    made = {(c.account_id, c.renewal_date): c for c in calls(conn)}
    names = reads.accounts(conn)
    months: dict[str, list[RenewalRow]] = {}
    for r in due:
        call = made.get((r.account_id, r.renewal_date))
        b = health[r.account_id]
        info = names[r.account_id]
        months.setdefault(r.renewal_date[:7], []).append(
            RenewalRow(
                r.account_id,
                info.key,
                info.name,
                r.renewal_date,
                r.arr,
                b.band,
                b.score,
                call.call if call else None,
                call.expected_arr if call else None,
                call.reason if call else None,
            )
        )
    return Renewals(as_of.isoformat(), [Month(m, rows) for m, rows in sorted(months.items())])


# --- accuracy -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredCall:
    key: str
    renewal_date: str
    call: Call
    expected_arr: float | None
    renewed: bool
    actual_arr: float  # 12 x MRR the day after the renewal date (0 when gone)

    @property
    def right(self) -> bool:
        return self.call.expects_renewal == self.renewed


@dataclass(frozen=True)
class Accuracy:
    as_of: str
    scored: list[ScoredCall]
    by_call: dict[str, tuple[int, int]] = field(default_factory=dict)  # call -> (renewed, calls)

    @property
    def right(self) -> int:
        return sum(1 for s in self.scored if s.right)

    @property
    def hit_rate(self) -> float | None:
        """Share of calls that said what happened, in %; undefined with no call scored."""
        return 100.0 * self.right / len(self.scored) if self.scored else None

    @property
    def expected_arr(self) -> float:
        return sum(s.expected_arr or 0.0 for s in self.scored if s.expected_arr is not None)

    @property
    def actual_arr(self) -> float:
        """Actual ARR of the renewals whose call gave an expected ARR (so the two compare)."""
        return sum(s.actual_arr for s in self.scored if s.expected_arr is not None)

    def to_json(self) -> str:
        return json.dumps(
            {
                "as_of": self.as_of,
                "calls": len(self.scored),
                "right": self.right,
                "hit_rate": self.hit_rate,
                "expected_arr": self.expected_arr,
                "actual_arr": self.actual_arr,
                "by_call": {c: {"renewed": n, "calls": total} for c, (n, total) in self.by_call.items()},
                "scored": [{**asdict(s), "right": s.right} for s in self.scored],
            },
            indent=2,
            ensure_ascii=False,
        )


def accuracy(conn: Conn, as_of: date) -> Accuracy:
    """Score every call on a renewal dated before `as_of`: did the account renew?"""
    scored = []
    for c in calls(conn, before=as_of):
        after = book_date(c.renewal_date, "accounts.renewal_date") + timedelta(days=1)
        mrr = mrr_by_account(conn, after, Scope(account_id=c.account_id)).get(c.account_id, 0.0)
        scored.append(ScoredCall(c.account_key, c.renewal_date, c.call, c.expected_arr, mrr > 0, 12 * mrr))
    by_call = {
        call.value: (sum(1 for s in scored if s.call is call and s.renewed), sum(1 for s in scored if s.call is call))
        for call in Call
        if any(s.call is call for s in scored)
    }
    return Accuracy(as_of.isoformat(), scored, by_call)
