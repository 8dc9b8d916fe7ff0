-- Access control: accounts, sessions, API tokens, the audit log, the Data Protection key ring and setup codes,
-- and who uploaded each image. V3 like the other engines' (the same step of the schema everywhere); one transaction.
-- Times are unix milliseconds (bigint); flags are 0/1 integers, as the shared SQL writes them.

CREATE TABLE users (
    id text PRIMARY KEY,                  -- 32 hex digits
    user_name text NOT NULL,              -- as its owner wrote it
    user_key text NOT NULL UNIQUE,        -- lower-cased: "Ada" and "ada" are one account
    role text NOT NULL,                   -- viewer, editor, admin
    password_hash text,                   -- NULL: single sign-on only
    issuer text,                          -- the OpenID Connect provider's issuer and subject, when signed in that way
    subject text,
    disabled integer NOT NULL DEFAULT 0,
    created_at bigint NOT NULL
);
CREATE UNIQUE INDEX users_login ON users (issuer, subject) WHERE issuer IS NOT NULL AND subject IS NOT NULL;

CREATE TABLE sessions (
    id_hash text PRIMARY KEY,             -- SHA-256 of the cookie's session id
    user_id text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    address text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id text PRIMARY KEY,
    user_id text NOT NULL,
    name text NOT NULL,
    scopes integer NOT NULL,              -- TokenScopes flags
    hash text NOT NULL UNIQUE,            -- SHA-256 of the secret
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    last_used_at bigint
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at bigint NOT NULL,
    actor_id text,                        -- NULL: the system
    actor_name text,                      -- the actor's user name then
    action text NOT NULL,
    target text,
    detail text,
    address text
);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
CREATE INDEX audit_log_target ON audit_log (target, id);

CREATE TABLE data_protection_keys (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    xml text NOT NULL
);

CREATE TABLE setup_codes (
    code_hash text PRIMARY KEY,           -- SHA-256 of the one-time code the first start prints
    expires_at bigint NOT NULL
);

-- Who uploaded each image (NULL for images from before accounts); "my uploads" lists one uploader's newest first
-- (ORDER BY id DESC, the cursor on id; id is COLLATE "C", and the index keeps it).
ALTER TABLE images ADD COLUMN uploader_id text, ADD COLUMN uploader_name text;
CREATE INDEX images_uploader ON images (uploader_id, id);
