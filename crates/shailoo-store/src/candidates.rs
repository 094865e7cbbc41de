//! [`shailoo_app::CandidateStore`] on both engines: parties and their representatives,
//! nominations with their candidates, documents, check results, status history and ballot
//! orders.
//!
//! The writers follow the capability template, each step a method of the writing transaction
//! ([`Tx`]): open it, lock the audit head, read the nomination and the facts its step needs
//! (`CandidateTx`: the council and its approved districts, the party, the live candidacies of
//! the persons concerned), hand them to `shailoo_app::candidates::transitions`, and write what
//! comes back with its history and audit entry. The rules are the app's and the domain's; this file only reads and writes.
//!
//! CAN-05 holds twice over: the step refuses a person who holds a live candidacy elsewhere
//! (read under the lock, so concurrent filings queue and the second sees the first), and the
//! primary key `(election, pin)` of `candidacies` refuses a second row whatever writes it.

use crate::rows::{CouncilRow, corrupt, date, enum_field, field, timestamp};
use crate::text::{like_pattern, search_text, sort_key};
use crate::{Db, Tx, WritePool, db_err, insert_err, is_unique_violation};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_app::audit::AuditEvent;
use shailoo_app::candidates::transitions::{self, ChangeFacts, OpeningFacts};
use shailoo_app::candidates::{
    Candidacy, CandidacyError, CandidateDetails, CandidateFilter, CandidateStore, Change, CheckRun,
    Document, DocumentInfo, DocumentKind, HistoryEntry, NominationFilter, NominationId,
    NominationRecord, Occupation, ProgramText, PublicCandidate, RuleSet, StoredCheck,
};
use shailoo_app::claims::CopyFormat;
use shailoo_app::users::{NewUser, User};
use shailoo_app::{Entity, Page, StoreError};
use shailoo_domain::candidate::checks::{Check, CheckOutcome, CheckResult};
use shailoo_domain::candidate::nomination::{
    Cancellation, CancellationReason, CandidateStatus, Entry, EntryStatus, Ground, Nomination,
    NominationKind, NominationStatus, WithdrawnBy,
};
use shailoo_domain::candidate::registry::{
    Answered, CandidateIdentity, CivilRecord, Evidence, PersonName, Registry, RegistryRequestId,
    Residence, ResponseDigest, Unanswered, UnansweredReason,
};
use shailoo_domain::candidate::transitions::NominationState;
use shailoo_domain::candidate::{CandidateId, Nominator, Party, PartyId, PartyRegistrationNumber};
use shailoo_domain::params::Coded;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{
    CouncilId, DistrictId, ElectionId, NominationReference, Pin, SeatCount, Sex, TerritoryId,
};
use sqlx::{AssertSqlSafe, PgConnection, SqliteConnection};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

const N: &str = "nominations";
const E: &str = "nomination_entries";
const C: &str = "nomination_checks";

const NOMINATION_COLUMNS: &str = "SELECT n.id, n.election, n.council, n.kind, n.party, \
     n.district, n.status, n.ground, n.cancellation_reason, n.cancellation_note, \
     n.withdrawn_by, n.version, n.candidates_made, n.filed_by, n.created_at, n.updated_at, \
     n.submitted_at, n.decided_at, n.reference FROM nominations n";

const ENTRY_COLUMNS: &str = "SELECT e.nomination, e.candidate, e.pin, \
     e.surname, e.given_name, e.patronymic, e.sex, e.birth_date, e.settlement, e.address, \
     e.registered_on, e.permanent, e.civil_request_id, e.civil_answered_at, e.civil_digest, \
     e.filed_at, e.status, e.ground, e.withdrawn_by, e.replaced_by, e.cancellation_reason, \
     e.cancellation_note, e.status_at, e.occupation, e.program FROM nomination_entries e";

const CHECK_COLUMNS: &str = "SELECT c.nomination, c.run, c.seq, c.candidate, c.check_code, \
     c.outcome, c.ground, c.registry, c.unanswered_reason, c.unanswered_at, c.request_id, \
     c.answered_at, c.digest, c.checked_at FROM nomination_checks c";

const UPSERT_NOMINATION: &str = "INSERT INTO nominations (id, election, council, kind, party, \
     district, status, ground, cancellation_reason, cancellation_note, withdrawn_by, version, \
     candidates_made, filed_by, created_at, updated_at, submitted_at, decided_at, reference) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
     $19) \
     ON CONFLICT (id) DO UPDATE SET status = excluded.status, ground = excluded.ground, \
     cancellation_reason = excluded.cancellation_reason, \
     cancellation_note = excluded.cancellation_note, withdrawn_by = excluded.withdrawn_by, \
     version = excluded.version, candidates_made = excluded.candidates_made, \
     updated_at = excluded.updated_at, submitted_at = excluded.submitted_at, \
     decided_at = excluded.decided_at";

const UPSERT_ENTRY: &str = "INSERT INTO nomination_entries (nomination, candidate, position, \
     pin, surname, given_name, patronymic, sex, birth_date, settlement, address, \
     registered_on, permanent, civil_request_id, civil_answered_at, civil_digest, search, \
     sort_key, filed_at, status, ground, withdrawn_by, replaced_by, cancellation_reason, \
     cancellation_note, status_at, occupation, program) VALUES ($1, $2, $3, $4, $5, $6, $7, \
     $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, \
     $26, $27, $28) ON CONFLICT (nomination, candidate) DO UPDATE SET \
     position = excluded.position, filed_at = excluded.filed_at, status = excluded.status, \
     ground = excluded.ground, withdrawn_by = excluded.withdrawn_by, \
     replaced_by = excluded.replaced_by, cancellation_reason = excluded.cancellation_reason, \
     cancellation_note = excluded.cancellation_note, status_at = excluded.status_at, \
     occupation = excluded.occupation, program = excluded.program";

const INSERT_CHECK: &str = "INSERT INTO nomination_checks (nomination, run, seq, candidate, \
     check_code, outcome, ground, registry, unanswered_reason, unanswered_at, request_id, \
     answered_at, digest, checked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
     $12, $13, $14)";

const INSERT_HISTORY: &str = "INSERT INTO nomination_history (nomination, seq, candidate, \
     status, detail, note, by_whom, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

const PARTY_COLUMNS: &str =
    "SELECT id, name_ky, name_ru, name_en, registration_number FROM parties";

const USER_COLUMNS: &str = "SELECT username, display_name, role, commission, party, \
     password_hash, created_at FROM users";

/// The public status of a candidate in SQL, as `PublicStatus::of` computes it in Rust.
const PUBLIC_STATUS: &str = "CASE e.status WHEN 'standing' THEN CASE n.status \
     WHEN 'submitted' THEN 'pending' ELSE n.status END WHEN 'excluded' THEN 'refused' \
     ELSE e.status END";

// ---------------------------------------------------------------------------------------------
// Rows

#[derive(sqlx::FromRow)]
struct PartyRow {
    id: String,
    name_ky: String,
    name_ru: String,
    name_en: String,
    registration_number: String,
}

