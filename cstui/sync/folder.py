"""A folder the CSM's exports land in: each new or changed file read through the path its kind takes.

Calendar and mail files (.ics, .eml, .mbox) are read as `cstui ingest` reads them; a CSV file whose
name matches one of the source's `PATTERN=PROFILE` bindings (shell-style, `tickets-*.csv`) is
imported through that import profile (saved or built-in) when the sync stores. A file is known by
the SHA-256 of its bytes: an unchanged one is not read again (a calendar is, on a new day, for the
recurring meetings that came into the window). Other files are left alone.
"""

import hashlib
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

from cstui.ingest.files import SUFFIXES, NotRegular, ReadOptions, open_regular, read_file
from cstui.storage.sources import Cursor, Source
from cstui.sync.fetched import Fetched, SourceFailed, short

HASH_CHUNK = 1 << 20


def bindings(source: Source) -> list[tuple[str, str]]:
    """The source's (file-name pattern, import profile) pairs, in the order given."""
    return [(pattern, profile) for pattern, _, profile in (line.partition("=") for line in source.folders)]


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def fetch_folder(source: Source, known: dict[str, Cursor], options: ReadOptions, today: date) -> Fetched:
    """The folder's new and changed files: items read, CSV files to import; nothing is written here."""
    root = Path(source.location)
    if not root.is_dir():
        raise SourceFailed(f"{root}: no such folder")
    out = Fetched()
    try:
        files = sorted(p for p in root.rglob("*") if p.is_file())
    except OSError as error:
        raise SourceFailed(f"{root}: cannot list it ({short(error)})") from None
    pairs = bindings(source)
    for path in files:
        calendar_or_mail = path.suffix.lower() in SUFFIXES
        profile = next((name for pattern, name in pairs if fnmatch(path.name, pattern)), None)
        if not calendar_or_mail and profile is None:
            continue
        try:
            digest = file_hash(path)
        except (NotRegular, OSError):
            continue  # a FIFO, a device, a file that vanished: not an export
        before = known.get(str(path))
        day = today.isoformat() if path.suffix.lower() == ".ics" else None
        if before is not None and before.validity == digest and before.position == day:
            continue
        out.fetched += 1
        if calendar_or_mail:
            read = read_file(path, options)
            if read.refused:
                out.skipped.append(read.refused)
                continue  # no cursor: tried again at the next sync
            out.items[path] = read.items
            out.skipped += read.skipped
            out.notes += read.notes
        else:
            out.imports.append((path, str(profile)))
        out.cursors.append(Cursor(str(path), digest, day))
    return out
