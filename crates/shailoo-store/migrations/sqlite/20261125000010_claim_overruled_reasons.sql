-- The reasons (the bitset of voter_ineligible.reasons, VOT-01…VOT-06) for which a voter was off
-- the lists when the PEC accepted their inclusion claim (VOT-08); 0 when they were on a list
-- elsewhere. A compile re-applies the inclusion only while the register gives no reason beyond
-- these: the PEC overruled what it saw, not what a newer register extract says (a sentence, a
-- lost citizenship). NULL for inclusions accepted before this column: they overrule every
-- reason, as they did. Kept in step with the other engine's file of the same name.
ALTER TABLE voter_list_claims ADD COLUMN overruled_reasons INTEGER;
