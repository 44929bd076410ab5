-- Covering indexes for the engine's whole-portfolio passes (measured in bench/RESULTS.md): each
-- query below reads its index alone instead of looking up every row in the table.
DROP INDEX surveys_day;
CREATE INDEX surveys_day ON surveys(responded_on, account_id, kind, score);
DROP INDEX feature_usage_day;
CREATE INDEX feature_usage_day ON feature_usage(day, account_id, feature_id, events);
DROP INDEX invoices_account_due;
CREATE INDEX invoices_account_due ON invoices(account_id, issued_date, due_date, paid_date, amount);
DROP INDEX invoices_paid;
CREATE INDEX invoices_paid ON invoices(paid_date, amount, account_id);
