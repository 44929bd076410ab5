"""Schema steps: the `.sql` files in `migrations/`, applied in name order by sqlite-utils.

Each file is one named step of the `cstui` migration set. A step's statements run one at a time
inside the transaction sqlite-utils opens for it (`executescript` would commit half-way), so a
failed or interrupted step leaves the book at the previous version.

Which steps a book still needs is told by the step files' names alone (`known_steps`); sqlite-utils
and the step files' contents are loaded only to apply them (`migration_set`), so opening an
up-to-date book (the app's start) does not wait for either.
"""

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from cstui.resources import data_dir

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

MIGRATION_SET = "cstui"


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements, using SQLite's own notion of 'complete'."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            body = "\n".join(part for part in pending.splitlines() if not part.strip().startswith("--")).strip()
            if body:
                statements.append(body)
            pending = ""
    if pending.strip() and any(not p.strip().startswith("--") for p in pending.splitlines() if p.strip()):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {pending.strip()[:60]}")
    return statements


def _step(statements: list[str]) -> "Callable[[Database], None]":
    """One step, with the history triggers (and missing date guards) regenerated in the step's transaction.

    The triggers list every column of the tables they watch: they are dropped first (so no step
    trips over them, e.g. by dropping a column) and rebuilt from the new schema at the end, so a
    column or table a step adds is recorded from then on, and a book is never left without them.
    """
    from cstui.storage.bookfile.date_guards import refresh_date_guards
    from cstui.storage.history import drop_history_triggers, refresh_history_triggers

    def apply(db: "Database") -> None:
        drop_history_triggers(db.conn)
        for statement in statements:
            db.execute(statement)
        refresh_history_triggers(db.conn)
        refresh_date_guards(db.conn)  # a date column added or a table rebuilt keeps its date guards

    return apply


@cache
def migration_set() -> "Migrations":
    """The `cstui` migration set built from the step files (cached: the files ship with the code)."""
    from sqlite_utils import Migrations

    migrations = Migrations(MIGRATION_SET)
    for path in sorted(data_dir("migrations").glob("*.sql")):
        migrations(name=path.stem)(_step(split_statements(path.read_text(encoding="utf-8"))))
    return migrations


def known_steps() -> list[str]:
    """Names of the steps this version of cstui knows, oldest first."""
    return [path.stem for path in sorted(data_dir("migrations").glob("*.sql"))]
