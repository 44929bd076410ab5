"""CSV import: all-or-nothing, every bad row reported as `file:line: column: reason`.

A run parses and checks every file before anything is kept; rows go in through one transaction
(sqlite-utils would commit every batch otherwise, ~4x slower), and any error rolls the whole run
back so the book is exactly as it was. Natural keys make a re-import change nothing.
"""

import csv
import io
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.sentiment import text_sentiment
from cstui.storage.connection import write_transaction
from cstui.storage.csv_format import (
    FORMAT_BY_TABLE,
    FORMATS,
    SURVEY_SCALES,
    CellError,
    FileFormat,
    parse_text,
)

# Progress callback: (table, rows done, rows expected).
Progress = Callable[[str, int, int], None]
BATCH = 5_000

# How a re-imported row meets the one already in the book: the natural key it updates on, or
# None for event tables whose whole row is the key (a duplicate is skipped).
CONFLICT_TARGET: dict[str, tuple[str, ...] | None] = {
    "accounts": ("key",),
    "features": ("name",),
    "contacts": None,
    "mrr_history": ("account_id", "effective_date"),
    "invoices": ("invoice_no",),
    "surveys": None,
    "usage_daily": ("account_id", "day"),
    "feature_usage": ("account_id", "day", "feature_id"),
    "tickets": None,
    "interactions": None,
}
# File columns stored under another name, after the reference is looked up.
REFERENCE_COLUMNS = {"account_key": "account_id", "feature": "feature_id"}
# Columns computed from the text of the row.
SENTIMENT_SOURCES = {"surveys": ("comment",), "interactions": ("summary", "notes")}


