"""The app driven through Textual's pilot: each screen by its keys, checked against the engine."""

import sqlite3
from datetime import date

from cstui.metrics.health import account_health, health_for_accounts
from cstui.metrics.report import portfolio_report
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.accounts import AccountsScreen
from cstui.tui.screens.checkin import CheckinScreen
from cstui.tui.screens.dashboard import FIGURES
from cstui.tui.screens.help import HelpScreen
from cstui.tui.screens.trends import TrendsScreen
from cstui.tui.widgets.account_table import AccountTable
from cstui.tui.widgets.charts import Chart
from cstui.tui.widgets.figure import Figure
from tests.bookmaker import BookMaker
from tests.conftest import DEMO_DATE
from tests.tui_helpers import cells, press, record_notifications, settle

SIZE = (140, 45)


def app_on(path, as_of: date = DEMO_DATE) -> CstuiApp:
    return CstuiApp(path, as_of=as_of)


async def test_dashboard_shows_the_engine_s_figures(demo_path, demo):
    report = portfolio_report(demo.conn, DEMO_DATE)
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for fid, _, _, value, fmt in FIGURES:
            shown = app.screen.query_one(f"#fig-{fid}", Figure).value
            assert shown.startswith(fmt.format(value(report))), (fid, shown)
        health = str(app.screen.query_one("#health-dist").render())
        for band in ("green", "yellow", "red"):
            assert f"{band:<7}{getattr(report.health, band):>4} accts" in health
        assert app.screen.query_one("#movers").row_count > 0


async def test_opening_the_app_takes_today_s_snapshot_once(demo_path, demo):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    count = demo.execute("SELECT count(*) FROM health_snapshots WHERE as_of = ?", [DEMO_DATE.isoformat()]).fetchone()[0]
    assert count == len(health_for_accounts(demo.conn, DEMO_DATE))


async def test_accounts_list_sorts_filters_and_opens_an_account(demo_path, demo):
    health = health_for_accounts(demo.conn, DEMO_DATE)
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        assert isinstance(app.screen, AccountsScreen)
        table = app.screen.query_one(AccountTable)
        shown = app.screen.table.rows_shown
        assert len(shown) == len(health)  # churned accounts hidden by default
        scores = [r.score for r in shown]
        assert scores == sorted(scores)  # worst health first
        await press(pilot, "S")
        assert [r.score for r in app.screen.table.rows_shown] == sorted(scores, reverse=True)
        await press(pilot, "s", "5")  # the sort menu: 5 is Band
        assert "sort: Band" in str(app.screen.query_one("#accounts-status").render())
        await press(pilot, "b")  # band filter: red
        assert {r[4] for r in cells(table)} == {"red"}
        await press(pilot, "b", "b", "b")  # back to all bands
        await press(pilot, "slash", *"summit")
        names = [r[0] for r in cells(table)]
        assert names and all("summit" in n.lower() for n in names)
        await press(pilot, "escape")
        assert app.screen.query_one("#search").value == ""
        await press(pilot, "h")
        assert len(app.screen.table.rows_shown) == demo["accounts"].count
        await press(pilot, "h")
        first = app.screen.table.selected
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == first.account_id


async def test_account_screen_breakdown_matches_the_engine(demo_path, demo):
    account = demo.execute("SELECT id FROM accounts WHERE key = 'ACC-1010'").fetchone()[0]
    expected = account_health(demo.conn, account, DEMO_DATE)
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(account))
        await settle(pilot)
        rows = cells(app.screen.query_one("#breakdown"))
        assert [r[0] for r in rows[:-1]] == [c.label for c in expected.components]
        for row, component, points in zip(rows, expected.components, expected.rounded_points()):
            assert row[1] == ("no data" if component.score is None else f"{component.score:,.1f}")
            assert row[3] == f"{points:,.1f}"
            assert row[5] == component.raw
        assert rows[-1][0] == "Total" and rows[-1][3] == f"{expected.score:,.1f}"
        assert "points since the snapshot of 2026-11-17" in str(app.screen.query_one("#account-change").render())
        assert app.screen.query_one("#health-chart", Chart).points_drawn >= 12
        assert app.screen.query_one("#timeline").row_count > 10
        await press(pilot, "escape")
        assert not isinstance(app.screen, AccountScreen)


