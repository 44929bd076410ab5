"""CSV import: all-or-nothing, every bad row reported as `file:line: column: reason`.

A run parses and checks every file before anything is kept; rows go in through one transaction
(sqlite-utils would commit every batch otherwise, ~4x slower), and any error rolls the whole run
back so the book is exactly as it was. Keyed rows update on their natural key; event rows without
an id are counted, not merged (see `import_keys`), so a re-import adds nothing. Every text this
module returns that quotes a file has passed through `visible()`: it is safe to print.
"""

import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.sentiment import Scorer
from cstui.storage import facts, history, search
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.imports.csv_format import (
    FORMAT_BY_TABLE,
    FORMATS,
    SURVEY_SCALES,
    CellError,
    FileFormat,
    parse_text,
)
from cstui.storage.imports.csv_source import SourceFile, open_source
from cstui.storage.imports.import_keys import Copies, RepeatedKeys
from cstui.storage.imports.import_profile import ImportProfile
from cstui.storage.imports.mapping import AccountLookups, MappedFile, normal_name
from cstui.user_files import CSV_LIMIT, check_regular

# Progress callback: (table, rows done, rows expected).
Progress = Callable[[str, int, int], None]
BATCH = 5_000
MAX_PROBLEMS = 1000
MOVES_LISTED = 20
RATES_MAX_BYTES = 1_000_000  # a rates file holds a line per currency
# Distinct cells remembered per column of a file (`_Writer.parse`); parses are pure, so a remembered
# cell is read as the parse would read it again.
MEMO_MAX = 20_000
_UNSEEN = object()
IMPORT_CACHE_KIB = -65_536  # the page cache during an import: 64 MiB (negative: KiB, as SQLite reads it)

# The unique index a re-imported row meets, in stored column names (contacts' email may be empty;
# an event row's id is optional).
CONFLICT_TARGET: dict[str, str | None] = {
    "accounts": "(key)",
    "features": "(name)",
    "contacts": "(account_id, name, ifnull(email, ''))",
    "mrr_history": "(account_id, effective_date)",
    "invoices": "(invoice_no)",
    "usage_daily": "(account_id, day)",
    "feature_usage": "(account_id, day, feature_id)",
    "surveys": "(external_id) WHERE external_id IS NOT NULL",
    "tickets": "(external_id) WHERE external_id IS NOT NULL",
    "interactions": "(external_id) WHERE external_id IS NOT NULL",
    "tasks": None,
    "playbooks": "(name)",
    "playbook_steps": None,
    "playbook_runs": None,
    "renewal_calls": "(account_id, renewal_date)",
    "import_profiles": "(name)",
    "success_plans": "(account_id)",
    "plan_goals": None,
    "lifecycle_stages": "(name)",
    "account_stages": "(account_id, entered_on)",
    "health_config": "(name)",
    "checkin_rules": "(name)",
    "checkin_state": "(account_id, day)",
    "health_snapshots": "(account_id, as_of)",
}
# File columns stored under another name (references after their id is looked up; event ids).
STORED_AS = {
    "account_key": "account_id",
    "feature": "feature_id",
    "response_id": "external_id",
    "ticket_id": "external_id",
    "interaction_id": "external_id",
    "note_ref": "interaction_id",
    "run_ref": "playbook_run_id",
    "contact_ref": "contact_id",
    "playbook": "playbook_id",
}
# An ingested interaction's own key (calendar UID, Message-ID): unique in the book.
INGEST_KEY = "ingest_key"
# A row's number in its exported file (`csv_format`): read to resolve links, never stored.
REF = "ref"
# Link columns: the file (of the same run) whose `ref` they name.
LINKS = {"note_ref": "interactions", "run_ref": "playbook_runs", "contact_ref": "contacts"}
# Columns computed from the text of the row.
SENTIMENT_SOURCES = {"surveys": ("comment",), "interactions": ("summary", "notes")}
# The files that declare what other files refer to, and the column that names it.
DECLARING = {"accounts": "key", "features": "name"}
# Settings files may only set what the book already has (its migrations create every name).
KNOWN_NAMES = {
    "health_config": "SELECT name FROM health_config",
    "checkin_rules": "SELECT name FROM checkin_rules",
}
# Tables with checks across the cells of a row (beyond the account and feature named).
ROW_CHECKED = frozenset({"surveys", "accounts", "invoices", "tickets", "checkin_state"} | set(KNOWN_NAMES))


def _stored(column: str) -> str:
    return STORED_AS.get(column, column)


class ImportFailed(UserError):
    """The run was rejected; `problems` holds one `file:line: column: reason` per bad cell."""

    def __init__(self, problems: list[str]):
        self.problems = [visible(p, one_line=True) for p in problems]
        shown = "\n".join(self.problems[:200])
        more = f"\n... and {len(problems) - 200} more" if len(problems) > 200 else ""
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"import rejected, the book is unchanged ({count}):\n{shown}{more}")


@dataclass
class TableCounts:
    read: int = 0
    new: int = 0
    updated: int = 0
    removed: int = 0  # a playbook's steps the file no longer has
    # What the reading layer detected and which source columns it left out, said in the summary.
    detected: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    # Rows the profile's filters left out, by filter; rows refused into the reject file; aliases kept.
    skipped: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    aliases: int = 0

    @property
    def unchanged(self) -> int:
        """Rows the book already held as they are (a re-import's rows, copies already counted)."""
        return max(0, self.read - self.new - self.updated - self.rejected)