impl PartyRow {
    fn into_domain(self) -> Result<Party, StoreError> {
        const P: &str = "parties";
        let key = self.id.as_str();
        Ok(Party {
            id: field(P, key, "id", key, PartyId::parse)?,
            name: LocalizedName {
                ky: self.name_ky,
                ru: self.name_ru,
                en: self.name_en,
            },
            registration_number: field(
                P,
                key,
                "registration_number",
                &self.registration_number,
                PartyRegistrationNumber::parse,
            )?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct NominationRow {
    id: i64,
    election: String,
    council: String,
    kind: String,
    party: Option<String>,
    district: Option<String>,
    status: String,
    ground: Option<String>,
    cancellation_reason: Option<String>,
    cancellation_note: Option<String>,
    withdrawn_by: Option<String>,
    version: i64,
    candidates_made: i64,
    filed_by: String,
    created_at: String,
    updated_at: String,
    submitted_at: Option<String>,
    decided_at: Option<String>,
    reference: Option<String>,
}

fn ground_of(table: &str, key: &str, code: Option<&str>) -> Result<Ground, StoreError> {
    let code = code.ok_or_else(|| corrupt(table, key, "a ground is missing"))?;
    Ground::from_code(code).ok_or_else(|| corrupt(table, key, format!("ground {code:?}")))
}

fn cancellation_of(
    table: &str,
    key: &str,
    reason: Option<String>,
    note: Option<String>,
) -> Result<Cancellation, StoreError> {
    let reason = reason.ok_or_else(|| corrupt(table, key, "a cancellation without reason"))?;
    Ok(Cancellation {
        reason: CancellationReason::from_code(&reason)
            .ok_or_else(|| corrupt(table, key, format!("reason {reason:?}")))?,
        note: note.ok_or_else(|| corrupt(table, key, "a cancellation without note"))?,
    })
}

fn withdrawn_by(by: WithdrawnBy) -> &'static str {
    match by {
        WithdrawnBy::Nominator => "nominator",
        WithdrawnBy::Candidate => "candidate",
    }
}

fn parse_withdrawn_by(table: &str, key: &str, by: Option<&str>) -> Result<WithdrawnBy, StoreError> {
    match by {
        Some("nominator") => Ok(WithdrawnBy::Nominator),
        Some("candidate") => Ok(WithdrawnBy::Candidate),
        other => Err(corrupt(table, key, format!("withdrawn by {other:?}"))),
    }
}

fn opt_timestamp(
    table: &str,
    key: &str,
    column: &str,
    v: Option<String>,
) -> Result<Option<Timestamp>, StoreError> {
    v.map(|v| timestamp(table, key, column, &v)).transpose()
}

fn count(table: &str, key: &str, column: &str, v: i64) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| corrupt(table, key, format!("{column} {v}")))
}

/// A nomination without its candidates, the number of ids it gave out, and its filer.
struct Head {
    id: NominationId,
    reference: Option<NominationReference>,
    nomination: Nomination,
    made: u32,
    filed_by: String,
}

impl NominationRow {
    fn into_head(self) -> Result<Head, StoreError> {
        let key = self.id.to_string();
        let key = key.as_str();
        let id = NominationId::new(self.id).ok_or_else(|| corrupt(N, key, "id"))?;
        let party = self
            .party
            .as_deref()
            .map(|p| field(N, key, "party", p, PartyId::parse))
            .transpose()?;
        let kind = match (self.kind.as_str(), party, self.district.as_deref()) {
            ("city_list", Some(party), None) => NominationKind::CityList { party },
            ("district", party, Some(d)) => NominationKind::District {
                district: field(N, key, "district", d, DistrictId::parse)?,
                nominator: party.map_or(Nominator::SelfNominated, Nominator::Party),
            },
            (kind, ..) => return Err(corrupt(N, key, format!("kind {kind:?}"))),
        };
        let status = match self.status.as_str() {
            "draft" => NominationStatus::Draft,
            "submitted" => NominationStatus::Submitted,
            "registered" => NominationStatus::Registered,
            "refused" => NominationStatus::Refused {
                ground: ground_of(N, key, self.ground.as_deref())?,
            },
            "cancelled" => NominationStatus::Cancelled {
                cancellation: cancellation_of(
                    N,
                    key,
                    self.cancellation_reason,
                    self.cancellation_note,
                )?,
            },
            "withdrawn" => NominationStatus::Withdrawn {
                by: parse_withdrawn_by(N, key, self.withdrawn_by.as_deref())?,
            },
            other => return Err(corrupt(N, key, format!("status {other:?}"))),
        };
        let reference = match self.reference.as_deref() {
            Some(r) => Some(field(N, key, "reference", r, NominationReference::parse)?),
            None => None,
        };
        Ok(Head {
            id,
            reference,
            nomination: Nomination {
                election: field(N, key, "election", &self.election, ElectionId::parse)?,
                council: field(N, key, "council", &self.council, CouncilId::parse)?,
                kind,
                entries: Vec::new(),
                status,
                version: count(N, key, "version", self.version)?,
                created_at: timestamp(N, key, "created_at", &self.created_at)?,
                updated_at: timestamp(N, key, "updated_at", &self.updated_at)?,
                submitted_at: opt_timestamp(N, key, "submitted_at", self.submitted_at)?,
                decided_at: opt_timestamp(N, key, "decided_at", self.decided_at)?,
            },
            made: count(N, key, "candidates_made", self.candidates_made)?,
            filed_by: self.filed_by,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    nomination: i64,
    candidate: String,
    pin: String,
    surname: String,
    given_name: String,
    patronymic: Option<String>,
    sex: String,
    birth_date: String,
    settlement: Option<String>,
    address: Option<String>,
    registered_on: Option<String>,
    permanent: Option<bool>,
    civil_request_id: String,
    civil_answered_at: String,
    civil_digest: String,
    filed_at: Option<String>,
    status: String,
    ground: Option<String>,
    withdrawn_by: Option<String>,
    replaced_by: Option<String>,
    cancellation_reason: Option<String>,
    cancellation_note: Option<String>,
    status_at: Option<String>,
    occupation: Option<String>,
    program: Option<String>,
}

impl EntryRow {
    /// The entry, its details, and the nomination it belongs to.
    fn into_domain(self) -> Result<(i64, Entry, CandidateDetails), StoreError> {
        // The key names the candidate by id: the PIN stays out of messages and logs.
        let key = self.candidate.clone();
        let key = key.as_str();
        let candidate = field(E, key, "candidate", key, CandidateId::parse)?;
        let identity = self.identity(key)?;
        let status = self.entry_status(key)?;
        let details = CandidateDetails {
            occupation: self
                .occupation
                .map(|o| Occupation::try_from(o).map_err(|e| corrupt(E, key, e)))
                .transpose()?,
            program: self
                .program
                .map(|p| ProgramText::try_from(p).map_err(|e| corrupt(E, key, e)))
                .transpose()?,
        };
        Ok((
            self.nomination,
            Entry {
                candidate,
                identity,
                filed_at: opt_timestamp(E, key, "filed_at", self.filed_at)?,
                status,
            },
            details,
        ))
    }

    /// The civil registry's answer the entry was filed on, with its evidence.
    fn identity(&self, key: &str) -> Result<CandidateIdentity, StoreError> {
        let record = CivilRecord {
            pin: field(E, key, "pin", &self.pin, Pin::parse)?,
            name: PersonName::new(&self.surname, &self.given_name, self.patronymic.as_deref())
                .map_err(|e| corrupt(E, key, e))?,
            sex: field(E, key, "sex", &self.sex, Sex::from_str)?,
            birth_date: date(E, key, "birth_date", &self.birth_date)?,
            residence: self.residence(key)?,
        };
        let evidence = Evidence {
            registry: Registry::Civil,
            request_id: field(
                E,
                key,
                "civil_request_id",
                &self.civil_request_id,
                RegistryRequestId::parse,
            )?,
            answered_at: timestamp(E, key, "civil_answered_at", &self.civil_answered_at)?,
            digest: field(
                E,
                key,
                "civil_digest",
                &self.civil_digest,
                ResponseDigest::parse,
            )?,
        };
        CandidateIdentity::try_from(Answered {
            answer: record,
            evidence,
        })
        .map_err(|e| corrupt(E, key, e))
    }

    /// The registered residence: all four columns, or none.
    fn residence(&self, key: &str) -> Result<Option<Residence>, StoreError> {
        match (
            &self.settlement,
            &self.address,
            &self.registered_on,
            self.permanent,
        ) {
            (Some(s), Some(address), Some(on), Some(permanent)) => Ok(Some(Residence {
                settlement: field(E, key, "settlement", s, TerritoryId::parse)?,
                address: address.clone(),
                registered_on: date(E, key, "registered_on", on)?,
                permanent,
            })),
            (None, None, None, None) => Ok(None),
            _ => Err(corrupt(E, key, "a residence half stored")),
        }
    }

    /// The candidate's status on the nomination, with its ground, date and reason.
    fn entry_status(&self, key: &str) -> Result<EntryStatus, StoreError> {
        let at = || -> Result<Timestamp, StoreError> {
            let v = self
                .status_at
                .as_deref()
                .ok_or_else(|| corrupt(E, key, "status_at is missing"))?;
            timestamp(E, key, "status_at", v)
        };
        Ok(match self.status.as_str() {
            "standing" => EntryStatus::Standing,
            "excluded" => EntryStatus::Excluded {
                ground: ground_of(E, key, self.ground.as_deref())?,
            },
            "withdrawn" => EntryStatus::Withdrawn {
                by: parse_withdrawn_by(E, key, self.withdrawn_by.as_deref())?,
                at: at()?,
            },
            "replaced" => EntryStatus::Replaced {
                by: field(
                    E,
                    key,
                    "replaced_by",
                    self.replaced_by.as_deref().unwrap_or(""),
                    CandidateId::parse,
                )?,
                at: at()?,
            },
            "cancelled" => EntryStatus::Cancelled {
                cancellation: cancellation_of(
                    E,
                    key,
                    self.cancellation_reason.clone(),
                    self.cancellation_note.clone(),
                )?,
                at: at()?,
            },
            other => return Err(corrupt(E, key, format!("status {other:?}"))),
        })
    }
}

#[derive(sqlx::FromRow)]
struct CheckRow {
    nomination: i64,
    run: i64,
    seq: i64,
    candidate: Option<String>,
    check_code: String,
    outcome: String,
    ground: Option<String>,
    registry: Option<String>,
    unanswered_reason: Option<String>,
    unanswered_at: Option<String>,
    request_id: Option<String>,
    answered_at: Option<String>,
    digest: Option<String>,
    checked_at: String,
}

fn unanswered_reason(s: &str) -> Option<UnansweredReason> {
    [
        UnansweredReason::Unavailable,
        UnansweredReason::Timeout,
        UnansweredReason::Protocol,
    ]
    .into_iter()
    .find(|r| r.code() == s)
}

impl CheckRow {
    fn into_domain(self) -> Result<(i64, StoredCheck), StoreError> {
        let key = format!("{}/{}/{}", self.nomination, self.run, self.seq);
        let key = key.as_str();
        let registry = self
            .registry
            .as_deref()
            .map(|r| enum_field(C, key, "registry", r, Registry::from_code))
            .transpose()?;
        let outcome = match self.outcome.as_str() {
            "pass" => CheckOutcome::Pass,
            "fail" => CheckOutcome::Fail {
                ground: ground_of(C, key, self.ground.as_deref())?,
            },
            "could_not_check" => CheckOutcome::CouldNotCheck {
                unanswered: Unanswered {
                    registry: registry
                        .ok_or_else(|| corrupt(C, key, "could not check without a registry"))?,
                    reason: enum_field(
                        C,
                        key,
                        "unanswered_reason",
                        self.unanswered_reason.as_deref().unwrap_or(""),
                        unanswered_reason,
                    )?,
                    at: timestamp(
                        C,
                        key,
                        "unanswered_at",
                        self.unanswered_at.as_deref().unwrap_or(""),
                    )?,
                },
            },
            other => return Err(corrupt(C, key, format!("outcome {other:?}"))),
        };
        let evidence = match (self.request_id, self.answered_at, self.digest) {
            (Some(id), Some(at), Some(digest)) => Some(Evidence {
                registry: registry.ok_or_else(|| corrupt(C, key, "evidence without registry"))?,
                request_id: field(C, key, "request_id", &id, RegistryRequestId::parse)?,
                answered_at: timestamp(C, key, "answered_at", &at)?,
                digest: field(C, key, "digest", &digest, ResponseDigest::parse)?,
            }),
            (None, None, None) => None,
            _ => return Err(corrupt(C, key, "evidence half stored")),
        };
        Ok((
            self.nomination,
            StoredCheck {
                run: count(C, key, "run", self.run)?,
                candidate: self
                    .candidate
                    .as_deref()
                    .map(|c| field(C, key, "candidate", c, CandidateId::parse))
                    .transpose()?,
                result: CheckResult {
                    check: enum_field(C, key, "check_code", &self.check_code, Check::from_code)?,
                    outcome,
                    evidence,
                },
                checked_at: timestamp(C, key, "checked_at", &self.checked_at)?,
            },
        ))
    }
}

/// The latest results of each candidate (the last run that checked them) and of the list.
fn latest(checks: Vec<StoredCheck>) -> Vec<StoredCheck> {
    let mut last_run: HashMap<Option<CandidateId>, u32> = HashMap::new();
    for c in &checks {
        let run = last_run.entry(c.candidate.clone()).or_insert(c.run);
        *run = (*run).max(c.run);
    }
    checks
        .into_iter()
        .filter(|c| last_run.get(&c.candidate) == Some(&c.run))
        .collect()
}

/// Whole records from the rows of their nominations, entries and checks.
fn assemble(
    heads: Vec<Head>,
    entries: Vec<EntryRow>,
    checks: Vec<CheckRow>,
) -> Result<Vec<(NominationRecord, u32)>, StoreError> {
    let mut by_id: BTreeMap<i64, (Vec<Entry>, BTreeMap<CandidateId, CandidateDetails>)> =
        BTreeMap::new();
    for row in entries {
        let (n, entry, details) = row.into_domain()?;
        let slot = by_id.entry(n).or_default();
        if details != CandidateDetails::default() {
            slot.1.insert(entry.candidate.clone(), details);
        }
        slot.0.push(entry);
    }
    let mut checks_by: BTreeMap<i64, Vec<StoredCheck>> = BTreeMap::new();
    for row in checks {
        let (n, check) = row.into_domain()?;
        checks_by.entry(n).or_default().push(check);
    }
    heads
        .into_iter()
        .map(|mut h| {
            let (entries, details) = by_id.remove(&h.id.get()).unwrap_or_default();
            h.nomination.entries = entries;
            Ok((
                NominationRecord {
                    id: h.id,
                    reference: h.reference,
                    nomination: h.nomination,
                    filed_by: h.filed_by,
                    details,
                    checks: latest(checks_by.remove(&h.id.get()).unwrap_or_default()),
                },
                h.made,
            ))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Writing

fn kind_columns(kind: &NominationKind) -> (&'static str, Option<&str>, Option<&str>) {
    match kind {
        NominationKind::CityList { party } => ("city_list", Some(party.as_str()), None),
        NominationKind::District {
            district,
            nominator,
        } => (
            "district",
            match nominator {
                Nominator::Party(p) => Some(p.as_str()),
                Nominator::SelfNominated => None,
            },
            Some(district.as_str()),
        ),
    }
}

/// The columns of an entry's status: ground, withdrawn by, replaced by, cancellation reason
/// and note, since when.
type StatusColumns = (
    Option<String>,
    Option<&'static str>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn entry_status_columns(status: &EntryStatus) -> StatusColumns {
    match status {
        EntryStatus::Standing => (None, None, None, None, None, None),
        EntryStatus::Excluded { ground } => {
            (Some(ground.code().to_owned()), None, None, None, None, None)
        }
        EntryStatus::Withdrawn { by, at } => (
            None,
            Some(withdrawn_by(*by)),
            None,
            None,
            None,
            Some(at.to_string()),
        ),
        EntryStatus::Replaced { by, at } => (
            None,
            None,
            Some(by.to_string()),
            None,
            None,
            Some(at.to_string()),
        ),
        EntryStatus::Cancelled { cancellation, at } => (
            None,
            None,
            None,
            Some(cancellation.reason.code().to_owned()),
            Some(cancellation.note.clone()),
            Some(at.to_string()),
        ),
    }
}

fn entry_status_code(status: &EntryStatus) -> &'static str {
    match status {
        EntryStatus::Standing => "standing",
        EntryStatus::Excluded { .. } => "excluded",
        EntryStatus::Withdrawn { .. } => "withdrawn",
        EntryStatus::Replaced { .. } => "replaced",
        EntryStatus::Cancelled { .. } => "cancelled",
    }
}

/// The rows a nomination's check run adds, in order.
fn check_rows(run: &CheckRun) -> Vec<(Option<&CandidateId>, &CheckResult)> {
    run.entries
        .iter()
        .flat_map(|e| e.results.iter().map(move |r| (Some(&e.candidate), r)))
        .chain(run.list.iter().map(|r| (None, r)))
        .collect()
}

/// What the nomination writers read and write in their transaction, on the connection of
/// either engine: one body for both, as `ClaimTx` in `claims.rs`.
trait CandidateTx {
    /// Loads the records whose nomination row matches `cond` (with `election` as `$1` and,
    /// when given, `id` as `$2`), newest first, at most `limit`.
    async fn load(
        &mut self,
        cond: &str,
        args: &[Arg],
        limit: i64,
    ) -> Result<Vec<(NominationRecord, u32)>, StoreError>;
    async fn opening_facts(
        &mut self,
        election: &ElectionId,
        council: &CouncilId,
        kind: &NominationKind,
    ) -> Result<OpeningFacts, CandidacyError>;
    async fn holders(
        &mut self,
        election: &ElectionId,
        pins: &[Pin],
    ) -> Result<Vec<Candidacy>, StoreError>;
    async fn next_id(&mut self) -> Result<NominationId, StoreError>;
    /// Writes `after` over `before` (nothing before: a new nomination).
    async fn write(
        &mut self,
        before: Option<&NominationRecord>,
        after: &NominationRecord,
        made: u32,
    ) -> Result<(), CandidacyError>;
    async fn remove_entry(
        &mut self,
        id: NominationId,
        candidate: &CandidateId,
    ) -> Result<(), StoreError>;
    async fn write_entry(
        &mut self,
        id: NominationId,
        position: usize,
        entry: &Entry,
        details: &CandidateDetails,
    ) -> Result<(), StoreError>;
    /// Replaces the live candidacies of nomination `id` by `held` (CAN-05: a second one of a
    /// person is refused by the primary key).
    async fn hold(
        &mut self,
        election: &ElectionId,
        id: NominationId,
        held: &[Candidacy],
    ) -> Result<(), CandidacyError>;
    async fn append_history(
        &mut self,
        id: NominationId,
        rows: &[HistoryEntry],
    ) -> Result<(), StoreError>;
    async fn record_run(&mut self, id: NominationId, run: &CheckRun) -> Result<(), StoreError>;
}

/// The row-level steps the bodies of [`CandidateTx`] share, on either engine's connection.
trait NominationRows {
    /// The districts of the council's approved scheme for the election (aiyl councils).
    async fn approved_districts(
        &mut self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Vec<DistrictId>, StoreError>;
    /// The party's list for the council that is a draft or live, if it has one.
    async fn open_list(
        &mut self,
        election: &ElectionId,
        council: &CouncilId,
        party: &PartyId,
    ) -> Result<Option<NominationId>, StoreError>;
    /// Writes the nomination's own row (not its candidates).
    async fn upsert_head(&mut self, after: &NominationRecord, made: u32) -> Result<(), StoreError>;
}

/// A bound argument of a dynamic query.
enum Arg {
    Text(Option<String>),
    Int(i64),
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for arg in $args {
            query = match arg {
                Arg::Text(s) => query.bind(s.clone()),
                Arg::Int(i) => query.bind(*i),
            };
        }
        query
    }};
}

macro_rules! candidate_tx_body {
    ($conn:ty) => {
        impl CandidateTx for $conn {
            async fn load(
                &mut self,
                cond: &str,
                args: &[Arg],
                limit: i64,
            ) -> Result<Vec<(NominationRecord, u32)>, StoreError> {
                let ids = format!(
                    "SELECT n.id FROM nominations n WHERE {cond} ORDER BY n.id DESC LIMIT {limit}"
                );
                let heads: Vec<NominationRow> = bind_all!(
                    sqlx::query_as(AssertSqlSafe(format!(
                        "{NOMINATION_COLUMNS} WHERE n.id IN ({ids}) ORDER BY n.id DESC"
                    ))),
                    args
                )
                .fetch_all(&mut *self)
                .await
                .map_err(db_err)?;
                if heads.is_empty() {
                    return Ok(Vec::new());
                }
                let entries: Vec<EntryRow> = bind_all!(
                    sqlx::query_as(AssertSqlSafe(format!(
                        "{ENTRY_COLUMNS} WHERE e.nomination IN ({ids}) \
                         ORDER BY e.nomination, e.position"
                    ))),
                    args
                )
                .fetch_all(&mut *self)
                .await
                .map_err(db_err)?;
                let checks: Vec<CheckRow> = bind_all!(
                    sqlx::query_as(AssertSqlSafe(format!(
                        "{CHECK_COLUMNS} WHERE c.nomination IN ({ids}) \
                         ORDER BY c.nomination, c.run, c.seq"
                    ))),
                    args
                )
                .fetch_all(&mut *self)
                .await
                .map_err(db_err)?;
                let heads = heads
                    .into_iter()
                    .map(NominationRow::into_head)
                    .collect::<Result<Vec<_>, _>>()?;
                assemble(heads, entries, checks)
            }

            async fn opening_facts(
                &mut self,
                election: &ElectionId,
                council: &CouncilId,
                kind: &NominationKind,
            ) -> Result<OpeningFacts, CandidacyError> {
                let row: Option<CouncilRow> = sqlx::query_as(
                    "SELECT c.id, c.kind, c.territory, c.name_ky, c.name_ru, c.name_en, \
                     c.seats FROM councils c WHERE c.id = $1",
                )
                .bind(council.as_str())
                .fetch_optional(&mut *self)
                .await
                .map_err(db_err)?;
                let council = row
                    .ok_or_else(|| CandidacyError::UnknownCouncil(council.clone()))?
                    .into_domain()?;
                let electing: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(1 AS BIGINT) FROM election_councils \
                     WHERE election = $1 AND council = $2",
                )
                .bind(election.as_str())
                .bind(council.id.as_str())
                .fetch_optional(&mut *self)
                .await
                .map_err(db_err)?;
                let party = match kind.party() {
                    Some(p) => {
                        let row: Option<PartyRow> =
                            sqlx::query_as(AssertSqlSafe(format!("{PARTY_COLUMNS} WHERE id = $1")))
                                .bind(p.as_str())
                                .fetch_optional(&mut *self)
                                .await
                                .map_err(db_err)?;
                        row.map(PartyRow::into_domain).transpose()?
                    }
                    None => None,
                };
                let districts =
                    NominationRows::approved_districts(&mut *self, election, &council.id).await?;
                let open_list = match kind {
                    NominationKind::CityList { party } => {
                        NominationRows::open_list(&mut *self, election, &council.id, party).await?
                    }
                    NominationKind::District { .. } => None,
                };
                Ok(OpeningFacts {
                    council,
                    electing: electing.is_some(),
                    party,
                    districts,
                    open_list,
                })
            }

            async fn holders(
                &mut self,
                election: &ElectionId,
                pins: &[Pin],
            ) -> Result<Vec<Candidacy>, StoreError> {
                if pins.is_empty() {
                    return Ok(Vec::new());
                }
                let marks: Vec<String> = (2..pins.len() + 2).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT pin, nomination, candidate FROM candidacies \
                     WHERE election = $1 AND pin IN ({})",
                    marks.join(", ")
                );
                let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(election.as_str());
                for p in pins {
                    query = query.bind(p.as_str());
                }
                let rows: Vec<(String, i64, String)> =
                    query.fetch_all(&mut *self).await.map_err(db_err)?;
                const K: &str = "candidacies";
                rows.into_iter()
                    .map(|(pin, nomination, candidate)| {
                        Ok(Candidacy {
                            pin: field(K, &candidate, "pin", &pin, Pin::parse)?,
                            nomination: NominationId::new(nomination)
                                .ok_or_else(|| corrupt(K, &candidate, "nomination"))?,
                            candidate: field(
                                K,
                                &candidate,
                                "candidate",
                                &candidate,
                                CandidateId::parse,
                            )?,
                        })
                    })
                    .collect()
            }

            async fn next_id(&mut self) -> Result<NominationId, StoreError> {
                let next: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) FROM nominations",
                )
                .fetch_one(&mut *self)
                .await
                .map_err(db_err)?;
                NominationId::new(next).ok_or_else(|| corrupt(N, "max", "id"))
            }

            async fn write(
                &mut self,
                before: Option<&NominationRecord>,
                after: &NominationRecord,
                made: u32,
            ) -> Result<(), CandidacyError> {
                let n = &after.nomination;
                NominationRows::upsert_head(&mut *self, after, made).await?;
                if let Some(b) = before {
                    // Candidates taken off a draft go, with their documents.
                    for gone in b
                        .nomination
                        .entries
                        .iter()
                        .filter(|e| n.entry(&e.candidate).is_none())
                    {
                        CandidateTx::remove_entry(&mut *self, after.id, &gone.candidate).await?;
                    }
                }
                for (position, e) in n.entries.iter().enumerate() {
                    let details = after.details_of(&e.candidate);
                    let unchanged = before.is_some_and(|b| {
                        b.nomination.entries.get(position) == Some(e)
                            && b.details_of(&e.candidate) == details
                    });
                    if !unchanged {
                        CandidateTx::write_entry(&mut *self, after.id, position, e, &details)
                            .await?;
                    }
                }
                let held = after.candidacies();
                if before.map(NominationRecord::candidacies) != Some(held.clone()) {
                    CandidateTx::hold(&mut *self, &n.election, after.id, &held).await?;
                }
                Ok(())
            }

            async fn remove_entry(
                &mut self,
                id: NominationId,
                candidate: &CandidateId,
            ) -> Result<(), StoreError> {
                for sql in [
                    "DELETE FROM nomination_documents WHERE nomination = $1 AND candidate = $2",
                    "DELETE FROM nomination_entries WHERE nomination = $1 AND candidate = $2",
                ] {
                    sqlx::query(sql)
                        .bind(id.get())
                        .bind(candidate.as_str())
                        .execute(&mut *self)
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }

            async fn write_entry(
                &mut self,
                id: NominationId,
                position: usize,
                e: &Entry,
                details: &CandidateDetails,
            ) -> Result<(), StoreError> {
                let r = e.identity.record();
                let residence = r.residence.as_ref();
                let ev = e.identity.evidence();
                let name = r.name.to_string();
                let (ground, withdrawn, replaced, reason, note, at) =
                    entry_status_columns(&e.status);
                sqlx::query(UPSERT_ENTRY)
                    .bind(id.get())
                    .bind(e.candidate.as_str())
                    .bind(i64::try_from(position).unwrap_or(i64::MAX))
                    .bind(r.pin.as_str())
                    .bind(r.name.surname())
                    .bind(r.name.given_name())
                    .bind(r.name.patronymic())
                    .bind(r.sex.as_str())
                    .bind(r.birth_date.to_string())
                    .bind(residence.map(|x| x.settlement.as_str()))
                    .bind(residence.map(|x| x.address.as_str()))
                    .bind(residence.map(|x| x.registered_on.to_string()))
                    .bind(residence.map(|x| x.permanent))
                    .bind(ev.request_id.as_str())
                    .bind(ev.answered_at.to_string())
                    .bind(ev.digest.as_str())
                    .bind(search_text(&[&name]))
                    .bind(sort_key(&name))
                    .bind(e.filed_at.map(|t| t.to_string()))
                    .bind(entry_status_code(&e.status))
                    .bind(ground)
                    .bind(withdrawn)
                    .bind(replaced)
                    .bind(reason)
                    .bind(note)
                    .bind(at)
                    .bind(details.occupation.as_ref().map(Occupation::as_str))
                    .bind(details.program.as_ref().map(ProgramText::as_str))
                    .execute(&mut *self)
                    .await
                    .map_err(|err| insert_err(err, Entity::Nomination, &e.candidate))?;
                Ok(())
            }

            async fn hold(
                &mut self,
                election: &ElectionId,
                id: NominationId,
                held: &[Candidacy],
            ) -> Result<(), CandidacyError> {
                sqlx::query("DELETE FROM candidacies WHERE nomination = $1")
                    .bind(id.get())
                    .execute(&mut *self)
                    .await
                    .map_err(db_err)?;
                for c in held {
                    sqlx::query(
                        "INSERT INTO candidacies (election, pin, nomination, candidate) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(election.as_str())
                    .bind(c.pin.as_str())
                    .bind(id.get())
                    .bind(c.candidate.as_str())
                    .execute(&mut *self)
                    .await
                    .map_err(|e| {
                        if is_unique_violation(&e) {
                            held_elsewhere(&c.candidate)
                        } else {
                            CandidacyError::Store(db_err(e))
                        }
                    })?;
                }
                Ok(())
            }

            async fn append_history(
                &mut self,
                id: NominationId,
                rows: &[HistoryEntry],
            ) -> Result<(), StoreError> {
                if rows.is_empty() {
                    return Ok(());
                }
                let last: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM nomination_history \
                     WHERE nomination = $1",
                )
                .bind(id.get())
                .fetch_one(&mut *self)
                .await
                .map_err(db_err)?;
                for (h, seq) in rows.iter().zip(last + 1..) {
                    sqlx::query(INSERT_HISTORY)
                        .bind(id.get())
                        .bind(seq)
                        .bind(h.candidate.as_ref().map(CandidateId::as_str))
                        .bind(h.status.as_str())
                        .bind(h.detail.as_deref())
                        .bind(h.note.as_deref())
                        .bind(h.by.as_str())
                        .bind(h.at.to_string())
                        .execute(&mut *self)
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }

            async fn record_run(
                &mut self,
                id: NominationId,
                run: &CheckRun,
            ) -> Result<(), StoreError> {
                let number: i64 = sqlx::query_scalar(
                    "SELECT CAST(COALESCE(MAX(run), 0) + 1 AS BIGINT) FROM nomination_checks \
                     WHERE nomination = $1",
                )
                .bind(id.get())
                .fetch_one(&mut *self)
                .await
                .map_err(db_err)?;
                for ((candidate, r), seq) in check_rows(run).into_iter().zip(1i64..) {
                    let (outcome, ground, unanswered) = match &r.outcome {
                        CheckOutcome::Pass => ("pass", None, None),
                        CheckOutcome::Fail { ground } => ("fail", Some(ground.code()), None),
                        CheckOutcome::CouldNotCheck { unanswered } => {
                            ("could_not_check", None, Some(unanswered))
                        }
                    };
                    let registry = r
                        .evidence
                        .as_ref()
                        .map(|e| e.registry)
                        .or(unanswered.map(|u| u.registry))
                        .or(r.check.registry());
                    sqlx::query(INSERT_CHECK)
                        .bind(id.get())
                        .bind(number)
                        .bind(seq)
                        .bind(candidate.map(CandidateId::as_str))
                        .bind(r.check.code())
                        .bind(outcome)
                        .bind(ground)
                        .bind(registry.map(Registry::code))
                        .bind(unanswered.map(|u| u.reason.code()))
                        .bind(unanswered.map(|u| u.at.to_string()))
                        .bind(r.evidence.as_ref().map(|e| e.request_id.as_str()))
                        .bind(r.evidence.as_ref().map(|e| e.answered_at.to_string()))
                        .bind(r.evidence.as_ref().map(|e| e.digest.as_str()))
                        .bind(run.checked_at.to_string())
                        .execute(&mut *self)
                        .await
                        .map_err(db_err)?;
                }
                Ok(())
            }
        }

        impl NominationRows for $conn {
            async fn approved_districts(
                &mut self,
                election: &ElectionId,
                council: &CouncilId,
            ) -> Result<Vec<DistrictId>, StoreError> {
                let districts: Vec<String> = sqlx::query_scalar(
                    "SELECT d.number FROM scheme_districts d \
                     JOIN district_schemes s ON s.id = d.scheme \
                     WHERE s.council = $1 AND s.election = $2 AND s.status = 'approved' \
                     ORDER BY d.position",
                )
                .bind(council.as_str())
                .bind(election.as_str())
                .fetch_all(&mut *self)
                .await
                .map_err(db_err)?;
                districts
                    .iter()
                    .map(|d| field("scheme_districts", d, "number", d, DistrictId::parse))
                    .collect()
            }

            async fn open_list(
                &mut self,
                election: &ElectionId,
                council: &CouncilId,
                party: &PartyId,
            ) -> Result<Option<NominationId>, StoreError> {
                let open: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM nominations WHERE election = $1 AND council = $2 \
                     AND party = $3 AND kind = 'city_list' \
                     AND status IN ('draft', 'submitted', 'registered')",
                )
                .bind(election.as_str())
                .bind(council.as_str())
                .bind(party.as_str())
                .fetch_optional(&mut *self)
                .await
                .map_err(db_err)?;
                Ok(open.and_then(NominationId::new))
            }

            async fn upsert_head(
                &mut self,
                after: &NominationRecord,
                made: u32,
            ) -> Result<(), StoreError> {
                let n = &after.nomination;
                let id = after.id.get();
                let (kind, party, district) = kind_columns(&n.kind);
                let (ground, reason, note, by) = match &n.status {
                    NominationStatus::Refused { ground } => (Some(ground.code()), None, None, None),
                    NominationStatus::Cancelled { cancellation } => (
                        None,
                        Some(cancellation.reason.code()),
                        Some(cancellation.note.as_str()),
                        None,
                    ),
                    NominationStatus::Withdrawn { by } => {
                        (None, None, None, Some(withdrawn_by(*by)))
                    }
                    _ => (None, None, None, None),
                };
                sqlx::query(UPSERT_NOMINATION)
                    .bind(id)
                    .bind(n.election.as_str())
                    .bind(n.council.as_str())
                    .bind(kind)
                    .bind(party)
                    .bind(district)
                    .bind(n.status.code())
                    .bind(ground)
                    .bind(reason)
                    .bind(note)
                    .bind(by)
                    .bind(i64::from(n.version))
                    .bind(i64::from(made))
                    .bind(after.filed_by.as_str())
                    .bind(n.created_at.to_string())
                    .bind(n.updated_at.to_string())
                    .bind(n.submitted_at.map(|t| t.to_string()))
                    .bind(n.decided_at.map(|t| t.to_string()))
                    .bind(after.reference.as_ref().map(NominationReference::as_str))
                    .execute(&mut *self)
                    .await
                    .map_err(|e| insert_err(e, Entity::Nomination, id))?;
                Ok(())
            }
        }
    };
}

candidate_tx_body!(SqliteConnection);
candidate_tx_body!(PgConnection);

/// One nomination's record, read in `$tx` (`$1` election, `$2` id).
macro_rules! read_one {
    ($tx:expr, $election:expr, $id:expr) => {{
        CandidateTx::load(
            &mut *$tx,
            "n.election = $1 AND n.id = $2",
            &[
                Arg::Text(Some($election.as_str().to_owned())),
                Arg::Int($id.get()),
            ],
            1,
        )
        .await?
        .into_iter()
        .next()
    }};
}

/// The writers' transaction takes the same steps, on its engine's connection.
impl CandidateTx for Tx {
    async fn load(
        &mut self,
        cond: &str,
        args: &[Arg],
        limit: i64,
    ) -> Result<Vec<(NominationRecord, u32)>, StoreError> {
        on_tx!(self, |t, d| CandidateTx::load(&mut **t, cond, args, limit)
            .await)
    }
    async fn opening_facts(
        &mut self,
        election: &ElectionId,
        council: &CouncilId,
        kind: &NominationKind,
    ) -> Result<OpeningFacts, CandidacyError> {
        on_tx!(self, |t, d| {
            CandidateTx::opening_facts(&mut **t, election, council, kind).await
        })
    }
    async fn holders(
        &mut self,
        election: &ElectionId,
        pins: &[Pin],
    ) -> Result<Vec<Candidacy>, StoreError> {
        on_tx!(self, |t, d| CandidateTx::holders(&mut **t, election, pins)
            .await)
    }
    async fn next_id(&mut self) -> Result<NominationId, StoreError> {
        on_tx!(self, |t, d| CandidateTx::next_id(&mut **t).await)
    }
    async fn write(
        &mut self,
        before: Option<&NominationRecord>,
        after: &NominationRecord,
        made: u32,
    ) -> Result<(), CandidacyError> {
        on_tx!(self, |t, d| CandidateTx::write(
            &mut **t, before, after, made
        )
        .await)
    }
    async fn remove_entry(
        &mut self,
        id: NominationId,
        candidate: &CandidateId,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| CandidateTx::remove_entry(
            &mut **t, id, candidate
        )
        .await)
    }
    async fn write_entry(
        &mut self,
        id: NominationId,
        position: usize,
        entry: &Entry,
        details: &CandidateDetails,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            CandidateTx::write_entry(&mut **t, id, position, entry, details).await
        })
    }
    async fn hold(
        &mut self,
        election: &ElectionId,
        id: NominationId,
        held: &[Candidacy],
    ) -> Result<(), CandidacyError> {
        on_tx!(self, |t, d| CandidateTx::hold(&mut **t, election, id, held)
            .await)
    }
    async fn append_history(
        &mut self,
        id: NominationId,
        rows: &[HistoryEntry],
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| CandidateTx::append_history(&mut **t, id, rows)
            .await)
    }
    async fn record_run(&mut self, id: NominationId, run: &CheckRun) -> Result<(), StoreError> {
        on_tx!(self, |t, d| CandidateTx::record_run(&mut **t, id, run)
            .await)
    }
}

