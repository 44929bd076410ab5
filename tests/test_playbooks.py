"""Playbooks: shipped defaults, anchors, applying (CLI and `p` on the account screen), CSV round trip."""

import json
from datetime import date

import pytest

from cstui.storage.bookfile.connection import connect
from cstui.storage.playbooks import ANCHORS, apply_playbook, get_playbook, runs
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.screens.playbook_chooser import PlaybookChooser
from cstui.tui.widgets.playbook_panel import PlaybookPanel
from tests.bookmaker import BookMaker
from tests.conftest import dump
from tests.tui_helpers import press, settle

DAY = date(2026, 11, 24)
DEFAULTS = {
    "onboarding": ("start", [0, 7, 14, 30, 60, 90]),
    "renewal preparation": ("renewal", [-120, -90, -60, -30]),
    "detractor recovery": ("today", [0, 2, 14, 30]),
    "champion left": ("today", [0, 7, 21]),
    "promoter advocacy": ("today", [0, 7, 30]),
    "usage decline": ("today", [0, 3, 7, 30]),
}


@pytest.fixture
def pb_book(book, book_path):
    """acme renews 2027-02-21 (89 days after DAY); new started 2026-11-10; gone churned; none has no renewal."""
    db = book  # created by the conftest fixture (only init, demo and import create books)
    make = BookMaker(db)
    make.account("acme", "2025-01-01", renewal="2027-02-21", name="Acme Corp")
    make.account("new", "2026-11-10", name="New Co")
    make.account("gone", "2024-01-01", churn="2026-06-30")
    make.account("none", "2024-01-01")
    db.conn.close()
    return book_path


def tasks_of(db, run_id):
    return db.execute(
        "SELECT title, due_on, created_on FROM tasks WHERE playbook_run_id = ? ORDER BY id", [run_id]
    ).fetchall()


def test_the_shipped_playbooks_and_their_anchors(book):
    assert set(ANCHORS) == {"today", "renewal", "start"}
    for name, (anchor, offsets) in DEFAULTS.items():
        p = get_playbook(book.conn, name)
        assert (p.anchor, [s.offset_days for s in p.steps]) == (anchor, offsets)


def test_renewal_preparation_counts_back_from_the_renewal_and_past_steps_are_due_today(pb_book):
    db = connect(pb_book)
    run = apply_playbook(db, "acme", "Renewal Preparation", today=DAY)
    # 2027-02-21 -120 = 2026-10-24 (past: due DAY), -90 = 11-23 (past: due DAY), -60 = 12-23, -30 = 2027-01-22
    assert [due for _, due, _ in tasks_of(db, run.id)] == ["2026-11-24", "2026-11-24", "2026-12-23", "2027-01-22"]
    assert (run.anchor_date, run.tasks, run.done, run.running) == ("2027-02-21", 4, 0, True)
    run = apply_playbook(db, "new", "onboarding", today=DAY)  # from 2026-11-10: +0, +7 past; +14 = 11-24
    assert [due for _, due, _ in tasks_of(db, run.id)] == [
        "2026-11-24", "2026-11-24", "2026-11-24", "2026-12-10", "2027-01-09", "2027-02-08"
    ]  # fmt: skip


def test_progress_counts_done_tasks(pb_book):
    db = connect(pb_book)
    run = apply_playbook(db, "acme", "champion left", today=DAY)
    db.execute("UPDATE tasks SET done_on = '2026-11-24' WHERE playbook_run_id = ? AND due_on = '2026-11-24'", [run.id])
    (after,) = runs(db.conn, 1)  # acme is account 1
    assert (after.done, after.tasks, after.next_due, after.next_title) == (
        1, 3, "2026-12-01", "Meet the new champion: goals and history"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--account", "none", "renewal preparation"], "has none"),
        (["--account", "acme", "no such book"], "no such playbook"),
        (["--account", "nobody", "onboarding"], "no such account"),
        (["--account", "gone", "onboarding"], "churned"),
    ],
)
def test_apply_bad_input_is_one_line_and_changes_nothing(cli, pb_book, args, message):
    before = dump(pb_book)
    result = cli("playbook", "apply", *args, "--db", str(pb_book))
    assert result.code == 1 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert dump(pb_book) == before


def test_cli_apply_list_show(cli, pb_book):
    result = cli("playbook", "apply", "--account", "acme", "promoter advocacy", "--json", "--db", str(pb_book))
    assert result.code == 0, result.err
    assert json.loads(result.out)["tasks"] == 3
    listed = cli("playbook", "list", "--db", str(pb_book)).out
    assert "promoter advocacy  (from today, 3 steps, running on 1 accounts)" in listed
    shown = cli("playbook", "show", "renewal preparation", "--db", str(pb_book)).out.splitlines()
    assert shown[0] == "renewal preparation: counts from the account's renewal date"
    assert shown[2:] == [
        "  day -120  Renewal prep: review health, usage and open issues",
        "  day -90  Value review with the sponsor (outcomes against goals)",
        "  day -60  Agree renewal terms and any expansion",
        "  day -30  Confirm paperwork and the signature date",
    ]
    assert cli("playbook", "show", "nope", "--db", str(pb_book)).code == 1


