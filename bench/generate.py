"""A seeded generator of a large synthetic book, as CSV files in the import format.

At scale 1: 10,000 accounts, 2,000,000 usage_daily rows, 200,000 feature_usage rows, 100,000 survey
responses (90% with a comment), 50,000 tickets, 120,000 invoices and 210,000 interactions with notes:
about 300,000 notes and comments for the search index. `--scale 0.1` writes a book ten times smaller.
Usage is daily over the 200 days up to AS_OF, so the engine's trailing windows are full; interactions
spread over two years (one in the last 120 days per account), so the trends have sentiment every month.

The notes are built from call-note templates, a Zipf-weighted working vocabulary and a long tail of
product and company names, so a search finds common words in tens of thousands of records and rare
ones in a few, as in a real book.
"""

import argparse
import csv
import random
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

AS_OF = date(2026, 11, 24)
SEED = 7
# Bumped whenever the generated book changes, so bench/run.py rebuilds its cached books.
VERSION = 2
INTERACTIONS_PER_ACCOUNT = 21
COMMENT_SHARE = 0.9
FEATURES = [(f"feature_{i:02d}", int(i < 8)) for i in range(20)]


def _words(text: str) -> list[str]:
    return text.split()


PEOPLE = _words("Maria Ahmed Chen Olga Priya Tom Sofia Lukas Aisha Diego Hannah Kenji Fatima Noah Elena Ravi")
TEAMS = _words("finance procurement IT security marketing sales support operations legal engineering")
TOPICS = _words(
    "dashboards exports reporting API integrations SSO permissions onboarding billing invoices seats licences "
    "alerts workflows mobile app analytics forecasting pipeline templates notifications audit-log sandbox"
)
ISSUES = _words(
    "outage latency bugs downtime slowness errors timeouts sync failures login problems data gaps "
    "missing features pricing increase budget cuts reorg"
)
MOODS = _words("happy pleased frustrated worried excited unhappy neutral enthusiastic concerned satisfied")
FILLER = _words(
    "the a to and of for with on in about next week month quarter team plan usage adoption renewal "
    "expansion contract call meeting review follow-up training rollout feedback roadmap goals value "
    "success metrics champion sponsor executive stakeholder decision timeline risk upsell discount "
    "trial pilot migration import cleanup process admin users account health score survey ticket "
    "escalation priority owner agreed asked shared sent demo workshop QBR kickoff check-in update"
)
TEMPLATES = (
    "Call with {person} about {topic}: they are {mood} with the {topic}.",
    "{person} from {team} raised {issue} again; we agreed on a {filler} {filler} by next week.",
    "Renewal discussion started with {person}; {team} wants {topic} and a {filler} on pricing.",
    "Champion {person} left the company, need a new sponsor in {team}.",
    "QBR: usage of {topic} is up, {team} asked about {topic} and {filler} {filler}.",
    "They compare us with {name} because of {issue}.",
    "Steady usage, a few questions about {topic} and {topic}.",
    "Escalated {issue} to support; {person} is {mood}.",
    "Workshop on {topic} with {number} users from {team}, next step {filler} {filler}.",
    "Expansion: {number} more seats for {team} if {topic} works with {name}.",
    "{person} shared {filler} {filler} {filler} for the {name} rollout.",
    "Budget review in {team}; risk of downgrade unless {issue} is fixed.",
)
COMMENT_TEMPLATES = (
    "Love the {topic}.",
    "Too many {issue}.",
    "{topic} is {mood} but {issue} hurts.",
    "Support is excellent, {topic} could be faster.",
    "We need better {topic} for {team}.",
    "OK overall.",
    "Switching to {name} unless {issue} improves.",
)
SYLLABLES = _words("ka ro mi zen tor lu vex an qua dri po sel ni fa tek bor ix lum sy ga")


class Words:
    """Fills note templates: Zipf-weighted filler and a long tail of names (a few records each)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tail = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(6000)})
        weights = [1 / (rank + 1) for rank in range(len(FILLER))]
        self.filler_weights = list(accumulate(weights))

    def fill(self, template: str) -> str:
        out = template
        while "{" in out:
            start = out.index("{")
            slot = out[start + 1 : out.index("}", start)]
            out = out[:start] + self.word(slot) + out[out.index("}", start) + 1 :]
        return out

    def word(self, slot: str) -> str:
        rng = self.rng
        if slot == "filler":
            return rng.choices(FILLER, cum_weights=self.filler_weights)[0]
        if slot == "name":
            return rng.choice(self.tail).capitalize()
        if slot == "number":
            return str(rng.randint(2, 400))
        return rng.choice({"person": PEOPLE, "team": TEAMS, "topic": TOPICS, "issue": ISSUES, "mood": MOODS}[slot])

    def note(self) -> str:
        return " ".join(self.fill(self.rng.choice(TEMPLATES)) for _ in range(self.rng.randint(1, 3)))

    def comment(self) -> str:
        return self.fill(self.rng.choice(COMMENT_TEMPLATES)) if self.rng.random() < COMMENT_SHARE else ""


def _writer(directory: Path, table: str, header: list[str]):
    handle = open(directory / f"{table}.csv", "w", newline="", encoding="utf-8")
    writer = csv.writer(handle)
    writer.writerow(header)
    return handle, writer


def generate(directory: Path, scale: float = 1.0, seed: int = SEED) -> dict[str, int]:
    """Write the CSV files; return rows per table."""
    rng = random.Random(seed)
    words = Words(random.Random(seed + 1))
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
                    words.comment(),
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
    kinds = ("call", "call", "meeting", "email", "note")
    for key in keys:
        for n in range(INTERACTIONS_PER_ACCOUNT):
            w.writerow(
                [
                    key,
                    (AS_OF - timedelta(days=rng.randint(0, 120 if n == 0 else 730))).isoformat(),
                    rng.choice(kinds),
                    f"{rng.choice(kinds)} {n}: {words.word('topic')}",
                    words.note(),
                    rng.choice(("", "-2", "-1", "0", "1", "2")),
                ]
            )
    handle.close()
    counts["interactions"] = accounts * INTERACTIONS_PER_ACCOUNT
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    print(generate(args.out, args.scale))