/// The steps of the writers besides the nomination's own.
impl Tx {
    /// The council's seats (the nomination's contest).
    async fn seats_of(&mut self, council: &CouncilId) -> Result<SeatCount, CandidacyError> {
        let seats: Option<i64> = on_tx!(self, |t, d| {
            sqlx::query_scalar("SELECT seats FROM councils WHERE id = $1")
                .bind(council.as_str())
                .fetch_optional(&mut **t)
                .await
                .map_err(db_err)?
        });
        let seats = seats.ok_or_else(|| CandidacyError::UnknownCouncil(council.clone()))?;
        Ok(u32::try_from(seats)
            .ok()
            .and_then(|s| SeatCount::new(s).ok())
            .ok_or_else(|| corrupt("councils", council.as_str(), "seats"))?)
    }

    /// One nomination's record and the number of candidates it has made, if it exists.
    async fn nomination_record(
        &mut self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<(NominationRecord, u32), CandidacyError> {
        read_one!(self, election, id).ok_or(CandidacyError::UnknownNomination(id))
    }

    /// Refuses a second party with this registration number.
    async fn refuse_registered(&mut self, party: &Party) -> Result<(), StoreError> {
        let taken = on_tx!(self, |t, d| exists!(
            &mut **t,
            "SELECT CAST(1 AS BIGINT) FROM parties WHERE registration_number = $1",
            party.registration_number.as_str()
        ));
        if taken {
            return Err(StoreError::duplicate(
                Entity::Party,
                &party.registration_number,
            ));
        }
        Ok(())
    }

    async fn insert_party(&mut self, party: &Party, at: Timestamp) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(
                "INSERT INTO parties (id, name_ky, name_ru, name_en, registration_number, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(party.id.as_str())
            .bind(party.name.ky.as_str())
            .bind(party.name.ru.as_str())
            .bind(party.name.en.as_str())
            .bind(party.registration_number.as_str())
            .bind(at.to_string())
            .execute(&mut **t)
            .await
            .map_err(|e| insert_err(e, Entity::Party, &party.id))?;
        });
        Ok(())
    }

    /// The representative's account, bound to `party`.
    async fn insert_representative(
        &mut self,
        user: &NewUser,
        party: &PartyId,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(
                "INSERT INTO users (username, display_name, role, commission, party, \
                 password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(user.username.as_str())
            .bind(user.display_name.as_str())
            .bind(user.role.as_str())
            .bind(user.commission.as_str())
            .bind(party.as_str())
            .bind(user.password_hash.as_str())
            .bind(at.to_string())
            .execute(&mut **t)
            .await
            .map_err(|e| insert_err(e, Entity::User, &user.username))?;
        });
        Ok(())
    }

    /// The document's bytes (once per digest) and its place in the nomination.
    async fn put_document(
        &mut self,
        id: NominationId,
        document: &Document,
        info: &DocumentInfo,
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query(
                "INSERT INTO document_files (digest, content_type, size, bytes) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO NOTHING",
            )
            .bind(document.digest())
            .bind(document.format().content_type())
            .bind(i64::try_from(document.size()).unwrap_or(i64::MAX))
            .bind(document.bytes())
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO nomination_documents (nomination, candidate, kind, digest, \
                 filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (nomination, candidate, kind) DO UPDATE SET \
                 digest = excluded.digest, filed_by = excluded.filed_by, \
                 filed_at = excluded.filed_at",
            )
            .bind(id.get())
            .bind(info.candidate.as_ref().map_or("", CandidateId::as_str))
            .bind(document.kind().as_str())
            .bind(document.digest())
            .bind(info.filed_by.as_str())
            .bind(info.filed_at.to_string())
            .execute(&mut **t)
            .await
            .map_err(db_err)?;
        });
        Ok(())
    }

    /// Replaces the order of a city ballot's parties.
    async fn put_ballot_order(
        &mut self,
        election: &ElectionId,
        council: &CouncilId,
        order: &[PartyId],
    ) -> Result<(), StoreError> {
        on_tx!(self, |t, d| {
            sqlx::query("DELETE FROM ballot_orders WHERE election = $1 AND council = $2")
                .bind(election.as_str())
                .bind(council.as_str())
                .execute(&mut **t)
                .await
                .map_err(db_err)?;
            for (party, position) in order.iter().zip(1i64..) {
                sqlx::query(
                    "INSERT INTO ballot_orders (election, council, position, party) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(election.as_str())
                .bind(council.as_str())
                .bind(position)
                .bind(party.as_str())
                .execute(&mut **t)
                .await
                .map_err(|e| insert_err(e, Entity::Party, party))?;
            }
        });
        Ok(())
    }
}

