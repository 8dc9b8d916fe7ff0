-- The whole schema as SQLite's V1 and V2 leave it, for PostgreSQL 15+. Times are unix milliseconds (bigint), as there.

CREATE TABLE images (
    id text COLLATE "C" PRIMARY KEY,      -- UUIDv7 text: byte order ("C") is creation order, for ORDER BY id DESC and the cursor
    file_name text NOT NULL,
    format text NOT NULL,
    width bigint NOT NULL,
    height bigint NOT NULL,
    size_bytes bigint NOT NULL,
    created_at bigint NOT NULL,
    facts text NOT NULL,                  -- JSON ImageFacts, only ever read whole
    thumb_state text NOT NULL,
    thumb_error text,
    thumb_started_at bigint,
    thumb_finished_at bigint,
    thumb_attempts bigint NOT NULL DEFAULT 0,
    thumb_lease_owner text,               -- who works on the thumbnail, and until when
    thumb_lease_until bigint,
    caption_state text NOT NULL,
    caption_error text,
    caption_started_at bigint,
    caption_finished_at bigint,
    caption_attempts bigint NOT NULL DEFAULT 0,
    caption_lease_owner text,
    caption_lease_until bigint,
    caption_text text,
    caption_tags text,                    -- JSON array of lowercase tags
    caption_provider text,
    caption_model text,
    caption_latency_ms bigint,
    caption_input_tokens bigint,
    caption_output_tokens bigint,
    caption_model_attempts bigint,
    caption_fallback_reason text,         -- why the providers before a fallback failed
    caption_request_provider text,        -- a pending re-caption's provider (NULL: the default)
    caption_request_model text,           -- a pending re-caption's model (NULL: the provider's default)
    caption_generation bigint NOT NULL DEFAULT 0, -- grows with every re-caption request
    version bigint NOT NULL DEFAULT 0,    -- the feed version of the image's latest change
    updated_at bigint NOT NULL,
    -- Search words as SQLite's unicode61 tokenizer sees them (lowercase, no accents, runs of letters and digits
    -- separated by single spaces), written by the adapter with the file name and with each caption, so that
    -- PostgreSQL's parser never reads IMG_0001.jpg as a file name or holiday-2024 as a hyphenated word.
    search_name text NOT NULL,
    search_caption text NOT NULL DEFAULT '',
    search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_name || ' ' || search_caption)) STORED
);
CREATE INDEX images_search ON images USING gin (search);

CREATE TABLE recaption_jobs (
    id text PRIMARY KEY,
    created_at bigint NOT NULL,
    provider text,
    model text,
    search text,
    state text,
    total bigint NOT NULL
);
CREATE INDEX recaption_jobs_created ON recaption_jobs (created_at);

CREATE TABLE recaption_job_images (
    job_id text NOT NULL REFERENCES recaption_jobs (id) ON DELETE CASCADE,
    image_id text COLLATE "C" NOT NULL,
    PRIMARY KEY (job_id, image_id)
);

-- The change feed. Versions come from the one-row counter, taken last in each writing transaction: its row lock
-- is held until commit, so versions commit in order and a rolled-back one is given back (a sequence would let a
-- later version commit first, and a tailer reading version > cursor would skip the earlier one for good).
CREATE TABLE feed_counter (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL               -- the newest version handed out; never goes back, even when pruning empties the feed
);
INSERT INTO feed_counter (version) VALUES (0);

CREATE TABLE image_changes (
    version bigint PRIMARY KEY,
    image_id text COLLATE "C" NOT NULL,
    deleted boolean NOT NULL,
    changed_at bigint NOT NULL
);
CREATE INDEX image_changes_changed ON image_changes (changed_at);

-- Events leave from here: written with the change they announce, relayed to the event bus, then removed.
CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_key text NOT NULL,
    created_at bigint NOT NULL
);

-- The in-process event bus's durable queue, one row per subscriber and event.
CREATE TABLE deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber text NOT NULL,
    object_key text NOT NULL,
    attempts bigint NOT NULL DEFAULT 0,   -- deliveries that threw so far
    due_at bigint NOT NULL                -- when it may be taken (later while hidden or deferred)
);
CREATE INDEX deliveries_due ON deliveries (subscriber, due_at);

-- What a transport gave up on, for every transport.
CREATE TABLE dead_letters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber text NOT NULL,
    object_key text NOT NULL,
    attempts bigint NOT NULL,
    reason text NOT NULL,
    created_at bigint NOT NULL
);
CREATE INDEX dead_letters_key ON dead_letters (object_key);
