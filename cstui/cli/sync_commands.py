"""`cstui source add|list|test|remove` and `cstui sync`: mailboxes and calendars fetched when online.

Network libraries are imported only inside `sync` and `source test` (via `cstui.sync.run`), never
when the CLI starts.
"""

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cstui.cli.common import AsOfOption, DbOption, as_of_date, open_book
from cstui.errors import UserError
from cstui.safe_text import visible
from cstui.storage.sources import NewSource, SecretIn, Security, Source, SourceKind

if TYPE_CHECKING:
    from cstui.storage.bookfile.book import Book

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
NEEDS_LOGIN = (SourceKind.IMAP, SourceKind.CALDAV)


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Sources `cstui sync` fetches from: IMAP mailboxes, CalDAV calendars, .ics URLs, export folders.",
        no_args_is_help=True,
    )
    app.add_typer(group, name="source")
    group.command("add")(source_add)
    group.command("list")(source_list)
    group.command("test")(source_test)
    group.command("remove")(source_remove)
    app.command("sync")(sync)


def _say(text: str) -> None:
    typer.echo(visible(text, one_line=True))


def _kind(value: str) -> SourceKind:
    try:
        return SourceKind(value)
    except ValueError:
        raise UserError(f"KIND: '{visible(value, one_line=True)}' is not imap, caldav, ics-url or folder") from None


def _location(kind: SourceKind, location: str) -> str:
    location = location.strip()
    if kind is SourceKind.IMAP:
        if not location or any(c.isspace() for c in location) or "/" in location:
            raise UserError(f"LOCATION: '{visible(location, one_line=True)}' is not a host (imap.example.com[:993])")
        host, colon, port = location.rpartition(":")
        bracketed = location.startswith("[") and location.endswith("]")  # an IPv6 address without a port
        if colon and not bracketed and (not host or not port.isdigit() or not 1 <= int(port) <= 65535 or ":" in host):
            raise UserError(
                f"LOCATION: '{visible(location, one_line=True)}': the port after ':' is a number from 1 to 65535"
                " (imap.example.com:993; an IPv6 address in brackets, [::1]:993)"
            )
        return location
    if kind is SourceKind.FOLDER:
        path = Path(location).expanduser()
        if not path.is_dir():
            raise UserError(f"LOCATION: '{visible(location, one_line=True)}' is not a folder")
        return str(path.resolve())
    if not re.match(r"https?://[^\s/]+", location):
        raise UserError(f"LOCATION: '{visible(location, one_line=True)}' is not an http:// or https:// URL")
    if "@" in location.split("://", 1)[1].split("/", 1)[0]:
        raise UserError("LOCATION: a URL with a user name or password in it; give them with --user and the password")
    return location


def _password(kind: SourceKind, password_env: str | None, password_stdin: bool, no_password: bool) -> str | None:
    """The password typed, piped in, or None when it lives in an env variable or is not needed."""
    if password_env is not None and not _ENV_NAME.fullmatch(password_env):
        raise UserError(f"--password-env: '{visible(password_env, one_line=True)}' is not a variable name")
    if sum([password_env is not None, password_stdin, no_password]) > 1:
        raise UserError("--password-env, --password-stdin and --no-password: give one of them")
    if password_env is not None or no_password:
        return None
    if password_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise UserError("--password-stdin: no password on standard input")
        return text
    if kind not in NEEDS_LOGIN:
        return None
    if not sys.stdin.isatty():
        raise UserError("a password is needed: --password-stdin, --password-env NAME, or run it in a terminal")
    return str(typer.prompt("Password", hide_input=True))


def _bindings(book: "Book", kind: SourceKind, given: list[str]) -> tuple[str, ...]:
    """A folder source's PATTERN=PROFILE lines, each profile checked to exist (saved or built-in)."""
    from cstui.storage.imports.profiles import load_profile

    if given and kind is not SourceKind.FOLDER:
        raise UserError("--profile: only a folder source binds files to import profiles")
    found = []
    for text in given:
        pattern, equals, profile = (part.strip() for part in text.partition("="))
        if not equals or not pattern or not profile or "\n" in text or "\r" in text:
            shown = visible(text, one_line=True)
            raise UserError(f"--profile: '{shown}' is not PATTERN=PROFILE (tickets-*.csv=zendesk)")
        load_profile(book, profile)  # an unknown profile is a UserError naming the known ones
        found.append(f"{pattern}={profile}")
    return tuple(found)