/// CAN-05 refused by the primary key of `candidacies`: another writer got there first.
fn held_elsewhere(candidate: &CandidateId) -> CandidacyError {
    match Ground::candidate(shailoo_domain::candidate::CandidateCode::MultipleCandidacies) {
        Some(ground) => CandidacyError::Transition(
            shailoo_domain::candidate::transitions::TransitionError::Candidate {
                candidate: candidate.clone(),
                ground,
            },
        ),
        None => CandidacyError::Store(StoreError::duplicate(Entity::Nomination, candidate)),
    }
}

fn stage_condition(filter: &NominationFilter, args: &mut Vec<Arg>) -> String {
    let mut cond = String::from("n.election = $1");
    let mut push = |sql: &str, arg: Arg| {
        args.push(arg);
        cond.push_str(&sql.replace('?', &format!("${}", args.len())));
    };
    if let Some(c) = &filter.council {
        push(" AND n.council = ?", Arg::Text(Some(c.to_string())));
    }
    if let Some(p) = &filter.party {
        push(" AND n.party = ?", Arg::Text(Some(p.to_string())));
    }
    if let Some(d) = &filter.district {
        push(" AND n.district = ?", Arg::Text(Some(d.to_string())));
    }
    if let Some(s) = filter.stage {
        push(" AND n.status = ?", Arg::Text(Some(s.as_str().to_owned())));
    }
    if let Some(w) = &filter.within {
        // The councils whose stations' PECs lie below the commission: their TEC is in its
        // subtree (a recursive walk, the same on both engines).
        push(
            " AND n.council IN (SELECT s.council FROM stations s WHERE s.commission IN \
             (WITH RECURSIVE below (id) AS (SELECT id FROM commissions WHERE id = ? \
             UNION ALL SELECT m.id FROM commissions m JOIN below b ON m.parent = b.id) \
             SELECT id FROM below))",
            Arg::Text(Some(w.to_string())),
        );
    }
    match filter.self_nominated {
        Some(true) => cond.push_str(" AND n.party IS NULL"),
        Some(false) => cond.push_str(" AND n.party IS NOT NULL"),
        None => {}
    }
    cond
}

