"""Build the demo book: run the seeded generator in fixtures/ and import its CSV files.

After the import, the demo also gets what a CSM who has used cstui for a while would have:
follow-up tasks born from recent difficult calls, a renewal playbook half done, renewal calls on
some upcoming renewals (two that disagree with the health band), and weekly health snapshots for
the last quarter, so trends and "what changed" mean something on the first day.
"""

import importlib.util
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlite_utils import Database

from cstui.metrics.bands import Band
from cstui.metrics.health import take_snapshot
from cstui.resources import data_dir
from cstui.storage import reads
from cstui.storage.bookfile.connection import write_transaction
from cstui.storage.facts import mark_as_demo
from cstui.storage.imports.importer import import_path

SNAPSHOT_WEEKS = 12


def _generator():
    path = data_dir("fixtures") / "demo_book.py"
    spec = importlib.util.spec_from_file_location("cstui_demo_book", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_demo_csv(out_dir: Path, today: date, seed: int | None = None) -> Path:
    generator = _generator()
    return generator.generate(out_dir, today=today, seed=seed or generator.SEED)


def build_demo_book(book: Database, today: date, inbox: Path | None = None) -> None:
    """Fill `book` with the demo accounts as of `today`, through the ordinary importer, and mark it
    as a demo book (the mark `cstui demo --rebuild` requires before it replaces a book).

    With `inbox`, the demo CSM's calendar and mailbox are written there and ingested too.
    """
    mark_as_demo(book)
    with tempfile.TemporaryDirectory(prefix="cstui-demo-") as tmp:
        import_path(book, write_demo_csv(Path(tmp), today), today=today)
        if inbox is not None:
            from cstui.demo_inbox import ingest_demo_inbox

            ingest_demo_inbox(book, Path(tmp), inbox, today)
    _add_follow_ups(book, today)
    _add_playbook_and_calls(book, today)
    for weeks in range(SNAPSHOT_WEEKS, 0, -1):
        take_snapshot(book, today - timedelta(weeks=weeks))


def _add_follow_ups(book: Database, today: date) -> None:
    """A follow-up due a week after each of the last 3 weeks' difficult calls; the older ones done."""
    since = (today - timedelta(days=21)).isoformat()
    with write_transaction(book):
        book.execute(
            """
            INSERT INTO tasks (account_id, interaction_id, title, due_on, created_on, done_on)
            SELECT account_id, id, 'Follow up: ' || summary, date(occurred_on, '+7 days'), occurred_on,
                   CASE WHEN id % 3 = 0 THEN date(occurred_on, '+5 days') END
            FROM interactions
            WHERE occurred_on >= ? AND occurred_on <= ? AND coalesce(sentiment, text_sentiment) < 0""",
            [since, today.isoformat()],
        )


def _add_playbook_and_calls(book: Database, today: date) -> None:
    """Renewal preparation applied 125 days before the first renewal 61-90 days out (its first two
    steps done on their days, two to come); calls on three renewals within 90 days: commit on the
    first red one, at risk on the first green one, probable (expected ARR = ARR) on the next."""
    from cstui.metrics.health import health_for_accounts
    from cstui.metrics.revenue import renewals_due
    from cstui.storage.playbooks import apply_playbook
    from cstui.storage.renewal_calls import set_call

    keys = reads.account_keys(book.conn)
    due = renewals_due(book.conn, today, 90)
    target = next((r for r in due if r.renewal_date > (today + timedelta(days=60)).isoformat()), None)
    if target is not None:
        started = date.fromisoformat(target.renewal_date) - timedelta(days=125)
        run = apply_playbook(book, keys[target.account_id], "renewal preparation", today=started)
        with write_transaction(book):
            book.execute(
                "UPDATE tasks SET done_on = due_on WHERE playbook_run_id = ? AND due_on <= ?",
                [run.id, today.isoformat()],
            )
    health = health_for_accounts(book.conn, today, accounts=[r.account_id for r in due])
    red = next((r for r in due if health[r.account_id].band is Band.RED), None)
    green = next((r for r in due if health[r.account_id].band is Band.GREEN), None)
    if red is not None:
        set_call(
            book, keys[red.account_id], "commit", f"{red.arr:.0f}", "Sponsor says the budget is signed", today=today
        )
    if green is not None:
        set_call(
            book, keys[green.account_id], "at risk", f"{green.arr / 2:.0f}", "New CFO reviewing every tool", today=today
        )
    other = next((r for r in due if r not in (red, green)), None)
    if other is not None:
        set_call(
            book, keys[other.account_id], "probable", f"{other.arr:.0f}", "Verbal yes, paperwork pending", today=today
        )
