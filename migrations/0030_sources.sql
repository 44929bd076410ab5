-- Sources `cstui sync` fetches from when online (issue 30; cstui/storage/sources.py, cstui/sync/).
-- Credentials are never stored here: `secret_in` says where the source's password is kept (the
-- system keyring, a 0600 file beside the book, or the environment variable `secret_env`).
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    kind TEXT NOT NULL CHECK (kind IN ('imap', 'caldav', 'ics-url', 'folder')),
    -- imap: host[:port]; caldav and ics-url: the URL; folder: the folder's absolute path.
    location TEXT NOT NULL CHECK (length(location) > 0),
    username TEXT,
    secret_in TEXT NOT NULL DEFAULT 'none' CHECK (secret_in IN ('none', 'keyring', 'file', 'env')),
    secret_env TEXT CHECK ((secret_in = 'env') = (secret_env IS NOT NULL)),
    -- imap: the folders read, one per line (INBOX, Sent); folder: 'PATTERN=PROFILE' lines.
    folders TEXT NOT NULL DEFAULT '',
    -- imap: ssl, starttls or none.
    security TEXT NOT NULL DEFAULT 'ssl' CHECK (security IN ('ssl', 'starttls', 'none')),
    -- 1: synced items land unreviewed in the inbox review (`I`), as `cstui ingest` leaves them.
    review INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1)),
    last_synced_at TEXT,         -- UTC time of the last sync that stored (or found nothing new)
    last_result TEXT             -- its one-line summary
);

-- Where each source's last sync stopped, so the next one fetches only what is new. `scope` is an
-- IMAP folder, a calendar URL or a file path; `validity` its UIDVALIDITY, sync token/ctag, ETag or
-- content hash, `position` the last UID seen (IMAP) or the day a calendar was last read in full.
-- Written in the same change as what the sync stored, so undoing a sync also rewinds its cursor.
CREATE TABLE source_cursors (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    validity TEXT,
    position TEXT,
    PRIMARY KEY (source_id, scope)
);
