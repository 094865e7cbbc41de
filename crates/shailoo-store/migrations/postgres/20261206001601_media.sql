-- Media accreditation (CMP-01…CMP-03): an outlet's application with its status, and its price
-- list, one row per line of the file it was read from (election prices and the prices of the
-- six months before the calling). Money is whole tyiyn.

CREATE TABLE media_outlets (
    id BIGINT NOT NULL,
    election TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    contact TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    decided_by TEXT,
    decided_at TEXT,
    CONSTRAINT media_outlets_pkey PRIMARY KEY (id),
    CONSTRAINT media_outlets_kind_check CHECK (kind IN ('tv', 'radio', 'print', 'online')),
    CONSTRAINT media_outlets_status_check
        CHECK (status IN ('applied', 'accredited', 'refused', 'revoked')),
    CONSTRAINT media_outlets_reason_check
        CHECK ((status IN ('refused', 'revoked')) = (reason IS NOT NULL)),
    CONSTRAINT media_outlets_decided_check
        CHECK ((status = 'applied') = (decided_at IS NULL) AND (decided_at IS NULL) = (decided_by IS NULL)),
    -- One person never both files and decides.
    CONSTRAINT media_outlets_filer_decides_check CHECK (decided_by IS NULL OR decided_by <> filed_by),
    CONSTRAINT media_outlets_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);

CREATE INDEX media_outlets_election_idx ON media_outlets (election, id);

CREATE TABLE media_prices (
    outlet_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    period TEXT NOT NULL,
    service TEXT NOT NULL,
    unit TEXT NOT NULL,
    buyer TEXT,
    price_tyiyn BIGINT NOT NULL,
    charged_on TEXT,
    CONSTRAINT media_prices_pkey PRIMARY KEY (outlet_id, line),
    CONSTRAINT media_prices_period_check CHECK (
        (period = 'election' AND buyer IS NOT NULL AND charged_on IS NULL)
        OR (period = 'earlier' AND buyer IS NULL AND charged_on IS NOT NULL)
    ),
    CONSTRAINT media_prices_price_check CHECK (price_tyiyn >= 0),
    CONSTRAINT media_prices_outlet_fkey FOREIGN KEY (outlet_id) REFERENCES media_outlets (id)
);
