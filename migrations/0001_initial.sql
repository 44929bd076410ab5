-- cstui book, first schema. Plain table and column names so that Datasette and the
-- sqlite-utils CLI read the book as it is. Dates are ISO text (YYYY-MM-DD); money is REAL.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE CHECK (length(key) > 0),
    name TEXT NOT NULL CHECK (length(name) > 0),
    start_date TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    segment TEXT,
    plan TEXT,
    seats INTEGER CHECK (seats IS NULL OR seats >= 0),
    renewal_date TEXT CHECK (renewal_date IS NULL OR renewal_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    churn_date TEXT CHECK (churn_date IS NULL OR churn_date >= start_date),
    churn_reason TEXT
);
CREATE INDEX accounts_segment ON accounts(segment);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) > 0),
    email TEXT,
    role TEXT,
    phone TEXT,
    is_champion INTEGER NOT NULL DEFAULT 0 CHECK (is_champion IN (0, 1))
);
CREATE UNIQUE INDEX contacts_natural ON contacts(account_id, name, ifnull(email, ''));

CREATE TABLE mrr_history (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    effective_date TEXT NOT NULL,
    mrr REAL NOT NULL CHECK (mrr >= 0),
    UNIQUE (account_id, effective_date)
);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    invoice_no TEXT NOT NULL UNIQUE,
    issued_date TEXT NOT NULL,
    due_date TEXT NOT NULL CHECK (due_date >= issued_date),
    amount REAL NOT NULL CHECK (amount >= 0),
    paid_date TEXT
);
CREATE INDEX invoices_account_due ON invoices(account_id, due_date);
CREATE INDEX invoices_paid ON invoices(paid_date);

CREATE TABLE features (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    is_key INTEGER NOT NULL DEFAULT 0 CHECK (is_key IN (0, 1))
);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    occurred_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'email', 'note')),
    summary TEXT NOT NULL,
    contact_email TEXT,
    notes TEXT,
    -- The CSM's own rating of the conversation, -2 (very negative) .. 2 (very positive).
    sentiment INTEGER CHECK (sentiment IS NULL OR sentiment BETWEEN -2 AND 2),
    -- Lexicon score of summary + notes on the same -2..2 scale, computed when the row is written.
    text_sentiment REAL CHECK (text_sentiment IS NULL OR text_sentiment BETWEEN -2 AND 2),
    follow_up_on TEXT
);
CREATE UNIQUE INDEX interactions_natural ON interactions(
    account_id, occurred_on, kind, summary, ifnull(contact_email, ''), ifnull(notes, ''), ifnull(sentiment, 99));
CREATE INDEX interactions_account_day ON interactions(account_id, occurred_on);

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('nps', 'csat', 'ces')),
    score INTEGER NOT NULL CHECK (
        typeof(score) = 'integer' AND (
            (kind = 'nps' AND score BETWEEN 0 AND 10) OR
            (kind = 'csat' AND score BETWEEN 1 AND 5) OR
            (kind = 'ces' AND score BETWEEN 1 AND 7))),
    responded_on TEXT NOT NULL,
    contact_email TEXT,
    comment TEXT,
    text_sentiment REAL CHECK (text_sentiment IS NULL OR text_sentiment BETWEEN -2 AND 2),
    -- Set when the score was given on a logged call (feedback form), so both are one record.
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX surveys_natural ON surveys(
    account_id, kind, score, responded_on, ifnull(contact_email, ''), ifnull(comment, ''));
CREATE INDEX surveys_day ON surveys(responded_on, kind);
CREATE INDEX surveys_account_day ON surveys(account_id, responded_on);

CREATE TABLE usage_daily (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    active_users INTEGER NOT NULL CHECK (active_users >= 0),
    minutes REAL NOT NULL CHECK (minutes >= 0),
    sessions INTEGER CHECK (sessions IS NULL OR sessions >= 0),
    PRIMARY KEY (account_id, day)
);
CREATE INDEX usage_daily_day ON usage_daily(day, account_id);

CREATE TABLE feature_usage (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    feature_id INTEGER NOT NULL REFERENCES features(id) ON DELETE CASCADE,
    events INTEGER NOT NULL DEFAULT 1 CHECK (events >= 0),
    PRIMARY KEY (account_id, day, feature_id)
);
CREATE INDEX feature_usage_day ON feature_usage(day, account_id);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    opened_on TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('self_service', 'assisted')),
    severity TEXT NOT NULL DEFAULT 'normal' CHECK (severity IN ('low', 'normal', 'high', 'urgent')),
    closed_on TEXT CHECK (closed_on IS NULL OR closed_on >= opened_on),
    subject TEXT
);
CREATE UNIQUE INDEX tickets_natural ON tickets(
    account_id, opened_on, channel, severity, ifnull(closed_on, ''), ifnull(subject, ''));
CREATE INDEX tickets_day ON tickets(opened_on);
CREATE INDEX tickets_account ON tickets(account_id, opened_on);

-- Follow-ups: what the CSM promised to do, usually born from a call.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    title TEXT NOT NULL CHECK (length(title) > 0),
    due_on TEXT NOT NULL,
    created_on TEXT NOT NULL,
    done_on TEXT
);
CREATE INDEX tasks_open ON tasks(account_id, done_on, due_on);

-- Health-score weights (weight.<component>) and band thresholds (band.green, band.yellow),
-- editable with any SQLite tool; the engine reads them on every computation.
CREATE TABLE health_config (
    name TEXT PRIMARY KEY,
    value REAL NOT NULL CHECK (value >= 0)
);
INSERT INTO health_config (name, value) VALUES
    ('weight.usage', 25), ('weight.adoption', 15), ('weight.surveys', 20),
    ('weight.support', 15), ('weight.payment', 10), ('weight.relationship', 15),
    ('band.green', 70), ('band.yellow', 40);

CREATE TABLE health_snapshots (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    as_of TEXT NOT NULL,
    score REAL CHECK (score IS NULL OR score BETWEEN 0 AND 100),
    band TEXT NOT NULL CHECK (band IN ('green', 'yellow', 'red', 'no data')),
    -- JSON list of the breakdown: [{"component", "raw", "score", "weight", "points"}, ...]
    components TEXT NOT NULL,
    PRIMARY KEY (account_id, as_of)
);
CREATE INDEX health_snapshots_day ON health_snapshots(as_of);

-- The daily check-in: what the CSM did with each queued account on each day.
CREATE TABLE checkin_state (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('reviewed', 'snoozed')),
    snoozed_until TEXT CHECK (action = 'reviewed' OR snoozed_until > day),
    PRIMARY KEY (account_id, day)
);
CREATE INDEX checkin_snoozes ON checkin_state(account_id, snoozed_until);
