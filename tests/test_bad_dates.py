"""Bad dates and failures that hung the TUI (issue 17 items 6 and 19, issue 11 item 3).

Values that look like dates but are not ('2026-11-00', '2024-13-45', '2025-02-30', '0000-00-00')
are refused by the schema's date guards; those already in a book are named by `cstui doctor`, and
every command and screen stops with one line naming them instead of a traceback or an endless "…".
"""

import sqlite3
import subprocess
from datetime import date, timedelta

import pytest

from cstui.safe_text import ELLIPSIS, ONE_LINE_LIMIT, visible
from cstui.storage.bookfile.connection import connect
from cstui.storage.bookfile.date_guards import (
    DATE_COLUMNS,
    DATE_GUARD_STEP,
    date_guard_names,
    guard_sql,
    refresh_date_guards,
)
from cstui.storage.bookfile.migrations import migration_set
from cstui.storage.records.notes import parse_feedback
from tests.bad_date_books import small_book, write_raw
from tests.bookmaker import BookMaker
from tests.conftest import dump

BAD_DATES = ["2026-11-00", "2024-13-45", "2025-02-30", "0000-00-00", "0000-01-01", "20261120", "2026-11-20 ", ""]
AS_OF = "2026-11-24"


# 17.6: the schema refuses them -------------------------------------------------------------


def _looks_like_a_date(column: str) -> bool:
    return column.endswith(("_date", "_on", "_until")) or column in ("day", "as_of")


def test_every_date_column_of_a_new_book_has_its_guard_pair(book):
    """A later step that adds a date column, or rebuilds a table, must give it its guards again."""
    tables = [  # the search index (FTS5) copies its day from guarded columns and takes no triggers
        t
        for (t, sql) in book.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        if t[0] != "_" and not t.startswith("search_index") and "VIRTUAL" not in sql
    ]
    found = {
        (table, column)
        for table in tables
        for (column,) in book.execute("SELECT name FROM pragma_table_info(?)", [table])
        if _looks_like_a_date(column)
    }
    listed = {(table, column) for table, columns in DATE_COLUMNS.items() for column in columns}
    assert found == listed
    triggers = {name for (name,) in book.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table, column in sorted(listed):
        assert set(date_guard_names(table, column)) <= triggers, (table, column)


def test_the_guards_of_step_0008_are_the_ones_a_later_step_would_write(book):
    stored = dict(book.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    for table, columns in DATE_COLUMNS.items():
        for column in columns:
            if table == "contacts":
                continue  # added by a later step: its guards come from refresh_date_guards
            for name, sql in zip(date_guard_names(table, column), guard_sql(table, column)):
                assert stored[name] == sql


def test_a_table_rebuilt_or_a_date_column_added_by_a_later_step_gets_its_guards_back(book):
    """What a later schema step does to a table (rebuild it, add a date column) loses no guard."""
    BookMaker(book).account("A1", "2024-01-10")
    conn = book.conn
    conn.execute("INSERT INTO contacts (account_id, name) VALUES (1, 'Dana')")
    conn.execute("DROP TRIGGER date_guard_tasks_due_on_insert")  # as a table rebuild would
    conn.execute("DROP TRIGGER date_guard_contacts_left_on_update")
    refresh_date_guards(conn)  # runs at the end of every schema step
    with pytest.raises(sqlite3.IntegrityError, match=r"tasks\.due_on: not a date"):
        conn.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (1, 't', '2026-02-30', '2026-01-01')"
        )
    with pytest.raises(sqlite3.IntegrityError, match=r"contacts\.left_on: not a date"):
        conn.execute("UPDATE contacts SET left_on = '2026-13-01'")


@pytest.mark.parametrize(("table", "column"), [(t, c) for t, cs in DATE_COLUMNS.items() for c in cs])
def test_update_and_insert_of_a_bad_date_are_refused_on_every_date_column(book, table, column):
    small_book(book)
    conn = book.conn
    rowid = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    row = conn.execute(f"SELECT * FROM {table} WHERE rowid = ?", [rowid]).fetchone()
    names = [d[1] for d in conn.execute(f"PRAGMA table_info({table})")]
    for bad in BAD_DATES:
        with pytest.raises(sqlite3.IntegrityError, match=f"{table}.{column}: not a date"):
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [bad, rowid])
        values = [bad if name == column else value for name, value in zip(names, row)]
        with pytest.raises(sqlite3.IntegrityError, match=f"{table}.{column}: not a date"):
            conn.execute(f"INSERT INTO {table} VALUES ({', '.join('?' * len(values))})", values)
    conn.rollback()
    # a real date still goes in
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [row[names.index(column)], rowid])


