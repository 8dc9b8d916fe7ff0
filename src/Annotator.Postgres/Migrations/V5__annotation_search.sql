-- Search finds an image by a person's words too: the words of an edited annotation's text and tags, as SearchWords
-- writes them (an accepted one has the prediction's words, already in search_caption), in the generated tsvector.
ALTER TABLE images ADD COLUMN search_annotation text NOT NULL DEFAULT '';
ALTER TABLE images DROP COLUMN search;
ALTER TABLE images ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', search_name || ' ' || search_caption || ' ' || search_annotation)) STORED;
CREATE INDEX images_search ON images USING gin (search);
