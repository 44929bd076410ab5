"""`cstui checkin`: the day's queue for scripts, the same as the screen's."""

import json
from functools import partial

from cstui.derived.health_cache import current_scores
from cstui.metrics.checkin import checkin_queue
from tests.bookmaker import BookMaker
from tests.conftest import DEMO_DATE


def test_the_queue_as_text_and_json_matches_the_engine(demo_path, demo, cli):
    queue = checkin_queue(demo.conn, DEMO_DATE, partial(current_scores, demo.conn))
    text = cli("checkin", "--as-of", DEMO_DATE.isoformat(), "--db", str(demo_path))
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert lines[0] == f"Check-in {DEMO_DATE.isoformat()}: 12 to do (capacity 12)"
    first = queue.items[0]
    assert lines[1].startswith(f"  1. {first.key}  {first.name}  {first.band}  ARR {first.arr:,.0f}")
    assert lines[2] == f"     {first.reasons[0].kind:<11}  {first.reasons[0].text}  -> {first.reasons[0].action}"
    assert lines[-2] == f"{len(queue.waiting)} more waiting, the oldest for 0 working days (--all lists them)"
    assert lines[-1].startswith("Week of 2026-11-23: 0 of ")  # a book with no review yet: nothing seen

    result = cli("checkin", "--as-of", DEMO_DATE.isoformat(), "--json", "--db", str(demo_path))
    data = json.loads(result.out)
    assert [row["rank"] for row in data["queue"]] == list(range(1, 13))
    assert [row["account"] for row in data["queue"]] == [item.key for item in queue.items]
    assert data["waiting"] == len(queue.waiting) and data["capacity"] == 12
    kinds = {reason["kind"] for row in data["queue"] for reason in row["reasons"]}
    assert kinds == {"risk", "opportunity"}
    everyone = json.loads(
        cli("checkin", "--as-of", DEMO_DATE.isoformat(), "--json", "--all", "--db", str(demo_path)).out
    )
    assert len(everyone["queue"]) == 12 + len(queue.waiting)


def test_book_text_is_printed_as_text(book_path, book, cli):
    BookMaker(book).account("K\x1b[2J", "2024-01-01", name="[b]Bold[/b]")
    result = cli("checkin", "--as-of", "2026-06-15", "--db", str(book_path))
    assert result.code == 0, result.err
    assert "\x1b" not in result.out and "  1. K\\x1b[2J  [b]Bold[/b]  " in result.out


def test_mistakes_are_one_line(tmp_path, cli, demo_path):
    missing = cli("checkin", "--db", str(tmp_path / "none.db"))
    assert missing.code == 1 and missing.err.startswith("cstui: ") and len(missing.err.splitlines()) == 1
    assert not (tmp_path / "none.db").exists()
    bad = cli("checkin", "--as-of", "24/11/2026", "--db", str(demo_path))
    assert bad.code == 1 and bad.err.startswith("cstui: --as-of: ")
