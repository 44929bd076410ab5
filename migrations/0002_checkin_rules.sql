-- Daily check-in rules: each on by default, its threshold editable in the book.
CREATE TABLE checkin_rules (
    name TEXT PRIMARY KEY,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    threshold REAL,
    description TEXT NOT NULL
);
INSERT INTO checkin_rules (name, threshold, description) VALUES
    ('band_red', NULL, 'health band is red'),
    ('health_drop', 10, 'health dropped by at least THRESHOLD points in 14 days'),
    ('unresolved_detractor', 14, 'a detractor (NPS <= 6) or CSAT <= 2 in the last THRESHOLD days not yet followed up'),
    ('renewal_at_risk', 90, 'renewal within THRESHOLD days and not green'),
    ('no_contact', 30, 'no logged contact in THRESHOLD days'),
    ('overdue_invoice', NULL, 'an invoice is overdue'),
    ('urgent_ticket', NULL, 'an open high or urgent ticket'),
    ('follow_up_due', NULL, 'a follow-up is due today or overdue'),
    ('green_but_negative', 30, 'health green but notes of the last THRESHOLD days read negative'),
    ('stale_usage', 14, 'no usage data for THRESHOLD days');
