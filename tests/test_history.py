"""History and undo: every change through cstui is recorded with old and new values, and undoable."""

import json
import shutil
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cstui.errors import UserError
from cstui.storage import health_weights, history
from cstui.storage.bookfile import migrations
from cstui.storage.bookfile.connection import connect, write_transaction
from cstui.storage.imports.importer import import_path
from cstui.storage.records import accounts as account_records
from cstui.storage.records import checks as record_checks
from cstui.storage.records import notes as note_records
from cstui.storage.records import surveys as survey_records
from cstui.storage.records import tasks as task_records
from tests.bookmaker import new_book
from tests.history_helpers import HISTORY_ROWS, SEARCH_SHADOW_ROWS, TODAY, add_account, data_dump, random_step

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)


def add_note(db, key="acme", summary="Kickoff call", **fields):
    entry, errors = note_records.parse_feedback(key, {"date": "2026-11-20", "summary": summary, **fields}, TODAY)
    assert not errors
    return note_records.save_feedback(db, entry)


def test_each_write_is_one_change_with_old_and_new_values(book):
    add_account(book)
    note = add_note(book)
    note_records.edit_note(book, note, note_records.NoteFields(summary="Kickoff call, went well"), today=TODAY)
    newest = history.list_changes(book, limit=1)[0]
    assert newest.description == f"note {note} edited: summary, text_sentiment"
    assert newest.source == "cli" and newest.kind == "change"
    [row] = newest.rows
    assert (row.table, row.row_id, row.op) == ("interactions", note, "update")
    assert row.old["summary"] == "Kickoff call" and row.new["summary"] == "Kickoff call, went well"
    assert [c.description for c in history.list_changes(book)][1:] == [
        "note added for acme: Kickoff call",
        "account acme added",
    ]


def test_a_write_without_a_change_name_or_outside_cstui_is_not_recorded(book):
    add_account(book)
    with write_transaction(book):
        book.execute("UPDATE accounts SET plan = 'gold'")
    book.execute("UPDATE accounts SET seats = 3")
    book.conn.commit()
    assert len(history.list_changes(book)) == 1
    assert book.execute("SELECT count(*) FROM open_change").fetchone()[0] == 0


def test_a_change_that_writes_nothing_leaves_no_step(book):
    add_account(book)
    with write_transaction(book, change="nothing really"):
        book.execute("UPDATE accounts SET name = name")
    assert [c.description for c in history.list_changes(book)] == ["account acme added"]


def test_a_failed_change_leaves_neither_rows_nor_history(book):
    add_account(book)
    before = book.conn.iterdump()
    before = list(before)
    with pytest.raises(UserError), write_transaction(book, change="doomed"):
        book.execute("UPDATE accounts SET plan = 'gold'")
        raise UserError("changed my mind")
    assert list(book.conn.iterdump()) == before


def test_undo_a_delete_restores_the_row_with_its_id_and_history_keeps_the_old_values(book):
    add_account(book)
    note = add_note(book, notes="long notes")
    dump = data_dump(book)
    note_records.delete_note(book, note)
    assert book.execute("SELECT count(*) FROM interactions").fetchone()[0] == 0
    deleted = history.list_changes(book, limit=1)[0]
    assert deleted.rows[0].op == "delete" and deleted.rows[0].old["notes"] == "long notes"
    undo = history.undo(book)
    assert undo.kind == "undo" and undo.reverts == deleted.id
    assert data_dump(book) == dump
    assert note_records.get_note(book, note).notes == "long notes"


def test_undo_step_by_step_then_nothing_left(book):
    dumps = [data_dump(book)]
    add_account(book)
    dumps.append(data_dump(book))
    task = task_records.add_task(book, "acme", task_records.TaskFields("Send the deck", "2026-12-01"), TODAY)
    dumps.append(data_dump(book))
    task_records.set_task_done(book, task.id, "2026-11-24", today=TODAY)
    for expected in reversed(dumps):
        history.undo(book)
        assert data_dump(book) == expected
    with pytest.raises(UserError, match="nothing to undo"):
        history.undo(book)


def test_redo_makes_the_change_again_until_a_new_change(book):
    add_account(book)
    account_records.edit_account(book, "acme", account_records.AccountFields(seats="40"), TODAY)
    after = data_dump(book)
    history.undo(book)
    redo = history.redo(book)
    assert redo.description == "redo 2: account acme edited: seats"
    assert data_dump(book) == after
    history.undo(book)
    account_records.edit_account(book, "acme", account_records.AccountFields(plan="gold"), TODAY)
    with pytest.raises(UserError, match="nothing to redo"):
        history.redo(book)


