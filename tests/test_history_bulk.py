"""An import's inserts are recorded as ranges of rowids (one history row per account and run of
rows), and undo/redo of an import still restore the book exactly; REAL infinities are valid JSON."""

import json
import math
import shutil
from contextlib import contextmanager
from datetime import date

import pytest

from cstui.errors import UserError
from cstui.storage import history, search
from cstui.storage.bookfile import migrations
from cstui.storage.bookfile.connection import connect, write_transaction
from cstui.storage.imports.importer import import_path
from cstui.storage.records import surveys as survey_records
from cstui.storage.records import tasks as task_records
from tests.history_helpers import TODAY, add_account, data_dump

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)

ACCOUNTS = "key,name,start_date,seats\nacme,Acme,2026-01-01,12\nbeta,Beta,2025-03-01,4\ngamma,Gamma,2025-05-01,2\n"
SURVEYS = (
    "account_key,kind,score,responded_on,comment\n"
    "acme,nps,9,2026-11-01,great exports\n"
    "acme,nps,7,2026-11-02,\n"
    "acme,csat,4,2026-11-03,slow renewal\n"
    "beta,nps,3,2026-11-01,pricing\n"
    "beta,nps,3,2026-11-01,pricing\n"
    "acme,nps,10,2026-11-05,\n"
)


def write_source(tmp_path, **files: str):
    source = tmp_path / "in"
    source.mkdir(parents=True, exist_ok=True)
    for table, text in files.items():
        (source / f"{table}.csv").write_text(text, encoding="utf-8")
    return source


def history_rows(book, change_id):
    sql = "SELECT table_name, row_id, last_row_id, account_id, op, new_values FROM history WHERE change_id = ? ORDER BY id"
    return book.execute(sql, [change_id]).fetchall()


def test_an_import_records_one_range_per_account_and_run_of_rows(book, tmp_path):
    import_path(book, write_source(tmp_path, accounts=ACCOUNTS, surveys=SURVEYS), today=IMPORT_DAY)
    change = history.list_changes(book, limit=1)[0]
    assert history_rows(book, change.id) == [
        ("accounts", 1, 1, 1, "insert", "null"),
        ("accounts", 2, 2, 2, "insert", "null"),
        ("accounts", 3, 3, 3, "insert", "null"),
        ("surveys", 1, 3, 1, "insert", "null"),  # acme's first three lines
        ("surveys", 4, 5, 2, "insert", "null"),  # beta's two identical lines: both counted
        ("surveys", 6, 6, 1, "insert", "null"),
    ]
    assert [row.size for row in change.rows] == [1, 1, 1, 3, 2, 1]
    assert "surveys 1..3 insert: 3 rows (imported)" in list(history.iter_rows_text(change))
    # The account filter still finds the import through the ranges' account.
    assert [c.id for c in history.list_changes(book, account=2)] == [change.id]
    assert [(r.row_id, r.last_row_id) for r in history.list_changes(book, account=2)[0].rows] == [(2, 2), (4, 5)]


def test_undo_and_redo_of_an_import_with_ranges_and_updates_restore_the_book(book, tmp_path):
    add_account(book)  # acme: the import renames it (an update, recorded with its values)
    book.execute("UPDATE accounts SET seats = 3")  # outside cstui: not recorded, and not undone
    book.conn.commit()
    before = data_dump(book)
    import_path(
        book,
        write_source(tmp_path, accounts=ACCOUNTS.replace("Acme,", "Acme Renamed,"), surveys=SURVEYS),
        today=IMPORT_DAY,
    )
    after = data_dump(book)
    assert [r.op for r in history.list_changes(book, limit=1)[0].rows if r.table == "accounts"] == [
        "update",
        "insert",
        "insert",
    ]
    undone = history.undo(book)
    assert data_dump(book) == before
    # The undo recorded every deleted row with its values: a redo needs nothing from the import.
    assert len(undone.rows) == 1 + 2 + 6 and all(r.old is not None for r in undone.rows if r.op == "delete")
    history.redo(book)
    assert data_dump(book) == after
    history.undo(book)
    assert data_dump(book) == before


def test_an_imported_row_edited_by_a_later_change_in_force_is_not_undone_by_id(book, tmp_path):
    import_path(book, write_source(tmp_path, accounts=ACCOUNTS, surveys=SURVEYS), today=IMPORT_DAY)
    imported = history.list_changes(book, limit=1)[0].id
    survey = book.execute("SELECT id FROM surveys WHERE comment = 'pricing' ORDER BY id LIMIT 1").fetchone()[0]
    survey_records.edit_survey(book, survey, survey_records.SurveyFields(comment="pricing, again"), today=TODAY)
    dump = data_dump(book)
    with pytest.raises(UserError, match=r"surveys rows 4\.\.5 were changed since"):
        history.undo(book, change_id=imported)
    assert data_dump(book) == dump
    history.undo(book)  # the edit; now the import's rows are as imported and it can go
    history.undo(book, change_id=imported)
    assert book.execute("SELECT count(*) FROM surveys").fetchone()[0] == 0


