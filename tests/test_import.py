"""CSV import as the contract says: all-or-nothing, `file:line: column: reason`, idempotent."""

import csv
from pathlib import Path

import pytest

from cstui.storage.imports.csv_format import FORMATS
from tests.conftest import DEMO_DATE, dump

ACCOUNTS = (
    "key,name,start_date,segment,renewal_date\nA1,Acme,2024-01-10,SMB,2026-01-10\nB2,Bolt,2024-03-01,Enterprise,\n"
)


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(tmp_path, book_path, cli):
    """A book holding two accounts, imported through the CLI."""
    write(tmp_path / "in", "accounts.csv", ACCOUNTS)
    assert cli("import", str(tmp_path / "in"), "--db", str(book_path)).code == 0
    return book_path


def test_demo_csv_files_import_every_table(tmp_path, book, book_path, cli):
    from cstui.demo import write_demo_csv

    source = write_demo_csv(tmp_path / "demo", DEMO_DATE)
    result = cli("import", str(source), "--db", str(book_path))
    assert result.code == 0, result.err
    # The demo data holds the contract's files; the CSM's own records (tasks, settings) come later.
    for fmt in [f for f in FORMATS if (source / f"{f.table}.csv").exists()]:
        with open(source / f"{fmt.table}.csv", newline="", encoding="utf-8") as handle:
            rows = sum(1 for _ in csv.DictReader(handle))
        assert book[fmt.table].count == rows, fmt.table
        assert f"{fmt.table}: {rows:,} rows read, {rows:,} new" in result.out


def test_reimport_adds_nothing(tmp_path, demo_path, cli):
    from cstui.demo import write_demo_csv

    before = dump(demo_path)
    source = write_demo_csv(tmp_path / "again", DEMO_DATE)
    result = cli("import", str(source), "--db", str(demo_path))
    assert result.code == 0
    assert all(", 0 new, " in line and line.endswith(" unchanged") for line in result.out.splitlines())
    assert dump(demo_path) == before


def test_reimport_updates_a_natural_key_row(tmp_path, loaded, cli, book):
    write(
        tmp_path / "inv",
        "invoices.csv",
        "account_key,invoice_no,issued_date,due_date,amount,paid_date\nA1,I-1,2025-01-01,2025-01-31,100,\n",
    )
    assert cli("import", str(tmp_path / "inv" / "invoices.csv"), "--db", str(loaded)).code == 0
    write(
        tmp_path / "inv",
        "invoices.csv",
        "account_key,invoice_no,issued_date,due_date,amount,paid_date\nA1,I-1,2025-01-01,2025-01-31,100,2025-02-03\n",
    )
    assert cli("import", str(tmp_path / "inv" / "invoices.csv"), "--db", str(loaded)).code == 0
    assert book.execute("SELECT count(*), max(paid_date) FROM invoices").fetchone() == (1, "2025-02-03")


BAD_ROWS = [
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nZZ,nps,5,2025-01-01\n",
        "surveys.csv:2: account_key: unknown account 'ZZ' (not in the book or accounts.csv)",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,nps,11,2025-01-01\n",
        "surveys.csv:2: score: 11 is outside the NPS scale 0..10",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,csat,0,2025-01-01\n",
        "surveys.csv:2: score: 0 is outside the CSAT scale 1..5",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,ces,4.5,2025-01-01\n",
        "surveys.csv:2: score: '4.5' is not a whole number",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,nps,5,2025-02-30\n",
        "surveys.csv:2: responded_on: '2025-02-30' is not a real calendar date",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,nps,5,2025/01/02\n",
        "surveys.csv:2: responded_on: '2025/01/02' is not a date (expected YYYY-MM-DD)",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,promoter,5,2025-01-01\n",
        "surveys.csv:2: kind: 'promoter' is not one of nps, csat, ces",
    ),
    ("surveys.csv", "account_key,kind,score\nA1,nps,5\n", "surveys.csv:1: responded_on: required column missing"),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,,5,2025-01-01\n",
        "surveys.csv:2: kind: required value is empty",
    ),
    (
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,nps,5\n",
        "surveys.csv:2: -: row has 3 cells, the header has 4",
    ),
    (
        "surveys.csv",
        'account_key,kind,score,responded_on,"x); DROP TABLE accounts;--"\nA1,nps,5,2025-01-01,1\n',
        "surveys.csv:1: x); DROP TABLE accounts;--: unknown column (allowed: account_key, kind, score, responded_on, contact_email, comment, response_id, source, note_ref; or give --table surveys with --map to ignore the rest)",
    ),
    (
        "invoices.csv",
        "account_key,invoice_no,issued_date,due_date,amount\nA1,I9,2025-01-01,2025-01-31,-5\n",
        "invoices.csv:2: amount: '-5' is not an amount between 0 and 1e15",
    ),
    (
        "invoices.csv",
        "account_key,invoice_no,issued_date,due_date,amount\nA1,I9,2025-01-31,2025-01-01,5\n",
        "invoices.csv:2: due_date: 2025-01-01 is before issued_date 2025-01-31",
    ),
    (
        "feature_usage.csv",
        "account_key,day,feature\nA1,2025-01-01,teleport\n",
        "feature_usage.csv:2: feature: unknown feature 'teleport' (add it to features.csv)",
    ),
    (
        "interactions.csv",
        "account_key,occurred_on,kind,summary,sentiment\nA1,2025-01-01,call,hi,3\n",
        "interactions.csv:2: sentiment: 3 is outside -2..2",
    ),
    (
        "usage_daily.csv",
        "account_key,day,active_users,minutes\nA1,2025-01-01,99999999999999999999999,1\n",
        "usage_daily.csv:2: active_users: 99999999999999999999999 is outside 0..9223372036854775807",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "message"), BAD_ROWS, ids=[m.split(": ")[1] + str(i) for i, (_, _, m) in enumerate(BAD_ROWS)]
)
def test_each_kind_of_bad_row_is_named_and_the_book_is_unchanged(tmp_path, loaded, cli, name, text, message):
    before = dump(loaded)
    path = write(tmp_path / "bad", name, text)
    result = cli("import", str(path), "--db", str(loaded))
    assert result.code == 1
    assert message in result.err.splitlines()
    assert "Traceback" not in result.err
    assert dump(loaded) == before


