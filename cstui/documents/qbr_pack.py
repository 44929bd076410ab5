"""Write a QBR pack: one self-contained HTML file (inline SVG charts, no script, no network, print CSS)
and the same content as Markdown.

Book text reaches the page through jinja2 with autoescape on, after `visible()` (control characters
written out); the only markup inserted as is are the charts matplotlib drew. The Markdown escapes
the characters Markdown would read as formatting or HTML.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from cstui.documents.qbr_charts import goals_chart, line_chart, tickets_chart
from cstui.formatting import figure
from cstui.readmodels.qbr import QbrPack
from cstui.safe_text import visible
from cstui.storage.imports.export import write_private

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&-])")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class Charts:
    usage: str
    adoption: str
    tickets: str
    goals: str | None


def charts(pack: QbrPack) -> Charts:
    return Charts(
        line_chart(pack.usage[0]),
        line_chart(pack.usage[1], (0, 100)),
        tickets_chart(pack),
        goals_chart(pack) if pack.goals else None,
    )


def _percent(value: float | None) -> str:
    return figure(value, "{:.0f}%")


def _cards(pack: QbrPack) -> list[tuple[str, str]]:
    f = pack.figures
    return [
        ("Weekly active users", figure(f.weekly_active_users, "{:.1f}")),
        ("Key feature adoption", _percent(f.key_feature_adoption)),
        ("Tickets opened", str(f.tickets_opened)),
        ("Median days to close", figure(f.median_days_to_close, "{:.1f}")),
        ("CSAT", _percent(f.csat)),
        ("NPS", figure(f.nps, "{:+.0f}")),
        ("Goals met", str(f.goals_met)),
        ("Calls and meetings", str(f.meetings)),
    ]


def render_html(pack: QbrPack, drawn: Charts) -> str:
    env = Environment(loader=PackageLoader("cstui.documents", "templates"), autoescape=select_autoescape(["j2"]))
    template = env.get_template("qbr.html.j2")
    return template.render(p=pack, charts=drawn, cards=_cards(pack), fmt=figure, text=visible)


def md(text: object) -> str:
    """Book text for Markdown: one line, control characters written out, formatting characters escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", visible(text, one_line=True))


def render_markdown(pack: QbrPack) -> str:
    f, a = pack.figures, pack.account
    lines = [f"# Quarterly Business Review: {md(a.name)}", ""]
    if pack.internal:
        lines += ["**Internal: health score, CSM sentiment and the renewal call are for our team.**", ""]
    lines += [f"{pack.quarter.label} ({pack.quarter.start} to {pack.as_of})", "", "## The quarter in figures", ""]
    lines += [f"- {label}: {value}" for label, value in _cards(pack)]
    lines += [
        "",
        "## Usage and adoption",
        "",
        "| Week to | Weekly active users | Key feature adoption % |",
        "|---|---:|---:|",
    ]
    for day, users, adoption in zip(pack.usage[0].days, pack.usage[0].values, pack.usage[1].values):
        lines.append(f"| {day} | {figure(users, '{:.1f}')} | {figure(adoption, '{:.0f}')} |")
    lines += ["", "## Support", ""]
    lines.append(
        f"{f.tickets_opened} tickets opened, {f.tickets_closed} closed; median time to close"
        f" {figure(f.median_days_to_close, '{:.1f}')} days; CSAT {figure(f.csat, '{:.0f}')}%."
    )
    if pack.tickets:
        lines += ["", "| Opened | Severity | Subject | Closed |", "|---|---|---|---|"]
        lines += [
            f"| {t.opened_on} | {t.severity} | {md(t.subject or 'no subject')} | {t.closed_on or 'open'} |"
            for t in pack.tickets
        ]
    lines += ["", "## What you told us", "", f"NPS {figure(f.nps, '{:+.0f}')} over the quarter's responses."]
    if pack.responses:
        lines += ["", "| Date | Survey | Score | Comment |", "|---|---|---:|---|"]
        lines += [
            f"| {r.responded_on} | {r.kind.upper()} | {r.score:g} | {md(r.comment or '')} |" for r in pack.responses
        ]
    lines += ["", "## Success plan", ""]
    if pack.plan is None:
        lines.append("No success plan yet.")
    else:
        owner = f" (owner {md(pack.plan.owner)})" if pack.plan.owner else ""
        lines += [f"**{md(pack.plan.objective)}**{owner}", ""]
        lines += [
            f"- {md(g.goal.title)}: {md(g.label)}, progress {figure(g.progress, '{:.0f}')}%, {g.status.value}"
            for g in pack.goals
        ]
    lines += ["", "## What we did together", ""]
    lines += [f"- {m.occurred_on} {m.kind}: {md(m.summary)}" for m in pack.meetings]
    lines += [f"- {g.goal.done_on} milestone reached: {md(g.goal.title)}" for g in pack.milestones_done]
    lines += [f"- {t.done_on} done: {md(t.title)}" for t in pack.tasks_done]
    if not (pack.meetings or pack.milestones_done or pack.tasks_done):
        lines.append("Nothing logged this quarter.")
    lines += ["", "## Since the last review", ""]
    if pack.changes:
        lines += [f"| Figure | {pack.previous} | {pack.quarter.label} |", "|---|---:|---:|"]
        lines += [f"| {c.label} | {figure(c.before)} | {figure(c.after)} |" for c in pack.changes]
    else:
        lines.append("This is the first review kept in the book.")
    lines += ["", f"## Proposed goals for {pack.quarter.next().label}", ""]
    lines += [f"- {md(g.title)}: {md(g.measure)} ({g.reason})" for g in pack.proposed] or ["To agree together."]
    if pack.internal:
        i = pack.internal
        call = f"{i.renewal_call[1]} for {i.renewal_call[0]}" if i.renewal_call else "none"
        lines += ["", "## Internal", ""]
        lines.append(
            f"Health {figure(i.health_score)} ({i.band}); CSM sentiment {figure(i.csm_sentiment, '{:+.2f}')};"
            f" renewal call {call}"
        )
        lines += [f"- {label}: {figure(score, '{:.0f}')}" for label, score in i.components]
    return "\n".join(lines) + "\n"


def pack_name(pack: QbrPack, internal: bool) -> str:
    return f"qbr-{_UNSAFE_NAME.sub('_', pack.account.key)}-{pack.quarter.label}{'-internal' if internal else ''}"


def write_pack(pack: QbrPack, directory: Path) -> tuple[Path, Path]:
    """Write the HTML and Markdown files (0600, atomically); return their paths."""
    name = pack_name(pack, pack.internal is not None)
    html = write_private(directory / f"{name}.html", render_html(pack, charts(pack)))
    markdown = write_private(directory / f"{name}.md", render_markdown(pack))
    return html, markdown
