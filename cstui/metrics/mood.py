"""Sentiment over time: how the customers' mood moves, month by month.

Each call note is scored by the CSM's own -2..2 rating when given, else by its lexicon score
(`text_sentiment`, computed when the note was written); survey comments by their lexicon score.
"""

from dataclasses import dataclass
from datetime import date

from cstui.metrics.base import EVERYONE, Conn, Scope, trailing

NEGATIVE_NOTES = -0.5  # mean lexicon score (-2..2) at or below which notes "read negative"
NOTES_DAYS = 30


@dataclass(frozen=True)
class MonthMood:
    month: str  # YYYY-MM
    mean: float  # -2..2
    count: int


def sentiment_by_month(conn: Conn, start: date, end: date, scope: Scope = EVERYONE) -> list[MonthMood]:
    """Mean sentiment of notes and survey comments per calendar month in `[start, end)`."""
    clause, params = scope.where()
    rows = conn.execute(
        f"""
        SELECT substr(day, 1, 7) AS month, avg(value), count(*) FROM (
            SELECT occurred_on AS day, coalesce(sentiment, text_sentiment) AS value, account_id FROM interactions
            UNION ALL
            SELECT responded_on, text_sentiment, account_id FROM surveys WHERE text_sentiment IS NOT NULL)
        WHERE value IS NOT NULL AND day >= :s AND day < :e{clause}
        GROUP BY month ORDER BY month""",
        {"s": start.isoformat(), "e": end.isoformat(), **params},
    )
    return [MonthMood(*row) for row in rows]


def negative_notes(conn: Conn, as_of: date, scope: Scope = EVERYONE, days: int = NOTES_DAYS) -> dict[int, float]:
    """Accounts whose notes of the last `days` days read negative: account -> mean lexicon score."""
    window = trailing(as_of, days)
    clause, params = scope.where()
    rows = conn.execute(
        f"""
        SELECT account_id, avg(text_sentiment) FROM interactions
        WHERE occurred_on >= :s AND occurred_on < :e AND text_sentiment IS NOT NULL{clause}
        GROUP BY account_id HAVING avg(text_sentiment) <= :limit""",
        {"s": window.s, "e": window.e, "limit": NEGATIVE_NOTES, **params},
    )
    return dict(rows.fetchall())
