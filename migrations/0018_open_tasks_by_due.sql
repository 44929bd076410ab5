-- The book-wide task list (issue 15): open follow-ups read in due-date order from an index instead
-- of sorted on every load. Overdue-first is due-date order (an overdue task is due before today).
CREATE INDEX tasks_open_due ON tasks(due_on) WHERE done_on IS NULL;
