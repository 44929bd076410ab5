"""Every table's rows in a form two books can be compared in: ids left out, links followed.

A row's id differs between a book and its copy made by export -> init -> import (gaps left by
deleted rows are not kept), so each link (a task's note, a note's contact) is replaced by the
linked row's own values, followed recursively; each table is then a sorted list of such rows.
"""

import sqlite3
from pathlib import Path

# Not compared: the history (not carried, see docs/book.md), bookkeeping, the stored figures and
# the check-in's stored findings (recomputed), what the book says about its own file, the index.
NOT_COMPARED = frozenset(
    {"changes", "history", "open_change", "_sqlite_migrations", "book_facts"}
    | {"derived_figures", "month_figures", "snapshot_versions", "checkin_days", "checkin_findings"}
)


def compared_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' ORDER BY name")
    return [name for (name,) in rows if name not in NOT_COMPARED and not name.startswith(("sqlite_", "search_index"))]


def book_rows(path: Path) -> dict[str, list[str]]:
    """Table -> its rows (reprs of column -> value, ids replaced by the linked rows), sorted."""
    conn = sqlite3.connect(path)
    try:
        links = {
            table: {fk[3]: fk[2] for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')")}
            for table in compared_tables(conn)
        }
        cache: dict[tuple[str, int], tuple[object, ...]] = {}

        def canonical(table: str, row: sqlite3.Row) -> tuple[object, ...]:
            values = []
            for column, value in zip(row.keys(), tuple(row)):
                if column == "id":
                    continue
                target = links[table].get(column)
                if target is not None and value is not None:
                    value = linked(target, value)
                values.append((column, value))
            return tuple(values)

        def linked(table: str, id_: int) -> tuple[object, ...]:
            if (table, id_) not in cache:
                conn.row_factory = sqlite3.Row
                row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", [id_]).fetchone()
                cache[(table, id_)] = (table, canonical(table, row)) if row is not None else ("missing", table, id_)
            return cache[(table, id_)]

        conn.row_factory = sqlite3.Row
        result = {}
        for table in compared_tables(conn):
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            result[table] = sorted(repr(canonical(table, row)) for row in rows)
        return result
    finally:
        conn.close()
