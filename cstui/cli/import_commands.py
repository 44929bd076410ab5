"""`cstui import` (with column mapping, detection, dry runs and profiles) and `cstui profile ...`.

The options build one typed `ImportProfile`; the importer reads the file through it and checks
the rows exactly as it checks a file in the contract's format.
"""

import csv
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cstui import clock
from cstui.cli.common import DbOption, book_path, open_book
from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.bookfile.book_file import FileKind, classify
from cstui.storage.imports.csv_format import FORMAT_BY_TABLE, FORMATS
from cstui.storage.imports.import_profile import (
    AccountBy,
    ImportProfile,
    RowTest,
    parse_column_map,
    parse_constant,
    parse_default,
    parse_only_when,
    parse_paid_when,
    parse_skip_when,
    parse_value_map,
    profile_file_body,
)
from cstui.user_files import UnreadableFile, read_user_json

if TYPE_CHECKING:
    from rich.progress import TaskID

    from cstui.storage.bookfile.book import Book
    from cstui.storage.imports.importer import Money

PROBLEMS_SHOWN = 20
# The last column of a reject file: why its row was refused (a reject file may be written over).
REJECT_COLUMN = "cstui_problem"


def register(app: typer.Typer) -> None:
    app.command("import")(import_files)
    profile_app = typer.Typer(help="Saved import profiles: list, show, export, import, delete.", no_args_is_help=True)
    profile_app.command("list")(profile_list)
    profile_app.command("show")(profile_show)
    profile_app.command("export")(profile_export)
    profile_app.command("import")(profile_import)
    profile_app.command("delete")(profile_delete)
    app.add_typer(profile_app, name="profile")


def _option(flag: str, text: str):
    return typer.Option(flag, help=text, show_default=False)


Texts = list[str] | None
MapOption = Annotated[Texts, _option("--map", 'A source header and the column it fills: "Invoice #=invoice_no".')]
ValueOption = Annotated[Texts, _option("--value", 'A word and the value it means: "channel:Web form=self_service".')]
SetOption = Annotated[Texts, _option("--set", 'A column every row has the same value in: "kind=nps".')]
CentsOption = Annotated[Texts, _option("--cents", "An amount column written in cents (divided by 100).")]
EmailOption = Annotated[
    str | None, _option("--account-from-email", "A column of email addresses: the account is the one with that domain.")
]


SkipOption = Annotated[Texts, _option("--skip-when", 'Leave out rows where "Status=deleted" (or "Status=a,b").')]
SkipEmptyOption = Annotated[Texts, _option("--skip-when-empty", "Leave out rows where this column is empty.")]
DefaultOption = Annotated[
    Texts,
    _option("--default", 'A value for a missing column or empty cell: "start_date=first-seen", "due_date=@Date".'),
]
OnlyWhenOption = Annotated[Texts, _option("--only-when", 'Keep a column only on some rows: "closed_on:Status=solved".')]
AccountIdOption = Annotated[
    str | None, _option("--account-by-id", "A column of the source system's account ids (kept with --alias).")
]
AccountNameOption = Annotated[
    str | None, _option("--account-by-name", "A column of account names (case, accents ignored).")
]
AccountContactOption = Annotated[str | None, _option("--account-by-contact", "A column of contacts' email addresses.")]
SourceOption = Annotated[str | None, _option("--source", "The system the file comes from (stripe, hubspot...).")]
AliasOption = Annotated[str | None, _option("--alias", "Accounts: keep this column's id as the account's --source id.")]
MinusOption = Annotated[str | None, _option("--minus", "A column subtracted from the amount (refunded, credited).")]
TzOption = Annotated[
    str | None, _option("--tz", "Timestamps are UTC: store the day in this zone (e.g. Europe/Berlin).")
]
CurrencyOption = Annotated[
    str | None, _option("--currency-column", "A column of currency codes: amounts in another one are converted.")
]
BookCurrencyOption = Annotated[str | None, _option("--book-currency", "The book's currency, said once (e.g. EUR).")]
RatesOption = Annotated[
    Path | None, _option("--rates", "A CSV of currency,rate: one unit of that currency in the book's currency.")
]
RejectOption = Annotated[
    Path | None, _option("--skip-bad-rows", "Import the good rows; write each refused row and why to this CSV file.")
]


