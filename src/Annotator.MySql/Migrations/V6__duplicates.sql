-- One image per content: the original's SHA-256 (lowercase hex), computed while the upload streams in. The unique
-- key lets the database decide between concurrent uploads of one file; images from before V6 have none (NULLs
-- are not equal). Near-duplicates: the 64-bit perceptual hash CreateThumbnail computes, and whether an image had a
-- near one when either was hashed (the gallery filter's first cut; SimilarSql explains both).
-- One ALTER, so it is applied whole or not at all.
ALTER TABLE images
    ADD COLUMN content_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD UNIQUE KEY images_content (content_sha256),
    ADD COLUMN phash BIGINT NULL,
    ADD COLUMN near_duplicates BOOLEAN NOT NULL DEFAULT FALSE;
