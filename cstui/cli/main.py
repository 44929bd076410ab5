"""The typer application and its error handling: one clear line and exit 1 for user mistakes."""

import sqlite3
import sys
from pathlib import Path
from typing import Annotated

import typer

from cstui.cli import (
    book_commands,
    brief_commands,
    capture_commands,
    care_commands,
    ingest_commands,
    playbook_commands,
    record_commands,
    renewal_commands,
    report_commands,
    search_commands,
)
from cstui.cli.common import DbOption
from cstui.errors import UserError

try:  # typer >= 0.26 vendors click; its exceptions live there
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on plain click
    from click.exceptions import UsageError

    class NoArgsIsHelpError(UsageError):  # never raised by plain click
        pass


app = typer.Typer(
    name="cstui",
    help="A keyboard-driven terminal app for a Customer Success Manager's book of business.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def open_app(
    ctx: typer.Context,
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Open the book as of this date.")] = None,
) -> None:
    """Bare `cstui` opens the app on the book."""
    if ctx.invoked_subcommand is None:
        from cstui.cli.common import as_of_date, open_book

        book = open_book(db)
        launch(book.conn, Path(db) if db else None, as_of_date(as_of))


def launch(conn, db_path, as_of) -> None:
    """Start the TUI; Textual is imported here only, never by the batch commands."""
    from cstui.storage.connection import default_book_path
    from cstui.storage.history import set_default_source
    from cstui.tui.app import CstuiApp

    conn.close()
    set_default_source("tui")  # changes made in the app are recorded as such
    CstuiApp(db_path or default_book_path(), as_of=as_of).run()


book_commands.register(app)
capture_commands.register(app)
report_commands.register(app)
care_commands.register(app)
ingest_commands.register(app)
brief_commands.register(app)
search_commands.register(app)
record_commands.register(app)
playbook_commands.register(app)
renewal_commands.register(app)


def main(argv: list[str] | None = None) -> None:
    try:
        code = app(args=argv, standalone_mode=False)  # returns the code of a typer.Exit
        if isinstance(code, int) and code:
            sys.exit(code)
    except UserError as error:
        print(f"cstui: {error}", file=sys.stderr)
        sys.exit(1)
    except NoArgsIsHelpError as error:
        print(error.ctx.get_help() if error.ctx else error.format_message())
        sys.exit(0)
    except UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        print(f"cstui: {error.format_message()}{hint}", file=sys.stderr)
        sys.exit(1)
    except sqlite3.IntegrityError:
        raise  # a constraint the checks before every write missed: a bug, not the user's doing
    except sqlite3.OperationalError as error:
        if "locked" not in str(error) and "busy" not in str(error):
            raise
        print(
            "cstui: the book is busy (another cstui is writing to it, an import perhaps); "
            "nothing was changed, try again in a moment.",
            file=sys.stderr,
        )
        sys.exit(1)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # a damaged book met after it opened
        print(
            f"cstui: the book could not be read ({error}). Check it with `cstui doctor`; "
            "`cstui restore BACKUP` puts a backup back.",
            file=sys.stderr,
        )
        sys.exit(1)
    except typer.Abort:
        print("cstui: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
