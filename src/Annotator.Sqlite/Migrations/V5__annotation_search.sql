-- Search finds an image by a person's words too: the full-text index gains the annotation's text and tags.
-- The index is external content (the images table holds the text), so it is made again and rebuilt from it.
DROP TRIGGER images_fts_insert;
DROP TRIGGER images_fts_delete;
DROP TRIGGER images_fts_update;
DROP TABLE images_fts;
CREATE VIRTUAL TABLE images_fts USING fts5(
    file_name, caption_text, caption_tags, annotation_text, annotation_tags,
    content='images', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER images_fts_insert AFTER INSERT ON images BEGIN
    INSERT INTO images_fts(rowid, file_name, caption_text, caption_tags, annotation_text, annotation_tags)
    VALUES (new.seq, new.file_name, new.caption_text, new.caption_tags, new.annotation_text, new.annotation_tags);
END;
CREATE TRIGGER images_fts_delete AFTER DELETE ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, file_name, caption_text, caption_tags, annotation_text, annotation_tags)
    VALUES ('delete', old.seq, old.file_name, old.caption_text, old.caption_tags, old.annotation_text, old.annotation_tags);
END;
CREATE TRIGGER images_fts_update AFTER UPDATE OF file_name, caption_text, caption_tags, annotation_text, annotation_tags ON images BEGIN
    INSERT INTO images_fts(images_fts, rowid, file_name, caption_text, caption_tags, annotation_text, annotation_tags)
    VALUES ('delete', old.seq, old.file_name, old.caption_text, old.caption_tags, old.annotation_text, old.annotation_tags);
    INSERT INTO images_fts(rowid, file_name, caption_text, caption_tags, annotation_text, annotation_tags)
    VALUES (new.seq, new.file_name, new.caption_text, new.caption_tags, new.annotation_text, new.annotation_tags);
END;
INSERT INTO images_fts(images_fts) VALUES ('rebuild');