@dataclass(frozen=True)
class Rejected:
    """A row refused by `--skip-bad-rows`: its source cells as the file holds them, and why."""

    line: int
    cells: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass
class Rejects:
    """The refused rows of a run, for the reject file (the file's header, then each row and its reasons)."""

    header: tuple[str, ...] = ()
    rows: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class Move:
    """A keyed row (an invoice, an event with an id) that the run moved to another account."""

    table: str
    key: str
    from_account: str
    to_account: str


@dataclass(frozen=True)
class Money:
    """The run's currency options: the book's currency when it has none yet (`--book-currency`), and
    the rates into it (`--rates`: units of the book's currency per unit of another)."""

    book_currency: str | None = None
    rates: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class ImportResult:
    tables: dict[str, TableCounts] = field(default_factory=dict)
    moves: list[Move] = field(default_factory=list)
    # Each mapped file's profile with what detection settled, for `--save-profile`.
    resolved: dict[str, ImportProfile] = field(default_factory=dict)
    # A dry run keeps its problems here instead of raising, and writes nothing.
    dry_run: bool = False
    problems: list[str] = field(default_factory=list)
    # With `--skip-bad-rows`: the refused rows (None when the run is all-or-nothing).
    rejects: Rejects | None = None
    # The built-in profile the file was recognised as (said in the summary).
    recognised: str | None = None

    def lines(self) -> list[str]:
        """The run's summary, one line per table and per moved row, safe to print."""
        shown = []
        for table, counts in self.tables.items():
            if counts.detected:
                shown.append(f"{table}: detected: {visible(', '.join(counts.detected), one_line=True)}")
            if counts.ignored:
                ignored = visible(", ".join(counts.ignored), one_line=True)
                shown.append(f"{table}: ignored columns (not mapped): {ignored}")
            if self.problems:
                shown.append(f"{table}: {counts.read:,} rows read")
                continue
            updated = f", {counts.updated:,} updated" if counts.updated else ""
            unchanged = f", {counts.unchanged:,} unchanged" if counts.unchanged else ""
            refused = f", {counts.rejected:,} refused" if counts.rejected else ""
            removed = f", {counts.removed:,} removed" if counts.removed else ""
            shown.append(
                f"{table}: {counts.read:,} rows read, {counts.new:,} new{updated}{unchanged}{removed}{refused}"
            )
            if counts.skipped:
                why = ", ".join(f"{visible(k, one_line=True)}: {n:,}" for k, n in counts.skipped.most_common())
                shown.append(f"{table}: {counts.skipped.total():,} rows left out ({why})")
            if counts.aliases:
                shown.append(f"{table}: {counts.aliases:,} account ids kept as aliases")
        for move in self.moves[:MOVES_LISTED]:
            shown.append(
                f"{move.table}: {visible(move.key, one_line=True)} moved from account "
                f"{visible(move.from_account, one_line=True)} to {visible(move.to_account, one_line=True)}"
            )
        if len(self.moves) > MOVES_LISTED:
            shown.append(f"... and {len(self.moves) - MOVES_LISTED:,} more rows moved between accounts")
        return shown


def files_to_import(target: Path) -> list[tuple[FileFormat, Path]]:
    """The files a run loads, in dependency order; names are matched against the allow-list."""
    names = ", ".join(f"{f.table}.csv" for f in FORMATS)
    if target.is_dir():
        found = [(fmt, target / f"{fmt.table}.csv") for fmt in FORMATS]
        # Whatever is there under a contract name is read, so a FIFO or a folder is named, not skipped.
        found = [(fmt, path) for fmt, path in found if path.exists()]
        if not found:
            raise UserError(f"{visible(target, one_line=True)}: no importable files here (looked for {names})")
        return found
    check_regular(target, CSV_LIMIT)  # a FIFO or a device is named as one, never "no such file"
    fmt = FORMAT_BY_TABLE.get(target.stem) if target.suffix == ".csv" else None
    if fmt is None:
        raise UserError(
            f"{visible(target, one_line=True)}: not an importable file name (expected one of {names}) and not "
            "a known export (`cstui profile list`); give --table and --map, or --profile"
        )
    return [(fmt, target)]


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def import_path(
    db: Database,
    target: Path,
    progress: Progress | None = None,
    profile: ImportProfile | None = None,
    dry_run: bool = False,
    *,
    today: date,
    skip_bad_rows: bool = False,
    money: Money | None = None,
) -> ImportResult:
    """Import a directory of CSV files or one CSV file into the book, atomically.

    With a mapped `profile`, `target` is one file of any name read through that mapping; with
    none or a plain one (reading options only), the files are the contract's own. A `dry_run`
    does all the work and rolls it back: the result holds the summary and the problems, and the
    book is byte for byte as it was. With `skip_bad_rows`, a row that fails its checks is kept
    out and listed in `result.rejects` instead of refusing the run; `today` is the import's day
    (for `--default start_date=first-seen`)."""
    if profile is not None and profile.mapped:
        check_regular(target, CSV_LIMIT)
        plan = [(profile.format, target, profile)]
    else:
        # A plain profile (reading options only) applies to each of the contract's files.
        plain = profile or ImportProfile(FORMATS[0].table, mapped=False)
        plan = [(fmt, path, replace(plain, table=fmt.table)) for fmt, path in files_to_import(target)]
    run = _Run(db, progress, today)
    run.money = money or Money()
    if skip_bad_rows:
        run.result.rejects = Rejects()
    # A big table's indexes take inserts all over their pages: with SQLite's default 2 MB page cache
    # every evicted dirty page is written to the WAL again, and read back for the next insert.
    # The same for the TEMP table of the keys seen (`import_keys`): a row each, spilled to a file past 2 MB.
    cache = db.execute("PRAGMA main.cache_size").fetchone()[0]
    temp_cache = db.execute("PRAGMA temp.cache_size").fetchone()[0]
    db.execute(f"PRAGMA main.cache_size = {IMPORT_CACHE_KIB}")
    db.execute(f"PRAGMA temp.cache_size = {IMPORT_CACHE_KIB}")
    try:
        return _import(db, target, plan, run, dry_run)
    finally:
        run.scorer.close()
        db.execute(f"PRAGMA main.cache_size = {int(cache)}")
        db.execute(f"PRAGMA temp.cache_size = {int(temp_cache)}")


