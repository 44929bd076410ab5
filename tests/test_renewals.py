"""Renewal calls: `cstui renewal set|list|accuracy`, the `R` view, `w` on the account screen."""

import json
from datetime import date

import pytest

from cstui.metrics.bands import Band
from cstui.readmodels.renewals import RenewalRow, accuracy
from cstui.storage.bookfile.connection import connect
from cstui.storage.renewal_calls import Call, calls, set_call
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.renewal_call import RenewalCallScreen
from cstui.tui.screens.renewals import RenewalsScreen
from tests.bookmaker import BookMaker
from tests.conftest import dump
from tests.tui_helpers import cells, press, settle

DAY = date(2026, 11, 24)


@pytest.fixture
def past_book(book, book_path):
    """Four calls on renewals before DAY, one on a renewal after it (hand-computed in the tests)."""
    db = book  # created by the conftest fixture (only init, demo and import create books)
    make = BookMaker(db)
    for key, renewal, churn, mrr, call, arr in (
        ("r1", "2026-10-01", None, 1000, "commit", "12000"),  # renewed: right
        ("r2", "2026-10-15", "2026-10-15", 800, "at risk", None),  # gone the day after: right
        ("r3", "2026-11-01", "2026-11-01", 500, "probable", "6000"),  # gone: wrong
        ("r4", "2026-09-01", None, 500, "lost", None),  # still here: wrong
        ("r5", "2026-12-20", None, 300, "commit", "3600"),  # not passed yet: not scored
    ):
        a = make.account(key, "2025-01-01", churn=churn, renewal=renewal)
        make.mrr(a, "2025-01-01", mrr)
        set_call(db, key, call, arr, f"because {key}", today=date(2026, 8, 1))
    db.conn.close()
    return book_path


def test_accuracy_against_hand_computed_values(past_book):
    db = connect(past_book)
    result = accuracy(db.conn, DAY)
    assert [(s.key, s.renewed, s.right, s.actual_arr) for s in result.scored] == [
        ("r4", True, False, 6000.0),
        ("r1", True, True, 12000.0),
        ("r2", False, True, 0.0),
        ("r3", False, False, 0.0),
    ]
    assert (result.right, result.hit_rate) == (2, 50.0)
    assert (result.expected_arr, result.actual_arr) == (18000.0, 12000.0)  # r1 + r3 gave an expected ARR
    assert result.by_call == {"commit": (1, 1), "probable": (0, 1), "at_risk": (0, 1), "lost": (1, 1)}


def test_accuracy_cli(cli, past_book):
    out = cli("renewal", "accuracy", "--as-of", "2026-11-24", "--db", str(past_book)).out.splitlines()
    assert out[0] == "2 of 4 calls right (50.0%); expected ARR 18,000, actual 12,000"
    assert "  2026-11-01  r3  probable -> did not renew  WRONG" in out
    shown = json.loads(cli("renewal", "accuracy", "--as-of", "2026-11-24", "--json", "--db", str(past_book)).out)
    assert (shown["calls"], shown["right"], shown["hit_rate"]) == (4, 2, 50.0)
    early = cli("renewal", "accuracy", "--as-of", "2026-09-01", "--db", str(past_book)).out
    assert early.strip() == "no call on a renewal that has passed yet"  # r4 renews on 09-01: scored from 09-02


def test_list_groups_by_month_with_arr_and_calls(cli, book, book_path):
    db = book  # created by the conftest fixture (only init, demo and import create books)
    make = BookMaker(db)
    for key, renewal, mrr in (("a", "2026-12-05", 100), ("b", "2026-12-20", 200), ("c", "2027-03-01", 50)):
        make.mrr(make.account(key, "2025-01-01", renewal=renewal), "2025-01-01", mrr)
    make.account("far", "2025-01-01", renewal="2027-12-01")  # beyond 12 months
    set_call(db, "b", "probable", "2000", "budget approved", today=DAY)
    db.conn.close()
    result = cli("renewal", "list", "--as-of", "2026-11-24", "--json", "--db", str(book_path))
    months = json.loads(result.out)["months"]
    summary = [(m["month"], m["arr"], m["expected_arr"], m["uncalled"], len(m["renewals"])) for m in months]
    assert summary == [("2026-12", 3600.0, 2000.0, 1, 2), ("2027-03", 600.0, 0.0, 1, 1)]
    b = months[0]["renewals"][1]
    assert (b["key"], b["call"], b["expected_arr"], b["reason"]) == ("b", "probable", 2000.0, "budget approved")


