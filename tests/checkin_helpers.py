"""Check-in helpers shared by the rule and queue tests: an item as a comparable tuple, and what one
rule finds on a hand-made book on a pinned day."""

from datetime import date
from functools import partial

from cstui.derived.health_cache import current_scores
from cstui.metrics.checkin import CheckinItem
from cstui.metrics.checkin_rules import RULES, Finding, RuleInputs


def shown(item: CheckinItem) -> tuple:
    reasons = [(r.rule, str(r.kind), r.text, r.action, r.object, r.severity, r.new) for r in item.reasons]
    return (item.account_id, item.key, item.name, str(item.band), item.score, item.arr, item.renewal_date,
            item.stake, str(item.status), item.snoozed_until, reasons)  # fmt: skip


DAY = date(2026, 6, 15)


def found(book, rule: str) -> list[Finding]:
    """What `rule` finds on DAY at its default threshold (the migration row's)."""
    scores_on = partial(current_scores, book.conn)
    definition = RULES[rule]
    return list(
        definition.find(RuleInputs(book.conn, DAY, scores_on(DAY), scores_on), definition.default_threshold or 0.0)
    )
