-- One image per content: the original's SHA-256 (lowercase hex), computed while the upload streams in. The unique
-- index lets the database decide between concurrent uploads of one file; images from before V6 have none (NULLs
-- are not equal).
ALTER TABLE images ADD COLUMN content_sha256 text NULL;
CREATE UNIQUE INDEX images_content ON images (content_sha256);
-- Near-duplicates: the 64-bit perceptual hash CreateThumbnail computes, and whether an image had a near one when
-- either was hashed (the gallery filter's first cut; SimilarSql explains both).
ALTER TABLE images ADD COLUMN phash bigint NULL;
ALTER TABLE images ADD COLUMN near_duplicates boolean NOT NULL DEFAULT false;
