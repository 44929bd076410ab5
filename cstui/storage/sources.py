"""The `sources` table: mailboxes, calendars and folders `cstui sync` fetches from, and their cursors.

A source is a row the CSM adds and removes through the one write path (a recorded change, so
`cstui undo` works); where a sync stopped (`Cursor`) is written in the sync's own change by
`cstui.storage.sync_store`. No secret is ever stored here: `secret_in` only says where it is kept.
"""

import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cstui.errors import UserError
from cstui.storage.bookfile.connection import write_transaction

if TYPE_CHECKING:  # `has_sources` runs on the app's start-up path, before sqlite-utils is needed
    from sqlite_utils import Database


class SourceKind(StrEnum):
    IMAP = "imap"
    CALDAV = "caldav"
    ICS_URL = "ics-url"
    FOLDER = "folder"


class SecretIn(StrEnum):
    """Where a source's password is kept (never in the book)."""

    NONE = "none"
    KEYRING = "keyring"  # the system keyring, service "cstui", user "<book path>#<source name>"
    FILE = "file"  # BOOK.secrets, mode 0600, beside the book
    ENV = "env"  # the environment variable `Source.secret_env`


class Security(StrEnum):
    SSL = "ssl"
    STARTTLS = "starttls"
    NONE = "none"


@dataclass(frozen=True)
class Source:
    id: int
    name: str
    kind: SourceKind
    location: str
    username: str | None
    secret_in: SecretIn
    secret_env: str | None
    folders: tuple[str, ...]  # imap: folders; folder: PATTERN=PROFILE bindings
    security: Security
    review: bool
    last_synced_at: str | None
    last_result: str | None


@dataclass(frozen=True)
class NewSource:
    """What `cstui source add` asks to store."""

    name: str
    kind: SourceKind
    location: str
    username: str | None = None
    secret_in: SecretIn = SecretIn.NONE
    secret_env: str | None = None
    folders: tuple[str, ...] = ()
    security: Security = Security.SSL
    review: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where a source's last sync stopped in one scope (an IMAP folder, a calendar, a file)."""

    scope: str
    validity: str | None
    position: str | None


_COLUMNS = (
    "id, name, kind, location, username, secret_in, secret_env, folders, security, review, last_synced_at, last_result"
)


def _source(row: tuple[object, ...]) -> Source:
    sid, name, kind, location, username, secret_in, secret_env, folders, security, review, synced, result = row
    return Source(
        id=int(str(sid)),
        name=str(name),
        kind=SourceKind(str(kind)),
        location=str(location),
        username=None if username is None else str(username),
        secret_in=SecretIn(str(secret_in)),
        secret_env=None if secret_env is None else str(secret_env),
        folders=tuple(line for line in str(folders).splitlines() if line),
        security=Security(str(security)),
        review=bool(review),
        last_synced_at=None if synced is None else str(synced),
        last_result=None if result is None else str(result),
    )


def has_sources(conn: sqlite3.Connection) -> bool:
    """Whether any source is configured (the app syncs on open only then); False on a book without the table."""
    try:
        return conn.execute("SELECT 1 FROM sources LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:
        return False


def list_sources(conn: sqlite3.Connection) -> list[Source]:
    return [_source(row) for row in conn.execute(f"SELECT {_COLUMNS} FROM sources ORDER BY name")]


def get_source(conn: sqlite3.Connection, name: str) -> Source:
    row = conn.execute(f"SELECT {_COLUMNS} FROM sources WHERE name = ?", [name]).fetchone()
    if row is None:
        raise UserError(f"no source named '{name}' (`cstui source list` shows them)")
    return _source(row)


def cursors(conn: sqlite3.Connection, source_id: int) -> dict[str, Cursor]:
    rows = conn.execute(
        "SELECT scope, validity, position FROM source_cursors WHERE source_id = ? ORDER BY scope", [source_id]
    )
    return {scope: Cursor(scope, validity, position) for scope, validity, position in rows}


def add_source(db: "Database", new: NewSource) -> Source:
    """Store a new source as one recorded change; a name already taken is a UserError."""
    with write_transaction(db, change=f"source add {new.name}"):
        if db.execute("SELECT 1 FROM sources WHERE name = ?", [new.name]).fetchone():
            raise UserError(f"a source named '{new.name}' exists already (`cstui source remove {new.name}` first)")
        db.execute(
            "INSERT INTO sources (name, kind, location, username, secret_in, secret_env, folders, security, review)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                new.name,
                new.kind.value,
                new.location,
                new.username,
                new.secret_in.value,
                new.secret_env,
                "\n".join(new.folders),
                new.security.value,
                int(new.review),
            ],
        )
    return get_source(db.conn, new.name)


def remove_source(db: "Database", name: str) -> Source:
    """Remove a source and its cursors as one recorded change (what it synced stays in the book)."""
    with write_transaction(db, change=f"source remove {name}"):
        source = get_source(db.conn, name)
        db.execute("DELETE FROM source_cursors WHERE source_id = ?", [source.id])
        db.execute("DELETE FROM sources WHERE id = ?", [source.id])
    return source


def save_cursors(db: "Database", source: Source, found: list[Cursor], synced_at: str, result: str) -> None:
    """Record where a sync stopped and what it did; inside the sync's own transaction (and change)."""
    with write_transaction(db):
        for cursor in found:
            db.execute(
                "INSERT INTO source_cursors (source_id, scope, validity, position) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (source_id, scope) DO UPDATE SET validity = excluded.validity,"
                " position = excluded.position"
                " WHERE validity IS NOT excluded.validity OR position IS NOT excluded.position",
                [source.id, cursor.scope, cursor.validity, cursor.position],
            )
        db.execute(
            "UPDATE sources SET last_synced_at = ?, last_result = ? WHERE id = ?", [synced_at, result, source.id]
        )
