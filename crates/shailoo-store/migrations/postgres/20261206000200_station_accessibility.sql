-- Accessibility of the polling premises for voters with disabilities. The seed requires
-- "ramps or call buttons, wide doors, parking, ground floor or lift, tactile signs, lighting";
-- before this migration `ramp` stood for "a ramp or a call button" and lighting was not
-- recorded. Now a call button has its own column and so has lighting (both false until a
-- survey says otherwise), and every survey the local government makes of a station is kept,
-- with who recorded it; the station's columns hold the latest survey's findings. Kept in step
-- with the ../sqlite file of the same name: same tables, columns and constraint names; only
-- the column types differ (BIGINT and BOOLEAN here, INTEGER there).

ALTER TABLE stations ADD COLUMN call_button BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE stations ADD COLUMN lighting BOOLEAN NOT NULL DEFAULT FALSE;

-- One survey of one station's premises: the day the local government surveyed them, who
-- surveyed (the aiyl okmotu or the mayor's office), the findings, and the staff member who
-- recorded it. `id` counts surveys from 1 per database. Dates are ISO text, instants UTC
-- RFC 3339 text.
CREATE TABLE station_access_surveys (
    id BIGINT NOT NULL,
    station BIGINT NOT NULL,
    surveyed_on TEXT NOT NULL,
    surveyor TEXT NOT NULL,
    ramp BOOLEAN NOT NULL,
    call_button BOOLEAN NOT NULL,
    ground_floor BOOLEAN NOT NULL,
    wide_doors BOOLEAN NOT NULL,
    parking BOOLEAN NOT NULL,
    tactile_signs BOOLEAN NOT NULL,
    lighting BOOLEAN NOT NULL,
    note TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    CONSTRAINT station_access_surveys_pkey PRIMARY KEY (id),
    CONSTRAINT station_access_surveys_station_fkey FOREIGN KEY (station)
        REFERENCES stations (number)
);
CREATE INDEX station_access_surveys_station ON station_access_surveys (station, id);
