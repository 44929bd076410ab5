-- Imports record their inserted rows as ranges instead of one history row (and one search-index
-- write) per row. While an import runs, `open_change.bulk` is 1: the generated history insert
-- triggers (cstui/storage/history.py) stay silent, and the importer writes one `history` row per
-- (table, account, run of consecutive rowids) with `row_id` the first rowid, `last_row_id` the
-- last and `new_values` the JSON `null` (the values are the rows themselves). Undo deletes the
-- range, which records every deleted row's values, so a redo puts back exactly what was there.
-- Every other write (cstui's single writes, Datasette, sqlite-utils: no open change) is recorded
-- and indexed row by row as before.
ALTER TABLE open_change ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0 CHECK (bulk IN (0, 1));
ALTER TABLE history ADD COLUMN last_row_id INTEGER;

-- The search index's insert triggers stay silent in a bulk change too: an FTS5 insert from a
-- trigger writes a new index segment per row (~100 us), so the importer indexes each batch's new
-- rows with one INSERT ... SELECT instead (`search.index_inserts`, the same rows as these bodies).
DROP TRIGGER search_accounts_insert;
CREATE TRIGGER search_accounts_insert AFTER INSERT ON accounts
    WHEN NOT EXISTS (SELECT 1 FROM open_change WHERE bulk = 1)
BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 1, 'account', new.id, new.id, NULL, new.name, new.key);
END;
DROP TRIGGER search_contacts_insert;
CREATE TRIGGER search_contacts_insert AFTER INSERT ON contacts
    WHEN NOT EXISTS (SELECT 1 FROM open_change WHERE bulk = 1)
BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 2, 'contact', new.account_id, new.id, NULL, new.name, NULL);
END;
DROP TRIGGER search_interactions_insert;
CREATE TRIGGER search_interactions_insert AFTER INSERT ON interactions
    WHEN NOT EXISTS (SELECT 1 FROM open_change WHERE bulk = 1)
BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 3, 'note', new.account_id, new.id, new.occurred_on, new.summary, new.notes);
END;
DROP TRIGGER search_surveys_insert;
CREATE TRIGGER search_surveys_insert AFTER INSERT ON surveys
    WHEN NOT EXISTS (SELECT 1 FROM open_change WHERE bulk = 1)
BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        SELECT new.id * 8 + 4, 'survey', new.account_id, new.id, new.responded_on, NULL, new.comment
        WHERE trim(ifnull(new.comment, '')) <> '';
END;
DROP TRIGGER search_tickets_insert;
CREATE TRIGGER search_tickets_insert AFTER INSERT ON tickets
    WHEN NOT EXISTS (SELECT 1 FROM open_change WHERE bulk = 1)
BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        SELECT new.id * 8 + 5, 'ticket', new.account_id, new.id, new.opened_on, new.subject, NULL
        WHERE trim(ifnull(new.subject, '')) <> '';
END;
DROP TRIGGER search_tasks_insert;
CREATE TRIGGER search_tasks_insert AFTER INSERT ON tasks
    WHEN NOT EXISTS (SELECT 1 FROM open_change WHERE bulk = 1)
BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 6, 'task', new.account_id, new.id, new.due_on, new.title, NULL);
END;
