-- Rows the CSM types in (feedback form, `cstui note add`, `cstui survey add`) are never duplicates
-- of each other: two calls with the same summary on the same day are two calls. The natural-key
-- indexes that make re-imports idempotent now cover imported rows only.
ALTER TABLE interactions ADD COLUMN source TEXT NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'entered'));
ALTER TABLE surveys ADD COLUMN source TEXT NOT NULL DEFAULT 'import' CHECK (source IN ('import', 'entered'));
DROP INDEX interactions_natural;
CREATE UNIQUE INDEX interactions_natural ON interactions(
    account_id, occurred_on, kind, summary, ifnull(contact_email, ''), ifnull(notes, ''), ifnull(sentiment, 99))
    WHERE source = 'import';
DROP INDEX surveys_natural;
CREATE UNIQUE INDEX surveys_natural ON surveys(
    account_id, kind, score, responded_on, ifnull(contact_email, ''), ifnull(comment, ''))
    WHERE source = 'import';
