"""Issue 18: files as other tools export them, read through a mapping, detection and saved profiles."""

import hashlib
import importlib
import json
import sqlite3
from pathlib import Path

import pytest

ACCOUNTS = "key,name,start_date\nACME,Acme,2024-01-10\nBOLT,Bolt,2024-03-01\n"
BILLING = [
    "--table", "invoices",
    "--map", "Rechnung Nr.=invoice_no", "--map", "Firma=account_key", "--map", "Datum=issued_date",
    "--map", "Fällig=due_date", "--map", "Betrag=amount", "--map", "Bezahlt am=paid_date",
    "--paid-when", "Status=paid",
]  # fmt: skip


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.fixture
def loaded(tmp_path, book_path, cli):
    write_bytes(tmp_path / "in" / "accounts.csv", ACCOUNTS.encode())
    assert cli("import", str(tmp_path / "in"), "--db", str(book_path)).code == 0
    return book_path


def rows(book: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(book) as conn:
        return conn.execute(sql).fetchall()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def billing_file(tmp_path: Path) -> Path:
    """A European billing export: ';', cp1252, DD/MM/YYYY, decimal comma with '.' thousands, a euro sign."""
    text = (
        "Rechnung Nr.;Firma;Datum;Fällig;Betrag;Status;Bezahlt am;Notiz\n"
        "R-1;ACME;24/11/2026;24/12/2026;1.234,56 €;paid;01/12/2026;Café\n"
        "R-2;BOLT;03/11/2026;03/12/2026;99,00 €;open;05/12/2026;\n"
    )
    return write_bytes(tmp_path / "export" / "rechnungen.csv", text.encode("cp1252"))


def test_a_semicolon_cp1252_day_first_decimal_comma_file_imports_through_a_mapping(tmp_path, loaded, cli):
    result = cli("import", str(billing_file(tmp_path)), *BILLING, "--db", str(loaded))
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "invoices: detected: ';'-separated, cp1252 (not UTF-8; pass --encoding if accents look wrong), "
        "dates DD/MM/YYYY, decimal comma",
        "invoices: ignored columns (not mapped): Notiz",
        "invoices: 2 rows read, 2 new",
    ]
    # R-2 is "open": its payment date column is not a payment.
    assert rows(loaded, "SELECT invoice_no, issued_date, due_date, amount, paid_date FROM invoices") == [
        ("R-1", "2026-11-24", "2026-12-24", 1234.56, "2026-12-01"),
        ("R-2", "2026-11-03", "2026-12-03", 99.0, None),
    ]


def test_missing_required_columns_are_named_with_the_closest_source_headers(tmp_path, loaded, cli):
    path = write_bytes(tmp_path / "e" / "export.csv", b"Invoice Number,Account Key,Issue,Due,Total (EUR)\n")
    result = cli("import", str(path), "--table", "invoices", "--db", str(loaded))
    assert result.code == 1
    # "Account Key" fills account_key by its name alone; the others are suggested.
    assert result.err.splitlines()[1:] == [
        "export.csv:1: invoice_no: required column missing (closest: 'Invoice Number'; "
        'map one with --map "Invoice Number=invoice_no")',
        "export.csv:1: issued_date: required column missing (closest: 'Issue'; map one with --map \"Issue=issued_date\")",
        "export.csv:1: due_date: required column missing (closest: 'Due'; map one with --map \"Due=due_date\")",
        'export.csv:1: amount: required column missing (map one with --map "SOURCE=amount")',
    ]


def test_a_plain_import_suggests_a_mapping_for_a_near_miss_header(tmp_path, loaded, cli):
    path = write_bytes(tmp_path / "p" / "accounts.csv", b"Account Key,name,start_date\nC1,C,2025-01-01\n")
    assert (
        "accounts.csv:1: key: required column missing (closest: 'Account Key'; "
        'map one with --map "Account Key=key")' in cli("import", str(path), "--db", str(loaded)).err.splitlines()
    )


def tickets_file(tmp_path: Path, extra: str = "") -> Path:
    text = (
        "Ticket ID,Organization,Created,Channel,Priority,Subject\n"
        "T-1,ACME,2026-11-02 09:14:00,Web form,P1 - Critical,Login broken\n"
        "T-2,BOLT,2026-11-03 17:40:00,Help center article,P3 - Low,How do I export?\n"
        "T-3,ACME,2026-11-04 08:00:00,Phone,P2 - High,Billing question\n" + extra
    )
    return write_bytes(tmp_path / "helpdesk" / "tickets-export.csv", text.encode())


