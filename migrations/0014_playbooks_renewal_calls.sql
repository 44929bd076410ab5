-- Playbooks (issue 12): named sets of steps, each due a number of days after (or, negative,
-- before) the playbook's anchor date. The anchor is the name of a registered definition in
-- cstui/storage/playbooks.py (ANCHORS): 'today', 'renewal' (the account's renewal date), 'start'
-- (its start date). Applying one to an account records a run and creates one task per step,
-- linked to the run. Editable as CSV (`cstui playbook import|export`).
CREATE TABLE playbooks (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(name) > 0),
    anchor TEXT NOT NULL DEFAULT 'today' CHECK (length(anchor) > 0),
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE playbook_steps (
    id INTEGER PRIMARY KEY,
    playbook_id INTEGER NOT NULL REFERENCES playbooks(id) ON DELETE CASCADE,
    offset_days INTEGER NOT NULL CHECK (typeof(offset_days) = 'integer'),
    title TEXT NOT NULL CHECK (length(title) > 0)
);
CREATE INDEX playbook_steps_playbook ON playbook_steps(playbook_id, offset_days);

-- One application of a playbook to an account. The name is kept so a run outlives its playbook;
-- `rule` is the check-in rule that suggested it, when it was applied from a check-in row.
CREATE TABLE playbook_runs (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    playbook_id INTEGER REFERENCES playbooks(id) ON DELETE SET NULL,
    playbook_name TEXT NOT NULL,
    started_on TEXT NOT NULL CHECK (started_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    anchor_date TEXT NOT NULL CHECK (anchor_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    rule TEXT
);
CREATE INDEX playbook_runs_account ON playbook_runs(account_id);

ALTER TABLE tasks ADD COLUMN playbook_run_id INTEGER REFERENCES playbook_runs(id) ON DELETE SET NULL;
CREATE INDEX tasks_playbook_run ON tasks(playbook_run_id);

-- The CSM's call on an account's renewal: one per (account, renewal date), the latest kept.
CREATE TABLE renewal_calls (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    renewal_date TEXT NOT NULL CHECK (renewal_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    call TEXT NOT NULL CHECK (call IN ('commit', 'probable', 'at_risk', 'lost')),
    expected_arr REAL CHECK (expected_arr IS NULL OR expected_arr >= 0),
    reason TEXT,
    called_on TEXT NOT NULL,
    UNIQUE (account_id, renewal_date)
);

INSERT INTO playbooks (id, name, anchor, description) VALUES
    (1, 'onboarding', 'start', 'The first 90 days: kickoff to first value to a settled routine'),
    (2, 'renewal preparation', 'renewal', 'Four checkpoints before the renewal date'),
    (3, 'detractor recovery', 'today', 'A detractor heard, answered and asked again'),
    (4, 'champion left', 'today', 'Find and win a new champion before the account drifts'),
    (5, 'promoter advocacy', 'today', 'Thank a promoter and turn them into an advocate'),
    (6, 'usage decline', 'today', 'Find out why usage fell and bring targeted help');

INSERT INTO playbook_steps (playbook_id, offset_days, title) VALUES
    (1, 0, 'Kickoff call: goals, success criteria, who is who'),
    (1, 7, 'Admin set-up and SSO done'),
    (1, 14, 'First key feature live for the main team'),
    (1, 30, 'First value review with the sponsor'),
    (1, 60, 'Adoption check: active users against seats'),
    (1, 90, 'Onboarding close-out and success plan'),
    (2, -120, 'Renewal prep: review health, usage and open issues'),
    (2, -90, 'Value review with the sponsor (outcomes against goals)'),
    (2, -60, 'Agree renewal terms and any expansion'),
    (2, -30, 'Confirm paperwork and the signature date'),
    (3, 0, 'Call the detractor: listen, do not defend'),
    (3, 2, 'Send the plan that answers their main complaint'),
    (3, 14, 'Check the fix landed'),
    (3, 30, 'Ask for a new score'),
    (4, 0, 'Find who takes over: ask the sponsor'),
    (4, 7, 'Meet the new champion: goals and history'),
    (4, 21, 'Re-run training for the new champion''s team'),
    (5, 0, 'Thank the promoter personally'),
    (5, 7, 'Ask for a reference, case study or review'),
    (5, 30, 'Invite to the customer advisory board or beta'),
    (6, 0, 'Find which metric fell and since when'),
    (6, 3, 'Check-in call: what changed for them'),
    (6, 7, 'Send targeted resources or training'),
    (6, 30, 'Check usage has recovered');
