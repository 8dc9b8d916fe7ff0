-- One image per content: the original's SHA-256 (lowercase hex), computed while the upload streams in. The unique
-- key lets the database decide between concurrent uploads of one file; images from before V6 have none (NULLs
-- are not equal). One ALTER, so it is applied whole or not at all.
ALTER TABLE images
    ADD COLUMN content_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD UNIQUE KEY images_content (content_sha256);
