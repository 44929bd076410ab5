"""An import indexes its new rows in one statement per batch (the search triggers stay silent in a
bulk change): the index must hold exactly what the triggers would have written row by row."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from cstui.storage import history, search
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.imports.importer import import_path
from tests.bookmaker import new_book

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)

FILES = {
    "accounts": "key,name,start_date\nacme,Acme Café,2026-01-01\nbeta,Beta,2025-03-01\n",
    "contacts": "account_key,name,email\nacme,Dana Lee,dana@acme.example\nbeta,Sam O'Brien,\n",
    "interactions": (
        "account_key,occurred_on,kind,summary,notes,interaction_id\n"
        "acme,2026-11-01,call,Renewal call,Pricing worries; wants exports,c1\n"
        "beta,2026-11-02,email,Short note,,\n"
        "acme,2026-11-03,meeting,QBR,talked pricing,\n"
    ),
    "surveys": (
        "account_key,kind,score,responded_on,comment\n"
        "acme,nps,9,2026-11-01,renewal looks good\n"
        "acme,nps,7,2026-11-02,\n"
        "beta,csat,2,2026-11-03,   \n"
        "beta,nps,3,2026-11-04,slow exports\n"
    ),
    "tickets": (
        "account_key,opened_on,channel,severity,subject\n"
        "acme,2026-10-01,assisted,low,Export fails\n"
        "beta,2026-10-02,self_service,high,\n"
    ),
    "tasks": "account_key,title,due_on,created_on\nacme,Send renewal deck,2026-12-01,2026-11-20\n",
}
AGAIN = {"interactions": FILES["interactions"].replace("wants exports", "wants CSV exports")}


def write_files(folder, files):
    folder.mkdir()
    for table, text in files.items():
        (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


def indexed(db):
    sql = "SELECT rowid, kind, account_id, record_id, day, title, body FROM search_index ORDER BY rowid"
    return db.execute(sql).fetchall()


@contextmanager
def row_by_row(db):
    yield


def test_a_bulk_import_indexes_exactly_what_the_triggers_index(tmp_path, monkeypatch):
    bulk = new_book(tmp_path / "bulk.db")
    import_path(bulk, write_files(tmp_path / "first", FILES), today=IMPORT_DAY)
    import_path(bulk, write_files(tmp_path / "again", AGAIN), today=IMPORT_DAY)  # the keyed note is updated in place
    # The same imports with the bulk mode off: every row goes through the triggers.
    monkeypatch.setattr(history, "bulk_inserts", row_by_row)
    monkeypatch.setattr(history, "record_inserts", lambda *args: None)
    monkeypatch.setattr(search, "index_inserts", lambda *args: None)
    triggered = new_book(tmp_path / "triggered.db")
    import_path(triggered, tmp_path / "first", today=IMPORT_DAY)
    import_path(triggered, tmp_path / "again", today=IMPORT_DAY)
    assert indexed(bulk) == indexed(triggered)
    assert len(indexed(bulk)) == 2 + 2 + 3 + 2 + 1 + 1  # the blank comment and subject have no row
    assert [hit.record_id for hit in search.search(bulk.conn, "csv")] == [1]
    bulk.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")


@pytest.mark.parametrize("source", ["cli", "import"])
def test_writes_outside_an_import_are_still_indexed_row_by_row(book, source):
    """Only a bulk change silences the triggers: other tools' writes and single writes index at once."""
    book.execute("INSERT INTO accounts (key, name, start_date) VALUES ('zed', 'Zed Outside', '2026-01-01')")
    book.conn.commit()
    with write_transaction(book, change="by hand", source=source):
        book.execute("INSERT INTO accounts (key, name, start_date) VALUES ('yak', 'Yak Inside', '2026-01-01')")
    assert sorted(hit.account_key for hit in search.search(book.conn, "outside OR inside")) == ["yak", "zed"]


# The single query search ran before it ranked first and wrote snippets for the shown rows only:
# the order and the rows must be the same, ties at the cut included.
REFERENCE = """
    SELECT record_id FROM search_index JOIN accounts a ON a.id = search_index.account_id
     WHERE search_index MATCH :match AND (:account IS NULL OR search_index.account_id = :account)
       AND (:kind IS NULL OR search_index.kind = :kind)
     ORDER BY bm25(search_index, 0, 0, 0, 0, 2.0, 1.0), day DESC LIMIT :limit"""


def test_ranking_first_keeps_the_order_and_rows_of_one_ranked_query(book):
    book.execute("INSERT INTO accounts (key, name, start_date) VALUES ('acme', 'Acme', '2026-01-01')")
    book.execute("INSERT INTO accounts (key, name, start_date) VALUES ('beta', 'Beta renewal', '2026-01-01')")
    # Many equal scores (same text) on distinct days, some longer texts; an account has no day.
    for n in range(40):
        notes = "renewal pricing" if n % 3 else "renewal pricing and a much longer body about exports and renewal"
        book.execute(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary, notes) VALUES (?, ?, 'call', ?, ?)",
            [
                1 + n % 2,
                (date(2026, 1, 1) + timedelta(days=7 * n % 40)).isoformat(),
                "Renewal call" if n % 4 else "Check-in",
                notes,
            ],
        )
    book.conn.commit()
    for match, account, kind in [
        ("renewal", None, None),
        ("pricing", None, None),
        ("ren*", 2, None),
        ("renewal", None, "note"),
        ('"renewal pricing"', None, None),
    ]:
        for limit in (1, 5, 13, 14, 27, 100):
            params = {"match": match, "account": account, "kind": kind, "limit": limit}
            expected = [r for (r,) in book.execute(REFERENCE, params)]
            key = {1: "acme", 2: "beta"}.get(account)
            got = [hit.record_id for hit in search.search(book.conn, match, account=key, kind=kind, limit=limit)]
            assert got == expected, (match, account, kind, limit)
