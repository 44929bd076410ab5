"""An import profile: how one tool's export maps onto one of cstui's files.

A profile names the target table, which source header feeds which column, which source words mean
which of cstui's values, how dates and numbers are written, and a few derived values (amounts in
cents, a status column that says an invoice is paid, an account found by an email's domain). It is
built from the `cstui import` options or read from the book (`--profile NAME`) or from a JSON file
the CSM edits and shares (`cstui profile export/import`). Every profile is checked against the
format's allow-list when it is made, so a bad one is one clear line, never a failed import halfway.
"""

import json
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cstui.errors import UserError
from cstui.storage.imports.csv_format import FORMAT_BY_TABLE, FileFormat, OneOf, parse_amount, parse_score

PROFILE_FILE_VERSION = 1
# A mapped source ending in this matches the first header that starts with the rest (a survey
# question's column, whose full wording varies: "How likely is it that you would recommend*").
PREFIX = "*"
# A default naming a source column: `--default "due_date=@Date (UTC)"` (an invoice due when issued).
FROM_COLUMN = "@"
# The columns that hold money (converted into the book's currency with `--currency-column`).
MONEY_COLUMNS = ("amount", "mrr")
# `--default start_date=first-seen`: the stored start date of an account the book has, else the import's day.
FIRST_SEEN = "first-seen"


@dataclass(frozen=True)
class ColumnMap:
    """Source header `source` feeds the table's column `target`."""

    source: str
    target: str


@dataclass(frozen=True)
class Join:
    """`target` is the non-empty cells of `sources` joined by a space (a name from First + Last)."""

    target: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ValueMap:
    """In column `column`, the source word `source` means `target` (matched ignoring case and spaces)."""

    column: str
    source: str
    target: str


@dataclass(frozen=True)
class Constant:
    """Every row's `column` is `value` (a survey tool's file holds one kind: kind=nps)."""

    column: str
    value: str


@dataclass(frozen=True)
class PaidWhen:
    """`paid_date` is kept only on rows whose `column` says `equals` (an invoice export's Status=paid)."""

    column: str
    equals: str


@dataclass(frozen=True)
class RowTest:
    """A row whose source column `column` says one of `words` (ignoring case and spaces); with no
    words, a row whose `column` is empty. Used to leave rows out (`--skip-when`, `--skip-when-empty`)
    and to keep a value only on some rows (`--only-when`)."""

    column: str
    words: tuple[str, ...] = ()

    def matches(self, cell: str) -> bool:
        folded = " ".join(cell.split()).casefold()
        if not self.words:
            return not folded
        return any(folded == " ".join(w.split()).casefold() for w in self.words)


@dataclass(frozen=True)
class OnlyWhen:
    """`target` keeps its value only on rows where `test` holds (a close date only when solved)."""

    target: str
    test: RowTest


class AccountBy(StrEnum):
    """How a row's account is found from a source column, besides a plain `account_key`."""

    DOMAIN = "domain"  # the domain of an email address (`--account-from-email`)
    ALIAS = "id"  # the source system's own id of the account, kept in `account_aliases`
    NAME = "name"  # the account's name, compared without case or accents
    CONTACT = "contact"  # a contact's email address, as the book's contacts hold it


