-- Search everything: one FTS5 table over the text the CSM writes or imports, kept current by
-- triggers on the source tables, so `cstui search`, the app's ctrl+f, Datasette and
-- `sqlite-utils query` all read the same index.
--
-- One row per searchable record. `title` is the record's headline (account name, contact name,
-- call summary, ticket subject, task title), `body` its longer text (account key, call notes,
-- survey comment). `kind`, `account_id`, `record_id` and `day` are stored but not indexed.
-- The rowid is record_id * 8 + a code per kind (account 1, contact 2, note 3, survey 4,
-- ticket 5, task 6), so a trigger finds a record's row by rowid instead of scanning the index.
-- Records without text (a survey with no comment, a ticket with no subject) have no row. An
-- update that leaves the indexed columns as they were (a re-import upserting the same account)
-- does not touch the index.
-- The account's key and name are joined in when reading, so renaming an account touches one row.
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    account_id UNINDEXED,
    record_id UNINDEXED,
    day UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
    SELECT id * 8 + 1, 'account', id, id, NULL, name, key FROM accounts;
INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
    SELECT id * 8 + 2, 'contact', account_id, id, NULL, name, NULL FROM contacts;
INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
    SELECT id * 8 + 3, 'note', account_id, id, occurred_on, summary, notes FROM interactions;
INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
    SELECT id * 8 + 4, 'survey', account_id, id, responded_on, NULL, comment FROM surveys
    WHERE trim(ifnull(comment, '')) <> '';
INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
    SELECT id * 8 + 5, 'ticket', account_id, id, opened_on, subject, NULL FROM tickets
    WHERE trim(ifnull(subject, '')) <> '';
INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
    SELECT id * 8 + 6, 'task', account_id, id, due_on, title, NULL FROM tasks;

-- accounts
CREATE TRIGGER search_accounts_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 1, 'account', new.id, new.id, NULL, new.name, new.key);
END;
CREATE TRIGGER search_accounts_update AFTER UPDATE OF id, key, name ON accounts
    WHEN old.id IS NOT new.id OR old.key IS NOT new.key OR old.name IS NOT new.name
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 1, 'account', new.id, new.id, NULL, new.name, new.key);
END;
CREATE TRIGGER search_accounts_delete AFTER DELETE ON accounts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 1;
END;

-- contacts
CREATE TRIGGER search_contacts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 2, 'contact', new.account_id, new.id, NULL, new.name, NULL);
END;
CREATE TRIGGER search_contacts_update AFTER UPDATE OF id, account_id, name ON contacts
    WHEN old.id IS NOT new.id OR old.account_id IS NOT new.account_id OR old.name IS NOT new.name
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 2, 'contact', new.account_id, new.id, NULL, new.name, NULL);
END;
CREATE TRIGGER search_contacts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 2;
END;

-- interactions (kind 'note': calls, meetings, emails and notes alike)
CREATE TRIGGER search_interactions_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 3, 'note', new.account_id, new.id, new.occurred_on, new.summary, new.notes);
END;
CREATE TRIGGER search_interactions_update AFTER UPDATE OF id, account_id, occurred_on, summary, notes ON interactions
    WHEN old.id IS NOT new.id OR old.account_id IS NOT new.account_id
    OR old.occurred_on IS NOT new.occurred_on OR old.summary IS NOT new.summary OR old.notes IS NOT new.notes
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 3, 'note', new.account_id, new.id, new.occurred_on, new.summary, new.notes);
END;
CREATE TRIGGER search_interactions_delete AFTER DELETE ON interactions BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 3;
END;

-- surveys (only those with a comment)
CREATE TRIGGER search_surveys_insert AFTER INSERT ON surveys BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        SELECT new.id * 8 + 4, 'survey', new.account_id, new.id, new.responded_on, NULL, new.comment
        WHERE trim(ifnull(new.comment, '')) <> '';
END;
CREATE TRIGGER search_surveys_update AFTER UPDATE OF id, account_id, responded_on, comment ON surveys
    WHEN old.id IS NOT new.id OR old.account_id IS NOT new.account_id
    OR old.responded_on IS NOT new.responded_on OR old.comment IS NOT new.comment
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        SELECT new.id * 8 + 4, 'survey', new.account_id, new.id, new.responded_on, NULL, new.comment
        WHERE trim(ifnull(new.comment, '')) <> '';
END;
CREATE TRIGGER search_surveys_delete AFTER DELETE ON surveys BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 4;
END;

-- tickets (only those with a subject)
CREATE TRIGGER search_tickets_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        SELECT new.id * 8 + 5, 'ticket', new.account_id, new.id, new.opened_on, new.subject, NULL
        WHERE trim(ifnull(new.subject, '')) <> '';
END;
CREATE TRIGGER search_tickets_update AFTER UPDATE OF id, account_id, opened_on, subject ON tickets
    WHEN old.id IS NOT new.id OR old.account_id IS NOT new.account_id
    OR old.opened_on IS NOT new.opened_on OR old.subject IS NOT new.subject
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        SELECT new.id * 8 + 5, 'ticket', new.account_id, new.id, new.opened_on, new.subject, NULL
        WHERE trim(ifnull(new.subject, '')) <> '';
END;
CREATE TRIGGER search_tickets_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 5;
END;

-- tasks
CREATE TRIGGER search_tasks_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 6, 'task', new.account_id, new.id, new.due_on, new.title, NULL);
END;
CREATE TRIGGER search_tasks_update AFTER UPDATE OF id, account_id, due_on, title ON tasks
    WHEN old.id IS NOT new.id OR old.account_id IS NOT new.account_id
    OR old.due_on IS NOT new.due_on OR old.title IS NOT new.title
BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 6;
    INSERT INTO search_index (rowid, kind, account_id, record_id, day, title, body)
        VALUES (new.id * 8 + 6, 'task', new.account_id, new.id, new.due_on, new.title, NULL);
END;
CREATE TRIGGER search_tasks_delete AFTER DELETE ON tasks BEGIN
    DELETE FROM search_index WHERE rowid = old.id * 8 + 6;
END;
