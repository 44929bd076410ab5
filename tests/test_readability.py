"""Issue 13 items 3-7: a first run that guides, trends that can be read, the smaller defects."""

import pytest
from textual.widgets import DataTable, Static

from cstui.errors import UserError
from cstui.metrics.bands import SCORED, Band
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.dashboard import DashboardScreen
from cstui.tui.screens.trends import TrendsScreen
from cstui.tui.screens.welcome import WelcomeScreen
from cstui.tui.widgets.account_columns import COLUMNS
from cstui.tui.widgets.charts import Chart, headline, month_label, nice_ticks, tick_label
from cstui.tui.widgets.figure import Figure
from tests.conftest import DEMO_DATE
from tests.tui_helpers import press, settle

SIZE = (120, 40)


async def test_an_empty_book_opens_on_the_welcome_screen(book, book_path):
    app = CstuiApp(book_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        said = str(app.screen.query_one("#welcome").render())
        assert "cstui import DIR" in said and "accounts.csv" in said and "cstui demo" in said
        assert "README.md" in said and "Import format" in said
        await press(pilot, "enter")
        assert isinstance(app.screen, DashboardScreen)


async def test_a_book_with_accounts_opens_on_the_dashboard(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


def test_demo_help_names_its_real_default(cli):
    result = cli("demo", "--help")
    assert "demo.db" in result.out
    assert "book.db" not in result.out


async def test_every_trend_chart_is_reached_by_keys_at_80x24(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "t")
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        charts = list(screen.query(Chart))
        seen = []
        for _ in charts:
            focused = app.focused
            assert isinstance(focused, Chart)
            # the focused chart is on screen: its region lies within the visible list
            assert screen.query_one("#charts").region.contains_region(focused.region), focused.id
            seen.append(focused.id)
            await press(pilot, "tab")
        assert seen == [c.id for c in charts]
        assert "chart-mrr" in seen and "chart-nrr" in seen
        await press(pilot, "home", "end")
        assert screen.query_one("#charts").scroll_y > 0


async def test_churn_and_nrr_have_their_own_axes_and_titles_say_the_newest_value(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t")
        screen = app.screen
        last = screen.points[-1]
        assert screen.query_one("#chart-churn", Chart).title.startswith(f"Logo churn % {last.churn:.1f} in Nov 26")
        assert screen.query_one("#chart-nrr", Chart).title.startswith(f"NRR % {last.nrr:.1f} in Nov 26")
        mrr = screen.query_one("#chart-mrr", Chart)
        before = screen.points[-2].mrr
        change = last.mrr - before
        assert mrr.title == f"MRR {last.mrr:,.0f} in Nov 26 ({'+' if change >= 0 else '-'}{abs(change):,.0f} on Oct 26)"


def test_chart_labels_read_as_months_and_thousands():
    assert month_label("2026-11") == "Nov 26"
    assert nice_ticks(0, 424380) == [0, 100000, 200000, 300000, 400000]
    assert tick_label(424380) == "424,380"
    assert headline("NPS", ["2026-10", "2026-11"], [2.0, None], "{:+.1f}") == "NPS +2.0 in Oct 26"
    assert headline("NPS", ["2026-10", "2026-11"], [None, None], "{:+.1f}") == "NPS: no data"


async def test_accounts_status_follows_the_rows_in_view(demo_path):
    """The list scrolls as one (no pages): "1-34 of 145" says which rows are in view, and follows `]`."""
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "h")  # churned shown: more rows than fit
        screen = app.screen
        total, height = len(screen.table.rows_shown), screen.table.data_height
        assert total > 2 * height
        status = screen.query_one("#accounts-status", Static)
        assert str(status.render()).startswith(f"1-{height} of {total:,}")
        await press(pilot, "right_square_bracket", "right_square_bracket")  # two pages down, rows and cursor
        first = 2 * height + 1
        assert str(status.render()).startswith(f"{first}-{first + height - 1} of {total:,}")
        await press(pilot, "home")
        assert str(status.render()).startswith(f"1-{height} of {total:,}")


async def test_sorting_by_band_goes_red_yellow_green(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "a", "s", "5")  # the sort menu: 5 is Band
        screen = app.screen
        assert COLUMNS[screen.sort_column].label == "Band"
        bands = [r.band for r in screen.table.rows_shown]
        firsts = list(dict.fromkeys(bands))
        assert firsts[:3] == [Band.RED, Band.YELLOW, Band.GREEN]
        await press(pilot, "S")
        firsts = list(dict.fromkeys(r.band for r in screen.table.rows_shown))
        assert [b for b in firsts if b in SCORED] == [Band.GREEN, Band.YELLOW, Band.RED]


async def test_moved_most_is_entered_by_a_key_and_enter_opens_the_account(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        movers = app.screen.data.movers
        assert len(movers) > 1
        await press(pilot, "m")
        assert app.focused is app.screen.query_one("#movers", DataTable)
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == movers[1].account_id


def test_cli_takes_account_keys_and_segments_in_any_case(cli, demo_path):
    upper = cli("report", "--account", "ACC-1047", "--json", "--db", str(demo_path))
    lower = cli("report", "--account", "acc-1047", "--json", "--db", str(demo_path))
    assert upper.code == lower.code == 0 and lower.out == upper.out
    smb = cli("report", "--segment", "SMB", "--json", "--db", str(demo_path))
    small = cli("report", "--segment", "smb", "--json", "--db", str(demo_path))
    assert smb.code == small.code == 0 and small.out == smb.out
    assert cli("history", "--account", "acc-1047", "--db", str(demo_path)).code == 0
    added = cli(
        "task",
        "add",
        "--account",
        "acc-1047",
        "--title",
        "Call back",
        "--due",
        "2026-12-01",
        "--db",
        str(demo_path),
        "--as-of",
        "2026-11-24",
    )
    assert added.code == 0, added.err


def test_cli_near_misses_say_did_you_mean(cli, demo_path):
    account = cli("report", "--account", "ACC-10477", "--db", str(demo_path))
    assert account.code == 1
    assert account.err.startswith("cstui: account 'ACC-10477': no such account in the book; did you mean ")
    assert "ACC-1047" in account.err
    segment = cli("report", "--segment", "smbb", "--db", str(demo_path))
    assert segment.code == 1
    assert "cstui: --segment: no accounts in segment 'smbb'; did you mean SMB?" in segment.err
    far = cli("report", "--account", "zzzz", "--db", str(demo_path))
    assert "did you mean" not in far.err and "no such account" in far.err


def test_resolver_refuses_a_key_that_differs_only_in_case_from_two_accounts(book):
    from cstui.storage import resolve

    for key in ("ACC-1", "acc-1"):
        book.conn.execute("INSERT INTO accounts (key, name, start_date) VALUES (?, ?, '2025-01-01')", [key, key])
    assert resolve.account_id(book.conn, "acc-1") != resolve.account_id(book.conn, "ACC-1")
    with pytest.raises(UserError, match="give the key as spelled"):
        resolve.account_id(book.conn, "Acc-1")


async def test_dashboard_figures_say_their_sample_and_the_renewals_have_headers(demo_path, demo):
    from cstui.metrics.report import portfolio_report

    report = portfolio_report(demo.conn, DEMO_DATE)
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        nps_card = str(app.screen.query_one("#fig-nps", Figure).render())
        assert nps_card.splitlines()[2] == f"n={report.surveys.nps_responses}, 90d"
        renewals = str(app.screen.query_one("#renewals", Static).render())
        assert renewals.splitlines()[0].split() == ["due", "accts", "ARR", "not", "green", "ARR"]
        note = str(app.screen.query_one("#figures-note", Static).render())
        assert "NPS -100..+100" in note and "Engagement score 0-100" in note


def test_a_figure_from_fewer_than_five_responses_is_dimmed():
    from cstui.tui.screens.dashboard import figure_text, sample_window

    assert figure_text("-100.0", 1).style == "dim"
    assert figure_text("+1.3", 158).style == ""
    assert figure_text("85.0%", None).style == ""
    assert sample_window("last 90d", 3) == "n=3, 90d"


async def test_breakdown_keeps_points_and_newest_fact_in_view_at_80x24(demo_path, demo):
    account = demo.execute("SELECT id FROM accounts WHERE key = 'ACC-1010'").fetchone()[0]
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(account))
        await settle(pilot)
        table = app.screen.query_one("#breakdown", DataTable)
        right = 0
        for column in table.ordered_columns:
            right += column.get_render_width(table)
            if str(column.label) == "Newest fact":
                break
        assert right <= table.size.width
        assert str(table.ordered_columns[-1].label) == "Raw value"


async def test_backtest_refuses_to_suggest_from_too_few_churned_accounts(demo_path, demo):
    from cstui.metrics.backtest import backtest
    from cstui.readmodels.backtest import MIN_CHURNED_ACCOUNTS
    from tests.tui_helpers import cells, record_notifications

    _, expected = backtest(demo.conn, DEMO_DATE, 90)
    assert expected.churned_accounts < MIN_CHURNED_ACCOUNTS
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b")
        title = str(app.screen.query_one("#backtest-title", Static).render())
        assert f"{expected.churned_accounts} churned accounts" in title and "No weights suggested" in title
        assert f"{expected.observations:,} account-months" in title
        assert len(cells(app.screen.query_one("#backtest-table", DataTable))[0]) == 2  # no suggested column
        seen = record_notifications(app)
        await press(pilot, "s")
        assert any("No weights suggested" in message for message, _ in seen)
    weights = demo.execute("SELECT value FROM health_config WHERE name = 'weight.usage'").fetchone()[0]
    assert weights == 25


async def test_backtest_save_confirmation_states_auc_before_after_and_sample(demo_path, demo, monkeypatch):
    from cstui.metrics.backtest import backtest
    from cstui.tui.screens.confirm import ConfirmScreen

    _, expected = backtest(demo.conn, DEMO_DATE, 90)
    monkeypatch.setattr("cstui.readmodels.backtest.MIN_CHURNED_ACCOUNTS", 1)
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b")
        await press(pilot, "s")
        assert isinstance(app.screen, ConfirmScreen)
        said = app.screen.question
        suggested = app.screen_stack[-2].suggested
        assert f"Backtest AUC {expected.auc:.3f} now, {suggested.auc:.3f} with them" in said
        assert f"{expected.churned_accounts} churned accounts" in said


async def test_accounts_list_at_80x24_keeps_the_name_and_the_columns_that_matter(demo_path):
    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "a")
        table = app.screen.table
        labels = [c.label for c in table.shown_columns]
        assert labels == ["Key", "Name", "ARR", "Health", "NPS", "Renewal"]  # issue 27: the key beside the name
        assert table.table_width <= table.scrollable_content_region.width
        first = table.rows_shown[0]
        row = [str(getattr(cell, "plain", cell)) for cell in table.get_row_at(0)]
        assert row[:2] == [first.key, first.name] and row[3].endswith(str(first.band))
        await pilot.resize_terminal(140, 40)
        await settle(pilot)
        assert "Segment" in [c.label for c in app.screen.table.shown_columns]


async def test_a_field_error_clears_once_the_value_is_fixed_and_never_hides_the_value(demo_path):
    from textual.widgets import Input

    from cstui.tui.screens.feedback import FeedbackScreen

    app = CstuiApp(demo_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "a")
        await press(pilot, "f")
        form = app.screen
        assert isinstance(form, FeedbackScreen)
        form.query_one("#nps", Input).focus()
        await pilot.press("1", "1")
        await press(pilot, "ctrl+s")
        summary, nps = form.query_one("#summary", Input), form.query_one("#nps", Input)
        assert summary.has_class("invalid") and nps.has_class("invalid")
        assert form.query_one("#summary-error", Static).has_class("shown")
        assert nps.value == "11" and nps.size.height >= 1 and "11" in str(nps.render_line(0).text)
        summary.focus()
        await pilot.press(*"Renewal call")
        await settle(pilot)
        assert not summary.has_class("invalid")
        assert not form.query_one("#summary-error", Static).has_class("shown")
        assert nps.has_class("invalid")  # the other field's error stays until it is fixed
        nps.focus()
        await pilot.press("backspace")
        await settle(pilot)
        assert not nps.has_class("invalid") and not form.query_one("#nps-error", Static).has_class("shown")
        assert form.region.right <= 80  # the form fits the terminal


def test_an_nps_from_fewer_than_five_responses_is_dimmed_with_its_count():
    from dataclasses import replace

    from cstui.readmodels.views import AccountRow
    from cstui.tui.widgets.account_columns import BY_LABEL

    row = AccountRow(1, "K", "N", "", 0.0, 50.0, Band.GREEN, None, -100.0, None, None, 0, False, nps_responses=1)
    shown = BY_LABEL["NPS"].render(row)
    assert (shown.plain, shown.style) == ("-100¹", "dim")
    many = BY_LABEL["NPS"].render(replace(row, nps=12.0, nps_responses=40))
    assert (many.plain, many.style) == ("+12", "")
