"""A query with many matches (`search.COMMON` or more) takes the last entered matches, newest day first,
instead of ranking every match with bm25; a query with fewer keeps the bm25 ranking. `COMMON` is lowered
here so a hand-built book crosses it."""

import pytest

from cstui.storage import search
from cstui.storage.search import Kind, Order, find
from tests.bookmaker import BookMaker


def note(book, account: int, on: str, summary: str, notes: str) -> int:
    with book.conn:
        return book.conn.execute(
            "INSERT INTO interactions (account_id, occurred_on, kind, summary, notes) VALUES (?, ?, 'call', ?, ?)",
            [account, on, summary, notes],
        ).lastrowid


@pytest.fixture
def walruses(book):
    """One account; "walrus" in four notes (ids 1-4, index rowids 11, 19, 27, 35), a survey comment
    (rowid 12) and a ticket subject (rowid 13): six matches. The notes' days are not in id order."""
    make = BookMaker(book)
    acme = make.account("ACME-1", "2025-01-01", name="Acme Corp")
    note(book, acme, "2026-01-15", "Walrus review", "the walrus tusk report")  # 1: the word in its headline
    note(book, acme, "2026-03-01", "Call", "a walrus tusk and a narwhal, and many more words after them")  # 2
    note(book, acme, "2026-01-01", "Call", "walrus again, nothing else of note in here at all")  # 3
    note(book, acme, "2026-02-01", "Call", "one walrus")  # 4
    make.survey(acme, "nps", 3, "2026-04-01", comment="walrus exports are slow")
    with book.conn:
        book.conn.execute(
            "INSERT INTO tickets (account_id, opened_on, channel, subject) VALUES (?, '2026-05-01', 'assisted', ?)",
            [acme, "Walrus sync fails"],
        )
    return book


def found(book, query: str, **options) -> tuple[Order, list[tuple[str, int]]]:
    result = find(book.conn, query, **options)
    return result.order, [(hit.kind.value, hit.record_id) for hit in result.hits]


def test_a_common_word_takes_the_last_entered_matches_newest_day_first(walruses, monkeypatch):
    monkeypatch.setattr(search, "COMMON", 6)  # exactly the six matches: common
    # The three highest rowids are notes 4, 3 and 2 (35, 27, 19); shown by day: 2 (03-01), 4 (02-01), 3 (01-01).
    assert found(walruses, "walrus", limit=3) == (Order.NEWEST, [("note", 2), ("note", 4), ("note", 3)])
    # All six: the survey (04-01) and the ticket (05-01) are the newest days; note 1 (01-15) before note 3.
    assert found(walruses, "walrus", limit=10) == (
        Order.NEWEST,
        [("ticket", 1), ("survey", 1), ("note", 2), ("note", 4), ("note", 1), ("note", 3)],
    )
    assert search.search(walruses.conn, "walrus", limit=3) == find(walruses.conn, "walrus", limit=3).hits


def test_a_word_with_fewer_matches_than_common_is_ranked_by_bm25(walruses, monkeypatch):
    monkeypatch.setattr(search, "COMMON", 7)  # one more than the six matches: ranked
    order, hits = found(walruses, "walrus", limit=10)
    assert order is Order.BEST
    # bm25: the headline matches first (the ticket's short subject, then note 1's summary), the longest
    # text (note 2) last.
    assert hits[:2] == [("ticket", 1), ("note", 1)] and hits[-1] == ("note", 2) and len(hits) == 6


@pytest.mark.parametrize(
    ("query", "newest"),
    [
        ("walr*", [("ticket", 1), ("survey", 1), ("note", 2), ("note", 4), ("note", 1), ("note", 3)]),
        ('"walrus tusk"', [("note", 2), ("note", 1)]),
        ("walrus AND tusk", [("note", 2), ("note", 1)]),
        ("tusk OR narwhal OR sync", [("ticket", 1), ("note", 2), ("note", 1)]),
        ("walrus NOT tusk", [("ticket", 1), ("survey", 1), ("note", 4), ("note", 3)]),
        ("body:walrus", [("survey", 1), ("note", 2), ("note", 4), ("note", 1), ("note", 3)]),
    ],
)
def test_query_syntax_finds_the_same_matches_either_way(walruses, monkeypatch, query, newest):
    monkeypatch.setattr(search, "COMMON", 1)  # every query with a match is common
    assert found(walruses, query, limit=10) == (Order.NEWEST, newest)
    monkeypatch.setattr(search, "COMMON", 1_000)  # ranked: the same records, in bm25's order
    order, ranked = found(walruses, query, limit=10)
    assert order is Order.BEST and sorted(ranked) == sorted(newest)


def test_the_kind_filter_counts_only_that_kind(walruses, monkeypatch):
    monkeypatch.setattr(search, "COMMON", 2)
    assert found(walruses, "walrus", kind="survey") == (Order.BEST, [("survey", 1)])  # one survey: ranked
    assert found(walruses, "walrus", kind=Kind.NOTE, limit=2) == (Order.NEWEST, [("note", 4), ("note", 3)])


def test_within_one_account_the_matches_are_always_ranked(walruses, monkeypatch):
    monkeypatch.setattr(search, "COMMON", 1)
    order, hits = found(walruses, "walrus", account="acme-1", limit=10)
    assert order is Order.BEST and hits[:2] == [("ticket", 1), ("note", 1)]


def test_no_match_and_an_empty_query_find_nothing(walruses, monkeypatch):
    monkeypatch.setattr(search, "COMMON", 1)
    assert found(walruses, "dugong") == (Order.BEST, [])
    assert found(walruses, "  ") == (Order.BEST, [])


def test_cli_says_when_the_matches_were_too_many_to_rank(cli, walruses, book_path, monkeypatch):
    monkeypatch.setattr(search, "COMMON", 6)
    done = cli("search", "walrus", "--limit", "2", "--db", str(book_path))
    assert done.code == 0, done.err
    assert done.out.splitlines() == [
        "ACME-1  Acme Corp",
        "  note    2026-02-01  Call · one walrus",
        "  note    2026-01-01  Call · walrus again, nothing else of note in here at all",
        "2 matches in 1 account, the last entered of 6+, newest first (too many to rank: narrow with more words, "
        "--account or --kind)",
    ]
    monkeypatch.setattr(search, "COMMON", 7)
    assert cli("search", "walrus", "--limit", "2", "--db", str(book_path)).out.splitlines()[-1] == (
        "2 matches in 1 account (the first 2: narrow with --account or --kind)"
    )
