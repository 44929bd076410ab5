"""The six health components, each one registered definition: facts and score in SQL, words in Python.

docs/metrics.md gives each rule with an example. The engine (`health.py`) and the month-end scorer
(`month_ends.py`) are both built from these definitions (`health_registry.py`), so a change here is
a change to both. Each fact is a seek per account into the window it reads; averages sum their rows
in the order of the account's own index (the surveys' in an order stated once, below).
"""

from datetime import date

from cstui.metrics.base import Conn, trailing
from cstui.metrics.health_registry import Facts, component, days_since
from cstui.metrics.usage import WINDOW_DAYS, key_feature_count, usage_window
from cstui.storage import predicates as rule

SURVEY_DAYS = 180
SENTIMENT_DAYS = 90
LATE_DAYS_WINDOW = 365
# Relationship recency: 100 within RECENCY_FULL days of the last contact, 0 from RECENCY_ZERO, linear between.
RECENCY_FULL, RECENCY_ZERO = 14, 90


# ---------------------------------------------------------------- usage


def _usage_params(conn: Conn, day: date) -> dict[str, object]:
    window = usage_window(day)
    return {"usage_start": window.s, "usage_before": window.before().s, "usage_days": window.days}


# Stickiness: active days / the window's days; growth: minutes vs the window before, 50 + change% / 2,
# clamped to 0..100 (100 when usage starts from nothing, undefined when both windows are empty).
_STICKINESS = "(100.0 * {active_days} / :usage_days)"
_GROWTH = (
    "(CASE WHEN {previous} = 0 THEN CASE WHEN {minutes} > 0 THEN 100.0 END"
    " ELSE max(0.0, min(100.0, 50 + (100.0 * ({minutes} - {previous}) / {previous}) / 2)) END)"
)


@component(
    "usage",
    "Product usage",
    "stickiness (active days / 30) and growth of minutes vs the 30 days before, averaged",
    stale_after=14,
    missing_raw="no usage data",
    facts={
        "active_days": "coalesce(sum(u.active_users > 0), 0)",
        "minutes": "coalesce(sum(u.minutes), 0.0)",
        "previous": "coalesce((SELECT sum(p.minutes) FROM usage_daily p"
        " WHERE p.account_id = a.id AND p.day >= :usage_before AND p.day < :usage_start), 0.0)",
        "newest": "(SELECT max(n.day) FROM usage_daily n WHERE n.account_id = a.id AND n.day < :e)",
    },
    # The mean of the defined ones (stickiness is defined whenever the account has usage data).
    score=f"CASE WHEN {{newest}} IS NOT NULL THEN CASE WHEN {_GROWTH} IS NULL THEN {_STICKINESS} / 1"
    f" ELSE ({_STICKINESS} + {_GROWTH}) / 2 END END",
    newest="newest",
    newest_from="usage_daily.day",
    params=_usage_params,
    # The window's days in one range scan per account, which the first two facts sum over.
    rows="usage_daily u ON u.account_id = a.id AND u.day >= :usage_start AND u.day < :e",
)
def _describe_usage(f: Facts) -> str:
    minutes, previous = f.number("minutes"), f.number("previous")
    if previous == 0:
        growth = "new usage" if minutes > 0 else "no minutes either window"
    else:
        growth = f"minutes {100.0 * (minutes - previous) / previous:+.0f}% vs prior {WINDOW_DAYS}d"
    return f"{f['active_days']}/{WINDOW_DAYS} active days, {growth}"


# ---------------------------------------------------------------- adoption


def _adoption_params(conn: Conn, day: date) -> dict[str, object]:
    return {"adoption_start": usage_window(day).s, "adoption_keys": key_feature_count(conn)}


@component(
    "adoption",
    "Feature adoption",
    "share of the key features used in the last 30 days",
    stale_after=14,
    missing_raw="no feature usage data",
    facts={
        "used": """(SELECT count(DISTINCT fu.feature_id) FROM feature_usage fu
            JOIN features f ON f.id = fu.feature_id AND f.is_key = 1
            WHERE fu.account_id = a.id AND fu.day >= :adoption_start AND fu.day < :e AND fu.events > 0)""",
        "newest": "(SELECT max(fu.day) FROM feature_usage fu WHERE fu.account_id = a.id AND fu.day < :e)",
    },
    score="CASE WHEN :adoption_keys AND {newest} IS NOT NULL THEN 100.0 * {used} / :adoption_keys END",
    details={"keys": ":adoption_keys"},
    newest="newest",
    newest_from="feature_usage.day",
    params=_adoption_params,
)
def _describe_adoption(f: Facts) -> str:
    return f"{f['used']}/{f['keys']} key features used in {WINDOW_DAYS} days"


# ---------------------------------------------------------------- surveys


def _survey_params(conn: Conn, day: date) -> dict[str, object]:
    return {"surveys_start": trailing(day, SURVEY_DAYS).s}


_SURVEYS = "FROM surveys s WHERE s.account_id = a.id AND s.responded_on >= :surveys_start AND s.responded_on < :e"


def _survey_mean(kind: str) -> str:
    return f"(SELECT avg(CASE WHEN s.kind = '{kind}' THEN s.score END) {_SURVEYS})"


