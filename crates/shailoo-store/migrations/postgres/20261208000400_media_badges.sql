-- Journalists' badges of accredited media outlets (i16-badges, CMP-01): the journalist's name,
-- the outlet's name as printed, the status, and the signed payload its QR code carries.

CREATE TABLE media_badges (
    id BIGINT NOT NULL,
    election TEXT NOT NULL,
    outlet_id BIGINT NOT NULL,
    outlet_name TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    issued_by TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_by TEXT,
    revoked_at TEXT,
    payload TEXT NOT NULL,
    CONSTRAINT media_badges_pkey PRIMARY KEY (id),
    CONSTRAINT media_badges_status_check CHECK (status IN ('issued', 'revoked')),
    CONSTRAINT media_badges_revoked_check CHECK (
        (status = 'revoked') = (reason IS NOT NULL)
        AND (status = 'revoked') = (revoked_at IS NOT NULL)
        AND (revoked_at IS NULL) = (revoked_by IS NULL)
    ),
    CONSTRAINT media_badges_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT media_badges_outlet_fkey FOREIGN KEY (outlet_id) REFERENCES media_outlets (id)
);

CREATE INDEX media_badges_outlet_idx ON media_badges (election, outlet_id, id);
