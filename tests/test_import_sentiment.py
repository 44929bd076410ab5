"""An import scores notes and comments in worker processes (`sentiment.Scorer`): the values must be
exactly those of `text_sentiment` in this process, row for row, whichever way they were scored."""

import csv
from datetime import date

from cstui import sentiment
from cstui.sentiment import Scorer, text_sentiment
from cstui.storage.imports import importer
from cstui.storage.imports.importer import import_path
from tests.bookmaker import new_book

IMPORT_DAY = date(2026, 11, 24)  # the day the tests' imports run as (`cstui import --as-of`)

NOTES = [
    ("Renewal call", "Pricing worries; wants exports"),
    ("QBR", "Great quarter, the team LOVES the new dashboard!!"),
    ("Escalation", "Export fails again, not happy at all :("),
    ("Short note", None),
    ("Check-in", "   "),
    ("Renewal call", "Pricing worries; wants exports"),  # a repeat: scored once, stored twice
]


def test_workers_score_exactly_as_this_process(monkeypatch):
    monkeypatch.setattr(sentiment, "POOL_FROM", 1)
    scorer = Scorer(workers=2)
    try:
        scores = scorer.submit(NOTES)
        assert scorer.pool is not None  # scored in the workers, not here
        assert scores() == [text_sentiment(*texts) for texts in NOTES]
        again = scorer.submit(NOTES[::-1])  # every text remembered: nothing sent to the workers
        assert again() == [text_sentiment(*texts) for texts in NOTES[::-1]]
    finally:
        scorer.close()


def test_a_small_batch_is_scored_without_starting_workers():
    scorer = Scorer(workers=2)
    assert scorer.submit(NOTES)() == [text_sentiment(*texts) for texts in NOTES]
    assert scorer.pool is None


def interactions_csv(folder):
    folder.mkdir()
    (folder / "accounts.csv").write_text("key,name,start_date\nacme,Acme,2026-01-01\n", encoding="utf-8")
    with open(folder / "interactions.csv", "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["account_key", "occurred_on", "kind", "summary", "notes"])
        for day, (summary, notes) in enumerate(NOTES * 3, start=1):
            out.writerow(["acme", f"2026-10-{day:02d}", "call", summary, notes or ""])
    return folder


def stored_sentiments(db):
    return db.execute("SELECT summary, notes, text_sentiment FROM interactions ORDER BY id").fetchall()


def test_an_import_scored_in_workers_stores_the_values_scored_here(tmp_path, monkeypatch):
    folder = interactions_csv(tmp_path / "csv")
    here = new_book(tmp_path / "here.db")
    import_path(here, folder, today=IMPORT_DAY)
    monkeypatch.setattr(sentiment, "POOL_FROM", 1)
    monkeypatch.setattr(importer, "BATCH", 4)  # several batches in flight
    pooled = new_book(tmp_path / "pooled.db")
    import_path(pooled, folder, today=IMPORT_DAY)
    rows = stored_sentiments(pooled)
    assert rows == stored_sentiments(here)
    assert [score for _, _, score in rows] == [text_sentiment(summary, notes) for summary, notes, _ in rows]
    assert len(rows) == len(NOTES) * 3 and rows[1][2] is not None and rows[1][2] > 0