def test_an_imported_row_deleted_outside_cstui_makes_the_undo_refuse(book, tmp_path):
    import_path(book, write_source(tmp_path, accounts=ACCOUNTS, surveys=SURVEYS), today=IMPORT_DAY)
    book.execute("DELETE FROM surveys WHERE id = 2")
    book.conn.commit()
    dump = data_dump(book)
    with pytest.raises(UserError, match=r"surveys rows 1\.\.3 were changed since"):
        history.undo(book)
    assert data_dump(book) == dump


def test_undoing_an_import_refuses_to_cascade_into_rows_written_since(book, tmp_path):
    import_path(book, write_source(tmp_path, accounts=ACCOUNTS), today=IMPORT_DAY)
    imported = history.list_changes(book, limit=1)[0].id
    task_records.add_task(book, "beta", task_records.TaskFields("Call Beta", "2026-12-01"), TODAY)
    dump = data_dump(book)
    with pytest.raises(UserError, match=r"cannot be reverted alone.*tasks 1"):
        history.undo(book, change_id=imported)
    assert data_dump(book) == dump


def test_single_writes_still_record_each_inserted_row_with_its_values(book):
    add_account(book)
    row = history.list_changes(book, limit=1)[0].rows[0]
    assert (row.table, row.op, row.last_row_id, row.new["key"]) == ("accounts", "insert", None, "acme")


def test_real_infinities_are_recorded_as_valid_json_and_come_back(book):
    """quote() writes Inf, which is not JSON: the trigger failed and took the write with it."""
    book.execute("CREATE TABLE measures (id INTEGER PRIMARY KEY, value REAL)")  # any REAL column will do
    history.refresh_history_triggers(book.conn)
    book.conn.commit()
    before = data_dump(book)
    with write_transaction(book, change="odd values"):
        book.execute("INSERT INTO measures (value) VALUES (?), (?), (?), (?)", [math.inf, -math.inf, math.nan, 1e308])
    stored = [text for (text,) in book.execute("SELECT new_values FROM history ORDER BY id")]
    assert len(stored) == 4 and all(json.loads(text) for text in stored)
    assert book.execute("SELECT min(json_valid(new_values)) FROM history").fetchone()[0] == 1
    rows = history.list_changes(book, limit=1)[0].rows
    assert [r.new["value"] for r in rows] == [math.inf, -math.inf, None, 1e308]  # SQLite stores a NaN as NULL
    with write_transaction(book, change="back to finite"):
        book.execute("UPDATE measures SET value = 0.5 WHERE value = ?", [-math.inf])
    assert history.list_changes(book, limit=1)[0].rows[0].old["value"] == -math.inf
    history.undo(book)
    history.undo(book)
    assert data_dump(book) == before
    history.redo(book)
    values = book.execute("SELECT value FROM measures ORDER BY id").fetchall()
    assert values == [(math.inf,), (-math.inf,), (None,), (1e308,)]


@pytest.fixture
def steps(tmp_path, monkeypatch):
    """A copy of migrations/ that a test may change, used by `connect`."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.data_dir("migrations"), folder)
    monkeypatch.setattr(migrations, "data_dir", lambda name: folder)
    migrations.migration_set.cache_clear()
    yield folder
    migrations.migration_set.cache_clear()


@contextmanager
def row_by_row(db):
    yield


def test_step_0016_reaches_a_book_made_before_it_and_its_old_history_still_undoes(steps, book_path, tmp_path):
    step = steps / "0016_bulk_history.sql"
    text = step.read_text(encoding="utf-8")
    step.unlink()
    migrations.migration_set.cache_clear()
    db = connect(book_path, create=True)
    with pytest.MonkeyPatch.context() as older:  # the importer as it was before the step: row by row
        older.setattr(history, "bulk_inserts", row_by_row)
        older.setattr(history, "record_inserts", lambda *args: None)
        older.setattr(search, "index_inserts", lambda *args: None)
        import_path(db, write_source(tmp_path, accounts=ACCOUNTS), today=IMPORT_DAY)
    db.conn.close()
    step.write_text(text, encoding="utf-8")
    migrations.migration_set.cache_clear()
    db = connect(book_path)
    old = history.list_changes(db, limit=1)[0].rows[0]
    assert (old.new["key"], old.last_row_id) == ("acme", None)  # recorded row by row, values and all
    triggers = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    assert "open_change WHERE bulk = 0" in triggers["cstui_history_surveys_insert"]
    assert "open_change WHERE bulk = 1" in triggers["search_surveys_insert"]
    assert "bulk" not in triggers["cstui_history_surveys_update"] + triggers["search_surveys_update"]
    import_path(db, write_source(tmp_path / "more", surveys=SURVEYS), today=IMPORT_DAY)
    assert {row.last_row_id for row in history.list_changes(db, limit=1)[0].rows} == {3, 5, 6}
    history.undo(db)
    history.undo(db)  # the import made before the step, undone from its row-by-row history
    assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 0
    db.conn.close()
