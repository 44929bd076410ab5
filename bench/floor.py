"""The fair floor for the engine (issue 15): one windowed `GROUP BY account_id` per input table, no scoring.

The engine reads eight tables; the usage-only raw pass reads one, so it is no measure of the engine's
distance to the floor. This floor reads every column the portfolio report and the six health
components need, in the contract's windows, and fetches every row into Python:

- usage_daily: the trailing 60 days (30 and the 30 before), with the newest day;
- feature_usage: distinct features used in the trailing 30 days;
- surveys: the trailing 90 days, counts by kind;
- tickets: open at the report date by severity, and the trailing 90 days' channel counts;
- invoices: every invoice issued so far with the overdue count and days late, plus paid ones in 365 days;
- interactions: the last contact and the trailing 30 days' sentiment;
- accounts: on the books at both ends of the trailing year (and after the report date);
- mrr_history: the MRR effective dates at both ends of the trailing year.

`fair_floor` returns the number of rows read (so nothing is optimised away); bench/run.py imports it.
Run this file on a book to time the floor against the engine (medians of 5, the same run):

    python bench/floor.py /tmp/me/scale1.db [--as-of 2026-11-24] [--repeat 5]
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cstui.metrics.base import Conn, trailing
from cstui.storage import predicates as rule

USAGE_DAYS = 30  # and the 30 before, for growth
FEATURE_DAYS = 30
SURVEY_DAYS = 90
CHANNEL_DAYS = 90
PAID_DAYS = 365
SENTIMENT_DAYS = 30
RETENTION_DAYS = 365

# Driven from accounts, so SQLite seeks each account's 60 days in the covering index by (account, day)
# instead of scanning all of it: the faster of the two plain forms (measured), so the floor is no softer.
_USAGE = """
    SELECT a.id,
        sum(u.day >= :s AND u.active_users > 0), sum(CASE WHEN u.day >= :s THEN u.minutes ELSE 0 END),
        sum(CASE WHEN u.day >= :s THEN u.active_users ELSE 0 END), sum(CASE WHEN u.day < :s THEN u.minutes ELSE 0 END),
        max(u.day)
    FROM accounts a JOIN usage_daily u ON u.account_id = a.id AND u.day >= :ps AND u.day < :e GROUP BY a.id"""
_FEATURES = """
    SELECT account_id, count(DISTINCT feature_id), max(day) FROM feature_usage
    WHERE day >= :s AND day < :e AND events > 0 GROUP BY account_id"""
_SURVEYS = """
    SELECT account_id,
        sum(kind = 'nps'), sum(kind = 'nps' AND score >= 9), sum(kind = 'nps' AND score <= 6),
        sum(kind = 'csat'), sum(kind = 'csat' AND score >= 4),
        sum(kind = 'ces'), sum(CASE WHEN kind = 'ces' THEN score END), sum(kind = 'ces' AND score <= 3),
        max(responded_on)
    FROM surveys WHERE responded_on >= :s AND responded_on < :e GROUP BY account_id"""
_TICKETS = f"""
    SELECT account_id,
        sum({rule.open_ticket("d")} AND severity IN ('low', 'normal')),
        sum({rule.open_ticket("d")} AND severity IN ('high', 'urgent')),
        sum(opened_on >= :s AND channel = 'self_service'), sum(opened_on >= :s AND channel = 'assisted'),
        max(opened_on)
    FROM tickets WHERE opened_on <= :d GROUP BY account_id"""
_INVOICES = f"""
    SELECT account_id,
        sum({rule.overdue_invoice("d")}),
        avg(CASE WHEN paid_date >= :s AND paid_date <= :d
            THEN max(0, julianday(paid_date) - julianday(due_date)) END),
        sum(paid_date >= :s AND paid_date <= :d), sum(CASE WHEN paid_date >= :s AND paid_date <= :d THEN amount END),
        max(issued_date)
    FROM invoices WHERE issued_date <= :d GROUP BY account_id"""
_INTERACTIONS = f"""
    SELECT account_id, max(occurred_on),
        avg(CASE WHEN occurred_on >= :s THEN coalesce(sentiment, text_sentiment) END),
        avg(CASE WHEN occurred_on >= :s THEN text_sentiment END)
    FROM interactions WHERE {rule.contact_by("d")} GROUP BY account_id"""
_ACCOUNTS = f"""
    SELECT a.id, {rule.on_books("s")}, {rule.on_books("e")}, a.start_date >= :s AND a.start_date < :e,
        a.churn_date, a.renewal_date, a.segment
    FROM accounts a"""
_MRR = """
    SELECT account_id, max(CASE WHEN effective_date < :s THEN effective_date END),
        max(CASE WHEN effective_date < :e THEN effective_date END)
    FROM mrr_history GROUP BY account_id"""


def fair_floor(conn: Conn, as_of: date) -> int:
    """Read every per-account figure the report and the health score need, one pass per table; rows read."""
    d = as_of.isoformat()
    usage = trailing(as_of, USAGE_DAYS)
    year = trailing(as_of, RETENTION_DAYS)
    passes: list[tuple[str, dict[str, str]]] = [
        (_USAGE, {"ps": usage.before().s, "s": usage.s, "e": usage.e}),
        (_FEATURES, {"s": trailing(as_of, FEATURE_DAYS).s, "e": usage.e}),
        (_SURVEYS, {"s": trailing(as_of, SURVEY_DAYS).s, "e": usage.e}),
        (_TICKETS, {"d": d, "s": trailing(as_of, CHANNEL_DAYS).s}),
        (_INVOICES, {"d": d, "s": trailing(as_of, PAID_DAYS).s}),
        (_INTERACTIONS, {"d": d, "s": trailing(as_of, SENTIMENT_DAYS).s}),
        (_ACCOUNTS, {"s": year.s, "e": year.e}),
        (_MRR, {"s": year.s, "e": year.e}),
    ]
    return sum(len(conn.execute(sql, params).fetchall()) for sql, params in passes)


def median_times(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of `repeat` calls (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    from cstui.metrics.health import health_for_accounts
    from cstui.metrics.report import portfolio_report
    from cstui.storage.bookfile.connection import connect

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("book", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 24))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    conn = connect(args.book).conn
    as_of: date = args.as_of

    def engine() -> None:
        portfolio_report(conn, as_of, health=health_for_accounts(conn, as_of))

    fair_floor(conn, as_of)  # warm the page cache for both
    engine()
    floor, ours = [], []
    for _ in range(args.repeat):  # interleaved, so a busy machine slows both alike
        floor.append(median_times(lambda: fair_floor(conn, as_of), 1))
        ours.append(median_times(engine, 1))
    print(f"rows read by the floor: {fair_floor(conn, as_of)} (as of {as_of})")
    for i, what in enumerate(("wall-clock", "CPU")):
        f, e = statistics.median(t[i] for t in floor), statistics.median(t[i] for t in ours)
        print(f"{what}: fair floor {f:.3f} s, engine {e:.3f} s, ratio {e / f:.2f}x (medians of {args.repeat})")


if __name__ == "__main__":
    main()
