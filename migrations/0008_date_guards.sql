-- Every date column holds a real calendar date written YYYY-MM-DD, or NULL: '2026-11-00',
-- '2025-02-30' and '0000-00-00' are refused on insert and on update. A CHECK constraint would need
-- each table rebuilt and would fail on a book that already holds such a value, so each column gets
-- a pair of triggers instead: date_guard_<table>_<column>_insert and ..._update. They refuse new
-- bad values only; values already in the book stay where they are and `cstui doctor` names them.
-- date(x, '+0 days') IS x is SQLite's own test: it rewrites 2025-02-30 as 2025-03-02 (plain
-- date(x) keeps it) and gives NULL for 2026-11-00; year 0000, which SQLite accepts but Python
-- does not, is refused too. A table rebuilt by a later step loses its triggers, and a date column
-- added later has none: refresh_date_guards (cstui/storage/date_guards.py) writes the missing
-- pairs, exactly like these, at the end of every later step.

CREATE TRIGGER date_guard_accounts_start_date_insert BEFORE INSERT ON accounts
    WHEN NEW.start_date IS NOT NULL AND (date(NEW.start_date, '+0 days') IS NOT NEW.start_date OR NEW.start_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'accounts.start_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_accounts_start_date_update BEFORE UPDATE OF start_date ON accounts
    WHEN NEW.start_date IS NOT NULL AND (date(NEW.start_date, '+0 days') IS NOT NEW.start_date OR NEW.start_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'accounts.start_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_accounts_renewal_date_insert BEFORE INSERT ON accounts
    WHEN NEW.renewal_date IS NOT NULL AND (date(NEW.renewal_date, '+0 days') IS NOT NEW.renewal_date OR NEW.renewal_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'accounts.renewal_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_accounts_renewal_date_update BEFORE UPDATE OF renewal_date ON accounts
    WHEN NEW.renewal_date IS NOT NULL AND (date(NEW.renewal_date, '+0 days') IS NOT NEW.renewal_date OR NEW.renewal_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'accounts.renewal_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_accounts_churn_date_insert BEFORE INSERT ON accounts
    WHEN NEW.churn_date IS NOT NULL AND (date(NEW.churn_date, '+0 days') IS NOT NEW.churn_date OR NEW.churn_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'accounts.churn_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_accounts_churn_date_update BEFORE UPDATE OF churn_date ON accounts
    WHEN NEW.churn_date IS NOT NULL AND (date(NEW.churn_date, '+0 days') IS NOT NEW.churn_date OR NEW.churn_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'accounts.churn_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_mrr_history_effective_date_insert BEFORE INSERT ON mrr_history
    WHEN NEW.effective_date IS NOT NULL AND (date(NEW.effective_date, '+0 days') IS NOT NEW.effective_date OR NEW.effective_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'mrr_history.effective_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_mrr_history_effective_date_update BEFORE UPDATE OF effective_date ON mrr_history
    WHEN NEW.effective_date IS NOT NULL AND (date(NEW.effective_date, '+0 days') IS NOT NEW.effective_date OR NEW.effective_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'mrr_history.effective_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_invoices_issued_date_insert BEFORE INSERT ON invoices
    WHEN NEW.issued_date IS NOT NULL AND (date(NEW.issued_date, '+0 days') IS NOT NEW.issued_date OR NEW.issued_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'invoices.issued_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_invoices_issued_date_update BEFORE UPDATE OF issued_date ON invoices
    WHEN NEW.issued_date IS NOT NULL AND (date(NEW.issued_date, '+0 days') IS NOT NEW.issued_date OR NEW.issued_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'invoices.issued_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_invoices_due_date_insert BEFORE INSERT ON invoices
    WHEN NEW.due_date IS NOT NULL AND (date(NEW.due_date, '+0 days') IS NOT NEW.due_date OR NEW.due_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'invoices.due_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_invoices_due_date_update BEFORE UPDATE OF due_date ON invoices
    WHEN NEW.due_date IS NOT NULL AND (date(NEW.due_date, '+0 days') IS NOT NEW.due_date OR NEW.due_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'invoices.due_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_invoices_paid_date_insert BEFORE INSERT ON invoices
    WHEN NEW.paid_date IS NOT NULL AND (date(NEW.paid_date, '+0 days') IS NOT NEW.paid_date OR NEW.paid_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'invoices.paid_date: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_invoices_paid_date_update BEFORE UPDATE OF paid_date ON invoices
    WHEN NEW.paid_date IS NOT NULL AND (date(NEW.paid_date, '+0 days') IS NOT NEW.paid_date OR NEW.paid_date < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'invoices.paid_date: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_interactions_occurred_on_insert BEFORE INSERT ON interactions
    WHEN NEW.occurred_on IS NOT NULL AND (date(NEW.occurred_on, '+0 days') IS NOT NEW.occurred_on OR NEW.occurred_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'interactions.occurred_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_interactions_occurred_on_update BEFORE UPDATE OF occurred_on ON interactions
    WHEN NEW.occurred_on IS NOT NULL AND (date(NEW.occurred_on, '+0 days') IS NOT NEW.occurred_on OR NEW.occurred_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'interactions.occurred_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_interactions_follow_up_on_insert BEFORE INSERT ON interactions
    WHEN NEW.follow_up_on IS NOT NULL AND (date(NEW.follow_up_on, '+0 days') IS NOT NEW.follow_up_on OR NEW.follow_up_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'interactions.follow_up_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_interactions_follow_up_on_update BEFORE UPDATE OF follow_up_on ON interactions
    WHEN NEW.follow_up_on IS NOT NULL AND (date(NEW.follow_up_on, '+0 days') IS NOT NEW.follow_up_on OR NEW.follow_up_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'interactions.follow_up_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_surveys_responded_on_insert BEFORE INSERT ON surveys
    WHEN NEW.responded_on IS NOT NULL AND (date(NEW.responded_on, '+0 days') IS NOT NEW.responded_on OR NEW.responded_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'surveys.responded_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_surveys_responded_on_update BEFORE UPDATE OF responded_on ON surveys
    WHEN NEW.responded_on IS NOT NULL AND (date(NEW.responded_on, '+0 days') IS NOT NEW.responded_on OR NEW.responded_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'surveys.responded_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_usage_daily_day_insert BEFORE INSERT ON usage_daily
    WHEN NEW.day IS NOT NULL AND (date(NEW.day, '+0 days') IS NOT NEW.day OR NEW.day < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'usage_daily.day: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_usage_daily_day_update BEFORE UPDATE OF day ON usage_daily
    WHEN NEW.day IS NOT NULL AND (date(NEW.day, '+0 days') IS NOT NEW.day OR NEW.day < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'usage_daily.day: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_feature_usage_day_insert BEFORE INSERT ON feature_usage
    WHEN NEW.day IS NOT NULL AND (date(NEW.day, '+0 days') IS NOT NEW.day OR NEW.day < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'feature_usage.day: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_feature_usage_day_update BEFORE UPDATE OF day ON feature_usage
    WHEN NEW.day IS NOT NULL AND (date(NEW.day, '+0 days') IS NOT NEW.day OR NEW.day < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'feature_usage.day: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_tickets_opened_on_insert BEFORE INSERT ON tickets
    WHEN NEW.opened_on IS NOT NULL AND (date(NEW.opened_on, '+0 days') IS NOT NEW.opened_on OR NEW.opened_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tickets.opened_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_tickets_opened_on_update BEFORE UPDATE OF opened_on ON tickets
    WHEN NEW.opened_on IS NOT NULL AND (date(NEW.opened_on, '+0 days') IS NOT NEW.opened_on OR NEW.opened_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tickets.opened_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_tickets_closed_on_insert BEFORE INSERT ON tickets
    WHEN NEW.closed_on IS NOT NULL AND (date(NEW.closed_on, '+0 days') IS NOT NEW.closed_on OR NEW.closed_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tickets.closed_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_tickets_closed_on_update BEFORE UPDATE OF closed_on ON tickets
    WHEN NEW.closed_on IS NOT NULL AND (date(NEW.closed_on, '+0 days') IS NOT NEW.closed_on OR NEW.closed_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tickets.closed_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_tasks_due_on_insert BEFORE INSERT ON tasks
    WHEN NEW.due_on IS NOT NULL AND (date(NEW.due_on, '+0 days') IS NOT NEW.due_on OR NEW.due_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tasks.due_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_tasks_due_on_update BEFORE UPDATE OF due_on ON tasks
    WHEN NEW.due_on IS NOT NULL AND (date(NEW.due_on, '+0 days') IS NOT NEW.due_on OR NEW.due_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tasks.due_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_tasks_created_on_insert BEFORE INSERT ON tasks
    WHEN NEW.created_on IS NOT NULL AND (date(NEW.created_on, '+0 days') IS NOT NEW.created_on OR NEW.created_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tasks.created_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_tasks_created_on_update BEFORE UPDATE OF created_on ON tasks
    WHEN NEW.created_on IS NOT NULL AND (date(NEW.created_on, '+0 days') IS NOT NEW.created_on OR NEW.created_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tasks.created_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_tasks_done_on_insert BEFORE INSERT ON tasks
    WHEN NEW.done_on IS NOT NULL AND (date(NEW.done_on, '+0 days') IS NOT NEW.done_on OR NEW.done_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tasks.done_on: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_tasks_done_on_update BEFORE UPDATE OF done_on ON tasks
    WHEN NEW.done_on IS NOT NULL AND (date(NEW.done_on, '+0 days') IS NOT NEW.done_on OR NEW.done_on < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'tasks.done_on: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_health_snapshots_as_of_insert BEFORE INSERT ON health_snapshots
    WHEN NEW.as_of IS NOT NULL AND (date(NEW.as_of, '+0 days') IS NOT NEW.as_of OR NEW.as_of < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'health_snapshots.as_of: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_health_snapshots_as_of_update BEFORE UPDATE OF as_of ON health_snapshots
    WHEN NEW.as_of IS NOT NULL AND (date(NEW.as_of, '+0 days') IS NOT NEW.as_of OR NEW.as_of < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'health_snapshots.as_of: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_checkin_state_day_insert BEFORE INSERT ON checkin_state
    WHEN NEW.day IS NOT NULL AND (date(NEW.day, '+0 days') IS NOT NEW.day OR NEW.day < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'checkin_state.day: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_checkin_state_day_update BEFORE UPDATE OF day ON checkin_state
    WHEN NEW.day IS NOT NULL AND (date(NEW.day, '+0 days') IS NOT NEW.day OR NEW.day < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'checkin_state.day: not a date (YYYY-MM-DD)'); END;

CREATE TRIGGER date_guard_checkin_state_snoozed_until_insert BEFORE INSERT ON checkin_state
    WHEN NEW.snoozed_until IS NOT NULL AND (date(NEW.snoozed_until, '+0 days') IS NOT NEW.snoozed_until OR NEW.snoozed_until < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'checkin_state.snoozed_until: not a date (YYYY-MM-DD)'); END;
CREATE TRIGGER date_guard_checkin_state_snoozed_until_update BEFORE UPDATE OF snoozed_until ON checkin_state
    WHEN NEW.snoozed_until IS NOT NULL AND (date(NEW.snoozed_until, '+0 days') IS NOT NEW.snoozed_until OR NEW.snoozed_until < '0001-01-01')
    BEGIN SELECT RAISE(ABORT, 'checkin_state.snoozed_until: not a date (YYYY-MM-DD)'); END;
