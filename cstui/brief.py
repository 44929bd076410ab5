"""The account brief: one customer's health, metrics, timeline and follow-ups as Markdown or JSON.

Written for pasting into a QBR deck or keeping in Git. Book text appears literally (control
characters made visible, Markdown table pipes escaped).
"""

import json
from datetime import date

from sqlite_utils import Database

from cstui.metrics.health import account_health, previous_snapshot, what_changed
from cstui.metrics.report import account_report
from cstui.safe_text import visible
from cstui.storage import queries, reads

TIMELINE_ENTRIES = 30


def account_brief(db: Database, account_id: int, as_of: date) -> dict:
    conn = db.conn
    report = account_report(conn, account_id, as_of)
    breakdown = account_health(conn, account_id, as_of)
    old = previous_snapshot(conn, account_id, as_of)
    change = what_changed(old, breakdown) if old else None
    return {
        **report,
        "health_points_shown": breakdown.rounded_points(),
        "what_changed": None
        if change is None or change.delta is None
        else {
            "since": change.before.as_of,
            "delta": change.delta,
            "driver": change.driver.label if change.driver else None,
            "components": {c.key: c.delta for c in change.changes},
        },
        "contacts": [
            {"name": n, "email": e, "role": r, "champion": c} for n, e, r, c in queries.contacts(conn, account_id)
        ],
        "open_follow_ups": [
            {"due": task.due_on, "title": task.title} for task in reads.open_follow_ups(conn, account_id)
        ],
        "timeline": [e.__dict__ for e in queries.timeline(conn, account_id, as_of.isoformat(), TIMELINE_ENTRIES)],
    }


def _md(value: object) -> str:
    return visible(value, one_line=True).replace("|", "\\|")


def _num(value: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if value is None else fmt.format(value)


def brief_markdown(brief: dict) -> str:
    lines = [
        f"# {_md(brief['name'])} ({_md(brief['account'])})",
        "",
        f"As of {brief['as_of']}. Health **{_num(brief['health_score'])}** ({brief['health_band']}), "
        f"ARR {_num(brief['arr'], '{:,.0f}')}.",
    ]
    change = brief["what_changed"]
    if change:
        lines.append(
            f"Since {change['since']}: {change['delta']:+.1f} points"
            + (f", driven by {change['driver']}." if change["driver"] else ".")
        )
    lines += [
        "",
        "## Health breakdown",
        "",
        "| component | raw value | score | weight % | points |",
        "|---|---|---:|---:|---:|",
    ]
    for c, points in zip(brief["health_components"], brief["health_points_shown"]):
        score = "no data" if c["score"] is None else f"{c['score']:.1f}"
        lines.append(f"| {c['component']} | {_md(c['raw'])} | {score} | {c['share']:.1f} | {points:.1f} |")
    lines += ["", "## Metrics", "", "| metric | value | window |", "|---|---:|---|"]
    for key, label, window in (
        ("nps", "NPS", "surveys"),
        ("csat", "CSAT %", "surveys"),
        ("ces", "CES", "surveys"),
        ("adoption_rate", "Adoption %", "usage"),
        ("engagement_score", "Engagement", "usage"),
        ("self_service_rate", "Self-service %", "surveys"),
        ("cltv", "Projected CLTV", None),
    ):
        shown = _num(brief[key], "{:,.0f}" if key == "cltv" else "{:.1f}")
        lines.append(f"| {label} | {shown} | {brief['windows'].get(window, 'trailing 365 days') if window else ''} |")
    lines += ["", "## Open follow-ups", ""]
    lines += [f"- {f['due']}: {_md(f['title'])}" for f in brief["open_follow_ups"]] or ["- none"]
    lines += ["", "## Contacts", ""]
    lines += [
        f"- {'(champion) ' if c['champion'] else ''}{_md(c['name'])}, {_md(c['role'])}, {_md(c['email'])}"
        for c in brief["contacts"]
    ] or ["- none"]
    lines += ["", f"## Timeline (latest {TIMELINE_ENTRIES})", "", "| date | kind | what |", "|---|---|---|"]
    lines += [f"| {e['day']} | {e['kind']} | {_md(e['text'])} |" for e in brief["timeline"]]
    return "\n".join(lines) + "\n"


def brief_json(brief: dict) -> str:
    return json.dumps(brief, indent=2) + "\n"