TICKET_MAP = [
    "--table", "tickets",
    "--map", "Ticket ID=ticket_id", "--map", "Organization=account_key", "--map", "Created=opened_on",
    "--map", "Priority=severity",
    "--value", "channel:Web form=assisted", "--value", "channel:Phone=assisted",
    "--value", "channel:help center article=self_service",
    "--value", "severity:P1 - Critical=urgent", "--value", "severity:P2 - High=high",
    "--value", "severity:P3 - Low=low",
]  # fmt: skip


def test_a_help_desk_file_maps_its_own_channel_and_priority_words(tmp_path, loaded, cli):
    result = cli("import", str(tickets_file(tmp_path)), *TICKET_MAP, "--db", str(loaded))
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["tickets: detected: times of day dropped", "tickets: 3 rows read, 3 new"]
    assert rows(loaded, "SELECT external_id, opened_on, channel, severity, subject FROM tickets ORDER BY 1") == [
        ("T-1", "2026-11-02", "assisted", "urgent", "Login broken"),
        ("T-2", "2026-11-03", "self_service", "low", "How do I export?"),
        ("T-3", "2026-11-04", "assisted", "high", "Billing question"),
    ]


def test_a_word_without_a_value_mapping_names_the_option(tmp_path, loaded, cli):
    path = tickets_file(tmp_path, "T-4,BOLT,2026-11-05 10:00:00,Chat,P3 - Low,Hello\n")
    result = cli("import", str(path), *TICKET_MAP, "--db", str(loaded))
    assert result.err.splitlines()[1:] == [
        "tickets-export.csv:5: channel: 'Chat' is not one of self_service, assisted "
        '(map it to one: --value "channel:Chat=VALUE")'  # no allowed value is close: none is proposed
    ]
    assert rows(loaded, "SELECT count(*) FROM tickets") == [(0,)]


def test_amounts_in_cents_are_divided_by_100_exactly(tmp_path, loaded, cli):
    path = write_bytes(
        tmp_path / "s" / "stripe.csv",
        b"id,customer,created,due,amount_due\nin_1,ACME,2026-11-01,2026-11-15,123456\nin_2,BOLT,2026-11-01,2026-11-15,1\n",
    )
    args = ["--table", "invoices", "--map", "id=invoice_no", "--map", "customer=account_key"]
    args += ["--map", "created=issued_date", "--map", "due=due_date", "--map", "amount_due=amount", "--cents", "amount"]
    assert cli("import", str(path), *args, "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT invoice_no, amount FROM invoices ORDER BY 1") == [("in_1", 1234.56), ("in_2", 0.01)]


def test_a_utf16_tab_separated_file_is_read_and_said(tmp_path, loaded, cli):
    # Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated.
    text = "account_key\teffective_date\tmrr\nACME\t2026-11-01\t1500.5\nBOLT\t2026-11-01\t90\n"
    path = write_bytes(tmp_path / "u" / "mrr_history.csv", text.encode("utf-16"))
    result = cli("import", str(path), "--db", str(loaded))
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "mrr_history: detected: tab-separated, UTF-16-LE (byte-order mark)",
        "mrr_history: 2 rows read, 2 new",
    ]
    assert rows(loaded, "SELECT mrr FROM mrr_history ORDER BY mrr") == [(90.0,), (1500.5,)]


def test_utf16_without_a_byte_order_mark_is_recognised(tmp_path, loaded, cli):
    text = "account_key,effective_date,mrr\nACME,2026-11-01,10\n"
    path = write_bytes(tmp_path / "u" / "mrr_history.csv", text.encode("utf-16-le"))
    assert cli("import", str(path), "--db", str(loaded)).out.splitlines()[0] == "mrr_history: detected: UTF-16-LE"


