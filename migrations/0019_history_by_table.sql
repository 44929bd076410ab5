-- The book version of the stored figures (issue 15) counts only changes to the tables the figures
-- read: the newest history row of each such table, one index seek each. A check-in review, a task
-- or a playbook run then leaves today's figures and snapshot current.
CREATE INDEX history_table ON history(table_name, id);