def import_files(
    source: Annotated[Path, typer.Argument(help="A directory of CSV files, or one CSV file.")],
    db: DbOption = None,
    table: Annotated[str | None, _option("--table", "The table a file of any name fills (e.g. invoices).")] = None,
    maps: MapOption = None,
    values: ValueOption = None,
    constants: SetOption = None,
    date_format: Annotated[str | None, _option("--date-format", 'How the file writes dates, e.g. "%d/%m/%Y".')] = None,
    decimal: Annotated[str | None, _option("--decimal", "The decimal mark of the file's numbers: , or .")] = None,
    encoding: Annotated[str | None, _option("--encoding", "The file's encoding, e.g. cp1252 or utf-16.")] = None,
    delimiter: Annotated[str | None, _option("--delimiter", "The separator, e.g. ';' or tab.")] = None,
    cents: CentsOption = None,
    paid_when: Annotated[str | None, _option("--paid-when", 'Keep paid_date only where "Status=paid".')] = None,
    account_from_email: EmailOption = None,
    skip_when: SkipOption = None,
    skip_when_empty: SkipEmptyOption = None,
    defaults: DefaultOption = None,
    only_when: OnlyWhenOption = None,
    account_by_id: AccountIdOption = None,
    account_by_name: AccountNameOption = None,
    account_by_contact: AccountContactOption = None,
    source_name: SourceOption = None,
    alias: AliasOption = None,
    minus: MinusOption = None,
    tz: TzOption = None,
    currency_column: CurrencyOption = None,
    book_currency: BookCurrencyOption = None,
    rates: RatesOption = None,
    skip_bad_rows: RejectOption = None,
    profile: Annotated[
        str | None, _option("--profile", "Read the file through this profile (saved or built-in).")
    ] = None,
    save_profile: Annotated[str | None, _option("--save-profile", "Save the mapping as a profile.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and count, write nothing.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", help="Map the file's columns on a screen.")] = False,
) -> None:
    """Load CSV files: the contract's own, or any export through a mapping; all-or-nothing, every bad row listed."""
    if interactive:  # before the book is opened or created: the screen needs a terminal
        from cstui.cli.main import has_a_terminal

        if not has_a_terminal():
            raise UserError(
                "--interactive: the mapping screen needs a terminal, and stdin or stderr is not one; "
                "without one, map the columns with --table and --map"
            )
    from cstui.storage.imports.importer import Money, read_rates

    money = Money(book_currency, read_rates(rates) if rates else {})
    if skip_bad_rows is not None:
        if source.is_dir():
            raise UserError("--skip-bad-rows: give one file (a folder's files each have their own columns)")
        _check_reject_file(skip_bad_rows)
    reading = _reading_options(date_format, decimal, encoding, delimiter)
    account_by = _account_by(account_by_id, account_by_name, account_by_contact)
    mapping = {
        "columns": tuple(parse_column_map(m) for m in maps or ()),
        "values": tuple(parse_value_map(v) for v in values or ()),
        "constants": tuple(parse_constant(c) for c in constants or ()),
        "cents": tuple(cents or ()),
        "paid_when": parse_paid_when(paid_when) if paid_when else None,
        "account_from_email": account_from_email,
        "skip": tuple(parse_skip_when(t) for t in skip_when or ()) + tuple(RowTest(c) for c in skip_when_empty or ()),
        "defaults": tuple(parse_default(d) for d in defaults or ()),
        "only_when": tuple(parse_only_when(o) for o in only_when or ()),
        "account_by": account_by[0] if account_by else None,
        "account_column": account_by[1] if account_by else None,
        "source": source_name,
        "alias_column": alias,
        "minus": minus,
        "tz": tz,
        "currency_column": currency_column,
    }
    from cstui.storage.imports.builtin_profiles import recognise_file

    recognised = None
    if not (profile or table or interactive or source.is_dir() or source.stem in FORMAT_BY_TABLE):
        recognised = recognise_file(source, reading["encoding"], reading["delimiter"])
        profile = recognised.name if recognised else None
    asked = _Asked(
        source,
        db,
        table,
        mapping,
        reading,
        profile,
        save_profile,
        dry_run,
        interactive,
        recognised,
        money,
        skip_bad_rows,
    )
    with _import_book(db, dry_run) as book:
        _import(book, asked)


