-- Search finds an image by a person's words too: the words of an edited annotation's text and tags, as SearchWords
-- stores them (an accepted one has the prediction's words, already in search_caption), in the full-text index.
-- One ALTER, so it is applied whole or not at all.
ALTER TABLE images
    ADD COLUMN search_annotation TEXT NULL,
    DROP INDEX images_search,
    ADD FULLTEXT KEY images_search (search_name, search_caption, search_annotation);
