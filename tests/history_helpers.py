"""History helpers shared by the undo tests: the book's data as text less what an undo adds on
purpose, a quick account, and one random write step for the undo properties."""

from datetime import date

from hypothesis import strategies as st

from cstui.storage.records import accounts as account_records
from cstui.storage.records import notes as note_records
from cstui.storage.records import surveys as survey_records
from cstui.storage.records import tasks as task_records

TODAY = date(2026, 11, 24)
# The dump compared before and after undo leaves out the history itself (the undo adds to it: that
# is the point) and sqlite_sequence (AUTOINCREMENT counters, which an undone insert does not wind
# back; no cstui table uses AUTOINCREMENT today, so nothing is actually dropped from the dump).
HISTORY_ROWS = ('INSERT INTO "changes"', 'INSERT INTO "history"', 'INSERT INTO "open_change"')


SEARCH_SHADOW_ROWS = tuple(f'INSERT INTO "search_index_{part}"' for part in ("data", "idx", "docsize", "content"))


def data_dump(db) -> list[str]:
    """The book's data as SQL text, less the history rows an undo adds on purpose.

    The search index's shadow tables hold FTS5's b-tree segments, whose bytes depend on the order
    of writes (a delete and re-insert merges differently), so the index is compared by what it
    holds instead: every (rowid, kind, account, record, title, body) row.
    """
    lines = [
        line
        for line in db.conn.iterdump()
        if not line.startswith(HISTORY_ROWS + SEARCH_SHADOW_ROWS) and "sqlite_sequence" not in line
    ]
    indexed = db.conn.execute(
        "SELECT rowid, kind, account_id, record_id, day, title, body FROM search_index ORDER BY rowid"
    ).fetchall()
    return lines + [repr(row) for row in indexed]


def add_account(db, key="acme", **fields):
    return account_records.add_account(db, key, account_records.AccountFields(name=f"{key} Inc", **fields), today=TODAY)


# --- random steps for the undo property ----------------------------------------------------------

texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(str.strip)
days = st.dates(date(2026, 1, 1), TODAY).map(date.isoformat)
later = st.dates(TODAY, date(2027, 6, 1)).map(date.isoformat)


STEPS = [
    "account",
    "account_edit",
    "contact",
    "contact_edit",
    "note",
    "note_edit",
    "note_delete",
    "survey",
    "survey_edit",
    "survey_delete",
    "task",
    "task_edit",
    "task_done",
    "task_delete",
]


def _ids(db, table: str) -> list[int]:
    return [row[0] for row in db.execute(f"SELECT id FROM {table} ORDER BY id")]


def random_step(db, data) -> str | None:
    """One random create/edit/delete through the write functions; the step's description, or None."""
    keys = [row[0] for row in db.execute("SELECT key FROM accounts ORDER BY key")]
    tables = {"contact": "contacts", "note": "interactions", "survey": "surveys", "task": "tasks"}
    possible = [k for k in STEPS if "_" not in k or k.startswith("account") or _ids(db, tables[k.split("_")[0]])]
    kind = data.draw(st.sampled_from(possible))
    key = data.draw(st.sampled_from(keys))
    pick = lambda table: data.draw(st.sampled_from(_ids(db, table)))  # noqa: E731
    if kind == "account":
        account_records.add_account(
            db, data.draw(texts), account_records.AccountFields(name=data.draw(texts)), today=TODAY
        )
    elif kind == "account_edit":
        account_records.edit_account(
            db,
            key,
            account_records.AccountFields(plan=data.draw(texts), seats=str(data.draw(st.integers(0, 99)))),
            TODAY,
        )
    elif kind == "contact":
        account_records.add_contact(
            db, key, account_records.ContactFields(name=data.draw(texts), champion=data.draw(st.booleans()))
        )
    elif kind == "contact_edit":
        account_records.edit_contact(
            db, pick("contacts"), account_records.ContactFields(role=data.draw(texts), left_on=data.draw(days))
        )
    elif kind == "note":
        contact = data.draw(st.none() | texts)
        entry, errors = note_records.parse_feedback(
            key, {"date": data.draw(days), "summary": data.draw(texts), "contact": contact or "", "nps": "7"}, TODAY
        )
        assert not errors
        note_records.save_feedback(db, entry)
    elif kind == "note_edit":
        fields = note_records.NoteFields(summary=data.draw(texts), sentiment=str(data.draw(st.integers(-2, 2))))
        note_records.edit_note(db, pick("interactions"), fields, today=TODAY)
    elif kind == "note_delete":
        note_records.delete_note(db, pick("interactions"))
    elif kind == "survey":
        survey_records.add_survey(
            db,
            key,
            survey_records.SurveyFields("csat", str(data.draw(st.integers(1, 5))), data.draw(days), data.draw(texts)),
            TODAY,
        )
    elif kind == "survey_edit":
        fields = survey_records.SurveyFields(
            kind="nps", score=str(data.draw(st.integers(0, 10))), comment=data.draw(texts)
        )
        survey_records.edit_survey(db, pick("surveys"), fields, today=TODAY)
    elif kind == "survey_delete":
        survey_records.delete_survey(db, pick("surveys"))
    elif kind == "task":
        task_records.add_task(db, key, task_records.TaskFields(data.draw(texts), data.draw(later)), TODAY)
    elif kind == "task_edit":
        task_records.edit_task(db, pick("tasks"), task_records.TaskFields(data.draw(texts), data.draw(later)), TODAY)
    elif kind == "task_done":
        task = task_records.get_task(db, pick("tasks"))
        task_records.set_task_done(db, task.id, None if task.done_on else data.draw(days), today=TODAY)
    else:
        task_records.delete_task(db, pick("tasks"))
    return kind