def test_undo_of_a_delete_brings_back_links_the_book_cut(book):
    """Deleting a note unlinks its follow-up and its scores (ON DELETE SET NULL); undo relinks them."""
    add_account(book)
    note = add_note(book, nps="9", follow_up_title="Send deck", follow_up_on="2026-12-01")
    dump = data_dump(book)
    note_records.delete_note(book, note)
    assert book.execute("SELECT interaction_id FROM tasks").fetchone()[0] is None
    assert {r.table for r in history.list_changes(book, limit=1)[0].rows} == {"interactions", "tasks", "surveys"}
    history.undo(book)
    assert data_dump(book) == dump


def test_undo_a_whole_import_run(book, tmp_path):
    add_account(book)
    before = data_dump(book)
    source = tmp_path / "in"
    source.mkdir()
    (source / "accounts.csv").write_text(
        "key,name,start_date,seats\nacme,Acme Renamed,2026-01-01,12\nbeta,Beta,2025-03-01,4\n", encoding="utf-8"
    )
    (source / "surveys.csv").write_text(
        "account_key,kind,score,responded_on\nbeta,nps,9,2026-11-01\nacme,csat,2,2026-11-02\n", encoding="utf-8"
    )
    import_path(book, source, today=IMPORT_DAY)
    change = history.list_changes(book, limit=1)[0]
    assert change.source == "import" and change.description == f"import {source}"
    assert sorted((r.table, r.op) for r in change.rows) == [
        ("accounts", "insert"),
        ("accounts", "update"),
        ("surveys", "insert"),
        ("surveys", "insert"),
    ]
    history.undo(book)
    assert data_dump(book) == before


def test_undo_refuses_when_a_row_changed_outside_cstui(book):
    add_account(book)
    account_records.edit_account(book, "acme", account_records.AccountFields(plan="gold"), TODAY)
    book.execute("UPDATE accounts SET plan = 'platinum'")
    book.conn.commit()
    dump = list(book.conn.iterdump())
    with pytest.raises(UserError, match=r"accounts row 1 was changed since \(by a later change, or outside cstui\)"):
        history.undo(book)
    assert list(book.conn.iterdump()) == dump


def test_real_numbers_come_back_exactly(book):
    weight = 0.1 + 0.2  # 0.30000000000000004: json_object alone would keep 15 digits
    before = data_dump(book)
    health_weights.save_weights(book, {"usage": weight})
    row = history.list_changes(book, limit=1)[0].rows[0]
    assert row.new["value"] == weight and row.old["value"] == 25.0
    history.undo(book)
    assert data_dump(book) == before


def test_account_filter_and_limit(book):
    add_account(book)
    add_account(book, "beta")
    add_note(book, "beta", "Beta call")
    account_records.edit_account(book, "acme", account_records.AccountFields(plan="gold"), TODAY)
    beta = record_checks.account_id(book, "beta")
    assert [c.description for c in history.list_changes(book, account=beta)] == [
        "note added for beta: Beta call",
        "account beta added",
    ]
    assert len(history.list_changes(book, limit=2)) == 2


@pytest.fixture
def later_steps(tmp_path, monkeypatch):
    """A copy of migrations/ that a test may add steps to, used by `connect`."""
    steps = tmp_path / "migrations"
    shutil.copytree(migrations.data_dir("migrations"), steps)
    monkeypatch.setattr(migrations, "data_dir", lambda name: steps)
    migrations.migration_set.cache_clear()
    yield steps
    migrations.migration_set.cache_clear()


def test_a_column_added_by_a_later_migration_is_recorded(later_steps, book_path):
    db = new_book(book_path)
    add_account(db)
    db.conn.close()
    (later_steps / "9999_survey_ids.sql").write_text("ALTER TABLE surveys ADD COLUMN response_id TEXT;\n")
    migrations.migration_set.cache_clear()
    db = connect(book_path)
    survey = survey_records.add_survey(db, "acme", survey_records.SurveyFields("nps", "9", "2026-11-20"), TODAY)
    with write_transaction(db, change="response id set"):
        db.execute("UPDATE surveys SET response_id = 'R-1' WHERE id = ?", [survey])
    row = history.list_changes(db, limit=1)[0].rows[0]
    assert (row.old["response_id"], row.new["response_id"]) == (None, "R-1")
    survey_records.delete_survey(db, survey)
    assert history.list_changes(db, limit=1)[0].rows[0].old["response_id"] == "R-1"
    history.undo(db)
    assert db.execute("SELECT response_id FROM surveys WHERE id = ?", [survey]).fetchone()[0] == "R-1"
    db.conn.close()


