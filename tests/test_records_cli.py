"""`cstui note|survey|task|contact|account` edit commands: the record written, or one line and no change."""

import json
from datetime import date, timedelta

import pytest

from cstui.storage.bookfile.connection import connect
from cstui.storage.records import accounts as account_records
from cstui.storage.records import notes as note_records
from cstui.storage.records import surveys as survey_records
from cstui.storage.records import tasks as task_records
from tests.bookmaker import new_book
from tests.conftest import dump

TODAY = date(2026, 12, 7)  # every command below runs `--as-of` it, never on the machine's date
FUTURE = (TODAY + timedelta(days=30)).isoformat()
LATER = (TODAY + timedelta(days=10)).isoformat()


@pytest.fixture
def filled(book_path):
    """A book with account acme (started 2026-01-01), note 1 with Dana Lee, survey 1 (NPS 9), task 1."""
    db = new_book(book_path)
    account_records.add_account(db, "acme", account_records.AccountFields(name="Acme", start_date="2026-01-01"), TODAY)
    fields = {"date": "2026-11-20", "summary": "Kickoff", "contact": "Dana Lee"}
    entry, _ = note_records.parse_feedback("acme", fields, TODAY)
    note_records.save_feedback(db, entry)
    survey_records.add_survey(db, "acme", survey_records.SurveyFields("nps", str(9), "2026-11-20", "Great"), TODAY)
    task_records.add_task(db, "acme", task_records.TaskFields("Send the deck", LATER), TODAY)
    db.conn.close()
    return book_path


@pytest.fixture
def run(cli, filled):
    def call(*args: str):
        return cli(*args, "--db", str(filled), "--as-of", TODAY.isoformat())

    return call


def read(path, fetch):
    db = connect(path)
    try:
        return fetch(db)
    finally:
        db.conn.close()


def test_note_add_records_who_the_call_was_with(run, filled):
    assert run("note", "add", "--account", "acme", "--summary", "Check-in", "--contact", "Bo Park").code == 0
    note = read(filled, lambda db: note_records.get_note(db, 2))
    contact = read(filled, lambda db: account_records.get_contact(db, note.contact_id))
    assert (note.contact_name, contact.name, contact.account_key) == ("Bo Park", "Bo Park", "acme")
    run("note", "add", "--account", "acme", "--summary", "Again", "--contact", "Dana Lee")
    assert read(filled, lambda db: note_records.get_note(db, 3)).contact_id == 1  # the known contact, not a new one


def test_note_edit_and_delete(run, filled):
    result = run("note", "edit", "1", "--summary", "Kickoff, went well", "--sentiment", "2", "--json")
    assert result.code == 0
    shown = json.loads(result.out)
    assert shown == json.loads(json.dumps(read(filled, lambda db: note_records.get_note(db, 1)).__dict__))
    assert (shown["summary"], shown["sentiment"], shown["contact_name"]) == ("Kickoff, went well", 2, "Dana Lee")
    assert json.loads(run("note", "edit", "1", "--contact", "bo@acme.com", "--json").out)["contact_email"] == (
        "bo@acme.com"
    )
    cleared = json.loads(run("note", "edit", "1", "--contact", "", "--notes", "", "--json").out)
    assert (cleared["contact_id"], cleared["contact_email"], cleared["notes"]) == (None, None, None)
    deleted = run("note", "delete", "1", "--json")
    assert deleted.code == 0 and json.loads(deleted.out)["summary"] == "Kickoff, went well"
    assert read(filled, lambda db: db.execute("SELECT count(*) FROM interactions").fetchone()[0]) == 0
    # the score given outside the call stays
    assert read(filled, lambda db: db.execute("SELECT count(*) FROM surveys").fetchone()[0]) == 1


