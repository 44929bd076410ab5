"""Search: the FTS5 index (migration 0009), its triggers, `storage.search` and `cstui search`."""

import json
import sqlite3
import subprocess
import sys

import pytest
from sqlite_utils import Database

from cstui.errors import UserError
from cstui.storage.bookfile.connection import connect
from cstui.storage.bookfile.migrations import migration_set
from cstui.storage.search import Hit, Kind, by_account, quote_words, search
from tests.bookmaker import BookMaker

HOSTILE = "[bold]x[/] \x1b[2J\x1b]52;c;ZXZpbA==\x07 zebrafish"


def indexed(conn: sqlite3.Connection) -> set[tuple]:
    """The index's rows as (kind, account_id, record_id, day, title, body)."""
    return set(conn.execute("SELECT kind, account_id, record_id, day, title, body FROM search_index"))


def note(conn: sqlite3.Connection, account: int, on: str, summary: str, notes: str | None = None) -> int:
    with conn:
        return conn.execute(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary, notes) VALUES (?, ?, 'call', ?, ?)",
            [account, on, summary, notes],
        ).lastrowid


def assert_index_sound(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")


@pytest.fixture
def small(book):
    """Two accounts with a little of everything."""
    make = BookMaker(book)
    acme = make.account("ACME-1", "2025-01-01", name="Acme Corp")
    globex = make.account("GLOBEX", "2025-01-01", name="Globex Café")
    with book.conn:
        book.conn.execute("INSERT INTO contacts (account_id, name) VALUES (?, 'Mary O''Brien')", [acme])
        book.conn.execute(
            "INSERT INTO tickets (account_id, opened_on, channel, subject) VALUES (?, '2026-02-01', 'assisted', ?)",
            [globex, "Export to acme-corp format fails"],
        )
        book.conn.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (?, 'Send the c++ SDK', "
            "'2026-03-01', '2026-02-01')",
            [acme],
        )
    make.survey(globex, "nps", 4, "2026-02-10", comment="Pricing is too high for what we use")
    make.survey(globex, "nps", 9, "2026-02-11")  # no comment: not indexed
    note(book.conn, acme, "2026-01-05", "Quarterly review", "They plan a data migration before renewal")
    note(book.conn, globex, "2026-01-06", "Renewal call", "Pricing questions; migration postponed")
    note(book.conn, acme, "2026-01-07", "Escalation", HOSTILE)
    return book


def kinds_and_keys(hits: list[Hit]) -> list[tuple[str, str]]:
    return [(hit.kind.value, hit.account_key) for hit in hits]


# --- the index and its triggers ---------------------------------------------------------------


def test_migration_fills_the_index_from_an_existing_book(book_path):
    db = Database(sqlite3.connect(book_path))
    migration_set().apply(db, stop_before="0009_search_index")
    make = BookMaker(db)
    acme = make.account("ACME-1", "2025-01-01", name="Acme Corp")
    make.survey(acme, "csat", 2, "2026-01-02", comment="slow exports")
    make.survey(acme, "csat", 5, "2026-01-03", comment="  ")
    with db.conn:
        contact = db.conn.execute("INSERT INTO contacts (account_id, name) VALUES (?, 'Ann Lee')", [acme]).lastrowid
        ticket = db.conn.execute(
            "INSERT INTO tickets (account_id, opened_on, channel) VALUES (?, '2026-01-04', 'assisted')", [acme]
        ).lastrowid
        db.conn.execute(
            "INSERT INTO tickets (account_id, opened_on, channel, subject) VALUES (?, '2026-01-05', 'assisted', 'SSO')",
            [acme],
        )
        db.conn.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (?, 'Call Ann', '2026-02-01', '2026-01-01')",
            [acme],
        )
    call = note(db.conn, acme, "2026-01-06", "Kick-off", "went well")
    db.conn.close()

    upgraded = connect(book_path)
    assert indexed(upgraded.conn) == {
        ("account", acme, acme, None, "Acme Corp", "ACME-1"),
        ("contact", acme, contact, None, "Ann Lee", None),
        ("survey", acme, 1, "2026-01-02", None, "slow exports"),
        ("ticket", acme, ticket + 1, "2026-01-05", "SSO", None),
        ("task", acme, 1, "2026-02-01", "Call Ann", None),
        ("note", acme, call, "2026-01-06", "Kick-off", "went well"),
    }
    assert kinds_and_keys(search(upgraded.conn, "exports")) == [("survey", "ACME-1")]
    assert_index_sound(upgraded.conn)
    upgraded.conn.close()


