"""The account brief: one customer's health, metrics, timeline and follow-ups as Markdown or JSON.

Written for pasting into a QBR deck or keeping in Git. Book text appears literally (control
characters made visible, Markdown table pipes escaped).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from cstui.formatting import figure
from cstui.metrics.health import account_health, baseline, what_changed
from cstui.metrics.report import FLATTEN, AccountReport, JsonReport, account_report
from cstui.safe_text import visible
from cstui.storage import queries, reads
from cstui.storage.queries import Contact, TimelineEntry

TIMELINE_ENTRIES = 30


@dataclass(frozen=True)
class ChangeSummary:
    """What changed since the last snapshot: points per component, the biggest mover named."""

    since: str
    delta: float
    driver: str | None
    components: dict[str, float]


@dataclass(frozen=True)
class FollowUpLine:
    due: str
    title: str


@dataclass(frozen=True)
class AccountBrief(JsonReport):
    """The account report plus the story behind it; its JSON is the report's keys and these."""

    report: AccountReport = field(metadata=FLATTEN)
    health_points_shown: list[float]
    what_changed: ChangeSummary | None
    contacts: list[Contact]
    open_follow_ups: list[FollowUpLine]
    timeline: list[TimelineEntry]


def account_brief(db: Database, account_id: int, as_of: date) -> AccountBrief:
    conn = db.conn
    report = account_report(conn, account_id, as_of)
    breakdown = account_health(conn, account_id, as_of)
    old = baseline(conn, account_id, as_of)  # never a snapshot from before the account started
    change = what_changed(old, breakdown) if old else None
    summary = None
    if change is not None and change.delta is not None:
        summary = ChangeSummary(
            change.before.as_of,
            change.delta,
            change.driver.label if change.driver else None,
            {c.key: c.delta for c in change.changes},
        )
    return AccountBrief(
        report,
        breakdown.rounded_points(),
        summary,
        queries.contacts(conn, account_id),
        [FollowUpLine(task.due_on, task.title) for task in reads.open_follow_ups(conn, account_id)],
        queries.timeline(conn, account_id, as_of.isoformat(), TIMELINE_ENTRIES),
    )


def _md(value: object) -> str:
    return visible(value, one_line=True).replace("|", "\\|")


def brief_markdown(brief: AccountBrief) -> str:
    r = brief.report
    lines = [
        f"# {_md(r.name)} ({_md(r.account)})",
        "",
        f"As of {r.as_of}. Health **{figure(r.health_score, '{:.1f}')}** ({r.health_band.label}), "
        f"ARR {figure(r.arr, '{:,.0f}')}.",
    ]
    change = brief.what_changed
    if change:
        lines.append(
            f"Since {change.since}: {change.delta:+.1f} points"
            + (f", driven by {change.driver}." if change.driver else ".")
        )
    lines += [
        "",
        "## Health breakdown",
        "",
        "| component | raw value | score | weight % | points |",
        "|---|---|---:|---:|---:|",
    ]
    for c, points in zip(r.health_components, brief.health_points_shown):
        score = "no data" if c.score is None else f"{c.score:.1f}"
        lines.append(f"| {c.component} | {_md(c.raw)} | {score} | {c.share:.1f} | {points:.1f} |")
    lines += ["", "## Metrics", "", "| metric | value | window |", "|---|---:|---|"]
    metrics: tuple[tuple[str, float | None, str, str], ...] = (
        ("NPS", r.surveys.nps, "{:.1f}", r.windows.surveys),
        ("CSAT %", r.surveys.csat, "{:.1f}", r.windows.surveys),
        ("CES", r.surveys.ces, "{:.1f}", r.windows.surveys),
        ("Adoption %", r.adoption_rate, "{:.1f}", r.windows.usage),
        ("Engagement", r.engagement_score, "{:.1f}", r.windows.usage),
        ("Self-service %", r.self_service_rate, "{:.1f}", r.windows.surveys),
        ("Projected CLTV", r.cltv, "{:,.0f}", ""),
    )
    for label, value, pattern, window in metrics:
        lines.append(f"| {label} | {figure(value, pattern)} | {window} |")
    lines += ["", "## Open follow-ups", ""]
    lines += [f"- {f.due}: {_md(f.title)}" for f in brief.open_follow_ups] or ["- none"]
    lines += ["", "## Contacts", ""]
    lines += [
        f"- {'(champion) ' if c.champion else ''}{_md(c.name)}, {_md(c.role)}, {_md(c.email)}" for c in brief.contacts
    ] or ["- none"]
    lines += ["", f"## Timeline (latest {TIMELINE_ENTRIES})", "", "| date | kind | what |", "|---|---|---|"]
    lines += [f"| {e.day} | {e.kind} | {_md(e.text)} |" for e in brief.timeline]
    return "\n".join(lines) + "\n"


def brief_json(brief: AccountBrief) -> str:
    return brief.to_json() + "\n"