def test_a_later_migration_may_drop_a_column_the_triggers_listed(later_steps, book_path):
    """Triggers are dropped before a step runs (SQLite refuses DROP COLUMN under a trigger naming it)."""
    (later_steps / "9998_nicknames.sql").write_text("ALTER TABLE contacts ADD COLUMN nickname TEXT;\n")
    db = new_book(book_path)
    add_account(db)
    contact = account_records.add_contact(db, "acme", account_records.ContactFields(name="Dana"))
    with write_transaction(db, change="nickname and role"):
        db.execute("UPDATE contacts SET nickname = 'D', role = 'CTO' WHERE id = ?", [contact.id])
    db.conn.close()
    (later_steps / "9999_no_nicknames.sql").write_text("ALTER TABLE contacts DROP COLUMN nickname;\n")
    migrations.migration_set.cache_clear()
    db = connect(book_path)
    triggers = db.execute("SELECT sql FROM sqlite_master WHERE name = 'cstui_history_contacts_update'").fetchone()[0]
    assert '"nickname"' not in triggers and '"left_on"' in triggers
    history.undo(db)  # the change recorded before the step, nickname and all, still undoes
    assert account_records.get_contact(db, contact.id).role is None
    db.conn.close()


def test_snapshots_and_the_history_itself_are_not_tracked(book):
    names = {  # the history's triggers (other triggers, such as the date guards, may watch any table)
        row[0]
        for row in book.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'cstui_history_%'"
        )
    }
    assert {"accounts", "contacts", "interactions", "surveys", "tasks", "usage_daily", "checkin_state"} <= names
    assert not names & {"health_snapshots", "changes", "history", "open_change", "_sqlite_migrations"}


def test_cli_history_json_shows_deleted_values_and_undo_restores(cli, book_path):
    db = new_book(book_path)
    add_account(db)
    task = task_records.add_task(db, "acme", task_records.TaskFields("Send the deck", "2026-12-01"), TODAY)
    db.conn.close()
    assert cli("task", "delete", str(task.id), "--db", str(book_path)).code == 0
    shown = cli("history", "--json", "--limit", "1", "--db", str(book_path))
    [change] = json.loads(shown.out)
    assert change["rows"][0]["op"] == "delete" and change["rows"][0]["old"]["title"] == "Send the deck"
    result = cli("undo", "--db", str(book_path))
    assert result.code == 0 and f"undo {change['id']}: task {task.id} deleted" in result.out
    text = cli("history", "--account", "acme", "--db", str(book_path)).out
    assert f"task {task.id} deleted: Send the deck (undone by" in text
    db = connect(book_path)
    assert task_records.get_task(db, task.id).title == "Send the deck"
    db.conn.close()
    assert cli("undo", "--db", str(book_path)).code == 0
    assert cli("undo", "--db", str(book_path)).code == 0
    nothing = cli("undo", "--db", str(book_path))
    assert nothing.code == 1 and nothing.err.startswith("cstui: nothing to undo")


# --- the property ---------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_undoing_every_step_restores_the_book_byte_for_byte(data):
    with tempfile.TemporaryDirectory() as tmp:
        db = new_book(Path(tmp) / "book.db")
        try:
            add_account(db)
            add_account(db, "beta")
            start, steps = data_dump(db), 0
            for _ in range(data.draw(st.integers(1, 15))):
                before, dumped = len(history.list_changes(db)), data_dump(db)
                try:
                    kind = random_step(db, data)
                except UserError:  # a refused step (bad id, duplicate, done twice) changes nothing
                    assert (len(history.list_changes(db)), data_dump(db)) == (before, dumped)
                    continue
                if data_dump(db) == dumped:  # an edit to the values already there leaves no step
                    assert len(history.list_changes(db)) == before
                    continue
                steps += 1
                event(kind)
                assert len(history.list_changes(db)) == before + 1
            end = data_dump(db)
            assert len(history.list_changes(db)) == steps + 2
            for _ in range(steps):
                history.undo(db)
            assert data_dump(db) == start
            for _ in range(steps):
                history.redo(db)
            assert data_dump(db) == end
        finally:
            db.conn.close()