@dataclass(frozen=True)
class _Asked:
    """What one `cstui import` command line asks for, its options parsed."""

    source: Path
    db: Path | None
    table: str | None
    mapping: dict[str, Any]
    reading: dict[str, Any]
    profile: str | None
    save_profile: str | None
    dry_run: bool
    interactive: bool
    recognised: Any  # the built-in profile the headers were recognised as, if any
    money: "Money"  # the book's currency and the rates file's rates
    skip_bad_rows: Path | None  # the reject file


@contextmanager
def _import_book(db: Path | None, dry_run: bool) -> Iterator["Book"]:
    """The book an import writes to. `import` may create a book, but only one it fills: a dry run
    where there is no book yet runs against a throw-away book, and a new book (or a 0-byte file)
    whose import fails or is rejected is taken back, so no half-made book is left behind."""
    path = book_path(db)
    kind = classify(path)
    fresh = kind is FileKind.MISSING or (kind is FileKind.EMPTY and path.stat().st_size == 0)
    mode = stat.S_IMODE(path.stat().st_mode) if kind is FileKind.EMPTY else 0
    if fresh and dry_run:
        with tempfile.TemporaryDirectory(prefix="cstui-dry-run-") as folder:
            book = open_book(Path(folder) / path.name, create=True)
            try:
                yield book
            finally:
                book.conn.close()
        return
    book = open_book(db, create=True)  # import is one of the three commands that may create a book
    if not fresh:
        yield book
        return
    try:
        yield book
    except BaseException:
        book.conn.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        if kind is FileKind.MISSING:
            path.unlink(missing_ok=True)
        else:
            os.truncate(path, 0)
            os.chmod(path, mode)
        raise


def _import(book: "Book", asked: _Asked) -> None:
    from cstui.storage.imports.importer import import_path
    from cstui.storage.imports.profiles import load_profile
    from cstui.storage.imports.profiles import save_profile as store_profile

    source, db, table, mapping, reading = asked.source, asked.db, asked.table, asked.mapping, asked.reading
    save_profile, dry_run, interactive = asked.save_profile, asked.dry_run, asked.interactive
    recognised, money, skip_bad_rows = asked.recognised, asked.money, asked.skip_bad_rows
    chosen = load_profile(book, asked.profile).profile if asked.profile else None
    if interactive and chosen is None and not table:
        # The screen picks the table from the headers; the reading options given stay.
        _interactive(book, source, ImportProfile(FORMATS[0].table, mapped=False).with_options(**reading), db, money)
        return
    if chosen is None and (table or any(mapping.values()) or save_profile or interactive):
        chosen = ImportProfile(_table_for(source, table)).check()
    if chosen is not None:
        chosen = chosen.with_options(**({"table": table} if table else {}), **mapping, **reading)
    elif any(reading.values()):
        chosen = ImportProfile("accounts", mapped=False).with_options(**reading)
    if interactive:
        _interactive(book, source, chosen, db, money)
        return
    if recognised:
        typer.echo(f"recognised: {recognised.title} (profile {recognised.name}; --profile NAME to use another)")
    with _progress_bar() as progress:
        result = import_path(
            book,
            source,
            progress,
            chosen,
            dry_run=dry_run,
            today=clock.today(),
            skip_bad_rows=bool(skip_bad_rows),
            money=money,
        )
    if dry_run:
        typer.echo("dry run: nothing was written")
    for line in result.lines():
        typer.echo(line)
    if result.problems:
        count = f"{len(result.problems)} problem{'s' if len(result.problems) != 1 else ''}"
        typer.echo(f"{count}; the import would be rejected:")
        for problem in result.problems[:PROBLEMS_SHOWN]:
            typer.echo(problem)
        if len(result.problems) > PROBLEMS_SHOWN:
            typer.echo(f"... and {len(result.problems) - PROBLEMS_SHOWN} more")
        raise typer.Exit(1)
    if skip_bad_rows is not None and result.rejects is not None:
        _write_rejects(skip_bad_rows, result.rejects)
    if not dry_run and "checkin_state" in result.tables:
        _fingerprint_imported_reviews(book)
    if save_profile and dry_run:
        typer.echo(f"profile '{visible(save_profile, one_line=True)}' not saved (dry run)")
    elif save_profile and chosen is not None:
        store_profile(book, save_profile, result.resolved.get(chosen.table, chosen), clock.today())
        typer.echo(f"saved the mapping as profile '{visible(save_profile, one_line=True)}'")


