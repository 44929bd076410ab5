"""Success plans and goals (issue 29): progress computed on paper, the CLI, check-in, undo, export/import."""

import json
from datetime import date, timedelta

import pytest

from tests.bookmaker import BookMaker


def _days(start: str, end: str):
    day, last = date.fromisoformat(start), date.fromisoformat(end)
    while day <= last:
        yield day.isoformat()
        day += timedelta(days=1)


@pytest.fixture
def small(book, book_path, cli):
    """Account A: daily active users 10 (Feb 23 - Mar 1), 14 (Mar 2 - 16), 20 (Mar 17 - 31)."""
    make = BookMaker(book)
    a = make.account("A", "2026-01-01", renewal="2027-01-01")
    make.mrr(a, "2026-01-01", 1000)
    for day in _days("2026-02-23", "2026-03-31"):
        make.usage(a, day, 10 if day <= "2026-03-01" else 14 if day <= "2026-03-16" else 20, 60)
    run = lambda *args: cli("--db", str(book_path), *args)  # noqa: E731
    assert (
        run("plan", "add", "A", "--objective", "Every team live", "--owner", "Dana", "--agreed-on", "2026-03-01").code
        == 0
    )
    # Goal 1: users >= 20; 2: >= 25; 3: >= 16; 4: a milestone due Mar 20.
    for title, target in (("twenty", "20"), ("twenty-five", "25"), ("sixteen", "16")):
        added = run(
            "plan",
            "goal",
            "add",
            "A",
            title,
            "--figure",
            "weekly_active_users",
            "--target",
            target,
            "--start",
            "2026-03-01",
            "--due",
            "2026-03-31",
        )
        assert added.code == 0, added.err
    assert run("plan", "goal", "add", "A", "kickoff", "--due", "2026-03-20", "--as-of", "2026-03-01").code == 0
    return run


def _status(run, day: str) -> dict[str, tuple[str, float | None]]:
    shown = run("plan", "show", "A", "--json", "--as-of", day)
    assert shown.code == 0, shown.err
    return {g["title"]: (g["status"], g["progress"]) for g in json.loads(shown.out)["goals"]}


def test_goal_progress_on_track_and_behind_mid_way(small):
    # Mar 16: value 14 (Mar 10-16), baseline 10 (Feb 23 - Mar 1), time gone 15/30 = 50%.
    s = _status(small, "2026-03-16")
    assert s["twenty"] == ("behind", pytest.approx(40.0))  # (14-10)/(20-10)
    assert s["twenty-five"] == ("behind", pytest.approx(100 * 4 / 15))
    assert s["sixteen"] == ("on track", pytest.approx(100 * 4 / 6))
    assert s["kickoff"] == ("on track", 0.0)


def test_goal_met_and_missed_on_the_due_date(small):
    assert _status(small, "2026-03-30")["twenty-five"][0] == "behind"  # 20 by Mar 30: (20-10)/15 < 29/30
    s = _status(small, "2026-03-31")  # value 20 (Mar 25-31)
    assert s["twenty"] == ("met", 100.0)
    assert s["twenty-five"][0] == "missed"
    assert _status(small, "2026-04-20")["twenty-five"][0] == "missed"  # judged at the due date, stays so
    assert s["kickoff"][0] == "missed"  # a milestone not ticked by its due date


def test_milestone_ticked_is_met_from_that_day_and_undo_takes_it_back(small, book):
    goal = book.execute("SELECT id FROM plan_goals WHERE title = 'kickoff'").fetchone()[0]
    assert small("plan", "goal", "done", str(goal), "--as-of", "2026-03-18").code == 0
    assert _status(small, "2026-03-17")["kickoff"][0] == "on track"
    assert _status(small, "2026-03-25")["kickoff"][0] == "met"
    assert small("undo").code == 0
    assert _status(small, "2026-03-25")["kickoff"][0] == "missed"