#[derive(sqlx::FromRow)]
struct PublicRow {
    candidate: String,
    nomination: i64,
    election: String,
    council: String,
    kind: String,
    district: Option<String>,
    party: Option<String>,
    n_status: String,
    n_ground: Option<String>,
    n_reason: Option<String>,
    status: String,
    ground: Option<String>,
    cancellation_reason: Option<String>,
    surname: String,
    given_name: String,
    patronymic: Option<String>,
    birth_date: String,
    occupation: Option<String>,
    list_position: Option<i64>,
}

impl PublicRow {
    fn into_domain(self) -> Result<PublicCandidate, StoreError> {
        let key = self.candidate.clone();
        let key = key.as_str();
        let reason = |r: Option<&str>| -> Result<CancellationReason, StoreError> {
            r.and_then(CancellationReason::from_code)
                .ok_or_else(|| corrupt(E, key, "cancellation reason"))
        };
        let status = match self.status.as_str() {
            "standing" => match self.n_status.as_str() {
                "submitted" => CandidateStatus::Pending,
                "registered" => CandidateStatus::Registered,
                "refused" => CandidateStatus::Refused {
                    ground: ground_of(N, key, self.n_ground.as_deref())?,
                },
                "cancelled" => CandidateStatus::Cancelled {
                    reason: reason(self.n_reason.as_deref())?,
                },
                "withdrawn" => CandidateStatus::Withdrawn,
                other => return Err(corrupt(N, key, format!("public status {other:?}"))),
            },
            "excluded" => CandidateStatus::Refused {
                ground: ground_of(E, key, self.ground.as_deref())?,
            },
            "withdrawn" => CandidateStatus::Withdrawn,
            "replaced" => CandidateStatus::Replaced,
            "cancelled" => CandidateStatus::Cancelled {
                reason: reason(self.cancellation_reason.as_deref())?,
            },
            other => return Err(corrupt(E, key, format!("status {other:?}"))),
        };
        let birth = date(E, key, "birth_date", &self.birth_date)?;
        Ok(PublicCandidate {
            candidate: field(E, key, "candidate", key, CandidateId::parse)?,
            nomination: NominationId::new(self.nomination)
                .ok_or_else(|| corrupt(E, key, "nomination"))?,
            election: field(E, key, "election", &self.election, ElectionId::parse)?,
            council: field(E, key, "council", &self.council, CouncilId::parse)?,
            district: self
                .district
                .as_deref()
                .map(|d| field(E, key, "district", d, DistrictId::parse))
                .transpose()?,
            party: self
                .party
                .as_deref()
                .map(|p| field(E, key, "party", p, PartyId::parse))
                .transpose()?,
            position: match self.kind.as_str() {
                "city_list" => self.list_position.and_then(|p| u32::try_from(p).ok()),
                _ => None,
            },
            name: PersonName::new(&self.surname, &self.given_name, self.patronymic.as_deref())
                .map_err(|e| corrupt(E, key, e))?,
            birth_year: birth.year(),
            occupation: self
                .occupation
                .map(|o| Occupation::try_from(o).map_err(|e| corrupt(E, key, e)))
                .transpose()?,
            status,
        })
    }
}

