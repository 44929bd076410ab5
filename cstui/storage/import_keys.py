"""Two kinds of bookkeeping an import run does per file, as the contract's "Interchange" section asks.

`RepeatedKeys` finds a keyed row repeated in one file with other values (which would otherwise let
the last one win silently); identical repeats are fine. A file may hold millions of rows, so the
keys seen so far live in a TEMP table, checked a batch at a time, not in a Python dict.

`Copies` implements "identical rows are counted, not merged": a row without an id that the file
holds m times is added max(0, m - copies already imported) times.
"""

import json
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

# Keys of the rows seen so far in the file being read; emptied for each file.
_CREATE = (
    "CREATE TEMP TABLE IF NOT EXISTS import_keys "
    "(key TEXT PRIMARY KEY, line INTEGER NOT NULL, value_hash INTEGER NOT NULL) WITHOUT ROWID"
)
_LOOKUP = "SELECT key, line, value_hash FROM import_keys WHERE key IN (SELECT value FROM json_each(?))"
_REMEMBER = "INSERT INTO import_keys (key, line, value_hash) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING"


@dataclass(frozen=True)
class Repeat:
    """Line `line` holds the key of line `first` with other values."""

    line: int
    first: int


class RepeatedKeys:
    """Collects (line, key, values) of one file and reports each line that repeats an earlier key
    with different values. Call `check` before writing each batch and once at the end."""

    def __init__(self, db: Database):
        self.db = db
        db.execute(_CREATE)
        db.execute("DELETE FROM import_keys")
        self.pending: list[tuple[str, int, int]] = []

    def add(self, line: int, key: Sequence[Hashable], values: Sequence[Hashable]) -> None:
        # repr of a tuple of str/int/float/None is exact, so equal keys give equal text.
        self.pending.append((repr(tuple(key)), line, hash(tuple(values))))

    def check(self) -> list[Repeat]:
        pending, self.pending = self.pending, []
        if not pending:
            return []
        known = {
            key: (line, value_hash)
            for key, line, value_hash in self.db.execute(_LOOKUP, [json.dumps([key for key, _, _ in pending])])
        }
        repeats = []
        fresh = []
        for key, line, value_hash in pending:
            if key not in known:
                known[key] = (line, value_hash)
                fresh.append((key, line, value_hash))
            elif known[key][1] != value_hash:
                repeats.append(Repeat(line, known[key][0]))
        self.db.conn.executemany(_REMEMBER, fresh)
        return repeats

    def close(self) -> None:
        self.db.execute("DELETE FROM import_keys")


class Copies:
    """Which rows without an id to add: the n-th copy of a row in the file is added only if the
    book does not hold n imported copies of it yet."""

    def __init__(self, in_book: Counter[tuple]):
        self.in_book = in_book
        self.in_file: Counter[tuple] = Counter()

    def wanted(self, content: tuple) -> bool:
        self.in_file[content] += 1
        return self.in_file[content] > self.in_book[content]
