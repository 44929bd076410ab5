"""The reading layer in front of the import's validation: a foreign file's rows as rows of cstui's format.

`MappedFile` applies an `ImportProfile` to a `SourceFile`: it picks and renames columns, derives
the ones the profile computes, maps words to cstui's values, and writes dates as ISO and numbers
with a decimal point. What comes out is exactly what a file in the contract's format would hold, so
every import (plain, mapped, from a profile, from the mapping screen) goes through the same checks
and all-or-nothing rule with the same `file:line: column: reason` messages. A plain import is the
identity mapping with a strict header (an unknown column is refused, as the contract says).
"""

import difflib
from collections.abc import Callable, Iterator
from dataclasses import replace
from itertools import islice

from cstui.storage.csv_format import CellError, Column, FileFormat, OneOf, parse_amount, parse_date, parse_score
from cstui.storage.csv_source import (
    DateEvidence,
    DateReading,
    NumberEvidence,
    SourceFile,
    cents_to_units,
    to_plain_number,
)
from cstui.storage.import_profile import ImportProfile

# A file whose first rows hold only ISO dates and plain numbers is not scanned further.
DETECT_SAMPLE = 1000
Getter = Callable[[list[str]], str]


def suggestions(target: str, headers: list[str], n: int = 3) -> list[str]:
    """The source headers closest to a column name (ignoring case, spaces and underscores)."""

    def score(header: str) -> float:
        a, b = _norm(target), _norm(header)
        ratio = difflib.SequenceMatcher(None, a, b).ratio()
        # "key" in "Account Key", "amount" in "Amount (EUR)": a whole name inside the other.
        return max(ratio, 0.6) if a and b and (a in b or b in a) else ratio

    scored = [(score(h), h) for h in headers]
    return [h for points, h in sorted(scored, key=lambda pair: -pair[0]) if points >= 0.5][:n]


def _norm(text: str) -> str:
    """A header as letters and digits only: "Account Key" and "account_key" read the same."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class MappedFile:
    """One source file read through a profile. `problems` holds header problems (the file is then
    not read further); `notes` what was detected or ignored, for the summary."""

    def __init__(self, source: SourceFile, profile: ImportProfile, domains: dict[str, list[str]]):
        self.source = source
        self.profile = profile
        self.fmt: FileFormat = profile.format
        self.name = source.name
        self.domains = domains
        self.problems: list[str] = []
        self.notes: list[str] = list(source.notes)
        self.ignored: list[str] = []
        # Where each column of `header` comes from, in words (for the mapping screen).
        self.sources: dict[str, str] = {}
        self.header: list[str] = []
        self.empty = False
        self._getters: list[Getter] = []
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
        # In the format's order, so the summary and the preview read like a contract file.
        self.header = [c for c in fmt.names if c in plan]
        self._getters = [plan[c] for c in self.header]

    def _find(self, header: str, option: str) -> int | None:
        headers = self.source_header
        if header in headers:
            return headers.index(header)
        folded = [h.casefold() for h in headers]
        if header.casefold() in folded:
            return folded.index(header.casefold())
        close = suggestions(header, headers)
        named = f" (closest: {', '.join(repr(c) for c in close)})" if close else ""
        self.problems.append(f"{self.name}:1: {header}: no such column for {option}{named}")
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

    def rows(self) -> Iterator[tuple[int, list[str] | None, list[str]]]:
        """(line, cells in `header` order or None, problems) for each non-blank record."""
        name, width = self.name, len(self.source_header)
        columns = [self.fmt.column(c) for c in self.header]
        # Free text with no words to map is passed as it is (most cells of a big file).
        converts = [self._needs_converting(column) for column in columns]
        for line, cells in islice(self.source.rows(), 1, None):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != width:
                yield line, None, [f"{name}:{line}: -: row has {len(cells)} cells, the header has {width}"]
                continue
            out, problems = [], []
            for column, getter, convert in zip(columns, self._getters, converts):
                try:
                    out.append(self._convert(column, getter(cells)) if convert else getter(cells))
                except CellError as error:
                    problems.append(f"{name}:{line}: {column.name}: {error}")
                    out.append("")
            yield line, (None if problems else out), problems

    def _needs_converting(self, column: Column) -> bool:
        return (
            any(v.column == column.name for v in self.profile.values)
            or column.parse in (parse_date, parse_amount, parse_score)
            or (isinstance(column.parse, OneOf) and self.profile.mapped)
        )

    def _convert(self, column: Column, text: str) -> str:
        """The cell as the contract writes it; free text is left exactly as it is."""
        if self.profile.values:
            text = self.profile.value_for(column.name, text)
        bare = text.strip()
        if not bare:
            return text
        if column.parse is parse_date:
            return self.dates.to_iso(bare)
        if column.parse in (parse_amount, parse_score):
            number = to_plain_number(bare, self.decimal)
            return cents_to_units(number) if column.name in self.profile.cents else number
        if isinstance(column.parse, OneOf) and self.profile.mapped and bare not in column.parse.choices:
            raise CellError(
                f"'{bare}' is not one of {', '.join(column.parse.choices)} "
                f'(map it: --value "{column.name}:{bare}={column.parse.choices[0]}")'
            )
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


def _constant(value: str) -> Getter:
    return lambda cells: value


def _cell(index: int) -> Getter:
    return lambda cells: cells[index]


def _paid_only(paid_date: Getter, status_index: int, equals: str) -> Getter:
    wanted = equals.strip().casefold()
    return lambda cells: paid_date(cells) if cells[status_index].strip().casefold() == wanted else ""
