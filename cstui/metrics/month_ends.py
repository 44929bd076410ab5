"""A month-end's health band counts for the trends, scored inside SQLite in one statement.

The trends chart the number of accounts per health band at each month's end. `health_for_accounts`
gets there through a breakdown per account (every component's words, dates, staleness), which the
chart never reads; 24 month-ends were 24 full engine runs. This module builds one SQL statement per
day from the same registered components (`health_components.py`: each one's facts and score, once)
and weighs them as `health.combine` does (weights shared out over the components with data, no score
without MIN_COMPONENTS components with facts), then bands them as `HealthConfig.band`, returning only
the counts, so

- Python builds no object per account (and holds the GIL for a few microseconds: SQLite runs the
  statement with the GIL released, so a worker computing month-ends does not slow the UI), and
- a component added to the registry is in the month-end bands too, with no change here.

Equal, not close: the facts and scores are the engine's own SQL, and the weighing is `combine`'s
arithmetic in `combine`'s order (IEEE doubles in both). `tests/test_month_ends.py` checks scores and
counts against `health_for_accounts` on random books and on the demo book.
"""

from datetime import date

from cstui.metrics.bands import SCORED, Band
from cstui.metrics.base import Conn
from cstui.metrics.health import MIN_COMPONENTS, load_config
from cstui.metrics.health_registry import REGISTRY, bound, facts_sql
from cstui.storage import predicates as rule


def month_end_sql() -> str:
    """`WITH ... scored(account, score)`: every account on the books after `:d`, its health score as of
    `:d` (NULL: no score yet), built from the registry as the engine's statement is."""
    definitions = list(REGISTRY.values())
    components = ", ".join(f"{d.score_sql()} AS {d.key}__raw" for d in definitions)
    # A component's score, or its default without facts (support's 100), and whether it has facts.
    finals = ", ".join(
        f"{d.key}__raw AS {d.key}"
        if d.missing_score is None
        else f"coalesce({d.key}__raw, :missing__{d.key}) AS {d.key}"
        for d in definitions
    )
    total = " + ".join(f"(CASE WHEN {d.key} IS NOT NULL THEN :w__{d.key} ELSE 0 END)" for d in definitions)
    with_facts = " + ".join(f"({d.key}__raw IS NOT NULL)" for d in definitions)
    points = " + ".join(f"coalesce(100.0 * :w__{d.key} / total * {d.key} / 100.0, 0.0)" for d in definitions)
    return f"""
WITH {facts_sql(rule.on_books("e"), details=False)},
components AS MATERIALIZED (SELECT account, {components} FROM facts),
weighted AS MATERIALIZED (
    SELECT *, {total} AS total, {with_facts} AS with_facts FROM (SELECT *, {finals} FROM components)
), scored AS MATERIALIZED (
    SELECT account, CASE WHEN with_facts >= :min_components AND total > 0 THEN {points} END AS score
    FROM weighted
)
"""


def month_end_params(conn: Conn, day: date) -> dict[str, object]:
    """The day's windows (each component's), and the book's weights and bands."""
    config = load_config(conn)
    return {
        **bound(conn, day),
        "min_components": MIN_COMPONENTS,
        "green": config.green,
        "yellow": config.yellow,
        **{f"w__{key}": weight for key, weight in config.weights.items()},
        **{f"missing__{d.key}": d.missing_score for d in REGISTRY.values() if d.missing_score is not None},
    }


_BANDS = """
SELECT CASE WHEN score >= :green THEN 'green' WHEN score >= :yellow THEN 'yellow' ELSE 'red' END AS band, count(*)
FROM scored WHERE score IS NOT NULL GROUP BY band
"""


def band_counts_at(conn: Conn, day: date) -> dict[Band, int]:
    """Accounts per scored band as of `day`, equal to `band_counts(health_for_accounts(conn, day))`."""
    counts = dict.fromkeys(SCORED, 0)
    for band, n in conn.execute(month_end_sql() + _BANDS, month_end_params(conn, day)):
        counts[Band(band)] = n
    return counts
