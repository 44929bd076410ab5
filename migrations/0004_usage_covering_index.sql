-- The engine reads usage_daily for every account over a date window (the trailing 30 and 60 days).
-- An index by account, then day, holding the measures answers that from the index alone, in
-- account order (no sort), one range seek per account; it replaces the index by day.
DROP INDEX usage_daily_day;
CREATE INDEX usage_daily_account_cover ON usage_daily(account_id, day, active_users, minutes);