def test_a_cell_repeated_on_many_rows_is_read_alike_and_a_bad_one_is_named_on_every_line(tmp_path, loaded, cli, book):
    """Each column remembers the cells it has read (a big file repeats its days and counts): a
    repeated good cell is stored as its first reading, a repeated bad one is reported on each line."""
    header = "account_key,day,active_users,minutes,sessions\n"
    bad = header + "A1,2025-02-30,3,1,\nB2,2025-02-30,3,1,\nA1,2025-03-01,x,1,\nB2,2025-03-01,x,1,\n"
    before = dump(loaded)
    result = cli("import", str(write(tmp_path / "bad", "usage_daily.csv", bad)), "--db", str(loaded))
    assert result.code == 1
    lines = result.err.splitlines()
    for line in (2, 3):
        assert f"usage_daily.csv:{line}: day: '2025-02-30' is not a real calendar date" in lines
    for line in (4, 5):
        assert f"usage_daily.csv:{line}: active_users: 'x' is not a whole number" in lines
    assert dump(loaded) == before
    good = (
        header + "A1,2025-01-01,3,12.5,\nA1, 2025-01-02 , 3 ,12.5,\nB2,2025-01-01,3,12.5,2\nB2,2025-01-02,3 ,12.50,\n"
    )
    result = cli("import", str(write(tmp_path / "good", "usage_daily.csv", good)), "--db", str(loaded))
    assert result.code == 0, result.err
    stored = book.execute(
        "SELECT a.key, u.day, u.active_users, typeof(u.active_users), u.minutes, typeof(u.minutes), u.sessions"
        " FROM usage_daily u JOIN accounts a ON a.id = u.account_id ORDER BY a.key, u.day"
    ).fetchall()
    assert stored == [
        ("A1", "2025-01-01", 3, "integer", 12.5, "real", None),
        ("A1", "2025-01-02", 3, "integer", 12.5, "real", None),
        ("B2", "2025-01-01", 3, "integer", 12.5, "real", 2),
        ("B2", "2025-01-02", 3, "integer", 12.5, "real", None),
    ]


def test_one_bad_file_rejects_the_whole_run_and_lists_every_bad_row(tmp_path, book_path, cli):
    source = tmp_path / "run"
    write(source, "accounts.csv", ACCOUNTS)
    write(
        source,
        "surveys.csv",
        "account_key,kind,score,responded_on\nA1,nps,9,2025-01-01\nA1,nps,12,2025-01-02\nQQ,csat,3,2025-01-03\n",
    )
    result = cli("import", str(source), "--db", str(book_path))
    assert result.code == 1
    assert "surveys.csv:3: score: 12 is outside the NPS scale 0..10" in result.err
    assert "surveys.csv:4: account_key: unknown account 'QQ' (not in the book or accounts.csv)" in result.err
    assert "the book is unchanged (2 problems)" in result.err
    assert not book_path.exists()  # a rejected import leaves no new book behind (issue 27)


def test_invalid_utf8_and_nul_bytes_are_reported_with_their_line(tmp_path, loaded, cli):
    path = tmp_path / "bytes" / "accounts.csv"
    path.parent.mkdir()
    # 0x81 is in no Windows-1252 character either, so nothing can be read into it.
    path.write_bytes(b"key,name,start_date\nC3,Caf\x81,2025-01-01\n")
    result = cli("import", str(path), "--db", str(loaded))
    assert (
        result.code == 1
        and "accounts.csv:2: -: not valid UTF-8 (byte 26); give its encoding with --encoding" in result.err
    )
    path.write_bytes(b"key,name,start_date\nC3,Ca\x00f,2025-01-01\n")
    result = cli("import", str(path), "--db", str(loaded))
    assert result.code == 1 and "accounts.csv:2: -: contains a NUL byte" in result.err


def test_a_bom_and_multiline_cells_are_fine_and_lines_count_from_the_record_start(tmp_path, loaded, cli, book):
    path = write(
        tmp_path / "bom",
        "interactions.csv",
        '\ufeffaccount_key,occurred_on,kind,summary,notes\nA1,2025-01-01,call,QBR,"line one\nline two"\nA1,2025-01-02,call,hi,x\nA1,bad,call,hi,x\n',
    )
    result = cli("import", str(path), "--db", str(loaded))
    assert "interactions.csv:5: occurred_on: 'bad' is not a date (expected YYYY-MM-DD)" in result.err
    path.write_text(
        '\ufeffaccount_key,occurred_on,kind,summary,notes\nA1,2025-01-01,call,QBR,"line one\nline two"\n',
        encoding="utf-8",
    )
    assert cli("import", str(path), "--db", str(loaded)).code == 0
    assert book.execute("SELECT notes FROM interactions").fetchone()[0] == "line one\nline two"


def test_unknown_file_names_and_missing_paths_are_refused(tmp_path, loaded, cli):
    path = write(tmp_path / "odd", "customers.csv", "key\n1\n")
    assert "not an importable file name" in cli("import", str(path), "--db", str(loaded)).err
    assert "no such file or directory" in cli("import", str(tmp_path / "nope"), "--db", str(loaded)).err
    assert "no importable files here" in cli("import", str(tmp_path / "odd"), "--db", str(loaded)).err