def _account_by(by_id: str | None, by_name: str | None, by_contact: str | None) -> tuple[AccountBy, str] | None:
    given = [(how, column) for how, column in ((AccountBy.ALIAS, by_id), (AccountBy.NAME, by_name)) if column]
    given += [(AccountBy.CONTACT, by_contact)] if by_contact else []
    if len(given) > 1:
        raise UserError("give one of --account-by-id, --account-by-name, --account-by-contact")
    return given[0] if given else None


def _check_reject_file(path: Path) -> None:
    """The reject file may be new or a reject file written before; nothing else is written over."""
    if path.is_dir() or (path.exists() and not path.is_file()):
        raise UserError(f"--skip-bad-rows: {visible(path, one_line=True)} is not a file")
    if path.is_file() and path.stat().st_size:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            header = next(csv.reader(handle), [])
        if not header or header[-1] != REJECT_COLUMN:
            raise UserError(
                f"--skip-bad-rows: {visible(path, one_line=True)} exists and is not a reject file; give a new name"
            )


def _write_rejects(path: Path, rejects) -> None:
    """The refused rows as the file had them, each with its reasons in a last column: fix, import again."""
    if not rejects.rows:
        typer.echo("no row was refused")
        if path.is_file():
            path.unlink()
        return
    try:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*rejects.header, REJECT_COLUMN])
            for row in rejects.rows:
                writer.writerow([*row.cells, "; ".join(row.reasons)])
    except OSError as error:
        raise UserError(f"--skip-bad-rows: cannot write {visible(path, one_line=True)} ({error.strerror})") from None
    count = len(rejects.rows)
    typer.echo(
        f"{count} row{'s' if count != 1 else ''} refused, written with the reasons to {visible(path, one_line=True)}"
    )


def _fingerprint_imported_reviews(book) -> None:
    """Imported reviews and snoozes without a fingerprint get the one the check-in would have stored."""
    from functools import partial

    from cstui.derived.checkin_day import imported_fingerprints
    from cstui.derived.health_cache import current_scores

    if count := imported_fingerprints(book, partial(current_scores, book.conn)):
        typer.echo(f"checkin_state: the reasons seen stored for {count} imported reviews and snoozes")


def _reading_options(date_format, decimal, encoding, delimiter) -> dict:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}
    return {
        "date_format": date_format,
        "decimal": decimal,
        "encoding": encoding,
        "delimiter": named.get(delimiter, delimiter) if delimiter else None,
    }


def _table_for(source: Path, table: str | None) -> str:
    if table:
        return table
    if source.stem in FORMAT_BY_TABLE:
        return source.stem
    raise UserError(f"--table: which table does {visible(source.name, one_line=True)} fill? (e.g. --table invoices)")


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress display on stderr, only on a terminal: a redirected stdout gets the summary alone
    (Rich writes a blank line when a progress display ends on a file)."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} rows"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(table: str, done: int, total: int) -> None:
            if table not in tasks:
                tasks[table] = bar.add_task(table, total=total)
            bar.update(tasks[table], completed=done, total=max(total, done))

        yield progress


