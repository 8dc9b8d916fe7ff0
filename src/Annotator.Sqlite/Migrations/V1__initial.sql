-- The schema before versioned migrations: every statement is idempotent, so a data folder made then upgrades in place.
CREATE TABLE IF NOT EXISTS images (
    seq INTEGER PRIMARY KEY,              -- stable rowid for the full-text index
    id TEXT NOT NULL UNIQUE,              -- UUIDv7: sorts by creation time
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size_bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,          -- unix milliseconds
    facts TEXT NOT NULL,                  -- JSON ImageFacts
    thumb_state TEXT NOT NULL,
    thumb_error TEXT,
    thumb_started_at INTEGER,
    thumb_finished_at INTEGER,
    thumb_attempts INTEGER NOT NULL DEFAULT 0,
    caption_state TEXT NOT NULL,
    caption_error TEXT,
    caption_started_at INTEGER,
    caption_finished_at INTEGER,
    caption_attempts INTEGER NOT NULL DEFAULT 0,
    caption_text TEXT,
    caption_tags TEXT,                    -- JSON array of lowercase tags
    caption_provider TEXT,
    caption_model TEXT,
    caption_latency_ms INTEGER,
    caption_input_tokens INTEGER,
    caption_output_tokens INTEGER,
    caption_model_attempts INTEGER,
    caption_fallback_reason TEXT,         -- why the providers before a fallback failed
    caption_request_provider TEXT,        -- a pending re-caption's provider (NULL: the default)
    caption_request_model TEXT,           -- a pending re-caption's model (NULL: the provider's default)
    caption_generation INTEGER NOT NULL DEFAULT 0 -- grows with every re-caption request
);

CREATE TABLE IF NOT EXISTS recaption_jobs (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    provider TEXT,
    model TEXT,
    search TEXT,
    state TEXT,
    total INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS recaption_job_images (
    job_id TEXT NOT NULL REFERENCES recaption_jobs(id) ON DELETE CASCADE,
    image_id TEXT NOT NULL,
    PRIMARY KEY (job_id, image_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    object_key TEXT NOT NULL,
    delivered INTEGER NOT NULL DEFAULT 0, -- one bit per in-process subscriber that finished
    created_at INTEGER NOT NULL
);

CREATE VIRTUAL TABLE IF NOT EXISTS images_fts USING fts5(
    file_name, caption_text, caption_tags,
    content='images', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');

CREATE TRIGGER IF NOT EXISTS images_fts_insert AFTER INSERT ON images BEGIN
    INSERT INTO images_fts(rowid, file_name, caption_text, caption_tags)
    VALUES (new.seq, new.file_name, new.caption_text, new.caption_tags);
END;
CREATE TRIGGER IF NOT EXISTS images_fts_delete AFTER DELETE ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, file_name, caption_text, caption_tags)
    VALUES ('delete', old.seq, old.file_name, old.caption_text, old.caption_tags);
END;
CREATE TRIGGER IF NOT EXISTS images_fts_update AFTER UPDATE OF file_name, caption_text, caption_tags ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, file_name, caption_text, caption_tags)
    VALUES ('delete', old.seq, old.file_name, old.caption_text, old.caption_tags);
    INSERT INTO images_fts(rowid, file_name, caption_text, caption_tags)
    VALUES (new.seq, new.file_name, new.caption_text, new.caption_tags);
END;
