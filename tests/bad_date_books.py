"""A book with a real date in every date column, and raw writes that get past the date guards, for
the tests of dates written outside cstui."""

import sqlite3

from tests.bookmaker import BookMaker


def small_book(db) -> dict[str, int]:
    """One row in every table that has a date column, all dates real; returns the ids."""
    make = BookMaker(db)
    acct = make.account("A1", "2024-01-10", renewal="2027-01-10", name="Acme")
    with db.conn:
        db.conn.execute("INSERT INTO contacts (account_id, name, left_on) VALUES (?, 'Dana', '2026-06-30')", [acct])
    make.mrr(acct, "2024-01-10", 1000)
    make.invoice(acct, "INV-1", "2026-10-01", "2026-10-31", 1000, paid="2026-10-20")
    note = make.note(acct, "2026-11-20", sentiment=1)
    make.survey(acct, "nps", 9, "2026-11-10")
    make.usage(acct, "2026-11-20", 5, 60)
    feature = make.feature("reports")
    make.feature_use(acct, "2026-11-20", feature)
    make.ticket(acct, "2026-11-01", closed="2026-11-02")
    with db.conn:
        db.conn.execute(
            "UPDATE interactions SET follow_up_on = '2026-12-01' WHERE id = ?",
            [note],
        )
        db.conn.execute(
            "INSERT INTO tasks (account_id, interaction_id, title, due_on, created_on, done_on)"
            " VALUES (?, ?, 'send deck', '2026-12-01', '2026-11-20', '2026-11-21')",
            [acct, note],
        )
        db.conn.execute(
            "INSERT INTO health_snapshots (account_id, as_of, score, band, components) VALUES (?, '2026-11-01', 50, 'yellow', '[]')",
            [acct],
        )
        db.conn.execute(
            "INSERT INTO checkin_state (account_id, day, action, snoozed_until) VALUES (?, '2026-11-20', 'snoozed', '2026-11-27')",
            [acct],
        )
        db.conn.execute("INSERT INTO import_profiles (name, body, saved_on) VALUES ('crm', '{}', '2026-11-20')")
        db.conn.execute(
            "INSERT INTO playbook_runs (account_id, playbook_name, started_on, anchor_date)"
            " VALUES (?, 'onboarding', '2026-11-20', '2024-01-10')",
            [acct],
        )
        db.conn.execute(
            "INSERT INTO renewal_calls (account_id, renewal_date, call, called_on)"
            " VALUES (?, '2027-01-10', 'commit', '2026-11-20')",
            [acct],
        )
        db.conn.execute(
            "INSERT INTO derived_figures (name, as_of, version, body) VALUES ('p', '2026-11-20', '{}', '{}')"
        )
        db.conn.execute("INSERT INTO snapshot_versions (as_of, version) VALUES ('2026-11-20', '{}')")
        db.conn.execute(
            "INSERT INTO account_seen (account_id, seen_on, history_id, components) VALUES (?, '2026-11-20', 0, '[]')",
            [acct],
        )
        db.conn.execute(
            "INSERT INTO success_plans (account_id, objective, agreed_on, done_on)"
            " VALUES (?, 'Grow', '2026-10-01', '2026-11-20')",
            [acct],
        )
        db.conn.execute(
            "INSERT INTO plan_goals (account_id, title, start_on, due_on, done_on)"
            " VALUES (?, 'Kick-off', '2026-10-01', '2026-12-31', '2026-11-20')",
            [acct],
        )
        db.conn.execute(
            "INSERT INTO account_stages (account_id, stage, entered_on) VALUES (?, 'adoption', '2026-10-01')", [acct]
        )
        db.conn.execute(
            "INSERT INTO qbr_packs (account_id, quarter, made_on, figures) VALUES (?, '2026Q4', '2026-11-20', '{}')",
            [acct],
        )
    return {"account": acct, "note": note}


def drop_guards(conn: sqlite3.Connection) -> None:
    """What a hand edit can do: remove the date guards, so bad dates can be written as before 0008."""
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'date_guard_%'"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.commit()


def write_raw(path, sql: str, args: list | tuple = (), drop: bool = True) -> None:
    """Write straight into the book as sqlite3 would, by default with its date guards dropped."""
    conn = sqlite3.connect(path)
    try:
        if drop:
            drop_guards(conn)
        conn.execute(sql, args)
        conn.commit()
    finally:
        conn.close()