def test_a_file_whose_dates_are_all_ambiguous_asks_for_date_format(tmp_path, loaded, cli):
    text = "account_key,effective_date,mrr\nACME,01/02/2026,10\nBOLT,03/04/2026,20\n"
    path = write_bytes(tmp_path / "a" / "mrr_history.csv", text.encode())
    result = cli("import", str(path), "--db", str(loaded))
    assert result.code == 1
    assert result.err.splitlines()[1:] == [
        "mrr_history.csv:2: -: dates like '01/02/2026' could be day/month or month/day (every day is 12 or less): "
        'give the order with --date-format "%d/%m/%Y" or --date-format "%m/%d/%Y"'
    ]
    assert cli("import", str(path), "--date-format", "%m/%d/%Y", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT effective_date FROM mrr_history ORDER BY 1") == [("2026-01-02",), ("2026-03-04",)]


def test_one_unambiguous_date_settles_the_order_for_the_whole_file(tmp_path, loaded, cli):
    text = "account_key,effective_date,mrr\nACME,01/02/2026,10\nBOLT,03/25/2026,20\n"
    path = write_bytes(tmp_path / "a" / "mrr_history.csv", text.encode())
    assert (
        cli("import", str(path), "--db", str(loaded)).out.splitlines()[0] == "mrr_history: detected: dates MM/DD/YYYY"
    )
    assert rows(loaded, "SELECT effective_date FROM mrr_history ORDER BY 1") == [("2026-01-02",), ("2026-03-25",)]


def test_dates_in_both_orders_are_refused(tmp_path, loaded, cli):
    text = "account_key,effective_date,mrr\nACME,25/02/2026,10\nBOLT,03/25/2026,20\n"
    path = write_bytes(tmp_path / "a" / "mrr_history.csv", text.encode())
    assert "--date-format" in cli("import", str(path), "--db", str(loaded)).err


def test_a_number_that_reads_two_ways_asks_for_decimal(tmp_path, loaded, cli):
    text = "account_key;effective_date;mrr\nACME;2026-11-01;1.500\nBOLT;2026-11-01;2.250\n"
    path = write_bytes(tmp_path / "d" / "mrr_history.csv", text.encode())
    result = cli("import", str(path), "--db", str(loaded))
    assert result.err.splitlines()[1:] == [
        "mrr_history.csv:2: -: '1.500' could be a decimal or a thousands separator: "
        "give the decimal mark with --decimal , or --decimal ."
    ]
    assert cli("import", str(path), "--decimal", ",", "--db", str(loaded)).code == 0
    assert rows(loaded, "SELECT mrr FROM mrr_history ORDER BY 1") == [(1500.0,), (2250.0,)]


def test_a_comma_separated_file_reads_1_500_with_a_decimal_point_as_the_contract_says(tmp_path, loaded, cli):
    text = 'account_key,effective_date,mrr\nACME,2026-11-01,1.500\nBOLT,2026-11-01,"1,250.75"\n'
    path = write_bytes(tmp_path / "d" / "mrr_history.csv", text.encode())
    assert cli("import", str(path), "--db", str(loaded)).out == "mrr_history: 2 rows read, 2 new\n"
    assert rows(loaded, "SELECT mrr FROM mrr_history ORDER BY 1") == [(1.5,), (1250.75,)]


def test_an_account_is_found_by_the_email_domain(tmp_path, loaded, cli):
    with sqlite3.connect(loaded) as conn:
        conn.execute("UPDATE accounts SET domain = 'acme.com' WHERE key = 'ACME'")
    text = "Email,Score,Submitted\nana@ACME.com,9,2026-11-02\nbob@nowhere.org,3,2026-11-02\n"
    path = write_bytes(tmp_path / "nps" / "survey.csv", text.encode())
    args = ["--table", "surveys", "--account-from-email", "Email", "--map", "Email=contact_email"]
    args += ["--map", "Score=score", "--map", "Submitted=responded_on", "--set", "kind=nps"]
    result = cli("import", str(path), *args, "--db", str(loaded))
    assert result.err.splitlines()[1:] == [
        "survey.csv:3: account_key: no account has the domain 'nowhere.org' (from 'bob@nowhere.org'; "
        "set the account's domain)"
    ]


def test_dry_run_shows_the_summary_and_leaves_the_book_byte_identical(tmp_path, loaded, cli):
    before = sha(loaded)
    result = cli("import", str(billing_file(tmp_path)), *BILLING, "--dry-run", "--db", str(loaded))
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == "dry run: nothing was written"
    assert result.out.splitlines()[-1] == "invoices: 2 rows read, 2 new"
    assert sha(loaded) == before
    bad = write_bytes(tmp_path / "b" / "mrr_history.csv", b"account_key,effective_date,mrr\nNOPE,2026-11-01,1\n")
    result = cli("import", str(bad), "--dry-run", "--db", str(loaded))
    assert result.code == 1
    assert result.out.splitlines()[1:] == [
        "mrr_history: 1 rows read",
        "1 problem; the import would be rejected:",
        "mrr_history.csv:2: account_key: unknown account 'NOPE' (not in the book or accounts.csv)",
    ]
    assert sha(loaded) == before


def test_a_saved_profile_reads_next_week_s_file_and_counts_new_updated_unchanged(tmp_path, loaded, cli):
    assert (
        cli("import", str(billing_file(tmp_path)), *BILLING, "--save-profile", "billing", "--db", str(loaded)).code == 0
    )
    # Next week: R-1 unchanged, R-2 now paid, R-3 new; every day is 12 or less, which alone would be
    # ambiguous, but the profile keeps the order detected last week.
    text = (
        "Rechnung Nr.;Firma;Datum;Fällig;Betrag;Status;Bezahlt am;Notiz\n"
        "R-1;ACME;24/11/2026;24/12/2026;1.234,56 €;paid;01/12/2026;Café\n"
        "R-2;BOLT;03/11/2026;03/12/2026;99,00 €;paid;05/12/2026;\n"
        "R-3;BOLT;07/12/2026;07/01/2027;10,00 €;open;;\n"
    )
    path = write_bytes(tmp_path / "week2" / "rechnungen.csv", text.encode("cp1252"))
    result = cli("import", str(path), "--profile", "billing", "--db", str(loaded))
    assert result.code == 0, result.err
    assert result.out.splitlines()[-1] == "invoices: 3 rows read, 1 new, 1 updated, 1 unchanged"
    assert rows(loaded, "SELECT invoice_no, paid_date FROM invoices ORDER BY 1") == [
        ("R-1", "2026-12-01"),
        ("R-2", "2026-12-05"),
        ("R-3", None),
    ]


def test_a_profile_round_trips_through_export_and_import(tmp_path, loaded, cli, book_path):
    assert (
        cli("import", str(billing_file(tmp_path)), *BILLING, "--save-profile", "billing", "--db", str(loaded)).code == 0
    )
    shared = tmp_path / "billing.json"
    assert cli("profile", "export", "billing", str(shared), "--db", str(loaded)).code == 0
    body = json.loads(shared.read_text(encoding="utf-8"))
    assert body["table"] == "invoices" and body["columns"]["Fällig"] == "due_date"
    assert (body["date_format"], body["decimal"], body["delimiter"]) == ("%d/%m/%Y", ",", ";")
    other = tmp_path / "other.db"
    write_bytes(tmp_path / "in2" / "accounts.csv", ACCOUNTS.encode())
    assert cli("import", str(tmp_path / "in2"), "--db", str(other)).code == 0
    assert cli("profile", "import", str(shared), "--db", str(other)).out == "imported profile 'billing' (invoices)\n"
    assert cli("profile", "show", "billing", "--db", str(other)).out == shared.read_text(encoding="utf-8")
    assert cli("import", str(billing_file(tmp_path)), "--profile", "billing", "--db", str(other)).code == 0
    assert rows(other, "SELECT invoice_no, amount, paid_date FROM invoices ORDER BY 1") == rows(
        loaded, "SELECT invoice_no, amount, paid_date FROM invoices ORDER BY 1"
    )
    assert "exists; pass --replace" in cli("profile", "import", str(shared), "--db", str(other)).err


def test_a_hand_edited_profile_with_a_wrong_column_is_one_clear_line(tmp_path, loaded, cli):
    shared = tmp_path / "bad.json"
    shared.write_text(json.dumps({"name": "x", "table": "invoices", "columns": {"Total": "total"}}), encoding="utf-8")
    result = cli("profile", "import", str(shared), "--db", str(loaded))
    assert (result.code, result.err) == (
        1,
        "cstui: bad.json: --map: 'total' is not a column of invoices "
        "(one of account_key, invoice_no, issued_date, due_date, amount, paid_date)\n",
    )
    assert rows(loaded, "SELECT count(*) FROM import_profiles") == [(0,)]


def test_an_unknown_profile_and_a_file_without_a_table_are_refused(tmp_path, loaded, cli):
    assert cli("import", str(billing_file(tmp_path)), "--profile", "nope", "--db", str(loaded)).err == (
        "cstui: no import profile named 'nope' (saved: none saved yet; `cstui profile list` shows the built-in ones too)\n"
    )
    assert (
        "--table: which table does rechnungen.csv fill?"
        in cli("import", str(billing_file(tmp_path)), "--map", "Firma=account_key", "--db", str(loaded)).err
    )


def test_a_byte_order_mark_followed_by_bytes_that_do_not_decode_is_one_clear_line(tmp_path, loaded, cli):
    path = write_bytes(tmp_path / "x" / "accounts.csv", b"\xef\xbb\xbfkey,name,start_date\n\xff\xfe\n")
    assert cli("import", str(path), "--db", str(loaded)).err.splitlines()[1:] == [
        "accounts.csv:2: -: starts as UTF-8 but is not valid UTF-8 (byte 23); save it again, or give its encoding "
        "with --encoding"
    ]


# The mapping screen (`i` on the dashboard, `cstui import FILE --interactive`).


async def test_the_mapping_screen_takes_a_file_to_an_import_and_a_saved_profile(tmp_path, loaded):
    from textual.widgets import DataTable, Input

    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.mapping import MappingScreen
    from tests.tui_helpers import press

    path = write_bytes(
        tmp_path / "x" / "billing-export.csv",
        "Invoice Number;Account;Issued;Due;Total;Notes\n"
        "INV-1;ACME;24/11/2026;24/12/2026;1.234,56;Café \x1b[31mred\n"
        "INV-2;NOPE;25/11/2026;25/12/2026;5,00;\n".encode("cp1252"),
    )
    app = CstuiApp(loaded, snapshot_on_open=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await press(pilot, "i")
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        await press(pilot, *str(path), "enter")
        assert screen.profile is not None and screen.profile.table == "invoices"  # guessed from the headers
        targets = screen.query_one("#mapping-targets", DataTable)
        assert [str(targets.get_row_at(i)[3]) for i in range(3)] == ["Account", "Invoice Number", "Issued"]
        await press(pilot, "S")  # every suggestion: Account, Invoice Number, Issued, Due
        assert "amount: required column missing" in str(screen.query_one("#mapping-status").render())
        source = screen.query_one("#mapping-source", DataTable)
        source.focus()
        source.move_cursor(column=4)  # Total
        targets.move_cursor(row=4)  # amount
        await press(pilot, "a")
        preview = screen.query_one("#mapping-preview", DataTable)
        previewed = [[str(c) for c in preview.get_row_at(i)] for i in range(preview.row_count)]
        assert previewed[0][:7] == ["2", "ok", "ACME", "INV-1", "2026-11-24", "2026-12-24", "1234.56"]
        assert previewed[1][1] == "account_key: unknown account 'NOPE' (not in the book or accounts.csv)"
        status = str(screen.query_one("#mapping-status").render())
        assert "detected: ';'-separated, cp1252" in status and "dates DD/MM/YYYY, decimal comma" in status
        assert "ignored: Notes" in status
        # The escape sequence in the file is shown as text, never sent to the terminal.
        assert "\\x1b[31mred" in str(source.get_row_at(0)[5])
        screen.query_one("#mapping-profile-name", Input).focus()
        await press(pilot, *"billing", "ctrl+s")
        assert isinstance(app.screen, MappingScreen)  # all-or-nothing: NOPE rejects the file
        assert "unknown account 'NOPE'" in str(screen.query_one("#mapping-status").render())
        assert rows_in(loaded, "invoices") == 0
        path.write_bytes(path.read_bytes().replace(b"NOPE", b"BOLT"))
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, MappingScreen)
    assert rows(loaded, "SELECT invoice_no, amount, issued_date FROM invoices ORDER BY 1") == [
        ("INV-1", 1234.56, "2026-11-24"),
        ("INV-2", 5.0, "2026-11-25"),
    ]
    saved = json.loads(rows(loaded, "SELECT body FROM import_profiles WHERE name = 'billing'")[0][0])
    assert saved["columns"] == {
        "Account": "account_key",
        "Invoice Number": "invoice_no",
        "Issued": "issued_date",
        "Due": "due_date",
        "Total": "amount",
    }
    assert (saved["date_format"], saved["decimal"], saved["delimiter"]) == ("%d/%m/%Y", ",", ";")


def rows_in(book: Path, table: str) -> int:
    return rows(book, f"SELECT count(*) FROM {table}")[0][0]


async def test_import_interactive_opens_the_mapping_screen_on_the_file(tmp_path, loaded, cli, monkeypatch):
    from textual.app import App

    from cstui.tui.screens.mapping import MappingScreen

    path = write_bytes(
        tmp_path / "t" / "export.csv", b"Ticket ID,Account Key,Opened On,Channel\nT-1,ACME,2026-11-02,Phone\n"
    )
    started: list[App] = []
    monkeypatch.setattr(App, "run", lambda self, *a, **k: started.append(self))
    monkeypatch.setattr(importlib.import_module("cstui.cli.main"), "has_a_terminal", lambda: True)  # not in pytest
    assert cli("import", str(path), "--interactive", "--db", str(loaded)).code == 0
    async with started[0].run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = started[0].screen
        assert isinstance(screen, MappingScreen)
        assert screen.profile is not None and screen.profile.table == "tickets"
        assert "'Phone' is not one of self_service, assisted" in str(
            screen.query_one("#mapping-preview").get_row_at(0)[1]
        )


def test_profiles_are_listed_and_deleted_and_a_dry_run_saves_none(tmp_path, loaded, cli):
    path = str(billing_file(tmp_path))
    assert cli("import", path, *BILLING, "--dry-run", "--save-profile", "x", "--db", str(loaded)).out.splitlines()[
        -1
    ] == ("profile 'x' not saved (dry run)")
    built_in = cli("profile", "list", "--db", str(loaded)).out
    assert "  saved " not in built_in  # only the built-in profiles
    assert cli("import", path, *BILLING, "--save-profile", "billing", "--db", str(loaded)).code == 0
    listed = cli("profile", "list", "--db", str(loaded)).out
    assert listed == built_in + "billing  invoices  6 mapped columns  saved " + (
        rows(loaded, "SELECT saved_on FROM import_profiles")[0][0] + "\n"
    )
    assert cli("profile", "delete", "billing", "--db", str(loaded)).out == "deleted profile 'billing'\n"
    assert rows(loaded, "SELECT count(*) FROM import_profiles") == [(0,)]


async def test_the_mapping_screen_settles_an_ambiguous_date_order_with_a_key(tmp_path, loaded):
    from textual.widgets import DataTable

    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.mapping import MappingScreen
    from tests.tui_helpers import press

    path = write_bytes(tmp_path / "a" / "mrr.csv", b"Account Key;Effective Date;MRR\nACME;01/02/2026;1.500,5\n")
    app = CstuiApp(loaded, snapshot_on_open=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        app.push_screen(MappingScreen(path))
        await pilot.pause()
        screen = app.screen
        assert screen.profile is not None and screen.profile.table == "mrr_history"
        assert "--date-format" in str(screen.query_one("#mapping-status").render())
        await press(pilot, "f")  # day first
        assert "dates: DD/MM/YYYY (f), decimal mark: detected (m)" in str(screen.query_one("#mapping-status").render())
        row = [str(c) for c in screen.query_one("#mapping-preview", DataTable).get_row_at(0)]
        assert row == ["2", "ok", "ACME", "2026-02-01", "1500.5"]


def test_paid_when_without_a_payment_date_column_is_named(tmp_path, loaded, cli):
    without_paid_date = [
        *BILLING[: BILLING.index("--map", BILLING.index("Betrag=amount"))],
        "--paid-when",
        "Status=paid",
    ]
    result = cli("import", str(billing_file(tmp_path)), *without_paid_date, "--db", str(loaded))
    assert result.err.splitlines()[1:] == [
        'rechnungen.csv:1: paid_date: --paid-when needs a payment date column (--map "SOURCE=paid_date")'
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "cstui: p.json: not a JSON profile (Expecting property name enclosed in double quotes"),
        ('{"name": "x", "table": "invoices", "columns": ["a"]}', "cstui: p.json: columns must be an object"),
        (
            '{"name": "x", "table": "invoices", "values": {"channel": 3}}',
            "cstui: p.json: values.channel must be an object",
        ),
        ('{"name": "x", "table": "invoices", "colums": {}}', "cstui: p.json: unknown field 'colums'"),
        ('{"name": "x", "table": "invoices", "decimal": ";"}', "cstui: p.json: --decimal: ';' is not ',' or '.'"),
    ],
)
def test_a_malformed_profile_file_is_one_line_and_nothing_is_saved(tmp_path, loaded, cli, body, message):
    (tmp_path / "p.json").write_text(body, encoding="utf-8")
    result = cli("profile", "import", str(tmp_path / "p.json"), "--db", str(loaded))
    assert result.code == 1 and result.err.startswith(message) and len(result.err.splitlines()) == 1
    assert rows(loaded, "SELECT count(*) FROM import_profiles") == [(0,)]