def test_triggers_index_new_rows_of_every_table(small):
    found = {(hit.kind.value, hit.account_key) for hit in search(small.conn, "acme OR brien OR sdk OR pricing")}
    assert found == {
        ("account", "ACME-1"),
        ("contact", "ACME-1"),
        ("task", "ACME-1"),
        ("ticket", "GLOBEX"),
        ("survey", "GLOBEX"),
        ("note", "GLOBEX"),
    }
    assert len(small.conn.execute("SELECT 1 FROM search_index WHERE kind = 'survey'").fetchall()) == 1
    assert_index_sound(small.conn)


def test_updates_move_the_words_with_the_row(small):
    conn = small.conn
    with conn:
        conn.execute("UPDATE interactions SET notes = 'They plan a rollout' WHERE summary = 'Quarterly review'")
        conn.execute("UPDATE accounts SET name = 'Initech' WHERE key = 'GLOBEX'")
        conn.execute("UPDATE surveys SET comment = NULL WHERE comment LIKE 'Pricing%'")
        conn.execute("UPDATE tickets SET subject = 'Zebra import' WHERE account_id = 2")
        conn.execute("UPDATE tasks SET title = 'Send the Rust SDK'")
        conn.execute("UPDATE contacts SET name = 'Mary Smith'")
        conn.execute("UPDATE interactions SET text_sentiment = 1")  # not an indexed column: no change
    assert kinds_and_keys(search(conn, "rollout")) == [("note", "ACME-1")]
    assert kinds_and_keys(search(conn, "migration")) == [("note", "GLOBEX")]
    assert kinds_and_keys(search(conn, "initech")) == [("account", "GLOBEX")]
    assert kinds_and_keys(search(conn, "globex")) == [("account", "GLOBEX")]  # the key is still indexed
    assert kinds_and_keys(search(conn, "pricing")) == [("note", "GLOBEX")]
    assert kinds_and_keys(search(conn, "zebra")) == [("ticket", "GLOBEX")]
    assert kinds_and_keys(search(conn, "acme-corp")) == [("account", "ACME-1")]
    assert kinds_and_keys(search(conn, "rust")) == [("task", "ACME-1")]
    assert search(conn, "brien") == []
    hit = search(conn, "initech")[0]
    assert (hit.account_name, hit.title) == ("Initech", "Initech")
    assert_index_sound(conn)


def test_deletes_and_cascades_take_rows_out_of_the_index(small):
    conn = small.conn
    with conn:
        conn.execute("DELETE FROM interactions WHERE summary = 'Renewal call'")
    assert kinds_and_keys(search(conn, "migration")) == [("note", "ACME-1")]
    with conn:
        conn.execute("DELETE FROM accounts WHERE key = 'ACME-1'")  # cascades to its contacts, notes, tasks
    assert conn.execute("SELECT DISTINCT account_id FROM search_index").fetchall() == [(2,)]
    assert kinds_and_keys(search(conn, "migration OR brien OR sdk OR acme")) == [("ticket", "GLOBEX")]
    assert_index_sound(conn)


def test_a_rolled_back_write_leaves_the_index_as_it_was(small):
    before = indexed(small.conn)
    with pytest.raises(sqlite3.IntegrityError), small.conn:
        small.conn.execute("UPDATE interactions SET summary = 'changed'")
        small.conn.execute("INSERT INTO accounts (key, name, start_date) VALUES ('ACME-1', 'dup', '2025-01-01')")
    assert indexed(small.conn) == before


