"""Issue 26 item 2: the mapping screen has the CLI's powers and the built-in and saved profiles."""

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from cstui.tui.app import CstuiApp
from cstui.tui.screens.mapping import MappingScreen, mapping_app
from tests.tui_helpers import press

ACCOUNTS = "key,name,start_date\nACME,Acme,2025-01-01\n"
CONTACTS = "account_key,name,email\nACME,Ann Lee,ann@acme.com\n"


@pytest.fixture
def loaded(tmp_path, book_path, cli) -> Path:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "accounts.csv").write_text(ACCOUNTS)
    (tmp_path / "in" / "contacts.csv").write_text(CONTACTS)
    assert cli("import", str(tmp_path / "in"), "--db", str(book_path)).code == 0
    return book_path


def rows(book: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(book) as conn:
        return conn.execute(sql).fetchall()


def status(screen: MappingScreen) -> str:
    return str(screen.query_one("#mapping-status").render())


async def test_a_known_export_opens_with_its_built_in_profile_and_p_steps_through_profiles(tmp_path, loaded):
    path = tmp_path / "tickets.csv"
    path.write_text(
        "Conversation Number,Subject,Status,Customer Email,Customer Name,Mailbox,Created At,Closed At\n"
        "1,Hi,closed,ann@acme.com,Ann,Support,2026-03-01,2026-03-02\n2,Spam,spam,ann@acme.com,Ann,Support,2026-03-01,\n"
    )
    app = CstuiApp(loaded, snapshot_on_open=False)
    async with app.run_test(size=(160, 50)) as pilot:
        app.push_screen(MappingScreen(path))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        assert "profile: helpscout-conversations (p: next)" in status(screen)
        assert "rows left out when: Status=spam (w)" in status(screen)
        preview = screen.query_one("#mapping-preview", DataTable)
        assert [str(c) for c in preview.get_row_at(0)][:2] == ["2", "ok"]
        assert preview.row_count == 1  # the spam row is left out
        await press(pilot, "p")
        assert "profile: hubspot-companies (p: next)" in status(screen)  # the registry's next
        assert "Record ID: no such column" in status(screen)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MappingScreen)  # refused: this is not a HubSpot file
        assert rows(loaded, "SELECT count(*) FROM tickets") == [(0,)]


async def test_constants_value_maps_row_filters_and_the_account_by_contact_email_on_the_screen(tmp_path, loaded):
    path = tmp_path / "desk.csv"
    path.write_text(
        "Ticket,Who,Opened,Urgency,State\nT1,ANN@acme.com,2026-03-01,P1,open\nT2,ann@acme.com,2026-03-01,P2,trash\n"
    )
    app = mapping_app(loaded, path, None, __import__("datetime").date(2026, 3, 5))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        for _ in range(12):
            if screen.profile is not None and screen.profile.table == "tickets":
                break
            await press(pilot, "t")
        assert screen.profile is not None and screen.profile.table == "tickets"
        source = screen.query_one("#mapping-source", DataTable)
        targets = screen.query_one("#mapping-targets", DataTable)
        entry = screen.query_one("#mapping-entry", Input)
        source.focus()
        source.move_cursor(column=1)  # Who
        await press(pilot, "k")  # the account by a contact's email
        source.move_cursor(column=4)  # State
        entry.value = "trash"
        await press(pilot, "w")
        targets.move_cursor(row=2)  # channel
        entry.value = "assisted"
        source.focus()
        await press(pilot, "equals_sign")
        source.move_cursor(column=2)  # Opened
        targets.move_cursor(row=1)  # opened_on
        await press(pilot, "a")
        source.move_cursor(column=3)  # Urgency
        targets.move_cursor(row=3)  # severity
        await press(pilot, "a")
        entry.value = "P1=urgent"
        source.focus()
        await press(pilot, "v")
        source.move_cursor(column=0)
        targets.move_cursor(row=6)  # ticket_id
        await press(pilot, "a")
        preview = screen.query_one("#mapping-preview", DataTable)
        assert preview.row_count == 1, status(screen)
        assert [str(c) for c in preview.get_row_at(0)][:2] == ["2", "ok"], status(screen)
        await press(pilot, "ctrl+s")
        await pilot.pause()
    # The app returns to the shell with the import's result (the CLI prints its summary lines).
    assert app.return_value is not None
    assert "tickets: 1 rows left out (State=trash: 1)" in app.return_value.lines()
    assert rows(
        loaded,
        "SELECT t.external_id, a.key, t.channel, t.severity FROM tickets t JOIN accounts a ON a.id = t.account_id",
    ) == [("T1", "ACME", "assisted", "urgent")]


