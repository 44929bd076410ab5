"""The reading layer in front of the import's validation: a foreign file's rows as rows of cstui's format.

`MappedFile` applies an `ImportProfile` to a `SourceFile`: it picks and renames columns, derives
the ones the profile computes, maps words to cstui's values, and writes dates as ISO and numbers
with a decimal point. What comes out is exactly what a file in the contract's format would hold, so
every import (plain, mapped, from a profile, from the mapping screen) goes through the same checks
and all-or-nothing rule with the same `file:line: column: reason` messages. A plain import is the
identity mapping with a strict header (an unknown column is refused, as the contract says).
"""

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import islice
from zoneinfo import ZoneInfo

from cstui.storage.imports.csv_format import CellError, Column, FileFormat, OneOf, parse_amount, parse_date, parse_score
from cstui.storage.imports.csv_source import (
    DateEvidence,
    DateReading,
    NumberEvidence,
    SourceFile,
    cents_to_units,
    to_plain_number,
)
from cstui.storage.imports.import_profile import (
    FIRST_SEEN,
    FROM_COLUMN,
    MONEY_COLUMNS,
    PREFIX,
    AccountBy,
    ImportProfile,
    RowTest,
)

# A file whose first rows hold only ISO dates and plain numbers is not scanned further.
DETECT_SAMPLE = 1000
# Distinct cells of a converted column remembered per file (`MappedFile.rows`): a conversion depends
# on the cell and the file's settings only.
MEMO_MAX = 20_000
Getter = Callable[[list[str]], str]
# "2.0", "3.00": a whole number as spreadsheets and exports write them.
_WHOLE = re.compile(r"([+-]?[0-9]+)\.0*")
# An ISO timestamp: date, time, optional fraction, optional zone (Z, +02:00, " UTC").
_TIMESTAMP = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)"
    r"\s*(Z|UTC|[+-][0-9]{2}:?[0-9]{2})?"
)


