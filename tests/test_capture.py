"""Quick capture from the shell: `cstui survey add` and `cstui note add` check every field."""

import pytest

from tests.conftest import dump


@pytest.fixture
def one_account(book_path, cli, tmp_path):
    source = tmp_path / "accounts.csv"
    source.write_text("key,name,start_date\nA1,Acme,2024-01-10\n", encoding="utf-8")
    assert cli("import", str(source), "--db", str(book_path)).code == 0
    return book_path


@pytest.mark.parametrize(
    ("kind", "score", "ok"),
    [
        ("nps", "0", True),
        ("nps", "10", True),
        ("nps", "11", False),
        ("nps", "-1", False),
        ("nps", "nine", False),
        ("csat", "1", True),
        ("csat", "5", True),
        ("csat", "0", False),
        ("csat", "6", False),
        ("ces", "1", True),
        ("ces", "7", True),
        ("ces", "8", False),
        ("ces", "3.5", False),
    ],
)
def test_survey_add_accepts_exactly_each_scale(one_account, cli, kind, score, ok):
    before = dump(one_account)
    result = cli(
        "survey",
        "add",
        "--account",
        "A1",
        "--kind",
        kind,
        "--score",
        score,
        "--date",
        "2026-11-01",
        "--db",
        str(one_account),
    )
    if ok:
        assert result.code == 0 and f"A1 {kind.upper()} {score}" in result.out
    else:
        assert result.code == 1
        assert result.err.startswith(f"cstui: {kind}: '{score}' is not a whole number from")
        assert dump(one_account) == before


def test_survey_add_names_an_unknown_account_and_a_bad_date(one_account, cli):
    result = cli("survey", "add", "--account", "NOPE", "--kind", "nps", "--score", "9", "--db", str(one_account))
    assert (result.code, result.err.strip()) == (1, "cstui: account 'NOPE': no such account in the book")
    result = cli(
        "survey",
        "add",
        "--account",
        "A1",
        "--kind",
        "nps",
        "--score",
        "9",
        "--date",
        "2026-02-30",
        "--db",
        str(one_account),
    )
    assert (result.code, result.err.strip()) == (1, "cstui: --date: '2026-02-30' is not a real calendar date")


def test_note_add_with_a_follow_up_creates_the_task_in_the_same_transaction(one_account, cli, book):
    result = cli(
        "note",
        "add",
        "--account",
        "A1",
        "--summary",
        "Renewal call",
        "--notes",
        "They are happy",
        "--sentiment",
        "2",
        "--follow-up",
        "2026-12-01",
        "--date",
        "2026-11-20",
        "--db",
        str(one_account),
    )
    assert result.code == 0, result.err
    note = book.execute("SELECT occurred_on, kind, sentiment, text_sentiment > 0 FROM interactions").fetchone()
    assert note == ("2026-11-20", "call", 2, 1)
    assert book.execute("SELECT title, due_on, done_on FROM tasks").fetchall() == [
        ("Follow up: Renewal call", "2026-12-01", None)
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sentiment", "3"), "cstui: --sentiment: '3' is not a whole number from -2 to 2"),
        (("--kind", "fax"), "cstui: --kind: 'fax' is not one of call, meeting, email, note"),
        (("--follow-up", "tomorrow"), "cstui: --follow-up: 'tomorrow' is not a date (expected YYYY-MM-DD)"),
        (("--summary", " "), "cstui: --summary: cannot be empty"),
    ],
)
def test_note_add_rejects_bad_fields_and_leaves_the_book_unchanged(one_account, cli, args, message):
    before = dump(one_account)
    base = {"--summary": "Call"}
    base.update(dict(zip(args[::2], args[1::2])))
    flat = [x for pair in base.items() for x in pair]
    result = cli("note", "add", "--account", "A1", *flat, "--db", str(one_account))
    assert (result.code, result.err.strip()) == (1, message)
    assert dump(one_account) == before
