"""A check-in that covers the whole book (issue 25): a month of working days on a generated book
with more accounts at risk than the day's capacity, every item worked each morning (reviews from
the engine and the CLI, calls with follow-ups, playbooks applied with steps already past, snoozes),
the clock moved with --as-of and pinned dates."""

import json
from datetime import date, timedelta
from functools import partial

from cstui.derived.health_cache import current_scores
from cstui.metrics.bands import Band
from cstui.metrics.checkin import CheckinQueue, checkin_queue
from cstui.metrics.checkin_rules import RuleKind
from cstui.metrics.coverage import working_days
from cstui.storage import checkin_writes
from cstui.storage.playbooks import apply_playbook
from tests.bookmaker import BookMaker

START = date(2026, 3, 2)  # a Monday
WORKING_DAYS = 22
RED_BOUND, RISK_BOUND = 5, 15  # the defaults of migration 0024


def working(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def generated_book(db) -> list[int]:
    """6 small red accounts, 40 large and 30 small ones with an overdue invoice: 76 at risk, capacity 12."""
    make = BookMaker(db)
    accounts = []

    def account(key: str, arr: float, users: int) -> int:
        a = make.account(key, "2024-01-01", renewal="2027-01-15")
        db.execute("UPDATE accounts SET seats = 20 WHERE id = ?", [a])
        make.mrr(a, "2024-01-01", arr / 12)
        accounts.append((a, users))
        return a

    for i in range(6):
        a = account(f"RED-{i:02d}", 2400, 0)
        for k in range(3):
            make.survey(a, "nps", 0, (START - timedelta(days=3 + 10 * k)).isoformat())
        make.invoice(a, f"R{i}", "2026-01-01", "2026-01-31", 500)
        make.ticket(a, "2026-02-10", severity="urgent")
    for i in range(40):
        a = account(f"BIG-{i:02d}", 60000 + 1500 * i, 12)
        make.invoice(a, f"B{i}", "2026-01-01", "2026-02-10", 900)
        make.note(a, (START - timedelta(days=5)).isoformat())
    for i in range(30):
        a = account(f"LOW-{i:02d}", 1200 + 40 * i, 12)
        make.invoice(a, f"L{i}", "2026-01-01", "2026-02-10", 100)
        make.note(a, (START - timedelta(days=5)).isoformat())
    usage(db, [a for a, _ in accounts], dict(accounts), START - timedelta(days=90), START)
    return [a for a, _ in accounts]


def usage(db, accounts: list[int], users: dict[int, int], start: date, end: date) -> None:
    """Daily usage rows from `start` up to `end` (excluded): the morning's import."""
    rows = []
    day = start
    while day < end:
        rows += [(a, day.isoformat(), users[a], users[a] * 30.0) for a in accounts]
        day += timedelta(days=1)
    with db.conn:
        db.conn.executemany(
            "INSERT INTO usage_daily (account_id, day, active_users, minutes) VALUES (?, ?, ?, ?)", rows
        )


def at_risk(item) -> bool:
    return any(r.kind is RuleKind.RISK for r in item.reasons)


def test_a_month_of_mornings_covers_every_account_at_risk(book_path, book, cli):
    accounts = generated_book(book)
    users = {a: (0 if key.startswith("RED") else 12) for a, key in book.execute("SELECT id, key FROM accounts")}
    days = working(START, WORKING_DAYS)
    shown: dict[int, list[date]] = {}
    bands: dict[tuple[int, date], Band] = {}
    follow_ups_set: dict[date, set[int]] = {}
    previous: CheckinQueue | None = None
    onboarded: set[int] = set()
    last_import = START
    for n, day in enumerate(days):
        usage(book, accounts, users, last_import, day)  # the morning's usage import
        last_import = day
        queue = checkin_queue(book.conn, day, partial(current_scores, book.conn))
        listed = queue.items + queue.waiting
        assert len(queue.items) == 12 and queue.waiting_count > 0  # more at risk than capacity, every day
        assert all(r.rule != "follow_up_due" for item in listed for r in item.reasons)
        for item in listed:
            bands[item.account_id, day] = item.band
        # the coverage bound: nobody at risk is left waiting once its wait reaches its bound
        for item in queue.waiting:
            if at_risk(item):
                bound = RED_BOUND if item.band is Band.RED else RISK_BOUND
                last = shown.get(item.account_id, [START])[-1]
                assert working_days(last, day) < bound, (item.key, day, last)
        for item in queue.items:
            shown.setdefault(item.account_id, []).append(day)
        # no account is back the next working day without a new or worse reason: the follow-ups and
        # playbook steps set yesterday (due today) are reminders, never a reason
        if previous is not None:
            yesterday = {i.account_id for i in previous.items}
            for item in queue.items:
                if item.account_id in yesterday:
                    assert any(r.new for r in item.reasons), (item.key, day)
            reminded = follow_ups_set[days[n - 1]]
            assert reminded and reminded <= {t.account_id for t in queue.due_today}
        # the oldest waiting is told
        assert queue.oldest_wait == max(working_days(shown.get(i.account_id, [START])[-1], day) for i in queue.waiting)
        # work the morning: the CLI for a few, the engine for the rest (the same writes as the screen)
        follow_ups_set[day] = set()
        for k, item in enumerate(queue.items):
            key, next_day = item.key, days[n + 1] if n + 1 < len(days) else day + timedelta(days=3)
            if k == 0:
                result = cli("checkin", "review", key, "--as-of", day.isoformat(), "--db", str(book_path))
                assert result.code == 0, result.err
            elif k == 1:  # a call with a follow-up due the next working day: marks it worked
                result = cli(
                    "note", "add", "--account", key, "--summary", "Weekly call", "--follow-up", next_day.isoformat(),
                    "--as-of", day.isoformat(), "--date", day.isoformat(), "--db", str(book_path),
                )  # fmt: skip
                assert result.code == 0 and "reviewed in today's check-in" in result.out, result.err
                follow_ups_set[day].add(item.account_id)
            elif k == 2 and n % 3 == 0 and item.band is not Band.RED:
                result = cli(
                    "checkin", "snooze", key, "--days", "3", "--as-of", day.isoformat(), "--db", str(book_path)
                )
                assert result.code == 0, result.err
            else:
                if (
                    k == 3 and item.account_id not in onboarded
                ):  # every step of onboarding is past: all due today, none a reason tomorrow
                    run = apply_playbook(book, key, "onboarding", today=day)
                    due = checkin_queue(book.conn, day, partial(current_scores, book.conn)).due_today
                    mine = [t for t in due if t.account_id == item.account_id and t.playbook == "onboarding"]
                    assert len(mine) == run.tasks == 6 and {t.due_on for t in mine} == {day.isoformat()}
                    follow_ups_set[day].add(item.account_id)
                    onboarded.add(item.account_id)
                checkin_writes.mark_reviewed(book, item.account_id, day.isoformat(), item.fingerprint)
        previous = queue
    # every red account was shown at least once in every five working days
    red = {a for (a, day), band in bands.items() if band is Band.RED}
    assert red
    for account in red:
        for n, day in enumerate(days[4:], 4):
            if bands.get((account, day)) is Band.RED:
                window = set(days[n - 4 : n + 1])
                assert window & set(shown.get(account, [])), (account, day)
    # every account at risk was shown within its bound: the longest gap
    for seen in shown.values():
        gaps = [working_days(a, b) for a, b in zip([START, *seen], seen)]
        assert max(gaps) <= RISK_BOUND
    assert len(shown) == len(accounts)  # the whole book was seen, not only the high ARR


def test_review_snooze_and_undo_from_the_shell_store_what_the_screen_stores(book_path, book, cli):
    generated_book(book)
    day = START
    queue = checkin_queue(book.conn, day, partial(current_scores, book.conn))
    first, second = queue.items[0], queue.items[1]
    result = cli("checkin", "review", first.key.lower(), "--as-of", day.isoformat(), "--json", "--db", str(book_path))
    assert result.code == 0, result.err
    written = json.loads(result.out)
    assert written["fingerprint"] == first.fingerprint and written["action"] == "reviewed"
    stored = book.execute(
        "SELECT day, action, snoozed_until, fingerprint FROM checkin_state WHERE account_id = ?", [first.account_id]
    ).fetchall()
    assert stored == [(day.isoformat(), "reviewed", None, first.fingerprint)]  # as the screen's `r` stores it

    result = cli("checkin", "snooze", second.key, "--until", "2026-03-09", "--as-of", day.isoformat(), "--db",
                 str(book_path))  # fmt: skip
    assert result.code == 0 and "snoozed until 2026-03-09" in result.out
    stored = book.execute(
        "SELECT action, snoozed_until, fingerprint FROM checkin_state WHERE account_id = ?", [second.account_id]
    ).fetchall()
    assert stored == [("snoozed", "2026-03-09", second.fingerprint)]
    after = checkin_queue(book.conn, day, partial(current_scores, book.conn))
    assert {i.account_id for i in after.done} == {first.account_id, second.account_id}

    undone = cli("checkin", "undo", "--db", str(book_path))
    assert undone.code == 0 and "snoozed" in undone.out
    assert (
        book.execute("SELECT count(*) FROM checkin_state WHERE account_id = ?", [second.account_id]).fetchone()[0] == 0
    )
    assert cli("checkin", "undo", "--db", str(book_path)).code == 0
    assert book.execute("SELECT count(*) FROM checkin_state").fetchone()[0] == 0
    nothing = cli("checkin", "undo", "--db", str(book_path))
    assert nothing.code == 1 and nothing.err.startswith("cstui: nothing to undo")


def test_shell_mistakes_are_one_line(book_path, book, cli):
    generated_book(book)
    day = START.isoformat()
    both = cli("checkin", "snooze", "BIG-39", "--days", "2", "--until", "2026-03-09", "--as-of", day, "--db",
               str(book_path))  # fmt: skip
    assert both.code == 1 and both.err.startswith("cstui: snooze: give --until D or --days N")
    past = cli("checkin", "snooze", "BIG-39", "--until", "2026-03-01", "--as-of", day, "--db", str(book_path))
    assert past.code == 1 and "is not after today" in past.err
    unknown = cli("checkin", "review", "NOPE", "--as-of", day, "--db", str(book_path))
    assert unknown.code == 1 and len(unknown.err.splitlines()) == 1
    assert book.execute("SELECT count(*) FROM checkin_state").fetchone()[0] == 0


def test_a_call_or_survey_logged_on_a_queued_account_marks_it_worked_and_prints_json(book_path, book, cli):
    generated_book(book)
    day = START.isoformat()
    queue = checkin_queue(book.conn, START, partial(current_scores, book.conn))
    item = queue.items[0]
    note = cli("note", "add", "--account", item.key, "--summary", "QBR", "--as-of", day, "--date", day, "--json",
               "--db", str(book_path))  # fmt: skip
    assert note.code == 0, note.err
    assert json.loads(note.out)["summary"] == "QBR"
    fingerprint = book.execute("SELECT fingerprint FROM checkin_state WHERE account_id = ?", [item.account_id])
    assert fingerprint.fetchone()[0] == item.fingerprint
    waiting = queue.waiting[0]
    survey = cli("survey", "add", "--account", waiting.key, "--kind", "nps", "--score", "9", "--as-of", day,
                 "--date", day, "--json", "--db", str(book_path))  # fmt: skip
    assert survey.code == 0, survey.err
    assert json.loads(survey.out)["score"] == 9
    assert book.execute("SELECT action FROM checkin_state WHERE account_id = ?", [waiting.account_id]).fetchone() == (
        "reviewed",
    )
    undone = cli("checkin", "undo", "--db", str(book_path))  # one change: the survey and the review
    assert undone.code == 0
    assert book.execute("SELECT count(*) FROM surveys WHERE score = 9").fetchone()[0] == 0


def test_an_imported_review_holds_like_one_made_here(book_path, book, cli, tmp_path):
    generated_book(book)
    queue = checkin_queue(book.conn, START, partial(current_scores, book.conn))
    item, other = queue.items[0], queue.items[1]
    csv = tmp_path / "checkin_state.csv"
    csv.write_text(f"account_key,day,action\n{item.key},{START.isoformat()},reviewed\n")  # no fingerprint column
    result = cli("import", str(csv), "--db", str(book_path))
    assert result.code == 0, result.err
    stored = book.execute("SELECT fingerprint FROM checkin_state WHERE account_id = ?", [item.account_id])
    assert stored.fetchone()[0] == item.fingerprint  # what the screen's `r` would have stored
    tomorrow = checkin_queue(book.conn, START + timedelta(days=1), partial(current_scores, book.conn))
    assert item.account_id not in {i.account_id for i in tomorrow.items + tomorrow.waiting}

    assert cli("checkin", "review", other.key, "--as-of", START.isoformat(), "--db", str(book_path)).code == 0
    assert cli("export", str(tmp_path / "out"), "--db", str(book_path)).code == 0
    exported = (tmp_path / "out" / "checkin_state.csv").read_text().splitlines()
    assert exported[0] == "account_key,day,action,snoozed_until,fingerprint"
    with book.conn:
        book.execute("DELETE FROM checkin_state")
    assert cli("import", str(tmp_path / "out" / "checkin_state.csv"), "--db", str(book_path)).code == 0
    again = book.execute("SELECT account_id, fingerprint FROM checkin_state ORDER BY account_id").fetchall()
    assert dict(again) == {item.account_id: item.fingerprint, other.account_id: other.fingerprint}


async def test_a_call_or_survey_logged_in_the_tui_on_a_queued_account_marks_it_worked(demo_path, demo):
    from textual.widgets import Input

    from cstui.tui.app import CstuiApp
    from cstui.tui.screens.feedback import FeedbackScreen, open_feedback
    from cstui.tui.screens.survey import SurveyScreen, open_survey
    from tests.conftest import DEMO_DATE
    from tests.tui_helpers import settle

    queue = checkin_queue(demo.conn, DEMO_DATE, partial(current_scores, demo.conn))
    called, surveyed = queue.items[0], queue.waiting[0]
    app = CstuiApp(demo_path, as_of=DEMO_DATE)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        open_feedback(app, called.account_id)  # `f` on the accounts list or an account
        await settle(pilot)
        assert isinstance(app.screen, FeedbackScreen)
        await pilot.press(*"Escalation call")
        await pilot.press("ctrl+s")
        await settle(pilot)
        open_survey(app, surveyed.account_id)  # `n` on an account
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SurveyScreen)
        form.query_one("#survey-score", Input).value = "9"
        await pilot.press("ctrl+s")
        await settle(pilot)
    stored = dict(
        demo.execute(
            "SELECT account_id, fingerprint FROM checkin_state WHERE day = ? AND action = 'reviewed'",
            [DEMO_DATE.isoformat()],
        ).fetchall()
    )
    assert stored == {called.account_id: called.fingerprint, surveyed.account_id: surveyed.fingerprint}