@dataclass
class AccountLookups:
    """What the book knows that a mapping finds accounts by, read once per file by the importer:
    keys by email domain, by the source system's id (`account_aliases` of the profile's source), by
    normalised name and by contact email; the stored start dates (for `first-seen`), and the day
    of the import."""

    domains: dict[str, list[str]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    contacts: dict[str, list[str]] = field(default_factory=dict)
    start_dates: dict[str, str] = field(default_factory=dict)
    today: str = ""
    # The book's currency and the rates into it (units of the book's currency per unit), for
    # `--currency-column`.
    currency: str = ""
    rates: dict[str, Decimal] = field(default_factory=dict)


def normal_name(text: str) -> str:
    """A name as compared for `--account-by-name`: without case, accents or repeated spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def suggestions(target: str, headers: list[str], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The source headers closest to a column name (ignoring case, spaces and underscores), scoring
    at least `cutoff` (the mapping screen, which proposes without being asked, wants a closer match)."""

    def score(header: str) -> float:
        a, b = _norm(target), _norm(header)
        ratio = difflib.SequenceMatcher(None, a, b).ratio()
        # "key" in "Account Key", "amount" in "Amount (EUR)": a whole name inside the other.
        return max(ratio, 0.6) if a and b and (a in b or b in a) else ratio

    scored = [(score(h), h) for h in headers]
    return [h for points, h in sorted(scored, key=lambda pair: -pair[0]) if points >= cutoff][:n]


def _norm(text: str) -> str:
    """A header as letters and digits only: "Account Key" and "account_key" read the same."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class MappedFile:
    """One source file read through a profile. `problems` holds header problems (the file is then
    not read further); `notes` what was detected or ignored, for the summary."""

    def __init__(self, source: SourceFile, profile: ImportProfile, lookups: AccountLookups | None = None):
        self.source = source
        self.profile = profile
        self.fmt: FileFormat = profile.format
        self.name = source.name
        self.lookups = lookups or AccountLookups()
        self.domains = self.lookups.domains
        # Rows left out by the profile's filters, by the filter that left them out (for the summary).
        self.skipped: Counter[str] = Counter()
        self._skips: list[tuple[int, RowTest]] = []
        self.problems: list[str] = []
        self.notes: list[str] = list(source.notes)
        self.ignored: list[str] = []
        # Where each column of `header` comes from, in words (for the mapping screen).
        self.sources: dict[str, str] = {}
        self.header: list[str] = []
        self.empty = False
        self._getters: list[Getter] = []
        # Whether each column is the source's cell at its own position (a plain file).
        self._identity = False
        self.dates = DateReading(profile.date_format)
        self.decimal = profile.decimal or "."
        first = next(source.rows(), None)
        if first is None:
            self.empty = True
            return
        self.source_header = [h.strip() for h in first[1]]
        if profile.mapped:
            self._plan_mapped()
        else:
            self._plan_plain()
        if not self.problems:
            self._detect()

    # --- the header ---

    def _plan_plain(self) -> None:
        self.problems, self.header = check_header(self.fmt, self.name, self.source_header)
        self._getters = [_cell(i) for i in range(len(self.header))]
        self._identity = True

    def _plan_mapped(self) -> None:
        fmt, profile, headers = self.fmt, self.profile, self.source_header
        plan: dict[str, Getter] = {}
        used: set[str] = set()
        for mapping in profile.columns:
            index = self._find(mapping.source, f'--map "{mapping.source}={mapping.target}"')
            if index is not None:
                plan[mapping.target] = _cell(index)
                used.add(headers[index])
        # A header that is a column's name, give or take case, spaces and underscores, fills it.
        by_norm = {_norm(name): name for name in fmt.names}
        for index, header in enumerate(headers):
            column = by_norm.get(_norm(header))
            if column and column not in plan and header not in used:
                if [_norm(h) for h in headers].count(_norm(header)) > 1:
                    self.problems.append(f"{self.name}:1: {header}: {self._twice(header)}; rename one, or --map it")
                    continue
                plan[column] = _cell(index)
                used.add(header)
        for constant in profile.constants:
            plan[constant.column] = _constant(constant.value)
        if profile.account_from_email:
            index = self._find(profile.account_from_email, "--account-from-email")
            if index is not None:
                plan["account_key"] = self._account_by_domain(index)
                used.add(headers[index])
        if profile.paid_when and "paid_date" not in plan:
            self.problems.append(
                f'{self.name}:1: paid_date: --paid-when needs a payment date column (--map "SOURCE=paid_date")'
            )
        elif profile.paid_when:
            index = self._find(profile.paid_when.column, "--paid-when")
            if index is not None:
                plan["paid_date"] = _paid_only(plan["paid_date"], index, profile.paid_when.equals)
                used.add(headers[index])
        self._plan_more(plan, used)
        for column in fmt.required:
            if column not in plan:
                close = suggestions(column, [h for h in headers if h not in used])
                self.problems.append(f"{self.name}:1: {column}: required column missing{_closest(column, close)}")
        self.ignored = [h or f"(column {i})" for i, h in enumerate(headers, start=1) if h not in used]
        for mapping in profile.columns:
            if mapping.target in plan:
                self.sources[mapping.target] = mapping.source
        for column in plan:
            self.sources.setdefault(column, next((h for h in used if _norm(h) == _norm(column)), "(derived)"))
        for constant in profile.constants:
            self.sources[constant.column] = f"= {constant.value}"
        if profile.account_from_email:
            self.sources["account_key"] = f"domain of {profile.account_from_email}"
        if profile.account_by and profile.account_column:
            self.sources["account_key" if fmt.table != "accounts" else "key"] = (
                f"account by {profile.account_by.value} of {profile.account_column}"
            )
        # In the format's order, so the summary and the preview read like a contract file.
        self.header = [c for c in fmt.names if c in plan]
        self._getters = [plan[c] for c in self.header]

    def _twice(self, header: str) -> str:
        at = [str(i) for i, h in enumerate(self.source_header, start=1) if _norm(h) == _norm(header)]
        return f"the file has this column {len(at)} times (columns {', '.join(at)})"

    def _find(self, header: str, option: str) -> int | None:
        headers = self.source_header
        folded = [h.casefold() for h in headers]
        if folded.count(header.casefold()) > 1:
            # First-wins would be a silent guess at which one the user meant.
            self.problems.append(f"{self.name}:1: {header}: {self._twice(header)}; rename one")
            return None
        if header in headers:
            return headers.index(header)
        if header.casefold() in folded:
            return folded.index(header.casefold())
        if header.endswith(PREFIX) and len(header) > 1:
            start = header[: -len(PREFIX)].casefold()
            starting = [i for i, h in enumerate(folded) if h.startswith(start)]
            if len(starting) == 1:
                return starting[0]
            if starting:
                self.problems.append(f"{self.name}:1: {header}: {len(starting)} columns start so; --map one")
                return None
        close = suggestions(header, headers)
        named = f" (closest: {', '.join(repr(c) for c in close)})" if close else ""
        self.problems.append(f"{self.name}:1: {header}: no such column for {option}{named}")
        return None

    def _plan_more(self, plan: dict[str, Getter], used: set[str]) -> None:
        """Row filters, account lookups, conditional values, defaults and net amounts."""
        profile, headers = self.profile, self.source_header
        for test in profile.skip:
            index = self._find(test.column, "--skip-when")
            if index is not None:
                self._skips.append((index, test))
                used.add(headers[index])
        if profile.account_by and profile.account_column:
            index = self._find(profile.account_column, f"--account-by-{profile.account_by.value}")
            if index is not None:
                used.add(headers[index])
                if self.fmt.table == "accounts":
                    if "key" in plan:
                        plan["key"] = self._key_by_name(index, plan["key"])
                else:
                    plan["account_key"] = self._account_lookup(profile.account_by, index)
        if profile.alias_column:
            index = self._find(profile.alias_column, "--alias")
            if index is not None:
                used.add(headers[index])
        for join in profile.joins:
            found = [self._find(source, f"join {join.target}") for source in join.sources]
            indexes = [i for i in found if i is not None]
            if len(indexes) == len(found):
                plan[join.target] = _joined(indexes)
                used.update(headers[i] for i in indexes)
        for default in profile.defaults:
            if default.value == FIRST_SEEN:
                key = plan.get("key")
                fill = self._first_seen(key) if key else _constant(self.lookups.today)
            elif default.value.startswith(FROM_COLUMN):
                index = self._find(default.value[len(FROM_COLUMN) :], "--default")
                if index is None:
                    continue
                fill = _cell(index)
            else:
                fill = _constant(default.value)
            plan[default.column] = _defaulted(plan.get(default.column), fill)
        for only in profile.only_when:
            index = self._find(only.test.column, "--only-when")
            if index is not None and only.target in plan:
                plan[only.target] = _only_when(plan[only.target], index, only.test)
                used.add(headers[index])
        if profile.minus and "amount" in plan:
            index = self._find(profile.minus, "--minus")
            if index is not None:
                plan["amount"] = self._net(plan["amount"], index)
                used.add(headers[index])
        if profile.currency_column:
            index = self._find(profile.currency_column, "--currency-column")
            if index is not None:
                used.add(headers[index])
                for column in MONEY_COLUMNS:
                    if column in plan:
                        plan[column] = self._in_book_currency(plan[column], index)

    def _in_book_currency(self, amount: Getter, index: int) -> Getter:
        """The amount in the book's currency: as it is when the row's currency is the book's (or
        empty), else times the rate from `--rates` (exact decimals, rounded to the cent)."""
        book, rates = self.lookups.currency, self.lookups.rates

        def converted(cells: list[str]) -> str:
            text, code = amount(cells), cells[index].strip().upper()
            if not code or code == book or not text.strip():
                return text
            rate = rates.get(code)
            if rate is None:
                raise CellError(f"{code} is not the book's currency ({book}) and --rates gives no rate for it")
            try:
                value = Decimal(to_plain_number(text.strip(), self.decimal))
            except InvalidOperation:
                return text
            return str((value * rate).quantize(Decimal("0.01")))

        return converted

    def alias_index(self) -> int | None:
        """The source column whose ids become aliases of the rows' accounts (an accounts file)."""
        if not self.profile.alias_column:
            return None
        folded = [h.casefold() for h in self.source_header]
        wanted = self.profile.alias_column.casefold()
        return folded.index(wanted) if wanted in folded else None

    def _first_seen(self, key: Getter) -> Getter:
        starts, today = self.lookups.start_dates, self.lookups.today
        return lambda cells: starts.get(key(cells).strip(), today)

    def _net(self, amount: Getter, index: int) -> Getter:
        """The amount less the refunded or credited part (`--minus`): what is still owed."""

        def net(cells: list[str]) -> str:
            text, minus = amount(cells), cells[index].strip()
            if not minus or not text.strip():
                return text
            try:
                whole = Decimal(to_plain_number(text.strip(), self.decimal))
                less = abs(Decimal(to_plain_number(minus, self.decimal)))
            except InvalidOperation:
                raise CellError(f"'{text}' less '{minus}' ({self.profile.minus}) is not a number") from None
            if less > whole:
                raise CellError(f"the refund {minus} ({self.profile.minus}) is more than the amount {text}")
            return str(whole - less)

        return net

    def _account_lookup(self, how: AccountBy, index: int) -> Getter:
        lookups, source = self.lookups, self.profile.source or ""

        def account(cells: list[str]) -> str:
            text = cells[index].strip()
            if not text:
                return ""
            if how is AccountBy.ALIAS:
                key = lookups.aliases.get(text)
                if key is None:
                    raise CellError(
                        f"no account has the {source} id '{text}' (import the {source} accounts file with "
                        "--alias, or give an account that id)"
                    )
                return key
            if how is AccountBy.NAME:
                return _one(lookups.names.get(normal_name(text), []), f"the name '{text}'")
            return _one(lookups.contacts.get(text.casefold(), []), f"a contact with the email '{text}'")

        return account

    def _key_by_name(self, index: int, key: Getter) -> Getter:
        """An accounts file's key: the book's account of that name when there is one, else the file's."""
        names = self.lookups.names

        def found(cells: list[str]) -> str:
            keys = names.get(normal_name(cells[index]), [])
            if len(keys) > 1:
                raise CellError(
                    f"the name '{cells[index].strip()}' belongs to {len(keys)} accounts ({', '.join(keys[:3])})"
                )
            return keys[0] if keys else key(cells)

        return found

    def skipped_by(self, cells: list[str]) -> str | None:
        """The filter that leaves this row out, in words, or None."""
        for index, test in self._skips:
            if test.matches(cells[index]):
                return f"{test.column}={','.join(test.words)}" if test.words else f"{test.column} empty"
        return None

    def _account_by_domain(self, index: int) -> Getter:
        def account(cells: list[str]) -> str:
            email = cells[index].strip()
            if not email:
                return ""
            domain = email.rpartition("@")[2].strip().casefold()
            keys = self.domains.get(domain, [])
            if not keys:
                raise CellError(f"no account has the domain '{domain}' (from '{email}'; set the account's domain)")
            if len(keys) > 1:
                raise CellError(f"the domain '{domain}' belongs to {len(keys)} accounts ({', '.join(keys[:3])})")
            return keys[0]

        return account

    # --- detection ---

    def _date_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.header) if self.fmt.column(c).parse is parse_date]

    def _amount_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.header) if self.fmt.column(c).parse in (parse_amount, parse_score)]

    def _detect(self) -> None:
        """One date order and one decimal mark for the whole file, from its cells; said in the notes.
        A file whose first rows hold only ISO dates and plain numbers is not read further."""
        dates, numbers = DateEvidence(), NumberEvidence()
        date_at = [] if self.profile.date_format else self._date_columns()
        amount_at = [] if self.profile.decimal else self._amount_columns()
        for count, (line, cells) in enumerate(islice(self.source.rows(), 1, None), start=1):
            if count > DETECT_SAMPLE and not (dates.seen or numbers.seen):
                break
            if len(cells) == len(self.source_header):
                for i in date_at:
                    dates.add(line, self._raw(i, cells))
                for i in amount_at:
                    numbers.add(line, self._raw(i, cells))
        try:
            if date_at:
                self.dates = dates.decide(self.name)
            if amount_at:
                self.decimal = numbers.decide(self.name, self.source.delimiter)
        except CellError as error:
            self.problems.append(str(error))
            return
        said = self.dates.describe() if date_at else None
        if said and self.profile.tz:
            said = said.replace("times of day dropped", f"times read as UTC, days in {self.profile.tz}")
        if said:
            self.notes.append(said)
        if self.decimal == "," and self.profile.decimal is None:
            self.notes.append("decimal comma")

    def resolved(self) -> ImportProfile:
        """The profile with what detection settled written in (separator, date order, decimal mark),
        so a saved profile reads next week's file the same way even when that file alone would be
        ambiguous (a week whose days are all 12 or less). The encoding is left to detection unless
        it was given: a UTF-8 file read as cp1252 would not fail, it would be wrong."""
        return replace(
            self.profile,
            delimiter=self.source.delimiter if self.source.delimiter != "," else self.profile.delimiter,
            date_format=self.dates.format,
            decimal=self.decimal if self.decimal != "." else self.profile.decimal,
        )

    def _raw(self, index: int, cells: list[str]) -> str:
        try:
            return self._getters[index](cells).strip()
        except CellError:
            return ""

    # --- the rows ---

    def rows(self) -> Iterator[tuple[int, list[str] | None, list[str], list[str]]]:
        """(line, cells in `header` order or None, problems, the source cells) for each non-blank
        record the profile's filters keep (the others are counted in `skipped`)."""
        name, width = self.name, len(self.source_header)
        columns = [self.fmt.column(c) for c in self.header]
        # Free text with no words to map is passed as it is (most cells of a big file); a converted
        # column remembers what each distinct cell became (a big file repeats its days and numbers).
        plan: list[tuple[Column, Getter, dict[str, str] | None]] = [
            (column, getter, {} if self._needs_converting(column) else None)
            for column, getter in zip(columns, self._getters)
        ]
        # A plain file's cells are the row as it is; only its converted columns are rewritten.
        converted = [(i, column, memo) for i, (column, _, memo) in enumerate(plan) if memo is not None]
        for line, cells in islice(self.source.rows(), 1, None):
            if not "".join(cells).strip():  # a blank record (every cell empty or spaces)
                continue
            if len(cells) != width:
                yield line, None, [f"{name}:{line}: -: row has {len(cells)} cells, the header has {width}"], cells
                continue
            skipped = self.skipped_by(cells) if self._skips else None
            if skipped:
                self.skipped[skipped] += 1
                continue
            if self._identity:
                yield self._plain_row(name, line, cells, converted)
                continue
            out, problems = [], []
            for column, getter, memo in plan:
                try:
                    text = getter(cells)
                    if memo is None:
                        out.append(text)
                        continue
                    found = memo.get(text)
                    if found is None:
                        found = self._convert(column, text)
                        if len(memo) < MEMO_MAX:
                            memo[text] = found
                    out.append(found)
                except CellError as error:
                    problems.append(f"{name}:{line}: {column.name}: {error}")
                    out.append("")
            yield line, (None if problems else out), problems, cells

    def _plain_row(
        self, name: str, line: int, cells: list[str], converted: list[tuple[int, Column, dict[str, str]]]
    ) -> tuple[int, list[str] | None, list[str], list[str]]:
        """`rows` for a file read as it is (each column its own cell): only the converted cells change."""
        out = list(cells)
        problems = []
        for i, column, memo in converted:
            text = cells[i]
            found = memo.get(text)
            if found is None:
                try:
                    found = self._convert(column, text)
                except CellError as error:
                    problems.append(f"{name}:{line}: {column.name}: {error}")
                    out[i] = ""
                    continue
                if len(memo) < MEMO_MAX:
                    memo[text] = found
            out[i] = found
        return line, (None if problems else out), problems, cells

    def _needs_converting(self, column: Column) -> bool:
        return (
            any(v.column == column.name for v in self.profile.values)
            or column.parse in (parse_date, parse_amount, parse_score)
            or (isinstance(column.parse, OneOf) and self.profile.mapped)
            or (column.whole and self.profile.mapped)
        )

    def _convert(self, column: Column, text: str) -> str:
        """The cell as the contract writes it; free text is left exactly as it is."""
        if self.profile.values:
            text = self.profile.value_for(column.name, text)
        bare = text.strip()
        if not bare:
            return text
        if column.parse is parse_date:
            if self.profile.tz:
                local = _local_date(bare, self.profile.tz)
                if local:
                    return local
            return self.dates.to_iso(bare)
        if column.whole and self.profile.mapped:
            whole = _WHOLE.fullmatch(bare)
            return whole.group(1) if whole else bare
        if column.parse in (parse_amount, parse_score):
            number = to_plain_number(bare, self.decimal)
            return cents_to_units(number) if column.name in self.profile.cents else number
        if isinstance(column.parse, OneOf) and self.profile.mapped and bare not in column.parse.choices:
            return _allowed(column, bare)
        return text


