"""Commands that keep the book safe and get data out: export, backup, restore, doctor."""

import re
from pathlib import Path
from typing import Annotated

import typer

from cstui import clock
from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.storage.bookfile import connection, maintenance
from cstui.storage.bookfile.connection import default_book_path


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("backup")(backup)
    app.command("restore")(restore)
    app.command("doctor")(doctor)


def _book_path(db: Path | None) -> Path:
    return Path(db).expanduser() if db else default_book_path()


def export(
    directory: Annotated[Path, typer.Argument(help="Where to write the files.")] = Path("."),
    account: Annotated[str | None, typer.Option("--account", help="Write one account's brief instead.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="Brief format: md or json.")] = "md",
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Write every table as CSV in the import format, or one account's brief (--account)."""
    book = open_book(db)
    if account is None:
        from cstui.formatting import counted
        from cstui.storage.imports.export import export_tables

        for table, rows in export_tables(book, directory).items():
            typer.echo(f"{directory / (table + '.csv')}: {counted(rows, 'row')}")
        return
    from cstui.readmodels.brief import account_brief, brief_json, brief_markdown
    from cstui.storage.imports.export import write_private
    from cstui.storage.records.checks import account_id

    if fmt not in ("md", "json"):
        raise UserError(f"--format: '{fmt}' is not md or json")
    brief = account_brief(book, account_id(book, account), as_of_date(as_of))
    name = re.sub(r"[^A-Za-z0-9._-]", "_", account) + f"-brief.{fmt}"
    path = write_private(directory / name, brief_markdown(brief) if fmt == "md" else brief_json(brief))
    typer.echo(f"brief written: {path}")


def backup(
    target: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    db: DbOption = None,
) -> None:
    """Copy the book with SQLite's online backup API (safe while the app is open)."""
    if target.exists():
        raise UserError(f"{target}: already exists; choose a new file name")
    book = open_book(db)
    connection.backup_to(book.conn, target)
    typer.echo(f"backed up to {target}")


def restore(
    source: Annotated[Path, typer.Argument(help="A backup made by `cstui backup` or the app's daily copies.")],
    db: DbOption = None,
) -> None:
    """Put a backup back: it is checked first, and the current book is kept aside."""
    target = _book_path(db)
    aside = maintenance.restore(source, target)
    if aside is None:
        typer.echo(f"restored {source} into {target} (there was no book there before)")
    else:
        typer.echo(f"restored {source}; the book as it was is kept in {aside}")


def doctor(db: DbOption = None) -> None:
    """Check the book: integrity, foreign keys, schema version, pragmas, backups."""
    result = maintenance.checkup(_book_path(db), clock.today())
    for fact in result.facts:
        typer.echo(fact)
    for problem in result.problems:
        typer.echo(f"PROBLEM: {problem}")
    if not result.ok:
        raise typer.Exit(1)
    typer.echo("the book is healthy")
