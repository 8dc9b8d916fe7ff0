-- Access control: accounts, sessions, API tokens, the audit log, the Data Protection key ring and setup codes,
-- and who uploaded each image. Times are unix milliseconds; flags are 0/1 integers, as the shared SQL writes them.
CREATE TABLE users (
    id TEXT PRIMARY KEY,                  -- 32 hex digits
    user_name TEXT NOT NULL,              -- as its owner wrote it
    user_key TEXT NOT NULL UNIQUE,        -- lower-cased: "Ada" and "ada" are one account
    role TEXT NOT NULL,                   -- viewer, editor, admin
    password_hash TEXT,                   -- NULL: single sign-on only
    issuer TEXT,                          -- the OpenID Connect provider's issuer and subject, when signed in that way
    subject TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_login ON users (issuer, subject) WHERE issuer IS NOT NULL AND subject IS NOT NULL;

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,             -- SHA-256 of the cookie's session id
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    address TEXT
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at); -- the sweep as sessions are added

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    scopes INTEGER NOT NULL,              -- TokenScopes flags
    hash TEXT NOT NULL UNIQUE,            -- SHA-256 of the secret
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: never reused, so the paging cursor never points at a newer entry
    at INTEGER NOT NULL,
    actor_id TEXT,                        -- NULL: the system
    actor_name TEXT,                      -- the actor's user name then
    action TEXT NOT NULL,
    target TEXT,
    detail TEXT,
    address TEXT
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

CREATE TABLE data_protection_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    xml TEXT NOT NULL
);

CREATE TABLE setup_codes (
    code_hash TEXT PRIMARY KEY,           -- SHA-256 of the one-time code the first start prints
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Who uploaded each image (NULL for images from before accounts); "my uploads" lists one uploader's newest first.
ALTER TABLE images ADD COLUMN uploader_id TEXT;
ALTER TABLE images ADD COLUMN uploader_name TEXT;
CREATE INDEX images_uploader ON images (uploader_id, id);
