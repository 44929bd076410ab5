"""Reading a CSV file as it comes out of another tool: its encoding, its separator, its dates and numbers.

Everything detected here is said in the import summary ("detected: ';'-separated, cp1252, dates
DD/MM/YYYY, decimal comma"), and nothing is guessed where a guess could change a value: a file whose
dates could be day/month or month/day, or whose numbers could hold a decimal comma or a thousands
separator, is refused with the option that settles it (`--date-format`, `--decimal`).

No encoding detector is used: on short exports charset-normalizer's best guess for cp1252 text was
cp1250 or mac_latin2 (turning "Société" into "Sociťtť"), so the rule is plain: a BOM (UTF-8, UTF-16,
UTF-32), else UTF-8, else UTF-16 without a BOM (every other byte NUL), else cp1252 - Excel's
"CSV" on Windows - said in the summary so a CSM whose accents look wrong passes `--encoding`.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cstui.storage.imports.csv_format import CellError
from cstui.user_files import CSV_LIMIT, UnreadableFile, read_user_bytes

DELIMITERS = {",": "comma", ";": "';'", "\t": "tab", "|": "'|'"}
# Byte-order marks, longest first (UTF-32-LE's starts with UTF-16-LE's), and the codec of what follows.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
SNIFF_LINES = 20

_ISO = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# An ISO date with a time of day after it, as help desks export them; the date part is kept.
_ISO_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T][0-9]{1,2}:[0-9]{2}.*")
# 24/11/2026, 11-24-2026, 24.11.2026, optionally followed by a time of day.
_NUMERIC_DATE = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})(?:[ T][0-9]{1,2}:[0-9]{2}.*)?")
DAY_FIRST = "%d/%m/%Y"
MONTH_FIRST = "%m/%d/%Y"

# What may surround a number in an export: currency signs and spaces (also the no-break spaces
# French and Swiss locales group thousands with, and the apostrophe Swiss ones use).
_NUMBER_DECOR = re.compile(r"[\s\u00a0\u202f€$£']")
_PLAIN = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_GROUPED = {
    ",": re.compile(r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})*(?:,[0-9]+)?|[+-]?[0-9]+(?:,[0-9]+)?"),
    ".": re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?|[+-]?[0-9]+(?:\.[0-9]+)?"),
}


@dataclass
class SourceFile:
    """A decoded file and how it was read; `notes` are the detections the summary reports."""

    name: str
    text: str
    delimiter: str
    notes: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Yield (line number of the record's first line, cells); malformed CSV raises CellError."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as error:
            raise CellError(f"{self.name}:{line}: -: malformed CSV ({error})") from None


def open_source(path: Path, encoding: str | None = None, delimiter: str | None = None) -> SourceFile:
    """Read and decode `path`, detecting what the options leave open. Only a regular file of at
    most `CSV_LIMIT` bytes is read (`cstui.user_files`): a FIFO, a device or a folder is named."""
    try:
        raw = read_user_bytes(path, CSV_LIMIT)
    except UnreadableFile as error:
        raise CellError(f"{path.name}:1: -: {error.why}") from None
    text, note = _decode(path.name, raw, encoding)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CellError(f"{path.name}:{line}: -: contains a NUL byte")
    source = SourceFile(path.name, text, delimiter or _sniff(text))
    if source.delimiter != ",":
        source.notes.append(f"{DELIMITERS.get(source.delimiter, repr(source.delimiter))}-separated")
    if note:
        source.notes.append(note)
    return source


HEAD_BYTES = 65_536


def read_header(path: Path, encoding: str | None = None, delimiter: str | None = None) -> list[str]:
    """The header row of `path`, read from its first 64 KiB only (to recognise an export without
    decoding a big file twice); [] when it cannot be read. Regular files only."""
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if len(head) == HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    try:
        text, _ = _decode(path.name, head, encoding)
        first = next(SourceFile(path.name, text, delimiter or _sniff(text)).rows(), None)
    except CellError:
        return []
    return first[1] if first else []


def _decode(name: str, raw: bytes, encoding: str | None) -> tuple[str, str | None]:
    """The text and what to say about its encoding (None for UTF-8 or one the user gave)."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise CellError(f"{name}:1: -: unknown encoding '{encoding}' (--encoding, e.g. cp1252, utf-16)") from None
        try:
            return raw.decode(encoding), None
        except UnicodeDecodeError as error:
            line = raw[: error.start].count(b"\n") + 1
            raise CellError(f"{name}:{line}: -: not valid {encoding} (byte {error.start}); check --encoding") from None
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(codec)
            except UnicodeDecodeError as error:
                at = len(bom) + error.start
                line = raw[:at].count(b"\n") + 1
                raise CellError(
                    f"{name}:{line}: -: starts as {codec.upper()} but is not valid {codec.upper()} (byte {at}); "
                    "save it again, or give its encoding with --encoding"
                ) from None
            return text, None if codec == "utf-8" else f"{codec.upper()} (byte-order mark)"
    utf16 = _utf16_without_bom(raw)  # first: ASCII in UTF-16 is valid UTF-8 full of NULs
    if utf16:
        try:
            return raw.decode(utf16), utf16.upper()
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return raw.decode("cp1252"), "cp1252 (not UTF-8; pass --encoding if accents look wrong)"
    except UnicodeDecodeError:
        line = raw[: utf8_error.start].count(b"\n") + 1
        raise CellError(
            f"{name}:{line}: -: not valid UTF-8 (byte {utf8_error.start}); give its encoding with --encoding "
            "(e.g. --encoding latin-1) or save it as 'CSV UTF-8'"
        ) from None


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text of ASCII-range headers has a NUL in every other byte."""
    head = raw[:200]
    if len(head) < 4 or len(head) % 2:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.8 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.8 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _sniff(text: str) -> str:
    """The separator of the header and first rows (comma unless another one is plainly used)."""
    sample = "\n".join(text.splitlines()[:SNIFF_LINES])
    header = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        found = ","
    # The header decides between the Sniffer's answer and commas: names rarely hold separators.
    if found != "," and header.count(found) == 0:
        return ","
    if found != "," and header.count(",") > header.count(found):
        return ","
    return found


# --- dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateReading:
    """How a file writes its dates: None is ISO (YYYY-MM-DD); else a strptime format."""

    format: str | None
    with_time: bool = False

    def describe(self) -> str | None:
        named = {DAY_FIRST: "DD/MM/YYYY", MONTH_FIRST: "MM/DD/YYYY"}
        parts = []
        if self.format:
            parts.append(f"dates {named.get(self.format, self.format)}")
        if self.with_time:
            parts.append("times of day dropped")
        return ", ".join(parts) or None

    def to_iso(self, text: str) -> str:
        """The cell as YYYY-MM-DD, or unchanged when it is not in the file's format (the
        validation then names it)."""
        if self.format is None:
            timed = _ISO_TIME.fullmatch(text)
            return timed.group(1) if timed else text
        numeric = _NUMERIC_DATE.fullmatch(text)
        candidate = text
        if numeric and self.format in (DAY_FIRST, MONTH_FIRST):
            day, month = (1, 3) if self.format == DAY_FIRST else (3, 1)
            candidate = f"{numeric.group(day)}/{numeric.group(month)}/{numeric.group(4)}"
            try:
                return datetime.strptime(candidate, DAY_FIRST).date().isoformat()
            except ValueError:
                raise CellError(f"'{text}' is not a real calendar date") from None
        try:
            return datetime.strptime(candidate, self.format).date().isoformat()
        except ValueError:
            raise CellError(f"'{text}' does not match the date format {self.format} (--date-format)") from None


class DateEvidence:
    """Collects a file's date cells and decides one day/month order for the whole file."""

    def __init__(self) -> None:
        self.day_first: tuple[int, str] | None = None
        self.month_first: tuple[int, str] | None = None
        self.numeric: tuple[int, str] | None = None
        self.with_time = False

    @property
    def seen(self) -> bool:
        """Whether any cell was not a plain ISO date (the file must then be read to its end)."""
        return self.numeric is not None or self.with_time

    def add(self, line: int, text: str) -> None:
        if not text or _ISO.fullmatch(text):
            return
        if _ISO_TIME.fullmatch(text):
            self.with_time = True
            return
        numeric = _NUMERIC_DATE.fullmatch(text)
        if not numeric:
            return
        self.numeric = self.numeric or (line, text)
        self.with_time = self.with_time or len(text) > numeric.end(4)
        first, second = int(numeric.group(1)), int(numeric.group(3))
        if first > 12 and self.day_first is None:
            self.day_first = (line, text)
        if second > 12 and self.month_first is None:
            self.month_first = (line, text)

    def decide(self, name: str) -> DateReading:
        if self.numeric is None:
            return DateReading(None, self.with_time)
        if self.day_first and self.month_first:
            (a_line, a), (b_line, b) = self.day_first, self.month_first
            raise CellError(
                f"{name}:{b_line}: -: dates in two orders ('{a}' on line {a_line} is day first, '{b}' month "
                f'first): give the format with --date-format "{DAY_FIRST}"'
            )
        if self.day_first:
            return DateReading(DAY_FIRST, self.with_time)
        if self.month_first:
            return DateReading(MONTH_FIRST, self.with_time)
        line, text = self.numeric
        raise CellError(
            f"{name}:{line}: -: dates like '{text}' could be day/month or month/day (every day is 12 or less): "
            f'give the order with --date-format "{DAY_FIRST}" or --date-format "{MONTH_FIRST}"'
        )


