-- Results (RES-01…RES-11): the PEC protocols with their versions, the councils'
-- determinations and the ballot-counting boxes' preliminary counts, kept apart. Kept in step
-- with the other engine's file of the same name: same tables, columns and constraint names
-- (BIGINT here, INTEGER there). Instants are UTC RFC 3339 text. The workflow's state is the
-- domain's JSON (shailoo_domain::results::Version), parsed back through serde: a row that does
-- not parse is StoreError::Corrupt.

-- One row per protocol (station × contest of a council): what is locked and listed.
-- `counted` is the protocol of the latest accepted version (JSON), what aggregation reads;
-- `stage` the current version's stage.
CREATE TABLE protocols (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    station BIGINT NOT NULL,
    contest TEXT NOT NULL,
    current_version BIGINT NOT NULL,
    stage TEXT NOT NULL,
    counted_version BIGINT,
    counted TEXT,
    updated_at TEXT NOT NULL,
    CONSTRAINT protocols_pkey PRIMARY KEY (election, council, station, contest),
    CONSTRAINT protocols_stage_check CHECK (stage IN
        ('awaiting_entry', 'first_entered', 'differs', 'entered', 'accepted')),
    CONSTRAINT protocols_counted_check CHECK ((counted IS NULL) = (counted_version IS NULL)),
    CONSTRAINT protocols_council_fkey FOREIGN KEY (election, council)
        REFERENCES election_councils (election, council),
    CONSTRAINT protocols_station_fkey FOREIGN KEY (station) REFERENCES stations (number)
);

-- Every version of a protocol: the first, and each correction with its reason. A version
-- once accepted is never written again (a correction inserts the next one).
CREATE TABLE protocol_versions (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    station BIGINT NOT NULL,
    contest TEXT NOT NULL,
    version BIGINT NOT NULL,
    reason TEXT,
    stage TEXT NOT NULL,
    body TEXT NOT NULL,
    CONSTRAINT protocol_versions_pkey PRIMARY KEY (election, council, station, contest, version),
    CONSTRAINT protocol_versions_version_check CHECK (version >= 1),
    CONSTRAINT protocol_versions_protocol_fkey FOREIGN KEY (election, council, station, contest)
        REFERENCES protocols (election, council, station, contest)
);

-- A council's determination (RES-11), with the drawings of lots it recorded (RES-08).
CREATE TABLE council_results (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL,
    determined_by TEXT NOT NULL,
    determined_at TEXT NOT NULL,
    CONSTRAINT council_results_pkey PRIMARY KEY (election, council),
    CONSTRAINT council_results_status_check CHECK (status IN
        ('incomplete', 'completed', 'lots_required', 'failed')),
    CONSTRAINT council_results_council_fkey FOREIGN KEY (election, council)
        REFERENCES election_councils (election, council)
);

-- RES-01: the automatic ballot-counting boxes' counts, preliminary, never mixed with the
-- protocols.
CREATE TABLE preliminary_counts (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    station BIGINT NOT NULL,
    contest TEXT NOT NULL,
    body TEXT NOT NULL,
    CONSTRAINT preliminary_counts_pkey PRIMARY KEY (election, council, station, contest),
    CONSTRAINT preliminary_counts_council_fkey FOREIGN KEY (election, council)
        REFERENCES election_councils (election, council),
    CONSTRAINT preliminary_counts_station_fkey FOREIGN KEY (station) REFERENCES stations (number)
);
