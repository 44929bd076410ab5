"""The `cstui` command and its error handling: one clear line and exit 1 for user mistakes.

Bare `cstui [--db X] [--as-of D]` opens the app straight from here: the app's first frame does not
wait for typer, the command modules, sqlite-utils or the engine. Every other command line (a
command, `--help`, a mistake typer must name) goes to the typer application in `cstui.cli.typer_app`.
"""

import os
import shlex
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cstui import clock
from cstui.cli import args as cli_args
from cstui.errors import UserError

if TYPE_CHECKING:
    from sqlite3 import Connection

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


def app_options(args: list[str]) -> dict[str, str]:
    """The values of the app's options in a command line `opens_the_app` accepted; as in typer, the
    last of a repeated option wins."""
    values: dict[str, str] = {}
    rest = list(args)
    while rest:
        name, equals, value = rest.pop(0).partition("=")
        values[name] = value if equals else rest.pop(0)
    return values


def open_app(db: Path | None, as_of: str | None) -> None:
    """Bare `cstui` opens the app on the book (a missing book is named, never created)."""
    from cstui.storage.bookfile.book_file import FileKind, classify

    path = cli_args.book_path(db)
    if classify(path) is FileKind.MISSING:  # the app never creates a book
        option = f" --db {path}" if db else ""
        raise UserError(
            f"no book at {path} yet: `cstui init{option}` creates an empty one, "
            f"`cstui demo` opens the demo book (building it the first time) to try the app on"
        )
    day = cli_args.as_of_date(as_of)
    cli_args.opened.append(path)
    launch(None, path, day)


def launch(conn: "Connection | None", db_path: Path, as_of: date) -> None:
    """Start the TUI on the book at `db_path` (closing `conn`, a command's own connection to it, first).

    The book is opened here once and handed to the app, so every refusal (not a book, a newer book) is
    said before the terminal is asked for. Textual is imported here only, never by the batch commands."""
    from cstui.storage.bookfile.connection import bring_up_to_date, open_connection

    if conn is not None:
        conn.close()
    opened = open_connection(db_path)
    try:
        if opened.read_only:
            bring_up_to_date(opened)  # writes nothing: refuses a read-only book that lacks schema steps
        need_a_terminal(db_path)
        from cstui.tui.app import CstuiApp

        app = CstuiApp(db_path, as_of=as_of, records_as="tui", opened=opened)  # changes recorded as the app's
    except BaseException:
        opened.conn.close()
        raise
    app.run()


def has_a_terminal() -> bool:
    """The app reads keys from stdin and draws on stderr (Textual's driver): without a terminal on both
    it would draw into a pipe or a file and its input thread would spin on end-of-file."""
    return all(stream is not None and stream.isatty() for stream in (sys.__stdin__, sys.__stderr__))


def need_a_terminal(db_path: Path) -> None:
    """Say that the app needs a terminal, instead of drawing into a pipe (`has_a_terminal`)."""
    if has_a_terminal():
        return
    raise UserError(
        f"the app needs a terminal, and stdin or stderr is not one; to open {db_path}, "
        f"run `cstui --db {shlex.quote(os.fspath(db_path))}` in a terminal"
    )


def main(argv: list[str] | None = None) -> None:
    """Run one command; every user mistake or unlucky machine ends in one line on stderr and exit 1."""
    cli_args.tolerant_output()
    cli_args.opened.clear()
    cli_args.given.db = cli_args.given.as_of = None
    clock.pin(None)
    try:
        args = cli_args.hoist_book_options(sys.argv[1:] if argv is None else argv)
        if opens_the_app(args):
            options = app_options(args)
            db = options.get("--db")
            cli_args.pin_today(options.get("--as-of"))
            open_app(Path(db) if db is not None else None, options.get("--as-of"))
        else:
            _run_command(args)
    except UserError as error:
        _fail(str(error))
    except sqlite3.IntegrityError:
        raise  # a constraint the checks before every write missed: a bug, not the user's doing
    except sqlite3.DatabaseError as error:  # met after the book opened: name the real cause
        from cstui.storage.bookfile.errors import Cause, cause_of, explain

        book = cli_args.opened[-1] if cli_args.opened else None
        if cause_of(error, book) is Cause.OTHER and isinstance(error, sqlite3.OperationalError):
            raise  # a query the code got wrong: a bug with its traceback
        if cause_of(error, book) is Cause.BUSY:
            _fail(explain(error))
        where = f"{book}: " if book else ""
        _fail(f"{where}{error}: {explain(error, book)}")
    except UnicodeEncodeError as error:  # argv decoded by an ASCII locale (LC_ALL=C, PYTHONUTF8=0)
        _fail(
            f"the text {error.object[error.start : error.end]!r} cannot be read in this locale "
            f"({sys.getfilesystemencoding()}); nothing was saved. Run cstui with a UTF-8 locale (LC_ALL=C.UTF-8)"
        )
    except UnicodeDecodeError as error:  # text in the book that is not UTF-8: damage
        where = f"{cli_args.opened[-1]}: " if cli_args.opened else ""
        _fail(f"{where}the book holds text that is not UTF-8 ({error.reason}); `cstui doctor` checks it")
    except OSError as error:  # a file the command reads or writes: missing, forbidden, disk full
        name = error.filename or (cli_args.opened[-1] if cli_args.opened else "")
        _fail(f"{name}: {error.strerror or error}")
    finally:  # one command's day ends with it (tests and the app run many in one process)
        clock.pin(None)


def _run_command(args: list[str]) -> None:
    """A command line for typer; its own outcomes (help, usage mistakes, abort, exit codes) are told here."""
    import typer

    from cstui.cli.typer_app import with_commands

    try:  # typer >= 0.26 vendors click; its exceptions live there
        from typer._click.exceptions import NoArgsIsHelpError, UsageError
    except ImportError:  # pragma: no cover - older typer on plain click
        from click.exceptions import UsageError  # type: ignore[assignment]

        class NoArgsIsHelpError(UsageError):  # type: ignore[no-redef]  # never raised by plain click
            pass

    try:
        code = with_commands()(args=args, standalone_mode=False)  # returns the code of a typer.Exit
        if isinstance(code, int) and code:
            sys.exit(code)
    except NoArgsIsHelpError as error:
        print(error.ctx.get_help() if error.ctx else error.format_message())
        sys.exit(0)
    except UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        _fail(f"{error.format_message()}{hint}")
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
