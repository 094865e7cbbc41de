-- Election funds (CMP-04) and violation reports (CMP-07).
--
-- A fund is a filed nomination's (a city party list, an aiyl district candidate): its
-- movements, numbered from 1 in the fund (the order the donor rules are checked in after the
-- date), and its two reports, each submitted once with its days late. Amounts are tyiyn.
-- Violation reports keep their history of statuses; a photo or video once per BLAKE3 digest.
-- Instants are RFC 3339 text, as everywhere in the store.

CREATE TABLE fund_movements (
    nomination INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    on_date TEXT NOT NULL,
    direction TEXT NOT NULL,
    amount INTEGER NOT NULL,
    donor_kind TEXT,
    counterparty TEXT NOT NULL,
    purpose TEXT,
    source TEXT NOT NULL,
    statement_line INTEGER,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    CONSTRAINT fund_movements_pkey PRIMARY KEY (nomination, seq),
    CONSTRAINT fund_movements_amount_check CHECK (amount > 0),
    CONSTRAINT fund_movements_direction_check CHECK (
        (direction = 'in' AND donor_kind IN ('own', 'person', 'legal_entity', 'foreign', 'anonymous'))
        OR (direction = 'out' AND donor_kind IS NULL AND purpose IS NOT NULL)),
    CONSTRAINT fund_movements_source_check CHECK (
        (source = 'entry' AND statement_line IS NULL)
        OR (source = 'statement' AND statement_line IS NOT NULL)),
    CONSTRAINT fund_movements_nomination_fkey FOREIGN KEY (nomination) REFERENCES nominations (id)
);

CREATE TABLE fund_reports (
    nomination INTEGER NOT NULL,
    report TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    late_days INTEGER,
    CONSTRAINT fund_reports_pkey PRIMARY KEY (nomination, report),
    CONSTRAINT fund_reports_report_check CHECK (report IN ('first', 'final')),
    CONSTRAINT fund_reports_late_check CHECK (late_days IS NULL OR late_days >= 1),
    CONSTRAINT fund_reports_nomination_fkey FOREIGN KEY (nomination) REFERENCES nominations (id)
);

CREATE TABLE violation_evidence (
    digest TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    CONSTRAINT violation_evidence_pkey PRIMARY KEY (digest),
    CONSTRAINT violation_evidence_type_check
        CHECK (content_type IN ('image/jpeg', 'image/png', 'video/mp4', 'video/webm'))
);

CREATE TABLE violation_reports (
    id INTEGER NOT NULL,
    secret INTEGER NOT NULL,
    election TEXT NOT NULL,
    intake TEXT NOT NULL,
    text TEXT NOT NULL,
    station INTEGER,
    location TEXT,
    contact TEXT,
    evidence TEXT,
    external_id TEXT,
    category TEXT,
    territory TEXT,
    region TEXT,
    assigned_to TEXT,
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL,
    status TEXT NOT NULL,
    CONSTRAINT violation_reports_pkey PRIMARY KEY (id),
    CONSTRAINT violation_reports_intake_check CHECK (intake IN
        ('hotline_1255', 'trust_line', 'messaging', 'email', 'web_form', 'in_person')),
    CONSTRAINT violation_reports_place_check CHECK (station IS NOT NULL OR location IS NOT NULL),
    CONSTRAINT violation_reports_status_check CHECK (status IN
        ('received', 'triaged', 'assigned', 'resolved', 'referred', 'dismissed')),
    CONSTRAINT violation_reports_triage_check CHECK (
        (status = 'received') OR (status = 'dismissed') OR (category IS NOT NULL AND territory IS NOT NULL)),
    CONSTRAINT violation_reports_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT violation_reports_station_fkey FOREIGN KEY (station) REFERENCES stations (number),
    CONSTRAINT violation_reports_territory_fkey FOREIGN KEY (territory) REFERENCES commissions (id),
    CONSTRAINT violation_reports_evidence_fkey
        FOREIGN KEY (evidence) REFERENCES violation_evidence (digest)
);

-- A message the gateway delivers twice (or an e-mail forwarded twice) is one report.
CREATE UNIQUE INDEX violation_reports_external_idx ON violation_reports (external_id);
CREATE INDEX violation_reports_election_idx ON violation_reports (election, received_at);

CREATE TABLE violation_updates (
    report INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    by_whom TEXT NOT NULL,
    at TEXT NOT NULL,
    CONSTRAINT violation_updates_pkey PRIMARY KEY (report, seq),
    CONSTRAINT violation_updates_report_fkey FOREIGN KEY (report) REFERENCES violation_reports (id)
);
