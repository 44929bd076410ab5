"""MRR for an account added or edited by hand (issue 28): `n`/`E` in the app and
`cstui account add|edit KEY --mrr N [--mrr-from D]`, written as rows of mrr_history (undo works)."""

from cstui.storage import history
from cstui.storage.bookfile.connection import connect
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.record import RecordForm
from tests.conftest import DEMO_DATE
from tests.tui_helpers import open_account, press, settle, type_into


def _mrr(db, key: str) -> list[tuple[str, float]]:
    return db.execute(
        "SELECT m.effective_date, m.mrr FROM mrr_history m JOIN accounts a ON a.id = m.account_id"
        " WHERE a.key = ? ORDER BY m.effective_date",
        [key],
    ).fetchall()


def test_cli_account_add_and_edit_with_mrr(cli, book, book_path):
    at = ("--db", str(book_path))
    added = cli("account", "add", "K1", "--name", "Kay", "--start-date", "2026-01-10", "--mrr", "1200", *at)
    assert added.code == 0, added.err
    assert _mrr(book, "K1") == [("2026-01-10", 1200.0)]  # from the start date by default
    edited = cli("account", "edit", "K1", "--mrr", "1500", "--mrr-from", "2026-07-01", *at)
    assert edited.code == 0, edited.err
    assert _mrr(book, "K1") == [("2026-01-10", 1200.0), ("2026-07-01", 1500.0)]
    assert cli("account", "edit", "K1", "--mrr", "1600", "--mrr-from", "2026-07-01", *at).code == 0
    assert _mrr(book, "K1") == [("2026-01-10", 1200.0), ("2026-07-01", 1600.0)]  # the same day: replaced
    report = cli("report", "--account", "K1", "--as-of", "2026-11-24", "--json", *at)
    assert '"arr": 19200.0' in report.out
    history.undo(connect(book_path))
    assert _mrr(book, "K1") == [("2026-01-10", 1200.0), ("2026-07-01", 1500.0)]
    bad = cli("account", "edit", "K1", "--mrr", "lots", *at)
    assert bad.code == 1 and bad.err.startswith("cstui: MRR:")
    alone = cli("account", "edit", "K1", "--mrr-from", "2026-08-01", *at)
    assert alone.code == 1 and "give the MRR" in alone.err
    assert _mrr(book, "K1") == [("2026-01-10", 1200.0), ("2026-07-01", 1500.0)]


async def test_n_and_e_take_mrr(demo_path, demo):
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        assert isinstance(app.screen, AccountsScreen)
        await press(pilot, "n")
        assert isinstance(app.screen, RecordForm)
        for name, text in {"key": "ACC-9002", "name": "Mrr Co", "start_date": "2026-01-15", "mrr": "900"}.items():
            await type_into(pilot, f"#form-{name}", text)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountsScreen)
        account = demo.execute("SELECT id FROM accounts WHERE key = 'ACC-9002'").fetchone()[0]
        await open_account(pilot, account)
        assert "ARR 10,800" in str(app.screen.query_one("#account-title").render())
        await press(pilot, "E")
        await type_into(pilot, "#form-mrr", "1000")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, AccountScreen)
    assert _mrr(demo, "ACC-9002") == [("2026-01-15", 900.0), ("2026-11-24", 1000.0)]  # from the app's today