def test_survey_edit_and_delete(run, filled):
    result = run("survey", "edit", "1", "--kind", "csat", "--score", "2", "--contact", "dana@acme.com", "--json")
    assert result.code == 0
    assert json.loads(result.out) | {"text_sentiment": None} == {
        "id": 1,
        "account_key": "acme",
        "kind": "csat",
        "score": 2,
        "responded_on": "2026-11-20",
        "contact_email": "dana@acme.com",
        "comment": "Great",
        "text_sentiment": None,
        "interaction_id": None,
    }
    assert run("survey", "delete", "1").code == 0
    assert read(filled, lambda db: db.execute("SELECT count(*) FROM surveys").fetchone()[0]) == 0


def test_task_add_edit_done_undone_delete(run, filled):
    added = json.loads(run("task", "add", "--account", "acme", "--title", "Call back", "--due", LATER, "--json").out)
    assert (added["title"], added["due_on"], added["created_on"], added["done_on"]) == (
        "Call back",
        LATER,
        TODAY.isoformat(),
        None,
    )
    task = str(added["id"])
    assert json.loads(run("task", "edit", task, "--title", "Call Dana back", "--json").out)["title"] == "Call Dana back"
    assert json.loads(run("task", "done", task, "--json").out)["done_on"] == TODAY.isoformat()
    assert json.loads(run("task", "undone", task, "--json").out)["done_on"] is None
    assert run("task", "delete", task).code == 0
    assert read(filled, lambda db: [r[0] for r in db.execute("SELECT title FROM tasks")]) == ["Send the deck"]


def test_contact_add_and_a_champion_who_left(run, filled):
    added = run("contact", "add", "--account", "acme", "--name", "Bo", "--email", "bo@acme.com", "--champion", "--json")
    contact = json.loads(added.out)
    assert (contact["name"], contact["email"], contact["is_champion"], contact["left_on"]) == (
        "Bo",
        "bo@acme.com",
        True,
        None,
    )
    edited = json.loads(run("contact", "edit", str(contact["id"]), "--left-on", "2026-11-01", "--json").out)
    assert (edited["is_champion"], edited["left_on"]) == (True, "2026-11-01")
    assert json.loads(run("contact", "edit", str(contact["id"]), "--role", "CTO", "--json").out)["role"] == "CTO"


def test_account_add_and_roll_renewal_forward(run, filled):
    added = run("account", "add", "zeta", "--name", "Zeta", "--segment", "smb", "--seats", "12", "--json")
    assert added.code == 0
    assert json.loads(added.out) == {
        "id": 2,
        "key": "zeta",
        "name": "Zeta",
        "start_date": TODAY.isoformat(),
        "segment": "smb",
        "plan": None,
        "seats": 12,
        "renewal_date": None,
        "churn_date": None,
        "churn_reason": None,
    }
    run("account", "edit", "acme", "--renewal-date", "2026-12-31", "--churn-reason", "budget")
    edited = json.loads(
        run("account", "edit", "acme", "--renewal-date", "2027-12-31", "--churn-reason", "", "--json").out
    )
    assert (edited["renewal_date"], edited["churn_reason"]) == ("2027-12-31", None)


def test_survey_add_refuses_a_name_as_contact_email(run, filled):
    before = dump(filled)
    result = run("survey", "add", "--account", "acme", "--kind", "nps", "--score", "9", "--contact", "Dana Lee")
    assert result.code == 1 and "is not an email address" in result.err
    assert dump(filled) == before


