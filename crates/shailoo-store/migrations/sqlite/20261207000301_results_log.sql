-- i15-public: the public results log (shailoo_app::results::log): every accepted protocol
-- version of an election, appended in the transaction that accepts it, hash-chained per
-- election; and the signed checkpoints of its head (the commission's Ed25519 key, which the
-- database never holds: a checkpoint is signed outside and kept here to be published). Kept in
-- step with the other engine's file of the same name (INTEGER here, BIGINT there).

CREATE TABLE results_log (
    election TEXT NOT NULL,
    seq INTEGER NOT NULL,
    council TEXT NOT NULL,
    version INTEGER NOT NULL,
    accepted_at TEXT NOT NULL,
    protocol TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    CONSTRAINT results_log_pkey PRIMARY KEY (election, seq),
    CONSTRAINT results_log_seq_check CHECK (seq >= 1),
    CONSTRAINT results_log_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);

CREATE TABLE results_log_checkpoints (
    election TEXT NOT NULL,
    number INTEGER NOT NULL,
    body TEXT NOT NULL,
    CONSTRAINT results_log_checkpoints_pkey PRIMARY KEY (election, number),
    CONSTRAINT results_log_checkpoints_election_fkey FOREIGN KEY (election)
        REFERENCES elections (id)
);
