"""Messages from .eml files and .mbox mailboxes, read with the standard library's `email` package.

The body kept as notes is the text/plain part (else the HTML part as text), decoded with its
declared charset (an unknown or wrong one falls back to Latin-1 rather than failing the run), with
quoted history removed. The mbox splitter is written here rather than taken from `mailbox`, which
opens files read-write and splits on every body line that starts with "From ": a message starts at
a "From " line that opens the file or follows a blank line *and* is followed by a header line,
and mboxrd's ">From " escapes are undone.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO, cast

from cstui.date_range import outside
from cstui.ingest.calendar import local_date
from cstui.ingest.items import (
    FileRead,
    Item,
    ItemKind,
    Person,
    Problem,
    one_line,
    stable_hash,
    unique_people,
    without_nul,
)
from cstui.ingest.quotes import strip_quoted

# The bounds on one message (issue 27): a mail to 50,000 people or with a 100 MB body took
# half a minute and a gigabyte. What is read of a message, of its text, and who it may address.
MAX_MESSAGE_BYTES = 2 << 20  # 2 MiB: the text parts come first, attachments after them are not needed
MAX_LINE_BYTES = 64 << 10
MAX_TEXT_CHARS = 20_000  # a message's notes; longer text is cut and ends in "[cut]"
MAX_ADDRESSES = 500  # more is a list or a newsletter, not a conversation
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_FROM_DATE = re.compile(
    r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})\s+(?:(\d{1,2}):(\d\d)(?::(\d\d))?\s+)?"
    r"(?:[A-Za-z]{1,5}\s+|[+-]\d{4}\s+)?(\d{4})\b"
)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")  # RFC 5322 field name then a colon
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_BLOCK_TAGS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}


class _HtmlText(HTMLParser):
    """The visible text of an HTML body: tags dropped, entities decoded, blocks on their own lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style", "head"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decoded(part: MIMEPart) -> str:
    payload = cast(bytes, part.get_payload(decode=True) or b"")
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        return payload.decode("latin-1")


def body_text(message: EmailMessage) -> str:
    """The message's own words: plain text preferred, HTML converted, quoted history removed, NULs
    dropped; cut at `MAX_TEXT_CHARS` (quote stripping takes seconds on a long text)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decoded(part)
    html = part.get_content_subtype() == "html"
    limit = (20 if html else 2) * MAX_TEXT_CHARS  # markup takes room; quotes are cut after reading
    cut = len(text) > limit
    text = html_to_text(text[:limit]) if html else text[:limit]
    cut = cut or len(text) > 2 * MAX_TEXT_CHARS
    own = strip_quoted(without_nul(text[: 2 * MAX_TEXT_CHARS]))
    if cut or len(own) > MAX_TEXT_CHARS:
        return own[:MAX_TEXT_CHARS].rstrip() + " [cut]"
    return own


def _display(name: str) -> str | None:
    """A display name from a raw header: RFC 2047 words decoded, 8-bit bytes read as UTF-8."""
    try:
        text = str(make_header(decode_header(name)))
    except (ValueError, LookupError, UnicodeError):
        text = name
    return one_line(text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")) or None


def _people(raw: list[str]) -> list[Person]:
    return [Person(email, _display(name)) for name, email in getaddresses(raw) if "@" in email]


def _raw(message: EmailMessage, name: str) -> list[str]:
    """A header's values as written: the default policy's address parser takes seconds for a few
    thousand addresses (and grows with their square), so addresses are read from the raw text."""
    return [str(value) for key, value in message.raw_items() if key.lower() == name]


def from_line_date(line: bytes) -> datetime | None:
    """The date of an mbox `From ` separator line (`From sender Tue Nov 17 09:30:00 2026`), as
    written (no zone), or None when it carries none."""
    found = _FROM_DATE.search(line.decode("ascii", "replace"))
    if not found:
        return None
    month, day, hour, minute, second, year = found.groups()
    try:
        return datetime(
            int(year), _MONTHS.index(month) + 1, int(day), int(hour or 0), int(minute or 0), int(second or 0)
        )
    except ValueError:
        return None


def parse_message(
    path: Path,
    label: str,
    raw: bytes,
    *,
    headers_only: bool,
    tz: tzinfo | None,
    fallback: datetime | None = None,
) -> tuple[Item | None, Problem | None]:
    """One message as an email item, or why it cannot be one (`fallback`: the date of its mbox
    `From ` line, taken when it has no Date header)."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw[:MAX_MESSAGE_BYTES])
        if not message.keys():
            return None, Problem(path, label, "not an email message (no header lines)")
        message_id = "".join(one_line(" ".join(_raw(message, "message-id"))).split())[:300]
        label = f"{label} {message_id}" if message_id else label
        addresses = [value for name in ("from", "to", "cc", "bcc") for value in _raw(message, name)]
        if sum(value.count("@") for value in addresses) > MAX_ADDRESSES:
            return None, Problem(path, label, f"more than {MAX_ADDRESSES} addresses (the cap per message), not stored")
        date_text = " ".join(str(message.get("Date") or "").split())
        if date_text:
            try:
                sent = parsedate_to_datetime(date_text)
            except (TypeError, ValueError, IndexError, OverflowError):
                return None, Problem(path, label, f"bad Date header '{date_text[:60]}'")
        elif fallback is not None:
            sent = fallback
        else:
            return None, Problem(path, label, "no Date header")
        day = local_date(sent, tz)
        if reason := outside(day):
            return None, Problem(path, label, reason)
        sender = _people(_raw(message, "from"))
        everyone = unique_people(sender + _people([v for n in ("to", "cc", "bcc") for v in _raw(message, n)]))
        subject = one_line(str(message.get("Subject") or "")) or "(no subject)"
        notes = None if headers_only else (body_text(message) or None)
    except Exception as error:  # the email package raises a zoo of types on hostile headers
        return None, Problem(path, label, f"cannot read this message ({' '.join(str(error).split())[:200]})")
    senders = unique_people(sender)
    organizer = senders[0] if senders else None
    key = (
        f"mid:{message_id}"
        if message_id
        else "mail:" + stable_hash(_utc_text(sent), organizer.email if organizer else "", subject)
    )
    item = Item(
        path=path,
        label=label,
        kind=ItemKind.EMAIL,
        key=key,
        occurred_on=day,
        summary=subject,
        organizer=organizer,
        participants=everyone,
        notes=notes,
    )
    return item, None


