"""The CSV interchange format of the contract: which files, which columns, how each cell parses.

This is the allow-list: a file name or header that is not here is rejected, and SQL is only ever
built from the names written in this module, never from text read out of a file.
"""

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

# ASCII only: Python's int() and float() also take other scripts' digits ("٣"), "1_000" and
# "nan", which the format does not allow (the book must hold what the file plainly says).
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
MAX_INT = 2**63 - 1
# Cells a spreadsheet would run as a formula; exports prefix them with "'" (see export.py).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell that does not parse; the message says why, in the user's terms."""


# A big file names few distinct days (a usage file has a row per account and day): each is checked once.
@lru_cache(maxsize=8192)
def parse_date(text: str) -> str:
    if not _DATE.fullmatch(text):
        raise CellError(f"'{text}' is not a date (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise CellError(f"'{text}' is not a real calendar date") from None


def _python_reads(convert: Callable[[str], object], text: str) -> bool:
    """Whether Python would have taken `text` (so the message says why the format does not)."""
    try:
        convert(text)
    except ValueError:
        return False
    return True


def parse_int(text: str, low: int = -MAX_INT, high: int = MAX_INT) -> int:
    if not _INT.fullmatch(text):
        hint = " (ASCII digits 0-9 only, like 1000)" if _python_reads(int, text) else ""
        raise CellError(f"'{text}' is not a whole number{hint}")
    value = int(text)
    if not low <= value <= high:
        raise CellError(f"{value} is outside {low}..{high}")
    return value


def parse_amount(text: str) -> float:
    if not _DECIMAL.fullmatch(text):
        hint = " (ASCII digits 0-9 and '.' only, like 1000.50)" if _python_reads(float, text) else ""
        raise CellError(f"'{text}' is not a number{hint}")
    value = float(text)
    if not math.isfinite(value) or value < 0 or value > 1e15:
        raise CellError(f"'{text}' is not an amount between 0 and 1e15")
    return value


def parse_signed(text: str) -> float:
    """A number that may be negative (a goal's NPS target)."""
    if not _DECIMAL.fullmatch(text):
        raise CellError(f"'{text}' is not a number")
    value = float(text)
    if not math.isfinite(value) or abs(value) > 1e15:
        raise CellError(f"'{text}' is not a number between -1e15 and 1e15")
    return value


def parse_score(text: str) -> float:
    value = parse_amount(text)
    if value > 100:
        raise CellError(f"{value:g} is outside 0..100")
    return value


def parse_bool(text: str) -> int:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "y"):
        return 1
    if lowered in ("0", "false", "no", "n"):
        return 0
    raise CellError(f"'{text}' is not yes/no (use 1 or 0)")


