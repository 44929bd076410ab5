-- A check-in that covers the whole book (issue 25). Coverage is a rule of the queue, with its
-- settings as rows of health_config: an account with a risk reason is shown within so many working
-- days of its last review or snooze (red: cover_red_days, any other risk: cover_risk_days), whatever
-- its ARR; up to checkin.cover_room places a day go first to the accounts past their bound, the
-- longest past it first (cstui/metrics/coverage.py).
INSERT INTO health_config (name, value) VALUES
    ('checkin.cover_red_days', 5),
    ('checkin.cover_risk_days', 15),
    ('checkin.cover_room', 6);

-- Reminders are not reasons: a follow-up or playbook step the CSM set is listed in the check-in's
-- "due today" part (and the task list), never as a reason that brings an account back.
DELETE FROM checkin_rules WHERE name = 'follow_up_due';
