-- Work claims with leases: who works on an image, and until when.
ALTER TABLE images ADD COLUMN thumb_lease_owner TEXT;
ALTER TABLE images ADD COLUMN thumb_lease_until INTEGER;
ALTER TABLE images ADD COLUMN caption_lease_owner TEXT;
ALTER TABLE images ADD COLUMN caption_lease_until INTEGER;

-- The change feed: one row per change, versions in commit order (one writer at a time).
ALTER TABLE images ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE images ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE images SET updated_at = created_at;
CREATE TABLE image_changes (
    version INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: never reused, even after pruning
    image_id TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    changed_at INTEGER NOT NULL
);

-- The outbox no longer tracks subscribers: the relay hands each entry to the event bus and removes it.
-- Entries left by the old version are relayed again (delivery is at least once).
ALTER TABLE outbox DROP COLUMN delivered;

-- The in-process event bus's durable queue, one row per subscriber and event.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber TEXT NOT NULL,
    object_key TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,       -- deliveries that threw so far
    due_at INTEGER NOT NULL                    -- unix ms: when it may be taken (later while hidden or deferred)
);
CREATE INDEX deliveries_due ON deliveries (subscriber, due_at);

-- What a transport gave up on, for every transport.
CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber TEXT NOT NULL,
    object_key TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX dead_letters_key ON dead_letters (object_key);