# --- numbers ---------------------------------------------------------------------------------


def strip_number(text: str) -> str:
    return _NUMBER_DECOR.sub("", text)


def to_plain_number(text: str, decimal: str) -> str:
    """The cell as an ASCII decimal with '.', for a file whose decimal mark is `decimal`; a cell
    that does not read as a number of that file is returned unchanged (the validation names it)."""
    bare = strip_number(text)
    if not _GROUPED[decimal].fullmatch(bare):
        return text
    thousands = "." if decimal == "," else ","
    return bare.replace(thousands, "").replace(decimal, ".")


def cents_to_units(text: str) -> str:
    """'123456' cents as '1234.56' (exact: Decimal, never float)."""
    try:
        return str(Decimal(text) / 100)
    except InvalidOperation:
        return text


class NumberEvidence:
    """Decides a file's decimal mark from its amount cells: only when no cell could be read both ways."""

    def __init__(self) -> None:
        self.comma: tuple[int, str] | None = None
        self.point: tuple[int, str] | None = None
        self.unclear: tuple[int, str] | None = None
        self.grouped = False  # a thousands separator seen ("1,234.50")

    @property
    def seen(self) -> bool:
        """Whether any cell was other than a plain ASCII decimal (the file must then be read to its end)."""
        return bool(self.comma or self.unclear or self.grouped)

    def add(self, line: int, text: str) -> None:
        bare = strip_number(text)
        if _PLAIN.fullmatch(bare) and "." not in bare:
            return
        comma_ok = bool(_GROUPED[","].fullmatch(bare))
        point_ok = bool(_GROUPED["."].fullmatch(bare))
        if comma_ok and point_ok:
            # "1.234" or "1,234": a thousands separator in one locale, a decimal mark in the other.
            self.unclear = self.unclear or (line, text)
        elif comma_ok:
            self.comma = self.comma or (line, text)
        elif point_ok:
            self.point = self.point or (line, text)
            self.grouped = self.grouped or "," in bare

    def decide(self, name: str, delimiter: str) -> str:
        """The decimal mark; in a comma-separated file an unclear '1.500' is read with a decimal
        point (the contract's own format, and what a spreadsheet whose decimal is a comma never
        writes: it separates with ';')."""
        if self.comma and self.point:
            (a_line, a), (b_line, b) = self.comma, self.point
            raise CellError(
                f"{name}:{b_line}: -: numbers with a decimal comma ('{a}', line {a_line}) and a decimal point "
                f"('{b}'): give the mark with --decimal , or --decimal ."
            )
        if self.comma:
            return ","
        if self.point or delimiter == ",":
            return "."
        if self.unclear:
            line, text = self.unclear
            raise CellError(
                f"{name}:{line}: -: '{text}' could be a decimal or a thousands separator: "
                "give the decimal mark with --decimal , or --decimal ."
            )
        return "."
