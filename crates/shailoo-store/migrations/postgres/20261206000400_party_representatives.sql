-- Political parties and their authorised representatives (CAN-03, CAN-04, CAN-10). Kept in
-- step with the other engine's file of the same name: the same `parties` table, and the same
-- `users` columns and constraints in the end (SQLite rebuilds `users`, which cannot change a
-- CHECK constraint; here it is altered in place).

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
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users
    ADD COLUMN party TEXT,
    ADD CONSTRAINT users_role_check
        CHECK (role IN ('cec_admin', 'tec_member', 'pec_member', 'party_representative')),
    ADD CONSTRAINT users_party_check CHECK ((role = 'party_representative') = (party IS NOT NULL)),
    ADD CONSTRAINT users_party_fkey FOREIGN KEY (party) REFERENCES parties (id);
CREATE INDEX users_party_idx ON users (party);
