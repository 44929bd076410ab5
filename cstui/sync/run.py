"""One sync of one source: read its cursors, fetch everything new, then store it in one change.

`fetch` does no writing (the app runs it in a worker thread, on a connection of its own for the
cursors); `store_fetched` (cstui.storage.sync_store) writes, on the CLI's or the app's UI-thread
connection. A source that cannot be read becomes one `Outcome` line and the next source goes on.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path

from sqlite_utils import Database

from cstui.errors import UserError
from cstui.ingest.files import ReadOptions
from cstui.ingest.items import Problem
from cstui.storage.sources import Cursor, Source, SourceKind
from cstui.storage.sync_store import store_fetched
from cstui.sync.fetched import TIMEOUT_SECONDS, Fetched, SourceFailed
from cstui.sync.secrets import password_of


@dataclass(frozen=True)
class Outcome:
    """What one source's sync did, as the one line `cstui sync` prints for it."""

    name: str
    ok: bool
    line: str
    changed: bool = False  # a change was recorded in the book
    skipped: list[Problem] = field(default_factory=list)


def fetch(
    book: Path,
    source: Source,
    known: dict[str, Cursor],
    today: date,
    tz: tzinfo | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Fetched:
    """Everything new of `source`, read in full; a `SourceFailed` when it cannot be read."""
    try:
        password = password_of(book, source)
    except (LookupError, UserError) as error:  # not there, or BOOK.secrets unreadable: this source only
        raise SourceFailed(str(error)) from None
    options = ReadOptions.around(today, tz)
    if source.kind is SourceKind.IMAP:
        from cstui.sync.imap import fetch_imap

        return fetch_imap(source, password, known, options, timeout)
    if source.kind is SourceKind.CALDAV:
        from cstui.sync.calendars import fetch_caldav

        return fetch_caldav(source, password, known, options, today, timeout)
    if source.kind is SourceKind.ICS_URL:
        from cstui.sync.calendars import fetch_ics_url

        return fetch_ics_url(source, password, known, options, today, timeout)
    from cstui.sync.folder import fetch_folder

    return fetch_folder(source, known, options, today)


def failed(source: Source, error: SourceFailed) -> Outcome:
    return Outcome(source.name, False, f"{source.name}: not synced: {error}; the book is unchanged for it")


def stored(db: Database, source: Source, fetched: Fetched, me: str | None, today: date) -> Outcome:
    """Write what was fetched (one change) and say what it did in one line; a CSV file the book
    refuses (`ImportFailed`) fails this source alone, with nothing of it written."""
    from cstui.storage.bookfile.book_file import BookGone, BookReadOnly

    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        _, counts, changed = store_fetched(
            db, source, fetched.items, fetched.cursors, me, now, imports=fetched.imports, today=today
        )
    except (BookGone, BookReadOnly):
        raise  # the book itself refuses: the caller's write path says so (the app's `write`)
    except UserError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return failed(source, SourceFailed(first))
    again = f"; read again: {', '.join(fetched.reread)} (a new UIDVALIDITY)" if fetched.reread else ""
    skipped = f", {len(fetched.skipped)} skipped" if fetched.skipped else ""
    if not changed:
        return Outcome(source.name, True, f"{source.name}: nothing new{again}{skipped}", False, fetched.skipped)
    return Outcome(source.name, True, f"{source.name}: {counts.summary()}{skipped}{again}", True, fetched.skipped)
