"""Messages from .eml files and .mbox mailboxes, read with the standard library's `email` package.

The body kept as notes is the text/plain part (else the HTML part as text), decoded with its
declared charset (an unknown or wrong one falls back to Latin-1 rather than failing the run), with
quoted history removed. The mbox splitter is written here rather than taken from `mailbox`, which
opens files read-write and splits on every body line that starts with "From ": a message starts at
a "From " line that opens the file or follows a blank line *and* is followed by a header line,
and mboxrd's ">From " escapes are undone.
"""

import re
from datetime import UTC, datetime, tzinfo
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

from cstui.ingest.calendar import local_date
from cstui.ingest.items import Item, ItemKind, Person, Problem, stable_hash, unique_people
from cstui.ingest.quotes import strip_quoted

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
    """The message's own words: plain text preferred, HTML converted, quoted history removed."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _decoded(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return strip_quoted(text)


def _people(message: EmailMessage, *names: str) -> list[Person]:
    values = [str(v) for name in names for v in (message.get_all(name) or [])]
    return [Person(email, name or None) for name, email in getaddresses(values) if "@" in email]


def parse_message(
    path: Path, label: str, raw: bytes, *, headers_only: bool, tz: tzinfo | None
) -> tuple[Item | None, Problem | None]:
    """One message as an email item, or why it cannot be one."""
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if not message.keys():
            return None, Problem(path, label, "not an email message (no header lines)")
        date_text = " ".join(str(message.get("Date") or "").split())
        if not date_text:
            return None, Problem(path, label, "no Date header")
        try:
            sent = parsedate_to_datetime(date_text)
        except (TypeError, ValueError, IndexError):
            return None, Problem(path, label, f"bad Date header '{date_text[:60]}'")
        sender = _people(message, "From")
        everyone = unique_people(sender + _people(message, "To", "Cc", "Bcc"))
        subject = " ".join(str(message.get("Subject") or "").split()) or "(no subject)"
        message_id = "".join(str(message.get("Message-ID") or "").split())
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
        occurred_on=local_date(sent, tz),
        summary=subject,
        organizer=organizer,
        participants=everyone,
        notes=notes,
    )
    return item, None


def _utc_text(sent: datetime) -> str:
    """The send time as stable text for the fallback key: UTC when the header has a zone."""
    return sent.astimezone(UTC).isoformat() if sent.tzinfo else sent.isoformat()


def split_mbox(data: bytes) -> list[bytes]:
    """The messages of an mbox file (the "From " separator lines removed), in file order."""
    lines = data.replace(b"\r\n", b"\n").split(b"\n")
    messages: list[list[bytes]] = []
    previous_blank = True
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else b""
        if line.startswith(b"From ") and previous_blank and _HEADER_LINE.match(following):
            messages.append([])
        elif messages:
            messages[-1].append(line)
        previous_blank = not line.strip()
    return [_ESCAPED_FROM.sub(rb"\1", b"\n".join(body).rstrip(b"\n") + b"\n") for body in messages]


def looks_like_mbox(data: bytes) -> bool:
    first = data.lstrip(b"\r\n\t ").split(b"\n", 1)[0]
    return first.startswith(b"From ")


def parse_mbox(path: Path, data: bytes, *, headers_only: bool, tz: tzinfo | None) -> tuple[list[Item], list[Problem]]:
    if data.strip() and not looks_like_mbox(data):
        return [], [Problem(path, "mbox", "not an mbox file (the first line does not start with 'From ')")]
    items, problems = [], []
    for number, raw in enumerate(split_mbox(data), start=1):
        item, problem = parse_message(path, f"message {number}", raw, headers_only=headers_only, tz=tz)
        items += [item] if item else []
        problems += [problem] if problem else []
    return items, problems


def parse_eml(path: Path, data: bytes, *, headers_only: bool, tz: tzinfo | None) -> tuple[list[Item], list[Problem]]:
    item, problem = parse_message(path, "message", data, headers_only=headers_only, tz=tz)
    return ([item] if item else []), ([problem] if problem else [])
