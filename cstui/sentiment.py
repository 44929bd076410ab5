"""Lexicon sentiment of free text (call notes, survey comments) on the CSM's -2..2 scale.

VADER runs offline with the lexicon it ships, so scoring needs no network. It is loaded on first
use only: importing it costs ~0.1 s that `cstui report` and app start-up should not pay.

VADER is pure Python (~80 us a note), a fifth of a big import's time: `Scorer` scores an import's
texts in worker processes while the importer parses the next rows. Workers run the same
`text_sentiment`, so the values are those of scoring in this process, bit for bit.
"""

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool as BrokenExecutor
from functools import cache
from multiprocessing import get_all_start_methods, get_context

# Notes and comments are short; a pasted 1 MB cell is scored on its beginning (VADER is linear but slow).
MAX_CHARS = 5_000
# A batch with fewer texts to score than this is scored here: starting the workers (a new
# interpreter each, loading VADER's lexicon) costs ~0.3 s, the time of ~4,000 texts.
POOL_FROM = 2_000
# Scores remembered per run: exports repeat short comments ("Love it") and templated notes.
REMEMBERED = 65_536

Texts = tuple[str | None, ...]


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


def score_all(texts: Sequence[Texts]) -> list[float | None]:
    """`text_sentiment` of each tuple of texts (what a worker process runs)."""
    return [text_sentiment(*t) for t in texts]


class Scorer:
    """Scores batches of texts, in worker processes once a batch is big enough.

    `submit` returns at once; the function it returns gives the batch's scores, in order, waiting
    for the workers if they are still at it. A machine where workers cannot start (no process
    support, a sandbox) scores in this process. `close` stops the workers."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.pool: Executor | None = None
        self.failed = False
        self.known: dict[Texts, float | None] = {}

    def submit(self, texts: Sequence[Texts]) -> Callable[[], list[float | None]]:
        ready: dict[Texts, float | None] = {}
        missing: dict[Texts, None] = {}
        for t in texts:
            if t in self.known:
                ready[t] = self.known[t]
            else:
                missing[t] = None
        todo = list(missing)
        if len(todo) < POOL_FROM or not self._start():
            ready.update(self._remember(todo, score_all(todo)))
            return lambda: [ready[t] for t in texts]
        assert self.pool is not None
        size = -(-len(todo) // self.workers)
        parts = [todo[i : i + size] for i in range(0, len(todo), size)]
        try:
            futures = [self.pool.submit(score_all, part) for part in parts]
        except (OSError, RuntimeError):  # the workers could not start: score here
            self.failed = True
            ready.update(self._remember(todo, score_all(todo)))
            return lambda: [ready[t] for t in texts]

        def scores() -> list[float | None]:
            for part, future in zip(parts, futures):
                try:
                    scored = future.result()
                except (BrokenExecutor, CancelledError):  # a worker died (killed, out of memory): score here
                    self.failed = True
                    scored = score_all(part)
                ready.update(self._remember(part, scored))
            return [ready[t] for t in texts]

        return scores

    def _remember(self, texts: list[Texts], scores: list[float | None]) -> dict[Texts, float | None]:
        scored = dict(zip(texts, scores))
        if len(self.known) > REMEMBERED:
            self.known.clear()
        self.known.update(scored)
        return scored

    def _start(self) -> bool:
        if self.failed:
            self.close()
        if self.pool is None and not self.failed:
            try:
                self.pool = ProcessPoolExecutor(self.workers, mp_context=get_context(_start_method()))
            except (OSError, ImportError, NotImplementedError):
                self.failed = True
        return self.pool is not None

    def close(self) -> None:
        """Stop the workers (the scores already handed out stay valid)."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _start_method() -> str:
    """fork where it is safe: it starts at once and imports nothing again (spawn runs the caller's
    main script again in each worker, which a script without a `__main__` guard does not survive).
    A process with other threads (the TUI imports from a worker thread) spawns: a forked child of
    a threaded process can hang on a lock another thread held."""
    if "fork" in get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"