def _interactive(
    book, source: Path, chosen: ImportProfile | None, db: Path | None, money: "Money | None" = None
) -> None:
    """Open the app on the mapping screen for `source` (with the run's currency options);
    Textual is imported here only."""
    from cstui.tui.screens.mapping import mapping_app

    if not source.is_file():
        raise UserError(f"{visible(source, one_line=True)}: --interactive maps one file")
    book.conn.close()
    result = mapping_app(book_path(db), source, chosen, clock.today(), money).run()
    if result is None:
        typer.echo("nothing imported")
        return
    for line in result.lines():
        typer.echo(line)


# --- cstui profile ... ---


def profile_list(db: DbOption = None) -> None:
    """List the saved import profiles."""
    from cstui.storage.imports.builtin_profiles import BUILTIN
    from cstui.storage.imports.profiles import BUILT_IN, list_profiles

    for item in list_profiles(open_book(db)):
        if item.saved_on == BUILT_IN:
            typer.echo(f"{item.name}  {item.profile.table}  built-in: {BUILTIN[item.name].title}")
        else:
            typer.echo(
                f"{visible(item.name, one_line=True)}  {item.profile.table}  "
                f"{len(item.profile.columns)} mapped columns  saved {item.saved_on}"
            )


def profile_show(name: Annotated[str, typer.Argument(help="The profile's name.")], db: DbOption = None) -> None:
    """Print a profile as the JSON file `profile export` writes (a built-in one says where its columns come from)."""
    from cstui.storage.imports.builtin_profiles import BUILTIN
    from cstui.storage.imports.profiles import BUILT_IN, load_profile

    saved = load_profile(open_book(db), name)
    if saved.saved_on == BUILT_IN:
        # Where its columns come from, on stderr: stdout stays the JSON `profile export` writes.
        built = BUILTIN[saved.name]
        typer.echo(f"built-in: {built.title}\ncolumns from: {built.documented}", err=True)
    typer.echo(visible(profile_file_body(saved.name, saved.profile)), nl=False)


def profile_export(
    name: Annotated[str, typer.Argument(help="The profile's name.")],
    file: Annotated[Path, typer.Argument(help="The JSON file to write (edit it, share it).")],
    db: DbOption = None,
) -> None:
    """Write a profile to a JSON file the CSM can edit and share."""
    from cstui.storage.imports.profiles import load_profile

    saved = load_profile(open_book(db), name)
    try:
        file.write_text(profile_file_body(saved.name, saved.profile), encoding="utf-8")
    except OSError as error:
        raise UserError(f"{visible(file, one_line=True)}: cannot write ({error.strerror})") from None
    typer.echo(f"wrote profile '{visible(saved.name, one_line=True)}' to {visible(file, one_line=True)}")


def profile_import(
    file: Annotated[Path, typer.Argument(help="A JSON file written by `cstui profile export` (or by hand).")],
    name: Annotated[str | None, _option("--name", "Save it under this name (default: the file's name field).")] = None,
    replace_existing: Annotated[bool, typer.Option("--replace", help="Replace a profile of that name.")] = False,
    db: DbOption = None,
) -> None:
    """Read a profile from a JSON file into the book."""
    from cstui.storage.imports.profiles import profile_names, save_profile

    where = visible(file.name, one_line=True)
    try:  # a regular file of at most 1 MB: never a FIFO, /dev/zero or a JSON bomb
        body = read_user_json(file, "a JSON profile")
    except UnreadableFile as error:
        raise UserError(f"{where}: {error.why}") from None
    profile = ImportProfile.from_json(body, where)
    chosen = name or (body.get("name") if isinstance(body.get("name"), str) else None)
    if not chosen:
        raise UserError(f"{where}: the file names no profile; give one with --name")
    book = open_book(db)
    if chosen in profile_names(book) and not replace_existing:
        raise UserError(f"a profile named '{visible(chosen, one_line=True)}' exists; pass --replace to replace it")
    save_profile(book, chosen, profile, clock.today())
    typer.echo(f"imported profile '{visible(chosen, one_line=True)}' ({profile.table})")


def profile_delete(name: Annotated[str, typer.Argument(help="The profile's name.")], db: DbOption = None) -> None:
    """Delete a saved profile."""
    from cstui.storage.imports.profiles import delete_profile

    delete_profile(open_book(db), name)
    typer.echo(f"deleted profile '{visible(name, one_line=True)}'")
