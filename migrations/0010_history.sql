-- History and undo: every change made through cstui (a CLI command, a TUI form, an import run, an
-- undo) is one row of `changes`; every row it inserted, updated or deleted is one row of `history`
-- with the old and new values as JSON. The rows are written by AFTER triggers on every table cstui
-- writes, generated from the live schema after each migration (cstui/storage/history.py), and only
-- while a change is open: the write path puts the change's id in `open_change` at the start of its
-- transaction and clears it before COMMIT (a trigger cannot read a temp table).
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    made_at TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('cli', 'tui', 'import', 'demo')),
    description TEXT NOT NULL CHECK (length(description) > 0),
    kind TEXT NOT NULL DEFAULT 'change' CHECK (kind IN ('change', 'undo', 'redo')),
    -- The change an undo (or a redo: the undo) reverted.
    reverts INTEGER REFERENCES changes(id),
    CHECK ((kind = 'change') = (reverts IS NULL))
);
CREATE INDEX changes_reverts ON changes(reverts);

CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    change_id INTEGER NOT NULL REFERENCES changes(id) ON DELETE CASCADE,
    table_name TEXT NOT NULL,
    row_id INTEGER,
    -- The account the row belongs to (its account_id, or its id for accounts), for `--account`.
    account_id INTEGER,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    old_values TEXT CHECK ((op = 'insert') = (old_values IS NULL)),
    new_values TEXT CHECK ((op = 'delete') = (new_values IS NULL))
);
CREATE INDEX history_change ON history(change_id);
CREATE INDEX history_account ON history(account_id) WHERE account_id IS NOT NULL;

CREATE TABLE open_change (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    change_id INTEGER NOT NULL REFERENCES changes(id)
);

-- A champion who left is a fact, not a deletion.
ALTER TABLE contacts ADD COLUMN left_on TEXT
    CHECK (left_on IS NULL OR left_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
-- Who a logged conversation was with, also when the contact has no email.
ALTER TABLE interactions ADD COLUMN contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL;