def guess_table(headers: list[str], tables: list[FileFormat]) -> FileFormat:
    """The table whose columns the headers name best (by name, else by closeness), for a first guess."""

    def fit(fmt: FileFormat) -> tuple[int, int]:
        named = {_norm(h) for h in headers} & {_norm(c) for c in fmt.names}
        close = sum(1 for c in fmt.required if suggestions(c, headers))
        return len(named) + close, -len(fmt.required)

    return max(tables, key=fit)


def check_header(fmt: FileFormat, name: str, header: list[str]) -> tuple[list[str], list[str]]:
    """The contract's strict header: every column known, none twice, the required ones there."""
    cleaned = [h.strip() for h in header]
    problems = []
    for position, column in enumerate(cleaned, start=1):
        if column not in fmt.names:
            problems.append(
                f"{name}:1: {column[:40] or '(column ' + str(position) + ')'}: unknown column "
                f"(allowed: {', '.join(fmt.names)}; or give --table {fmt.table} with --map to ignore the rest)"
            )
        elif cleaned.count(column) > 1 and cleaned.index(column) != position - 1:
            problems.append(f"{name}:1: {column}: column appears twice")
    for column in fmt.required:
        if column not in cleaned:
            close = suggestions(column, [h for h in cleaned if h not in fmt.names])
            problems.append(f"{name}:1: {column}: required column missing{_closest(column, close) if close else ''}")
    if problems:
        hint = _delimiter_hint(fmt, name, cleaned)
        return ([hint] if hint else problems), cleaned
    return problems, cleaned


