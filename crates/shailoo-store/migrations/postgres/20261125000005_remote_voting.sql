-- Remote voting (VOT-07): applications filed by TEC staff on a voter's behalf until CAL-12, the
-- TEC's decisions, and the capacity of remote-voting stations. Kept in step with the other
-- engine's file of the same name: same tables, columns and constraint names.

-- One row per application. An approved application has moved the voter's
-- voter_list_entries.station to `remote_station` in the same transaction; a cancelled one has
-- moved it back. Instants are UTC RFC 3339 text. No foreign key to voter_list_entries: the
-- lists are replaced wholesale by a compile, which is refused once they are frozen.
CREATE TABLE remote_applications (
    id BIGINT NOT NULL,
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    remote_station BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    CONSTRAINT remote_applications_pkey PRIMARY KEY (id),
    CONSTRAINT remote_applications_status_check
        CHECK (status IN ('applied', 'approved', 'rejected', 'cancelled')),
    CONSTRAINT remote_applications_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT remote_applications_station_fkey
        FOREIGN KEY (remote_station) REFERENCES stations (number)
);
-- At most one live (applied or approved) application per voter and election: the store checks
-- this under the write lock, and this index makes it hold whatever writes the table.
CREATE UNIQUE INDEX remote_applications_live
    ON remote_applications (election, pin) WHERE status IN ('applied', 'approved');
CREATE INDEX remote_applications_station
    ON remote_applications (election, remote_station, status);

-- The capacity of a remote-voting station for an election, when the CEC set one; otherwise the
-- configured default applies.
CREATE TABLE remote_station_capacity (
    election TEXT NOT NULL,
    station BIGINT NOT NULL,
    capacity BIGINT NOT NULL,
    CONSTRAINT remote_station_capacity_pkey PRIMARY KEY (election, station),
    CONSTRAINT remote_station_capacity_check CHECK (capacity >= 0),
    CONSTRAINT remote_station_capacity_election_fkey
        FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT remote_station_capacity_station_fkey
        FOREIGN KEY (station) REFERENCES stations (number)
);
