"""Commands that create and fill the book: init, demo, import, migrate."""

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from cstui.cli import import_commands
from cstui.cli.common import AsOfOption, DbOption, as_of_date, book_path, db_option, open_book
from cstui.errors import UserError
from cstui.storage.bookfile import connection
from cstui.storage.bookfile.book_file import FileKind, classify
from cstui.storage.bookfile.connection import applied_steps, pending_steps
from cstui.storage.facts import is_demo


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    import_commands.register(app)  # `import` and `profile` live in import_commands.py (issue 18)
    migrate_app = typer.Typer(help="Show or apply the book's schema steps.", no_args_is_help=True)
    migrate_app.command("status")(migrate_status)
    migrate_app.command("apply")(migrate_apply)
    app.add_typer(migrate_app, name="migrate")


def init(db: DbOption = None) -> None:
    """Create an empty book (or bring an existing one up to date); a file that is not a book is refused."""
    book = open_book(db, create=True)
    path = book_path(db)
    typer.echo(f"book ready: {path} ({len(applied_steps(book.conn))} schema steps)")


DemoDbOption = Annotated[Path | None, db_option("Where to build the demo book (default: demo.db in cstui's data dir).")]


def demo(
    db: DemoDbOption = None,
    no_open: Annotated[bool, typer.Option("--no-open", help="Build the demo book, do not open the app.")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Throw away the demo book and build it again.")] = False,
    as_of: AsOfOption = None,
) -> None:
    """Build a realistic demo book (150 accounts, 3 years) and open the app on it."""
    from platformdirs import user_data_path

    from cstui.demo import build_demo_book

    path = Path(db).expanduser() if db else user_data_path("cstui") / "demo.db"
    today = as_of_date(as_of)
    if rebuild:
        _set_aside_demo_book(path)
    book = open_book(path, create=True)
    if book["accounts"].count == 0:
        typer.echo(f"building the demo book in {path} ...")
        inbox = path.with_name(f"{path.stem}-inbox")
        build_demo_book(book, today, inbox=inbox)
        typer.echo(f"demo book ready: {book['accounts'].count} accounts; calendar and mail ingested from {inbox}")
    else:
        done = "kept" if no_open else "opening"
        typer.echo(f"{done} the existing demo book {path} (use --rebuild to start the demo afresh)")
    if no_open:
        book.conn.close()
        return
    from cstui.cli.main import launch

    launch(book.conn, path, today)


def _set_aside_demo_book(path: Path) -> None:
    """Before `--rebuild`: refuse any book `cstui demo` did not build; back up a demo book, then remove it."""
    if classify(path) in (FileKind.MISSING, FileKind.EMPTY):
        return
    book = open_book(path)
    try:
        if not is_demo(book):
            raise UserError(f"{path}: not a demo book (built by `cstui demo`); --rebuild replaces only a demo book")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        saved = connection.backup_to(book.conn, path.with_name(f"{path.name}.before-rebuild-{stamp}.bak"))
    finally:
        book.conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    typer.echo(f"the demo book as it was is kept in {saved}")


def migrate_status(db: DbOption = None) -> None:
    """List applied and pending schema steps."""
    book = open_book(db, migrate=False)
    for name in applied_steps(book.conn):
        typer.echo(f"applied  {name}")
    for name in pending_steps(book):
        typer.echo(f"pending  {name}")


def migrate_apply(db: DbOption = None) -> None:
    """Apply pending schema steps (the book is backed up first)."""
    book = open_book(db, migrate=False)
    pending = pending_steps(book)
    saved = connection.apply_pending(book, book.path)
    if pending:
        typer.echo(f"applied {len(pending)} steps; the book before them is in {saved}")
    else:
        typer.echo("the book is up to date")