@component(
    "surveys",
    "Survey sentiment",
    f"mean of NPS, CSAT and CES responses of the last {SURVEY_DAYS} days, each on 0-100",
    stale_after=365,
    missing_raw=f"no responses in {SURVEY_DAYS} days",
    # Each response on 0-100 (NPS x 10, CSAT (s - 1) x 25, CES (7 - s) x 100 / 6: lower effort is
    # better), averaged in a stated order so the sum of these non-integers is the same every time.
    facts={
        "mean": f"""(SELECT avg(value) FROM (
            SELECT CASE s.kind WHEN 'nps' THEN s.score * 10.0 WHEN 'csat' THEN (s.score - 1) * 25.0
                ELSE (7 - s.score) * 100.0 / 6 END AS value
            {_SURVEYS}
            ORDER BY s.responded_on, s.kind, s.score, s.text_sentiment, s.id))""",
    },
    score="{mean}",
    details={
        "responses": f"(SELECT count(*) {_SURVEYS})",
        "nps": _survey_mean("nps"),
        "csat": _survey_mean("csat"),
        "ces": _survey_mean("ces"),
        "newest": f"(SELECT max(s.responded_on) {_SURVEYS})",
    },
    newest="newest",
    newest_from="surveys.responded_on",
    params=_survey_params,
)
def _describe_surveys(f: Facts) -> str:
    # Average scores on each survey's own scale (an NPS average of 3.7 is not an NPS of 3.7).
    scales = (("NPS", f.maybe("nps"), 10), ("CSAT", f.maybe("csat"), 5), ("CES", f.maybe("ces"), 7))
    parts = [f"{label} {value:.1f}/{top}" for label, value, top in scales if value is not None]
    return f"avg {' '.join(parts)} ({f['responses']} in {SURVEY_DAYS}d)"


# ---------------------------------------------------------------- support

_OPEN_TICKETS = f"FROM tickets t WHERE t.account_id = a.id AND {rule.open_ticket('d', 't')}"


@component(
    "support",
    "Support load",
    "100 less 10 per open low/normal ticket and 25 per open high/urgent one",
    stale_after=None,
    missing_raw="0 open tickets",
    missing_score=100.0,
    facts={
        "normal": f"(SELECT sum(t.severity IN ('low', 'normal')) {_OPEN_TICKETS})",
        "severe": f"(SELECT sum(t.severity IN ('high', 'urgent')) {_OPEN_TICKETS})",
    },
    score="max(0.0, 100.0 - 10 * {normal} - 25 * {severe})",
    details={"newest": f"(SELECT max(t.opened_on) {_OPEN_TICKETS})"},
    newest="newest",
    newest_from="tickets.opened_on",
)
def _describe_support(f: Facts) -> str:
    severe = f.number("severe")
    return f"{f.number('normal') + severe} open tickets ({severe} high/urgent)"


# ---------------------------------------------------------------- payment


def _payment_params(conn: Conn, day: date) -> dict[str, object]:
    return {"payment_late_start": trailing(day, LATE_DAYS_WINDOW).s}


_INVOICES = "FROM invoices i WHERE i.account_id = a.id AND i.issued_date <= :d"


@component(
    "payment",
    "Payment history",
    f"100 less 25 per overdue invoice and the mean days paid late in {LATE_DAYS_WINDOW} days (at most 50)",
    stale_after=62,
    missing_raw="no invoices yet",
    facts={
        "overdue": f"(SELECT sum({rule.overdue_invoice('d', 'i')}) {_INVOICES})",
        "late": f"""(SELECT avg(CASE WHEN i.paid_date >= :payment_late_start AND i.paid_date <= :d
            THEN max(0, julianday(i.paid_date) - julianday(i.due_date)) END) {_INVOICES})""",
    },
    score="max(0.0, 100.0 - 25 * {overdue} - min(50.0, coalesce({late}, 0.0)))",
    details={"newest": f"(SELECT max(i.issued_date) {_INVOICES})"},
    newest="newest",
    newest_from="invoices.issued_date",
    params=_payment_params,
)
def _describe_payment(f: Facts) -> str:
    late = f.maybe("late")
    late_text = f"no payments in {LATE_DAYS_WINDOW}d" if late is None else f"paid {late:.0f}d late on average"
    return f"{f['overdue']} overdue, {late_text}"


# ---------------------------------------------------------------- relationship


def _relationship_params(conn: Conn, day: date) -> dict[str, object]:
    return {"relationship_mood_start": trailing(day, SENTIMENT_DAYS).s}


_RECENCY = (
    f"max(0.0, min(100.0, 100.0 * ({RECENCY_ZERO} - (julianday(:d) - julianday({{last}})))"
    f" / ({RECENCY_ZERO} - {RECENCY_FULL})))"
)


@component(
    "relationship",
    "Relationship",
    f"recency of the last logged contact, averaged with the mood of the last {SENTIMENT_DAYS} days' notes",
    stale_after=60,
    missing_raw="no logged contact",
    facts={
        # The last contact (the rule of `reads.last_contacts`) and the mood of the window's notes.
        "last": "(SELECT max(x.occurred_on) FROM interactions x"
        f" WHERE x.account_id = a.id AND {rule.contact_by('d', 'x')})",
        "mood": """(SELECT avg(coalesce(x.sentiment, x.text_sentiment)) FROM interactions x
            WHERE x.account_id = a.id AND x.occurred_on >= :relationship_mood_start AND x.occurred_on < :e)""",
    },
    # The mean of recency and mood ((mean sentiment + 2) x 25), or recency alone without notes.
    score=f"CASE WHEN {{last}} IS NOT NULL THEN CASE WHEN {{mood}} IS NULL THEN {_RECENCY} / 1"
    f" ELSE ({_RECENCY} + ({{mood}} + 2) * 25.0) / 2 END END",
    newest="last",
    newest_from="interactions.occurred_on",
    params=_relationship_params,
)
def _describe_relationship(f: Facts) -> str:
    raw = f"last contact {days_since(str(f['last']), f.as_of, 'interactions.occurred_on')}d ago"
    mood = f.maybe("mood")
    if mood is not None:
        raw += f", mood {mood:+.1f} of ±2 ({SENTIMENT_DAYS}d)"
    return raw
