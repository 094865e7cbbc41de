-- The voter cabinet (shailoo_app::cabinet): one-time-code challenges and voter sessions. Kept in
-- step with the other engine's file of the same name: same tables, columns and constraint
-- names. Instants are UTC RFC 3339 text, compared in Rust after parsing (except the clean-up of
-- rows that ended long ago, where a text comparison is exact enough).

-- A sign-in waiting for its code. Keyed by the BLAKE3 hash of the challenge token the voter's
-- browser holds; the code itself is kept only as a hash salted per challenge. No foreign key to
-- persons: the passport registry, not our copy of the register, vouched for the PIN.
CREATE TABLE cabinet_challenges (
    id_hash TEXT NOT NULL,
    pin TEXT NOT NULL,
    phone TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    salt TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT cabinet_challenges_pkey PRIMARY KEY (id_hash),
    CONSTRAINT cabinet_challenges_attempts_check CHECK (attempts >= 0)
);
CREATE INDEX cabinet_challenges_expires ON cabinet_challenges (expires_at);

-- A signed-in voter. Keyed by the BLAKE3 hash of the cookie's token. It ends 30 minutes after
-- last_seen_at or 2 hours after created_at (shailoo_app::cabinet::VoterSession::expires_at).
CREATE TABLE voter_sessions (
    token_hash TEXT NOT NULL,
    pin TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    CONSTRAINT voter_sessions_pkey PRIMARY KEY (token_hash)
);
CREATE INDEX voter_sessions_created ON voter_sessions (created_at);
