-- Nominations of candidates ("Electronic candidate", CAN-01…CAN-09, RES-02): a party's closed
-- list for a city council, or one candidate in an aiyl district nominated by a party or by
-- themself; its candidates, identified by the civil registry's answer for their PIN (with its
-- evidence: request id, time, digest); the live candidacies that CAN-05 allows once per person
-- and election; the documents filed, stored by digest; the results of the registry checks with
-- their evidence; the status history; and the order of the parties on a city ballot. Kept in
-- step with the other engine's file of the same name: same tables, columns and constraint
-- names (INTEGER/BLOB here, BIGINT/BOOLEAN/BYTEA there). Instants are UTC RFC 3339 text, dates ISO text.

-- One row per nomination. The status's data sit beside it: a refusal's ground (CAN-09, its
-- rule's code), a cancellation's reason and note, who withdrew. `candidates_made` counts the
-- candidate ids the nomination has given out (`{id}-{k}`), so that an id is never reused.
CREATE TABLE nominations (
    id INTEGER NOT NULL,
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    kind TEXT NOT NULL,
    party TEXT,
    district TEXT,
    status TEXT NOT NULL,
    ground TEXT,
    cancellation_reason TEXT,
    cancellation_note TEXT,
    withdrawn_by TEXT,
    version INTEGER NOT NULL,
    candidates_made INTEGER NOT NULL,
    filed_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    decided_at TEXT,
    CONSTRAINT nominations_pkey PRIMARY KEY (id),
    CONSTRAINT nominations_kind_check CHECK (
        (kind = 'city_list' AND party IS NOT NULL AND district IS NULL)
        OR (kind = 'district' AND district IS NOT NULL)),
    CONSTRAINT nominations_status_check CHECK (status IN
        ('draft', 'submitted', 'registered', 'refused', 'cancelled', 'withdrawn')),
    CONSTRAINT nominations_status_data_check CHECK (
        ((status = 'refused') = (ground IS NOT NULL))
        AND ((status = 'cancelled') = (cancellation_reason IS NOT NULL))
        AND ((status = 'cancelled') = (cancellation_note IS NOT NULL))
        AND ((status = 'withdrawn') = (withdrawn_by IS NOT NULL))),
    CONSTRAINT nominations_council_fkey FOREIGN KEY (election, council)
        REFERENCES election_councils (election, council),
    CONSTRAINT nominations_party_fkey FOREIGN KEY (party) REFERENCES parties (id)
);
-- CAN-03: one list per party and city council at a time (a refused, withdrawn or cancelled
-- one may be followed by a new one).
CREATE UNIQUE INDEX nominations_one_list ON nominations (election, council, party)
    WHERE kind = 'city_list' AND status IN ('draft', 'submitted', 'registered');
CREATE INDEX nominations_council_idx ON nominations (election, council, status);
CREATE INDEX nominations_party_idx ON nominations (election, party);

-- The candidates of a nomination, in list order (`position`; those no longer standing stay, for
-- the history). Who they are is the civil registry's answer (never typed), with its evidence;
-- the residence is personal data and never public. `search` and `sort_key` are the name,
-- lower-cased and as a Kyrgyz sort key. `occupation` and `program` are the filer's, public.
CREATE TABLE nomination_entries (
    nomination INTEGER NOT NULL,
    candidate TEXT NOT NULL,
    position INTEGER NOT NULL,
    pin TEXT NOT NULL,
    surname TEXT NOT NULL,
    given_name TEXT NOT NULL,
    patronymic TEXT,
    sex TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    settlement TEXT,
    address TEXT,
    registered_on TEXT,
    permanent INTEGER,
    civil_request_id TEXT NOT NULL,
    civil_answered_at TEXT NOT NULL,
    civil_digest TEXT NOT NULL,
    search TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    filed_at TEXT,
    status TEXT NOT NULL,
    ground TEXT,
    withdrawn_by TEXT,
    replaced_by TEXT,
    cancellation_reason TEXT,
    cancellation_note TEXT,
    status_at TEXT,
    occupation TEXT,
    program TEXT,
    CONSTRAINT nomination_entries_pkey PRIMARY KEY (nomination, candidate),
    CONSTRAINT nomination_entries_candidate_key UNIQUE (candidate),
    CONSTRAINT nomination_entries_status_check CHECK (status IN
        ('standing', 'excluded', 'withdrawn', 'replaced', 'cancelled')),
    CONSTRAINT nomination_entries_residence_check CHECK (
        (settlement IS NULL) = (address IS NULL)
        AND (settlement IS NULL) = (registered_on IS NULL)
        AND (settlement IS NULL) = (permanent IS NULL)),
    CONSTRAINT nomination_entries_nomination_fkey
        FOREIGN KEY (nomination) REFERENCES nominations (id)
);
CREATE INDEX nomination_entries_pin_idx ON nomination_entries (pin);

-- CAN-05: the live candidacies, one per person and election whatever writes the table: a
-- standing candidate of a submitted or registered nomination. Kept by the store with the
-- nomination (a refusal, withdrawal or cancellation frees the person).
CREATE TABLE candidacies (
    election TEXT NOT NULL,
    pin TEXT NOT NULL,
    nomination INTEGER NOT NULL,
    candidate TEXT NOT NULL,
    CONSTRAINT candidacies_pkey PRIMARY KEY (election, pin),
    CONSTRAINT candidacies_entry_fkey FOREIGN KEY (nomination, candidate)
        REFERENCES nomination_entries (nomination, candidate)
);
CREATE INDEX candidacies_nomination_idx ON candidacies (nomination);

-- The results of the registry checks (CAN-08), one row per check of a run, kept for good: the
-- latest run that checked a candidate is what the TEC decides on. `candidate` NULL: the list's
-- composition (CAN-06). A result rests on the registry's answer (`request_id`, `answered_at`,
-- `digest`: the X-Road message id, when it arrived, the BLAKE3 digest of its body) or says
-- why the registry gave none (`unanswered_reason`, `unanswered_at`): never a verdict then.
CREATE TABLE nomination_checks (
    nomination INTEGER NOT NULL,
    run INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    candidate TEXT,
    check_code TEXT NOT NULL,
    outcome TEXT NOT NULL,
    ground TEXT,
    registry TEXT,
    unanswered_reason TEXT,
    unanswered_at TEXT,
    request_id TEXT,
    answered_at TEXT,
    digest TEXT,
    checked_at TEXT NOT NULL,
    CONSTRAINT nomination_checks_pkey PRIMARY KEY (nomination, run, seq),
    CONSTRAINT nomination_checks_outcome_check
        CHECK (outcome IN ('pass', 'fail', 'could_not_check')),
    CONSTRAINT nomination_checks_data_check CHECK (
        ((outcome = 'fail') = (ground IS NOT NULL))
        AND ((outcome = 'could_not_check') = (unanswered_reason IS NOT NULL))
        AND ((unanswered_reason IS NULL) = (unanswered_at IS NULL))
        AND ((request_id IS NULL) = (answered_at IS NULL))
        AND ((request_id IS NULL) = (digest IS NULL))
        AND (outcome <> 'could_not_check' OR request_id IS NULL)),
    CONSTRAINT nomination_checks_nomination_fkey
        FOREIGN KEY (nomination) REFERENCES nominations (id)
);

