"""The book's business rules as SQL predicates, each written once.

The health score, the check-in queue, the timeline and the read models all ask the same
questions: is this account on the books at a date, is this invoice overdue, is this ticket open,
is this follow-up still open. Each answer is one function here, returning a SQL condition over a
*named bound parameter* that holds the date; the caller binds the date under that name. Only
identifiers chosen in code (a table alias, a parameter name) and the contract's fixed cut-offs
(integers defined here) enter the text, never a value from data, so the conditions compose into
larger queries without splicing or `.replace`.
"""

import re

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def identifier(text: str) -> str:
    """Refuse anything but a plain SQL identifier: these functions take names chosen in code, not data."""
    if not _IDENTIFIER.fullmatch(text):
        raise ValueError(f"not an SQL identifier: {text!r}")
    return text


def _column(alias: str, column: str) -> str:
    return f"{identifier(alias)}.{column}" if alias else column


def on_books(at: str = "d", alias: str = "a") -> str:
    """An account (table `accounts` as `alias`) is on the books at the start of day `:at`.

    The contract: `start_date < d` and (no churn date or `churn_date >= d`); an account starting on
    day x is on the books from x + 1, one churning on day y is still on the books at y.
    """
    start, churn, day = _column(alias, "start_date"), _column(alias, "churn_date"), identifier(at)
    return f"({start} < :{day} AND ({churn} IS NULL OR {churn} >= :{day}))"


def overdue_invoice(at: str = "d", alias: str = "") -> str:
    """An invoice is overdue at the end of day `:at`: due before that day and not paid by it."""
    due, paid, day = _column(alias, "due_date"), _column(alias, "paid_date"), identifier(at)
    return f"({due} < :{day} AND ({paid} IS NULL OR {paid} > :{day}))"


def open_ticket(at: str = "d", alias: str = "") -> str:
    """A ticket is open at the end of day `:at`: opened by then and not closed by then."""
    opened, closed, day = _column(alias, "opened_on"), _column(alias, "closed_on"), identifier(at)
    return f"({opened} <= :{day} AND ({closed} IS NULL OR {closed} > :{day}))"


def contact_by(at: str = "d", alias: str = "") -> str:
    """An interaction counts as contact up to the end of day `:at` (last contact = the latest such)."""
    return f"({_column(alias, 'occurred_on')} <= :{identifier(at)})"


def calendar_meeting(alias: str = "") -> str:
    """An interaction taken from a calendar export by `cstui ingest`: it may be dated ahead, a meeting
    booked and not yet held, which counts as contact only from its day on (`contact_by`)."""
    return f"(ifnull({_column(alias, 'ingest_key')}, '') LIKE 'ics:%')"  # never NULL: safe under NOT


def open_follow_up(alias: str = "") -> str:
    """A follow-up task not yet done."""
    return f"({_column(alias, 'done_on')} IS NULL)"


# The survey cut-offs of the metric contract (docs/metrics.md): NPS promoters 9-10, passives 7-8,
# detractors 0-6; a satisfied CSAT response is 4-5 and an unhappy one 1-2; a low-effort CES 1-3.
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6
CSAT_SATISFIED_MIN = 4
CSAT_UNHAPPY_MAX = 2
CES_LOW_EFFORT_MAX = 3


def _survey(alias: str, kind: str, condition: str) -> str:
    return f"({_column(alias, 'kind')} = '{kind}' AND {_column(alias, 'score')} {condition})"


def nps_promoter(alias: str = "") -> str:
    """A survey response (table `surveys` as `alias`) is an NPS promoter."""
    return _survey(alias, "nps", f">= {int(NPS_PROMOTER_MIN)}")


def nps_passive(alias: str = "") -> str:
    """A survey response is an NPS passive: neither promoter nor detractor."""
    return _survey(alias, "nps", f"BETWEEN {int(NPS_DETRACTOR_MAX) + 1} AND {int(NPS_PROMOTER_MIN) - 1}")


def nps_detractor(alias: str = "") -> str:
    """A survey response is an NPS detractor."""
    return _survey(alias, "nps", f"<= {int(NPS_DETRACTOR_MAX)}")


def csat_satisfied(alias: str = "") -> str:
    """A CSAT response that counts as satisfied (the CSAT % counts these)."""
    return _survey(alias, "csat", f">= {int(CSAT_SATISFIED_MIN)}")


def unhappy_response(alias: str = "") -> str:
    """A response to call back about: an NPS detractor or an unhappy CSAT."""
    return f"({nps_detractor(alias)} OR {_survey(alias, 'csat', f'<= {int(CSAT_UNHAPPY_MAX)}')})"


def ces_low_effort(alias: str = "") -> str:
    """A CES response that rates the effort low (1 = very low effort)."""
    return _survey(alias, "ces", f"<= {int(CES_LOW_EFFORT_MAX)}")


# The most pressing open follow-up first: the earliest due, then the oldest.
FOLLOW_UP_ORDER = "due_on, id"
