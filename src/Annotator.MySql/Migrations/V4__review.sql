-- Human review: the model's caption stays as the prediction (caption_*, with when it was made), and a person's
-- annotation sits beside it: accepted (the prediction's text and tags copied), edited, or rejected; who and when.
-- One ALTER, so it is applied whole or not at all (filling caption_at is V4_1, a statement of its own that may run again).
ALTER TABLE images
    ADD COLUMN caption_at BIGINT NULL,                -- when the current prediction was made
    ADD COLUMN annotation_status VARCHAR(16) NULL,    -- NULL: not reviewed; accepted, edited, rejected
    ADD COLUMN annotation_text TEXT NULL,
    ADD COLUMN annotation_tags TEXT NULL,             -- JSON array of lowercase tags
    ADD COLUMN annotation_reason TEXT NULL,           -- why it was rejected, when a reason was given
    ADD COLUMN annotation_by_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD COLUMN annotation_by_name VARCHAR(255) NULL,
    ADD COLUMN annotation_at BIGINT NULL,
    ADD KEY images_annotation (annotation_status, id); -- the review queue and exports list one review state newest first
