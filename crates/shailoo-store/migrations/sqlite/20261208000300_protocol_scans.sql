-- i15-scan-map: the scan or photo of a signed paper protocol, attached by the PEC at entry.
-- The file is kept once per BLAKE3 digest (as complaint documents are); each attachment links
-- it to one version of one protocol, so a correction (a new version) carries its own scan and
-- the public sees the scans of the counted version only. Kept in step with the other engine's
-- file of the same name (INTEGER/BLOB here, BIGINT/BYTEA there).

CREATE TABLE protocol_scan_files (
    digest TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    CONSTRAINT protocol_scan_files_pkey PRIMARY KEY (digest),
    CONSTRAINT protocol_scan_files_type_check
        CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf'))
);

CREATE TABLE protocol_scans (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    station INTEGER NOT NULL,
    contest TEXT NOT NULL,
    version INTEGER NOT NULL,
    digest TEXT NOT NULL,
    attached_by TEXT NOT NULL,
    attached_at TEXT NOT NULL,
    CONSTRAINT protocol_scans_pkey PRIMARY KEY (election, council, station, contest, version, digest),
    CONSTRAINT protocol_scans_version_fkey FOREIGN KEY (election, council, station, contest, version)
        REFERENCES protocol_versions (election, council, station, contest, version),
    CONSTRAINT protocol_scans_file_fkey FOREIGN KEY (digest) REFERENCES protocol_scan_files (digest)
);

CREATE INDEX protocol_scans_digest_idx ON protocol_scans (election, digest);
