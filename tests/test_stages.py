"""Lifecycle stages (issue 29): set by hand, days in stage, stuck in the check-in, the stage rules,
undo, the CSM's own list through CSV, and the accounts list's stage column and filter."""

import pytest

from tests.bookmaker import BookMaker


@pytest.fixture
def run(book, book_path, cli):
    make = BookMaker(book)
    for key in ("A", "B"):
        make.mrr(make.account(key, "2026-01-01", renewal="2027-01-01"), "2026-01-01", 100)
    make.account("C", "2025-01-01", churn="2026-02-15")
    return lambda *args: cli("--db", str(book_path), *args)


def test_a_stage_over_its_expected_length_is_stuck_and_shows_in_the_checkin(run):
    assert run("stage", "set", "A", "Onboarding", "--as-of", "2026-03-01").code == 0
    # onboarding is expected to last 90 days: day 90 (May 30) is within, day 91 (May 31) is over.
    assert "90 days of 90 expected" in run("stage", "show", "A", "--as-of", "2026-05-30").out
    assert "stuck in stage" not in run("checkin", "--as-of", "2026-05-30").out
    shown = run("stage", "show", "A", "--as-of", "2026-05-31")
    assert "A: onboarding, 91 days of 90 expected (since 2026-03-01)  STUCK" in shown.out
    checkin = run("checkin", "--as-of", "2026-05-31")
    assert "stuck in stage onboarding: 91 days since 2026-03-01 (expected 90)" in checkin.out
    assert run("stage", "set", "A", "adoption", "--as-of", "2026-05-31").code == 0
    assert "stuck in stage" not in run("checkin", "--as-of", "2026-05-31").out
    assert run("undo").code == 0
    assert "STUCK" in run("stage", "show", "A", "--as-of", "2026-05-31").out


def test_stage_list_counts_accounts_by_stage(run):
    run("stage", "set", "A", "at risk", "--as-of", "2026-03-01")
    run("stage", "set", "B", "at-risk", "--as-of", "2026-05-01")
    listed = run("stage", "list", "--as-of", "2026-05-15").out.splitlines()
    at_risk = next(line for line in listed if line.startswith("at risk"))
    assert at_risk.split()[2:6] == ["2", "accounts", "1", "stuck"]  # A: 75 days of 60
    assert next(line for line in listed if line.startswith("no stage")).split()[2] == "1"  # C


def test_stage_rules_move_churned_accounts_and_finished_onboardings(run, book):
    run("stage", "set", "B", "onboarding", "--as-of", "2026-01-05")
    assert run("--as-of", "2026-01-05", "playbook", "apply", "onboarding", "--account", "B").code == 0
    for (task,) in book.execute("SELECT id FROM tasks").fetchall():
        assert run("--as-of", "2026-04-10", "task", "done", str(task)).code == 0
    applied = run("stage", "apply", "--as-of", "2026-04-20")
    assert "B: -> adoption from 2026-04-10 (onboarding_done)" in applied.out
    assert "C: -> churned from 2026-02-15 (churned)" in applied.out
    assert "2 accounts moved" in applied.out
    assert "0 accounts moved" in run("stage", "apply", "--as-of", "2026-04-20").out  # nothing left to move


def test_stage_mistakes_are_one_line(run, book):
    before = book.execute("SELECT count(*) FROM changes").fetchone()[0]
    refused = run("stage", "set", "A", "happy")
    assert refused.code == 1 and "stage: 'happy' is not one of onboarding, adoption" in refused.err
    assert run("stage", "set", "Z", "value").code == 1
    assert book.execute("SELECT count(*) FROM changes").fetchone()[0] == before


def test_the_csms_own_stage_list_comes_in_as_csv(run, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lifecycle_stages.csv").write_text("name,position,expected_days\npilot,0,30\n")
    assert run("import", str(tmp_path / "in")).code == 0
    assert run("stage", "set", "A", "Pilot", "--as-of", "2026-03-01").code == 0
    assert "STUCK" in run("stage", "show", "A", "--as-of", "2026-04-01").out


def test_accounts_list_rows_carry_the_stage_and_the_filter_finds_it(run, book):
    from datetime import date

    from cstui.readmodels.views import account_rows
    from cstui.tui.widgets.account_columns import COLUMNS, RowFilter, RowOrder

    run("stage", "set", "A", "renewal", "--as-of", "2026-03-01")
    rows = account_rows(book.conn, date(2026, 3, 10))
    assert {r.key: r.stage for r in rows} == {"A": "renewal", "B": "", "C": ""}
    stage = [c.label for c in COLUMNS].index("Stage")
    assert COLUMNS[stage].render(next(r for r in rows if r.key == "A")).plain == "renewal"
    shown = RowOrder(rows).shown(0, False, RowFilter(needle="renew"))
    assert [r.key for r in shown] == ["A"]


async def test_dashboard_counts_accounts_by_stage(run, book, book_path):
    from datetime import date

    from cstui.readmodels.views import dashboard
    from cstui.tui.app import CstuiApp
    from tests.tui_helpers import settle

    run("stage", "set", "A", "onboarding", "--as-of", "2026-01-02")
    run("stage", "set", "B", "onboarding", "--as-of", "2026-05-01")
    counts = {c.stage: (c.accounts, c.stuck) for c in dashboard(book.conn, date(2026, 5, 10)).stages}
    assert counts["onboarding"] == (2, 1) and counts["adoption"] == (0, 0)
    assert counts["no stage"] == (0, 0)  # C churned: not among the active accounts
    app = CstuiApp(book_path, as_of=date(2026, 5, 10), snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert "Stages onboarding 2 (1 stuck)" in str(app.screen.query_one("#health-dist").render())
