-- Voter register (Tizme): register imports with their change history, and the voter lists
-- compiled per election from the population register (VOT-01…VOT-06), with their publication
-- state (CAL-02, CAL-04, CAL-12). Kept in step with the other engine's file of the same name:
-- same tables, columns and constraint names; only the integer type differs (INTEGER here, BIGINT there), and the
-- tables keyed by PIN are WITHOUT ROWID here (one B-tree instead of two, for the bulk writes).

-- One row per import of a register extract, with what it changed. `id` counts imports from 1.
-- The first import into an empty register records its persons as added without a row per person
-- in register_changes (the register itself is that history); later imports record every change.
CREATE TABLE register_imports (
    id INTEGER NOT NULL,
    source TEXT NOT NULL,
    actor TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    records INTEGER NOT NULL,
    added INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    removed INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    duplicate_pins INTEGER NOT NULL,
    CONSTRAINT register_imports_pkey PRIMARY KEY (id)
);

-- What an import did to one person: added, changed (any field differs) or removed.
CREATE TABLE register_changes (
    import_id INTEGER NOT NULL,
    pin TEXT NOT NULL,
    kind TEXT NOT NULL,
    CONSTRAINT register_changes_pkey PRIMARY KEY (import_id, pin),
    CONSTRAINT register_changes_kind_check CHECK (kind IN ('added', 'changed', 'removed')),
    CONSTRAINT register_changes_import_fkey FOREIGN KEY (import_id) REFERENCES register_imports (id)
) WITHOUT ROWID;
CREATE INDEX register_changes_pin_idx ON register_changes (pin, import_id);

-- PINs that the latest extract holds more than once (VOT-06). `persons` keeps the first copy;
-- compiling puts none of them on a list, since the register cannot say which copy is right.
CREATE TABLE register_duplicates (
    pin TEXT NOT NULL,
    copies INTEGER NOT NULL,
    CONSTRAINT register_duplicates_pkey PRIMARY KEY (pin)
);

-- The two list tables have no foreign key to `elections`: a per-row check would dominate the
-- bulk writes of 4 million rows (PostgreSQL fires a trigger per row), and the compile checks the
-- election under the write lock instead.

-- One row per eligible voter of an election: on exactly one list (VOT-06, the primary key).
-- `station` is where they vote: the home station, or a remote-voting station after an
-- approved application (VOT-07); `council` is always their own council.
CREATE TABLE voter_list_entries (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    council TEXT NOT NULL,
    home_station INTEGER NOT NULL,
    station INTEGER NOT NULL,
    CONSTRAINT voter_list_entries_pkey PRIMARY KEY (election, pin)
) WITHOUT ROWID;
CREATE INDEX voter_list_entries_station ON voter_list_entries (election, station);

-- Persons of the register who are not on any list, with the coded reasons (a bitset of
-- shailoo_domain::voter::Reasons), so that staff can answer "why am I not on the list?".
-- `council` and `home_station` are those of the address when it maps to a station area.
CREATE TABLE voter_ineligible (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    reasons INTEGER NOT NULL,
    council TEXT,
    home_station INTEGER,
    CONSTRAINT voter_ineligible_pkey PRIMARY KEY (election, pin)
) WITHOUT ROWID;

-- Where an election's lists stand: compiled (from which import, with what counts), published
-- online (CAL-02), posted at the stations (CAL-04), frozen as final (after CAL-12). Instants are
-- UTC RFC 3339 text.
CREATE TABLE voter_list_state (
    election TEXT NOT NULL,
    compiled_at TEXT,
    register_import INTEGER,
    eligible INTEGER NOT NULL,
    ineligible INTEGER NOT NULL,
    published_at TEXT,
    posted_at TEXT,
    frozen_at TEXT,
    CONSTRAINT voter_list_state_pkey PRIMARY KEY (election),
    CONSTRAINT voter_list_state_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);
