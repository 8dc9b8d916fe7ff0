-- The whole catalog schema, as the SQLite adapter has it after its V2. InnoDB, utf8mb4.
-- MySQL and MariaDB commit each DDL statement by itself, so a migration can stop halfway: every statement
-- here is safe to run again (IF NOT EXISTS, INSERT IGNORE).
-- Text compares byte for byte (utf8mb4_bin, ascii_bin): both engines then agree, whatever their default collation.
-- Ids are UUIDv7 in lowercase hex, so their byte order is their creation order (newest-first paging by id).
-- Times are unix milliseconds.

CREATE TABLE IF NOT EXISTS images (
    id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    file_name TEXT NOT NULL,
    format VARCHAR(16) NOT NULL,
    width INT NOT NULL,
    height INT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    facts TEXT NOT NULL,                   -- JSON ImageFacts
    thumb_state VARCHAR(16) NOT NULL,
    thumb_error TEXT,
    thumb_started_at BIGINT,
    thumb_finished_at BIGINT,
    thumb_attempts INT NOT NULL DEFAULT 0,
    thumb_lease_owner VARCHAR(255),        -- who works on the thumbnail, and until when
    thumb_lease_until BIGINT,
    caption_state VARCHAR(16) NOT NULL,
    caption_error TEXT,
    caption_started_at BIGINT,
    caption_finished_at BIGINT,
    caption_attempts INT NOT NULL DEFAULT 0,
    caption_lease_owner VARCHAR(255),
    caption_lease_until BIGINT,
    caption_text TEXT,
    caption_tags TEXT,                     -- JSON array of lowercase tags
    caption_provider TEXT,
    caption_model TEXT,
    caption_latency_ms BIGINT,
    caption_input_tokens INT,
    caption_output_tokens INT,
    caption_model_attempts INT,
    caption_fallback_reason TEXT,          -- why the providers before a fallback failed
    caption_request_provider TEXT,         -- a pending re-caption provider (NULL: the default)
    caption_request_model TEXT,            -- a pending re-caption model (NULL: the provider default)
    caption_generation BIGINT NOT NULL DEFAULT 0, -- grows with every re-caption request
    version BIGINT NOT NULL DEFAULT 0,     -- the change feed version of the latest change
    updated_at BIGINT NOT NULL,
    -- The words search looks in, as SearchWords stores them: those of file_name, and of caption_text and the tags.
    search_name TEXT NOT NULL,
    search_caption TEXT NOT NULL,
    FULLTEXT KEY images_search (search_name, search_caption)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS recaption_jobs (
    id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    created_at BIGINT NOT NULL,
    provider TEXT,
    model TEXT,
    search TEXT,
    state VARCHAR(16),
    total INT NOT NULL,
    KEY recaption_jobs_created (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS recaption_job_images (
    job_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    image_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (job_id, image_id),
    CONSTRAINT recaption_job_images_job FOREIGN KEY (job_id) REFERENCES recaption_jobs (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS outbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    object_key VARCHAR(512) NOT NULL,
    created_at BIGINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The change feed. Versions come from feed_counter inside each writing transaction, not from AUTO_INCREMENT:
-- the counter row stays locked until the transaction commits, so versions commit in order and without gaps,
-- and a reader that has seen version v misses nothing by reading what is above v.
CREATE TABLE IF NOT EXISTS image_changes (
    version BIGINT NOT NULL PRIMARY KEY,
    image_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    deleted BOOLEAN NOT NULL,
    changed_at BIGINT NOT NULL,
    KEY image_changes_changed (changed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS feed_counter (
    id TINYINT NOT NULL PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL                -- the latest version taken; never goes back, even when changes are pruned
) ENGINE = InnoDB;

INSERT IGNORE INTO feed_counter (id, version) VALUES (1, 0);

-- The in-process event bus durable queue, one row per subscriber and event.
CREATE TABLE IF NOT EXISTS deliveries (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subscriber VARCHAR(100) NOT NULL,
    object_key VARCHAR(512) NOT NULL,
    attempts INT NOT NULL DEFAULT 0,       -- deliveries that threw so far
    due_at BIGINT NOT NULL,                -- when it may be taken (later while hidden or deferred)
    KEY deliveries_subscriber (subscriber, id) -- a taker walks one subscriber oldest first, skipping what others hold
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- What a transport gave up on, for every transport.
CREATE TABLE IF NOT EXISTS dead_letters (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subscriber VARCHAR(100) NOT NULL,
    object_key VARCHAR(512) NOT NULL,
    attempts INT NOT NULL,
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    KEY dead_letters_key (object_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
