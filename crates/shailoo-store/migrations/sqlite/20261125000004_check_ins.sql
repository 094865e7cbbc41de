-- Voting-day check-ins (VOT-06): one row per voter who received a ballot. Kept in step with the
-- other engine's file of the same name: same table, columns and constraint names.
--
-- The primary key (election, pin) is the one-ballot guarantee itself: a second check-in of the
-- same voter, at any station (home or remote-voting) and however concurrent, violates it, so no
-- read-then-write race in the application can ever issue two ballots. The table is append-only:
-- a check-in is never updated or deleted, and each row names the PEC member who made it.
-- `at` is the UTC instant as fixed-width text (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), so that text
-- order is time order and the hourly turnout cut-offs are plain comparisons on both engines.
CREATE TABLE check_ins (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    station INTEGER NOT NULL,
    at TEXT NOT NULL,
    by_user TEXT NOT NULL,
    CONSTRAINT check_ins_pkey PRIMARY KEY (election, pin)
) WITHOUT ROWID;

-- Turnout per station, by hour: an index-only count per (election, station).
CREATE INDEX check_ins_station ON check_ins (election, station, at);