class ImportFailed(UserError):
    """The run was rejected; `problems` holds one `file:line: column: reason` per bad cell."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n".join(problems[:200])
        more = f"\n... and {len(problems) - 200} more" if len(problems) > 200 else ""
        super().__init__(f"import rejected, the book is unchanged ({len(problems)} problems):\n{shown}{more}")


@dataclass
class ImportResult:
    rows_read: dict[str, int] = field(default_factory=dict)
    rows_added: dict[str, int] = field(default_factory=dict)


def files_to_import(target: Path) -> list[tuple[FileFormat, Path]]:
    """The files a run loads, in dependency order; names are matched against the allow-list."""
    if target.is_dir():
        found = [(fmt, target / f"{fmt.table}.csv") for fmt in FORMATS]
        found = [(fmt, path) for fmt, path in found if path.is_file()]
        if not found:
            names = ", ".join(f"{f.table}.csv" for f in FORMATS)
            raise UserError(f"{target}: no importable files here (looked for {names})")
        return found
    if not target.is_file():
        raise UserError(f"{target}: no such file or directory")
    fmt = FORMAT_BY_TABLE.get(target.stem) if target.suffix == ".csv" else None
    if fmt is None:
        names = ", ".join(f"{f.table}.csv" for f in FORMATS)
        raise UserError(f"{target}: not an importable file name (expected one of {names})")
    return [(fmt, target)]


def import_path(db: Database, target: Path, progress: Progress | None = None) -> ImportResult:
    """Import a directory of CSV files or one CSV file into the book, atomically."""
    plan = files_to_import(target)
    result = ImportResult()
    problems: list[str] = []
    before = {fmt.table: db[fmt.table].count for fmt, _ in plan}
    try:
        with write_transaction(db, change=f"import {target}", source="import"):
            for fmt, path in plan:
                problems += _import_file(db, fmt, path, result, progress)
            if problems:
                raise ImportFailed(problems)
            for fmt, _ in plan:
                result.rows_added[fmt.table] = db[fmt.table].count - before[fmt.table]
    except sqlite3.IntegrityError as error:  # a constraint the row checks did not foresee
        raise ImportFailed([f"{target}: rejected by the book's constraints: {error}"]) from None
    # A big import leaves its pages in the WAL; fold them into the book now rather than make every
    # reader wade through them (best effort: a reader elsewhere may keep part of the WAL alive).
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return result


def _read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) for each record; undecodable or NUL-bearing text raises CellError."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise CellError(f"{path.name}:{line}: -: not valid UTF-8 (byte {error.start})") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CellError(f"{path.name}:{line}: -: contains a NUL byte")
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise CellError(f"{path.name}:{line}: -: malformed CSV ({error})") from None


def _import_file(
    db: Database, fmt: FileFormat, path: Path, result: ImportResult, progress: Progress | None
) -> list[str]:
    name = path.name
    expected = max(path.read_bytes().count(b"\n") - 1, 1) if progress else 0
    problems: list[str] = []
    try:
        rows = _read_rows(path)
        first = next(rows, None)
        if first is None:
            return [f"{name}:1: -: the file is empty (a header row is required)"]
        header_problems, header = _check_header(fmt, name, first[1])
        if header_problems:
            return header_problems
        writer = _Writer(db, fmt, header)
        batch: list[dict] = []
        count = 0
        for line, cells in rows:
            if not any(c.strip() for c in cells):
                continue
            row, row_problems = writer.parse(name, line, cells)
            problems += row_problems
            count += 1
            if row is not None and not problems:
                batch.append(row)
            if len(batch) >= BATCH:
                writer.write(batch)
                batch = []
                if progress:
                    progress(fmt.table, count, expected)
            if len(problems) > 1000:
                problems.append(f"{name}: stopped checking after 1000 problems")
                break
        if batch and not problems:
            writer.write(batch)
        result.rows_read[fmt.table] = count
        if progress:
            progress(fmt.table, count, count)
    except CellError as error:
        problems.append(str(error))
    return problems


def _check_header(fmt: FileFormat, name: str, header: list[str]) -> tuple[list[str], list[str]]:
    cleaned = [h.strip() for h in header]
    problems = []
    for position, column in enumerate(cleaned, start=1):
        if column not in fmt.names:
            problems.append(
                f"{name}:1: {column[:40] or '(column ' + str(position) + ')'}: unknown column "
                f"(allowed: {', '.join(fmt.names)})"
            )
        elif cleaned.count(column) > 1 and cleaned.index(column) != position - 1:
            problems.append(f"{name}:1: {column}: column appears twice")
    for column in fmt.required:
        if column not in cleaned:
            problems.append(f"{name}:1: {column}: required column missing")
    return problems, cleaned


class _Writer:
    """Parses the rows of one file and writes them with a fixed, allow-listed statement."""

    def __init__(self, db: Database, fmt: FileFormat, header: list[str]):
        self.db = db
        self.fmt = fmt
        self.header = header
        self.file_columns = [fmt.column(name) for name in header]
        stored = [REFERENCE_COLUMNS.get(c.name, c.name) for c in self.file_columns]
        if fmt.table in SENTIMENT_SOURCES:
            stored.append("text_sentiment")
        self.stored = stored
        self.accounts = dict(db.execute("SELECT key, id FROM accounts").fetchall())
        self.features = dict(db.execute("SELECT name, id FROM features").fetchall())
        self.sql = self._statement()

    def _statement(self) -> str:
        columns = ", ".join(self.stored)
        values = ", ".join(f":{c}" for c in self.stored)
        target = CONFLICT_TARGET[self.fmt.table]
        updates = [c for c in self.stored if target and c not in target]
        if target and updates:
            assignments = ", ".join(f"{c} = excluded.{c}" for c in updates)
            conflict = f"ON CONFLICT ({', '.join(target)}) DO UPDATE SET {assignments}"
        else:
            conflict = "ON CONFLICT DO NOTHING"
        return f"INSERT INTO {self.fmt.table} ({columns}) VALUES ({values}) {conflict}"

    def parse(self, name: str, line: int, cells: list[str]) -> tuple[dict | None, list[str]]:
        if len(cells) != len(self.header):
            return None, [f"{name}:{line}: -: row has {len(cells)} cells, the header has {len(self.header)}"]
        row: dict[str, object] = {}
        problems = []
        for column, cell in zip(self.file_columns, cells):
            # Free text keeps its spaces (a round trip must be lossless); other cells are trimmed.
            text = cell if column.parse is parse_text else cell.strip()
            if not text.strip():
                if column.required:
                    problems.append(f"{name}:{line}: {column.name}: required value is empty")
                row[column.name] = None
                continue
            try:
                row[column.name] = column.parse(text)
            except CellError as error:
                problems.append(f"{name}:{line}: {column.name}: {error}")
        if not problems:
            problems += [f"{name}:{line}: {col}: {why}" for col, why in self._check_row(row)]
        if problems:
            return None, problems
        return self._to_stored(row), []

    def _check_row(self, row: dict) -> Iterator[tuple[str, str]]:
        table = self.fmt.table
        if "account_key" in row and row["account_key"] not in self.accounts:
            yield "account_key", f"unknown account '{row['account_key']}' (not in the book or accounts.csv)"
        if "feature" in row and row["feature"] not in self.features:
            yield "feature", f"unknown feature '{row['feature']}' (add it to features.csv)"
        if table == "surveys":
            low, high = SURVEY_SCALES[row["kind"]]
            if not low <= row["score"] <= high:
                yield "score", f"{row['score']} is outside the {row['kind'].upper()} scale {low}..{high}"
        if table == "accounts" and row.get("churn_date") and row["churn_date"] < row["start_date"]:
            yield "churn_date", f"{row['churn_date']} is before start_date {row['start_date']}"
        if table == "invoices" and row["due_date"] < row["issued_date"]:
            yield "due_date", f"{row['due_date']} is before issued_date {row['issued_date']}"
        if table == "tickets" and row.get("closed_on") and row["closed_on"] < row["opened_on"]:
            yield "closed_on", f"{row['closed_on']} is before opened_on {row['opened_on']}"

    def _to_stored(self, row: dict) -> dict:
        stored = {REFERENCE_COLUMNS.get(k, k): v for k, v in row.items()}
        if "account_id" in stored:
            stored["account_id"] = self.accounts[row["account_key"]]
        if "feature_id" in stored:
            stored["feature_id"] = self.features[row["feature"]]
        if self.fmt.table in SENTIMENT_SOURCES:
            stored["text_sentiment"] = text_sentiment(*(row.get(c) for c in SENTIMENT_SOURCES[self.fmt.table]))
        return stored

    def write(self, rows: list[dict]) -> None:
        self.db.conn.executemany(self.sql, rows)
        if self.fmt.table == "accounts":
            self.accounts = dict(self.db.execute("SELECT key, id FROM accounts").fetchall())
        elif self.fmt.table == "features":
            self.features = dict(self.db.execute("SELECT name, id FROM features").fetchall())
