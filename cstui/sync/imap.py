"""An IMAP mailbox's new messages, folder by folder, with `imap-tools` (over the standard `imaplib`).

Each folder remembers its UIDVALIDITY and the last UID read. UIDs only grow within one UIDVALIDITY,
so `UID FETCH last+1:*` is exactly what arrived since; when the server gives the folder a new
UIDVALIDITY (it was recreated or restored), every old UID is meaningless and the folder is read
again from the start - the ingest keys (Message-ID) keep what is already in the book from doubling.
Only the first `MAX_MESSAGE_BYTES` of a message are downloaded (its text; attachments come after).
"""

import re
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

from cstui.ingest.files import ReadOptions
from cstui.ingest.mail import MAX_MESSAGE_BYTES, parse_eml
from cstui.storage.sources import Cursor, Security, Source
from cstui.sync.fetched import TIMEOUT_SECONDS, Fetched, SourceFailed, short

DEFAULT_PORTS = {Security.SSL: 993, Security.STARTTLS: 143, Security.NONE: 143}
_UID = re.compile(rb"\bUID (\d+)")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # IMAP dates, any locale
BATCH = 100  # messages per UID FETCH


def host_port(source: Source) -> tuple[str, int]:
    host, _, port = source.location.rpartition(":")
    if host and port.isdigit():
        return host.strip("[]"), int(port)
    return source.location, DEFAULT_PORTS[source.security]


def _mailbox(source: Source, timeout: float):  # -> imap_tools.BaseMailBox
    from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

    host, port = host_port(source)
    if source.security is Security.SSL:
        return MailBox(host, port, timeout=timeout)
    if source.security is Security.STARTTLS:
        return MailBoxStartTls(host, port, timeout=timeout)
    return MailBoxUnencrypted(host, port, timeout=timeout)


def fetch_imap(
    source: Source,
    password: str | None,
    known: dict[str, Cursor],
    options: ReadOptions,
    timeout: float = TIMEOUT_SECONDS,
) -> Fetched:
    """Every folder's messages past its cursor, read in full before returning (nothing is written here)."""
    from imap_tools import MailboxLoginError

    fetched = Fetched()
    try:
        box = _mailbox(source, timeout)
    except OSError as error:
        raise SourceFailed(f"cannot reach {source.location} ({short(error)})") from None
    except Exception as error:  # a TLS handshake refused, a greeting that is no IMAP
        raise SourceFailed(f"cannot talk IMAP to {source.location} ({short(error)})") from None
    try:
        try:
            box.login(source.username or "", password or "", initial_folder=None)
        except MailboxLoginError:
            raise SourceFailed("the server refused the login (wrong user name or password?)") from None
        for folder in source.folders:
            _read_folder(box, source, folder, known.get(folder), options, fetched)
    except SourceFailed:
        raise
    except TimeoutError:
        raise SourceFailed(f"{source.location} stopped answering (no reply in {timeout:g} s)") from None
    except Exception as error:  # a connection dropped mid-fetch, a server error: this source only
        raise SourceFailed(f"the mailbox failed mid-sync ({short(error)}); nothing of it was stored") from None
    finally:
        with suppress(Exception):  # the connection is already gone
            box.logout()
    return fetched


def _read_folder(box, source: Source, folder: str, cursor: Cursor | None, options: ReadOptions, out: Fetched) -> None:
    from imap_tools import MailboxFolderSelectError, MailboxFolderStatusError

    try:
        validity = str(box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])
        box.folder.set(folder, readonly=True)
    except (MailboxFolderSelectError, MailboxFolderStatusError):
        raise SourceFailed(f"no folder '{folder}' in this mailbox") from None
    last = 0
    if cursor is not None and cursor.validity == validity and (cursor.position or "").isdigit():
        last = int(cursor.position or 0)
    elif cursor is not None:
        out.reread.append(folder)
    # Only the messages of the ingest window (365 days back, by the server's arrival date): the first
    # sync of a mailbox with years in it does not download them all.
    day = options.since
    kind, data = box.client.uid("SEARCH", f"UID {last + 1}:* SINCE {day.day}-{_MONTHS[day.month - 1]}-{day.year}")
    if kind != "OK":
        raise SourceFailed(f"the server would not search folder '{folder}' ({short(Exception(data))})")
    uids = sorted({int(uid) for uid in b" ".join(data or [b""]).split() if uid.isdigit() and int(uid) > last})
    where = Path(f"imap:{source.name}/{folder}")
    items = out.items.setdefault(where, [])
    for start in range(0, len(uids), BATCH):
        wanted = ",".join(str(uid) for uid in uids[start : start + BATCH])
        kind, data = box.client.uid("FETCH", wanted, f"(UID BODY.PEEK[]<0.{MAX_MESSAGE_BYTES}>)")
        if kind != "OK":
            raise SourceFailed(f"the server would not send folder '{folder}' ({short(Exception(data))})")
        for uid, raw in _messages(data):
            out.fetched += 1
            read = parse_eml(where, raw, headers_only=options.headers_only, tz=options.tz)
            items += read.items
            out.skipped += [replace(p, item=f"UID {uid} {p.item}") for p in read.skipped]
    highest = max([last, *uids])
    out.cursors.append(Cursor(folder, validity, str(highest)))


def _messages(data: list) -> list[tuple[int, bytes]]:
    """(UID, raw message) pairs of a `UID FETCH` answer; the UID may come before or after the literal."""
    found: list[tuple[int, bytes]] = []
    for index, part in enumerate(data):
        if not isinstance(part, tuple) or len(part) != 2:
            continue
        head, raw = part
        match = _UID.search(head)
        if match is None and index + 1 < len(data) and isinstance(data[index + 1], bytes):
            match = _UID.search(data[index + 1])
        if match is not None:
            found.append((int(match.group(1)), raw))
    return found


def check_imap(source: Source, password: str | None, timeout: float = TIMEOUT_SECONDS) -> str:
    """Log in and count each folder's messages, in a line; a `SourceFailed` when that fails."""
    from imap_tools import MailboxFolderStatusError, MailboxLoginError

    try:
        box = _mailbox(source, timeout)
        try:
            box.login(source.username or "", password or "", initial_folder=None)
        except MailboxLoginError:
            raise SourceFailed("the server refused the login (wrong user name or password?)") from None
        try:
            counts = []
            for folder in source.folders:
                try:
                    counts.append(f"{folder}: {box.folder.status(folder, ['MESSAGES'])['MESSAGES']} messages")
                except MailboxFolderStatusError:
                    raise SourceFailed(f"no folder '{folder}' in this mailbox") from None
            return ", ".join(counts) or "logged in"
        finally:
            box.logout()
    except SourceFailed:
        raise
    except TimeoutError:
        raise SourceFailed(f"{source.location} stopped answering (no reply in {timeout:g} s)") from None
    except Exception as error:  # unreachable, TLS refused, no IMAP there
        raise SourceFailed(f"cannot reach {source.location} ({short(error)})") from None
