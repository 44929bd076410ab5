-- A morning-sized check-in (issue 12): the day's capacity and how long a review holds are settings
-- of the book (rows of health_config, the book's settings table), a review or snooze stores the
-- fingerprint of the reasons it saw (so the account comes back only when a reason is new or worse),
-- and the opportunity rules join the risk rules as rows of checkin_rules.
INSERT INTO health_config (name, value) VALUES
    ('checkin.capacity', 12),
    ('checkin.return_after_days', 7);

-- JSON object: "<rule>:<object>" -> severity, of the reasons shown when the account was handled.
ALTER TABLE checkin_state ADD COLUMN fingerprint TEXT;

INSERT INTO checkin_rules (name, threshold, description) VALUES
    ('new_promoter', 30, 'a promoter (NPS 9-10) in the last THRESHOLD days not yet thanked or asked for a reference'),
    ('usage_decline', 25, 'active users or minutes down by at least THRESHOLD % over 30 days against the 30 before'),
    ('key_feature_unused', NULL, 'key features never used'),
    ('expansion_signal', 90, 'active users at or above THRESHOLD % of seats'),
    ('renewal_no_call', 60, 'renewal within THRESHOLD days and no renewal call recorded'),
    ('single_threaded', 80, 'at least THRESHOLD % of the last 90 days'' contact with one person'),
    ('champion_silent', 90, 'no contact with the champion in THRESHOLD days');
