"""The metric engine: the book's dated facts in, numbers a CSM can act on out.

Pure functions of a SQLite connection and a date or period; no Textual, no Rich, no writes except
`health.take_snapshot`. The contract is docs/metrics.md (from shared/spec/metrics.md). Aggregates are
pushed down to SQL: computing the whole portfolio is a handful of GROUP BY queries, never one per
account.
"""