def _delimiter_hint(fmt: FileFormat, name: str, header: list[str]) -> str | None:
    """One clear line for a file whose separator was not recognised."""
    for delimiter, called in ((";", "';'"), ("\t", "tabs"), ("|", "'|'")):
        names = [part.strip() for cell in header if delimiter in cell for part in cell.split(delimiter)]
        if sum(n in fmt.names for n in names) >= 2:
            return f"{name}:1: -: looks separated by {called}: give it with --delimiter"
    return None


def _closest(column: str, close: list[str]) -> str:
    if not close:
        return f' (map one with --map "SOURCE={column}")'
    return f' (closest: {", ".join(repr(c) for c in close)}; map one with --map "{close[0]}={column}")'


def _allowed(column: Column, bare: str) -> str:
    """An allowed value written in another case is that value; else the closest one is proposed, or
    none when none is close (never the first: following the hint must not store a wrong value)."""
    assert isinstance(column.parse, OneOf)
    choices = column.parse.choices
    by_fold = {c.casefold(): c for c in choices}
    folded = " ".join(bare.split()).casefold()
    if folded in by_fold:
        return by_fold[folded]
    close = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    if close:
        hint = f'map it: --value "{column.name}:{bare}={by_fold[close[0]]}"'
    else:
        hint = f'map it to one: --value "{column.name}:{bare}=VALUE"'
    raise CellError(f"'{bare}' is not one of {', '.join(choices)} ({hint})")


