-- Calendar and mail ingest (`cstui ingest`): where an ingested meeting or message came from, who was
-- in it, how long a meeting took, and whether the CSM has looked at it yet.
-- The account's email domain (acme.com) matches mail from people who are not contacts yet; editable,
-- filled from the contacts' addresses by `cstui ingest` when empty.
ALTER TABLE accounts ADD COLUMN domain TEXT;
CREATE INDEX accounts_domain ON accounts(domain);
-- ics:UID|RECURRENCE-ID, mid:Message-ID, or mail:hash(date, from, subject): re-ingesting adds nothing.
ALTER TABLE interactions ADD COLUMN ingest_key TEXT;
CREATE UNIQUE INDEX interactions_ingest_key ON interactions(ingest_key) WHERE ingest_key IS NOT NULL;
-- Everyone on the invitation or the message, comma-separated addresses.
ALTER TABLE interactions ADD COLUMN participants TEXT;
ALTER TABLE interactions ADD COLUMN duration_minutes INTEGER CHECK (duration_minutes IS NULL OR duration_minutes >= 0);
-- 0 until the CSM has reviewed an ingested row; rows typed in or imported are reviewed.
ALTER TABLE interactions ADD COLUMN reviewed INTEGER NOT NULL DEFAULT 1 CHECK (reviewed IN (0, 1));
CREATE INDEX interactions_unreviewed ON interactions(account_id) WHERE reviewed = 0;