def test_the_guards_step_applies_to_a_book_that_already_holds_bad_dates(book_path):
    db = connect(book_path, migrate=False, create=True)
    migration_set().apply(db, stop_before=DATE_GUARD_STEP)
    make = BookMaker(db)
    acct = make.account("A1", "2024-13-45")
    make.note(acct, "2026-11-00")
    db.conn.close()
    db = connect(book_path)  # applies the guards without failing on the rows already there
    assert DATE_GUARD_STEP in [n for (n,) in db.execute("SELECT name FROM _sqlite_migrations")]
    assert db.execute("SELECT start_date FROM accounts").fetchone() == ("2024-13-45",)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE interactions SET occurred_on = '2026-02-30'")
    db.conn.close()


def test_a_book_that_has_later_steps_gets_every_guard_when_0008_arrives(book_path):
    """A book made before this step was merged already holds 0010 (contacts.left_on) and later ones."""
    from sqlite_utils import Migrations

    from cstui.resources import data_dir
    from cstui.storage.bookfile.migrations import MIGRATION_SET, _step, split_statements

    db = connect(book_path, migrate=False, create=True)
    without = Migrations(MIGRATION_SET)
    for path in sorted(data_dir("migrations").glob("*.sql")):
        if path.stem != DATE_GUARD_STEP:
            without(name=path.stem)(_step(split_statements(path.read_text(encoding="utf-8"))))
    without.apply(db)
    assert not db.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'date_guard_%'").fetchone()[0]
    db.conn.close()
    db = connect(book_path)  # the pending step 0008 is applied now
    triggers = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for table, columns in DATE_COLUMNS.items():
        for column in columns:
            assert set(date_guard_names(table, column)) <= triggers, (table, column)
    db.conn.close()


def test_import_and_demo_still_work_with_the_guards(book_path, cli, tmp_path):
    (tmp_path / "accounts.csv").write_text("key,name,start_date,renewal_date\nA1,Acme,2024-01-10,2027-01-10\n")
    (tmp_path / "interactions.csv").write_text("account_key,occurred_on,kind,summary\nA1,2026-11-20,call,Kickoff\n")
    result = cli("import", str(tmp_path), "--db", str(book_path))
    assert result.code == 0, result.err
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "accounts.csv").write_text("key,name,start_date\nB1,Bad,2025-02-30\n")
    result = cli("import", str(bad), "--db", str(book_path))
    assert result.code == 1 and "2025-02-30" in result.err and "Traceback" not in result.err


def test_demo_book_builds_with_the_guards(demo):
    assert demo.execute("SELECT count(*) FROM accounts").fetchone()[0] == 150
    assert demo.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'date_guard_%'").fetchone()[0] == 2 * sum(
        len(c) for c in DATE_COLUMNS.values()
    )


# 17.6: doctor names each bad value -----------------------------------------------------------

DOCTOR_CASES = [
    ("interactions", "occurred_on", "2026-11-00", "id"),
    ("accounts", "start_date", "2024-13-45", "id"),
    ("accounts", "churn_date", "2025-02-30", "id"),
    ("usage_daily", "day", "0000-00-00", "rowid"),
    ("invoices", "paid_date", "2026-04-31", "id"),
    ("tasks", "due_on", "tomorrow", "id"),
]


@pytest.mark.parametrize(("table", "column", "bad", "key"), DOCTOR_CASES)
def test_doctor_names_each_bad_date_by_table_column_and_row_with_its_fix(book_path, book, cli, table, column, bad, key):
    small_book(book)
    rowid = book.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    assert cli("doctor", "--db", str(book_path)).code == 0
    write_raw(book_path, f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [bad, rowid])
    result = cli("doctor", "--db", str(book_path))
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if f"'{bad}'" in line]
    assert len(lines) == 1, result.out
    assert lines[0].startswith(f"PROBLEM: {table}.{column} of {key} {rowid} (account A1) is '{bad}', not a date")
    assert f"UPDATE {table} SET {column} = 'YYYY-MM-DD' WHERE {key} = {rowid}" in lines[0]
    assert f"{table}.{column} accepts values that are not dates" in result.out  # the dropped guards
    assert "restore" not in result.out  # a bad value is fixed in place, not by putting a backup back


