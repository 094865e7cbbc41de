-- Electoral districts of aiyl councils (DIS-01…DIS-05): the districting units of each council
-- and their borders, and the district schemes a TEC drafts and submits by CAL-05 and the CEC
-- approves or returns. Kept in step with the other engine's file of the same name: same
-- tables, columns and constraint names; only the column types differ (BIGINT, BOOLEAN and
-- DOUBLE PRECISION here, INTEGER and REAL there). Instants are UTC RFC 3339 text.

-- A unit: the part of one settlement that one polling station serves (or a whole settlement).
-- `voters` is the count given at import; pages prefer the compiled voter lists when there are
-- any. `x_km`/`y_km` only place the unit on the scheme's picture (no real geometry is held).
CREATE TABLE district_units (
    council TEXT NOT NULL,
    id TEXT NOT NULL,
    position BIGINT NOT NULL,
    settlement TEXT,
    station BIGINT,
    voters BIGINT NOT NULL,
    remote BOOLEAN NOT NULL,
    x_km DOUBLE PRECISION NOT NULL,
    y_km DOUBLE PRECISION NOT NULL,
    CONSTRAINT district_units_pkey PRIMARY KEY (council, id),
    CONSTRAINT district_units_voters_check CHECK (voters >= 0),
    CONSTRAINT district_units_council_fkey FOREIGN KEY (council) REFERENCES councils (id),
    CONSTRAINT district_units_settlement_fkey FOREIGN KEY (settlement) REFERENCES territories (id),
    CONSTRAINT district_units_station_fkey FOREIGN KEY (station) REFERENCES stations (number)
);

-- Two units that border each other, stored once per direction.
CREATE TABLE district_unit_neighbors (
    council TEXT NOT NULL,
    unit TEXT NOT NULL,
    neighbor TEXT NOT NULL,
    CONSTRAINT district_unit_neighbors_pkey PRIMARY KEY (council, unit, neighbor),
    CONSTRAINT district_unit_neighbors_unit_fkey FOREIGN KEY (council, unit)
        REFERENCES district_units (council, id),
    CONSTRAINT district_unit_neighbors_neighbor_fkey FOREIGN KEY (council, neighbor)
        REFERENCES district_units (council, id)
);

-- The scheme of one council for one election (DIS-02). One row that moves through the
-- workflow draft → submitted → approved | returned → …; `version` grows with every change so
-- that two editors cannot overwrite each other unknowingly.
CREATE TABLE district_schemes (
    id BIGINT NOT NULL,
    council TEXT NOT NULL,
    election TEXT NOT NULL,
    version BIGINT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    decided_by TEXT,
    CONSTRAINT district_schemes_pkey PRIMARY KEY (id),
    CONSTRAINT district_schemes_council_election_key UNIQUE (council, election),
    CONSTRAINT district_schemes_status_check
        CHECK (status IN ('draft', 'submitted', 'approved', 'returned')),
    CONSTRAINT district_schemes_council_fkey FOREIGN KEY (council) REFERENCES councils (id),
    CONSTRAINT district_schemes_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);

-- A district of a scheme: its number, mandates and whether the 20% allowance is claimed.
CREATE TABLE scheme_districts (
    scheme BIGINT NOT NULL,
    number TEXT NOT NULL,
    position BIGINT NOT NULL,
    seats BIGINT NOT NULL,
    remote BOOLEAN NOT NULL,
    CONSTRAINT scheme_districts_pkey PRIMARY KEY (scheme, number),
    CONSTRAINT scheme_districts_scheme_fkey FOREIGN KEY (scheme) REFERENCES district_schemes (id)
);

-- The units of a district, in the order given.
CREATE TABLE scheme_district_units (
    scheme BIGINT NOT NULL,
    number TEXT NOT NULL,
    unit TEXT NOT NULL,
    position BIGINT NOT NULL,
    CONSTRAINT scheme_district_units_pkey PRIMARY KEY (scheme, number, unit),
    CONSTRAINT scheme_district_units_district_fkey FOREIGN KEY (scheme, number)
        REFERENCES scheme_districts (scheme, number)
);