-- Documents by their BLAKE3 digest: a file filed twice (the same party decision for several
-- nominees) is stored once. Recognised by their bytes, at most 5 MB.
CREATE TABLE document_files (
    digest TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    bytes BLOB NOT NULL,
    CONSTRAINT document_files_pkey PRIMARY KEY (digest),
    CONSTRAINT document_files_type_check
        CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf'))
);

-- Which document a nomination (`candidate` = '') or one of its candidates has, one per kind.
-- Only the photo and the program are public.
CREATE TABLE nomination_documents (
    nomination INTEGER NOT NULL,
    candidate TEXT NOT NULL,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    filed_at TEXT NOT NULL,
    CONSTRAINT nomination_documents_pkey PRIMARY KEY (nomination, candidate, kind),
    CONSTRAINT nomination_documents_kind_check
        CHECK (kind IN ('consent', 'party_decision', 'photo', 'program')),
    CONSTRAINT nomination_documents_nomination_fkey
        FOREIGN KEY (nomination) REFERENCES nominations (id),
    CONSTRAINT nomination_documents_file_fkey
        FOREIGN KEY (digest) REFERENCES document_files (digest)
);

-- The status history of nominations and their candidates, append-only: each step of the
-- workflow adds its rows in the transaction of the step and its audit entry.
CREATE TABLE nomination_history (
    nomination INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    candidate TEXT,
    status TEXT NOT NULL,
    detail TEXT,
    note TEXT,
    by_whom TEXT NOT NULL,
    at TEXT NOT NULL,
    CONSTRAINT nomination_history_pkey PRIMARY KEY (nomination, seq),
    CONSTRAINT nomination_history_nomination_fkey
        FOREIGN KEY (nomination) REFERENCES nominations (id)
);

-- RES-02: the order the TEC set for the parties on a city council's ballot.
CREATE TABLE ballot_orders (
    election TEXT NOT NULL,
    council TEXT NOT NULL,
    position INTEGER NOT NULL,
    party TEXT NOT NULL,
    CONSTRAINT ballot_orders_pkey PRIMARY KEY (election, council, position),
    CONSTRAINT ballot_orders_party_key UNIQUE (election, council, party),
    CONSTRAINT ballot_orders_council_fkey FOREIGN KEY (election, council)
        REFERENCES election_councils (election, council),
    CONSTRAINT ballot_orders_party_fkey FOREIGN KEY (party) REFERENCES parties (id)
);