def _import(
    db: Database, target: Path, plan: list[tuple[FileFormat, Path, ImportProfile]], run: "_Run", dry_run: bool
) -> ImportResult:
    try:
        with write_transaction(db, change=f"import {target}", source="import"):
            if any(p.currency_column for _, _, p in plan):
                run.currency = _book_currency(db, run.money)
            with history.bulk_inserts(db):
                _import_all(db, plan, run, dry_run)
    except sqlite3.IntegrityError as error:  # a constraint the row checks did not foresee
        failed = ImportFailed([f"{target}: rejected by the book's constraints: {error}"])
        if not dry_run:
            raise failed from None
        run.result.problems = failed.problems
    except ImportFailed as failed:
        if not dry_run:
            raise
        run.result.problems = failed.problems
    except _DryRun:
        pass
    if dry_run:
        db.execute("DROP TABLE IF EXISTS temp.import_keys")
        run.result.dry_run = True
        return run.result
    # A big import leaves its pages in the WAL; fold them into the book now rather than make every
    # reader wade through them (best effort: a reader elsewhere may keep part of the WAL alive).
    # Inside a larger change (a folder's `cstui sync`) SQLite refuses a checkpoint until it commits.
    if not db.conn.in_transaction:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return run.result


def _import_all(db: Database, plan: list[tuple[FileFormat, Path, ImportProfile]], run: "_Run", dry_run: bool) -> None:
    """Every file of the run, inside its change; raises ImportFailed, or _DryRun after a dry run's work."""
    # Counted inside the transaction: another writer's rows must not pass for this run's.
    before = {fmt.table: db[fmt.table].count for fmt, _, _ in plan}
    problems: list[str] = []
    for fmt, path, file_profile in plan:
        problems += run.import_file(fmt, path, file_profile)
    if problems:
        raise ImportFailed(problems)
    for fmt, _, _ in plan:
        counts = run.result.tables[fmt.table]
        counts.new = db[fmt.table].count - before[fmt.table] + counts.removed
        counts.updated = run.changes[fmt.table] - counts.new
    db.execute("DROP TABLE IF EXISTS temp.import_keys")
    if dry_run:
        raise _DryRun


def _book_currency(db: Database, money: Money) -> str:
    """The book's currency, written in this change the first time an import names it."""
    stored = facts.book_currency(db)
    given = money.book_currency.strip().upper() if money.book_currency else None
    if stored and given and stored != given:
        raise UserError(f"--book-currency: the book's amounts are in {stored}, not {visible(given, one_line=True)}")
    if stored:
        return stored
    if not given:
        raise UserError(
            "--currency-column: say once which currency the book keeps its amounts in (--book-currency EUR)"
        )
    if not re.fullmatch(r"[A-Z]{3}", given):
        raise UserError(f"--book-currency: '{visible(given, one_line=True)}' is not a currency code like EUR or USD")
    facts.record_book_currency(db, given)
    return given


def read_rates(path: Path) -> dict[str, Decimal]:
    """A rates file: `currency,rate` rows, each the value of one unit of that currency in the book's."""
    where = visible(path, one_line=True)
    if not path.is_file() or path.stat().st_size > RATES_MAX_BYTES:
        raise UserError(f"--rates: {where}: not a rates file (a CSV file of currency,rate, at most 1 MB)")
    try:
        source = open_source(path)
        rows = list(source.rows())
    except (OSError, CellError) as error:
        raise UserError(f"--rates: {where}: cannot read ({error})") from None
    if not rows or [c.strip().casefold() for c in rows[0][1]] != ["currency", "rate"]:
        raise UserError(f"--rates: {where}:1: the header must be currency,rate")
    rates: dict[str, Decimal] = {}
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        try:
            code, rate = cells[0].strip().upper(), Decimal(cells[1].strip())
        except (IndexError, InvalidOperation):
            raise UserError(f"--rates: {where}:{line}: expected a currency code and a number") from None
        if not re.fullmatch(r"[A-Z]{3}", code) or not rate.is_finite() or rate <= 0:
            raise UserError(f"--rates: {where}:{line}: expected a currency code and a positive number")
        rates[code] = rate
    return rates


