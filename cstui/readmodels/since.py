"""Since your last look (issue 28): what is new on an account since the CSM last opened it.

The health change is the breakdown now against the breakdown kept with the last look
(`storage.seen`), component by component; the rest is `storage.seen.news_since`. Its period is
named in words, "since your last look on 20 Nov 2026", like every change cstui shows.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cstui.formatting import change_text
from cstui.metrics.bands import Band
from cstui.metrics.base import Conn
from cstui.metrics.health import Breakdown, Component, ComponentChange, what_changed
from cstui.storage import seen
from cstui.storage.seen import News, SeenMarker

MOVED = 0.05  # a component moving less than the tenth a screen shows has not moved


@dataclass(frozen=True)
class SinceLastLook:
    seen_on: str | None  # None: the first look
    score_before: float | None
    score_after: float | None
    components: list[ComponentChange]  # the ones that moved, the biggest first
    news: News
    now: SeenMarker  # this look, to remember

    @property
    def period(self) -> str:
        """The change's period in words."""
        if self.seen_on is None:
            return "first look"
        return f"since your last look on {date.fromisoformat(self.seen_on).strftime('%d %b %Y')}"

    @property
    def delta(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before

    @property
    def anything(self) -> bool:
        return bool(self.components) or not self.news.empty


def _breakdown(marker: SeenMarker) -> Breakdown:
    components = [Component(**c) for c in json.loads(marker.components)]
    return Breakdown(marker.account_id, marker.seen_on, marker.score, Band.NO_DATA, components)


def since_last_look(
    conn: Conn, account_id: int, as_of: date, now: Breakdown, before: SeenMarker | None
) -> SinceLastLook:
    """What is new since `before` (the marker read when the account was opened; None: never opened)."""
    marker = SeenMarker(account_id, as_of.isoformat(), seen.newest_history_id(conn), now.score, now.to_json())
    if before is None:
        return SinceLastLook(None, None, now.score, [], News(), marker)
    change = what_changed(_breakdown(before), now)
    moved = [c for c in change.changes if abs(c.delta) >= MOVED]
    return SinceLastLook(
        before.seen_on, before.score, now.score, moved, seen.news_since(conn, before, as_of.isoformat()), marker
    )


def since_lines(s: SinceLastLook, text: Callable[[object], str]) -> list[str]:
    """The panel in lines, the period first; `text` makes book text safe where it is shown."""
    if s.seen_on is None:
        return ["First look at this account: it will open with what is new since today."]
    head = "New since you last looked: "
    if s.delta is not None:
        head += f"health {s.score_before:.1f} → {s.score_after:.1f} ({change_text(s.delta, s.period)})"
    elif s.score_after is None:
        head += f"no score yet ({s.period})"
    else:
        head += f"health {s.score_after:.1f}, no score then ({s.period})"
    lines = [head]
    if s.components:
        lines.append("  by component: " + ", ".join(f"{c.label} {c.delta:+.1f}" for c in s.components))
    n = s.news
    lines += [f"  new ticket {t.opened_on} {t.severity}: {text(t.subject or '')}" for t in n.tickets]
    lines += [
        f"  new {r.kind.upper()} {r.score} on {r.responded_on}" + (f": {text(r.comment)}" if r.comment else "")
        for r in n.responses
    ]
    lines += [f"  new {x.kind} {x.occurred_on}: {text(x.summary)}" for x in n.notes]
    lines += [f"  MRR from {m.effective_date}: " + ("removed" if m.mrr is None else f"{m.mrr:,.0f}") for m in n.mrr]
    lines += [f"  renewal date {before or '-'} → {after or '-'}" for before, after in n.renewal_dates]
    lines += [f"  contact left: {text(name)} on {day}" for name, day in n.contacts_left]
    lines += [f"  follow-up now overdue (due {due}): {text(title)}" for due, title in n.overdue]
    if not s.anything:
        lines.append("  nothing new")
    return lines
