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