def source_add(
    kind: Annotated[str, typer.Argument(help="imap, caldav, ics-url or folder.")],
    name: Annotated[str, typer.Argument(help="A short name for it (work-mail, calendar).")],
    location: Annotated[
        str, typer.Argument(help="imap: host[:port]; caldav: the calendar's URL; ics-url: the URL; folder: its path.")
    ],
    user: Annotated[str | None, typer.Option("--user", help="The login name.")] = None,
    folders: Annotated[
        list[str] | None, typer.Option("--folder", help="imap: a folder to read (repeat it; default: INBOX).")
    ] = None,
    profiles: Annotated[
        list[str] | None,
        typer.Option(
            "--profile",
            help="folder: PATTERN=PROFILE, CSV files named like PATTERN (tickets-*.csv) are imported through "
            "that import profile (repeat it). .ics, .eml and .mbox files are always ingested.",
        ),
    ] = None,
    security: Annotated[
        str, typer.Option("--security", help="imap: ssl (port 993), starttls or none (port 143).")
    ] = "ssl",
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="Read the password from this environment variable at sync.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
    ] = False,
    no_password: Annotated[bool, typer.Option("--no-password", help="The source needs no password.")] = False,
    review: Annotated[
        bool, typer.Option("--review", help="Synced items land unreviewed in the inbox review (I), as ingested ones.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Add a source. The password goes to the system keyring, else to BOOK.secrets (mode 0600), never the book."""
    from cstui.storage.sources import add_source, get_source, list_sources
    from cstui.sync import secrets

    source_kind = _kind(kind)
    if not _NAME.fullmatch(name):
        raise UserError(f"NAME: '{visible(name, one_line=True)}' is not a name (letters, digits, . _ -; 40 at most)")
    place = _location(source_kind, location)
    try:
        mode = Security(security)
    except ValueError:
        raise UserError(f"--security: '{visible(security, one_line=True)}' is not ssl, starttls or none") from None
    chosen = tuple(dict.fromkeys(f.strip() for f in folders or [] if f.strip()))
    if chosen and source_kind is not SourceKind.IMAP:
        raise UserError("--folder: only an imap source has folders")
    if source_kind is SourceKind.IMAP and not chosen:
        chosen = ("INBOX",)
    if any("\n" in f or "\r" in f for f in chosen):
        raise UserError("--folder: a folder name is one line")
    book = open_book(db)
    secrets.prune(book.path, list_sources(book.conn))
    chosen += _bindings(book, source_kind, profiles or [])
    try:
        get_source(book.conn, name)
    except UserError:
        pass
    else:
        raise UserError(f"a source named '{name}' exists already (`cstui source remove {name}` first)")
    password = _password(source_kind, password_env, password_stdin, no_password)
    where = SecretIn.ENV if password_env else SecretIn.NONE
    if password is not None:
        where = secrets.keep(book.path, name, password)
    new = NewSource(name, source_kind, place, user, where, password_env, chosen, mode, review)
    try:
        source = add_source(book, new)
    except BaseException:
        if password is not None:
            secrets.forget(book.path, name, where)
        raise
    kept = {
        SecretIn.KEYRING: "; password in the system keyring",
        SecretIn.FILE: f"; password in {secrets.secrets_file(book.path)} (mode 0600)",
        SecretIn.ENV: f"; password read from ${password_env} at each sync",
        SecretIn.NONE: "",
    }[source.secret_in]
    _say(f"source {source.name} added ({source.kind.value} {source.location}){kept}")
    _say(f"`cstui source test {source.name}` tries it, `cstui sync` fetches it")


def _row(source: Source) -> str:
    where = source.location + (f" [{', '.join(source.folders)}]" if source.folders else "")
    who = f" as {source.username}" if source.username else ""
    secret = {SecretIn.ENV: f"password: ${source.secret_env}", SecretIn.NONE: "no password"}.get(
        source.secret_in, f"password: {source.secret_in.value}"
    )
    review = ", --review" if source.review else ""
    last = f"last sync {source.last_synced_at}: {source.last_result}" if source.last_synced_at else "never synced"
    return f"{source.name}: {source.kind.value} {where}{who} ({secret}{review}); {last}"


def source_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False, db: DbOption = None
) -> None:
    """Every source, where its password is kept (never the password), and what its last sync did."""
    from cstui.storage.sources import list_sources
    from cstui.sync import secrets

    book = open_book(db)
    found = list_sources(book.conn)
    secrets.prune(book.path, found)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "name": s.name,
                        "kind": s.kind.value,
                        "location": s.location,
                        "user": s.username,
                        "folders": list(s.folders),
                        "password_in": s.secret_in.value,
                        "password_env": s.secret_env,
                        "review": s.review,
                        "last_synced_at": s.last_synced_at,
                        "last_result": s.last_result,
                    }
                    for s in found
                ],
                indent=2,
            )
        )
        return
    if not found:
        typer.echo("no sources; add one with `cstui source add imap|caldav|ics-url|folder NAME LOCATION`")
    for source in found:
        _say(_row(source))


