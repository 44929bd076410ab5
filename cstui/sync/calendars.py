"""Calendars from the network: a CalDAV collection (the `caldav` library) and an .ics subscription URL.

A CalDAV calendar is read with a sync-collection report (RFC 6578): with the sync token of the last
sync, only the events added or changed since come back (a moved meeting among them); without one
(the first sync, or the first of a new day, when a recurring series has new occurrences in the
window) every event does. A server without sync tokens sends everything each time, which the
ingest keys make harmless. An .ics URL is fetched with `If-None-Match` and its last ETag: an
unchanged calendar costs a 304 and nothing is read (again, a new day reads it in full).
"""

import hashlib
import urllib.error
import urllib.request
from base64 import b64encode
from datetime import date
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from cstui.ingest.calendar import parse_calendar
from cstui.ingest.files import MAX_CALENDAR_BYTES, ReadOptions
from cstui.ingest.items import FileRead
from cstui.storage.sources import Cursor, Source
from cstui.sync.fetched import TIMEOUT_SECONDS, Fetched, SourceFailed, short


def _add(out: Fetched, read: FileRead, where: Path) -> None:
    if read.refused:
        out.skipped.append(read.refused)
    out.items.setdefault(where, []).extend(read.items)
    out.skipped += read.skipped
    out.notes += read.notes


def fetch_caldav(
    source: Source,
    password: str | None,
    known: dict[str, Cursor],
    options: ReadOptions,
    today: date,
    timeout: float = TIMEOUT_SECONDS,
) -> Fetched:
    """The calendar's events changed since the last sync (all of them on a new day), read in full."""
    from caldav.davclient import DAVClient
    from caldav.lib import error as dav_error

    cursor = known.get(source.location)
    token = cursor.validity if cursor is not None and cursor.position == today.isoformat() else None
    out = Fetched()
    try:
        with DAVClient(
            url=source.location, username=source.username, password=password, timeout=max(1, int(timeout))
        ) as client:
            calendar = client.calendar(url=source.location)
            changed = calendar.objects_by_sync_token(sync_token=token, load_objects=True)
            for event in changed:
                data = event.data
                if not data:  # deleted since the last sync: what the book holds of it stays
                    continue
                out.fetched += 1
                name = PurePosixPath(urlsplit(str(event.url)).path).name or "event"
                where = Path(f"caldav:{source.name}/{name}")
                text = data if isinstance(data, bytes) else str(data).encode("utf-8")
                _add(out, parse_calendar(where, text, options.since, options.until, options.tz), where)
            new_token = changed.sync_token
    except dav_error.AuthorizationError:
        raise SourceFailed("the server refused the login (wrong user name or password?)") from None
    except dav_error.NotFoundError:
        raise SourceFailed(f"no calendar at {source.location}") from None
    except TimeoutError:
        raise SourceFailed(f"{source.location} stopped answering (no reply in {timeout:g} s)") from None
    except Exception as error:  # unreachable, a dropped connection, an answer that is no CalDAV
        raise SourceFailed(f"cannot read the calendar ({short(error)}); nothing of it was stored") from None
    out.cursors.append(Cursor(source.location, None if new_token is None else str(new_token), today.isoformat()))
    return out


def fetch_ics_url(
    source: Source,
    password: str | None,
    known: dict[str, Cursor],
    options: ReadOptions,
    today: date,
    timeout: float = TIMEOUT_SECONDS,
) -> Fetched:
    """The subscribed calendar when it changed (ETag) or on a new day; nothing when the server says 304."""
    cursor = known.get(source.location)
    request = urllib.request.Request(source.location, headers={"User-Agent": "cstui"})
    if cursor is not None and cursor.validity and cursor.position == today.isoformat():
        request.add_header("If-None-Match", cursor.validity)
    if password is not None:
        token = b64encode(f"{source.username or ''}:{password}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    out = Fetched()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            data = answer.read(MAX_CALENDAR_BYTES + 1)
            etag = answer.headers.get("ETag")
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return out
        if error.code in (401, 403):
            raise SourceFailed("the server refused the login (wrong user name or password?)") from None
        raise SourceFailed(f"the server answered {error.code} {error.reason}") from None
    except TimeoutError:
        raise SourceFailed(f"{source.location} stopped answering (no reply in {timeout:g} s)") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise SourceFailed(f"cannot reach {source.location} ({short(error)})") from None
    if len(data) > MAX_CALENDAR_BYTES:
        raise SourceFailed(f"the calendar is larger than {MAX_CALENDAR_BYTES >> 20} MiB, not read")
    out.fetched = 1
    where = Path(f"ics-url:{source.name}")
    read = parse_calendar(where, data, options.since, options.until, options.tz)
    if read.refused:
        raise SourceFailed(f"what the URL sent is no calendar ({read.refused.reason})")
    _add(out, read, where)
    validity = etag or "sha256:" + hashlib.sha256(data).hexdigest()
    out.cursors.append(Cursor(source.location, validity, today.isoformat()))
    return out