DAY = __import__("datetime").date(2026, 3, 5)


async def _open_on(pilot, app, table: str) -> MappingScreen:
    """The mapping screen, stepped with t to `table` (as a user does when the guess is not it)."""
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, MappingScreen)
    for _ in range(len(screen.query_one("#mapping-targets", DataTable).columns) + 20):
        if screen.profile is not None and screen.profile.table == table:
            break
        await press(pilot, "t")
    assert screen.profile is not None and screen.profile.table == table
    return screen


async def _at(pilot, screen: MappingScreen, key: str, column: int | None = None, row: int | None = None, entry=None):
    """Press `key` with the source cursor on `column`, the table cursor on `row` and `entry` typed."""
    source = screen.query_one("#mapping-source", DataTable)
    if entry is not None:
        screen.query_one("#mapping-entry", Input).value = entry
    if row is not None:
        screen.query_one("#mapping-targets", DataTable).move_cursor(row=row)
    source.focus()
    if column is not None:
        source.move_cursor(column=column)
    await press(pilot, key)


async def test_a_default_start_date_and_ids_kept_as_aliases_then_found_by_id_in_another_file(tmp_path, loaded, cli):
    companies = tmp_path / "companies.csv"
    companies.write_text("Code,Company,CRM Id\nGLOBEX,Globex,crm-9\n")
    app = mapping_app(loaded, companies, None, DAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_on(pilot, app, "accounts")
        await _at(pilot, screen, "a", column=0, row=0)  # Code -> key
        await _at(pilot, screen, "a", column=1, row=1)  # Company -> name
        await _at(pilot, screen, "d", row=2, entry="first-seen")  # start_date: the import's day
        await _at(pilot, screen, "l", column=2, entry="crm")  # CRM Id: the crm system's id
        assert "defaults: start_date=first-seen (d)" in status(screen)
        assert "source system: crm, CRM Id kept as the account's id (l)" in status(screen)
        await press(pilot, "ctrl+s")
    assert app.return_value is not None, status(screen)
    assert rows(loaded, "SELECT key, name, start_date FROM accounts WHERE key = 'GLOBEX'") == [
        ("GLOBEX", "Globex", "2026-03-05")
    ]
    assert rows(loaded, "SELECT source, external_id FROM account_aliases") == [("crm", "crm-9")]

    tickets = tmp_path / "crm-tickets.csv"
    tickets.write_text(
        "Case,Org,Opened (UTC),State,Closed\n"
        "C1,crm-9,2026-03-01T23:30:00Z,solved,2026-03-03\nC2,crm-9,2026-03-01T10:00:00Z,open,2026-03-04\n"
    )
    app = mapping_app(loaded, tickets, None, DAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_on(pilot, app, "tickets")
        await _at(pilot, screen, "l", column=1, entry="crm")  # the file comes from the crm system
        for _ in range(4):  # k: by contact email, by domain, by name, by the crm id
            await _at(pilot, screen, "k", column=1)
        assert screen.profile is not None and screen.profile.account_by is not None
        assert screen.profile.account_by.value == "id", status(screen)
        await _at(pilot, screen, "a", column=2, row=1)  # Opened (UTC) -> opened_on
        await _at(pilot, screen, "z", entry="Europe/Berlin")
        await _at(pilot, screen, "equals_sign", row=2, entry="assisted")  # channel
        await _at(pilot, screen, "a", column=4, row=4)  # Closed -> closed_on
        await _at(pilot, screen, "o", column=3, row=4, entry="solved")  # closed_on only when State=solved
        await _at(pilot, screen, "a", column=0, row=6)  # Case -> ticket_id
        assert "timestamps: UTC, dated in Europe/Berlin (z)" in status(screen)
        assert "values kept only when: closed_on if State=solved (o)" in status(screen)
        screen.query_one("#mapping-profile-name", Input).value = "crm-tickets"
        await press(pilot, "ctrl+s")
    assert app.return_value is not None, status(screen)
    # 23:30 UTC on the 1st is the 2nd in Berlin; the open ticket's close date is not kept.
    assert rows(
        loaded,
        "SELECT t.external_id, a.key, t.opened_on, t.closed_on FROM tickets t JOIN accounts a ON a.id = t.account_id"
        " ORDER BY t.external_id",
    ) == [("C1", "GLOBEX", "2026-03-02", "2026-03-03"), ("C2", "GLOBEX", "2026-03-01", None)]
    # The profile saved on the screen replays its powers on the command line.
    later = tmp_path / "later.csv"
    later.write_text("Case,Org,Opened (UTC),State,Closed\nC7,crm-9,2026-03-03T23:10:00Z,open,2026-03-04\n")
    result = cli("import", str(later), "--db", str(loaded), "--profile", "crm-tickets")
    assert result.code == 0, result.output
    assert rows(loaded, "SELECT opened_on, closed_on, channel FROM tickets WHERE external_id = 'C7'") == [
        ("2026-03-04", None, "assisted")
    ]


async def test_refunds_currencies_and_rows_without_a_number_on_the_screen(tmp_path, loaded, cli):
    (tmp_path / "rates.csv").write_text("currency,rate\nUSD,0.9\n")
    path = tmp_path / "billing.csv"
    path.write_text(
        "Number,Customer,Date,Due,Total,Refunded,Currency\n"
        "I1,ACME,2026-03-01,2026-03-15,100.00,20.00,EUR\n"
        "I2,ACME,2026-03-01,2026-03-15,50.00,0,usd\n"
        ",ACME,2026-03-01,2026-03-15,9.00,0,EUR\n"
    )
    app = mapping_app(loaded, path, None, DAY)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await _open_on(pilot, app, "invoices")
        for column, row in ((1, 0), (0, 1), (2, 2), (3, 3), (4, 4)):
            await _at(pilot, screen, "a", column=column, row=row)
        await _at(pilot, screen, "w", column=0, entry="")  # rows with no number are left out
        await _at(pilot, screen, "minus", column=5)  # Refunded comes off the total
        await _at(pilot, screen, "c", column=6, entry=f"EUR {tmp_path / 'rates.csv'}")
        assert "amount less Refunded (-)" in status(screen)
        assert "currency: Currency, converted into book's currency EUR, rates for USD (c)" in status(screen)
        preview = screen.query_one("#mapping-preview", DataTable)
        assert preview.row_count == 2 and all(str(preview.get_row_at(i)[1]) == "ok" for i in range(2)), status(screen)
        screen.query_one("#mapping-profile-name", Input).value = "billing"
        await press(pilot, "ctrl+s")
    assert app.return_value is not None, status(screen)
    assert "invoices: 1 rows left out (Number empty: 1)" in app.return_value.lines()
    assert rows(loaded, "SELECT invoice_no, amount FROM invoices ORDER BY invoice_no") == [("I1", 80.0), ("I2", 45.0)]
    # The saved profile replays on the command line (the book's currency is kept; rates are the run's).
    later = tmp_path / "later.csv"
    later.write_text(
        "Number,Customer,Date,Due,Total,Refunded,Currency\nI3,ACME,2026-03-02,2026-03-16,30,5,USD\n,,,,,,\n"
    )
    rates = str(tmp_path / "rates.csv")
    result = cli("import", str(later), "--db", str(loaded), "--profile", "billing", "--rates", rates)
    assert result.code == 0, result.output
    assert rows(loaded, "SELECT amount FROM invoices WHERE invoice_no = 'I3'") == [(22.5,)]


async def test_the_dashboards_i_offers_saved_profiles_and_no_nonsense_for_a_survey_export(tmp_path, loaded, cli):
    saved = tmp_path / "s.csv"
    saved.write_text("Org,When,Score\nACME,2026-03-01,9\n")
    assert (
        cli(
            "import",
            str(saved),
            "--db",
            str(loaded),
            "--table",
            "surveys",
            "--map",
            "Org=account_key",
            "--map",
            "When=responded_on",
            "--map",
            "Score=score",
            "--set",
            "kind=nps",
            "--save-profile",
            "my-nps",
        ).code
        == 0
    )
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,Custom Data 1,Score\n"
        "1,2,03/01/2026,03/01/2026,1.2.3.4,ann@acme.com,,10\n"
    )
    app = CstuiApp(loaded, snapshot_on_open=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await press(pilot, "i")
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        screen.query_one("#mapping-file", Input).value = str(survey)
        await press(pilot, "enter")
        # No column proposed from a header that only shares letters with it (name <- End Date).
        targets = screen.query_one("#mapping-targets", DataTable)
        proposals = {
            str(row[0]): (str(row[2]), str(row[3])) for row in map(targets.get_row_at, range(targets.row_count))
        }
        assert proposals["responded_on"][0] == "End Date"  # the SurveyMonkey profile's choice
        assert all(close not in ("End Date", "Score") for _, close in proposals.values()), proposals
        screen.query_one("#mapping-targets", DataTable).move_cursor(row=0)
        while screen.profile is not None and screen.profile.table != "accounts":
            await press(pilot, "t")  # accounts: no name <- End Date proposed either
        proposals = {
            str(row[0]): str(row[2]) + str(row[3]) for row in map(targets.get_row_at, range(targets.row_count))
        }
        assert proposals["name"] == "-" and proposals["start_date"] == "Start Date", proposals
        for _ in range(40):
            if "profile: my-nps" in status(screen):
                break
            await press(pilot, "p")
        assert "profile: my-nps (p: next)" in status(screen)


async def test_import_interactive_brings_the_command_lines_powers_onto_the_screen(tmp_path, loaded, cli, monkeypatch):
    import importlib

    from textual.app import App

    monkeypatch.setattr(importlib.import_module("cstui.cli.main"), "has_a_terminal", lambda: True)  # not in pytest
    (tmp_path / "rates.csv").write_text("currency,rate\nUSD,0.9\n")
    path = tmp_path / "pay.csv"
    path.write_text(
        "Number,Customer,Date,Due,Total,Refunded,Currency\nI9,ACME,2026-03-01T23:30:00Z,2026-03-15,50.00,10,USD\n"
    )
    started: list[App] = []
    monkeypatch.setattr(App, "run", lambda self, *a, **k: started.append(self))
    options = ["--table", "invoices", "--map", "Number=invoice_no", "--map", "Customer=account_key"]
    options += ["--map", "Date=issued_date", "--map", "Due=due_date", "--map", "Total=amount", "--minus", "Refunded"]
    options += ["--tz", "Europe/Berlin", "--currency-column", "Currency", "--book-currency", "EUR"]
    options += ["--rates", str(tmp_path / "rates.csv")]
    assert cli("import", str(path), "--interactive", "--db", str(loaded), *options).code == 0
    app = started[0]
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MappingScreen)
        assert "currency: Currency, converted into book's currency EUR, rates for USD (c)" in status(screen)
        assert "timestamps: UTC, dated in Europe/Berlin (z)" in status(screen)
        await press(pilot, "ctrl+s")
    assert app.return_value is not None, status(screen)
    # (50 - 10) USD at 0.9, issued on the 2nd in Berlin.
    assert rows(loaded, "SELECT invoice_no, issued_date, amount FROM invoices") == [("I9", "2026-03-02", 36.0)]


async def test_help_on_the_mapping_screen_lists_every_power(tmp_path, loaded):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    app = mapping_app(loaded, path, None, DAY)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        app.screen.query_one("#mapping-source").focus()
        await press(pilot, "question_mark")
        keys = app.screen.query_one("#help-keys", DataTable)
        shown = {str(keys.get_row_at(i)[0]): str(keys.get_row_at(i)[1]) for i in range(keys.row_count)}
    for key, what in {
        "o": "Keep value only when",
        "d": "Default value",
        "z": "Time zone",
        "-": "Subtract (refunds)",
    }.items():
        assert shown.get(key) == what, shown
    assert shown.get("c") == "Currency column" and shown.get("l") == "Ids as aliases", shown
