-- The voter's home station when a claim was filed (VOT-08): the station whose list held them,
-- or else the one serving their registered address (NULL: neither). The commission of that
-- station, and those above it, see the claim and what became of it without deciding it: the
-- home commission sees what happens to its voter. NULL for claims filed before this column.
-- Kept in step with the other engine's file of the same name (INTEGER here, BIGINT there).
ALTER TABLE voter_list_claims ADD COLUMN home_station INTEGER;
CREATE INDEX voter_list_claims_home_station ON voter_list_claims (home_station);