def source_test(
    name: Annotated[str, typer.Argument(help="The source's name.")],
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for the server.")] = 20,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Log in and read the source without storing anything: what it would give, or why it cannot.
    A mailbox is only logged into and its folders counted; a calendar or folder is read."""
    from cstui.storage.sources import get_source
    from cstui.sync.fetched import SourceFailed
    from cstui.sync.imap import check_imap
    from cstui.sync.run import fetch
    from cstui.sync.secrets import password_of

    book = open_book(db)
    source = get_source(book.conn, name)
    try:
        if source.kind is SourceKind.IMAP:
            try:
                password = password_of(book.path, source)
            except LookupError as missing:
                raise SourceFailed(str(missing)) from None
            _say(f"{source.name}: reachable; {check_imap(source, password, timeout)}")
            return
        fetched = fetch(book.path, source, {}, as_of_date(as_of), timeout=timeout)
    except SourceFailed as error:
        _say(f"{source.name}: {error}")
        raise typer.Exit(1) from None
    items = sum(len(found) for found in fetched.items.values())
    _say(
        f"{source.name}: reachable; {fetched.fetched} read, {items} meetings and messages in the window; nothing stored"
    )


def source_remove(name: Annotated[str, typer.Argument(help="The source's name.")], db: DbOption = None) -> None:
    """Remove a source and its password; what it synced stays in the book (`cstui undo` puts the source back)."""
    from cstui.storage.sources import list_sources, remove_source
    from cstui.sync import secrets

    book = open_book(db)
    source = remove_source(book, name)
    secrets.forget(book.path, source.name, source.secret_in)
    secrets.prune(book.path, list_sources(book.conn))
    kept = source.secret_in in (SecretIn.FILE, SecretIn.KEYRING)
    gone = "; its password is deleted (`cstui undo` brings the source back without it)" if kept else ""
    _say(f"source {source.name} removed; what it synced stays in the book{gone}")


def sync(
    name: Annotated[str | None, typer.Argument(help="Sync only this source (default: every source).")] = None,
    me: Annotated[
        str | None,
        typer.Option("--me", envvar="CSTUI_ME", help="Your own address: meetings with only your side are internal."),
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for a server before giving up.")] = 20,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone (default: this machine's).")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Fetch what is new from every source and store it as `cstui ingest` does, one change per source.

    A source that cannot be read gets one line and the others go on (exit status 1 when any failed)."""
    from cstui.cli.ingest_commands import _zone
    from cstui.storage.sources import cursors, get_source, list_sources
    from cstui.sync.fetched import SourceFailed
    from cstui.sync.run import failed, fetch, stored

    if me is not None and "@" not in me:
        raise UserError(f"--me: '{visible(me, one_line=True)}' is not an email address")
    if timeout <= 0:
        raise UserError("--timeout: give a number of seconds above 0")
    today, zone = as_of_date(as_of), _zone(tz)
    book = open_book(db)
    chosen = [get_source(book.conn, name)] if name else list_sources(book.conn)
    if not chosen:
        raise UserError("no sources to sync; add one with `cstui source add imap|caldav|ics-url|folder NAME LOCATION`")
    bad = 0
    for source in chosen:
        try:
            fetched = fetch(book.path, source, cursors(book.conn, source.id), today, zone, timeout)
        except SourceFailed as error:
            outcome = failed(source, error)
        else:
            outcome = stored(book, source, fetched, me.strip().lower() if me else None, today)
        bad += not outcome.ok
        _say(outcome.line)
        for problem in outcome.skipped[:20]:
            typer.echo(visible(f"  skipped: {problem}", one_line=True), err=True)
    if bad:
        raise typer.Exit(1)
