-- One image per content: the original's SHA-256, computed while the upload streams in. The unique index lets the
-- database decide between concurrent uploads of one file; images from before V6 have none (NULLs are not equal).
ALTER TABLE images ADD COLUMN content_sha256 TEXT NULL;
CREATE UNIQUE INDEX images_content ON images (content_sha256);
-- Near-duplicates: the 64-bit perceptual hash CreateThumbnail computes, and whether an image had a near one when
-- either was hashed (the gallery filter's first cut; SimilarSql explains both).
ALTER TABLE images ADD COLUMN phash INTEGER NULL;
ALTER TABLE images ADD COLUMN near_duplicates INTEGER NOT NULL DEFAULT FALSE;
