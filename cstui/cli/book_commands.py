"""Commands that create and fill the book: init, demo, import, migrate."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cstui.cli import import_commands
from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.storage import connection, reads
from cstui.storage.connection import applied_steps, default_book_path, pending_steps


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    import_commands.register(app)  # `import` and `profile` live in import_commands.py (issue 18)
    migrate_app = typer.Typer(help="Show or apply the book's schema steps.", no_args_is_help=True)
    migrate_app.command("status")(migrate_status)
    migrate_app.command("apply")(migrate_apply)
    app.add_typer(migrate_app, name="migrate")


def init(db: DbOption = None) -> None:
    """Create an empty book (or bring an existing one up to date)."""
    book = open_book(db)
    path = db or default_book_path()
    typer.echo(f"book ready: {path} ({len(applied_steps(book.conn))} schema steps)")


def demo(
    db: DbOption = None,
    no_open: Annotated[bool, typer.Option("--no-open", help="Build the demo book, do not open the app.")] = False,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Throw away the demo book and build it again.")] = False,
    as_of: AsOfOption = None,
) -> None:
    """Build a realistic demo book (150 accounts, 3 years) and open the app on it."""
    from platformdirs import user_data_path

    from cstui.demo import build_demo_book

    path = Path(db) if db else user_data_path("cstui") / "demo.db"
    today = as_of_date(as_of)
    if rebuild and path.exists():
        if not _is_demo(path):
            raise UserError(f"{path}: holds accounts that are not the demo's; --rebuild only replaces a demo book")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    book = open_book(path)
    if book["accounts"].count == 0:
        typer.echo(f"building the demo book in {path} ...")
        inbox = path.with_name(f"{path.stem}-inbox")
        build_demo_book(book, today, inbox=inbox)
        typer.echo(f"demo book ready: {book['accounts'].count} accounts; calendar and mail ingested from {inbox}")
    else:
        typer.echo(f"opening the existing book {path} (use --rebuild to start the demo afresh)")
    if no_open:
        book.conn.close()
        return
    from cstui.cli.main import launch

    launch(book.conn, path, today if as_of else date.today())


def _is_demo(path: Path) -> bool:
    book = open_book(path)
    try:
        keys = reads.first_account_keys(book.conn, 5)
        return all(k.startswith("ACC-") for k in keys)
    finally:
        book.conn.close()


def migrate_status(db: DbOption = None) -> None:
    """List applied and pending schema steps."""
    book = connection.connect(db, migrate=False)
    for name in applied_steps(book.conn):
        typer.echo(f"applied  {name}")
    for name in pending_steps(book):
        typer.echo(f"pending  {name}")


def migrate_apply(db: DbOption = None) -> None:
    """Apply pending schema steps (the book is backed up first)."""
    book = connection.connect(db, migrate=False)
    pending = pending_steps(book)
    saved = connection.apply_pending(book, Path(db) if db else default_book_path())
    if pending:
        typer.echo(f"applied {len(pending)} steps; the book before them is in {saved}")
    else:
        typer.echo("the book is up to date")
