-- Human review: the model's caption stays as the prediction (caption_*, with when it was made), and a person's
-- annotation sits beside it: accepted (the prediction's text and tags copied), edited, or rejected; who and when.
ALTER TABLE images ADD COLUMN caption_at INTEGER;           -- unix ms: when the current prediction was made
UPDATE images SET caption_at = caption_finished_at WHERE caption_text IS NOT NULL;
ALTER TABLE images ADD COLUMN annotation_status TEXT;      -- NULL: not reviewed; accepted, edited, rejected
ALTER TABLE images ADD COLUMN annotation_text TEXT;
ALTER TABLE images ADD COLUMN annotation_tags TEXT;        -- JSON array of lowercase tags
ALTER TABLE images ADD COLUMN annotation_reason TEXT;      -- why it was rejected, when a reason was given
ALTER TABLE images ADD COLUMN annotation_by_id TEXT;       -- the reviewer's account id, and its user name then
ALTER TABLE images ADD COLUMN annotation_by_name TEXT;
ALTER TABLE images ADD COLUMN annotation_at INTEGER;
-- The review queue and exports list one review state newest first.
CREATE INDEX images_annotation ON images (annotation_status, id);
