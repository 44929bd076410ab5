"""How many threads hold an account: the data behind the single-threaded and champion-silent checks.

*Single-threaded*: of an account's interactions in the trailing window that name a contact
(`contact_email`), the share held by the one person named most often. *Champion silent*: days since
the last interaction with a champion (`contacts.is_champion`), where the champion is the named
contact or one of an ingested item's participants. Both cover accounts on the books the day after
the report date. The check-in rules that use them (with their thresholds) are not defined here.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from cstui.metrics.base import Conn, trailing
from cstui.metrics.dates import book_date
from cstui.storage.predicates import on_books

THREAD_DAYS = 90


@dataclass(frozen=True)
class Threads:
    account_id: int
    interactions: int  # in the window, with a contact named
    people: int  # distinct contacts named
    top_email: str
    top_share: float  # 0..1


@dataclass(frozen=True)
class ChampionSilence:
    account_id: int
    champion_email: str
    last_contact: date | None
    days: int | None  # None: never in touch


def threads(conn: Conn, as_of: date, days: int = THREAD_DAYS) -> dict[int, Threads]:
    """Per account with contact in the window: how concentrated that contact is on one person."""
    window = trailing(as_of, days)
    rows = conn.execute(
        f"""
        SELECT i.account_id, lower(trim(i.contact_email)) AS email, count(*) AS n
        FROM interactions i JOIN accounts a ON a.id = i.account_id
        WHERE i.occurred_on >= :s AND i.occurred_on < :e AND trim(coalesce(i.contact_email, '')) != ''
          AND {on_books("d", "a")}
        GROUP BY i.account_id, email ORDER BY i.account_id, n DESC, email""",
        {"s": window.s, "e": window.e, "d": window.e},
    )
    counts: dict[int, list[tuple[str, int]]] = {}
    for account, email, n in rows:
        counts.setdefault(account, []).append((email, n))
    result = {}
    for account, people in counts.items():
        total = sum(n for _, n in people)
        result[account] = Threads(account, total, len(people), people[0][0], people[0][1] / total)
    return result


def champion_silence(conn: Conn, as_of: date) -> list[ChampionSilence]:
    """Every champion with an address at an account on the books, and how long since the last contact."""
    d = (as_of + timedelta(days=1)).isoformat()
    rows = conn.execute(
        f"""
        SELECT a.id, lower(trim(c.email)) AS email, (
            SELECT max(i.occurred_on) FROM interactions i
            WHERE i.account_id = a.id AND i.occurred_on < :d AND (
                lower(trim(i.contact_email)) = lower(trim(c.email))
                OR instr(', ' || coalesce(i.participants, '') || ', ', ', ' || lower(trim(c.email)) || ', ') > 0))
        FROM contacts c JOIN accounts a ON a.id = c.account_id
        WHERE c.is_champion = 1 AND c.email LIKE '%@%' AND {on_books("d", "a")}
        ORDER BY a.id, email""",
        {"d": d},
    )
    silences = []
    for account, email, last in rows:
        day = book_date(last, "interactions.occurred_on") if last else None
        silences.append(ChampionSilence(account, email, day, (as_of - day).days if day else None))
    return silences
