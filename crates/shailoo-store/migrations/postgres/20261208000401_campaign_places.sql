-- Places for printed campaign material (i16-badges, CAL-06): what the local government provides
-- at each polling station of an election, as the TEC recorded it (a later record replaces it).

CREATE TABLE campaign_places (
    election TEXT NOT NULL,
    station BIGINT NOT NULL,
    description TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT campaign_places_pkey PRIMARY KEY (election, station),
    CONSTRAINT campaign_places_description_check CHECK (length(description) > 0),
    CONSTRAINT campaign_places_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT campaign_places_station_fkey FOREIGN KEY (station) REFERENCES stations (number)
);
