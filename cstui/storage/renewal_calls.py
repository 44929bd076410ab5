"""The CSM's call on each upcoming renewal: commit, probable, at risk or lost, expected ARR, a reason.

One call per (account, renewal date); setting it again replaces it (the history keeps the old one,
and undo brings it back). The call is tied to the renewal date it was made for, so when the account
renews and gets its next date, last year's call stays to be scored (`cstui renewal accuracy`).
"""

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records.accounts import get_account


class Call(StrEnum):
    COMMIT = "commit"
    PROBABLE = "probable"
    AT_RISK = "at_risk"
    LOST = "lost"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def expects_renewal(self) -> bool:
        """What the call predicts: commit and probable say it renews, at risk and lost that it does not."""
        return self in (Call.COMMIT, Call.PROBABLE)


def parse_call(text: str) -> Call:
    """A call as typed: 'commit', 'probable', 'at risk' / 'at-risk' / 'at_risk', 'lost'."""
    cleaned = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return Call(cleaned)
    except ValueError:
        raise UserError(f"call: '{text}' is not one of commit, probable, at risk, lost") from None


# An amount as a CSM types it: 40000, 40,000, 40000.50, 40k, 1.2m (k = thousand, m = million).
_AMOUNT = re.compile(r"(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?P<part>\.[0-9]+)?\s*(?P<unit>[km])?", re.IGNORECASE)
_UNITS = {"": 1, "k": 1_000, "m": 1_000_000}
MAX_AMOUNT = 1e15


def parse_expected_arr(text: str) -> float:
    """The expected ARR as typed (`40000`, `40,000`, `40k`, `1.2m`); a UserError naming the field if it
    is not an amount between 0 and 1e15."""
    cleaned = text.strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or not (match["whole"] or match["part"]):
        raise UserError(f"expected ARR: '{cleaned}' is not an amount (like 40000, 40,000, 40k or 1.2m)")
    number = float((match["whole"] or "0").replace(",", "") + (match["part"] or ""))
    value = number * _UNITS[(match["unit"] or "").lower()]
    if value > MAX_AMOUNT:
        raise UserError(f"expected ARR: '{cleaned}' is more than 1e15")
    return round(value, 2)


@dataclass(frozen=True)
class RenewalCall:
    account_id: int
    account_key: str
    renewal_date: str
    call: Call
    expected_arr: float | None
    reason: str | None
    called_on: str


def set_call(
    db: Database,
    account_key: str,
    call: str,
    expected_arr: str | None = None,
    reason: str | None = None,
    *,
    today: date,
) -> RenewalCall:
    """Record the call on the account's next renewal (its renewal date, today or later)."""
    account = get_account(db, account_key)
    chosen = parse_call(call)
    if account.churn_date is not None and account.churn_date < today.isoformat():
        raise UserError(f"account {account.key}: churned on {account.churn_date}; there is no renewal to call")
    if account.renewal_date is None:
        raise UserError(
            f"account {account.key}: has no renewal date (`cstui account edit {account.key} --renewal-date`)"
        )
    if account.renewal_date < today.isoformat():
        raise UserError(f"account {account.key}: its renewal date {account.renewal_date} has passed; set the next one")
    arr = parse_expected_arr(expected_arr) if expected_arr is not None and expected_arr.strip() else None
    note = (reason or "").strip() or None
    with write_transaction(db, change=f"renewal call for {account.key} ({account.renewal_date}): {chosen.label}"):
        db.execute(
            "INSERT INTO renewal_calls (account_id, renewal_date, call, expected_arr, reason, called_on)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, renewal_date) DO UPDATE SET"
            " call = excluded.call, expected_arr = excluded.expected_arr, reason = excluded.reason,"
            " called_on = excluded.called_on",
            [account.id, account.renewal_date, chosen.value, arr, note, today.isoformat()],
        )
    return next(c for c in calls(db.conn) if c.account_id == account.id and c.renewal_date == account.renewal_date)


def calls(conn: sqlite3.Connection, before: date | None = None) -> list[RenewalCall]:
    """Every call, by renewal date (only renewals before `before` when given)."""
    rows = conn.execute(
        "SELECT c.account_id, a.key, c.renewal_date, c.call, c.expected_arr, c.reason, c.called_on"
        " FROM renewal_calls c JOIN accounts a ON a.id = c.account_id"
        " WHERE :before IS NULL OR c.renewal_date < :before ORDER BY c.renewal_date, a.key",
        {"before": before.isoformat() if before else None},
    )
    return [RenewalCall(a, key, day, Call(call), arr, reason, on) for a, key, day, call, arr, reason, on in rows]
