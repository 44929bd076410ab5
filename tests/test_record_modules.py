"""One write module per record kind: one check for add and edit, `today` always given, and the
change a write is recorded under handed back by `write_transaction` (issue 24, item 2)."""

import inspect
from datetime import date

import pytest

from cstui.errors import FieldError
from cstui.storage import history, playbooks, renewal_calls
from cstui.storage.bookfile import maintenance
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.records import accounts, notes, surveys, tasks

TODAY = date(2026, 11, 24)


@pytest.fixture
def acme(book):
    accounts.add_account(book, "acme", accounts.AccountFields(name="Acme", start_date="2026-01-01"), TODAY)
    entry, errors = notes.parse_feedback("acme", {"date": "2026-11-20", "summary": "Kickoff"}, TODAY)
    assert not errors and entry is not None
    return book, notes.save_feedback(book, entry)


# A bad value of each note field, as the feedback form types it (add) and as an edit gives it.
BAD_NOTE_FIELDS = [
    ("date", "2026-11-25", notes.NoteFields(occurred_on="2026-11-25")),
    ("summary", " ", notes.NoteFields(summary=" ")),
    ("sentiment", "7", notes.NoteFields(sentiment="7")),
    ("follow_up_on", "2026-11-01", notes.NoteFields(follow_up_on="2026-11-01")),
    ("contact", "dana@", notes.NoteFields(contact="dana@")),
]


@pytest.mark.parametrize(("field", "typed", "edit"), BAD_NOTE_FIELDS)
def test_a_note_is_checked_alike_when_added_and_when_edited(acme, field, typed, edit):
    book, note = acme
    form = {"date": "2026-11-20", "summary": "Call", "follow_up_title": "Send it", field: typed}
    _, added = notes.parse_feedback("acme", form, TODAY)
    with pytest.raises(FieldError) as edited:
        notes.edit_note(book, note, edit, TODAY)
    assert edited.value.field_name == field
    assert added[field] == edited.value.reason


def test_a_task_is_done_once_and_never_ahead_of_today(acme):
    book, _ = acme
    task = tasks.add_task(book, "acme", tasks.TaskFields("Send the deck", "2026-12-01"), TODAY)
    with pytest.raises(FieldError, match="is after today"):
        tasks.set_task_done(book, task.id, "2026-11-25", TODAY)
    assert tasks.set_task_done(book, task.id, TODAY.isoformat(), TODAY).done_on == TODAY.isoformat()
    with pytest.raises(Exception, match="already done"):
        tasks.set_task_done(book, task.id, TODAY.isoformat(), TODAY)


def test_write_transaction_yields_the_change_its_rows_are_recorded_under(acme):
    book, note = acme
    with write_transaction(book, change="two notes renamed") as made:
        book.execute("UPDATE interactions SET summary = 'one' WHERE id = ?", [note])
        with write_transaction(book, change="joins the open change") as inner:
            book.execute("UPDATE interactions SET notes = 'two' WHERE id = ?", [note])
    newest = history.list_changes(book, limit=1)[0]
    assert (made.id, inner.id) == (newest.id, newest.id)
    assert newest.description == "two notes renamed" and len(newest.rows) == 2


def test_a_playbook_applied_names_its_change(acme):
    book, _ = acme
    run = playbooks.apply_playbook(book, "acme", "onboarding", TODAY)
    newest = history.list_changes(book, limit=1)[0]
    assert run.change_id == newest.id and newest.description.startswith("playbook 'onboarding' applied")


@pytest.mark.parametrize(
    "function",
    [
        notes.parse_feedback,
        notes.check_note,
        notes.edit_note,
        surveys.add_survey,
        surveys.edit_survey,
        tasks.add_task,
        tasks.set_task_done,
        accounts.add_account,
        accounts.edit_account,
        playbooks.apply_playbook,
        renewal_calls.set_call,
        maintenance.checkup,
    ],
)
def test_today_is_a_required_parameter_of_every_write_that_dates_or_checks_a_date(function):
    """No fallback on the machine's clock: an app opened `--as-of` checks against that day."""
    assert inspect.signature(function).parameters["today"].default is inspect.Parameter.empty
