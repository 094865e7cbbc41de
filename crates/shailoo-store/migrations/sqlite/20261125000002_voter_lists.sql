-- Voter lists (Tizme): compiled per election from the population register (VOT-01…VOT-06).

-- One row per eligible voter of an election: on exactly one list (VOT-06, the primary key).
-- `station` is where they vote: the home station, or a remote-voting station after an
-- approved application (VOT-07); `council` is always their own council.
CREATE TABLE voter_list_entries (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    council TEXT NOT NULL,
    home_station INTEGER NOT NULL,
    station INTEGER NOT NULL,
    CONSTRAINT voter_list_entries_pkey PRIMARY KEY (election, pin),
    CONSTRAINT voter_list_entries_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);
CREATE INDEX voter_list_entries_station ON voter_list_entries (election, station);

-- Persons of the register who are not on any list, with the coded reasons (a bitset of
-- shailoo_domain::voter::Reasons), so that staff can answer "why am I not on the list?".
CREATE TABLE voter_ineligible (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    reasons INTEGER NOT NULL,
    council TEXT,
    home_station INTEGER,
    CONSTRAINT voter_ineligible_pkey PRIMARY KEY (election, pin),
    CONSTRAINT voter_ineligible_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);

-- Where an election's lists stand: compiled, published online (CAL-02), posted (CAL-04),
-- frozen as final (after CAL-12). Instants are UTC RFC 3339 text.
CREATE TABLE voter_list_state (
    election TEXT NOT NULL,
    compiled_at TEXT,
    published_at TEXT,
    posted_at TEXT,
    frozen_at TEXT,
    CONSTRAINT voter_list_state_pkey PRIMARY KEY (election),
    CONSTRAINT voter_list_state_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);