REFUSED = [
    (("note", "edit", "99", "--summary", "x"), "note 99: no such note"),
    (("note", "edit", "1", "--date", "2026-02-30"), "not a real calendar date"),
    (("note", "edit", "1", "--date", FUTURE), "is after today"),
    (("note", "edit", "1", "--sentiment", "5"), "from -2 to 2"),
    (("note", "edit", "1", "--kind", "chat"), "is not one of"),
    (("note", "edit", "1", "--summary", " "), "summary: cannot be empty"),
    (("note", "edit", "1", "--follow-up", "2026-11-01"), "before the conversation"),
    (("note", "edit", "1", "--contact", "x@y"), "is not an email address"),
    (("note", "edit", "1"), "nothing to change"),
    (("note", "edit", "abc"), "should be a valid integer"),
    (("note", "delete", "99"), "note 99: no such note"),
    (("survey", "edit", "99", "--score", "3"), "survey 99: no such survey"),
    (("survey", "edit", "1", "--score", "11"), "nps: '11' is not a whole number from 0 to 10"),
    (("survey", "edit", "1", "--kind", "csat"), "csat: '9' is not a whole number from 1 to 5"),
    (("survey", "edit", "1", "--kind", "xyz"), "'xyz' is not one of"),
    (("survey", "edit", "1", "--date", "2026-13-01"), "not a real calendar date"),
    (("survey", "edit", "1", "--date", FUTURE), "is after today"),
    (("survey", "edit", "1", "--contact", "Dana Lee"), "is not an email address"),
    (("survey", "delete", "99"), "survey 99: no such survey"),
    (("task", "add", "--account", "nope", "--title", "x", "--due", LATER), "account 'nope': no such account"),
    (("task", "add", "--account", "acme", "--title", "x", "--due", "2020-01-01"), "is before today"),
    (("task", "add", "--account", "acme", "--title", " ", "--due", LATER), "title: cannot be empty"),
    (("task", "add", "--account", "acme", "--title", "x", "--due", "soon"), "is not a date"),
    (("task", "edit", "99", "--title", "x"), "task 99: no such task"),
    (("task", "edit", "1", "--due", "2020-01-01"), "before the task was created"),
    (("task", "done", "99"), "task 99: no such task"),
    (("task", "done", "1", "--date", FUTURE), "is after today"),
    (("task", "undone", "1"), "task 1: is not done"),
    (("task", "delete", "99"), "task 99: no such task"),
    (("contact", "add", "--account", "acme", "--name", " "), "name: cannot be empty"),
    (("contact", "add", "--account", "acme", "--name", "X", "--email", "x"), "is not an email address"),
    (("contact", "add", "--account", "acme", "--name", "X", "--left-on", "May"), "is not a date"),
    (("contact", "add", "--account", "nope", "--name", "X"), "account 'nope': no such account"),
    (("contact", "add", "--account", "acme", "--name", "Dana Lee"), "the book refused it"),
    (("contact", "edit", "99", "--role", "x"), "contact 99: no such contact"),
    (("account", "add", "acme", "--name", "Again"), "account 'acme': already in the book"),
    (("account", "add", "new", "--name", "N", "--seats", "-1"), "seats: '-1' is not a whole number"),
    (("account", "add", "new", "--name", "N", "--renewal-date", "2026-02-30"), "not a real calendar date"),
    (("account", "add", "new", "--name", "N", "--start-date", "2026-05-01", "--churn-date", "2026-01-01"), "before"),
    (("account", "add", " ", "--name", "N"), "key: cannot be empty"),
    (("account", "edit", "nope", "--name", "x"), "account nope: no such account"),
    (("account", "edit", "acme", "--seats", "many"), "is not a whole number"),
    (("account", "edit", "acme", "--churn-date", "2025-12-31"), "is before the start date 2026-01-01"),
    (("account", "edit", "acme", "--name", ""), "name: cannot be empty"),
    (("history", "--account", "nope"), "account 'nope': no such account"),
    (("history", "--limit", "0"), "--limit"),
    (("redo",), "nothing to redo"),
]


@pytest.mark.parametrize(("args", "message"), REFUSED, ids=[" ".join(a) for a, _ in REFUSED])
def test_refused_one_line_exit_1_book_unchanged(run, filled, args, message):
    before = dump(filled)
    result = run(*args)
    assert result.code == 1
    assert result.err.startswith("cstui: ") and result.err.count("\n") == 1, result.err
    assert message in result.err
    assert dump(filled) == before