def test_doctor_shows_a_date_that_is_not_even_utf8_without_a_traceback(book_path, book, cli):
    small_book(book)
    write_raw(book_path, "UPDATE interactions SET occurred_on = CAST(X'323032362D31312DFF' AS TEXT)")
    result = cli("doctor", "--db", str(book_path))
    assert result.code == 1 and "Traceback" not in result.err
    assert "PROBLEM: interactions.occurred_on of id 1 (account A1) is '2026-11-\ufffd', not a date" in result.out


def test_doctor_names_a_bad_date_of_a_table_that_belongs_to_no_account(book_path, book, cli):
    small_book(book)
    write_raw(book_path, "UPDATE import_profiles SET saved_on = '2026-11-00'")
    out = cli("doctor", "--db", str(book_path)).out
    assert "PROBLEM: import_profiles.saved_on of rowid 1 is '2026-11-00', not a date (YYYY-MM-DD)" in out


def test_doctor_counts_what_it_does_not_list(book_path, book, cli):
    make = BookMaker(book)
    acct = make.account("A1", "2024-01-10")
    for day in range(1, 16):
        make.usage(acct, f"2026-11-{day:02d}", 1, 1)
    write_raw(book_path, "UPDATE usage_daily SET day = '2026-11-00' || day")
    out = cli("doctor", "--db", str(book_path)).out
    assert out.count("PROBLEM: usage_daily.day of rowid") == 10
    assert "usage_daily.day: 5 more rows like these" in out


# 17.6: no command ends in a traceback ----------------------------------------------------------

COMMANDS = [
    ("report", "--as-of", AS_OF),
    ("report", "--account", "A1", "--as-of", AS_OF),
    ("health", "explain", "A1", "--as-of", AS_OF),
    ("health", "snapshot", "--as-of", AS_OF),
    ("health", "retention", "--as-of", AS_OF),
    ("health", "backtest", "--as-of", AS_OF),
    ("export", "OUT", "--account", "A1", "--format", "md", "--as-of", AS_OF),
]
BOOK_DATES = [
    ("interactions", "occurred_on", "2026-11-00"),
    ("accounts", "start_date", "2024-13-45"),
    ("accounts", "churn_date", "2025-02-30"),
    ("invoices", "issued_date", "0000-00-00"),
]


@pytest.mark.parametrize(("table", "column", "bad"), BOOK_DATES)
def test_commands_stop_with_one_line_naming_the_bad_date_and_doctor(book_path, book, cli, tmp_path, table, column, bad):
    small_book(book)
    write_raw(book_path, f"UPDATE {table} SET {column} = ?", [bad])
    outcomes = set()
    for command in COMMANDS:
        args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
        result = cli(*args, "--db", str(book_path))
        assert "Traceback" not in result.err, (command, result.err)
        if result.code:
            assert result.code == 1 and len(result.err.strip().splitlines()) == 1, (command, result.err)
            assert result.err.startswith(f"cstui: the book holds '{bad}' in {table}.{column}, which is not a date")
            assert "`cstui doctor`" in result.err
            outcomes.add("refused")
    assert outcomes == {"refused"}  # at least one command met the value (and none crashed)


def test_report_on_the_bad_date_of_the_issue_ends_in_one_line(book_path, book, cli):
    small_book(book)
    write_raw(book_path, "UPDATE interactions SET occurred_on = '2026-11-00'")
    result = cli("report", "--as-of", AS_OF, "--db", str(book_path))
    assert (result.code, result.err.strip()) == (
        1,
        "cstui: the book holds '2026-11-00' in interactions.occurred_on, which is not a date (YYYY-MM-DD); "
        "`cstui doctor` names the row and how to fix it",
    )


