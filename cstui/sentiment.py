"""Lexicon sentiment of free text (call notes, survey comments) on the CSM's -2..2 scale.

VADER runs offline with the lexicon it ships, so scoring needs no network. It is loaded on first
use only: importing it costs ~0.1 s that `cstui report` and app start-up should not pay.
"""

from functools import cache

# Notes and comments are short; a pasted 1 MB cell is scored on its beginning (VADER is linear but slow).
MAX_CHARS = 5_000


@cache
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def text_sentiment(*texts: str | None) -> float | None:
    """VADER's compound score (-1..1) of the joined texts, scaled to -2..2; None for no text."""
    text = " ".join(t.strip() for t in texts if t and t.strip())
    if not text:
        return None
    return round(2 * _analyzer().polarity_scores(text[:MAX_CHARS])["compound"], 4)
