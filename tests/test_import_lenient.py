"""Issue 26 item 2-3 and issue 27 items 2 and 15: what a mapping can say, the reject file, profiles in the history."""

import sqlite3
from pathlib import Path

import pytest

ACCOUNTS = "key,name,start_date\nACME,Acme,2025-01-01\nBOLT,Bolt,2025-02-01\nBOLT2,BOLT,2025-02-01\n"
TICKETS = ("--table", "tickets", "--map", "Org=account_key", "--map", "Opened=opened_on", "--set", "channel=assisted")


@pytest.fixture
def loaded(tmp_path, book_path, cli) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "accounts.csv").write_text(ACCOUNTS)
    assert cli("import", str(tmp_path / "in"), "--db", str(book_path)).code == 0
    return book_path


def rows(book: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(book) as conn:
        return conn.execute(sql).fetchall()


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_allowed_values_match_without_case_and_the_hint_proposes_the_closest_or_none(tmp_path, loaded, cli):
    ok = write(tmp_path, "Org,Opened,Priority\nACME,2026-03-01,High\nACME,2026-03-02,URGENT\n")
    assert cli("import", str(ok), *TICKETS, "--map", "Priority=severity", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT severity FROM tickets ORDER BY opened_on") == [("high",), ("urgent",)]
    bad = write(tmp_path, "Org,Opened,Priority\nACME,2026-03-03,Highest\nACME,2026-03-04,P1\n", "bad.csv")
    result = cli("import", str(bad), *TICKETS, "--map", "Priority=severity", "--db", str(loaded))
    assert result.code == 1
    assert '--value "severity:Highest=high"' in result.err
    # No allowed value is close to P1: none is proposed (never the first one, "low").
    assert "'P1' is not one of low, normal, high, urgent (map it to one: --value \"severity:P1=VALUE\")" in result.err


def test_a_whole_number_written_2_0_is_read_as_2(tmp_path, loaded, cli):
    usage = write(tmp_path, "Account,Day,Users,Minutes\nACME,2026-03-01,2.0,10\n")
    args = ("--table", "usage_daily", "--map", "Account=account_key", "--map", "Day=day")
    args += ("--map", "Users=active_users", "--map", "Minutes=minutes")
    assert cli("import", str(usage), *args, "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT active_users FROM usage_daily") == [(2,)]


def test_skip_when_filters_rows_and_only_when_keeps_a_close_date_of_solved_tickets(tmp_path, loaded, cli):
    export = write(
        tmp_path,
        "Org,Opened,Closed,Status\nACME,2026-03-01,2026-03-02,solved\nACME,2026-03-01,2026-03-05,open\n"
        "ACME,2026-03-01,,deleted\n",
    )
    result = cli(
        "import", str(export), *TICKETS, "--map", "Closed=closed_on", "--skip-when", "Status=deleted",
        "--only-when", "closed_on:Status=solved", "--db", str(loaded),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "tickets: 1 rows left out (Status=deleted: 1)" in result.out
    assert rows(loaded, "SELECT closed_on FROM tickets ORDER BY id") == [("2026-03-02",), (None,)]


def test_an_account_name_is_found_without_case_or_accents_and_an_ambiguous_one_is_refused(tmp_path, loaded, cli):
    export = write(tmp_path, "Company,Opened\nacmé,2026-03-01\n")
    args = (
        "--table",
        "tickets",
        "--account-by-name",
        "Company",
        "--map",
        "Opened=opened_on",
        "--set",
        "channel=assisted",
    )
    assert cli("import", str(export), *args, "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT a.key FROM tickets t JOIN accounts a ON a.id = t.account_id") == [("ACME",)]
    twice = write(tmp_path, "Company,Opened\nBolt,2026-03-02\n", "twice.csv")
    result = cli("import", str(twice), *args, "--db", str(loaded))
    assert result.code == 1
    assert "the name 'Bolt' belongs to 2 accounts (BOLT, BOLT2)" in result.err


def test_a_refund_column_reduces_the_amount_and_a_refund_above_it_is_refused(tmp_path, loaded, cli):
    export = write(
        tmp_path, "No,Org,Date,Amount,Refunded\nI-1,ACME,2026-03-01,100.00,25.50\nI-2,ACME,2026-03-01,10,20\n"
    )
    args = ("--table", "invoices", "--map", "No=invoice_no", "--map", "Org=account_key", "--map", "Date=issued_date")
    args += ("--default", "due_date=@Date", "--map", "Amount=amount", "--minus", "Refunded")
    result = cli("import", str(export), *args, "--db", str(loaded))
    assert result.code == 1
    assert "I-2" not in result.err and "the refund 20 (Refunded) is more than the amount 10" in result.err
    fixed = write(tmp_path, "No,Org,Date,Amount,Refunded\nI-1,ACME,2026-03-01,100.00,25.50\n", "fixed.csv")
    assert cli("import", str(fixed), *args, "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT amount, due_date FROM invoices") == [(74.5, "2026-03-01")]


def test_duplicate_headers_are_refused_not_resolved_first_wins(tmp_path, loaded, cli):
    export = write(tmp_path, "Org,Opened,Opened\nACME,2026-03-01,2026-04-01\n")
    result = cli("import", str(export), *TICKETS, "--db", str(loaded))
    assert result.code == 1
    assert "Opened: the file has this column 2 times (columns 2, 3); rename one" in result.err
    auto = write(tmp_path, "account_key,opened_on,Opened_On,channel\nACME,2026-03-01,2026-04-01,assisted\n", "a.csv")
    result = cli("import", str(auto), "--table", "tickets", "--db", str(loaded))
    assert result.code == 1 and "the file has this column 2 times (columns 2, 3)" in result.err
    assert rows(loaded, "SELECT count(*) FROM tickets") == [(0,)]


def test_skip_bad_rows_imports_the_good_ones_and_writes_a_reject_file_that_imports_once_fixed(tmp_path, loaded, cli):
    export = write(tmp_path, "Org,Opened\nACME,2026-03-01\nNOPE,2026-03-02\nBOLT,2026-02-30\n")
    rejects = tmp_path / "rejects.csv"
    result = cli("import", str(export), *TICKETS, "--skip-bad-rows", str(rejects), "--db", str(loaded))
    assert result.code == 0, result.err
    assert "tickets: 3 rows read, 1 new, 2 refused" in result.out
    assert "2 rows refused, written with the reasons to" in result.out
    assert rejects.read_text().splitlines() == [
        "Org,Opened,cstui_problem",
        "NOPE,2026-03-02,export.csv:3: account_key: unknown account 'NOPE' (not in the book or accounts.csv)",
        "BOLT,2026-02-30,export.csv:4: opened_on: '2026-02-30' is not a real calendar date",
    ]
    # The user fixes the two rows in the reject file and imports it with the same options.
    rejects.write_text("Org,Opened,cstui_problem\nACME,2026-03-02,\nBOLT,2026-02-28,\n")
    assert cli("import", str(rejects), *TICKETS, "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT count(*) FROM tickets") == [(3,)]


def test_skip_bad_rows_never_writes_over_a_file_that_is_not_a_reject_file(tmp_path, loaded, cli):
    mine = write(tmp_path, "precious,data\n1,2\n", "mine.csv")
    export = write(tmp_path, "Org,Opened\nACME,2026-03-01\n")
    result = cli("import", str(export), *TICKETS, "--skip-bad-rows", str(mine), "--db", str(loaded))
    assert result.code == 1 and "exists and is not a reject file" in result.err
    assert mine.read_text() == "precious,data\n1,2\n"
    assert rows(loaded, "SELECT count(*) FROM tickets") == [(0,)]


def test_a_saved_profile_is_its_own_change_that_undo_takes_back_alone(tmp_path, loaded, cli):
    export = write(tmp_path, "Org,Opened\nACME,2026-03-01\n")
    assert cli("import", str(export), *TICKETS, "--save-profile", "desk", "--db", str(loaded)).code == 0
    assert cli("undo", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT count(*) FROM import_profiles") == [(0,)]
    assert rows(loaded, "SELECT count(*) FROM tickets") == [(1,)]  # the import before it stays
    assert cli("redo", "--db", str(loaded)).code == 0
    assert cli("profile", "delete", "desk", "--db", str(loaded)).code == 0
    assert cli("undo", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT name FROM import_profiles") == [("desk",)]
    assert rows(loaded, "SELECT count(*) FROM tickets") == [(1,)]


def test_profile_list_shows_built_in_and_saved_profiles(tmp_path, loaded, cli):
    export = write(tmp_path, "Org,Opened\nACME,2026-03-01\n")
    assert cli("import", str(export), *TICKETS, "--save-profile", "desk", "--db", str(loaded)).code == 0
    listed = cli("profile", "list", "--db", str(loaded)).out.splitlines()
    assert any(line.startswith("zendesk-tickets  tickets  built-in: Zendesk") for line in listed)
    assert any(line.startswith("desk  tickets  2 mapped columns  saved ") for line in listed)


def test_an_unrecognised_file_is_refused_and_profile_names_a_built_in_one(tmp_path, loaded, cli):
    plain = write(tmp_path, "Foo,Bar\n1,2\n")
    result = cli("import", str(plain), "--db", str(loaded))
    assert result.code == 1 and "not a known export (`cstui profile list`)" in result.err
    override = cli("import", str(plain), "--profile", "zendesk-tickets", "--db", str(loaded))
    assert override.code == 1 and "Id: no such column" in override.err


def test_amounts_in_another_currency_are_converted_with_the_rates_file(tmp_path, loaded, cli):
    export = write(tmp_path, "No,Org,Date,Amount,Cur\nI-1,ACME,2026-03-01,100.00,eur\nI-2,ACME,2026-03-01,100.00,USD\n")
    args = ("--table", "invoices", "--map", "No=invoice_no", "--map", "Org=account_key", "--map", "Date=issued_date")
    args += ("--default", "due_date=@Date", "--map", "Amount=amount", "--currency-column", "Cur")
    first = cli("import", str(export), *args, "--db", str(loaded))
    assert first.code == 1 and "say once which currency the book keeps its amounts in" in first.err
    no_rate = cli("import", str(export), *args, "--book-currency", "EUR", "--db", str(loaded))
    assert no_rate.code == 1 and "USD is not the book's currency (EUR) and --rates gives no rate for it" in no_rate.err
    rates = write(tmp_path, "currency,rate\nUSD,0.9\n", "rates.csv")
    assert (
        cli("import", str(export), *args, "--book-currency", "EUR", "--rates", str(rates), "--db", str(loaded)).code
        == 0
    )
    assert rows(loaded, "SELECT invoice_no, amount FROM invoices ORDER BY 1") == [("I-1", 100.0), ("I-2", 90.0)]
    assert rows(loaded, "SELECT value FROM book_facts WHERE name = 'currency'") == [("EUR",)]
    other = cli("import", str(export), *args, "--book-currency", "USD", "--db", str(loaded))
    assert other.code == 1 and "the book's amounts are in EUR, not USD" in other.err


def test_a_saved_profile_keeps_the_new_mapping_fields(tmp_path, loaded, cli):
    export = write(tmp_path, "Company,Opened,Status\nacme,2026-03-01 23:30:00,open\nacme,2026-03-01,deleted\n")
    args = ("--table", "tickets", "--account-by-name", "Company", "--map", "Opened=opened_on")
    args += ("--default", "channel=assisted", "--skip-when", "Status=deleted", "--tz", "Asia/Tokyo")
    assert cli("import", str(export), *args, "--save-profile", "desk", "--db", str(loaded)).code == 0
    shown = cli("profile", "show", "desk", "--db", str(loaded)).out
    for field in ('"account_by": "name"', '"skip"', '"tz": "Asia/Tokyo"', '"defaults"'):
        assert field in shown
    again = write(tmp_path, "Company,Opened,Status\nACME,2026-03-05 23:30:00,open\n", "again.csv")
    assert cli("import", str(again), "--profile", "desk", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT opened_on FROM tickets ORDER BY 1") == [("2026-03-02",), ("2026-03-06",)]


def test_profile_show_says_where_a_built_in_profile_s_columns_come_from(tmp_path, loaded, cli):
    shown = cli("profile", "show", "stripe-payments", "--db", str(loaded))
    assert shown.code == 0
    assert '"minus": "Amount Refunded"' in shown.out
    assert "columns from: Stripe Dashboard exports" in shown.err


def test_the_readme_help_desk_example_in_one_command_and_its_reject_file(tmp_path, book_path, cli):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "accounts.csv").write_text(
        "key,name,start_date\nACME,Acme Société,2025-01-01\nBETA,Beta Ltd,2025-02-01\n"
    )
    assert cli("import", str(tmp_path / "in"), "--db", str(book_path)).code == 0
    export = write(
        tmp_path,
        "Id,Requester,Organization,Subject,Status,Priority,Via,Created at,Solved at\n"
        "101,Ann,Acme Société,Login broken,solved,High,Email,2026-03-01 23:30:00,2026-03-02 08:00:00\n"
        "102,Bob,Beta Ltd,Bulk export,open,,Web form,2026-03-02 10:00:00,\n"
        "103,Cy,Beta Ltd,spam,deleted,Low,Email,2026-03-02 10:00:00,\n"
        "104,Di,Nobody Inc,Hello,open,Urgent,Email,2026-03-02 10:00:00,\n",
        "zendesk-tickets.csv",
    )
    rejects = tmp_path / "rejects.csv"
    result = cli(
        "import", str(export), "--tz", "Europe/Berlin", "--skip-bad-rows", str(rejects), "--db", str(book_path)
    )
    assert result.out.splitlines() == [
        "recognised: Zendesk Support tickets (Admin Center > Reports > Export, CSV) (profile zendesk-tickets; "
        "--profile NAME to use another)",
        "tickets: detected: times read as UTC, days in Europe/Berlin",
        "tickets: ignored columns (not mapped): Requester",
        "tickets: 3 rows read, 2 new, 1 refused",
        "tickets: 1 rows left out (Status=deleted: 1)",
        f"1 row refused, written with the reasons to {rejects}",
    ]
    assert rejects.read_text().splitlines()[1] == (
        "104,Di,Nobody Inc,Hello,open,Urgent,Email,2026-03-02 10:00:00,,"
        "zendesk-tickets.csv:5: account_key: no account has the name 'Nobody Inc'"
    )
    assert rows(book_path, "SELECT external_id, opened_on FROM tickets ORDER BY 1") == [
        ("101", "2026-03-02"),  # 23:30 UTC on March 1 is March 2 in Berlin
        ("102", "2026-03-02"),
    ]


def test_undo_of_an_accounts_import_takes_its_aliases_back(tmp_path, loaded, cli):
    ids = write(tmp_path, "key,name,start_date,ext\nACME,Acme,2025-01-01,cus_A\n", "ids.csv")
    args = ("--table", "accounts", "--alias", "ext", "--source", "stripe", "--db", str(loaded))
    assert "accounts: 1 account ids kept as aliases" in cli("import", str(ids), *args).out
    assert rows(loaded, "SELECT source, external_id FROM account_aliases") == [("stripe", "cus_A")]
    assert cli("undo", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT count(*) FROM account_aliases") == [(0,)]
    assert cli("redo", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT source, external_id FROM account_aliases") == [("stripe", "cus_A")]


def test_first_seen_is_the_stored_start_date_or_the_import_s_day(tmp_path, loaded):
    from datetime import date

    from cstui.storage.bookfile.connection import connect
    from cstui.storage.imports.import_profile import ColumnMap, Constant, ImportProfile
    from cstui.storage.imports.importer import import_path

    export = write(tmp_path, "Id,Company\nACME,Acme\nNEW,Newco\n")
    profile = ImportProfile(
        "accounts",
        columns=(ColumnMap("Id", "key"), ColumnMap("Company", "name")),
        defaults=(Constant("start_date", "first-seen"),),
    ).check()
    book = connect(loaded)
    try:
        import_path(book, export, profile=profile, today=date(2026, 3, 5))
    finally:
        book.conn.close()
    assert rows(loaded, "SELECT key, start_date FROM accounts WHERE key IN ('ACME', 'NEW') ORDER BY 1") == [
        ("ACME", "2025-01-01"),
        ("NEW", "2026-03-05"),
    ]
