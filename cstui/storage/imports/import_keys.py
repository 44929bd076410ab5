"""Two kinds of bookkeeping an import run does per file, as the contract's "Interchange" section asks.

`RepeatedKeys` finds a keyed row repeated in one file with other values (which would otherwise let
the last one win silently); identical repeats are fine. A file may hold millions of rows, so the
keys seen so far live in a TEMP table, not in a Python dict.

`Copies` implements "identical rows are counted, not merged": a row without an id that the file
holds m times is added max(0, m - copies already imported) times.
"""

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

# Keys of the rows seen so far in the file being read, with the first line that repeats one with
# other values; emptied for each file. One INSERT per row and one SELECT per file: a lookup per
# batch cost twice as much.
_CREATE = (
    "CREATE TEMP TABLE IF NOT EXISTS import_keys (key TEXT PRIMARY KEY, line INTEGER NOT NULL, "
    "value_hash INTEGER NOT NULL, repeat_line INTEGER) WITHOUT ROWID"
)
_REMEMBER = (
    "INSERT INTO import_keys (key, line, value_hash) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE "
    "SET repeat_line = excluded.line WHERE repeat_line IS NULL AND value_hash != excluded.value_hash"
)
_REPEATS = "SELECT repeat_line, line FROM import_keys WHERE repeat_line IS NOT NULL ORDER BY repeat_line"


@dataclass(frozen=True)
class Repeat:
    """Line `line` holds the key of line `first` with other values."""

    line: int
    first: int


class RepeatedKeys:
    """Collects (line, key, values) of one file; `repeats` names the first line that repeats each
    key with different values. Call `flush` for each batch."""

    def __init__(self, db: Database):
        self.db = db
        db.execute(_CREATE)
        db.execute("DELETE FROM import_keys")
        self.pending: list[tuple[str, int, int]] = []

    def add(self, line: int, key: Sequence[Hashable], values: Sequence[Hashable]) -> None:
        # repr of a tuple of str/int/float/None is exact, so equal keys give equal text.
        self.pending.append((repr(tuple(key)), line, hash(tuple(values))))

    def flush(self) -> None:
        self.db.conn.executemany(_REMEMBER, self.pending)
        self.pending = []

    def repeats(self) -> list[Repeat]:
        self.flush()
        found = [Repeat(line, first) for line, first in self.db.execute(_REPEATS)]
        self.db.execute("DELETE FROM import_keys")
        return found


class Copies:
    """Which rows without an id to add: the n-th copy of a row in the file is added only if the
    book does not hold n imported copies of it yet."""

    def __init__(self, in_book: Counter[tuple[object, ...]]):
        self.in_book = in_book
        self.in_file: Counter[tuple[object, ...]] = Counter()

    def wanted(self, content: tuple[object, ...]) -> bool:
        self.in_file[content] += 1
        return self.in_file[content] > self.in_book[content]