def account_lookups(db: Database, profile: ImportProfile, today: date) -> AccountLookups:
    """What `profile` finds accounts by, read from the book (only what it uses)."""
    from cstui.storage.imports.import_profile import FIRST_SEEN, AccountBy

    found = AccountLookups(today=today.isoformat())
    if profile.account_from_email:
        found.domains = account_domains(db)
    if profile.account_by is AccountBy.ALIAS:
        sql = (
            "SELECT account_aliases.external_id, accounts.key FROM account_aliases "
            "JOIN accounts ON accounts.id = account_aliases.account_id WHERE account_aliases.source = ?"
        )
        found.aliases = dict(db.execute(sql, [profile.source]).fetchall())
    if profile.account_by is AccountBy.NAME:
        for key, name in db.execute("SELECT key, name FROM accounts ORDER BY key"):
            found.names.setdefault(normal_name(name), []).append(key)
    if profile.account_by is AccountBy.CONTACT:
        sql = (
            "SELECT DISTINCT lower(trim(contacts.email)), accounts.key FROM contacts "
            "JOIN accounts ON accounts.id = contacts.account_id WHERE contacts.email IS NOT NULL ORDER BY 2"
        )
        for email, key in db.execute(sql):
            found.contacts.setdefault(email, []).append(key)
    if any(d.value == FIRST_SEEN for d in profile.defaults):
        found.start_dates = dict(db.execute("SELECT key, start_date FROM accounts").fetchall())
    return found


def keep_aliases(db: Database, source: str, pairs: list[tuple[str, str]]) -> int:
    """Keep each (external id, account key) as an alias of `source`; an id seen before moves to the
    account named now. Inside the import's change, so undo takes them back with it."""
    after = history.last_rowid(db, "account_aliases")
    cursor = db.conn.executemany(
        "INSERT INTO account_aliases (source, external_id, account_id) "
        "SELECT ?, ?, id FROM accounts WHERE key = ? "
        "ON CONFLICT (source, external_id) DO UPDATE SET account_id = excluded.account_id "
        "WHERE account_id IS NOT excluded.account_id",
        [(source, external_id, key) for external_id, key in pairs if external_id],
    )
    history.record_inserts(db, "account_aliases", after)
    return int(cursor.rowcount)


def account_domains(db: Database) -> dict[str, list[str]]:
    """Account keys by email domain (the accounts' `domain` column), for `--account-from-email`."""
    domains: dict[str, list[str]] = {}
    sql = "SELECT key, domain FROM accounts WHERE domain IS NOT NULL AND trim(domain) != '' ORDER BY key"
    for key, domain in db.execute(sql):
        domains.setdefault(domain.strip().casefold().removeprefix("@"), []).append(key)
    return domains


class _Run:
    """One import run: the files' writers, what they declared and what they changed."""

    def __init__(self, db: Database, progress: Progress | None, today: date):
        self.db = db
        self.today = today
        self.money = Money()
        self.currency = ""
        self.progress = progress
        self.result = ImportResult()
        self.changes: Counter[str] = Counter()
        # Keys accounts.csv and features.csv name, even on bad rows: a file referring to one is not
        # told "unknown account" when the real cause (the bad row) is already reported.
        self.declared: dict[str, set[str]] = {table: set() for table in DECLARING}
        # Each file's refs (`csv_format`): every one read, and the book's id of each row written.
        self.refs_read: dict[str, set[str]] = {table: set() for table in LINKS.values()}
        self.refs: dict[str, dict[str, int]] = {table: {} for table in LINKS.values()}
        # Notes and comments are scored in worker processes while the next rows are parsed.
        self.scorer = Scorer()

    def import_file(self, fmt: FileFormat, path: Path, profile: ImportProfile) -> list[str]:
        name = path.name
        problems: list[str] = []
        counts = self.result.tables.setdefault(fmt.table, TableCounts())
        expected = 0
        try:
            source = open_source(path, profile.encoding, profile.delimiter)
            expected = max(source.text.count("\n") - 1, 1) if self.progress else 0
            lookups = account_lookups(self.db, profile, self.today)
            lookups.currency, lookups.rates = self.currency, self.money.rates
            mapped = MappedFile(source, profile, lookups)
            counts.detected, counts.ignored = mapped.notes, mapped.ignored
            if profile.mapped and not mapped.problems and not mapped.empty:
                self.result.resolved[fmt.table] = mapped.resolved()
            if mapped.empty:
                return [f"{name}:1: -: the file is empty (a header row is required)"]
            if mapped.problems:
                return mapped.problems
            rejects = self.result.rejects
            if rejects is not None:
                rejects.header = tuple(mapped.source_header)
            alias_at = mapped.alias_index()
            aliases: list[tuple[str, str]] = []
            writer = _Writer(self, fmt, name, mapped.header)
            batch: list[dict[str, Any]] = []
            for line, cells, cell_problems, raw in mapped.rows():
                row_problems = cell_problems  # a new list for each row (`MappedFile.rows`)
                row = None
                if cells is not None:
                    row, more = writer.parse(line, cells)
                    row_problems += more
                counts.read += 1
                if rejects is not None and row_problems:
                    counts.rejected += 1
                    rejects.rows.append(Rejected(line, tuple(raw), tuple(row_problems)))
                    writer.forget(cells)
                    row_problems = []
                problems += row_problems
                if row is not None and not problems:
                    batch.append(row)
                    if alias_at is not None:
                        aliases.append((raw[alias_at].strip(), str(row["key"])))
                if counts.read % BATCH == 0:
                    writer.keys.flush()
                    if not problems:
                        writer.queue(batch)
                    batch = []
                    if self.progress:
                        self.progress(fmt.table, counts.read, expected)
                if len(problems) > MAX_PROBLEMS:
                    problems.append(f"{name}: stopped checking after {MAX_PROBLEMS} problems")
                    break
            problems += writer.repeats()
            counts.skipped = mapped.skipped
            if not problems:
                writer.queue(batch)
                writer.drain()
                writer.finish()
                if aliases and profile.source:
                    counts.aliases = keep_aliases(self.db, profile.source, aliases)
            if self.progress:
                self.progress(fmt.table, counts.read, counts.read)
        except CellError as error:
            problems.append(str(error))
        return problems