def _local_date(text: str, zone: str) -> str | None:
    """The day, in `zone`, of a timestamp written in UTC (or with its own offset); None if `text`
    is not a timestamp."""
    found = _TIMESTAMP.fullmatch(text)
    if not found:
        return None
    day, time, offset = found.groups()
    if not offset or offset in ("Z", "UTC"):
        offset = "+00:00"
    elif ":" not in offset:
        offset = f"{offset[:3]}:{offset[3:]}"
    try:
        moment = datetime.fromisoformat(f"{day}T{time.zfill(len(time) + (time.index(':') == 1))}{offset}")
    except ValueError:
        raise CellError(f"'{text}' is not a real date and time") from None
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def _one(keys: list[str], what: str) -> str:
    if not keys:
        raise CellError(f"no account has {what}")
    if len(keys) > 1:
        raise CellError(f"{what} belongs to {len(keys)} accounts ({', '.join(keys[:3])}); give the account another way")
    return keys[0]


def _joined(indexes: list[int]) -> Getter:
    return lambda cells: " ".join(cells[i].strip() for i in indexes if cells[i].strip())


def _only_when(value: Getter, index: int, test: RowTest) -> Getter:
    return lambda cells: value(cells) if test.matches(cells[index]) else ""


def _defaulted(value: Getter | None, fill: Getter) -> Getter:
    if value is None:
        return fill

    def defaulted(cells: list[str]) -> str:
        text = value(cells)
        return text if text.strip() else fill(cells)

    return defaulted


def _constant(value: str) -> Getter:
    return lambda cells: value


def _cell(index: int) -> Getter:
    return lambda cells: cells[index]


def _paid_only(paid_date: Getter, status_index: int, equals: str) -> Getter:
    wanted = equals.strip().casefold()
    return lambda cells: paid_date(cells) if cells[status_index].strip().casefold() == wanted else ""
