"""Import semantics of the contract's "Interchange" section (issue 11 item 5) and issue 17's import items.

Identical event rows are counted, not merged; optional ids are natural keys; keyed rows repeated
with other values are bad rows; the summary says what was new, updated or moved; messages name the
real cause once, give hints for the usual file mistakes and never pass file text raw to a terminal.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cstui.storage.bookfile.connection import connect
from cstui.storage.bookfile.migrations import known_steps, migration_set
from cstui.storage.imports import importer
from tests.conftest import dump

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = "key,name,start_date\nA1,Acme,2024-01-10\nB2,Bolt,2024-03-01\n"
SURVEYS = "account_key,kind,score,responded_on\n"
INVOICES = "account_key,invoice_no,issued_date,due_date,amount\n"


def write(directory: Path, name: str, text: str | bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(tmp_path, book_path, cli):
    """A book holding accounts A1 and B2."""
    write(tmp_path / "accounts", "accounts.csv", ACCOUNTS)
    assert cli("import", str(tmp_path / "accounts"), "--db", str(book_path)).code == 0
    return book_path


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# Issue 11 item 5: identical rows are counted, not merged; ids are natural keys.


def test_two_identical_anonymous_responses_are_two_responses(tmp_path, loaded, cli):
    path = write(
        tmp_path / "s", "surveys.csv", SURVEYS + "A1,nps,9,2026-11-01\nA1,nps,9,2026-11-01\nA1,nps,0,2026-11-01\n"
    )
    result = cli("import", str(path), "--db", str(loaded))
    assert result.code == 0, result.err
    assert result.out == "surveys: 3 rows read, 3 new\n"
    report = json.loads(cli("report", "--as-of", "2026-11-24", "--json", "--db", str(loaded)).out)
    assert (report["nps_responses"], round(report["nps"], 1)) == (3, 33.3)


def test_a_reimport_adds_only_the_copies_the_book_lacks(tmp_path, loaded, cli):
    path = write(tmp_path / "s", "surveys.csv", SURVEYS + "A1,nps,9,2026-11-01\nA1,nps,9,2026-11-01\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "surveys: 2 rows read, 2 new\n"
    assert cli("import", str(path), "--db", str(loaded)).out == "surveys: 2 rows read, 0 new, 2 unchanged\n"
    write(tmp_path / "s", "surveys.csv", SURVEYS + "A1,nps,9,2026-11-01\n" * 3 + "A1,nps,8,2026-11-01\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "surveys: 4 rows read, 2 new, 2 unchanged\n"
    assert rows(loaded, "SELECT score, count(*) FROM surveys GROUP BY score") == [(8, 1), (9, 3)]


def test_identical_tickets_and_interactions_are_counted_too(tmp_path, loaded, cli):
    source = tmp_path / "events"
    write(source, "tickets.csv", "account_key,opened_on,channel\n" + "A1,2026-11-01,assisted\n" * 2)
    write(source, "interactions.csv", "account_key,occurred_on,kind,summary\n" + "A1,2026-11-01,email,hi\n" * 2)
    result = cli("import", str(source), "--db", str(loaded))
    assert result.out == "tickets: 2 rows read, 2 new\ninteractions: 2 rows read, 2 new\n"
    assert cli("import", str(source), "--db", str(loaded)).out.count("0 new") == 2


def test_rows_typed_in_the_app_are_not_copies_of_imported_rows(tmp_path, loaded, cli):
    assert cli("survey", "add", "--account", "A1", "--kind", "nps", "--score", "9", "--date", "2026-11-01",
               "--db", str(loaded)).code == 0  # fmt: skip
    path = write(tmp_path / "s", "surveys.csv", SURVEYS + "A1,nps,9,2026-11-01\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "surveys: 1 rows read, 1 new\n"
    assert rows(loaded, "SELECT count(*) FROM surveys") == [(2,)]


def test_an_id_column_is_the_natural_key_and_updates_its_row(tmp_path, loaded, cli):
    header = "account_key,kind,score,responded_on,response_id\n"
    path = write(tmp_path / "s", "surveys.csv", header + "A1,nps,9,2026-11-01,R1\nA1,nps,9,2026-11-01,R2\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "surveys: 2 rows read, 2 new\n"
    write(tmp_path / "s", "surveys.csv", header + "A1,nps,9,2026-11-01,R1\nA1,nps,3,2026-11-01,R2\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "surveys: 2 rows read, 0 new, 1 updated, 1 unchanged\n"
    assert rows(loaded, "SELECT external_id, score FROM surveys ORDER BY id") == [("R1", 9), ("R2", 3)]
    for name, text in (
        ("tickets.csv", "account_key,opened_on,channel,ticket_id\nA1,2026-11-01,assisted,T1\n"),
        ("interactions.csv", "account_key,occurred_on,kind,summary,interaction_id\nA1,2026-11-01,call,hi,C1\n"),
    ):
        path = write(tmp_path / "e", name, text)
        assert cli("import", str(path), "--db", str(loaded)).out.endswith("1 rows read, 1 new\n")
        assert cli("import", str(path), "--db", str(loaded)).out.endswith("1 rows read, 0 new, 1 unchanged\n")


def test_migration_0007_keeps_existing_rows_and_lets_identical_rows_in(book_path):
    db = connect(book_path, migrate=False, create=True)
    step = next(name for name in known_steps() if name.startswith("0007"))
    migration_set().apply(db, stop_before=step)
    db.execute("INSERT INTO accounts (key, name, start_date) VALUES ('A1', 'Acme', '2024-01-01')")
    db.execute("INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (1, 'nps', 9, '2026-11-01')")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (1, 'nps', 9, '2026-11-01')")
    db.conn.commit()
    db.conn.close()
    db = connect(book_path)  # applies 0007 and later steps
    db.execute("INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (1, 'nps', 9, '2026-11-01')")
    assert db.execute("SELECT count(*) FROM surveys").fetchone() == (2,)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO tickets (account_id, opened_on, channel, external_id) VALUES (1, '2026-11-01', "
                   "'assisted', 'T1'), (1, '2026-11-02', 'assisted', 'T1')")  # fmt: skip
    db.conn.close()


# 17.12: a keyed row repeated in one file with other values is a bad row.


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "accounts.csv",
            "key,name,start_date\nDUP-1,One,2024-01-01\nDUP-1,Two,2024-01-01\n",
            "accounts.csv:3: key: also on line 2 with other values",
        ),
        (
            "invoices.csv",
            INVOICES + "A1,I-1,2025-01-01,2025-01-31,100\nA1,I-1,2025-01-01,2025-01-31,200\n",
            "invoices.csv:3: invoice_no: also on line 2 with other values",
        ),
        (
            "mrr_history.csv",
            "account_key,effective_date,mrr\nA1,2025-01-01,10\nB2,2025-01-01,10\nA1,2025-01-01,20\n",
            "mrr_history.csv:4: account_key, effective_date: also on line 2 with other values",
        ),
        (
            "surveys.csv",
            "account_key,kind,score,responded_on,response_id\nA1,nps,9,2026-11-01,R1\nA1,nps,8,2026-11-01,R1\n",
            "surveys.csv:3: response_id: also on line 2 with other values",
        ),
    ],
)
def test_a_key_repeated_with_other_values_is_a_bad_row(tmp_path, loaded, cli, name, text, message):
    before = dump(loaded)
    result = cli("import", str(write(tmp_path / "dup", name, text)), "--db", str(loaded))
    assert result.code == 1
    assert message in result.err.splitlines()
    assert dump(loaded) == before


def test_identical_repeats_of_a_keyed_row_are_fine(tmp_path, loaded, cli):
    path = write(tmp_path / "inv", "invoices.csv", INVOICES + "A1,I-1,2025-01-01,2025-01-31,100\n" * 2)
    assert cli("import", str(path), "--db", str(loaded)).out == "invoices: 2 rows read, 1 new, 1 unchanged\n"


def test_repeats_are_found_across_batches(tmp_path, loaded, cli, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 2)
    lines = [f"A1,2025-01-{day:02d},1,1\n" for day in range(1, 8)] + ["A1,2025-01-02,5,1\n"]
    path = write(tmp_path / "u", "usage_daily.csv", "account_key,day,active_users,minutes\n" + "".join(lines))
    result = cli("import", str(path), "--db", str(loaded))
    assert "usage_daily.csv:9: account_key, day: also on line 3 with other values" in result.err.splitlines()


# 17.13: the summary reports updated rows, and rows that moved to another account.


def test_a_reimport_that_changes_or_moves_invoices_reports_them(tmp_path, loaded, cli):
    path = write(
        tmp_path / "inv",
        "invoices.csv",
        INVOICES + "A1,I-1,2025-01-01,2025-01-31,100\nA1,I-2,2025-01-01,2025-01-31,5\n",
    )
    assert cli("import", str(path), "--db", str(loaded)).out == "invoices: 2 rows read, 2 new\n"
    write(
        tmp_path / "inv",
        "invoices.csv",
        INVOICES + "A1,I-1,2025-01-01,2025-01-31,150\nB2,I-2,2025-01-01,2025-01-31,5\n",
    )
    result = cli("import", str(path), "--db", str(loaded))
    assert result.out == "invoices: 2 rows read, 0 new, 2 updated\ninvoices: I-2 moved from account A1 to B2\n"
    assert rows(loaded, "SELECT invoice_no, account_id, amount FROM invoices ORDER BY id") == [
        ("I-1", 1, 150.0),
        ("I-2", 2, 5.0),
    ]


def test_an_event_row_with_an_id_that_moves_is_listed(tmp_path, loaded, cli):
    header = "account_key,occurred_on,kind,summary,interaction_id\n"
    path = write(tmp_path / "i", "interactions.csv", header + "A1,2026-11-01,call,QBR,C-9\n")
    assert cli("import", str(path), "--db", str(loaded)).code == 0
    write(tmp_path / "i", "interactions.csv", header + "B2,2026-11-01,call,QBR,C-9\n")
    assert cli("import", str(path), "--db", str(loaded)).out.splitlines() == [
        "interactions: 1 rows read, 0 new, 1 updated",
        "interactions: C-9 moved from account A1 to B2",
    ]


def test_account_updates_are_counted(tmp_path, loaded, cli):
    path = write(tmp_path / "acc", "accounts.csv", ACCOUNTS.replace("Bolt", "Bolt Inc"))
    assert cli("import", str(path), "--db", str(loaded)).out == "accounts: 2 rows read, 0 new, 1 updated, 1 unchanged\n"


def test_a_contact_s_role_and_champion_flag_update_on_reimport(tmp_path, loaded, cli):
    header = "account_key,name,email,role,is_champion\n"
    path = write(tmp_path / "c", "contacts.csv", header + "A1,Dana Lee,dana@acme.test,VP,0\nA1,Sam,,CTO,0\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "contacts: 2 rows read, 2 new\n"
    write(tmp_path / "c", "contacts.csv", header + "A1,Dana Lee,dana@acme.test,COO,1\nA1,Sam,,CTO,0\n")
    assert cli("import", str(path), "--db", str(loaded)).out == "contacts: 2 rows read, 0 new, 1 updated, 1 unchanged\n"
    assert rows(loaded, "SELECT name, role, is_champion FROM contacts ORDER BY id") == [
        ("Dana Lee", "COO", 1),
        ("Sam", "CTO", 0),
    ]


# 17.14: counts are taken inside the import's transaction.


def test_rows_another_writer_commits_meanwhile_are_not_counted_as_new(tmp_path, loaded):
    path = write(tmp_path / "s", "surveys.csv", SURVEYS + "A1,nps,9,2026-11-01\n")
    other = sqlite3.connect(loaded, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the import's transaction has to wait for this one
    command = [sys.executable, "-m", "cstui", "import", str(path), "--db", str(loaded)]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)  # the import has started and waits for the write lock
    other.executemany(
        "INSERT INTO surveys (account_id, kind, score, responded_on) VALUES (2, 'csat', 4, ?)",
        [(f"2026-10-{day:02d}",) for day in range(1, 21)],
    )
    other.execute("COMMIT")
    other.close()
    out, err = run.communicate(timeout=60)
    assert (run.returncode, out) == (0, "surveys: 1 rows read, 1 new\n"), err


# 17.16: numbers are ASCII decimal only.


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("٣", "surveys.csv:2: score: '٣' is not a whole number (ASCII digits 0-9 only, like 1000)"),
        (" 1_000 ", "surveys.csv:2: score: '1_000' is not a whole number (ASCII digits 0-9 only, like 1000)"),
    ],
)
def test_numbers_in_other_scripts_or_with_underscores_are_refused(tmp_path, loaded, cli, cell, message):
    before = dump(loaded)
    path = write(tmp_path / "n", "surveys.csv", SURVEYS + f"A1,ces,{cell},2026-11-01\n")
    result = cli("import", str(path), "--db", str(loaded))
    assert result.code == 1 and message in result.err.splitlines()
    assert dump(loaded) == before


def test_amounts_are_ascii_decimal_only(tmp_path, loaded, cli):
    path = write(tmp_path / "n", "invoices.csv", INVOICES + "A1,I-1,2025-01-01,2025-01-31, 1_000 \n")
    result = cli("import", str(path), "--db", str(loaded))
    assert "invoices.csv:2: amount: '1_000' is not a number (ASCII digits 0-9 and '.' only, like 1000.50)" in (
        result.err.splitlines()
    )
    write(tmp_path / "n", "invoices.csv", INVOICES + "A1,I-1,2025-01-01,2025-01-31,٣٠\n")
    assert "amount: '٣٠' is not a number" in cli("import", str(path), "--db", str(loaded)).err


# 17.18: messages.


def test_one_bad_account_row_is_reported_once_not_once_per_reference(tmp_path, book_path, cli):
    source = tmp_path / "run"
    write(source, "accounts.csv", "key,name,start_date\nNEWCO,New Co,2024-02-30\nOLDCO,Old Co,2024-01-01\n")
    write(source, "surveys.csv", SURVEYS + "NEWCO,nps,9,2026-11-01\n" * 300 + "OLDCO,nps,9,2026-11-01\n")
    write(source, "features.csv", "name,is_key\nexport,maybe\n")
    write(source, "feature_usage.csv", "account_key,day,feature\nOLDCO,2026-11-01,export\n")
    result = cli("import", str(source), "--db", str(book_path))
    assert result.err.splitlines() == [
        "cstui: import rejected, the book is unchanged (2 problems):",
        "accounts.csv:2: start_date: '2024-02-30' is not a real calendar date",
        "features.csv:2: is_key: 'maybe' is not yes/no (use 1 or 0)",
    ]


def test_an_unknown_account_is_still_named(tmp_path, loaded, cli):
    path = write(tmp_path / "s", "surveys.csv", SURVEYS + "NOPE,nps,9,2026-11-01\n")
    assert cli("import", str(path), "--db", str(loaded)).err.splitlines() == [
        "cstui: import rejected, the book is unchanged (1 problem):",
        "surveys.csv:2: account_key: unknown account 'NOPE' (not in the book or accounts.csv)",
    ]


def test_a_semicolon_file_is_read_and_the_summary_says_so(tmp_path, loaded, cli):
    path = write(tmp_path / "semi", "surveys.csv", "account_key;kind;score;responded_on\nA1;nps;9;2026-11-01\n")
    assert cli("import", str(path), "--db", str(loaded)).out.splitlines() == [
        "surveys: detected: ';'-separated",
        "surveys: 1 rows read, 1 new",
    ]


def test_a_windows_1252_file_is_read_as_such_and_the_summary_says_so(tmp_path, loaded, cli, book):
    path = write(tmp_path / "cp", "accounts.csv", "key,name,start_date\nC3,Café €,2025-01-01\n".encode("cp1252"))
    assert cli("import", str(path), "--db", str(loaded)).out.splitlines()[0] == (
        "accounts: detected: cp1252 (not UTF-8; pass --encoding if accents look wrong)"
    )
    assert book.execute("SELECT name FROM accounts WHERE key = 'C3'").fetchone() == ("Café €",)


def run_cstui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cstui", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        timeout=120,
    )


def test_the_summary_starts_on_the_first_line_of_stdout(tmp_path, book_path):
    write(tmp_path / "in", "accounts.csv", ACCOUNTS)
    done = run_cstui("import", str(tmp_path / "in"), "--db", str(book_path))
    assert (done.returncode, done.stdout) == (0, "accounts: 2 rows read, 2 new\n")


# 17.7: file text in messages and summaries never reaches the terminal raw.


def test_escape_sequences_in_a_file_are_shown_escaped(tmp_path, loaded):
    osc52 = "\x1b]52;c;ZXZpbA==\x07"
    path = write(tmp_path / "esc", "surveys.csv", f"account_key,kind,score,responded_on,{osc52}\nA1,nps,9,x\x1b[2J,1\n")
    done = run_cstui("import", str(path), "--db", str(loaded))
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert "surveys.csv:1: \\x1b]52;c;ZXZpbA==\\x07: unknown column" in done.stderr
    write(tmp_path / "esc", "surveys.csv", SURVEYS + "A1,nps,9,2026-11-01\x1b[2J\n")
    done = run_cstui("import", str(path), "--db", str(loaded))
    assert "responded_on: '2026-11-01\\x1b[2J' is not a date" in done.stderr and "\x1b" not in done.stderr


def test_moved_row_keys_are_shown_escaped(tmp_path, loaded):
    path = write(tmp_path / "inv", "invoices.csv", INVOICES + "A1,I\x1b[2J,2025-01-01,2025-01-31,1\n")
    assert run_cstui("import", str(path), "--db", str(loaded)).returncode == 0
    write(tmp_path / "inv", "invoices.csv", INVOICES + "B2,I\x1b[2J,2025-01-01,2025-01-31,1\n")
    done = run_cstui("import", str(path), "--db", str(loaded))
    assert done.stdout.splitlines()[1] == "invoices: I\\x1b[2J moved from account A1 to B2"


# Issue 11 item 4: the export holds the CSM's own records too, and imports them back.


def test_an_export_reimported_into_its_own_book_changes_nothing(demo_path, tmp_path, cli):
    assert cli("export", str(tmp_path / "out"), "--db", str(demo_path)).code == 0
    assert (tmp_path / "out" / "tasks.csv").read_text().count("\n") > 1
    before = dump(demo_path)
    result = cli("import", str(tmp_path / "out"), "--db", str(demo_path))
    assert result.code == 0, result.err
    assert all(", 0 new" in line and "updated" not in line for line in result.out.splitlines()), result.out
    assert dump(demo_path) == before


def test_tasks_settings_and_checkin_state_import(tmp_path, loaded, cli):
    source = tmp_path / "own"
    write(source, "tasks.csv", "account_key,title,due_on,created_on,done_on\nA1,Send deck,2026-12-01,2026-11-20,\n")
    write(source, "health_config.csv", "name,value\nweight.usage,30\n")
    write(source, "checkin_rules.csv", "name,enabled,threshold,description\nno_contact,0,45,quiet for a while\n")
    write(source, "checkin_state.csv", "account_key,day,action,snoozed_until\nB2,2026-11-24,snoozed,2026-12-01\n")
    result = cli("import", str(source), "--db", str(loaded))
    assert result.out.splitlines() == [
        "tasks: 1 rows read, 1 new",
        "health_config: 1 rows read, 0 new, 1 updated",
        "checkin_rules: 1 rows read, 0 new, 1 updated",
        "checkin_state: 1 rows read, 1 new",
        "checkin_state: the reasons seen stored for 1 imported reviews and snoozes",  # issue 25
    ]
    assert rows(loaded, "SELECT count(*) FROM checkin_state WHERE fingerprint IS NULL") == [(0,)]
    assert rows(loaded, "SELECT enabled, threshold FROM checkin_rules WHERE name = 'no_contact'") == [(0, 45.0)]
    assert rows(loaded, "SELECT value FROM health_config WHERE name = 'weight.usage'") == [(30.0,)]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "health_config.csv",
            "name,value\nweight.luck,5\n",
            "health_config.csv:2: name: unknown setting 'weight.luck' (the book has: band.green, band.yellow, "
            "checkin.capacity, checkin.cover_red_days, checkin.cover_risk_days, checkin.cover_room, "
            "checkin.return_after_days, weight.adoption, weight.payment, weight.relationship, weight.support, weight.surveys, weight.usage)",
        ),
        (
            "checkin_state.csv",
            "account_key,day,action\nA1,2026-11-24,snoozed\n",
            "checkin_state.csv:2: snoozed_until: a snooze needs a date after day 2026-11-24",
        ),
        (
            "health_snapshots.csv",
            "account_key,as_of,score,band,components\nA1,2026-11-24,101,green,[]\n",
            "health_snapshots.csv:2: score: 101 is outside 0..100",
        ),
    ],
)
def test_bad_rows_in_the_csm_s_own_files_are_named(tmp_path, loaded, cli, name, text, message):
    before = dump(loaded)
    result = cli("import", str(write(tmp_path / "bad", name, text)), "--db", str(loaded))
    assert result.code == 1 and message in result.err.splitlines()
    assert dump(loaded) == before