# --- the query -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"data migration"', [("note", "ACME-1")]),
        ('"migration data"', []),
        ("migra*", [("note", "GLOBEX"), ("note", "ACME-1")]),
        ("migration AND pricing", [("note", "GLOBEX")]),
        ("migration NOT pricing", [("note", "ACME-1")]),
        ("sdk OR brien", [("contact", "ACME-1"), ("task", "ACME-1")]),
        ("title:pricing", []),
        ("cafe", [("account", "GLOBEX")]),  # diacritics folded
        ("o'brien", [("contact", "ACME-1")]),
        ("acme-corp", [("account", "ACME-1"), ("ticket", "GLOBEX")]),
        ("c++ sdk", [("task", "ACME-1")]),
        ("(sdk", None),
        ("", []),
        ("*", []),
    ],
)
def test_query_syntax_and_plain_words(small, query, expected):
    if expected is None:
        with pytest.raises(UserError, match=r"^search: unbalanced parenthesis in '\(sdk'$"):
            search(small.conn, query)
        return
    assert sorted(kinds_and_keys(search(small.conn, query))) == sorted(expected)


def test_ranking_prefers_a_headline_match_and_groups_by_account(small):
    hits = search(small.conn, "renewal")
    assert kinds_and_keys(hits) == [("note", "GLOBEX"), ("note", "ACME-1")]  # in the summary beats in the notes
    hits = search(small.conn, "migration OR pricing OR acme")
    groups = by_account(hits)
    first_seen = list(dict.fromkeys(hit.account_key for hit in hits))
    assert [g.account_key for g in groups] == first_seen and set(first_seen) == {"ACME-1", "GLOBEX"}
    assert [hit for g in groups for hit in g.hits] == sorted(hits, key=lambda hit: first_seen.index(hit.account_key))


def test_filters_by_account_key_in_any_case_and_by_kind(small):
    assert kinds_and_keys(search(small.conn, "migration", account="acme-1")) == [("note", "ACME-1")]
    assert kinds_and_keys(search(small.conn, "pricing", kind="survey")) == [("survey", "GLOBEX")]
    assert kinds_and_keys(search(small.conn, "pricing", kind=Kind.NOTE)) == [("note", "GLOBEX")]
    with pytest.raises(UserError, match=r"^search: account 'nope': no such account in the book$"):
        search(small.conn, "x", account="nope")
    with pytest.raises(UserError, match=r"^search: kind 'invoice' is not one of account, contact, note"):
        search(small.conn, "x", kind="invoice")


def test_snippet_marks_the_matched_words(small):
    (hit,) = search(small.conn, "plan migra*")
    assert (hit.kind, hit.day, hit.title) == (Kind.NOTE, "2026-01-05", "Quarterly review")
    assert hit.snippet == "They plan a data migration before renewal"
    assert [hit.snippet[s:e] for s, e in hit.matches] == ["plan", "migration"]


def test_shown_snippet_writes_controls_out_and_moves_the_marks(small):
    (hit,) = search(small.conn, "bold zebrafish")
    assert hit.snippet == HOSTILE
    shown, spans = hit.shown()
    assert shown == "[bold]x[/] \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 zebrafish"
    assert [shown[s:e] for s, e in spans] == ["bold", "zebrafish"]


def test_text_holding_the_marker_characters_is_shown_unmarked(small):
    note(small.conn, 1, "2026-01-08", "odd", "a \x02 b \x03 quokka")
    (hit,) = search(small.conn, "quokka")
    assert (hit.snippet, hit.matches) == ("a \x02 b \x03 quokka", ())


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"data migration', "search: unbalanced quote in '\"data migration'"),
        ("NOT pricing", "search: cannot read 'NOT pricing' (syntax error near \"NOT\")"),
        ("pricing AND", "search: cannot read 'pricing AND' (syntax error near \"\")"),
    ],
)
def test_malformed_queries_are_one_clear_line(small, query, message):
    with pytest.raises(UserError) as caught:
        search(small.conn, query)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_quote_words_keeps_operators_phrases_and_prefixes():
    assert quote_words('o\'brien OR "a b" NOT (c++ pri*)') == '"o\'brien" OR "a b" NOT ( "c++" "pri"* )'


# --- the CLI -------------------------------------------------------------------------------


def test_cli_groups_hits_by_account(cli, small, book_path):
    done = cli("search", "migration", "--db", str(book_path))
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "GLOBEX  Globex Café",
        "  note    2026-01-06  Renewal call · Pricing questions; migration postponed",
        "ACME-1  Acme Corp",
        "  note    2026-01-05  Quarterly review · They plan a data migration before renewal",
        "2 matches in 2 accounts",
    ]


