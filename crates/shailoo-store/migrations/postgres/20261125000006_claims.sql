-- Voter-list claims (VOT-08): filed at the PEC or in the voter cabinet until the end of CAL-11
-- with a passport copy, decided by the PEC; an accepted claim changes the list and leaves a
-- history of what changed, by whom, when and why. Kept in step with the other engine's file of
-- the same name: same tables, columns and constraint names (BIGINT/BYTEA here, INTEGER/BLOB
-- there). Instants are UTC RFC 3339 text, dates ISO text.

-- One row per claim. `station` is where it was filed: its PEC decides, and an accepted
-- inclusion puts the voter on its list, for its council. A correction's fields hold the
-- corrected values (NULL: not claimed wrong); an inclusion has none. `note` is the
-- acceptance's note or the rejection's reason (required for a rejection). No foreign key to
-- voter_list_entries: the lists are replaced wholesale by a compile, which re-applies the
-- accepted inclusions in its own transaction.
CREATE TABLE voter_list_claims (
    id BIGINT NOT NULL,
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    kind TEXT NOT NULL,
    station BIGINT NOT NULL,
    surname TEXT,
    given_name TEXT,
    patronymic TEXT,
    birth_date TEXT,
    street TEXT,
    house TEXT,
    statement TEXT,
    channel TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    decided_by TEXT,
    decided_at TEXT,
    CONSTRAINT voter_list_claims_pkey PRIMARY KEY (id),
    CONSTRAINT voter_list_claims_kind_check CHECK (kind IN ('inclusion', 'correction')),
    CONSTRAINT voter_list_claims_status_check CHECK (status IN ('filed', 'accepted', 'rejected')),
    CONSTRAINT voter_list_claims_channel_check CHECK (channel IN ('commission', 'cabinet')),
    CONSTRAINT voter_list_claims_fields_check CHECK (
        (kind = 'inclusion' AND surname IS NULL AND given_name IS NULL AND patronymic IS NULL
            AND birth_date IS NULL AND street IS NULL AND house IS NULL)
        OR (kind = 'correction' AND (surname IS NOT NULL OR given_name IS NOT NULL
            OR patronymic IS NOT NULL OR birth_date IS NOT NULL OR street IS NOT NULL
            OR house IS NOT NULL))),
    CONSTRAINT voter_list_claims_decision_check CHECK (
        (status = 'filed' AND decided_by IS NULL AND decided_at IS NULL AND note IS NULL)
        OR (status = 'accepted' AND decided_by IS NOT NULL AND decided_at IS NOT NULL)
        OR (status = 'rejected' AND decided_by IS NOT NULL AND decided_at IS NOT NULL
            AND note IS NOT NULL)),
    CONSTRAINT voter_list_claims_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT voter_list_claims_station_fkey FOREIGN KEY (station) REFERENCES stations (number)
);
-- At most one open (filed) claim per voter, election and kind: the store checks this under the
-- write lock, and this index makes it hold whatever writes the table.
CREATE UNIQUE INDEX voter_list_claims_open
    ON voter_list_claims (election, pin, kind) WHERE status = 'filed';
CREATE INDEX voter_list_claims_station ON voter_list_claims (election, station, status);
CREATE INDEX voter_list_claims_pin ON voter_list_claims (election, pin);

-- The passport copy of a claim: JPEG, PNG or PDF (recognised by its bytes), at most 5 MB, with
-- its BLAKE3 digest. Only staff covering the claim's station may read it.
CREATE TABLE voter_list_claim_copies (
    claim_id BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    digest TEXT NOT NULL,
    size BIGINT NOT NULL,
    bytes BYTEA NOT NULL,
    CONSTRAINT voter_list_claim_copies_pkey PRIMARY KEY (claim_id),
    CONSTRAINT voter_list_claim_copies_type_check
        CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    CONSTRAINT voter_list_claim_copies_claim_fkey
        FOREIGN KEY (claim_id) REFERENCES voter_list_claims (id)
);

-- The amendment history: one row per field an accepted claim changed (`station` and `council`
-- for an inclusion; the corrected fields for a correction), before → after, by whom, when, and
-- the acceptance's note. Written in the same transaction as the change and its audit entry.
CREATE TABLE voter_list_amendments (
    claim_id BIGINT NOT NULL,
    field TEXT NOT NULL,
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT NOT NULL,
    amended_by TEXT NOT NULL,
    amended_at TEXT NOT NULL,
    note TEXT,
    CONSTRAINT voter_list_amendments_pkey PRIMARY KEY (claim_id, field),
    CONSTRAINT voter_list_amendments_claim_fkey
        FOREIGN KEY (claim_id) REFERENCES voter_list_claims (id)
);
CREATE INDEX voter_list_amendments_pin ON voter_list_amendments (election, pin, claim_id);

-- The corrected data of a voter as the lists and printouts show them over the register (which
-- is never edited): the latest accepted corrections laid over each other; NULL: as registered.
CREATE TABLE voter_list_corrections (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    claim_id BIGINT NOT NULL,
    surname TEXT,
    given_name TEXT,
    patronymic TEXT,
    birth_date TEXT,
    street TEXT,
    house TEXT,
    CONSTRAINT voter_list_corrections_pkey PRIMARY KEY (election, pin),
    CONSTRAINT voter_list_corrections_claim_fkey
        FOREIGN KEY (claim_id) REFERENCES voter_list_claims (id)
);
