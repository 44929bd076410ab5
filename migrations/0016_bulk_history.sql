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
