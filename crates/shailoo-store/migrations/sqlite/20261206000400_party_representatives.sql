-- Political parties and their authorised representatives (CAN-03, CAN-04, CAN-10). Kept in
-- step with the other engine's file of the same name: the same `parties` table, and the same
-- `users` columns and constraints in the end. SQLite cannot change a table's CHECK constraint,
-- so here `users` (with `sessions`, whose foreign key names it and would otherwise cascade
-- away) is rebuilt in this migration's transaction; PostgreSQL alters it in place.

-- A registered party: names as on the ballot, and the Ministry of Justice's registration
-- number, by which the party-membership registry knows it (CAN-04).
CREATE TABLE parties (
    id TEXT NOT NULL,
    name_ky TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    registration_number TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT parties_pkey PRIMARY KEY (id),
    CONSTRAINT parties_registration_number_key UNIQUE (registration_number)
);

-- A party's representative is an account of role `party_representative`, belonging to the
-- CEC that accredited them and scoped to exactly one party; no other account has a party.
CREATE TABLE users_new (
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    commission TEXT NOT NULL,
    party TEXT,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (username),
    CONSTRAINT users_role_check
        CHECK (role IN ('cec_admin', 'tec_member', 'pec_member', 'party_representative')),
    CONSTRAINT users_party_check CHECK ((role = 'party_representative') = (party IS NOT NULL)),
    CONSTRAINT users_commission_fkey FOREIGN KEY (commission) REFERENCES commissions (id),
    CONSTRAINT users_party_fkey FOREIGN KEY (party) REFERENCES parties (id)
);
INSERT INTO users_new (username, display_name, role, commission, party, password_hash, created_at)
SELECT username, display_name, role, commission, NULL, password_hash, created_at FROM users;

CREATE TABLE sessions_new (
    token_hash TEXT NOT NULL,
    username TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (token_hash),
    CONSTRAINT sessions_username_fkey FOREIGN KEY (username) REFERENCES users_new (username) ON DELETE CASCADE
);
INSERT INTO sessions_new (token_hash, username, csrf_token, expires_at)
SELECT token_hash, username, csrf_token, expires_at FROM sessions;

DROP TABLE sessions;
DROP TABLE users;
-- Renaming rewrites the foreign key of sessions_new to name `users`.
ALTER TABLE users_new RENAME TO users;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_username_idx ON sessions (username);
CREATE INDEX users_party_idx ON users (party);