class _FreeText(dict[str, str]):
    """A free-text column's reading of a cell, looked up like a memo (nothing is kept): a blank cell
    is missing, so `_Writer.parse` reads the row cell by cell (its default, or "required")."""

    def __missing__(self, cell: str) -> str:
        if not cell.strip():
            raise KeyError(cell)
        return parse_text(cell)


class _Writer:
    """Parses the rows of one file and writes them with a fixed, allow-listed statement."""

    def __init__(self, run: _Run, fmt: FileFormat, name: str, header: list[str]):
        self.run = run
        self.db = run.db
        self.fmt = fmt
        self.name = name
        self.header = header
        self.file_columns = [fmt.column(column) for column in header]
        # Each column's parse, and for a column of values (not free text) a memo of the cells already
        # read: a big file repeats its days, accounts, features and small counts on every row.
        self.cell_plan: list[tuple[str, Callable[[str], object], bool, bool, object, dict[str, object] | None]] = [
            (c.name, c.parse, c.parse is parse_text, c.required, c.default, None if c.parse is parse_text else {})
            for c in self.file_columns
        ]
        # What `parse` reads a row's cells with: the memo, or for free text its reading (`_FreeText`).
        self.readings: list[dict[str, Any]] = [_FreeText() if memo is None else memo for *_, memo in self.cell_plan]
        # Which row checks apply (a check of a column the file does not have would only cost time).
        self.has_account = "account_key" in header
        self.has_feature = "feature" in header
        self.links = [(column, LINKS[column]) for column in header if column in LINKS]
        self.has_playbook = "playbook" in header
        # Whether `_check_links` has anything to check in this file's rows (most files have none of these).
        self.has_links = bool(REF in header or self.links or self.has_playbook)
        self.declares = DECLARING.get(fmt.table)
        self.playbooks: dict[str, int] = {}
        self.file_stored = [_stored(c.name) for c in self.file_columns]
        stored = [column for column in self.file_stored if column != REF]
        if fmt.table in SENTIMENT_SOURCES:
            stored.append("text_sentiment")
        self.stored = stored
        self.accounts: dict[str, int] = dict(self.db.execute("SELECT key, id FROM accounts").fetchall())
        self.features: dict[str, int] = dict(self.db.execute("SELECT name, id FROM features").fetchall())
        self.sql = self._statement()
        # A row's natural key (an optional key column the file lacks reads as None).
        key = fmt.key
        if key and all(c in header for c in key):
            pick = itemgetter(*key)
            self.key_of: Callable[[dict[str, Any]], tuple[Any, ...]] = (
                pick if len(key) > 1 else lambda row: (pick(row),)
            )
        else:
            self.key_of = lambda row: tuple(row.get(c) for c in key)
        self.values = itemgetter(*self.stored) if len(self.stored) > 1 else lambda row: (row[self.stored[0]],)
        self.keys = RepeatedKeys(self.db)
        self.pending: tuple[list[dict[str, Any]], Callable[[], list[float | None]] | None] | None = None
        # The columns a row without an id is compared on (every column of the format but the id).
        self.content = [c for c in fmt.names if c not in fmt.key and c != REF] if fmt.counted else []
        self.content_defaults = [(_stored(c), fmt.column(c).default) for c in self.content]
        self.copies = Copies(self._copies_in_book()) if fmt.counted else None
        self.owners = self._owners()
        known = KNOWN_NAMES.get(fmt.table)
        self.known_names = {name for (name,) in self.db.execute(known)} if known else set()
        # (ref, identity) of each row of a file with refs, resolved to ids once the file is written.
        self.ref_lines: dict[str, int] = {}
        self.ref_rows: list[tuple[str, tuple[object, ...], int]] = []
        self.occurrences: Counter[tuple[object, ...]] = Counter()

    def _statement(self) -> str:
        target = CONFLICT_TARGET[self.fmt.table]
        fixed = {_stored(c) for c in self.fmt.key}
        updates = [c for c in self.stored if c not in fixed]
        columns = ", ".join(self.stored)
        # Bound by position: a named parameter is looked up by a new string per row and column.
        values = ", ".join("?" for _ in self.stored)
        if target is None:
            return f"INSERT INTO {self.fmt.table} ({columns}) VALUES ({values})"
        if not updates:
            return f"INSERT INTO {self.fmt.table} ({columns}) VALUES ({values}) ON CONFLICT {target} DO NOTHING"
        statement = f"INSERT INTO {self.fmt.table} ({columns}) VALUES ({values}) " + self._upsert(target, updates)
        if self.fmt.table == "interactions" and INGEST_KEY in self.stored:
            # An ingested row of an export whose state changed since (reviewed, say) updates it.
            also = [c for c in self.stored if c != INGEST_KEY]
            statement += f" {self._upsert(f'({INGEST_KEY}) WHERE {INGEST_KEY} IS NOT NULL', also)}"
        return statement

    def _upsert(self, target: str, updates: list[str]) -> str:
        table = self.fmt.table
        assignments = ", ".join(f"{c} = excluded.{c}" for c in updates)
        # Only a row whose values differ counts as a change, so `updated` means what it says.
        old = ", ".join(f"{table}.{c}" for c in updates)
        new = ", ".join(f"excluded.{c}" for c in updates)
        return f"ON CONFLICT {target} DO UPDATE SET {assignments} WHERE ({old}) IS NOT ({new})"

    def _copies_in_book(self) -> Counter[tuple[object, ...]]:
        """How many imported rows without an id the book holds, by content."""
        columns = ", ".join(_stored(c) for c in self.content)
        # Rows the CSM typed differ from a file's in `source`, so they are not copies of one.
        condition = " WHERE external_id IS NULL" if self.fmt.key else ""
        return Counter(tuple(row) for row in self.db.execute(f"SELECT {columns} FROM {self.fmt.table}{condition}"))

    def _owners(self) -> dict[str, int] | None:
        """Which account holds each keyed row that can move between accounts (invoices, events with ids)."""
        if not self.fmt.key or "account_key" in self.fmt.key or "account_key" not in self.fmt.names:
            return None
        key = _stored(self.fmt.key[0])
        sql = f"SELECT {key}, account_id FROM {self.fmt.table} WHERE {key} IS NOT NULL"
        return dict(self.db.execute(sql).fetchall())

    def parse(self, line: int, cells: list[str]) -> tuple[dict[str, Any] | None, list[str]]:
        name = self.name
        if len(cells) != len(self.header):
            return None, [f"{name}:{line}: -: row has {len(cells)} cells, the header has {len(self.header)}"]
        row: dict[str, object]
        problems: list[str] = []
        try:  # most rows: every cell already read in an earlier row, or free text
            row = dict(zip(self.header, [known[cell] for known, cell in zip(self.readings, cells)]))
        except KeyError:  # a cell not read before, or an empty one: each cell through its parse
            row, problems = self._parse_cells(line, cells)
        return self._checked(line, row, problems)

    def _parse_cells(self, line: int, cells: list[str]) -> tuple[dict[str, object], list[str]]:
        name = self.name
        row: dict[str, object] = {}
        problems = []
        # Each column's parts are read once, in __init__.
        for (column, parse, free_text, required, default, memo), cell in zip(self.cell_plan, cells):
            if memo is not None:
                known = memo.get(cell, _UNSEEN)
                if known is not _UNSEEN:
                    row[column] = known
                    continue
            # Free text keeps its spaces (a round trip must be lossless); other cells are trimmed.
            text = cell if free_text else cell.strip()
            if not (text.strip() if free_text else text):
                if required:
                    problems.append(f"{name}:{line}: {column}: required value is empty")
                    row[column] = default
                    continue
                value = default
            else:
                try:
                    value = parse(text)
                except CellError as error:
                    problems.append(f"{name}:{line}: {column}: {error}")
                    continue
            row[column] = value
            # Only cells that parsed are remembered: a bad one goes through the parse (and its message) each time.
            if memo is not None and len(memo) < MEMO_MAX:
                memo[cell] = value
        return row, problems

    def _checked(self, line: int, row: dict[str, Any], problems: list[str]) -> tuple[dict[str, Any] | None, list[str]]:
        """The row's checks across cells and files, then the row as stored (None when refused or a copy)."""
        name = self.name
        declares = self.declares
        if declares and row.get(declares) is not None:
            self.run.declared[self.fmt.table].add(str(row[declares]))
        if not problems:
            found = self._check_row(line, row)
            if found:
                problems += [f"{name}:{line}: {col}: {why}" for col, why in found]
        if problems or self._waits_for_a_bad_row(row):
            return None, problems
        return self._accept(line, row), []

    def forget(self, cells: list[str] | None) -> None:
        """A refused row (`--skip-bad-rows`) declares nothing: a row naming its account is then
        refused as naming an unknown one, instead of waiting for it."""
        declares = DECLARING.get(self.fmt.table)
        if cells is None or not declares or declares not in self.header:
            return
        key = cells[self.header.index(declares)].strip()
        if key not in {str(k) for k in self.accounts} | set(self.features):
            self.run.declared[self.fmt.table].discard(key)

    def _check_row(self, line: int, row: dict[str, Any]) -> list[tuple[str, str]]:
        found = []
        table = self.fmt.table
        if self.has_account:
            account = row["account_key"]
            if account is not None and account not in self.accounts and account not in self.run.declared["accounts"]:
                found.append(("account_key", f"unknown account '{account}' (not in the book or accounts.csv)"))
        if self.has_feature:
            feature = row["feature"]
            if feature is not None and feature not in self.features and feature not in self.run.declared["features"]:
                found.append(("feature", f"unknown feature '{feature}' (add it to features.csv)"))
        if self.has_links:
            found += self._check_links(line, row)
        if table not in ROW_CHECKED:
            return found
        if table == "surveys":
            low, high = SURVEY_SCALES[row["kind"]]
            if not low <= row["score"] <= high:
                found.append(("score", f"{row['score']} is outside the {row['kind'].upper()} scale {low}..{high}"))
        if table == "accounts" and row.get("churn_date") and row["churn_date"] < row["start_date"]:
            found.append(("churn_date", f"{row['churn_date']} is before start_date {row['start_date']}"))
        if table == "invoices" and row["due_date"] < row["issued_date"]:
            found.append(("due_date", f"{row['due_date']} is before issued_date {row['issued_date']}"))
        if table == "tickets" and row.get("closed_on") and row["closed_on"] < row["opened_on"]:
            found.append(("closed_on", f"{row['closed_on']} is before opened_on {row['opened_on']}"))
        if table in KNOWN_NAMES and row["name"] not in self.known_names:
            known = ", ".join(sorted(self.known_names))
            found.append(("name", f"unknown setting '{row['name']}' (the book has: {known})"))
        if (
            table == "checkin_state"
            and row["action"] == "snoozed"
            and not (row.get("snoozed_until") or "") > row["day"]
        ):
            found.append(("snoozed_until", f"a snooze needs a date after day {row['day']}"))
        return found

    def _check_links(self, line: int, row: dict[str, Any]) -> list[tuple[str, str]]:
        """Refs and links: a ref once per file, a link to a row of this run, a playbook the book has."""
        found = []
        ref = row.get(REF)
        if ref is not None:
            if ref in self.ref_lines:
                found.append((REF, f"'{ref}' is also the ref of line {self.ref_lines[ref]}"))
            self.ref_lines.setdefault(ref, line)
            if self.fmt.table in self.run.refs_read:
                self.run.refs_read[self.fmt.table].add(ref)
        for column, table in self.links:
            link = row[column]
            if link is not None and link not in self.run.refs_read[table]:
                found.append((column, f"no row of {table}.csv has ref '{link}'"))
        if self.has_playbook and row["playbook"] is not None and self._playbook(row["playbook"]) is None:
            found.append(("playbook", f"unknown playbook '{row['playbook']}' (add it to playbooks.csv)"))
        return found

    def _playbook(self, name: str) -> int | None:
        if name not in self.playbooks:
            found = self.db.execute("SELECT id FROM playbooks WHERE name = ?", [name]).fetchone()
            if found is None:
                return None
            self.playbooks[name] = found[0]
        return self.playbooks[name]

    def _waits_for_a_bad_row(self, row: dict[str, Any]) -> bool:
        """Whether the row names an account, feature or linked row that a rejected row of this run
        declares: the run fails on that row's own message, so this one adds no second message."""
        return (
            (self.has_account and row["account_key"] is not None and row["account_key"] not in self.accounts)
            or (self.has_feature and row["feature"] is not None and row["feature"] not in self.features)
            or bool(self.links and any(self._waits_for_a_link(row, column, table) for column, table in self.links))
        )

    def _waits_for_a_link(self, row: dict[str, Any], column: str, table: str) -> bool:
        return row[column] is not None and row[column] not in self.run.refs[table]

    def _accept(self, line: int, row: dict[str, Any]) -> dict[str, Any] | None:
        """The row as stored, or None when it is a copy the book already holds."""
        key = self.key_of(row)
        stored = self._to_stored(row)
        if self.copies is not None and (not key or key[0] is None):
            content = tuple(stored.get(column, default) for column, default in self.content_defaults)
            self.occurrences[content] += 1
            if row.get(REF) is not None:
                self.ref_rows.append((row[REF], content, self.occurrences[content]))
            return stored if self.copies.wanted(content) else None
        if row.get(REF) is not None:
            self.ref_rows.append((row[REF], tuple(stored[_stored(c)] for c in self.fmt.key), 0))
        self.keys.add(line, key, tuple(row.values()))
        if self.owners is not None:
            self._note_move(self.owners, str(key[0]), stored["account_id"])
        return stored

    def _note_move(self, owners: dict[str, int], key: str, account_id: int) -> None:
        owner = owners.get(key)
        if owner is not None and owner != account_id:
            names = {id_: account for account, id_ in self.accounts.items() if id_ in (owner, account_id)}
            self.run.result.moves.append(Move(self.fmt.table, key, names[owner], names[account_id]))
        owners[key] = account_id

    def _to_stored(self, row: dict[str, Any]) -> dict[str, Any]:
        stored = dict(zip(self.file_stored, row.values()))  # `parse` fills `row` in header order
        if "account_id" in stored:
            stored["account_id"] = self.accounts[row["account_key"]]
        if "feature_id" in stored:
            stored["feature_id"] = self.features[row["feature"]]
        for column, table in self.links:
            stored[_stored(column)] = None if row[column] is None else self.run.refs[table][row[column]]
        if self.has_playbook:
            stored["playbook_id"] = None if row["playbook"] is None else self._playbook(row["playbook"])
        if self.fmt.table in SENTIMENT_SOURCES:
            stored["text_sentiment"] = None  # scored per batch (`queue`)
        return stored

    def repeats(self) -> list[str]:
        """Lines of this file that repeat a key with other values (the first such line per key)."""
        columns = ", ".join(self.fmt.key)
        return [
            f"{self.name}:{repeat.line}: {columns}: also on line {repeat.first} with other values"
            for repeat in self.keys.repeats()
        ]

    def queue(self, rows: list[dict[str, Any]]) -> None:
        """Write the batch queued before and queue this one: its texts are scored meanwhile."""
        if not rows:
            return
        scores = None
        if self.fmt.table in SENTIMENT_SOURCES:
            sources = SENTIMENT_SOURCES[self.fmt.table]
            scores = self.run.scorer.submit([tuple(row.get(c) for c in sources) for row in rows])
        self.drain()
        self.pending = (rows, scores)

    def drain(self) -> None:
        """Write the queued batch, if any."""
        if self.pending is None:
            return
        rows, scores = self.pending
        self.pending = None
        if scores is not None:
            for row, score in zip(rows, scores()):
                row["text_sentiment"] = score
        self.write(rows)

    def write(self, rows: list[dict[str, Any]]) -> None:
        # The run's change is bulk: its new rows are recorded as ranges, not row by row. Rows of a
        # table the history does not track (snapshots) are not recorded: undo leaves such rows.
        after = history.last_rowid(self.db, self.fmt.table)
        self.run.changes[self.fmt.table] += self.db.conn.executemany(self.sql, map(self.values, rows)).rowcount
        if self.fmt.table not in history.UNTRACKED_TABLES:
            history.record_inserts(self.db, self.fmt.table, after)
        search.index_inserts(self.db.conn, self.fmt.table, after)
        if self.fmt.table == "accounts":
            self.accounts = dict(self.db.execute("SELECT key, id FROM accounts").fetchall())
        elif self.fmt.table == "features":
            self.features = dict(self.db.execute("SELECT name, id FROM features").fetchall())

    def finish(self) -> None:
        """After the file's last row is written: resolve its refs to ids, and make the book's steps
        of each playbook the file names exactly the file's (a playbook's steps are replaced whole)."""
        if self.ref_rows:
            self.run.refs[self.fmt.table] = self._resolved_refs()
        if self.fmt.table == "playbook_steps" and self.copies is not None:
            self._drop_steps_not_in_file(self.occurrences)

    def _resolved_refs(self) -> dict[str, int]:
        table = self.fmt.table
        if not self.fmt.counted:  # keyed: the row with the key (an empty key column equals a NULL)
            columns = ", ".join(_stored(c) for c in self.fmt.key)
            by_key = {
                tuple("" if v is None else v for v in key): id_
                for id_, *key in self.db.execute(f"SELECT id, {columns} FROM {table}")
            }
            return {ref: by_key[tuple("" if v is None else v for v in key)] for ref, key, _ in self.ref_rows}
        # Counted: the n-th row of the file with some content is the book's n-th such row by id.
        columns = ", ".join(_stored(c) for c in self.content)
        condition = " WHERE external_id IS NULL" if self.fmt.key else ""
        by_content: dict[tuple[object, ...], list[int]] = {}
        for id_, *content in self.db.execute(f"SELECT id, {columns} FROM {table}{condition} ORDER BY id"):
            by_content.setdefault(tuple(content), []).append(id_)
        by_id = (
            dict(self.db.execute(f"SELECT external_id, id FROM {table} WHERE external_id IS NOT NULL"))
            if self.fmt.key
            else {}
        )
        return {ref: by_id[key[0]] if nth == 0 else by_content[key][nth - 1] for ref, key, nth in self.ref_rows}

    def _drop_steps_not_in_file(self, in_file: Counter[tuple[object, ...]]) -> None:
        playbooks = {content[0] for content in in_file}
        extra: list[int] = []
        for playbook in playbooks:
            seen: Counter[tuple[object, ...]] = Counter()
            for id_, *content in self.db.execute(
                "SELECT id, playbook_id, offset_days, title FROM playbook_steps WHERE playbook_id = ? ORDER BY id",
                [playbook],
            ):
                seen[tuple(content)] += 1
                if seen[tuple(content)] > in_file[tuple(content)]:
                    extra.append(id_)
        self.db.conn.executemany("DELETE FROM playbook_steps WHERE id = ?", [(id_,) for id_ in extra])
        self.run.result.tables[self.fmt.table].removed = len(extra)


