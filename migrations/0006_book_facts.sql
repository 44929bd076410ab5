-- Facts about the book itself, one value per name. `built_by = 'cstui demo'` marks a book that
-- `cstui demo` built, so that `cstui demo --rebuild` replaces a demo book and refuses any other.
CREATE TABLE book_facts (
    name TEXT PRIMARY KEY CHECK (length(name) > 0),
    value TEXT NOT NULL
);