def parse_fingerprint(text: str) -> str:
    """What a check-in review saw: a JSON object "<rule>:<object>" -> severity (a whole number),
    stored as the check-in writes it (keys sorted), so an imported review holds like one made here."""
    try:
        value = json.loads(text)
    except ValueError:
        raise CellError(f"'{text[:40]}' is not a check-in fingerprint (a JSON object)") from None
    if not isinstance(value, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
        raise CellError(f"'{text[:40]}' is not a check-in fingerprint (reason -> whole-number severity)")
    return json.dumps(value, sort_keys=True)


def formula_risk(text: str) -> bool:
    """Whether a spreadsheet could run `text` (after any guard apostrophes) as a formula: it starts
    with a formula character, also after leading spaces (` =1`), which spreadsheets skip."""
    return text.lstrip("'").lstrip(" ").startswith(FORMULA_STARTS)


def parse_key(text: str) -> str:
    """An account key: spaces around it are not part of it (" D1" is the account D1, not a second one)."""
    return parse_text(text).strip()


def parse_text(text: str) -> str:
    """Undo the export's formula guard: exactly one leading "'" before a risky character."""
    if text.startswith("'") and formula_risk(text):
        return text[1:]
    return text


class OneOf:
    """A cell that must be one of `choices`; the mapping layer reads the choices to suggest `--value`."""

    def __init__(self, *choices: str):
        self.choices = choices

    def __call__(self, text: str) -> str:
        if text not in self.choices:
            raise CellError(f"'{text}' is not one of {', '.join(self.choices)}")
        return text


one_of = OneOf


SURVEY_SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
# Who wrote a survey or interaction row: a file (or ingest) or the CSM in cstui.
SOURCES = ("import", "entered")


@dataclass(frozen=True)
class Column:
    """A column of a file; `default` is what an empty or absent optional cell means (the book's default)."""

    name: str
    parse: Callable[[str], object]
    required: bool = False
    default: object = None
    # A whole number: a mapped file's "2.0" (how spreadsheets and exports write integers) is read as 2.
    whole: bool = False


@dataclass(frozen=True)
class FileFormat:
    """One file of the format. `key` names the columns of the natural key a re-import updates on;
    when `counted`, the key is an optional id column (or none) and rows without an id are counted,
    not merged (a file holding a row m times ends with m copies in the book, however often it is
    imported)."""

    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    counted: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _req(name: str, parse: Callable[[str], object] = parse_text) -> Column:
    return Column(name, parse, required=True)


def _opt(name: str, parse: Callable[[str], object] = parse_text, default: object = None) -> Column:
    return Column(name, parse, default=default)


def _whole(
    name: str, low: int = -MAX_INT, high: int = MAX_INT, *, required: bool = False, default: object = None
) -> Column:
    return Column(name, lambda t: parse_int(t, low, high), required=required, default=default, whole=True)


# In dependency order: a file may refer to accounts and features loaded before it in the same run.
FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "accounts",
        (
            _req("key", parse_key),
            _req("name"),
            _req("start_date", parse_date),
            _opt("segment"),
            _opt("plan"),
            _whole("seats", 0),
            _opt("renewal_date", parse_date),
            _opt("churn_date", parse_date),
            _opt("churn_reason"),
            _opt("domain"),
        ),
        key=("key",),
    ),
    FileFormat("features", (_req("name"), _opt("is_key", parse_bool, 0)), key=("name",)),
    FileFormat(
        "contacts",
        (
            _req("account_key", parse_key),
            _req("name"),
            _opt("email"),
            _opt("role"),
            _opt("phone"),
            _opt("is_champion", parse_bool, 0),
            _opt("left_on", parse_date),
            _opt("ref"),
        ),
        key=("account_key", "name", "email"),
    ),
    FileFormat(
        "mrr_history",
        (
            _req("account_key", parse_key),
            _req("effective_date", parse_date),
            _req("mrr", parse_amount),
        ),
        key=("account_key", "effective_date"),
    ),
    FileFormat(
        "invoices",
        (
            _req("account_key", parse_key),
            _req("invoice_no"),
            _req("issued_date", parse_date),
            _req("due_date", parse_date),
            _req("amount", parse_amount),
            _opt("paid_date", parse_date),
        ),
        key=("invoice_no",),
    ),
    FileFormat(
        "usage_daily",
        (
            _req("account_key", parse_key),
            _req("day", parse_date),
            _whole("active_users", 0, required=True),
            _req("minutes", parse_amount),
            _whole("sessions", 0),
        ),
        key=("account_key", "day"),
    ),
    FileFormat(
        "feature_usage",
        (
            _req("account_key", parse_key),
            _req("day", parse_date),
            _req("feature"),
            _whole("events", 0, default=1),
        ),
        key=("account_key", "day", "feature"),
    ),
    FileFormat(
        "tickets",
        (
            _req("account_key", parse_key),
            _req("opened_on", parse_date),
            _req("channel", one_of("self_service", "assisted")),
            _opt("severity", one_of("low", "normal", "high", "urgent"), "normal"),
            _opt("closed_on", parse_date),
            _opt("subject"),
            _opt("ticket_id"),
        ),
        key=("ticket_id",),
        counted=True,
    ),
    FileFormat(
        "interactions",
        (
            _req("account_key", parse_key),
            _req("occurred_on", parse_date),
            _req("kind", one_of("call", "meeting", "email", "note")),
            _req("summary"),
            _opt("contact_email"),
            _opt("notes"),
            _whole("sentiment", -2, 2),
            _opt("follow_up_on", parse_date),
            _opt("interaction_id"),
            _opt("source", one_of(*SOURCES), "import"),
            _opt("ref"),
            _opt("contact_ref"),
            _opt("ingest_key"),
            _opt("participants"),
            _whole("duration_minutes", 0),
            _opt("reviewed", parse_bool, 1),
        ),
        key=("interaction_id",),
        counted=True,
    ),
    FileFormat(
        "surveys",
        (
            _req("account_key", parse_key),
            _req("kind", one_of(*SURVEY_SCALES)),
            _whole("score", required=True),
            _req("responded_on", parse_date),
            _opt("contact_email"),
            _opt("comment"),
            _opt("response_id"),
            _opt("source", one_of(*SOURCES), "import"),
            _opt("note_ref"),
        ),
        key=("response_id",),
        counted=True,
    ),
    # The files below are the CSM's own records, written by `cstui export` so that importing an
    # export gives the book back; they are not part of the contract's interchange set. A `ref` is
    # the row's number in its exported file; `*_ref` columns name such a row of another file of
    # the same folder (a task's note and playbook run), so links survive though ids do not.
    FileFormat("playbooks", (_req("name"), _req("anchor"), _opt("description", default="")), key=("name",)),
    FileFormat(
        "playbook_steps",
        (_req("playbook"), _whole("offset_days", required=True), _req("title")),
        key=(),
        counted=True,
    ),
    FileFormat(
        "playbook_runs",
        (
            _req("ref"),
            _req("account_key", parse_key),
            _opt("playbook"),
            _req("playbook_name"),
            _req("started_on", parse_date),
            _req("anchor_date", parse_date),
            _opt("rule"),
        ),
        key=(),
        counted=True,
    ),
    FileFormat(
        "tasks",
        (
            _req("account_key", parse_key),
            _req("title"),
            _req("due_on", parse_date),
            _req("created_on", parse_date),
            _opt("done_on", parse_date),
            _opt("note_ref"),
            _opt("run_ref"),
        ),
        key=(),
        counted=True,
    ),
    # Success plans and their goals (issue 29, cstui/storage/plans.py).
    FileFormat(
        "success_plans",
        (
            _req("account_key", parse_key),
            _req("objective"),
            _opt("agreed_on", parse_date),
            _opt("owner"),
            _opt("done_on", parse_date),
        ),
        key=("account_key",),
    ),
    FileFormat(
        "plan_goals",
        (
            _req("account_key", parse_key),
            _req("title"),
            _opt("figure"),
            _opt("subject"),
            _opt("target", parse_signed),
            _req("start_on", parse_date),
            _req("due_on", parse_date),
            _opt("done_on", parse_date),
        ),
        key=(),
        counted=True,
    ),
    FileFormat(
        "renewal_calls",
        (
            _req("account_key", parse_key),
            _req("renewal_date", parse_date),
            _req("call", one_of("commit", "probable", "at_risk", "lost")),
            _opt("expected_arr", parse_amount),
            _opt("reason"),
            _req("called_on", parse_date),
        ),
        key=("account_key", "renewal_date"),
    ),
    FileFormat("import_profiles", (_req("name"), _req("body"), _req("saved_on", parse_date)), key=("name",)),
    # Lifecycle stages (issue 29, cstui/storage/stages.py): the CSM's list, and each account's moves.
    FileFormat(
        "lifecycle_stages",
        (_req("name"), _req("position", parse_int), _opt("expected_days", lambda t: parse_int(t, 1))),
        key=("name",),
    ),
    FileFormat(
        "account_stages",
        (_req("account_key", parse_key), _req("stage"), _req("entered_on", parse_date), _opt("set_by", default="hand")),
        key=("account_key", "entered_on"),
    ),
    FileFormat("health_config", (_req("name"), _req("value", parse_amount)), key=("name",)),
    FileFormat(
        "checkin_rules",
        (_req("name"), _opt("enabled", parse_bool, 1), _opt("threshold", parse_amount), _req("description")),
        key=("name",),
    ),
    FileFormat(
        "checkin_state",
        (
            _req("account_key", parse_key),
            _req("day", parse_date),
            _req("action", one_of("reviewed", "snoozed")),
            _opt("snoozed_until", parse_date),
            _opt("fingerprint", parse_fingerprint),
        ),
        key=("account_key", "day"),
    ),
    FileFormat(
        "health_snapshots",
        (
            _req("account_key", parse_key),
            _req("as_of", parse_date),
            _opt("score", parse_score),
            _req("band", one_of("green", "yellow", "red", "no data")),
            _req("components"),
        ),
        key=("account_key", "as_of"),
    ),
)
FORMAT_BY_TABLE = {f.table: f for f in FORMATS}
# The CSM's own records (and settings), which only `cstui export` writes: not offered for mapping.
BOOK_RECORDS = frozenset(
    {"playbooks", "playbook_steps", "playbook_runs", "tasks", "renewal_calls", "import_profiles"}
    | {"health_config", "checkin_rules", "checkin_state"}
)
