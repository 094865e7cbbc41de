-- The complaints registry (CMP-05, CMP-06): a complaint about a commission's decision, action
-- or inaction, and its steps: the complaint itself (seq 1) and each appeal up the chain
-- PEC → TEC → CEC → court, each with its clock and its decision. Decision documents are kept
-- once per BLAKE3 digest. Instants are RFC 3339 text, as everywhere in the store.

CREATE TABLE complaint_documents (
    digest TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    CONSTRAINT complaint_documents_pkey PRIMARY KEY (digest),
    CONSTRAINT complaint_documents_type_check
        CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf'))
);

CREATE TABLE complaints (
    id INTEGER NOT NULL,
    election TEXT NOT NULL,
    subject TEXT NOT NULL,
    act_on TEXT,
    station INTEGER,
    nomination INTEGER,
    claim_id INTEGER,
    complainant_kind TEXT NOT NULL,
    complainant_name TEXT NOT NULL,
    complainant_contact TEXT,
    channel TEXT NOT NULL,
    summary TEXT NOT NULL,
    CONSTRAINT complaints_pkey PRIMARY KEY (id),
    CONSTRAINT complaints_subject_check CHECK (subject IN ('decision', 'action', 'inaction')),
    CONSTRAINT complaints_act_on_check CHECK ((subject = 'inaction') OR (act_on IS NOT NULL)),
    CONSTRAINT complaints_kind_check
        CHECK (complainant_kind IN ('voter', 'candidate', 'party', 'observer')),
    CONSTRAINT complaints_channel_check CHECK (channel IN ('online', 'paper')),
    CONSTRAINT complaints_election_fkey FOREIGN KEY (election) REFERENCES elections (id),
    CONSTRAINT complaints_station_fkey FOREIGN KEY (station) REFERENCES stations (number),
    CONSTRAINT complaints_nomination_fkey FOREIGN KEY (nomination) REFERENCES nominations (id),
    CONSTRAINT complaints_claim_fkey FOREIGN KEY (claim_id) REFERENCES voter_list_claims (id)
);

CREATE INDEX complaints_election_idx ON complaints (election, id);

CREATE TABLE complaint_steps (
    complaint_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    level TEXT NOT NULL,
    commission TEXT,
    court TEXT,
    grounds TEXT,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    filing_deadline TEXT,
    due_at TEXT,
    due_immediately BOOLEAN,
    assigned_to TEXT,
    outcome TEXT,
    reasons TEXT,
    decision_number TEXT,
    document TEXT,
    decided_by TEXT,
    decided_at TEXT,
    CONSTRAINT complaint_steps_pkey PRIMARY KEY (complaint_id, seq),
    CONSTRAINT complaint_steps_seq_check CHECK (seq >= 1),
    CONSTRAINT complaint_steps_level_check CHECK (level IN ('pec', 'tec', 'cec', 'court')),
    CONSTRAINT complaint_steps_forum_check CHECK (
        (level = 'court' AND commission IS NULL AND court IS NOT NULL AND due_at IS NULL)
        OR (level <> 'court' AND commission IS NOT NULL AND court IS NULL AND due_at IS NOT NULL)
    ),
    CONSTRAINT complaint_steps_outcome_check
        CHECK (outcome IN ('upheld', 'partly_upheld', 'rejected', 'not_considered')),
    CONSTRAINT complaint_steps_decision_check CHECK (
        (outcome IS NULL) = (decided_at IS NULL)
        AND (outcome IS NULL) = (document IS NULL)
        AND (outcome IS NULL) = (decided_by IS NULL)
    ),
    -- One person never both files and decides.
    CONSTRAINT complaint_steps_filer_decides_check CHECK (decided_by IS NULL OR decided_by <> filed_by),
    CONSTRAINT complaint_steps_complaint_fkey FOREIGN KEY (complaint_id) REFERENCES complaints (id),
    CONSTRAINT complaint_steps_commission_fkey FOREIGN KEY (commission) REFERENCES commissions (id),
    CONSTRAINT complaint_steps_document_fkey
        FOREIGN KEY (document) REFERENCES complaint_documents (digest)
);

CREATE INDEX complaint_steps_commission_idx ON complaint_steps (commission);