# 17.3 / doctor: the health config table ----------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (
            "UPDATE health_config SET value = 1e999 WHERE name = 'weight.usage'",
            "PROBLEM: weight.usage is inf, not a number from 0 to 100; fix with: sqlite-utils query",
        ),
        (
            "UPDATE health_config SET value = 'lots' WHERE name = 'weight.surveys'",
            "PROBLEM: weight.surveys is 'lots', not a number from 0 to 100; fix with: sqlite-utils query",
        ),
        (
            "UPDATE health_config SET value = 250 WHERE name = 'weight.payment'",
            "PROBLEM: weight.payment is 250, not a number from 0 to 100; fix with: cstui health weights --set payment=10 --db",
        ),
        (
            "UPDATE health_config SET value = 0 WHERE name LIKE 'weight.%'",
            "PROBLEM: every weight is 0, so no account gets a score; fix with: cstui health weights --set usage=25",
        ),
        (
            "UPDATE health_config SET value = 80 WHERE name = 'band.yellow'",
            "PROBLEM: band.yellow (80) is above band.green (70); fix with: sqlite-utils query",
        ),
        (
            "UPDATE health_config SET value = 1e999 WHERE name = 'band.green'",
            "PROBLEM: band.green is inf, not a score from 0 to 100; fix with: sqlite-utils query",
        ),
    ],
)
def test_doctor_checks_the_health_settings(book_path, book, cli, sql, expected):
    small_book(book)
    write_raw(book_path, sql, drop=False)
    result = cli("doctor", "--db", str(book_path))
    assert result.code == 1
    assert any(line.startswith(expected) for line in result.out.splitlines()), result.out


def test_an_inf_weight_written_by_hand_stops_the_engine_with_its_fix(book_path, book, cli):
    small_book(book)
    write_raw(book_path, "UPDATE health_config SET value = 1e999 WHERE name = 'weight.usage'", drop=False)
    for command in (("report", "--as-of", AS_OF), ("health", "explain", "A1", "--as-of", AS_OF)):
        result = cli(*command, "--db", str(book_path))
        assert result.code == 1 and len(result.err.strip().splitlines()) == 1, result.err
        assert "weight.usage is inf" in result.err
        assert "UPDATE health_config SET value = 25 WHERE name = 'weight.usage'" in result.err
    doctor = cli("doctor", "--db", str(book_path))
    fix = next(line for line in doctor.out.splitlines() if "weight.usage is inf" in line).split("fix with: ")[1]
    subprocess.run(fix, shell=True, check=True, capture_output=True)  # the command doctor gives works
    assert cli("doctor", "--db", str(book_path)).code == 0


def test_a_setting_that_computes_is_left_to_doctor_not_refused_by_the_engine(book_path, book, cli):
    small_book(book)
    write_raw(book_path, "UPDATE health_config SET value = 250 WHERE name = 'weight.usage'", drop=False)
    assert cli("report", "--as-of", AS_OF, "--db", str(book_path)).code == 0
    assert cli("doctor", "--db", str(book_path)).code == 1


# 11.3: dates that make sense --------------------------------------------------------------------

TODAY = date.fromisoformat(AS_OF)  # every check below runs `--as-of` it: never the machine's date
FUTURE = (TODAY + timedelta(days=30)).isoformat()


@pytest.fixture
def one_account(book_path, book):
    BookMaker(book).account("A1", "2024-01-10", name="Acme")
    return book_path


def test_a_conversation_dated_after_today_is_refused_with_the_reason(one_account, cli):
    before = dump(one_account)
    result = cli(
        "note",
        "add",
        "--account",
        "A1",
        "--summary",
        "Call",
        "--date",
        FUTURE,
        "--db",
        str(one_account),
        "--as-of",
        AS_OF,
    )
    assert (result.code, result.err.strip()) == (
        1,
        f"cstui: --date: {FUTURE} is after today ({TODAY.isoformat()}): only what has happened is logged",
    )
    assert dump(one_account) == before
    entry, errors = parse_feedback("A1", {"date": TODAY.isoformat(), "summary": "Call"}, TODAY)
    assert entry is not None and not errors


def test_a_survey_dated_after_today_is_refused_on_the_cli(one_account, cli):
    before = dump(one_account)
    args = ("survey", "add", "--account", "A1", "--kind", "nps", "--score", "9", "--date", FUTURE)
    result = cli(*args, "--db", str(one_account), "--as-of", AS_OF)
    assert (result.code, result.err.strip()) == (
        1,
        f"cstui: --date: {FUTURE} is after today ({TODAY.isoformat()}): only what has happened is logged",
    )
    assert dump(one_account) == before


def test_a_follow_up_due_before_the_call_is_refused(one_account, cli):
    before = dump(one_account)
    result = cli(
        "note", "add", "--account", "A1", "--summary", "Call", "--date", "2026-11-20", "--follow-up", "2026-11-19",
        "--db", str(one_account), "--as-of", AS_OF,
    )  # fmt: skip
    assert (result.code, result.err.strip()) == (
        1,
        "cstui: --follow-up: 2026-11-19 is before the conversation (2026-11-20): a follow-up is due after it",
    )
    assert dump(one_account) == before


