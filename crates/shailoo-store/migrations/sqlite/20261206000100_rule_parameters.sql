-- The rule parameters the CEC set for an election (shailoo_domain::params, the "unsure" and
-- "likely" rules of docs/domain-rules.md). Kept in step with the other engine's file of the same
-- name: same table, columns and constraint names.
--
-- An append-only history: one row per parameter a setting changed, never updated or deleted.
-- The value in force is the last row of each key (by `seq`) over the documented defaults; a key
-- without a row is the default. `before_value` and `after_value` are the parameter's
-- configuration JSON (`7`, `"valid_votes"`, `{"numerator": 3, "denominator": 10}`, `null`),
-- parsed back through the domain's types on every read. `seq` numbers the rows of an election
-- from 1, taken under the audit chain's write lock; the setting's audit entry is written in the
-- same transaction. `set_at` is the UTC instant as RFC 3339 text.
CREATE TABLE rule_parameter_changes (
    election TEXT NOT NULL,
    seq INTEGER NOT NULL,
    key TEXT NOT NULL,
    before_value TEXT NOT NULL,
    after_value TEXT NOT NULL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL,
    CONSTRAINT rule_parameter_changes_pkey PRIMARY KEY (election, seq),
    CONSTRAINT rule_parameter_changes_election_fkey FOREIGN KEY (election) REFERENCES elections (id)
);