def test_disagreements():
    def row(call, band):
        return RenewalRow(1, "k", "n", "2026-12-01", 1.0, band, None, call, None, None)

    assert row(Call.COMMIT, Band.RED).disagreement == "commit but red"
    assert row(Call.AT_RISK, Band.GREEN).disagreement == "at risk but green"
    assert row(Call.LOST, Band.GREEN).disagreement == "lost but green"
    assert row(Call.COMMIT, Band.GREEN).disagreement is None
    assert row(Call.AT_RISK, Band.RED).disagreement is None
    assert row(None, Band.RED).disagreement is None


@pytest.fixture
def future_book(book, book_path):
    db = book  # created by the conftest fixture (only init, demo and import create books)
    make = BookMaker(db)
    make.mrr(make.account("acme", "2025-01-01", renewal="2027-01-15", name="Acme"), "2025-01-01", 1000)
    make.account("nodate", "2025-01-01")
    make.account("passed", "2025-01-01", renewal="2026-01-01")
    make.account("churned", "2025-01-01", churn="2026-10-01", renewal="2027-01-01")
    db.conn.close()
    return book_path


def test_set_records_and_replaces_the_call(cli, future_book):
    result = cli(
        "renewal", "set", "acme", "--call", "at-risk", "--expected-arr", "9000", "--reason", "budget cut",
        "--as-of", "2026-11-24", "--db", str(future_book),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert result.out.strip() == "acme renewing 2027-01-15: at risk, expected ARR 9,000"
    cli("renewal", "set", "acme", "--call", "commit", "--as-of", "2026-11-24", "--db", str(future_book))
    db = connect(future_book)
    (made,) = calls(db.conn)
    assert (made.call, made.expected_arr, made.reason) == (Call.COMMIT, None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acme", "--call", "maybe"], "call: 'maybe' is not one of"),
        (["acme", "--call", "commit", "--expected-arr", "lots"], "expected ARR: 'lots' is not an amount"),
        (["acme", "--call", "commit", "--expected-arr", "-5"], "expected ARR"),
        (["nodate", "--call", "commit"], "has no renewal date"),
        (["passed", "--call", "commit"], "has passed"),
        (["ghost", "--call", "commit"], "no such account"),
        (["churned", "--call", "lost"], "churned on 2026-10-01"),
    ],
)
def test_set_bad_input_is_one_line_and_changes_nothing(cli, future_book, args, message):
    before = dump(future_book)
    result = cli("renewal", "set", *args, "--as-of", "2026-11-24", "--db", str(future_book))
    assert result.code == 1 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert dump(future_book) == before


async def test_R_shows_months_and_calls(future_book):
    db = connect(future_book)
    set_call(db, "acme", "commit", "12000", "", today=DAY)
    db.conn.close()
    app = CstuiApp(future_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await press(pilot, "R")
        assert isinstance(app.screen, RenewalsScreen)
        rows = cells(app.screen.query_one("#renewals-table"))
        assert rows[0][:4] == ["2027-01", "1 renewal", "", "12,000"] and rows[0][-1] == ""  # all called
        assert rows[1][:2] == ["2027-01-15", "acme"] and rows[1][5:7] == ["commit", "12,000"]
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, AccountScreen)


async def test_w_on_the_account_screen_records_the_call(future_book):
    app = CstuiApp(future_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        await press(pilot, "w")
        assert isinstance(app.screen, RenewalCallScreen)
        await press(pilot, "r", "tab")
        await pilot.press(*"8000")
        await press(pilot, "tab")
        await pilot.press(*"budget")
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
    db = connect(future_book)
    (made,) = calls(db.conn)
    assert (made.renewal_date, made.call, made.expected_arr, made.reason) == (
        "2027-01-15",
        Call.AT_RISK,
        8000.0,
        "budget",
    )


def test_the_demo_book_has_renewals_with_and_without_calls(demo):
    from cstui.readmodels.renewals import renewals

    rows = renewals(demo.conn, DAY).rows
    assert sum(1 for r in rows if r.call) == 3 and sum(1 for r in rows if r.call is None) > 50
    assert {r.disagreement for r in rows if r.disagreement} == {"commit but red", "at risk but green"}
