-- Human review: the model's caption stays as the prediction (caption_*, with when it was made), and a person's
-- annotation sits beside it: accepted (the prediction's text and tags copied), edited, or rejected; who and when.
ALTER TABLE images
    ADD COLUMN caption_at bigint,                     -- when the current prediction was made
    ADD COLUMN annotation_status text,                -- NULL: not reviewed; accepted, edited, rejected
    ADD COLUMN annotation_text text,
    ADD COLUMN annotation_tags text,                  -- JSON array of lowercase tags
    ADD COLUMN annotation_reason text,                -- why it was rejected, when a reason was given
    ADD COLUMN annotation_by_id text,                 -- the reviewer's account id, and its user name then
    ADD COLUMN annotation_by_name text,
    ADD COLUMN annotation_at bigint;
UPDATE images SET caption_at = caption_finished_at WHERE caption_text IS NOT NULL;
-- The review queue and exports list one review state newest first.
CREATE INDEX images_annotation ON images (annotation_status, id);
