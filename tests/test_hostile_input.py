"""Hostile input: fuzzed CSV files, byte-flipped books, markup and escapes in book text."""

import asyncio
import random
import shutil
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstui.safe_text import visible
from cstui.tui.app import CstuiApp
from cstui.tui.screens.account import AccountScreen
from cstui.tui.widgets.account_table import AccountTable
from tests.bookmaker import BookMaker, new_book
from tests.conftest import DEMO_DATE, dump
from tests.tui_helpers import cells, press, record_notifications, settle

HEADERS = {
    "accounts.csv": ["key", "name", "start_date", "segment", "seats"],
    "surveys.csv": ["account_key", "kind", "score", "responded_on", "comment"],
    "usage_daily.csv": ["account_key", "day", "active_users", "minutes"],
}
nasty_cells = st.one_of(
    st.sampled_from(
        [
            "A1",
            "nps",
            "csat",
            "2025-02-30",
            "2025-01-01",
            "9",
            "-1",
            "1e309",
            "99999999999999999999999",
            "NaN",
            "'; DROP TABLE accounts; --",
            "=cmd|' /C calc'!A0",
            "\x00",
            "",
            " ",
            "\ufeff",
        ]
    ),
    st.text(max_size=20),
    st.just("x" * 1_000_000),
)
raw_bytes = st.sampled_from([b"", b"\xff\xfe", b"\xc3(", b"\x00", b"\xef\xbb\xbf"])


@st.composite
def csv_files(draw):
    name = draw(st.sampled_from(sorted(HEADERS)))
    header = list(HEADERS[name])
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(['"x"); DROP TABLE surveys; --', "score", "", "key"])))
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        width = len(header) + draw(st.integers(-1, 1))  # ragged rows
        rows.append([draw(nasty_cells) for _ in range(max(width, 0))])
    text = "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in [header, *rows])
    prefix = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return name, prefix + text.encode("utf-8", "surrogatepass") + draw(raw_bytes)


@pytest.fixture(scope="module")
def base_book(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "base.db"
    make = BookMaker(new_book(path))
    make.account("A1", "2024-01-01")
    make.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    make.conn.close()
    return path


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(csv_files())
def test_fuzzed_csv_is_imported_whole_or_rejected_with_the_book_unchanged(base_book, tmp_path_factory, cli, case):
    """Pass line: 80 fuzzed files (BOM, NUL, bad UTF-8, 1 MB cells, SQL headers, huge numbers, bad dates,
    ragged rows): each fully imported or rejected with file:line messages; the book unchanged; no traceback."""
    name, content = case
    work = tmp_path_factory.mktemp("case")
    book = work / "book.db"
    shutil.copyfile(base_book, book)
    (work / name).write_bytes(content)
    before = dump(book)
    result = cli("import", str(work / name), "--db", str(book))
    assert result.code in (0, 1)
    assert "Traceback" not in result.err
    if result.code == 1:
        assert result.err.startswith("cstui: ")
        assert dump(book) == before
        assert "import rejected" in result.err or name in result.err
    else:
        assert result.out.strip()


def test_byte_flipped_books_are_detected_or_pass_integrity_check(tmp_path, cli):
    """Pass line: 60 copies of a book with 1-20 random bytes flipped; `cstui doctor` on each either
    reports a problem in plain words (exit 1) or finds it sound (exit 0 and integrity_check ok)."""
    source = tmp_path / "source.db"
    make = BookMaker(new_book(source))
    for i in range(40):
        a = make.account(f"K{i}", "2024-01-01", name=f"Account {i}")
        make.survey(a, "nps", i % 11, "2026-01-01", comment="fine " * 20)
    make.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    make.conn.close()
    data = source.read_bytes()
    rng = random.Random(3)
    detected = sound = 0
    for n in range(60):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        copy = tmp_path / f"flip{n}.db"
        copy.write_bytes(bytes(flipped))
        copy.chmod(0o600)
        result = cli("doctor", "--db", str(copy))
        assert "Traceback" not in result.err + result.out
        if result.code == 0:
            sound += 1
            assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        else:
            detected += 1
            assert result.code == 1 and "PROBLEM:" in result.out
    print(f"byte flips: {detected} detected, {sound} sound")
    assert detected > 0


HOSTILE_PIECES = [
    "[bold]",
    "[/]",
    "[@click=app.quit]",
    "[@click=]",
    "\x1b[2J",
    "\x1b]52;c;ZXZpbA==\x07",
    "\u202e",
    "[red on white]",
    "\x9b31m",
    "\\",
    "][",
]


async def show_hostile(path, name: str, note: str) -> None:
    app = CstuiApp(path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await press(pilot, "a")
        table = app.screen.query_one(AccountTable)
        assert cells(table)[0][0] == visible(name, one_line=True)
        await pilot.click(AccountTable, offset=(4, 1))
        await press(pilot, "enter")
        assert isinstance(app.screen, AccountScreen)
        shown = [row[2] for row in cells(app.screen.query_one("#timeline"))]
        assert shown == [visible(f"call: {note} [sentiment 0]", one_line=True)]
        await press(pilot, "c")
        await settle(pilot)
        assert app.is_running
    assert app.return_code in (None, 0)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.sampled_from(HOSTILE_PIECES), min_size=1, max_size=4).map("x".join),
    st.lists(st.sampled_from(HOSTILE_PIECES), min_size=1, max_size=4).map("y".join),
)
def test_markup_and_escapes_render_literally_through_the_pilot(tmp_path_factory, name, note):
    """Pass line: 8 generated names and notes made of markup, ESC, OSC 52, C1 and U+202E pieces render
    literally in the list and the timeline, raise nothing and trigger no action."""
    path = tmp_path_factory.mktemp("hostile") / "book.db"
    make = BookMaker(new_book(path))
    account = make.account("H1", "2024-01-01", name=name)
    make.note(account, "2026-11-20", summary="call", sentiment=0)
    make.conn.execute("UPDATE interactions SET notes = ?", [note])
    make.conn.commit()
    asyncio.run(show_hostile(path, name, note))


async def test_snoozing_an_account_with_a_markup_key_notifies_literally(book_path):
    from cstui.tui.screens.checkin import CheckinScreen

    make = BookMaker(new_book(book_path))
    make.account("[b]K[/b]", "2024-01-01")  # no contact ever: it is in the check-in queue
    app = CstuiApp(book_path, as_of=DEMO_DATE, snapshot_on_open=False)
    async with app.run_test(size=(140, 40)) as pilot:
        notes = record_notifications(app)
        await press(pilot, "c")
        assert isinstance(app.screen, CheckinScreen)
        await press(pilot, "s", "t")
        message, options = notes[-1]
        assert message.startswith("[b]K[/b] snoozed until")
        assert options["markup"] is False  # shown as typed, not parsed as Rich markup
        assert app.is_running