def _utc_text(sent: datetime) -> str:
    """The send time as stable text for the fallback key: UTC when the header has a zone."""
    return sent.astimezone(UTC).isoformat() if sent.tzinfo else sent.isoformat()


def split_mbox(stream: BinaryIO) -> Iterator[tuple[bytes, bytes]]:
    """The messages of an mbox file as (its `From ` line, the message), in file order.

    Read a line at a time (lines longer than `MAX_LINE_BYTES` come in pieces), and each message
    kept up to `MAX_MESSAGE_BYTES`, so a mailbox of any size is read in bounded memory."""
    separator, kept, size = b"", list[bytes](), 0
    started = False
    previous_blank, at_line_start = True, True
    line = stream.readline(MAX_LINE_BYTES)
    while line:
        following = stream.readline(MAX_LINE_BYTES)
        starts_line, at_line_start = at_line_start, line.endswith(b"\n")
        if line.endswith(b"\r\n"):
            line = line[:-2] + b"\n"
        if starts_line and line.startswith(b"From ") and previous_blank and _HEADER_LINE.match(following):
            if started:
                yield separator, _message(kept)
            separator, kept, size, started = line, [], 0, True
        elif started and size < MAX_MESSAGE_BYTES:
            kept.append(line)
            size += len(line)
        previous_blank = starts_line and not line.strip()
        line = following
    if started:
        yield separator, _message(kept)


def _message(lines: list[bytes]) -> bytes:
    return _ESCAPED_FROM.sub(rb"\1", b"".join(lines).rstrip(b"\n") + b"\n")


def looks_like_mbox(start: bytes) -> bool:
    """Whether a file that begins with `start` is an mbox: its first line is a `From ` line."""
    first = start.lstrip(b"\r\n\t ").split(b"\n", 1)[0]
    return first.startswith(b"From ")


def parse_mbox(path: Path, stream: BinaryIO, *, headers_only: bool, tz: tzinfo | None) -> FileRead:
    start = stream.read(MAX_LINE_BYTES)
    if start.strip() and not looks_like_mbox(start):
        return FileRead(refused=Problem(path, "mbox", "not an mbox file (the first line does not start with 'From ')"))
    stream.seek(0)
    read = FileRead()
    for number, (separator, raw) in enumerate(split_mbox(stream), start=1):
        item, problem = parse_message(
            path, f"message {number}", raw, headers_only=headers_only, tz=tz, fallback=from_line_date(separator)
        )
        read.items += [item] if item else []
        read.skipped += [problem] if problem else []
    return read


def parse_eml(path: Path, data: bytes, *, headers_only: bool, tz: tzinfo | None) -> FileRead:
    item, problem = parse_message(path, "message", data, headers_only=headers_only, tz=tz)
    return FileRead(items=[item] if item else [], skipped=[problem] if problem else [])
