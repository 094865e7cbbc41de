-- i15-public: a nomination loaded from files (`shailoo load`) keeps their id as its stable
-- external reference; its candidates' ids are `{reference}-{k}`, the ids the files' protocols
-- name them by. Unique where present: a reference means one nomination. Kept in step with the
-- other engine's file of the same name.
ALTER TABLE nominations ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX nominations_reference ON nominations (reference) WHERE reference IS NOT NULL;
