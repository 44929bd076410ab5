"""Export: import-format CSV that round-trips, formula injection neutralised, briefs, private files."""

import csv
import json
import os
import string
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.storage.imports.csv_format import FORMATS, parse_text
from cstui.storage.imports.export import export_tables, neutralise
from tests.bookmaker import BookMaker, new_book

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)


def test_formula_cells_are_neutralised_and_restored_exactly():
    for text in ("=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "''@y", "'plain", "plain", "a=b"):
        shown = neutralise(text)
        assert not shown.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert parse_text(shown) == text


def read_cells(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_export_writes_every_table_privately_and_guards_formulas(book_path, tmp_path, cli):
    make = BookMaker(new_book(book_path))
    make.account('=HYPERLINK("http://x")', "2025-01-01", name="@evil", segment="-1")
    old = os.umask(0o022)
    try:
        assert cli("export", str(tmp_path / "out"), "--db", str(book_path)).code == 0
    finally:
        os.umask(old)
    for fmt in FORMATS:
        path = tmp_path / "out" / f"{fmt.table}.csv"
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert read_cells(path)[0] == list(fmt.names)
    row = read_cells(tmp_path / "out" / "accounts.csv")[1]
    assert row[:4] == ['\'=HYPERLINK("http://x")', "'@evil", "2025-01-01", "'-1"]


def test_the_demo_book_round_trips_through_export_and_import(demo_path, tmp_path, cli):
    assert cli("export", str(tmp_path / "a"), "--db", str(demo_path)).code == 0
    fresh = tmp_path / "fresh.db"
    assert cli("import", str(tmp_path / "a"), "--db", str(fresh)).code == 0
    assert cli("export", str(tmp_path / "b"), "--db", str(fresh)).code == 0
    for fmt in FORMATS:
        assert (tmp_path / "a" / f"{fmt.table}.csv").read_bytes() == (tmp_path / "b" / f"{fmt.table}.csv").read_bytes()


def test_account_brief_as_markdown_and_json(demo_path, tmp_path, cli):
    out = tmp_path / "briefs"
    result = cli(
        "export", str(out), "--account", "ACC-1010", "--format", "md", "--as-of", "2026-11-24", "--db", str(demo_path)
    )
    assert result.code == 0
    md = (out / "ACC-1010-brief.md").read_text()
    assert md.startswith("# Tidal Retail (ACC-1010)")
    for heading in ("## Health breakdown", "## Metrics", "## Open follow-ups", "## Contacts", "## Timeline"):
        assert heading in md
    assert os.stat(out / "ACC-1010-brief.md").st_mode & 0o777 == 0o600
    assert (
        cli(
            "export",
            str(out),
            "--account",
            "ACC-1010",
            "--format",
            "json",
            "--as-of",
            "2026-11-24",
            "--db",
            str(demo_path),
        ).code
        == 0
    )
    brief = json.loads((out / "ACC-1010-brief.json").read_text())
    assert abs(sum(brief["health_points_shown"]) - round(brief["health_score"], 1)) < 1e-9
    assert len(brief["timeline"]) == 30 and brief["contacts"]
    bad = cli("export", str(out), "--account", "ACC-1010", "--format", "pdf", "--db", str(demo_path))
    assert (bad.code, bad.err.strip()) == (1, "cstui: --format: 'pdf' is not md or json")


# Text that a spreadsheet, a CSV parser or a terminal would treat specially.
nasty_text = st.text(
    alphabet=st.sampled_from(list(string.ascii_letters + "=+-@'\t\r\n,\";|[]/\\ é😀\u202e")), min_size=1, max_size=12
).filter(lambda t: t.strip())
days = st.dates(
    min_value=__import__("datetime").date(2024, 1, 1), max_value=__import__("datetime").date(2026, 12, 31)
).map(lambda d: d.isoformat())


@st.composite
def books(draw):
    # Keys as cstui keeps them: spaces around a key are not part of it (issue 27), so none has any.
    keys = draw(st.lists(nasty_text.map(str.strip).filter(bool), min_size=1, max_size=4, unique=True))
    spec = {"accounts": [], "surveys": [], "notes": [], "invoices": [], "tasks": [], "state": []}
    for i, key in enumerate(keys):
        spec["accounts"].append((key, draw(nasty_text), draw(days), draw(st.none() | nasty_text)))
        for _ in range(draw(st.integers(0, 3))):
            spec["surveys"].append(
                (
                    i,
                    draw(st.sampled_from(["nps", "csat", "ces"])),
                    draw(st.integers(1, 5)),
                    draw(days),
                    draw(st.none() | nasty_text),
                    draw(st.none() | st.just(f"R{len(spec['surveys'])}")),
                )
            )
            if draw(st.booleans()):  # an identical anonymous response: two responses, not one
                twin = (*spec["surveys"][-1][:-1], None)
                spec["surveys"][-1:] = [twin, twin]
        for _ in range(draw(st.integers(0, 3))):
            spec["notes"].append(
                (i, draw(days), draw(nasty_text), draw(st.none() | nasty_text), draw(st.none() | st.integers(-2, 2)))
            )
        spec["invoices"].append((i, f"INV-{i}", draw(days), draw(st.floats(0, 1e9, allow_nan=False))))
        for _ in range(draw(st.integers(0, 3))):
            spec["tasks"].append((i, draw(nasty_text), draw(days), draw(days), draw(st.none() | days)))
        if draw(st.booleans()):
            spec["state"].append((i, draw(days), draw(st.sampled_from(["reviewed", "snoozed"]))))
    spec["weight"] = draw(st.floats(0, 100, allow_nan=False))
    return spec


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(books())
def test_import_of_an_export_reproduces_generated_books(tmp_path_factory, spec):
    """Pass line: 25 generated books with hostile text, identical responses, response ids, tasks,
    check-in state and changed weights; export -> init -> import -> export is byte-identical."""
    from cstui.storage.imports.export import table_csv
    from cstui.storage.imports.importer import import_path

    work = tmp_path_factory.mktemp("roundtrip")
    db = new_book(work / "a.db")
    make = BookMaker(db)
    ids = [make.account(key, start, name=name, segment=segment) for key, name, start, segment in spec["accounts"]]
    with db.conn:
        for i, kind, score, on, comment, response_id in spec["surveys"]:
            db.conn.execute(
                "INSERT INTO surveys (account_id, kind, score, responded_on, comment, external_id)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [ids[i], kind, score, on, comment, response_id],
            )
        for i, on, summary, notes, sentiment in spec["notes"]:
            db.conn.execute(
                "INSERT INTO interactions (account_id, occurred_on, kind, summary, notes, sentiment)"
                " VALUES (?, ?, 'call', ?, ?, ?) ON CONFLICT DO NOTHING",
                [ids[i], on, summary, notes, sentiment],
            )
        for i, number, issued, amount in spec["invoices"]:
            db.conn.execute(
                "INSERT INTO invoices (account_id, invoice_no, issued_date, due_date, amount) VALUES (?, ?, ?, ?, ?)",
                [ids[i], number, issued, issued, amount],
            )
        for i, title, due, created, done in spec["tasks"]:
            db.conn.execute(
                "INSERT INTO tasks (account_id, title, due_on, created_on, done_on) VALUES (?, ?, ?, ?, ?)",
                [ids[i], title, due, created, done],
            )
        for i, day, action in spec["state"]:
            db.conn.execute(
                "INSERT INTO checkin_state (account_id, day, action, snoozed_until) VALUES (?, ?, ?, ?)",
                [ids[i], day, action, "2027-01-01" if action == "snoozed" else None],
            )
        db.conn.execute("UPDATE health_config SET value = ? WHERE name = 'weight.usage'", [spec["weight"]])
    export_tables(db, work / "out")
    fresh = new_book(work / "b.db")
    import_path(fresh, work / "out", today=IMPORT_DAY)
    for fmt in FORMATS:
        assert table_csv(fresh, fmt)[0] == table_csv(db, fmt)[0], fmt.table
    for sql in (
        "SELECT a.key, title, due_on, created_on, done_on FROM tasks t JOIN accounts a ON a.id = t.account_id",
        "SELECT a.key, day, action, snoozed_until FROM checkin_state c JOIN accounts a ON a.id = c.account_id",
        "SELECT name, value FROM health_config",
    ):
        assert sorted(fresh.execute(sql).fetchall()) == sorted(db.execute(sql).fetchall()), sql
