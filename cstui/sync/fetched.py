"""What a fetcher hands back: the items read (as `cstui ingest` reads files), and where it stopped."""

from dataclasses import dataclass, field
from pathlib import Path

from cstui.ingest.items import Item, Problem
from cstui.storage.sources import Cursor

TIMEOUT_SECONDS = 20  # a server that answers nothing for this long is "not answering", and the next source goes on


class SourceFailed(Exception):
    """A source could not be read (unreachable, too slow, login refused, bad answer): one line, why."""


@dataclass
class Fetched:
    """Everything one source gave in one sync, read in full before anything is written."""

    items: dict[Path, list[Item]] = field(default_factory=dict)  # by where: imap:NAME/INBOX, caldav:NAME/x.ics
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    cursors: list[Cursor] = field(default_factory=list)
    imports: list[tuple[Path, str]] = field(default_factory=list)  # a folder's CSV files, each with its profile
    reread: list[str] = field(default_factory=list)  # scopes read again from the start (a new UIDVALIDITY)
    fetched: int = 0  # messages, calendar objects or files downloaded


def short(error: BaseException) -> str:
    """An exception as a few words on one line (its type when it says nothing).

    A server's error page often comes inside the exception (caldav's "ReportError at '501 Not
    Implemented <!DOCTYPE HTML>..."): the words before the page are the reason, the page is cut."""
    text = " ".join(str(error).split())
    if "<" in text:
        text = text[: text.index("<")].rstrip(" '\"(:,") + " …"
    if len(text) > 160:
        text = text[:159] + "…"
    return text if text.strip(" …") else type(error).__name__
