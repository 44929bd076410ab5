"""The typer application and its error handling: one clear line and exit 1 for user mistakes."""

import sqlite3
import sys
from functools import cache
from pathlib import Path
from typing import Annotated

import typer

from cstui.cli.common import DbOption
from cstui.errors import UserError

try:  # typer >= 0.26 vendors click; its exceptions live there
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
except ImportError:  # pragma: no cover - older typer on plain click
    from click.exceptions import UsageError  # type: ignore[assignment]

    class NoArgsIsHelpError(UsageError):  # type: ignore[no-redef]  # never raised by plain click
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
        from cstui.cli.common import as_of_date, book_path, open_book
        from cstui.storage.book_file import FileKind, classify

        path = book_path(db)
        if classify(path) is FileKind.MISSING:  # the app never creates a book
            option = f" --db {path}" if db else ""
            raise UserError(
                f"no book at {path} yet: `cstui init{option}` creates an empty one, "
                f"`cstui demo` builds a demo book to try the app on"
            )
        day = as_of_date(as_of)
        book = open_book(db)
        launch(book.conn, path, day)


def launch(conn, db_path: Path, as_of) -> None:
    """Start the TUI; Textual is imported here only, never by the batch commands."""
    from cstui.storage.history import set_default_source
    from cstui.tui.app import CstuiApp

    conn.close()
    set_default_source("tui")  # changes made in the app are recorded as such
    CstuiApp(db_path, as_of=as_of).run()


# The app's own options: a command line of only these opens the app.
APP_OPTIONS = ("--db", "--as-of")


def opens_the_app(args: list[str]) -> bool:
    """Whether `args` name no command (and no --help), only the app's options with their values."""
    rest = list(args)
    while rest:
        word = rest.pop(0)
        if word.split("=", 1)[0] not in APP_OPTIONS:
            return False
        if "=" not in word and not rest:
            return False  # an option without its value: let typer say so
        if "=" not in word:
            rest.pop(0)
    return True


@cache
def with_commands() -> typer.Typer:
    """The CLI with every command registered. Bare `cstui` skips this: the command modules import
    the metric engine and more, and the app should not wait for what it does not use."""
    from cstui.cli import (
        book_commands,
        brief_commands,
        capture_commands,
        care_commands,
        checkin_commands,
        ingest_commands,
        playbook_commands,
        record_commands,
        renewal_commands,
        report_commands,
        search_commands,
    )

    for commands in (
        book_commands,
        capture_commands,
        report_commands,
        care_commands,
        checkin_commands,
        ingest_commands,
        brief_commands,
        search_commands,
        record_commands,
        playbook_commands,
        renewal_commands,
    ):
        commands.register(app)
    return app


def main(argv: list[str] | None = None) -> None:
    """Run one command; every user mistake or unlucky machine ends in one line on stderr and exit 1."""
    from cstui.cli import common

    common.tolerant_output()
    common.opened.clear()
    try:
        args = sys.argv[1:] if argv is None else argv
        cli = app if opens_the_app(args) else with_commands()
        code = cli(args=argv, standalone_mode=False)  # returns the code of a typer.Exit
        if isinstance(code, int) and code:
            sys.exit(code)
    except UserError as error:
        _fail(str(error))
    except NoArgsIsHelpError as error:
        print(error.ctx.get_help() if error.ctx else error.format_message())
        sys.exit(0)
    except UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        _fail(f"{error.format_message()}{hint}")
    except sqlite3.IntegrityError:
        raise  # a constraint the checks before every write missed: a bug, not the user's doing
    except sqlite3.DatabaseError as error:  # met after the book opened: name the real cause
        from cstui.storage.errors import Cause, cause_of, explain

        if cause_of(error) is Cause.OTHER and isinstance(error, sqlite3.OperationalError):
            raise  # a query the code got wrong: a bug with its traceback
        if cause_of(error) is Cause.BUSY:
            _fail(explain(error))
        where = f"{common.opened[-1]}: " if common.opened else ""
        _fail(f"{where}{error}: {explain(error)}")
    except UnicodeEncodeError as error:  # argv decoded by an ASCII locale (LC_ALL=C, PYTHONUTF8=0)
        _fail(
            f"the text {error.object[error.start : error.end]!r} cannot be read in this locale "
            f"({sys.getfilesystemencoding()}); nothing was saved. Run cstui with a UTF-8 locale (LC_ALL=C.UTF-8)"
        )
    except UnicodeDecodeError as error:  # text in the book that is not UTF-8: damage
        where = f"{common.opened[-1]}: " if common.opened else ""
        _fail(f"{where}the book holds text that is not UTF-8 ({error.reason}); `cstui doctor` checks it")
    except OSError as error:  # a file the command reads or writes: missing, forbidden, disk full
        name = error.filename or (common.opened[-1] if common.opened else "")
        _fail(f"{name}: {error.strerror or error}")
    except typer.Abort:
        print("cstui: aborted", file=sys.stderr)
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)


def _fail(message: str) -> None:
    """The one way an error reaches the terminal: paths, cells and SQLite's words may carry control
    characters (a file named with an ESC sequence), so they are written out, never sent raw."""
    from cstui.safe_text import visible

    print(f"cstui: {visible(message)}", file=sys.stderr)
    sys.exit(1)
