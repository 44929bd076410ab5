-- The engine reads usage_daily by date window (trailing 30 and 60 days) for every account at once.
-- A covering index answers those queries from the index alone, without a lookup per row.
DROP INDEX usage_daily_day;
CREATE INDEX usage_daily_day ON usage_daily(day, account_id, active_users, minutes);