async def test_trends_draw_every_chart_and_change_range(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t")
        assert isinstance(app.screen, TrendsScreen)
        assert len(app.screen.points) == 12
        for chart in app.screen.query(Chart):
            assert chart.points_drawn > 0, chart.id
        await press(pilot, "3")
        assert [p.month for p in app.screen.points] == ["2026-09", "2026-10", "2026-11"]
        await press(pilot, "2")
        assert len(app.screen.points) == 24


async def test_help_lists_the_keys_of_the_current_screen(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {tuple(r) for r in cells(app.screen.query_one("#help-keys"))}
        for key, action in (
            ("/", "Search"),
            ("b", "Band filter"),
            ("a", "Accounts"),
            ("q", "Quit"),
            ("ctrl+p", "Command palette"),
        ):
            assert (key, action) in rows
        await press(pilot, "escape")
        assert isinstance(app.screen, AccountsScreen)


async def test_every_key_is_a_command_in_the_palette(demo_path):
    app = app_on(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "c")
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {
            "Dashboard",
            "Accounts",
            "Check-in",
            "Trends",
            "Help",
            "Quit",
            "Reviewed",
            "Snooze",
            "Log feedback",
            "Complete follow-up",
        } <= titles
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Trends")
        await command.callback()
        await settle(pilot)
        assert isinstance(app.screen, TrendsScreen)


HOSTILE_NAME = "[@click=app.quit]Evil[/]"
HOSTILE_NOTE = "[bold]loud[/] \x1b[2J\x1b]52;c;ZXZpbA==\x07 \u202eesrever"


async def test_markup_and_escapes_in_book_text_render_literally_and_do_nothing(book_path, book):
    make = BookMaker(book)
    evil = make.account("EVIL", "2025-01-01", name=HOSTILE_NAME)
    make.mrr(evil, "2025-01-01", 100)
    make.note(evil, "2026-11-20", sentiment=-1, summary=HOSTILE_NOTE)
    app = app_on(book_path)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a")
        table = app.screen.query_one(AccountTable)
        assert cells(table)[0][0] == HOSTILE_NAME
        await pilot.click(AccountTable, offset=(3, 1))
        await settle(pilot)
        assert app.is_running
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        assert HOSTILE_NAME in str(app.screen.query_one("#account-title").render())
        timeline = [r[2] for r in cells(app.screen.query_one("#timeline"))]
        assert timeline == ["[bold]loud[/] \\x1b[2J\\x1b]52;c;ZXZpbA==\\x07 \\u202eesrever [sentiment -1]"]
        await press(pilot, "c")
        assert isinstance(app.screen, CheckinScreen)
        assert app.is_running


async def test_the_day_s_snapshot_is_written_by_the_app_s_writer_and_a_busy_book_is_said(demo_path):
    """The snapshot goes through the UI thread's write path (BEGIN IMMEDIATE, `app.write`): with another
    process holding the write lock it is not written half-way nor lost in silence - the app says the
    book is busy and keeps running."""
    app = app_on(demo_path)
    app.book.execute("PRAGMA busy_timeout = 200")
    notes = record_notifications(app)
    other = sqlite3.connect(demo_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.is_running
    finally:
        other.rollback()
        other.close()
    assert [options["severity"] for message, options in notes if "The book is busy" in message] == ["error"]
    check = sqlite3.connect(demo_path)
    assert (
        check.execute("SELECT count(*) FROM health_snapshots WHERE as_of = ?", [DEMO_DATE.isoformat()]).fetchone()[0]
        == 0
    )
    check.close()