/// The condition of a public listing of candidates (`$1` the election, the filter's values
/// after it) and its arguments.
fn public_condition(election: &ElectionId, filter: &CandidateFilter) -> (String, Vec<String>) {
    let mut cond = String::from("n.election = $1 AND n.status <> 'draft'");
    let mut args: Vec<String> = vec![election.to_string()];
    let mut push = |sql: &str, arg: String| {
        args.push(arg);
        cond.push_str(&sql.replace('?', &format!("${}", args.len())));
    };
    if let Some(c) = &filter.council {
        push(" AND n.council = ?", c.to_string());
    }
    if let Some(x) = &filter.district {
        push(" AND n.district = ?", x.to_string());
    }
    if let Some(p) = &filter.party {
        push(" AND n.party = ?", p.to_string());
    }
    if let Some(c) = &filter.candidate {
        push(" AND e.candidate = ?", c.to_string());
    }
    if let Some(s) = filter.status {
        push(&format!(" AND {PUBLIC_STATUS} = ?"), s.as_str().to_owned());
    }
    if let Some(q) = filter.name.as_deref().filter(|q| !q.trim().is_empty()) {
        push(" AND e.search LIKE ? ESCAPE '\\'", like_pattern(q));
    }
    (cond, args)
}

#[async_trait]
impl CandidateStore for Db {
    async fn add_party(&self, party: &Party, event: AuditEvent) -> Result<(), StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.refuse_registered(party).await?;
        tx.insert_party(party, event.at).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await
    }

    async fn parties(&self) -> Result<Vec<Party>, StoreError> {
        on_db!(self, |pool, d| {
            let rows: Vec<PartyRow> =
                sqlx::query_as(AssertSqlSafe(format!("{PARTY_COLUMNS} ORDER BY id")))
                    .fetch_all(pool)
                    .await
                    .map_err(db_err)?;
            rows.into_iter().map(PartyRow::into_domain).collect()
        })
    }

    async fn party(&self, id: &PartyId) -> Result<Option<Party>, StoreError> {
        on_db!(self, |pool, d| {
            let row: Option<PartyRow> =
                sqlx::query_as(AssertSqlSafe(format!("{PARTY_COLUMNS} WHERE id = $1")))
                    .bind(id.as_str())
                    .fetch_optional(pool)
                    .await
                    .map_err(db_err)?;
            row.map(PartyRow::into_domain).transpose()
        })
    }

    async fn add_representative(
        &self,
        user: &NewUser,
        party: &PartyId,
        event: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let party_exists = "SELECT CAST(1 AS BIGINT) FROM parties WHERE id = $1";
        tx.require(party_exists, Entity::Party, party.as_str())
            .await?;
        let commission_exists = "SELECT CAST(1 AS BIGINT) FROM commissions WHERE id = $1";
        tx.require(
            commission_exists,
            Entity::Commission,
            user.commission.as_str(),
        )
        .await?;
        tx.insert_representative(user, party, event.at).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await
    }

    async fn representatives(&self, party: &PartyId) -> Result<Vec<User>, StoreError> {
        let rows: Vec<crate::rows::UserRow> = on_db!(self, |pool, d| {
            sqlx::query_as(AssertSqlSafe(format!(
                "{USER_COLUMNS} WHERE party = $1 ORDER BY username"
            )))
            .bind(party.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(crate::rows::UserRow::into_domain)
            .collect()
    }

    async fn open_nomination(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        kind: &NominationKind,
        reference: Option<&NominationReference>,
        first: Option<(&CandidateIdentity, &CandidateDetails)>,
        rules: &RuleSet,
        mut event: AuditEvent,
    ) -> Result<NominationRecord, CandidacyError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let facts = tx.opening_facts(election, council, kind).await?;
        let id = tx.next_id().await?;
        let pins: Vec<Pin> = first.iter().map(|(i, _)| i.pin()).collect();
        let holders = tx.holders(election, &pins).await?;
        let candidate = shailoo_app::candidates::candidate_id(id, reference, 1);
        let draft = transitions::open(
            election,
            kind.clone(),
            &facts,
            first.map(|(i, _)| (candidate.clone(), i)),
            &holders,
            &rules.rules(facts.council.seats),
            event.at,
        )?;
        let mut details = BTreeMap::new();
        if let Some((_, d)) = first
            && *d != CandidateDetails::default()
        {
            details.insert(candidate, d.clone());
        }
        let made = u32::from(first.is_some());
        let record = NominationRecord {
            id,
            reference: reference.cloned(),
            nomination: NominationState::Draft(draft).into_record(),
            filed_by: event.actor.clone(),
            details,
            checks: Vec::new(),
        };
        tx.write(None, &record, made).await?;
        event.subject = format!("{election}/nominations/{id}");
        tx.append_audit(head, event.after(&record)).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn change_nomination(
        &self,
        election: &ElectionId,
        id: NominationId,
        change: &Change,
        rules: &RuleSet,
        event: AuditEvent,
    ) -> Result<(NominationRecord, bool), CandidacyError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let (before, made) = tx.nomination_record(election, id).await?;
        let seats = tx.seats_of(&before.nomination.council).await?;
        let mut pins: Vec<Pin> = before.nomination.standing().map(|(_, e)| e.pin()).collect();
        pins.extend(change.new_person());
        let facts = ChangeFacts {
            holders: tx.holders(election, &pins).await?,
            next_candidate: before.candidate(made + 1),
        };
        let outcome = transitions::apply(
            &before,
            change,
            &facts,
            &rules.rules(seats),
            &event.actor,
            event.at,
        )?;
        if outcome.repeated {
            return Ok((outcome.record, false));
        }
        let added = outcome
            .record
            .nomination
            .entries
            .iter()
            .filter(|e| before.nomination.entry(&e.candidate).is_none())
            .count();
        let made = made + u32::try_from(added).unwrap_or(u32::MAX);
        tx.write(Some(&before), &outcome.record, made).await?;
        tx.append_history(id, &outcome.history).await?;
        let event = event.before(&before).after(&outcome.record);
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok((outcome.record, true))
    }

    async fn attach_document(
        &self,
        election: &ElectionId,
        id: NominationId,
        candidate: Option<&CandidateId>,
        document: &Document,
        event: AuditEvent,
    ) -> Result<DocumentInfo, CandidacyError> {
        let info = DocumentInfo {
            candidate: candidate.cloned(),
            kind: document.kind(),
            format: document.format(),
            digest: document.digest().to_owned(),
            size: document.size(),
            filed_by: event.actor.clone(),
            filed_at: event.at,
        };
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let (record, _) = tx.nomination_record(election, id).await?;
        transitions::document_slot(&record.nomination, candidate, document.kind())?;
        tx.put_document(id, document, &info).await?;
        tx.append_audit(head, event.after(&info)).await?;
        tx.commit().await?;
        Ok(info)
    }

    async fn record_checks(
        &self,
        election: &ElectionId,
        id: NominationId,
        version: u32,
        run: &CheckRun,
        event: AuditEvent,
    ) -> Result<NominationRecord, CandidacyError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        let (record, _) = tx.nomination_record(election, id).await?;
        let n = &record.nomination;
        let standing = |c: &CandidateId| n.entry(c).is_some_and(|e| e.is_standing());
        if n.version != version
            || n.status != NominationStatus::Submitted
            || !run.entries.iter().all(|e| standing(&e.candidate))
        {
            return Err(CandidacyError::ChangedWhileChecked);
        }
        tx.record_run(id, run).await?;
        tx.append_audit(head, event.after(run)).await?;
        let (record, _) = tx.nomination_record(election, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn set_ballot_order(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        order: &[PartyId],
        event: AuditEvent,
    ) -> Result<(), CandidacyError> {
        let mut tx = self.begin_tx().await?;
        let head = tx.lock_head().await?;
        tx.put_ballot_order(election, council, order).await?;
        tx.append_audit(head, event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn nomination(
        &self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<Option<NominationRecord>, StoreError> {
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let found = read_one!(tx, election, id).map(|(r, _)| r);
            tx.commit().await.map_err(db_err)?;
            Ok(found)
        })
    }

    async fn nominations(
        &self,
        election: &ElectionId,
        filter: &NominationFilter,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        let mut args = vec![Arg::Text(Some(election.to_string()))];
        let cond = stage_condition(filter, &mut args);
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let found = CandidateTx::load(&mut *tx, &cond, &args, 500).await?;
            tx.commit().await.map_err(db_err)?;
            Ok(found.into_iter().map(|(r, _)| r).collect())
        })
    }

    async fn council_nominations(
        &self,
        election: &ElectionId,
        council: &CouncilId,
        registered_only: bool,
    ) -> Result<Vec<NominationRecord>, StoreError> {
        let cond = if registered_only {
            "n.election = $1 AND n.council = $2 AND n.status = 'registered'"
        } else {
            "n.election = $1 AND n.council = $2"
        };
        let args = [
            Arg::Text(Some(election.to_string())),
            Arg::Text(Some(council.to_string())),
        ];
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_read().await?;
            let found = CandidateTx::load(&mut *tx, cond, &args, i64::MAX).await?;
            tx.commit().await.map_err(db_err)?;
            let mut found: Vec<NominationRecord> = found.into_iter().map(|(r, _)| r).collect();
            found.reverse();
            Ok(found)
        })
    }

    async fn candidacies(
        &self,
        election: &ElectionId,
        pins: &[Pin],
    ) -> Result<Vec<Candidacy>, StoreError> {
        on_db!(self, |pool, d| {
            let mut conn = pool.acquire().await.map_err(db_err)?;
            let mut found = Vec::new();
            // Bounded statements: at most 500 PINs each.
            for chunk in pins.chunks(500) {
                found.extend(CandidateTx::holders(&mut *conn, election, chunk).await?);
            }
            Ok(found)
        })
    }

    async fn documents(
        &self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<Vec<DocumentInfo>, StoreError> {
        type Row = (String, String, String, String, i64, String, String);
        let rows: Vec<Row> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT k.candidate, k.kind, f.content_type, k.digest, f.size, k.filed_by, \
                 k.filed_at FROM nomination_documents k \
                 JOIN nominations n ON n.id = k.nomination \
                 JOIN document_files f ON f.digest = k.digest \
                 WHERE n.election = $1 AND k.nomination = $2 ORDER BY k.candidate, k.kind",
            )
            .bind(election.as_str())
            .bind(id.get())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        rows.into_iter()
            .map(|(candidate, kind, content_type, digest, size, by, at)| {
                document_info(id, candidate, &kind, &content_type, digest, size, by, &at)
            })
            .collect()
    }

    async fn document(
        &self,
        election: &ElectionId,
        id: NominationId,
        digest: &str,
    ) -> Result<Option<(DocumentInfo, Document)>, StoreError> {
        type Row = (String, String, String, String, i64, String, String, Vec<u8>);
        let row: Option<Row> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT k.candidate, k.kind, f.content_type, k.digest, f.size, k.filed_by, \
                 k.filed_at, f.bytes FROM nomination_documents k \
                 JOIN nominations n ON n.id = k.nomination \
                 JOIN document_files f ON f.digest = k.digest \
                 WHERE n.election = $1 AND k.nomination = $2 AND k.digest = $3 \
                 ORDER BY k.candidate, k.kind LIMIT 1",
            )
            .bind(election.as_str())
            .bind(id.get())
            .bind(digest)
            .fetch_optional(pool)
            .await
            .map_err(db_err)?
        });
        row.map(
            |(candidate, kind, content_type, digest, size, by, at, bytes)| {
                let info =
                    document_info(id, candidate, &kind, &content_type, digest, size, by, &at)?;
                const F: &str = "document_files";
                let document =
                    Document::parse(info.kind, bytes).map_err(|e| corrupt(F, &info.digest, e))?;
                if document.digest() != info.digest {
                    return Err(corrupt(
                        F,
                        &info.digest,
                        "the bytes do not match the digest",
                    ));
                }
                Ok((info, document))
            },
        )
        .transpose()
    }

    async fn history(
        &self,
        election: &ElectionId,
        id: NominationId,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        type Row = (
            i64,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> = on_db!(self, |pool, d| {
            sqlx::query_as(
                "SELECT h.seq, h.candidate, h.status, h.detail, h.note, h.by_whom, h.at \
                 FROM nomination_history h JOIN nominations n ON n.id = h.nomination \
                 WHERE n.election = $1 AND h.nomination = $2 ORDER BY h.seq",
            )
            .bind(election.as_str())
            .bind(id.get())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        const H: &str = "nomination_history";
        rows.into_iter()
            .map(|(seq, candidate, status, detail, note, by, at)| {
                let key = format!("{id}/{seq}");
                Ok(HistoryEntry {
                    candidate: candidate
                        .as_deref()
                        .map(|c| field(H, &key, "candidate", c, CandidateId::parse))
                        .transpose()?,
                    status,
                    detail,
                    note,
                    by,
                    at: timestamp(H, &key, "at", &at)?,
                })
            })
            .collect()
    }

    async fn public_candidates(
        &self,
        election: &ElectionId,
        filter: &CandidateFilter,
    ) -> Result<Page<PublicCandidate>, StoreError> {
        let (cond, args) = public_condition(election, filter);
        let from = "nomination_entries e JOIN nominations n ON n.id = e.nomination";
        let count_sql = format!("SELECT COUNT(*) FROM {from} WHERE {cond}");
        let n_args = args.len();
        let list_sql = format!(
            "SELECT e.candidate, e.nomination, n.election, n.council, n.kind, n.district, \
             n.party, n.status AS n_status, n.ground AS n_ground, \
             n.cancellation_reason AS n_reason, e.status, e.ground, e.cancellation_reason, \
             e.surname, e.given_name, e.patronymic, e.birth_date, e.occupation, \
             CASE WHEN e.status = 'standing' THEN (SELECT COUNT(*) FROM nomination_entries s \
             WHERE s.nomination = e.nomination AND s.status = 'standing' \
             AND s.position <= e.position) END AS list_position \
             FROM {from} WHERE {cond} ORDER BY n.council, COALESCE(n.district, ''), \
             CASE WHEN n.kind = 'district' THEN e.sort_key ELSE '' END, \
             COALESCE(n.party, ''), n.id, e.position LIMIT ${} OFFSET ${}",
            n_args + 1,
            n_args + 2
        );
        let request = filter.page;
        let (total, rows): (i64, Vec<PublicRow>) = on_db!(self, |pool, d| {
            let mut count = sqlx::query_scalar(AssertSqlSafe(count_sql.clone()));
            for a in &args {
                count = count.bind(a.as_str());
            }
            let total = count.fetch_one(pool).await.map_err(db_err)?;
            let mut list = sqlx::query_as(AssertSqlSafe(list_sql.clone()));
            for a in &args {
                list = list.bind(a.as_str());
            }
            let rows = list
                .bind(request.limit())
                .bind(request.offset())
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            (total, rows)
        });
        let items = rows
            .into_iter()
            .map(PublicRow::into_domain)
            .collect::<Result<Vec<_>, _>>()?;
        crate::setup::page(items, total, &request)
    }

    async fn ballot_order(
        &self,
        election: &ElectionId,
        council: &CouncilId,
    ) -> Result<Option<Vec<PartyId>>, StoreError> {
        let rows: Vec<String> = on_db!(self, |pool, d| {
            sqlx::query_scalar(
                "SELECT party FROM ballot_orders WHERE election = $1 AND council = $2 \
                 ORDER BY position",
            )
            .bind(election.as_str())
            .bind(council.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?
        });
        if rows.is_empty() {
            return Ok(None);
        }
        rows.iter()
            .map(|p| {
                field(
                    "ballot_orders",
                    council.as_str(),
                    "party",
                    p,
                    PartyId::parse,
                )
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

#[allow(clippy::too_many_arguments, reason = "the columns of one row")]
fn document_info(
    id: NominationId,
    candidate: String,
    kind: &str,
    content_type: &str,
    digest: String,
    size: i64,
    filed_by: String,
    filed_at: &str,
) -> Result<DocumentInfo, StoreError> {
    const K: &str = "nomination_documents";
    let key = format!("{id}/{candidate}/{kind}");
    Ok(DocumentInfo {
        candidate: (!candidate.is_empty())
            .then(|| field(K, &key, "candidate", &candidate, CandidateId::parse))
            .transpose()?,
        kind: enum_field(K, &key, "kind", kind, DocumentKind::parse)?,
        format: enum_field(
            K,
            &key,
            "content_type",
            content_type,
            CopyFormat::from_content_type,
        )?,
        digest,
        size: u64::try_from(size).map_err(|_| corrupt(K, &key, "size"))?,
        filed_by,
        filed_at: timestamp(K, &key, "filed_at", filed_at)?,
    })
}