def test_cli_shows_markup_and_escapes_literally(cli, small, book_path):
    done = cli("search", "zebrafish", "--db", str(book_path))
    assert done.code == 0, done.err
    assert "\x1b" not in done.out and "\x07" not in done.out
    assert done.out.splitlines()[1] == (
        "  note    2026-01-07  Escalation · [bold]x[/] \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 zebrafish"
    )


def test_cli_filters_account_and_kind(cli, small, book_path):
    done = cli("search", "pricing", "--account", "globex", "--kind", "SURVEY", "--db", str(book_path))
    assert done.out.splitlines() == [
        "GLOBEX  Globex Café",
        "  survey  2026-02-10  Pricing is too high for what we use",
        "1 match in 1 account",
    ]
    assert cli("search", "nothing-like-it", "--db", str(book_path)).out == "no matches for 'nothing-like-it'\n"


def test_cli_json(cli, small, book_path):
    done = cli("search", "sdk OR brien", "--kind", "task", "--json", "--db", str(book_path))
    assert json.loads(done.out) == [
        {
            "kind": "task",
            "account_id": 1,
            "account_key": "ACME-1",
            "account_name": "Acme Corp",
            "record_id": 1,
            "day": "2026-03-01",
            "title": "Send the c++ SDK",
            "snippet": "Send the c++ SDK",
            "matches": [[13, 16]],
        }
    ]


def test_cli_json_keeps_control_and_direction_characters_escaped(cli, small, book_path):
    note(small.conn, 1, "2026-01-09", "bidi", "\u202eesrever \x9b31m numbat")
    done = cli("search", "numbat", "--json", "--db", str(book_path))
    assert "\u202e" not in done.out and "\x9b" not in done.out and "\x1b" not in done.out
    assert json.loads(done.out)[0]["snippet"] == "\u202eesrever \x9b31m numbat"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", '"pricing'], "cstui: search: unbalanced quote in '\"pricing'"),
        (["search", "NOT pricing"], "cstui: search: cannot read 'NOT pricing' (syntax error near \"NOT\")"),
        (["search", "x", "--account", "NOPE"], "cstui: search: account 'NOPE': no such account in the book"),
        (["search", "x", "--kind", "invoice"], "cstui: search: kind 'invoice' is not one of"),
    ],
)
def test_cli_mistakes_are_one_line_and_exit_1(cli, small, book_path, args, message):
    done = cli(*args, "--db", str(book_path))
    assert done.code == 1
    assert done.out == ""
    assert len(done.err.splitlines()) == 1 and done.err.startswith(message)


def test_cli_on_the_demo_book(cli, demo_path):
    done = cli("search", '"outages and slow support"', "--kind", "note", "--json", "--db", str(demo_path))
    hits = json.loads(done.out)
    assert hits and all("outages and slow support" in hit["snippet"] for hit in hits)
    conn = sqlite3.connect(demo_path)
    expected = conn.execute(
        "SELECT count(*) FROM interactions WHERE notes LIKE '%outages and slow support%'"
    ).fetchone()[0]
    conn.close()
    assert len(hits) == min(expected, 100)


def test_an_update_that_changes_no_indexed_column_leaves_the_index_untouched(small):
    data = small.conn.execute("SELECT * FROM search_index_data ORDER BY id").fetchall()
    with small.conn:
        small.conn.execute("UPDATE accounts SET name = name, key = key, segment = 'smb'")
        small.conn.execute("UPDATE interactions SET summary = summary, text_sentiment = 0")
    assert small.conn.execute("SELECT * FROM search_index_data ORDER BY id").fetchall() == data


def test_cstui_search_runs_without_loading_textual_or_rich(small, book_path):
    code = (
        "import sys, atexit\n"
        "atexit.register(lambda: print(sorted(m for m in ('textual', 'rich') if m in sys.modules), file=sys.stderr))\n"
        "from cstui.cli import main\n"
        f"main(['search', 'migration', '--db', {str(book_path)!r}])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "2 matches in 2 accounts" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"