@dataclass(frozen=True)
class ImportProfile:
    """A typed mapping from a foreign CSV to the table `table`; empty fields mean "detect" or "as is"."""

    table: str
    columns: tuple[ColumnMap, ...] = ()
    values: tuple[ValueMap, ...] = ()
    constants: tuple[Constant, ...] = ()
    date_format: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    cents: tuple[str, ...] = ()
    paid_when: PaidWhen | None = None
    account_from_email: str | None = None
    # The tool the file comes from ("zendesk"): names the source of the external ids in `account_aliases`.
    source: str | None = None
    account_by: AccountBy | None = None
    account_column: str | None = None  # the source column `account_by` reads
    alias_column: str | None = None  # accounts only: this column's id is kept as an alias of the row's account
    skip: tuple[RowTest, ...] = ()  # rows left out, counted in the summary
    only_when: tuple[OnlyWhen, ...] = ()
    defaults: tuple[Constant, ...] = ()  # a value for an absent column or an empty cell ("first-seen")
    minus: str | None = None  # a source column subtracted from the amount (refunds, credits)
    tz: str | None = None  # timestamps are UTC; the date is taken in this zone
    joins: tuple[Join, ...] = ()
    currency_column: str | None = None  # each row's currency; amounts in another one are converted
    # Set for a profile the user gave (a lenient header: unmapped columns are ignored, not refused).
    mapped: bool = field(default=True, compare=False)

    @property
    def format(self) -> FileFormat:
        return FORMAT_BY_TABLE[self.table]

    def value_for(self, column: str, text: str) -> str:
        wanted = " ".join(text.split()).casefold()
        for mapping in self.values:
            if mapping.column == column and " ".join(mapping.source.split()).casefold() == wanted:
                return mapping.target
        return text

    def check(self) -> "ImportProfile":
        """This profile, or UserError naming the first field that does not fit the table."""
        fmt = FORMAT_BY_TABLE.get(self.table)
        if fmt is None:
            raise UserError(f"--table: unknown table '{self.table}' (one of {', '.join(FORMAT_BY_TABLE)})")
        targets = [m.target for m in self.columns]
        for target in targets:
            if target not in fmt.names:
                raise UserError(f"--map: '{target}' is not a column of {self.table} (one of {', '.join(fmt.names)})")
            if targets.count(target) > 1:
                raise UserError(f"--map: two source columns map to {target}")
        for constant in self.constants:
            if constant.column not in fmt.names:
                raise UserError(f"--set: '{constant.column}' is not a column of {self.table}")
            if constant.column in targets:
                raise UserError(f"--set: {constant.column} is already mapped with --map")
        for value in self.values:
            column = fmt.column(value.column) if value.column in fmt.names else None
            if column is None:
                raise UserError(f"--value: '{value.column}' is not a column of {self.table}")
            if isinstance(column.parse, OneOf) and value.target not in column.parse.choices:
                raise UserError(
                    f"--value: {value.column} takes {', '.join(column.parse.choices)}, not '{value.target}'"
                )
        for name in self.cents:
            if name not in fmt.names or fmt.column(name).parse not in (parse_amount, parse_score):
                raise UserError(f"--cents: '{name}' is not an amount column of {self.table}")
        if self.encoding is not None:
            _check_encoding(self.encoding)
        if self.date_format is not None:
            _check_date_format(self.date_format)
        if self.decimal not in (None, ",", "."):
            raise UserError(f"--decimal: '{self.decimal}' is not ',' or '.'")
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise UserError(f"--delimiter: '{self.delimiter}' is not one character (use \\t for a tab)")
        if self.paid_when and self.table != "invoices":
            raise UserError("--paid-when: only invoices have a paid_date")
        if self.account_from_email and "account_key" not in fmt.names:
            raise UserError(f"--account-from-email: {self.table} has no account_key")
        if self.account_from_email and "account_key" in targets:
            raise UserError("--account-from-email: account_key is already mapped with --map")
        self._check_more(fmt, targets)
        return self

    def _check_more(self, fmt: FileFormat, targets: list[str]) -> None:
        """The checks of the row filters, lookups, defaults and conversions."""
        if self.account_by and not self.account_column:
            raise UserError(f"--account-by-{self.account_by.value}: which column? (e.g. --account-by-id 'Customer ID')")
        if self.account_by and self.table == "accounts" and self.account_by is not AccountBy.NAME:
            raise UserError("accounts: only --account-by-name finds an existing account (its key)")
        if self.account_by and self.table != "accounts" and "account_key" not in fmt.names:
            raise UserError(f"--account-by-{self.account_by.value}: {self.table} has no account_key")
        if self.account_by and self.table != "accounts" and ("account_key" in targets or self.account_from_email):
            raise UserError(f"--account-by-{self.account_by.value}: the account is already found another way")
        if self.account_by is AccountBy.ALIAS and not self.source:
            raise UserError("--account-by-id: name the system the ids come from with --source (e.g. --source stripe)")
        if self.alias_column and (self.table != "accounts" or not self.source):
            raise UserError(
                "--alias: only an accounts file keeps aliases, and it needs --source (e.g. --source hubspot)"
            )
        for default in self.defaults:
            if default.column not in fmt.names:
                raise UserError(f"--default: '{default.column}' is not a column of {self.table}")
            if default.value == FIRST_SEEN and (self.table, default.column) != ("accounts", "start_date"):
                raise UserError(f"--default: {FIRST_SEEN} is for accounts' start_date, not {default.column}")
        for only in self.only_when:
            if only.target not in fmt.names:
                raise UserError(f"--only-when: '{only.target}' is not a column of {self.table}")
        for join in self.joins:
            if join.target not in fmt.names or join.target in targets:
                raise UserError(f"join: '{join.target}' is not a free column of {self.table}")
        if self.currency_column and not (set(MONEY_COLUMNS) & set(fmt.names)):
            raise UserError(f"--currency-column: {self.table} has no amount")
        if self.minus and "amount" not in fmt.names:
            raise UserError(f"--minus: {self.table} has no amount column")
        if self.tz:
            try:
                ZoneInfo(self.tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise UserError(f"--tz: '{self.tz}' is not a time zone name (e.g. Europe/Berlin)") from None

    # --- JSON: the body stored in the book and the file the CSM shares ---

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"table": self.table}
        if self.columns:
            body["columns"] = {m.source: m.target for m in self.columns}
        if self.values:
            values: dict[str, dict[str, str]] = {}
            for m in self.values:
                values.setdefault(m.column, {})[m.source] = m.target
            body["values"] = values
        if self.constants:
            body["set"] = {c.column: c.value for c in self.constants}
        for name in ("date_format", "decimal", "encoding", "delimiter", "account_from_email"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        if self.cents:
            body["cents"] = list(self.cents)
        if self.paid_when:
            body["paid_when"] = asdict(self.paid_when)
        for name in ("source", "account_column", "alias_column", "minus", "tz", "currency_column"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        if self.account_by:
            body["account_by"] = self.account_by.value
        if self.skip:
            body["skip"] = [{"column": t.column, "words": list(t.words)} for t in self.skip]
        if self.only_when:
            body["only_when"] = [
                {"target": o.target, "column": o.test.column, "words": list(o.test.words)} for o in self.only_when
            ]
        if self.defaults:
            body["defaults"] = {c.column: c.value for c in self.defaults}
        if self.joins:
            body["join"] = {j.target: list(j.sources) for j in self.joins}
        return body

    @classmethod
    def from_json(cls, body: object, where: str) -> "ImportProfile":
        """A profile from its JSON body; `where` names the file or profile in messages."""
        if not isinstance(body, dict):
            raise UserError(f"{where}: a profile is a JSON object")
        known = {"table", "columns", "values", "date_format", "decimal", "encoding", "delimiter"}
        known |= {"set", "cents", "paid_when", "account_from_email", "name", "cstui_import_profile"}
        known |= {"source", "account_by", "account_column", "alias_column", "skip", "only_when", "defaults"}
        known |= {"minus", "tz", "join", "currency_column"}
        unknown = sorted(set(body) - known)
        if unknown:
            raise UserError(f"{where}: unknown field {unknown[0]!r} (fields: {', '.join(sorted(known))})")
        profile = cls(
            table=_text(body, "table", where),
            columns=tuple(ColumnMap(s, t) for s, t in _mapping(body.get("columns", {}), "columns", where)),
            values=tuple(
                ValueMap(column, s, t)
                for column, words in _dict(body.get("values", {}), "values", where).items()
                for s, t in _mapping(words, f"values.{column}", where)
            ),
            constants=tuple(Constant(c, v) for c, v in _mapping(body.get("set", {}), "set", where)),
            date_format=_optional(body, "date_format", where),
            decimal=_optional(body, "decimal", where),
            encoding=_optional(body, "encoding", where),
            delimiter=_optional(body, "delimiter", where),
            cents=tuple(_texts(body.get("cents", []), "cents", where)),
            paid_when=_paid_when(body.get("paid_when"), where),
            account_from_email=_optional(body, "account_from_email", where),
            source=_optional(body, "source", where),
            account_by=_account_by(body.get("account_by"), where),
            account_column=_optional(body, "account_column", where),
            alias_column=_optional(body, "alias_column", where),
            skip=tuple(_row_test(item, "skip", where) for item in _list(body.get("skip", []), "skip", where)),
            only_when=tuple(
                OnlyWhen(_text(_dict(item, "only_when", where), "target", where), _row_test(item, "only_when", where))
                for item in _list(body.get("only_when", []), "only_when", where)
            ),
            defaults=tuple(Constant(c, v) for c, v in _mapping(body.get("defaults", {}), "defaults", where)),
            minus=_optional(body, "minus", where),
            tz=_optional(body, "tz", where),
            currency_column=_optional(body, "currency_column", where),
            joins=tuple(
                Join(target, tuple(_texts(sources, f"join.{target}", where)))
                for target, sources in _dict(body.get("join", {}), "join", where).items()
            ),
        )
        try:
            return profile.check()
        except UserError as error:
            raise UserError(f"{where}: {error}") from None

    def with_options(self, **changes: Any) -> "ImportProfile":
        """This profile with the command line's options laid over it (an option given wins)."""
        given = {k: v for k, v in changes.items() if v not in (None, ())}
        if "columns" in given:
            new = given["columns"]
            sources, targets = {m.source for m in new}, {m.target for m in new}
            given["columns"] = tuple(m for m in self.columns if m.source not in sources and m.target not in targets)
            given["columns"] += new
        if "values" in given:
            given["values"] = self.values + changes["values"]
        for name in ("skip", "only_when", "defaults"):
            if name in given:
                given[name] = getattr(self, name) + changes[name]
        if "constants" in given:
            replaced = {c.column for c in given["constants"]}
            given["constants"] = tuple(c for c in self.constants if c.column not in replaced) + given["constants"]
        return replace(self, **given).check()


def _check_encoding(encoding: str) -> None:
    """A text encoding Python knows: rot13, hex, base64 or zlib are codecs too, but not of text."""
    try:
        b"a".decode(encoding)  # not b"": decoding nothing skips the check that the codec is one of text
    except ValueError:  # a text codec that cannot read one byte alone (utf-16): fine
        pass
    except LookupError:
        raise UserError(f"--encoding: '{encoding}' is not a text encoding (e.g. utf-8, cp1252, utf-16)") from None


def _check_date_format(date_format: str) -> None:
    """A strptime format that reads a date it writes (a directive twice, `%d/%d/%Y`, is refused)."""
    sample = datetime(2001, 2, 3)
    try:
        read = datetime.strptime(sample.strftime(date_format), date_format)
    except (ValueError, re.error):
        read = None
    if read is None or read.date() != sample.date():
        raise UserError(f"--date-format: '{date_format}' does not read a day, month and year (e.g. %d/%m/%Y)")


def _dict(value: object, field_name: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UserError(f"{where}: {field_name} must be an object")
    return value


def _mapping(value: object, field_name: str, where: str) -> list[tuple[str, str]]:
    pairs = _dict(value, field_name, where).items()
    if not all(isinstance(s, str) and isinstance(t, str) for s, t in pairs):
        raise UserError(f"{where}: {field_name} maps text to text")
    return list(pairs)


def _text(body: dict[str, Any], name: str, where: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise UserError(f"{where}: {name} must be a non-empty text")
    return value


def _optional(body: dict[str, Any], name: str, where: str) -> str | None:
    return _text(body, name, where) if body.get(name) is not None else None


def _texts(value: object, name: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UserError(f"{where}: {name} must be a list of texts")
    return value


def _list(value: object, name: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise UserError(f"{where}: {name} must be a list")
    return value


def _row_test(value: object, name: str, where: str) -> RowTest:
    body = _dict(value, name, where)
    return RowTest(_text(body, "column", where), tuple(_texts(body.get("words", []), f"{name}.words", where)))


def _account_by(value: object, where: str) -> AccountBy | None:
    if value is None:
        return None
    try:
        return AccountBy(str(value))
    except ValueError:
        raise UserError(f"{where}: account_by is one of {', '.join(a.value for a in AccountBy)}") from None


def _paid_when(value: object, where: str) -> PaidWhen | None:
    if value is None:
        return None
    body = _dict(value, "paid_when", where)
    return PaidWhen(_text(body, "column", where), _text(body, "equals", where))


# --- the command line's spelling ---


def _pair(option: str, text: str, shape: str, example: str, *, last: bool = False) -> tuple[str, str]:
    """Split `LEFT=RIGHT` (at the last '=' when `last`, so a header may hold one); both sides required."""
    left, sep, right = text.rpartition("=") if last else text.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise UserError(f"{option}: '{text}' is not {shape} (e.g. {option} \"{example}\")")
    return left.strip(), right.strip()


def parse_column_map(text: str) -> ColumnMap:
    """`--map "Invoice #=invoice_no"`."""
    return ColumnMap(*_pair("--map", text, "SOURCE=COLUMN", "Invoice #=invoice_no", last=True))


def parse_value_map(text: str) -> ValueMap:
    """`--value "channel:Web form=self_service"`."""
    column, sep, rest = text.partition(":")
    source, sep2, target = rest.rpartition("=")
    if not sep or not sep2 or not column.strip() or not source.strip() or not target.strip():
        raise UserError(f"--value: '{text}' is not COLUMN:WORD=VALUE (e.g. --value \"channel:Web form=self_service\")")
    return ValueMap(column.strip(), source.strip(), target.strip())


def parse_constant(text: str) -> Constant:
    """`--set "kind=nps"`."""
    return Constant(*_pair("--set", text, "COLUMN=VALUE", "kind=nps"))


def parse_skip_when(text: str) -> RowTest:
    """`--skip-when "Status=deleted"` (several words: "Status=deleted,spam")."""
    column, words = _pair("--skip-when", text, "COLUMN=WORD", "Status=deleted", last=True)
    return RowTest(column, tuple(w.strip() for w in words.split(",") if w.strip()))


def parse_only_when(text: str) -> OnlyWhen:
    """`--only-when "closed_on:Status=solved,closed"`."""
    target, sep, rest = text.partition(":")
    if not sep or not target.strip():
        raise UserError(
            f"--only-when: '{text}' is not COLUMN:SOURCE=WORD (e.g. --only-when \"closed_on:Status=solved\")"
        )
    column, words = _pair("--only-when", rest, "COLUMN:SOURCE=WORD", "closed_on:Status=solved", last=True)
    return OnlyWhen(target.strip(), RowTest(column, tuple(w.strip() for w in words.split(",") if w.strip())))


def parse_default(text: str) -> Constant:
    """`--default "start_date=first-seen"`."""
    return Constant(*_pair("--default", text, "COLUMN=VALUE", "start_date=first-seen"))


def parse_paid_when(text: str) -> PaidWhen:
    """`--paid-when "Status=paid"`."""
    return PaidWhen(*_pair("--paid-when", text, "COLUMN=WORD", "Status=paid"))


def profile_file_body(name: str, profile: ImportProfile) -> str:
    """The shareable file: the profile's body with its name and a format version."""
    body = {"cstui_import_profile": PROFILE_FILE_VERSION, "name": name, **profile.to_json()}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
