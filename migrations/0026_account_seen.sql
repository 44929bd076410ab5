-- When the CSM last opened each account (issue 28, "since your last look"): the account screen opens
-- with what is new since then. A marker per account, not a fact about the customer: not recorded in
-- the history (an undo never moves it), not exported (cstui/storage/seen.py, docs/book.md).
CREATE TABLE account_seen (
    account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    seen_on TEXT NOT NULL,           -- the day (the app's as-of date) the account was last opened
    history_id INTEGER NOT NULL,     -- the newest history row then: rows written after it are new
    score REAL,                      -- the health score then (NULL: no score)
    components TEXT NOT NULL         -- the health breakdown then (JSON, as health_snapshots.components)
);
