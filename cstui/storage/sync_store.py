"""The write side of `cstui sync`: one source's fetched items stored as one recorded change.

The items go through `ingest_store.store`, the same classification and the same ingest keys as
`cstui ingest` (so a message ingested from a file and the same message synced later are one
interaction), and the source's cursors are moved in the same transaction: undoing a sync takes
back what it stored and rewinds where the next one starts. A sync that found nothing new writes
nothing (no empty change in the history).
"""

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlite_utils import Database

from cstui.ingest.items import Item
from cstui.storage.bookfile.connection import write_transaction
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
    imported: int = 0  # rows a folder's CSV files added or updated

    @property
    def stored(self) -> int:
        return self.meetings + self.emails + self.moved + self.imported

    def summary(self) -> str:
        parts = [f"{self.meetings} meetings, {self.emails} emails stored"]
        parts += [f"{self.imported} rows imported"] if self.imported else []
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


def _import(db: Database, path: Path, profile: str, today: date) -> int:
    """One CSV file imported through its profile inside the sync's change; rows added or updated."""
    from cstui.storage.imports.importer import import_path
    from cstui.storage.imports.profiles import load_profile

    result = import_path(db, path, None, load_profile(db, profile).profile, today=today)
    return sum(counts.new + counts.updated for counts in result.tables.values())


class _NothingNew(Exception):
    """Rolls back a sync that stored nothing and moved no cursor."""


def store_fetched(
    db: Database,
    source: Source,
    items: dict[Path, list[Item]],
    found: list[Cursor],
    me: str | None,
    synced_at: str,
    *,
    imports: list[tuple[Path, str]] | None = None,
    today: date,
) -> tuple[IngestResult, SyncCounts, bool]:
    """Store one source's items, its CSV files (each through its import profile) and its cursors in
    one change named `sync NAME`; (result, counts, written). A refused CSV file rejects it all."""
    result = IngestResult()
    try:
        with write_transaction(db, change=f"sync {source.name}"):
            result = store(db, items, me, add_contacts=False, reviewed=not source.review, refresh=True)
            imported = sum(_import(db, path, profile, today) for path, profile in imports or [])
            counts = replace(counts_of(result), imported=imported)
            before = cursors(db.conn, source.id)
            if counts.stored == 0 and all(before.get(c.scope) == c for c in found):
                raise _NothingNew
            save_cursors(db, source, found, synced_at, counts.summary())
    except _NothingNew:
        return result, counts, False
    return result, counts, True
