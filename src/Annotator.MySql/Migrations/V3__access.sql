-- Access control: accounts, sessions, API tokens, the audit log, the Data Protection key ring and setup codes,
-- and who uploaded each image. V3 like the other engines' (the same step of the schema everywhere).
-- Times are unix milliseconds; flags are 0/1 integers, as the shared SQL writes them.
-- DDL commits statement by statement: the tables are created IF NOT EXISTS, and the one ALTER comes last, so a
-- migration stopped halfway runs again cleanly. Ids and hashes are ASCII (one byte a character); every index key
-- stays well within InnoDB's 3072 bytes (255 utf8mb4 characters are 1020).

CREATE TABLE IF NOT EXISTS users (
    id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_name VARCHAR(255) NOT NULL,           -- as its owner wrote it
    user_key VARCHAR(255) NOT NULL,            -- lower-cased: "Ada" and "ada" are one account
    role VARCHAR(16) NOT NULL,                 -- viewer, editor, admin
    password_hash TEXT,                        -- NULL: single sign-on only
    issuer VARCHAR(255),                       -- the OpenID Connect provider's issuer and subject, when signed in that way
    subject VARCHAR(255),
    disabled TINYINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    UNIQUE KEY users_key (user_key),
    UNIQUE KEY users_login (issuer, subject)   -- NULLs never collide: local accounts leave both NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS sessions (
    id_hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, -- SHA-256 of the cookie's session id
    user_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    address VARCHAR(100),
    KEY sessions_user (user_id),
    KEY sessions_expires (expires_at)          -- the sweep as sessions are added
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS api_tokens (
    id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    user_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name VARCHAR(255) NOT NULL,
    scopes INT NOT NULL,                       -- TokenScopes flags
    hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- SHA-256 of the secret
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_used_at BIGINT,
    UNIQUE KEY api_tokens_hash (hash),
    KEY api_tokens_user (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin, -- NULL: the system
    actor_name VARCHAR(255),                   -- the actor's user name then
    action VARCHAR(100) NOT NULL,
    target VARCHAR(255),
    detail TEXT,
    address VARCHAR(100),
    KEY audit_log_actor (actor_id, id),
    KEY audit_log_target (target, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS data_protection_keys (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    xml MEDIUMTEXT NOT NULL,
    UNIQUE KEY data_protection_keys_name (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS setup_codes (
    code_hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY, -- SHA-256 of the one-time code
    expires_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Who uploaded each image (NULL for images from before accounts); "my uploads" lists one uploader's newest first
-- (ORDER BY id DESC, the cursor on id). One statement, so it is applied whole or not at all.
ALTER TABLE images
    ADD COLUMN uploader_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD COLUMN uploader_name VARCHAR(255) NULL,
    ADD KEY images_uploader (uploader_id, id);
