-- The ids other systems give an account (a Stripe customer's cus_..., a HubSpot company's Record ID,
-- a Zendesk organization id): one row per (source, external id). Filled by importing that system's
-- accounts/companies export with `--alias COLUMN --source NAME` (or a built-in profile that does),
-- and read by every later file of that source with `--account-by-id COLUMN`.
CREATE TABLE account_aliases (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL CHECK (length(trim(source)) > 0),
    external_id TEXT NOT NULL CHECK (length(trim(external_id)) > 0),
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    UNIQUE (source, external_id)
);
CREATE INDEX account_aliases_account ON account_aliases(account_id);
