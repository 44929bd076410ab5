"""Since your last look (issue 28): the account screen opens with what is new since the CSM last
opened it, and the accounts list marks (and filters to) the accounts with news."""

from datetime import date

import pytest

from cstui.storage import history, seen
from cstui.storage.bookfile.connection import connect
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from tests.bookmaker import BookMaker
from tests.tui_helpers import press, settle

DAY = date(2026, 11, 24)


@pytest.fixture
def two_accounts(book, book_path):
    make = BookMaker(book)
    for key in ("s1", "s2"):
        a = make.account(key, "2025-01-01", name=f"Name {key}", renewal="2027-03-01")
        make.mrr(a, "2025-01-01", 1000)
        make.survey(a, "nps", 9, "2026-10-01")
        make.note(a, "2026-11-01", summary="checked in")
    book.conn.execute("INSERT INTO contacts (account_id, name, email) VALUES (1, 'Old Friend', 'old@s1.example')")
    book.conn.commit()
    return book_path


async def _visit(book_path, key: str) -> str:
    """Open the account, read its panel, leave it."""
    app = CstuiApp(book_path, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        account = app.book.execute("SELECT id FROM accounts WHERE key = ?", [key]).fetchone()[0]
        app.push_screen(AccountScreen(account))
        await settle(pilot)
        panel = str(app.screen.query_one("#since-look").render())
        await press(pilot, "escape")
    return panel


def _import(cli, tmp_path, book_path, **files: str) -> None:
    src = tmp_path / "news"
    src.mkdir(exist_ok=True)
    for name, text in files.items():
        (src / f"{name}.csv").write_text(text, encoding="utf-8")
    result = cli("import", str(src), "--db", str(book_path))
    assert result.code == 0, result.err


async def test_reopening_lists_exactly_what_the_import_brought_and_the_component_that_moved(
    two_accounts, cli, tmp_path
):
    first = await _visit(two_accounts, "s1")
    assert first.startswith("First look at this account")
    _import(
        cli,
        tmp_path,
        two_accounts,
        tickets="account_key,opened_on,channel,severity,subject\ns1,2026-11-23,assisted,urgent,Login broken\n",
        surveys="account_key,kind,score,responded_on,comment\ns1,nps,2,2026-11-23,Too slow\n"
        "s2,nps,10,2026-11-23,Other account\n",
    )
    lines = (await _visit(two_accounts, "s1")).splitlines()
    assert lines[0].startswith("New since you last looked: health ")
    assert "points since your last look on 24 Nov 2026)" in lines[0]
    assert lines[1].startswith("  by component: ")
    moved = dict(part.rsplit(" ", 1) for part in lines[1].removeprefix("  by component: ").split(", "))
    assert float(moved["Support load"]) < 0 and float(moved["Survey sentiment"]) < 0  # both moved down
    assert lines[2:] == ["  new ticket 2026-11-23 urgent: Login broken", "  new NPS 2 on 2026-11-23: Too slow"]
    third = (await _visit(two_accounts, "s1")).splitlines()  # nothing came since the second look
    assert third[0].startswith("New since you last looked: health ") and "+0.0 points" in third[0]
    assert third[1:] == ["  nothing new"]


def test_news_since_reads_renewal_mrr_contacts_and_overdue_follow_ups(two_accounts, cli):
    db = connect(two_accounts)
    marker = seen.SeenMarker(1, "2026-11-20", seen.newest_history_id(db.conn), None, "[]")
    seen.mark_seen(db, marker)
    before = db.execute("SELECT count(*) FROM changes").fetchone()[0]
    assert before == 0  # the marker is not a change in the history
    at = ("--db", str(two_accounts))
    assert cli("account", "edit", "s1", "--renewal-date", "2027-04-01", *at).code == 0
    assert cli("contact", "edit", "1", "--left-on", "2026-11-21", *at).code == 0
    for title, due in (("Call back", "2026-11-22"), ("Old one", "2026-11-10")):
        db.execute(
            "INSERT INTO tasks (account_id, title, due_on, created_on) VALUES (1, ?, ?, '2026-11-01')", [title, due]
        )
    db.conn.commit()
    news = seen.news_since(db.conn, marker, DAY.isoformat())
    assert news.renewal_dates == [("2027-03-01", "2027-04-01")]
    assert news.contacts_left == [("Old Friend", "2026-11-21")]
    assert news.overdue == [("2026-11-22", "Call back")]  # due after the look, before today; not the older one
    assert (news.tickets, news.responses, news.notes, news.mrr) == ([], [], [], [])
    assert seen.accounts_with_news(db.conn, DAY.isoformat()) == {1}
    history.undo(db)  # undoing the last change leaves the marker alone
    assert seen.last_seen(db.conn, 1) == marker


async def test_the_accounts_list_marks_news_and_filters_to_it(two_accounts, cli, tmp_path):
    await _visit(two_accounts, "s1")
    await _visit(two_accounts, "s2")
    _import(
        cli, tmp_path, two_accounts, tickets="account_key,opened_on,channel,severity\ns2,2026-11-23,assisted,high\n"
    )
    app = CstuiApp(two_accounts, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "a")
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        assert {r.key: r.news for r in screen.all_rows} == {"s1": False, "s2": True}
        assert "● new since last look: 1 (N)" in str(screen.query_one("#accounts-status").render())
        await press(pilot, "N")
        assert [r.key for r in screen.visible_rows()] == ["s2"]
        await press(pilot, "N")
        assert sorted(r.key for r in screen.visible_rows()) == ["s1", "s2"]


async def test_a_write_from_another_process_while_the_account_is_open_is_still_news(two_accounts, cli, tmp_path):
    """Leaving the screen remembers what it showed, not the book's newest change: a CLI write made while
    the account was open (and never shown) is news at the next look."""
    app = CstuiApp(two_accounts, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        _import(
            cli,
            tmp_path,
            two_accounts,
            tickets="account_key,opened_on,channel,severity,subject\ns1,2026-11-23,assisted,high,Export fails\n",
        )
        await press(pilot, "escape")
    lines = (await _visit(two_accounts, "s1")).splitlines()
    assert "  new ticket 2026-11-23 high: Export fails" in lines
