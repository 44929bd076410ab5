"""The write side of `cstui sync`: one source's fetched items stored as one recorded change.

The items go through `ingest_store.store`, the same classification and the same ingest keys as
`cstui ingest` (so a message ingested from a file and the same message synced later are one
interaction), and the source's cursors are moved in the same transaction: undoing a sync takes
back what it stored and rewinds where the next one starts. A sync that found nothing new writes
nothing (no empty change in the history).
"""

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from cstui.ingest.items import Item
from cstui.storage.connection import write_transaction
from cstui.storage.ingest_store import IngestResult, store
from cstui.storage.sources import Cursor, Source, cursors, save_cursors


@dataclass(frozen=True)
class SyncCounts:
    """What one source's sync did to the book (counted over its folders or calendar objects)."""

    meetings: int = 0
    emails: int = 0
    moved: int = 0
    already: int = 0
    internal: int = 0
    unmatched: int = 0

    @property
    def stored(self) -> int:
        return self.meetings + self.emails + self.moved

    def summary(self) -> str:
        parts = [f"{self.meetings} meetings, {self.emails} emails stored"]
        parts += [f"{self.moved} meetings moved"] if self.moved else []
        parts += [f"{self.already} already there, {self.internal} internal, {self.unmatched} unmatched"]
        return ", ".join(parts)


def counts_of(result: IngestResult) -> SyncCounts:
    files = result.files.values()
    return SyncCounts(
        meetings=sum(n.meetings for n in files),
        emails=sum(n.emails for n in files),
        moved=sum(n.moved for n in files),
        already=sum(n.already for n in files),
        internal=sum(n.internal for n in files),
        unmatched=sum(n.unmatched for n in files),
    )


class _NothingNew(Exception):
    """Rolls back a sync that stored nothing and moved no cursor."""


def store_fetched(
    db: Database,
    source: Source,
    items: dict[Path, list[Item]],
    found: list[Cursor],
    me: str | None,
    synced_at: str,
) -> tuple[IngestResult, SyncCounts, bool]:
    """Store one source's items and cursors in one change named `sync NAME`; (result, counts, written)."""
    result = IngestResult()
    try:
        with write_transaction(db, change=f"sync {source.name}"):
            result = store(db, items, me, add_contacts=False, reviewed=not source.review, refresh=True)
            counts = counts_of(result)
            before = cursors(db.conn, source.id)
            if counts.stored == 0 and all(before.get(c.scope) == c for c in found):
                raise _NothingNew
            save_cursors(db, source, found, synced_at, counts.summary())
    except _NothingNew:
        return result, counts, False
    return result, counts, True