def test_the_dump_filter_only_drops_history_rows(book):
    """The property compares everything but the history tables' rows (and the search index's
    segments, compared by content instead): check what the filter drops and what stands for it."""
    add_account(book)
    kept = data_dump(book)
    dropped = [line for line in book.conn.iterdump() if line not in kept]
    assert dropped and all(line.startswith(HISTORY_ROWS + SEARCH_SHADOW_ROWS) for line in dropped)
    assert any(line.startswith(HISTORY_ROWS) for line in dropped)
    assert "(9, 'account', 1, 1, None, 'acme Inc', 'acme')" in kept  # rowid = record id * 8 + kind 1
    assert sqlite3.sqlite_version_info >= (3, 37)  # pragma_table_list, used to find the tables to track


def test_cli_history_marks_undone_and_redone_changes(cli, book_path):
    db = new_book(book_path)
    add_account(db)
    db.conn.close()
    for command in ("undo", "redo"):
        assert cli(command, "--db", str(book_path)).code == 0
    lines = cli("history", "--db", str(book_path)).out.splitlines()
    assert lines[0].endswith("cli  redo 1: account acme added")
    assert lines[2].endswith("cli  undo 1: account acme added (redone by 3)")
    assert lines[4].endswith("cli  account acme added (undone by 2, redone by 3)")


def test_the_source_of_a_change_is_the_process_default(book, monkeypatch):
    monkeypatch.setattr(history, "_default_source", "cli")
    history.set_default_source("tui")
    add_account(book)
    assert history.list_changes(book)[0].source == "tui"
    with pytest.raises(ValueError):
        history.set_default_source("elsewhere")


def test_undo_a_given_older_change_leaves_the_later_ones(book):
    add_account(book)
    note = add_note(book)
    account_records.edit_account(book, "acme", account_records.AccountFields(plan="gold"), TODAY)
    note_records.delete_note(book, note)  # change 4
    account_records.edit_account(book, "acme", account_records.AccountFields(seats="9"), TODAY)
    history.undo(book, change_id=4)
    assert note_records.get_note(book, note).summary == "Kickoff call"
    assert account_records.get_account(book, "acme").seats == 9
    assert history.undo(book).reverts == 5  # the newest not yet undone
    assert history.undo(book).reverts == 3  # 4 is undone already
    with pytest.raises(UserError, match="change 4: no such change, or it is an undo or already undone"):
        history.undo(book, change_id=4)


def test_undo_of_a_given_change_refuses_to_cascade_into_later_rows(book):
    add_account(book)
    task_records.add_task(book, "acme", task_records.TaskFields("Send the deck", "2026-12-01"), TODAY)
    dump = list(book.conn.iterdump())
    with pytest.raises(UserError, match=r"change 1 cannot be reverted alone: .*\(tasks 1\)"):
        history.undo(book, change_id=1)
    assert list(book.conn.iterdump()) == dump


def test_cli_undo_a_given_change(cli, book_path):
    db = new_book(book_path)
    add_account(db)
    add_account(db, "beta")
    db.conn.close()
    result = cli("undo", "1", "--db", str(book_path))
    assert result.code == 0 and result.out.startswith("undo 1: account acme added (1 row); change 3")
    refused = cli("undo", "1", "--db", str(book_path))
    assert refused.code == 1 and refused.err.startswith("cstui: change 1: no such change")


def test_blobs_come_back_as_the_same_bytes(book):
    add_account(book)
    with write_transaction(book, change="a blob where text was"):
        book.execute("UPDATE accounts SET churn_reason = ?", [b"\x00\xffraw"])
    before = data_dump(book)
    account_records.edit_account(book, "acme", account_records.AccountFields(churn_reason="budget"), TODAY)
    assert history.list_changes(book, limit=1)[0].rows[0].old["churn_reason"] == b"\x00\xffraw"
    history.undo(book)
    assert data_dump(book) == before


def test_moving_a_call_moves_the_scores_given_on_it_in_the_same_change(book):
    add_account(book)
    note = add_note(book, nps="9")
    note_records.edit_note(book, note, note_records.NoteFields(occurred_on="2026-11-18"), today=TODAY)
    assert book.execute("SELECT responded_on FROM surveys").fetchone()[0] == "2026-11-18"
    assert {r.table for r in history.list_changes(book, limit=1)[0].rows} == {"interactions", "surveys"}
