-- Success plans, lifecycle stages and QBR packs (issue 29; cstui/storage/plans.py, stages.py, qbr_packs.py).

-- One success plan per account: what the customer wants to achieve, when it was agreed, and who owns
-- it on the customer's side.
CREATE TABLE success_plans (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    objective TEXT NOT NULL CHECK (length(objective) > 0),
    agreed_on TEXT,
    owner TEXT,                  -- the customer-side owner
    done_on TEXT                 -- the plan closed (achieved or replaced)
);

-- The plan's goals. A measured goal names a figure of the registry in cstui/metrics/plan_figures.py
-- (`figure`, with `subject` for a figure about one thing, e.g. a feature) and a target the figure
-- must reach by `due_on`; its progress and status are computed from the facts, never stored. A
-- milestone (`figure` NULL) is ticked by the CSM (`done_on`).
CREATE TABLE plan_goals (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(title) > 0),
    figure TEXT CHECK (figure IS NULL OR length(figure) > 0),
    subject TEXT,
    target REAL CHECK ((figure IS NULL) = (target IS NULL)),
    start_on TEXT NOT NULL,      -- progress counts from the figure's value on this day
    due_on TEXT NOT NULL CHECK (due_on >= start_on),
    done_on TEXT                 -- a milestone ticked
);
CREATE INDEX plan_goals_account ON plan_goals(account_id, due_on);

-- Lifecycle stages: the CSM's list, in order, with the days an account is expected to stay in each
-- (NULL: no limit). An account is "stuck" when it stays longer (check-in rule stage_stuck).
CREATE TABLE lifecycle_stages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) > 0),
    position INTEGER NOT NULL,
    expected_days INTEGER CHECK (expected_days IS NULL OR expected_days > 0)
);
INSERT INTO lifecycle_stages (name, position, expected_days) VALUES
    ('onboarding', 1, 90),
    ('adoption', 2, 180),
    ('value', 3, NULL),
    ('renewal', 4, 120),
    ('at risk', 5, 60),
    ('churned', 6, NULL);

-- Each stage an account entered and when; its stage on a day is the latest entered by then.
-- `set_by` is 'hand' (`cstui stage set`) or the name of the registered stage rule that moved it.
CREATE TABLE account_stages (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (length(stage) > 0),
    entered_on TEXT NOT NULL,
    set_by TEXT NOT NULL DEFAULT 'hand',
    UNIQUE (account_id, entered_on)
);

-- The figures of each QBR pack written (`cstui qbr`), as JSON, so the next quarter's pack can say
-- what changed. One per account and quarter; writing the pack again replaces it.
CREATE TABLE qbr_packs (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    quarter TEXT NOT NULL CHECK (quarter GLOB '[0-9][0-9][0-9][0-9]Q[1-4]'),
    made_on TEXT NOT NULL,
    figures TEXT NOT NULL,
    UNIQUE (account_id, quarter)
);

INSERT INTO checkin_rules (name, threshold, description) VALUES
    ('goal_behind', NULL, 'a success-plan goal is behind its path to the target'),
    ('goal_met', 14, 'a success-plan goal met in the last THRESHOLD days: celebrate'),
    ('stage_stuck', NULL, 'the account has stayed in its lifecycle stage longer than expected');
