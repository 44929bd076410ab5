-- Saved import profiles (`cstui import FILE --save-profile NAME`, `--profile NAME`, `cstui profile ...`):
-- how one tool's CSV export maps onto one of cstui's files. The body is the profile as JSON, the same
-- object `cstui profile export` writes (without its name and version): table, columns, values,
-- date_format, decimal, encoding, delimiter, cents, paid_when, account_from_email.
CREATE TABLE import_profiles (
    name TEXT PRIMARY KEY CHECK (length(trim(name)) > 0),
    body TEXT NOT NULL CHECK (json_valid(body)),
    saved_on TEXT NOT NULL
);