@dataclass(frozen=True)
class PreviewRow:
    """A row of the file as it would be stored (cells in `Preview.header` order), and what is wrong with it."""

    line: int
    cells: tuple[str, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class Preview:
    """The first rows of a file read through a profile and checked as an import checks them."""

    source_header: tuple[str, ...]
    source_rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...]
    rows: tuple[PreviewRow, ...]
    problems: tuple[str, ...]  # the file's own (header, detection); rows carry theirs
    detected: tuple[str, ...]
    ignored: tuple[str, ...]
    sources: tuple[tuple[str, str], ...] = ()  # (column, where it comes from), as MappedFile says


def preview_file(
    db: Database,
    path: Path,
    profile: ImportProfile,
    *,
    today: date,
    limit: int = 20,
    source: SourceFile | None = None,
    money: Money | None = None,
) -> Preview:
    """What an import of `path` through `profile` would read, for the mapping screen; writes nothing
    to the book (the repeated-key bookkeeping lives in a TEMP table). `source` is the file already
    read with the profile's encoding and separator (the screen keeps it between keys); `money` the
    run's currency options."""
    try:
        source = source or open_source(path, profile.encoding, profile.delimiter)
        lookups = account_lookups(db, profile, today)
        # As the run would convert: the book's currency, else the one the run names, and its rates.
        given = money.book_currency.strip().upper() if money and money.book_currency else ""
        lookups.currency = facts.book_currency(db) or given
        lookups.rates = money.rates if money else {}
        mapped = MappedFile(source, profile, lookups)
        raw = [tuple(cells) for _, cells in islice(source.rows(), limit + 1)]
    except CellError as error:
        return Preview((), (), (), (), (str(error),), (), ())
    if mapped.empty or mapped.problems:
        refused = ("the file is empty",) if mapped.empty else tuple(mapped.problems)
        sources = tuple(mapped.sources.items())
        return Preview(raw[0] if raw else (), tuple(raw[1:]), (), (), refused, tuple(mapped.notes), (), sources)
    writer = _Writer(_Run(db, None, today), profile.format, source.name, mapped.header)
    rows = []
    try:
        for line, cells, problems, _ in islice(mapped.rows(), limit):
            if cells is not None:
                problems = problems + writer.parse(line, cells)[1]
            rows.append(PreviewRow(line, tuple(cells or ()), tuple(visible(p, one_line=True) for p in problems)))
    except CellError as error:
        return Preview(raw[0], tuple(raw[1:]), (), (), (str(error),), tuple(mapped.notes), ())
    return Preview(
        raw[0],
        tuple(raw[1:]),
        tuple(mapped.header),
        tuple(rows),
        (),
        tuple(mapped.notes),
        tuple(mapped.ignored),
        tuple(mapped.sources.items()),
    )
