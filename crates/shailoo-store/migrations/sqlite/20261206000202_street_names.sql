-- The name of each street of the station areas on Russian and English documents, so that a
-- printed voter list speaks one language (`street` stays the register's Kyrgyz form, the key).
-- NULL where the directory has no translation: the register's form is printed. Kept in step
-- with the ../postgres file of the same name.

ALTER TABLE station_areas ADD COLUMN street_ru TEXT;
ALTER TABLE station_areas ADD COLUMN street_en TEXT;