def test_a_follow_up_s_created_date_is_the_day_it_was_typed_not_the_call_s(one_account, cli, book):
    result = cli(
        "note", "add", "--account", "A1", "--summary", "Call", "--date", "2026-11-01", "--follow-up", "2026-11-03",
        "--db", str(one_account), "--as-of", AS_OF,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert book.execute("SELECT created_on, due_on FROM tasks").fetchall() == [(TODAY.isoformat(), "2026-11-03")]


def test_a_bad_follow_up_date_names_the_real_option(one_account, cli):
    result = cli(
        "note", "add", "--account", "A1", "--summary", "Call", "--follow-up", "2026-02-30", "--db", str(one_account)
    )
    assert (result.code, result.err.strip()) == (1, "cstui: --follow-up: '2026-02-30' is not a real calendar date")


def test_doctor_lists_future_dated_conversations_and_surveys_with_their_fix(one_account, book, cli):
    make = BookMaker(book)
    note = make.note(1, FUTURE)
    survey = make.survey(1, "nps", 9, FUTURE)
    make.note(1, TODAY.isoformat())
    out = cli("doctor", "--db", str(one_account), "--as-of", AS_OF).out
    problems = [line for line in out.splitlines() if "after today" in line]
    assert problems == [
        f"PROBLEM: interactions.occurred_on of id {note} (account A1) is '{FUTURE}', after today "
        f"({TODAY.isoformat()}): put the day it happened; fix with: cstui note edit {note} --date YYYY-MM-DD "
        f"--db {one_account}",
        f"PROBLEM: surveys.responded_on of id {survey} (account A1) is '{FUTURE}', after today "
        f"({TODAY.isoformat()}): put the day it happened; fix with: cstui survey edit {survey} --date YYYY-MM-DD "
        f"--db {one_account}",
    ]
    for line in problems:  # the commands given work
        command = line.split("fix with: cstui ")[1].replace("YYYY-MM-DD", TODAY.isoformat()).split()
        assert cli(*command, "--as-of", AS_OF).code == 0
    assert cli("doctor", "--db", str(one_account), "--as-of", AS_OF).code == 0


# 17.19: one-line text -------------------------------------------------------------------------------


def test_visible_cuts_one_line_text_with_an_ellipsis():
    assert visible("x" * 100_000, one_line=True, limit=10) == "x" * 9 + ELLIPSIS
    assert visible("short", one_line=True, limit=10) == "short"
    assert visible("a\nb", one_line=True, limit=3) == "a b"
    assert visible("\x1b" * 5, limit=6) == "\\x1b\\" + ELLIPSIS  # cut after escaping: nothing raw leaks
    assert len(visible("y" * 100_000)) == 100_000  # only where asked
    assert ONE_LINE_LIMIT <= 120


# 17.6 / the TUI: a failed load shows an error panel, never "…" for ever ------------------------------


def tui_app(path):
    from cstui.tui.app import CstuiApp

    return CstuiApp(path, as_of=date.fromisoformat(AS_OF), snapshot_on_open=False)


def panel_text(screen) -> str:
    from textual.widgets import Static

    return str(screen.query_one("#load-error", Static).render())


async def test_dashboard_shows_an_error_panel_naming_the_bad_date_and_doctor(book_path, book):
    from tests.tui_helpers import settle

    small_book(book)
    write_raw(book_path, "UPDATE interactions SET occurred_on = '2026-11-00'")
    app = tui_app(book_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.is_loaded
        text = panel_text(app.screen)
        assert "'2026-11-00' in interactions.occurred_on" in text
        assert "cstui doctor" in text


async def test_backtest_screen_shows_the_panel_instead_of_computing_for_ever(book_path, book):
    from cstui.tui.screens.backtest import BacktestScreen
    from tests.tui_helpers import settle

    small_book(book)
    write_raw(book_path, "UPDATE accounts SET start_date = '2024-13-45'")
    app = tui_app(book_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(BacktestScreen())
        await settle(pilot)
        assert isinstance(app.screen, BacktestScreen)
        assert "'2024-13-45' in accounts.start_date" in panel_text(app.screen)


async def test_any_loader_failure_is_shown_and_a_good_reload_clears_it(book_path, book, monkeypatch):
    from cstui.readmodels import views
    from tests.tui_helpers import press, settle

    small_book(book)
    real = views.dashboard

    def broken(conn, as_of):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(views, "dashboard", broken)
    app = tui_app(book_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = panel_text(app.screen)
        assert "RuntimeError: the disk went away" in text and "cstui doctor" in text
        monkeypatch.setattr(views, "dashboard", real)
        await press(pilot, "r")
        assert not app.screen.query("#load-error")
        assert app.screen.query_one("#movers").row_count >= 0 and app.screen.is_loaded


# 11.3 in the TUI forms ----------------------------------------------------------------------------


async def test_feedback_form_names_a_future_date_under_the_date_field(one_account, book):
    from textual.widgets import Input, Static

    from cstui.tui.screens.feedback import FeedbackScreen, open_feedback
    from tests.tui_helpers import settle

    before = dump(one_account)
    app = tui_app(one_account)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_feedback(app, 1)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        form.query_one("#date", Input).value = FUTURE
        form.query_one("#summary", Input).value = "Call"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = form.query_one("#date-error", Static)
        assert str(error.render()) == f"{FUTURE} is after today ({TODAY.isoformat()}): only what has happened is logged"
        assert error.has_class("shown")
    assert dump(one_account) == before


async def test_survey_form_names_a_future_date_under_the_date_field(one_account, book):
    from textual.widgets import Input, Static

    from cstui.tui.screens.survey import SurveyScreen, open_survey
    from tests.tui_helpers import settle

    before = dump(one_account)
    app = tui_app(one_account)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_survey(app, 1)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SurveyScreen)
        form.query_one("#survey-score", Input).value = "9"
        form.query_one("#survey-date", Input).value = FUTURE
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = form.query_one("#survey-date-error", Static)
        assert str(error.render()) == f"{FUTURE} is after today ({TODAY.isoformat()}): only what has happened is logged"
        assert error.has_class("shown") and not form.query_one("#survey-error", Static).has_class("shown")
    assert dump(one_account) == before


# 17.19: a 100,000-character name in the account header at 80x24 ---------------------------------------


async def test_a_huge_account_name_takes_a_few_header_lines_with_an_ellipsis(book_path, book):
    from cstui.tui.screens.account import AccountScreen
    from tests.tui_helpers import settle

    make = BookMaker(book)
    acct = make.account("A1", "2024-01-10", name="N" * 100_000)
    make.mrr(acct, "2024-01-10", 100)
    make.note(acct, "2026-11-20", summary="S" * 100_000)
    app = tui_app(book_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(acct))
        await settle(pilot)
        title = app.screen.query_one("#account-title")
        assert title.size.height <= 4
        assert ("N" * (ONE_LINE_LIMIT - 1) + ELLIPSIS) in str(title.render())
        timeline = app.screen.query_one("#timeline")
        assert len(str(timeline.get_row_at(0)[2])) == ONE_LINE_LIMIT


def test_renewal_accuracy_and_the_brief_name_a_bad_renewal_date_in_one_line(book_path, book, cli):
    """The read models behind `renewal accuracy` and `brief` read renewal dates through `book_date` too."""
    small_book(book)
    write_raw(book_path, "UPDATE renewal_calls SET renewal_date = '2025-02-30'")
    write_raw(book_path, "UPDATE accounts SET renewal_date = '2025-02-30'")
    for command in (("renewal", "accuracy"), ("brief", "A1")):
        result = cli(*command, "--as-of", AS_OF, "--db", str(book_path))
        assert result.code == 1 and "Traceback" not in result.err, (command, result.err)
        assert "'2025-02-30'" in result.err and "renewal_date" in result.err and "cstui doctor" in result.err, command


def test_doctor_finds_a_value_written_past_the_check_constraints_and_changes_nothing(book_path, book, cli):
    """A hand edit with `PRAGMA ignore_check_constraints` puts an NPS of 11 in the book: doctor names
    it (SQLite skips CHECKs on a read-only connection, so doctor checks on a query-only one)."""
    small_book(book)
    book.conn.close()
    conn = sqlite3.connect(book_path)
    conn.execute("PRAGMA ignore_check_constraints = 1")
    conn.execute("UPDATE surveys SET score = 11")
    conn.commit()
    conn.close()
    before = book_path.read_bytes()
    result = cli("doctor", "--db", str(book_path))
    assert result.code == 1
    assert "integrity_check found damage: CHECK constraint failed in surveys" in result.out
    assert book_path.read_bytes() == before
