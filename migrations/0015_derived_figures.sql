-- Figures computed from the book, kept so that they are not computed again while the book has not
-- changed (cstui/storage/derived.py, docs/book.md "Stored figures"). Derived data, never a source:
-- not recorded in the history, and deleting these rows only makes cstui compute them again.

-- The dashboard's portfolio figures as of a date, and the book version they were computed from.
CREATE TABLE derived_figures (
    name TEXT NOT NULL,      -- what the figures are ('portfolio': the dashboard's report)
    as_of TEXT NOT NULL,     -- the date they are as of
    version TEXT NOT NULL,   -- the book version they came from (JSON of derived.BookVersion)
    body TEXT NOT NULL,      -- the figures (JSON)
    PRIMARY KEY (name, as_of)
);

-- The trends screen's figures of one month: `[month start, end_day)`, end_day being the next
-- month's first day, or the day after the as-of date for the month still running.
CREATE TABLE month_figures (
    month TEXT PRIMARY KEY,  -- YYYY-MM
    end_day TEXT NOT NULL,
    version TEXT NOT NULL,   -- the book version they came from (JSON of derived.BookVersion)
    body TEXT NOT NULL       -- the figures (JSON)
);

-- The book version each day's health snapshot was taken at (today's is rewritten when it is not
-- current; older days are kept as they were taken).
CREATE TABLE snapshot_versions (
    as_of TEXT PRIMARY KEY,
    version TEXT NOT NULL
);
