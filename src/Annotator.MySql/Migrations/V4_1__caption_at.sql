-- When the current prediction of an image from before V4 was made: its caption work's end. Safe to run again.
UPDATE images SET caption_at = caption_finished_at WHERE caption_text IS NOT NULL AND caption_at IS NULL;
