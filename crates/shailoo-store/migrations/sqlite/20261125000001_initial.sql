-- shailoo initial schema (SQLite). Kept in step with ../postgres/20261125000001_initial.sql:
-- same tables, columns and constraint names; only the column types differ (INTEGER for BIGINT
-- and BOOLEAN). Dates and timestamps are ISO-8601 TEXT on both engines, parsed back through the
-- domain constructors. `search` columns hold the names lower-cased by Rust (SQLite's lower() is
-- ASCII-only); `sort_key` columns hold a key that orders names in the Kyrgyz alphabet.

CREATE TABLE territories (
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent TEXT,
    -- "/chui/chui-alamudun/…/id/": the ids from the top down, for "within" filters.
    path TEXT NOT NULL,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    search TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    CONSTRAINT territories_pkey PRIMARY KEY (id),
    CONSTRAINT territories_parent_fkey FOREIGN KEY (parent) REFERENCES territories (id)
);
CREATE INDEX territories_parent_idx ON territories (parent, sort_key);
CREATE INDEX territories_path_idx ON territories (path);

CREATE TABLE councils (
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    territory TEXT NOT NULL,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    search TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    seats INTEGER NOT NULL,
    CONSTRAINT councils_pkey PRIMARY KEY (id),
    CONSTRAINT councils_kind_check CHECK (kind IN ('city', 'aiyl')),
    CONSTRAINT councils_seats_check CHECK (seats BETWEEN 1 AND 101),
    CONSTRAINT councils_territory_fkey FOREIGN KEY (territory) REFERENCES territories (id)
);
CREATE INDEX councils_sort_idx ON councils (sort_key, id);
CREATE INDEX councils_territory_idx ON councils (territory);

CREATE TABLE commissions (
    id TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT,
    territory TEXT NOT NULL,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    search TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    CONSTRAINT commissions_pkey PRIMARY KEY (id),
    CONSTRAINT commissions_level_check CHECK (level IN ('cec', 'tec', 'pec')),
    CONSTRAINT commissions_parent_fkey FOREIGN KEY (parent) REFERENCES commissions (id),
    CONSTRAINT commissions_territory_fkey FOREIGN KEY (territory) REFERENCES territories (id)
);
CREATE INDEX commissions_sort_idx ON commissions (sort_key, id);
CREATE INDEX commissions_parent_idx ON commissions (parent);

CREATE TABLE stations (
    number INTEGER NOT NULL,
    commission TEXT NOT NULL,
    council TEXT NOT NULL,
    territory TEXT NOT NULL,
    address_ky TEXT NOT NULL,
    address_ru TEXT NOT NULL,
    address_en TEXT NOT NULL,
    search TEXT NOT NULL,
    ramp INTEGER NOT NULL,
    ground_floor INTEGER NOT NULL,
    wide_doors INTEGER NOT NULL,
    parking INTEGER NOT NULL,
    tactile_signs INTEGER NOT NULL,
    remote_voting INTEGER NOT NULL,
    CONSTRAINT stations_pkey PRIMARY KEY (number),
    CONSTRAINT stations_number_check CHECK (number BETWEEN 1 AND 99999),
    CONSTRAINT stations_commission_fkey FOREIGN KEY (commission) REFERENCES commissions (id),
    CONSTRAINT stations_council_fkey FOREIGN KEY (council) REFERENCES councils (id),
    CONSTRAINT stations_territory_fkey FOREIGN KEY (territory) REFERENCES territories (id)
);
CREATE INDEX stations_council_idx ON stations (council, number);
CREATE INDEX stations_commission_idx ON stations (commission, number);

CREATE TABLE station_areas (
    station INTEGER NOT NULL,
    settlement TEXT NOT NULL,
    street TEXT NOT NULL,
    -- Every (settlement, street) pair belongs to exactly one station.
    CONSTRAINT station_areas_pkey PRIMARY KEY (settlement, street),
    CONSTRAINT station_areas_station_fkey FOREIGN KEY (station) REFERENCES stations (number),
    CONSTRAINT station_areas_settlement_fkey FOREIGN KEY (settlement) REFERENCES territories (id)
);
CREATE INDEX station_areas_station_idx ON station_areas (station);

CREATE TABLE elections (
    id TEXT NOT NULL,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    decree_number TEXT NOT NULL,
    decree_date TEXT NOT NULL,
    called_on TEXT NOT NULL,
    voting_day TEXT NOT NULL,
    CONSTRAINT elections_pkey PRIMARY KEY (id)
);

CREATE TABLE election_councils (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    -- The order the councils were given in, so that an election reads back equal.
    position INTEGER NOT NULL,
    CONSTRAINT election_councils_pkey PRIMARY KEY (election, council),
    CONSTRAINT election_councils_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT election_councils_council_fkey FOREIGN KEY (council) REFERENCES councils (id)
);

CREATE TABLE calendar_overrides (
    election TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    date TEXT NOT NULL,
    time TEXT,
    CONSTRAINT calendar_overrides_pkey PRIMARY KEY (election, rule_id),
    CONSTRAINT calendar_overrides_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);

-- The population register extract. No foreign key on settlement: the extract comes from the
-- state registry and may name places outside the setup; eligibility checks report those.
-- No secondary index either, so that the bulk load stays fast.
CREATE TABLE persons (
    pin TEXT NOT NULL,
    surname TEXT NOT NULL,
    given_name TEXT NOT NULL,
    patronymic TEXT,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    citizen INTEGER NOT NULL,
    biometrics INTEGER NOT NULL,
    settlement TEXT NOT NULL,
    street TEXT NOT NULL,
    house TEXT NOT NULL,
    address_registered_on TEXT NOT NULL,
    residence_stamp INTEGER NOT NULL,
    court_incapable INTEGER NOT NULL,
    imprisoned INTEGER NOT NULL,
    CONSTRAINT persons_pkey PRIMARY KEY (pin)
) WITHOUT ROWID;

CREATE TABLE users (
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    commission TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (username),
    CONSTRAINT users_role_check CHECK (role IN ('cec_admin', 'tec_member', 'pec_member')),
    CONSTRAINT users_commission_fkey FOREIGN KEY (commission) REFERENCES commissions (id)
);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL,
    username TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT sessions_username_fkey FOREIGN KEY (username) REFERENCES users (username) ON DELETE CASCADE
);
CREATE INDEX sessions_username_idx ON sessions (username);

-- The hash-chained audit log. `at` is TEXT on both engines because the hash covers the exact
-- nanosecond timestamp string, which a PostgreSQL timestamptz (microseconds) would round.
CREATE TABLE audit_log (
    seq INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    before_digest TEXT,
    after_digest TEXT,
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    CONSTRAINT audit_log_pkey PRIMARY KEY (seq)
);

-- One row: how many entries the log holds and the hash of the last one. Writers lock it
-- (SQLite: BEGIN IMMEDIATE; PostgreSQL: SELECT … FOR UPDATE) so the chain never forks, and
-- verification compares it with the log so that removing the newest entries is detected.
CREATE TABLE audit_head (
    id INTEGER NOT NULL,
    count INTEGER NOT NULL,
    last_hash TEXT NOT NULL,
    CONSTRAINT audit_head_pkey PRIMARY KEY (id),
    CONSTRAINT audit_head_single_check CHECK (id = 1)
);
INSERT INTO audit_head (id, count, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
