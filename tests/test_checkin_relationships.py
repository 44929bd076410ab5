"""The relationship rules (issue 16 item 4) on hand-made books, at their thresholds and one below."""

from datetime import date, timedelta

from cstui.metrics.checkin_rules import RULES
from tests.bookmaker import BookMaker
from tests.checkin_helpers import DAY, found


def ago(days: int) -> str:
    return (DAY - timedelta(days=days)).isoformat()


def talk(book, make: BookMaker, account: int, on: str, email: str) -> None:
    note = make.note(account, on)
    with book.conn:
        book.execute("UPDATE interactions SET contact_email = ? WHERE id = ?", [email, note])


def champion(book, account: int, email: str) -> None:
    with book.conn:
        book.execute(
            "INSERT INTO contacts (account_id, name, email, is_champion) VALUES (?, ?, ?, 1)", [account, email, email]
        )


def test_single_threaded_at_the_share_of_contact_with_one_person(book):
    make = BookMaker(book)
    at, below, few = (make.account(k, "2024-01-01") for k in ("AT", "BELOW", "FEW"))
    for i in range(4):  # 4 of 5 = 80 %: at the threshold
        talk(book, make, at, ago(10 + i), "ann@at.example")
    talk(book, make, at, ago(20), "bob@at.example")
    talk(book, make, at, ago(95), "bob@at.example")  # outside the 90 days: not counted either way
    for i in range(3):  # 3 of 4 = 75 %
        talk(book, make, below, ago(10 + i), "cy@below.example")
    talk(book, make, below, ago(30), "di@below.example")
    talk(book, make, few, ago(5), "ed@few.example")  # 100 %, but two contacts say too little
    talk(book, make, few, ago(6), "ed@few.example")
    assert {f.account: f.text for f in found(book, "single_threaded")} == {
        at: "single-threaded: 80% of 5 contacts in 90 days with ann@at.example"
    }
    assert RULES["single_threaded"].default_threshold == 80


def test_champion_silent_for_the_threshold_days(book):
    make = BookMaker(book)
    at, below, never = (make.account(k, "2024-01-01") for k in ("AT", "BELOW", "NEVER"))
    for account, email in ((at, "c@at.example"), (below, "c@below.example"), (never, "c@never.example")):
        champion(book, account, email)
    talk(book, make, at, ago(90), "c@at.example")  # 90 days: at the threshold
    talk(book, make, at, ago(10), "someone@at.example")  # contact with someone else does not count
    talk(book, make, below, ago(89), "C@below.example")  # 89 days (addresses match case-blind)
    assert {f.account: f.text for f in found(book, "champion_silent")} == {
        at: f"champion c@at.example silent for 90 days (since {date.fromisoformat(ago(90))})",
        never: "champion c@never.example never contacted",
    }
