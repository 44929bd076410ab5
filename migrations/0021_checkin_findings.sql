-- The check-in's findings of a day, kept while the book is at the version they came from, so that
-- reopening the check-in after a review, a snooze or a task re-applies only those
-- (cstui/storage/checkin_findings.py, docs/book.md "Stored check-in"). Derived data, never a source:
-- not recorded in the history, and deleting these rows only makes cstui compute them again.

-- The day the findings are for, and what they came from.
-- (Its dates are copies of guarded columns, named so that they are not taken for facts to guard.)
CREATE TABLE checkin_days (
    checkin_day TEXT PRIMARY KEY,
    version TEXT NOT NULL        -- the book version, the check-in's own inputs and its rule rows (JSON)
);

-- One row per account on the books after the day (with its findings, if any).
CREATE TABLE checkin_findings (
    checkin_day TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    renewal TEXT,                -- accounts.renewal_date
    score REAL,
    band TEXT NOT NULL,
    arr REAL NOT NULL,           -- 12 x MRR at the start of the next day
    base REAL NOT NULL,          -- the stake before the reasons' weight: max(ARR, 1) x band x renewal
    weight INTEGER NOT NULL,     -- the findings' weight when every one is new (0: nothing found)
    rank INTEGER NOT NULL,       -- the order among the accounts with findings when every one is new
    found TEXT NOT NULL,         -- JSON [[rule, text, object, severity], ...], in the rules' order
    PRIMARY KEY (checkin_day, account_id)
) WITHOUT ROWID;
