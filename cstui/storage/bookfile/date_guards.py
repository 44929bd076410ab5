"""The date guards: a pair of triggers per date column that refuse a value that is not a date.

Schema step 0008_date_guards creates them for the columns of its day. A step that adds a date
column later, or rebuilds a table (which drops its triggers), gets them back from
`refresh_date_guards`, which runs at the end of every schema step after 0008: each column listed
in `DATE_COLUMNS` that exists has its pair, written exactly as 0008 writes it.
"""

import sqlite3

# Every date column of the book; SQL is only built from these names.
DATE_COLUMNS = {
    "accounts": ("start_date", "renewal_date", "churn_date"),
    "contacts": ("left_on",),
    "mrr_history": ("effective_date",),
    "invoices": ("issued_date", "due_date", "paid_date"),
    "interactions": ("occurred_on", "follow_up_on"),
    "surveys": ("responded_on",),
    "usage_daily": ("day",),
    "feature_usage": ("day",),
    "tickets": ("opened_on", "closed_on"),
    "tasks": ("due_on", "created_on", "done_on"),
    "health_snapshots": ("as_of",),
    "checkin_state": ("day", "snoozed_until"),
    "import_profiles": ("saved_on",),
    "playbook_runs": ("started_on", "anchor_date"),
    "renewal_calls": ("renewal_date", "called_on"),
    "derived_figures": ("as_of",),
    "snapshot_versions": ("as_of",),
    "account_seen": ("seen_on",),
    "success_plans": ("agreed_on", "done_on"),
    "plan_goals": ("start_on", "due_on", "done_on"),
    "account_stages": ("entered_on",),
    "qbr_packs": ("made_on",),
}
DATE_GUARD_STEP = "0008_date_guards"
_PREFIX = "date_guard_"


def date_guard_names(table: str, column: str) -> tuple[str, str]:
    """The names of the insert and update triggers that keep `table.column` a date."""
    return f"{_PREFIX}{table}_{column}_insert", f"{_PREFIX}{table}_{column}_update"


def not_a_date(value: str) -> str:
    """SQL for 'holds something that is not a YYYY-MM-DD calendar date'.

    date(x, '+0 days') rewrites 2025-02-30 as 2025-03-02 (plain date(x) keeps it) and is NULL for
    2026-11-00; year 0000, which SQLite accepts and Python does not, is refused too.
    """
    return f"{value} IS NOT NULL AND (date({value}, '+0 days') IS NOT {value} OR {value} < '0001-01-01')"


def guard_sql(table: str, column: str) -> tuple[str, str]:
    """The CREATE TRIGGER statements of `table.column`'s pair, as schema step 0008 writes them."""
    insert, update = date_guard_names(table, column)
    when = f"    WHEN {not_a_date('NEW.' + column)}\n"
    body = f"    BEGIN SELECT RAISE(ABORT, '{table}.{column}: not a date (YYYY-MM-DD)'); END"
    return (
        f"CREATE TRIGGER {insert} BEFORE INSERT ON {table}\n{when}{body}",
        f"CREATE TRIGGER {update} BEFORE UPDATE OF {column} ON {table}\n{when}{body}",
    )


def refresh_date_guards(conn: sqlite3.Connection) -> None:
    """Give every existing date column its missing guards, once step 0008 has put the first ones in."""
    triggers = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    if not any(name.startswith(_PREFIX) for name in triggers):
        return  # before step 0008: the guards come with it
    for table, columns in DATE_COLUMNS.items():
        present = {name for (name,) in conn.execute("SELECT name FROM pragma_table_info(?)", [table])}
        for column in columns:
            if column not in present:
                continue
            for name, sql in zip(date_guard_names(table, column), guard_sql(table, column)):
                if name not in triggers:
                    conn.execute(sql)