def test_csv_export_edit_import_round_trip(cli, pb_book, tmp_path):
    out = tmp_path / "pb.csv"
    assert cli("playbook", "export", "onboarding", "--out", str(out), "--db", str(pb_book)).code == 0
    text = out.read_text()
    assert text.splitlines()[1] == (
        'onboarding,start,0,"Kickoff call: goals, success criteria, who is who",'
        "The first 90 days: kickoff to first value to a settled routine"
    )
    edited = tmp_path / "edited.csv"
    edited.write_text(
        "playbook,anchor,offset_days,step\nonboarding,start,0,Kickoff\nonboarding,start,45,Mid review\n"
        "QBR,renewal,-180,Book the QBR\n"
    )
    result = cli("playbook", "import", str(edited), "--db", str(pb_book))
    assert result.code == 0, result.err
    db = connect(pb_book)
    assert [(s.offset_days, s.title) for s in get_playbook(db.conn, "onboarding").steps] == [
        (0, "Kickoff"),
        (45, "Mid review"),
    ]
    assert get_playbook(db.conn, "qbr").anchor == "renewal"
    assert len(get_playbook(db.conn, "champion left").steps) == 3  # not in the file: untouched
    assert cli("playbook", "export", "--out", str(out), "--db", str(pb_book)).code == 1  # never overwrites


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        ("playbook,anchor,step\nx,today,Do\n", "missing column(s) offset_days"),
        ("playbook,anchor,offset_days,step\nx,tomorrow,0,Do\n", "line 2, anchor: 'tomorrow'"),
        ("playbook,anchor,offset_days,step\nx,today,0,Do\nx,today,soon,Do\n", "line 3, offset_days: 'soon'"),
        ("playbook,anchor,offset_days,step\nx,today,0,\n", "line 2, step: cannot be empty"),
        ("playbook,anchor,offset_days,step\nx,today,0,Do\nx,start,1,Do\n", "line 3, anchor: playbook 'x'"),
        ("playbook,anchor,offset_days,step\n", "no playbook rows"),
    ],
)
def test_import_bad_csv_is_one_line_and_changes_nothing(cli, pb_book, tmp_path, csv_text, message):
    path = tmp_path / "bad.csv"
    path.write_text(csv_text)
    before = dump(pb_book)
    result = cli("playbook", "import", str(path), "--db", str(pb_book))
    assert result.code == 1 and message in result.err and len(result.err.strip().splitlines()) == 1
    assert dump(pb_book) == before


def test_a_playbook_running_on_the_account_is_not_applied_twice(cli, pb_book):
    args = ("playbook", "apply", "--account", "acme", "champion left", "--db", str(pb_book))
    assert cli(*args).code == 0
    before = dump(pb_book)
    result = cli(*args)
    assert result.code == 1 and "already running on acme" in result.err and "(0/3 done)" in result.err
    assert dump(pb_book) == before
    db = connect(pb_book)
    db.execute("UPDATE tasks SET done_on = created_on")
    db.conn.commit()
    db.conn.close()
    assert cli(*args).code == 0  # finished: it may run again


def test_applying_is_one_undoable_change(cli, pb_book):
    assert cli("playbook", "apply", "--account", "acme", "usage decline", "--db", str(pb_book)).code == 0
    assert cli("undo", "--db", str(pb_book)).code == 0
    db = connect(pb_book)
    assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM playbook_runs").fetchone()[0] == 0
    db.conn.close()


async def test_p_on_the_account_screen_applies_the_suggested_playbook_and_shows_progress(pb_book):
    app = CstuiApp(pb_book, as_of=DAY, snapshot_on_open=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        app.push_screen(AccountScreen(1))
        await settle(pilot)
        assert "none running" in str(app.screen.query_one(PlaybookPanel).render())
        await press(pilot, "p")
        assert isinstance(app.screen, PlaybookChooser)
        first = app.screen.options.playbooks[0]
        assert (first.name, app.screen.options.suggested) == ("renewal preparation", "renewal preparation")
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, AccountScreen)
        db = connect(pb_book)
        (run,) = runs(db.conn, 1)
        assert [due for _, due, created in tasks_of(db, run.id)] == [
            "2026-11-24",
            "2026-11-24",
            "2026-12-23",
            "2027-01-22",
        ]
        db.execute("UPDATE tasks SET done_on = '2026-11-24' WHERE due_on = '2026-11-24'")
        db.conn.commit()
        db.conn.close()
        app.book_changed()
        await settle(pilot)
        panel = str(app.screen.query_one(PlaybookPanel).render())
        assert "renewal preparation" in panel and "2/4" in panel and "next 2026-12-23" in panel


def test_the_demo_book_has_a_playbook_half_done(demo):
    (run,) = runs(demo.conn)
    assert (run.playbook, run.tasks, run.done, run.running) == ("renewal preparation", 4, 2, True)
    assert run.next_due is not None and run.next_due > DAY.isoformat()


def test_the_chooser_puts_a_rule_s_or_the_account_s_suggestion_first_unless_it_runs(pb_book):
    from cstui.readmodels.playbooks import choice

    db = connect(pb_book)
    assert choice(db.conn, 1, DAY).suggested == "renewal preparation"  # acme renews in 89 days
    assert choice(db.conn, 2, DAY).suggested == "onboarding"  # new started 14 days ago
    assert choice(db.conn, 4, DAY).suggested is None
    ruled = choice(db.conn, 4, DAY, suggested="Usage Decline")
    assert (ruled.suggested, ruled.playbooks[0].name) == ("usage decline", "usage decline")
    apply_playbook(db, "acme", "renewal preparation", today=DAY)
    again = choice(db.conn, 1, DAY)
    assert again.suggested is None and again.running["renewal preparation"].tasks == 4
