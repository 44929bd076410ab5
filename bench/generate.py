"""A seeded generator of a large synthetic book, as CSV files in the import format.

At scale 1: 10,000 accounts, 2,000,000 usage_daily rows, 200,000 feature_usage rows, 100,000 survey
responses, 50,000 tickets, 120,000 invoices and 30,000 interactions. `--scale 0.1` writes a book ten
times smaller. Usage is daily over the 200 days up to AS_OF, so the engine's trailing windows are full.
"""

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2026, 11, 24)
SEED = 7
FEATURES = [(f"feature_{i:02d}", int(i < 8)) for i in range(20)]
NOTES = (
    "Great call, they love the dashboards.",
    "Steady usage, a few questions about exports.",
    "Frustrated with outages and slow support.",
    "Renewal discussion started.",
    "Champion left the company.",
)
COMMENTS = ("Love it", "OK overall", "Too many bugs", "", "Support is excellent", "")


def _writer(directory: Path, table: str, header: list[str]):
    handle = open(directory / f"{table}.csv", "w", newline="", encoding="utf-8")
    writer = csv.writer(handle)
    writer.writerow(header)
    return handle, writer


def generate(directory: Path, scale: float = 1.0, seed: int = SEED) -> dict[str, int]:
    """Write the CSV files; return rows per table."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    accounts = int(10_000 * scale)
    counts: dict[str, int] = {}
    keys = [f"L{i:06d}" for i in range(accounts)]
    handle, w = _writer(directory, "accounts", ["key", "name", "start_date", "segment", "renewal_date", "churn_date"])
    starts = {}
    for i, key in enumerate(keys):
        start = AS_OF - timedelta(days=rng.randint(220, 1500))
        starts[key] = start
        churn = (AS_OF - timedelta(days=rng.randint(1, 200))).isoformat() if rng.random() < 0.08 else ""
        renewal = (AS_OF + timedelta(days=rng.randint(1, 365))).isoformat()
        w.writerow(
            [key, f"Account {i}", start.isoformat(), rng.choice(("SMB", "Mid-Market", "Enterprise")), renewal, churn]
        )
    handle.close()
    counts["accounts"] = accounts
    handle, w = _writer(directory, "features", ["name", "is_key"])
    w.writerows(FEATURES)
    handle.close()
    handle, w = _writer(directory, "mrr_history", ["account_key", "effective_date", "mrr"])
    for key in keys:
        w.writerow([key, starts[key].isoformat(), rng.randint(100, 5000)])
        w.writerow([key, (starts[key] + timedelta(days=365)).isoformat(), rng.randint(100, 6000)])
    handle.close()
    counts["mrr_history"] = 2 * accounts
    days = [(AS_OF - timedelta(days=n)).isoformat() for n in range(200)]
    handle, w = _writer(directory, "usage_daily", ["account_key", "day", "active_users", "minutes", "sessions"])
    for key in keys:
        health = rng.random()
        for day in days:
            users = int(rng.random() * 20 * health)
            w.writerow([key, day, users, users * 15, users + 1])
    handle.close()
    counts["usage_daily"] = accounts * len(days)
    handle, w = _writer(directory, "feature_usage", ["account_key", "day", "feature", "events"])
    for key in keys:
        for day, (name, _) in zip(rng.sample(days[:60], 20), rng.choices(FEATURES, k=20)):
            w.writerow([key, day, name, rng.randint(1, 30)])
    handle.close()
    counts["feature_usage"] = accounts * 20
    handle, w = _writer(directory, "surveys", ["account_key", "kind", "score", "responded_on", "comment"])
    scales = {"nps": 10, "csat": 5, "ces": 7}
    for key in keys:
        for n in range(10):
            kind = ("nps", "csat", "ces")[n % 3]
            w.writerow(
                [
                    key,
                    kind,
                    rng.randint(0 if kind == "nps" else 1, scales[kind]),
                    (AS_OF - timedelta(days=rng.randint(0, 700))).isoformat(),
                    rng.choice(COMMENTS),
                ]
            )
    handle.close()
    counts["surveys"] = accounts * 10
    handle, w = _writer(
        directory, "tickets", ["account_key", "opened_on", "channel", "severity", "closed_on", "subject"]
    )
    for key in keys:
        for n in range(5):
            opened = AS_OF - timedelta(days=rng.randint(0, 400))
            closed = opened + timedelta(days=rng.randint(0, 20))
            w.writerow(
                [
                    key,
                    opened.isoformat(),
                    rng.choice(("self_service", "assisted")),
                    rng.choice(("low", "normal", "high", "urgent")),
                    closed.isoformat() if closed <= AS_OF else "",
                    f"ticket {n}",
                ]
            )
    handle.close()
    counts["tickets"] = accounts * 5
    handle, w = _writer(
        directory, "invoices", ["account_key", "invoice_no", "issued_date", "due_date", "amount", "paid_date"]
    )
    for key in keys:
        for n in range(12):
            issued = AS_OF - timedelta(days=30 * n + 5)
            paid = issued + timedelta(days=rng.randint(5, 60))
            w.writerow(
                [
                    key,
                    f"{key}-{n}",
                    issued.isoformat(),
                    (issued + timedelta(days=30)).isoformat(),
                    rng.randint(100, 5000),
                    paid.isoformat() if paid <= AS_OF else "",
                ]
            )
    handle.close()
    counts["invoices"] = accounts * 12
    handle, w = _writer(
        directory, "interactions", ["account_key", "occurred_on", "kind", "summary", "notes", "sentiment"]
    )
    for key in keys:
        for n in range(3):
            w.writerow(
                [
                    key,
                    (AS_OF - timedelta(days=rng.randint(0, 120))).isoformat(),
                    "call",
                    f"call {n}",
                    rng.choice(NOTES),
                    rng.choice(("", "-2", "-1", "0", "1", "2")),
                ]
            )
    handle.close()
    counts["interactions"] = accounts * 3
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(generate(args.out, args.scale))