def test_checkin_names_behind_goals_and_celebrates_met_ones(small):
    behind = small("checkin", "--as-of", "2026-03-16")
    assert "goal 'twenty' behind (due 2026-03-31)" in behind.out
    assert "goal met" not in behind.out
    met = small("checkin", "--as-of", "2026-03-31")
    assert "goal met: 'twenty' - celebrate" in met.out
    assert "goal 'twenty-five' missed on 2026-03-31" in met.out


def test_plan_show_text_and_edit_done(small):
    shown = small("plan", "show", "A", "--as-of", "2026-03-16")
    assert "A: Every team live" in shown.out and "owner Dana" in shown.out
    assert small("plan", "edit", "A", "--owner", "Sam").code == 0
    assert "owner Sam" in small("plan", "show", "A", "--as-of", "2026-03-16").out
    assert small("plan", "done", "A", "--as-of", "2026-03-20").code == 0
    assert "goal" not in small("checkin", "--as-of", "2026-03-31").out  # a done plan's goals rest


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("plan", "goal", "add", "A", "x", "--figure", "happiness", "--target", "3", "--due", "2026-04-01"),
            "--figure: 'happiness' is not a figure",
        ),
        (
            ("plan", "goal", "add", "A", "x", "--figure", "nps", "--target", "lots", "--due", "2026-04-01"),
            "--target: 'lots' is not a number",
        ),
        (
            ("plan", "goal", "add", "A", "x", "--figure", "feature_adoption", "--target", "3", "--due", "2026-04-01"),
            "needs --subject",
        ),
        (
            ("plan", "goal", "add", "A", "x", "--figure", "nps", "--due", "2026-04-01"),
            "needs both --figure and --target",
        ),
        (
            (
                "plan",
                "goal",
                "add",
                "A",
                "x",
                "--figure",
                "feature_adoption",
                "--subject",
                "reports",
                "--target",
                "3",
                "--due",
                "2026-04-01",
            ),
            "--subject: 'reports' is not a feature of the book (none yet)",
        ),
        (("plan", "goal", "add", "A", "x", "--due", "2026-02-01", "--start", "2026-03-01"), "is before its start"),
        (("plan", "add", "A", "--objective", "again"), "already has a success plan"),
        (("plan", "goal", "done", "999"), "goal 999: no such goal"),
        (("plan", "goal", "done", "1"), "is measured"),
    ],
)
def test_plan_mistakes_are_one_line_and_change_nothing(small, book, args, message):
    before = book.execute("SELECT count(*) FROM changes").fetchone()[0]
    result = small(*args)
    assert result.code == 1
    assert message in result.err and result.err.startswith("cstui: ") and "Traceback" not in result.err
    assert book.execute("SELECT count(*) FROM changes").fetchone()[0] == before


def test_an_account_without_a_plan_says_so(small, book):
    BookMaker(book).account("B", "2026-01-01")
    assert "B: no success plan" in small("plan", "show", "B").out
    refused = small("plan", "goal", "add", "B", "x", "--due", "2026-04-01")
    assert refused.code == 1 and "account B: has no success plan" in refused.err


def test_export_import_keeps_plan_and_goals(small, tmp_path, cli):
    assert small("export", str(tmp_path / "out")).code == 0
    again = tmp_path / "again.db"
    assert cli("--db", str(again), "import", str(tmp_path / "out")).code == 0
    assert cli("--db", str(again), "import", str(tmp_path / "out")).code == 0  # twice: no copies
    shown = cli("--db", str(again), "plan", "show", "A", "--json", "--as-of", "2026-03-16")
    goals = json.loads(shown.out)["goals"]
    assert [g["title"] for g in goals] == ["kickoff", "twenty", "twenty-five", "sixteen"]
    assert json.loads(shown.out)["plan"]["owner"] == "Dana"


def test_an_imported_goal_with_an_unknown_figure_is_shown_but_never_raised(small, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plan_goals.csv").write_text(
        "account_key,title,figure,subject,target,start_on,due_on,done_on\nA,mystery,happiness,,3,2026-03-01,2026-03-31,\n"
    )
    assert small("import", str(tmp_path / "in")).code == 0
    assert _status(small, "2026-03-16")["mystery"] == ("behind", None)
    assert "mystery" not in small("checkin", "--as-of", "2026-03-16").out
