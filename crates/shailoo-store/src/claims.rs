//! [`shailoo_app::ClaimStore`] on both engines, and the re-application of accepted inclusions
//! that a compile of the lists runs inside its own transaction ([`reapply_accepted`]).
//!
//! The writers follow the capability template: open the write transaction, lock the audit head
//! (the `lock_head!` pattern of `lib.rs`), read the facts (`ClaimTx`: the frozen lists, the
//! claim, the person, the station, the voter's list entry and ineligibility reasons, an open
//! claim of the same kind), hand them to the pure functions of
//! `shailoo_app::claims::transitions`, and write what those return (the claim, the list change,
//! the amendment rows) with the audit entry. The rules are the app's; this file only reads and
//! writes. No other writer can change a fact between the check and the commit: of two
//! concurrent decisions on one claim, the second finds it decided.

use crate::rows::{corrupt, date, station_number, timestamp};
use crate::{Db, WritePool, db_err};
use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_app::ClaimStore;
use shailoo_app::StoreError;
use shailoo_app::audit::AuditEvent;
use shailoo_app::claims::transitions::{
    self, AddressFacts, Filed, Filing, FilingFacts, ListEffect, ListEntry, Outcome, PersonalData,
    StationFacts, VoterFacts,
};
use shailoo_app::claims::{
    Amendment, Channel, Claim, ClaimDecision, ClaimDraft, ClaimError, ClaimFilter, ClaimId,
    ClaimKind, ClaimRequest, ClaimState, ClaimStatus, CopyFormat, CopyInfo, DataCorrection,
    Decided, Field, ListCorrection, PassportCopy, Text,
};
use shailoo_domain::voter::Reasons;
use shailoo_domain::{CouncilId, ElectionId, Pin, StationNumber};
use sqlx::{AssertSqlSafe, PgConnection, SqliteConnection};

const T: &str = "voter_list_claims";

const COLUMNS: &str = "SELECT c.id, c.election, c.pin, c.kind, c.station, c.home_station, c.surname, \
     c.given_name, c.patronymic, c.birth_date, c.street, c.house, c.statement, c.channel, \
     c.filed_by, c.filed_at, c.status, c.note, c.decided_by, c.decided_at, k.content_type, \
     k.digest, k.size FROM voter_list_claims c JOIN voter_list_claim_copies k ON k.claim_id = c.id";

const FROZEN_AT: &str = "SELECT frozen_at FROM voter_list_state WHERE election = $1";

const ELECTION_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM elections WHERE id = $1";

const PERSON: &str = "SELECT surname, given_name, patronymic, birth_date, street, house \
     FROM persons WHERE pin = $1";

/// The station's council and whether it is a remote-voting station, with whether that council
/// holds this election.
const STATION: &str = "SELECT s.council, s.remote_voting, \
     (SELECT CAST(1 AS BIGINT) FROM election_councils e WHERE e.election = $1 \
        AND e.council = s.council) AS electing \
     FROM stations s WHERE s.number = $2";

/// The registered address of a person: where VOT-04 places them.
const ADDRESS: &str = "SELECT settlement, street FROM persons WHERE pin = $1";

/// The station whose area holds a settlement and street.
const AREA_STATION: &str =
    "SELECT station FROM station_areas WHERE settlement = $1 AND street = $2";

/// Whether a station's area holds a settlement.
const SERVES_SETTLEMENT: &str = "SELECT CAST(1 AS BIGINT) FROM station_areas \
     WHERE station = $1 AND settlement = $2 LIMIT 1";

const ENTRY: &str = "SELECT council, home_station, station FROM voter_list_entries \
     WHERE election = $1 AND pin = $2";

const OPEN_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM voter_list_claims \
     WHERE election = $1 AND pin = $2 AND kind = $3 AND status = 'filed'";

const CORRECTION: &str = "SELECT claim_id, surname, given_name, patronymic, birth_date, street, \
     house FROM voter_list_corrections WHERE election = $1 AND pin = $2";

const INCLUDE: &str = "INSERT INTO voter_list_entries (election, pin, council, home_station, \
     station) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (election, pin) DO UPDATE SET \
     council = excluded.council, home_station = excluded.home_station, station = excluded.station";

const SET_CORRECTION: &str = "INSERT INTO voter_list_corrections (election, pin, claim_id, \
     surname, given_name, patronymic, birth_date, street, house) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (election, pin) DO UPDATE SET \
     claim_id = excluded.claim_id, surname = excluded.surname, \
     given_name = excluded.given_name, patronymic = excluded.patronymic, \
     birth_date = excluded.birth_date, street = excluded.street, house = excluded.house";

const AMEND: &str = "INSERT INTO voter_list_amendments (claim_id, field, election, pin, \
     before_value, after_value, amended_by, amended_at, note) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const SET_DECISION: &str = "UPDATE voter_list_claims SET status = $2, note = $3, \
     decided_by = $4, decided_at = $5 WHERE id = $1";

/// The latest accepted inclusion of each voter (`c`), the one a compile re-applies.
macro_rules! latest_inclusion {
    () => {
        "c.kind = 'inclusion' AND c.status = 'accepted' AND c.id = (SELECT MAX(c2.id) \
         FROM voter_list_claims c2 WHERE c2.election = c.election AND c2.pin = c.pin \
         AND c2.kind = 'inclusion' AND c2.status = 'accepted')"
    };
}

/// Whether the inclusion `c` still goes where `transitions::inclusion_place` allows, on the
/// register as it is now: the station's area holds the person's registered address, or (for a
/// street no area lists) its settlement. A newer extract that moved the person elsewhere ends
/// the inclusion: the compile placed them by their new address. (The council rule needs no
/// check here: the compile placed the voter by the same address, in that station's council.)
macro_rules! still_at_address {
    () => {
        "EXISTS (SELECT 1 FROM persons p WHERE p.pin = c.pin AND (EXISTS (SELECT 1 \
         FROM station_areas a WHERE a.settlement = p.settlement AND a.street = p.street \
         AND a.station = c.station) OR (NOT EXISTS (SELECT 1 FROM station_areas a \
         WHERE a.settlement = p.settlement AND a.street = p.street) AND EXISTS (SELECT 1 \
         FROM station_areas a WHERE a.station = c.station AND a.settlement = p.settlement))))"
    };
}

/// Takes off the ineligible rows of an election the voters whose latest accepted inclusion
/// overruled every reason they now have (a NULL `overruled_reasons` overrules all) and still
/// goes to the station of their registered address.
const REAPPLY_UNMARK: &str = concat!(
    "DELETE FROM voter_ineligible WHERE election = $1 AND EXISTS (SELECT 1 \
     FROM voter_list_claims c WHERE c.election = $1 AND c.pin = voter_ineligible.pin AND ",
    latest_inclusion!(),
    " AND (voter_ineligible.reasons & ~COALESCE(c.overruled_reasons, -1)) = 0 AND ",
    still_at_address!(),
    ") RETURNING reasons"
);

/// Puts the voter of each person's latest accepted inclusion on that station's list, unless
/// the register now gives a reason the PEC did not overrule (the voter stayed ineligible) or
/// an address the station does not serve.
const REAPPLY_INCLUDE: &str = concat!(
    "INSERT INTO voter_list_entries (election, pin, council, home_station, station) \
     SELECT c.election, c.pin, s.council, c.station, c.station \
     FROM voter_list_claims c JOIN stations s ON s.number = c.station \
     WHERE c.election = $1 AND ",
    latest_inclusion!(),
    " AND ",
    still_at_address!(),
    " \
     AND NOT EXISTS (SELECT 1 FROM voter_ineligible i WHERE i.election = c.election \
        AND i.pin = c.pin) \
     ON CONFLICT (election, pin) DO UPDATE SET council = excluded.council, \
     home_station = excluded.home_station, station = excluded.station"
);

#[derive(sqlx::FromRow)]
struct ClaimRow {
    id: i64,
    election: String,
    pin: String,
    kind: String,
    station: i64,
    home_station: Option<i64>,
    surname: Option<String>,
    given_name: Option<String>,
    patronymic: Option<String>,
    birth_date: Option<String>,
    street: Option<String>,
    house: Option<String>,
    statement: Option<String>,
    channel: String,
    filed_by: String,
    filed_at: String,
    status: String,
    note: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<String>,
    content_type: String,
    digest: String,
    size: i64,
}

/// Parses an optional stored text through [`Text::parse`].
fn text(key: &str, column: &str, v: Option<String>) -> Result<Option<Text>, StoreError> {
    v.map(|v| Text::parse(&v).map_err(|e| corrupt(T, key, format!("{column}: {e}"))))
        .transpose()
}

#[allow(clippy::too_many_arguments, reason = "the six correctable columns")]
fn correction(
    table: &str,
    key: &str,
    surname: Option<String>,
    given_name: Option<String>,
    patronymic: Option<String>,
    birth_date: Option<String>,
    street: Option<String>,
    house: Option<String>,
) -> Result<DataCorrection, StoreError> {
    DataCorrection::new(
        text(key, "surname", surname)?,
        text(key, "given_name", given_name)?,
        text(key, "patronymic", patronymic)?,
        birth_date
            .map(|d| date(table, key, "birth_date", &d))
            .transpose()?,
        text(key, "street", street)?,
        text(key, "house", house)?,
    )
    .map_err(|e| corrupt(table, key, e))
}

impl ClaimRow {
    fn into_domain(self) -> Result<Claim, StoreError> {
        // The key names the row by id: the PIN stays out of messages and logs.
        let key = self.id.to_string();
        let key = key.as_str();
        let kind = ClaimKind::parse(&self.kind)
            .ok_or_else(|| corrupt(T, key, format!("kind {:?}", self.kind)))?;
        let request = match kind {
            ClaimKind::Inclusion => ClaimRequest::Inclusion,
            ClaimKind::Correction => ClaimRequest::Correction(correction(
                T,
                key,
                self.surname,
                self.given_name,
                self.patronymic,
                self.birth_date,
                self.street,
                self.house,
            )?),
        };
        let state = ClaimState::parse(&self.status)
            .ok_or_else(|| corrupt(T, key, format!("status {:?}", self.status)))?;
        let decided = match (self.decided_by, self.decided_at) {
            (Some(by), Some(at)) => Some(Decided {
                by,
                at: timestamp(T, key, "decided_at", &at)?,
            }),
            _ => None,
        };
        let note = text(key, "note", self.note)?;
        let status = match (state, decided) {
            (ClaimState::Filed, None) => ClaimStatus::Filed,
            (ClaimState::Accepted, Some(decided)) => ClaimStatus::Accepted { decided, note },
            (ClaimState::Rejected, Some(decided)) => ClaimStatus::Rejected {
                decided,
                reason: note.ok_or_else(|| corrupt(T, key, "a rejection without a reason"))?,
            },
            _ => return Err(corrupt(T, key, "status and decision disagree")),
        };
        Ok(Claim {
            id: ClaimId::new(self.id).ok_or_else(|| corrupt(T, key, "id"))?,
            election: ElectionId::parse(&self.election)
                .map_err(|e| corrupt(T, key, format!("election: {e}")))?,
            pin: Pin::parse(&self.pin).map_err(|e| corrupt(T, key, format!("pin: {e}")))?,
            station: station_number(T, key, self.station)?,
            home_station: self
                .home_station
                .map(|s| station_number(T, key, s))
                .transpose()?,
            request,
            statement: text(key, "statement", self.statement)?,
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| corrupt(T, key, format!("channel {:?}", self.channel)))?,
            filed_by: self.filed_by,
            filed_at: timestamp(T, key, "filed_at", &self.filed_at)?,
            copy: CopyInfo {
                format: CopyFormat::from_content_type(&self.content_type)
                    .ok_or_else(|| corrupt(T, key, "copy content type"))?,
                digest: self.digest,
                size: u64::try_from(self.size).unwrap_or(0),
            },
            status,
        })
    }
}

type PersonRow = (String, String, Option<String>, String, String, String);

type CorrectionRow = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Reads claim `$id` of `$election` with `$exec`.
macro_rules! read_claim {
    ($exec:expr, $election:expr, $id:expr) => {{
        let row: Option<ClaimRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{COLUMNS} WHERE c.election = $1 AND c.id = $2"
        )))
        .bind($election.as_str())
        .bind($id.get())
        .fetch_optional($exec)
        .await
        .map_err(db_err)?;
        row.map(ClaimRow::into_domain).transpose()?
    }};
}

/// The connections [`reapply_accepted`] runs on: one body for both engines.
pub(crate) trait ReapplyOn {
    async fn reapply(&mut self, election: &str) -> Result<Vec<i64>, StoreError>;
}

macro_rules! reapply_body {
    ($conn:ty) => {
        impl ReapplyOn for $conn {
            async fn reapply(&mut self, election: &str) -> Result<Vec<i64>, StoreError> {
                let unmarked: Vec<i64> = sqlx::query_scalar(REAPPLY_UNMARK)
                    .bind(election)
                    .fetch_all(&mut *self)
                    .await
                    .map_err(db_err)?;
                sqlx::query(REAPPLY_INCLUDE)
                    .bind(election)
                    .execute(&mut *self)
                    .await
                    .map_err(db_err)?;
                Ok(unmarked)
            }
        }
    };
}
reapply_body!(SqliteConnection);
reapply_body!(PgConnection);

/// Re-applies the accepted inclusion claims of `election` inside the caller's transaction: a
/// compile has just replaced the lists from the register, and a PEC's decision (VOT-08) must
/// outlive that. Each person's latest accepted inclusion puts them on that station's list (for
/// its council) and off the ineligible rows, as long as the register gives them no reason
/// beyond those the PEC overruled (a newer extract may say they were sentenced since: then they
/// stay off, with all their reasons); persons no longer in the register are left out.
/// Corrections need nothing: they live in `voter_list_corrections`, which a compile does not
/// touch. Returns the reasons of the persons it took off the ineligible rows, so that the
/// compile's counts say what the lists hold.
pub(crate) async fn reapply_accepted(
    conn: &mut impl ReapplyOn,
    election: &str,
) -> Result<Vec<Reasons>, StoreError> {
    conn.reapply(election)
        .await?
        .into_iter()
        .map(|bits| {
            u16::try_from(bits)
                .ok()
                .and_then(Reasons::from_bits)
                .ok_or_else(|| StoreError::Corrupt(format!("voter_ineligible: reasons {bits}")))
        })
        .collect()
}

/// What the claim writers read and write in their transaction, on the connection of either
/// engine: the facts the pure checks of `shailoo_app::claims::transitions` take, and the
/// outcomes they return. One body for both engines, as [`ReapplyOn`].
trait ClaimTx {
    async fn frozen_at(&mut self, election: &ElectionId) -> Result<Option<Timestamp>, StoreError>;
    async fn filing_facts(
        &mut self,
        election: &ElectionId,
        draft: &ClaimDraft,
    ) -> Result<FilingFacts, StoreError>;
    async fn read_claim(
        &mut self,
        election: &ElectionId,
        id: ClaimId,
    ) -> Result<Option<Claim>, StoreError>;
    async fn voter_facts(&mut self, claim: &Claim) -> Result<VoterFacts, StoreError>;
    async fn write_filed(&mut self, claim: &Claim, copy: &PassportCopy) -> Result<(), StoreError>;
    async fn write_effect(&mut self, claim: &Claim, effect: &ListEffect) -> Result<(), StoreError>;
    async fn write_outcome(&mut self, outcome: &Outcome) -> Result<(), StoreError>;
}

macro_rules! claim_tx_body {
    ($conn:ty) => {
        impl ClaimTx for $conn {
            async fn frozen_at(
                &mut self,
                election: &ElectionId,
            ) -> Result<Option<Timestamp>, StoreError> {
                let frozen: Option<Option<String>> = sqlx::query_scalar(FROZEN_AT)
                    .bind(election.as_str())
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                frozen
                    .flatten()
                    .map(|at| timestamp("voter_list_state", election.as_str(), "frozen_at", &at))
                    .transpose()
            }

            async fn filing_facts(
                &mut self,
                election: &ElectionId,
                draft: &ClaimDraft,
            ) -> Result<FilingFacts, StoreError> {
                let pin = draft.pin.as_str();
                let election_exists: Option<i64> = sqlx::query_scalar(ELECTION_EXISTS)
                    .bind(election.as_str())
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                let address: Option<(String, String)> = sqlx::query_as(ADDRESS)
                    .bind(pin)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                let open: Option<i64> = sqlx::query_scalar(OPEN_EXISTS)
                    .bind(election.as_str())
                    .bind(pin)
                    .bind(draft.request.kind().as_str())
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                // Ids count from 1 per database; safe to compute under the write lock.
                let next: i64 =
                    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM voter_list_claims")
                        .fetch_one(&mut *self)
                        .await
                        .map_err(db_err)?;
                Ok(FilingFacts {
                    election_exists: election_exists.is_some(),
                    frozen_at: self.frozen_at(election).await?,
                    in_register: address.is_some(),
                    address: self.address_facts(address.as_ref(), draft.station).await?,
                    station: self.station_facts(election, draft.station).await?,
                    entry: self.list_entry(election, pin).await?,
                    open_claim_of_kind: open.is_some(),
                    next_id: ClaimId::new(next).ok_or_else(|| corrupt(T, "max", "id"))?,
                })
            }

            async fn read_claim(
                &mut self,
                election: &ElectionId,
                id: ClaimId,
            ) -> Result<Option<Claim>, StoreError> {
                Ok(read_claim!(&mut *self, election, id))
            }

            async fn voter_facts(&mut self, claim: &Claim) -> Result<VoterFacts, StoreError> {
                // The key names the row by claim: the PIN stays out of messages and logs.
                let key = claim.id.to_string();
                let (election, pin) = (&claim.election, claim.pin.as_str());
                let person: Option<PersonRow> = sqlx::query_as(PERSON)
                    .bind(pin)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                let person = person
                    .map(|(surname, given_name, patronymic, birth, street, house)| {
                        Ok::<_, StoreError>(PersonalData {
                            surname,
                            given_name,
                            patronymic,
                            birth_date: date("persons", &key, "birth_date", &birth)?,
                            street,
                            house,
                        })
                    })
                    .transpose()?;
                let ineligible = self.ineligible_reasons(election, pin, &key).await?;
                let earlier: Option<CorrectionRow> = sqlx::query_as(CORRECTION)
                    .bind(election.as_str())
                    .bind(pin)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                let correction = earlier
                    .map(|(claim, a, b, c, e, f, g)| {
                        let table = "voter_list_corrections";
                        correction(table, &claim.to_string(), a, b, c, e, f, g)
                    })
                    .transpose()?;
                let address: Option<(String, String)> = sqlx::query_as(ADDRESS)
                    .bind(pin)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                Ok(VoterFacts {
                    person,
                    address: self.address_facts(address.as_ref(), claim.station).await?,
                    station: self.station_facts(election, claim.station).await?,
                    entry: self.list_entry(election, pin).await?,
                    ineligible,
                    correction,
                })
            }

            async fn write_filed(
                &mut self,
                claim: &Claim,
                copy: &PassportCopy,
            ) -> Result<(), StoreError> {
                let fields = match &claim.request {
                    ClaimRequest::Inclusion => None,
                    ClaimRequest::Correction(c) => Some(c),
                };
                let opt = |f: fn(&DataCorrection) -> Option<&Text>| {
                    fields.and_then(f).map(|t| t.as_str().to_owned())
                };
                sqlx::query(
                    "INSERT INTO voter_list_claims (id, election, pin, kind, station, surname, \
                     given_name, patronymic, birth_date, street, house, statement, channel, \
                     filed_by, filed_at, status, home_station) VALUES ($1, $2, $3, $4, $5, $6, \
                     $7, $8, $9, $10, $11, $12, $13, $14, $15, 'filed', $16)",
                )
                .bind(claim.id.get())
                .bind(claim.election.as_str())
                .bind(claim.pin.as_str())
                .bind(claim.request.kind().as_str())
                .bind(i64::from(claim.station.get()))
                .bind(opt(DataCorrection::surname))
                .bind(opt(DataCorrection::given_name))
                .bind(opt(DataCorrection::patronymic))
                .bind(
                    fields
                        .and_then(DataCorrection::birth_date)
                        .map(|d| d.to_string()),
                )
                .bind(opt(DataCorrection::street))
                .bind(opt(DataCorrection::house))
                .bind(claim.statement.as_ref().map(Text::as_str))
                .bind(claim.channel.as_str())
                .bind(claim.filed_by.as_str())
                .bind(claim.filed_at.to_string())
                .bind(claim.home_station.map(|s| i64::from(s.get())))
                .execute(&mut *self)
                .await
                .map_err(db_err)?;
                sqlx::query(
                    "INSERT INTO voter_list_claim_copies (claim_id, content_type, digest, size, \
                     bytes) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(claim.id.get())
                .bind(copy.format().content_type())
                .bind(copy.digest())
                .bind(i64::try_from(copy.bytes().len()).unwrap_or(i64::MAX))
                .bind(copy.bytes())
                .execute(&mut *self)
                .await
                .map_err(db_err)?;
                Ok(())
            }

            async fn write_effect(
                &mut self,
                claim: &Claim,
                effect: &ListEffect,
            ) -> Result<(), StoreError> {
                let (election, pin, id) = (claim.election.as_str(), claim.pin.as_str(), claim.id);
                match effect {
                    ListEffect::Include {
                        council,
                        station,
                        overruled,
                    } => {
                        sqlx::query("DELETE FROM voter_ineligible WHERE election = $1 AND pin = $2")
                            .bind(election)
                            .bind(pin)
                            .execute(&mut *self)
                            .await
                            .map_err(db_err)?;
                        sqlx::query(
                            "UPDATE voter_list_claims SET overruled_reasons = $2 WHERE id = $1",
                        )
                        .bind(id.get())
                        .bind(overruled.map(|r| i64::from(r.bits())))
                        .execute(&mut *self)
                        .await
                        .map_err(db_err)?;
                        sqlx::query(INCLUDE)
                            .bind(election)
                            .bind(pin)
                            .bind(council.as_str())
                            .bind(i64::from(station.get()))
                            .execute(&mut *self)
                            .await
                            .map_err(db_err)?;
                    }
                    ListEffect::Correct(merged) => {
                        let t = |v: Option<&Text>| v.map(|t| t.as_str().to_owned());
                        sqlx::query(SET_CORRECTION)
                            .bind(election)
                            .bind(pin)
                            .bind(id.get())
                            .bind(t(merged.surname()))
                            .bind(t(merged.given_name()))
                            .bind(t(merged.patronymic()))
                            .bind(merged.birth_date().map(|d| d.to_string()))
                            .bind(t(merged.street()))
                            .bind(t(merged.house()))
                            .execute(&mut *self)
                            .await
                            .map_err(db_err)?;
                    }
                }
                Ok(())
            }

            async fn write_outcome(&mut self, outcome: &Outcome) -> Result<(), StoreError> {
                let claim = outcome.claim();
                let (election, pin, id) = (claim.election.as_str(), claim.pin.as_str(), claim.id);
                if let Some(effect) = outcome.effect() {
                    self.write_effect(claim, effect).await?;
                }
                let decided = claim
                    .status
                    .decided()
                    .ok_or_else(|| corrupt(T, &id.to_string(), "an outcome without a decision"))?;
                let note = claim.status.text().map(Text::as_str);
                for change in outcome.changes() {
                    sqlx::query(AMEND)
                        .bind(id.get())
                        .bind(change.field.as_str())
                        .bind(election)
                        .bind(pin)
                        .bind(change.before.as_deref())
                        .bind(change.after.as_str())
                        .bind(decided.by.as_str())
                        .bind(decided.at.to_string())
                        .bind(note)
                        .execute(&mut *self)
                        .await
                        .map_err(db_err)?;
                }
                sqlx::query(SET_DECISION)
                    .bind(id.get())
                    .bind(claim.status.state().as_str())
                    .bind(note)
                    .bind(decided.by.as_str())
                    .bind(decided.at.to_string())
                    .execute(&mut *self)
                    .await
                    .map_err(db_err)?;
                Ok(())
            }
        }

        impl StationAndEntry for $conn {
            async fn ineligible_reasons(
                &mut self,
                election: &ElectionId,
                pin: &str,
                key: &str,
            ) -> Result<Option<Reasons>, StoreError> {
                let ineligible: Option<i64> = sqlx::query_scalar(
                    "SELECT reasons FROM voter_ineligible WHERE election = $1 AND pin = $2",
                )
                .bind(election.as_str())
                .bind(pin)
                .fetch_optional(&mut *self)
                .await
                .map_err(db_err)?;
                ineligible
                    .map(|bits| {
                        u16::try_from(bits)
                            .ok()
                            .and_then(Reasons::from_bits)
                            .ok_or_else(|| corrupt("voter_ineligible", key, "reasons"))
                    })
                    .transpose()
            }

            async fn station_facts(
                &mut self,
                election: &ElectionId,
                station: StationNumber,
            ) -> Result<Option<StationFacts>, StoreError> {
                let found: Option<(String, bool, Option<i64>)> = sqlx::query_as(STATION)
                    .bind(election.as_str())
                    .bind(i64::from(station.get()))
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                found
                    .map(|(council, remote_voting, electing)| {
                        Ok(StationFacts {
                            council: CouncilId::parse(&council)
                                .map_err(|e| corrupt("stations", &station.to_string(), e))?,
                            remote_voting,
                            electing: electing.is_some(),
                        })
                    })
                    .transpose()
            }

            async fn list_entry(
                &mut self,
                election: &ElectionId,
                pin: &str,
            ) -> Result<Option<ListEntry>, StoreError> {
                let entry: Option<(String, i64, i64)> = sqlx::query_as(ENTRY)
                    .bind(election.as_str())
                    .bind(pin)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                const E: &str = "voter_list_entries";
                entry
                    .map(|(council, home, station)| {
                        Ok(ListEntry {
                            council: CouncilId::parse(&council)
                                .map_err(|e| corrupt(E, election.as_str(), e))?,
                            home_station: station_number(E, election.as_str(), home)?,
                            station: station_number(E, election.as_str(), station)?,
                        })
                    })
                    .transpose()
            }

            async fn address_facts(
                &mut self,
                address: Option<&(String, String)>,
                station: StationNumber,
            ) -> Result<AddressFacts, StoreError> {
                let Some((settlement, street)) = address else {
                    return Ok(AddressFacts::default());
                };
                let at: Option<i64> = sqlx::query_scalar(AREA_STATION)
                    .bind(settlement)
                    .bind(street)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                let serves: Option<i64> = sqlx::query_scalar(SERVES_SETTLEMENT)
                    .bind(i64::from(station.get()))
                    .bind(settlement)
                    .fetch_optional(&mut *self)
                    .await
                    .map_err(db_err)?;
                Ok(AddressFacts {
                    station: at
                        .map(|n| station_number("station_areas", settlement, n))
                        .transpose()?,
                    settlement_served: serves.is_some(),
                })
            }
        }
    };
}

/// The station of a claim, the voter's list entry (or why they are on no list) and where their
/// address lies, read the same way for filing and for deciding.
trait StationAndEntry {
    /// Why the compile left the voter off the lists, if it did (`key` names the row in errors).
    async fn ineligible_reasons(
        &mut self,
        election: &ElectionId,
        pin: &str,
        key: &str,
    ) -> Result<Option<Reasons>, StoreError>;
    async fn address_facts(
        &mut self,
        address: Option<&(String, String)>,
        station: StationNumber,
    ) -> Result<AddressFacts, StoreError>;
    async fn station_facts(
        &mut self,
        election: &ElectionId,
        station: StationNumber,
    ) -> Result<Option<StationFacts>, StoreError>;
    async fn list_entry(
        &mut self,
        election: &ElectionId,
        pin: &str,
    ) -> Result<Option<ListEntry>, StoreError>;
}

claim_tx_body!(SqliteConnection);
claim_tx_body!(PgConnection);

#[async_trait]
impl ClaimStore for Db {
    async fn file_claim(
        &self,
        election: &ElectionId,
        draft: &ClaimDraft,
        channel: Channel,
        copy: &PassportCopy,
        mut event: AuditEvent,
    ) -> Result<Claim, ClaimError> {
        let info = copy.info();
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            let facts = ClaimTx::filing_facts(&mut *tx, election, draft).await?;
            let filing = Filing {
                election,
                draft,
                channel,
                copy: &info,
                by: &event.actor,
                at: event.at,
            };
            let filed = transitions::file(filing, &facts)?.into_claim();
            ClaimTx::write_filed(&mut *tx, &filed, copy).await?;
            event.subject = format!("{election}/claims/{}", filed.id);
            let event = event.after(&filed);
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(filed)
        })
    }

    async fn decide_claim(
        &self,
        election: &ElectionId,
        id: ClaimId,
        decision: &ClaimDecision,
        event: AuditEvent,
    ) -> Result<Claim, ClaimError> {
        let decided = Decided {
            by: event.actor.clone(),
            at: event.at,
        };
        on_db!(self, |pool, d| {
            let mut tx = pool.begin_write().await?;
            let head = lock_head!(tx, d);
            transitions::lists_open(election, ClaimTx::frozen_at(&mut *tx, election).await?)?;
            let stored = ClaimTx::read_claim(&mut *tx, election, id).await?;
            let filed = Filed::from_stored(id, stored)?;
            let facts = ClaimTx::voter_facts(&mut *tx, filed.claim()).await?;
            let before = filed.claim().clone();
            let outcome = filed.decide(decision, &facts, decided)?;
            ClaimTx::write_outcome(&mut *tx, &outcome).await?;
            let event = event
                .before(&before)
                .after(&(outcome.claim(), outcome.changes()));
            append_audit!(tx, head, event);
            tx.commit().await.map_err(db_err)?;
            Ok(outcome.claim().clone())
        })
    }

    async fn claim(&self, election: &ElectionId, id: ClaimId) -> Result<Option<Claim>, StoreError> {
        on_db!(self, |pool, d| Ok(read_claim!(pool, election, id)))
    }

    async fn claims(
        &self,
        election: &ElectionId,
        filter: &ClaimFilter,
    ) -> Result<Vec<Claim>, StoreError> {
        // Absent filters bind NULL, which keeps the SQL text constant.
        // `within` walks down the commission tree from the account's commission (a recursive
        // CTE, the same on both engines), so the cap of 500 applies after the coverage filter.
        let sql = format!(
            "WITH RECURSIVE below (id) AS (SELECT id FROM commissions WHERE id = $6 \
             UNION ALL SELECT m.id FROM commissions m JOIN below b ON m.parent = b.id) \
             {COLUMNS} WHERE c.election = $1 AND ($2 IS NULL OR c.station = $2) \
             AND ($3 IS NULL OR c.status = $3) AND ($4 IS NULL OR c.kind = $4) \
             AND ($5 IS NULL OR c.pin = $5) \
             AND ($6 IS NULL OR c.station IN (SELECT s.number FROM stations s \
             WHERE s.commission IN (SELECT id FROM below)) OR c.home_station IN (SELECT \
             s.number FROM stations s WHERE s.commission IN (SELECT id FROM below))) \
             ORDER BY c.id DESC LIMIT 500"
        );
        let station = filter.station.map(|s| i64::from(s.get()));
        let state = filter.state.map(ClaimState::as_str);
        let kind = filter.kind.map(ClaimKind::as_str);
        let pin = filter.pin.as_ref().map(Pin::as_str);
        let within = filter.within.as_ref().map(|c| c.as_str());
        on_db!(self, |pool, d| {
            let rows: Vec<ClaimRow> = sqlx::query_as(AssertSqlSafe(sql.clone()))
                .bind(election.as_str())
                .bind(station)
                .bind(state)
                .bind(kind)
                .bind(pin)
                .bind(within)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
            rows.into_iter().map(ClaimRow::into_domain).collect()
        })
    }

    async fn passport_copy(
        &self,
        election: &ElectionId,
        id: ClaimId,
    ) -> Result<Option<PassportCopy>, StoreError> {
        on_db!(self, |pool, d| {
            let row: Option<(String, Vec<u8>)> = sqlx::query_as(
                "SELECT k.digest, k.bytes FROM voter_list_claim_copies k \
                 JOIN voter_list_claims c ON c.id = k.claim_id \
                 WHERE c.election = $1 AND k.claim_id = $2",
            )
            .bind(election.as_str())
            .bind(id.get())
            .fetch_optional(pool)
            .await
            .map_err(db_err)?;
            let key = id.to_string();
            row.map(|(digest, bytes)| {
                let copy = PassportCopy::from_stored(bytes)
                    .map_err(|e| corrupt("voter_list_claim_copies", &key, e))?;
                if copy.digest() != digest {
                    return Err(corrupt("voter_list_claim_copies", &key, "digest differs"));
                }
                Ok(copy)
            })
            .transpose()
        })
    }

    async fn amendments(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Vec<Amendment>, StoreError> {
        type Row = (
            i64,
            String,
            Option<String>,
            String,
            String,
            String,
            Option<String>,
        );
        on_db!(self, |pool, d| {
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT claim_id, field, before_value, after_value, amended_by, amended_at, \
                 note FROM voter_list_amendments WHERE election = $1 AND pin = $2 \
                 ORDER BY claim_id, field",
            )
            .bind(election.as_str())
            .bind(pin.as_str())
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            rows.into_iter()
                .map(|(claim, field, before, after, by, at, note)| {
                    const A: &str = "voter_list_amendments";
                    let key = format!("{claim}/{field}");
                    Ok(Amendment {
                        claim: ClaimId::new(claim).ok_or_else(|| corrupt(A, &key, "claim"))?,
                        election: election.clone(),
                        pin: *pin,
                        field: Field::parse(&field).ok_or_else(|| corrupt(A, &key, "field"))?,
                        before,
                        after,
                        by,
                        at: timestamp(A, &key, "amended_at", &at)?,
                        note,
                    })
                })
                .collect()
        })
    }

    async fn correction_of(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Option<ListCorrection>, StoreError> {
        on_db!(self, |pool, d| {
            let row: Option<CorrectionRow> = sqlx::query_as(CORRECTION)
                .bind(election.as_str())
                .bind(pin.as_str())
                .fetch_optional(pool)
                .await
                .map_err(db_err)?;
            row.map(|(claim, a, b, c, e, f, g)| {
                const C: &str = "voter_list_corrections";
                let key = claim.to_string();
                Ok(ListCorrection {
                    election: election.clone(),
                    pin: *pin,
                    claim: ClaimId::new(claim).ok_or_else(|| corrupt(C, &key, "claim"))?,
                    data: correction(C, &key, a, b, c, e, f, g)?,
                })
            })
            .transpose()
        })
    }

    async fn list_corrections(
        &self,
        election: &ElectionId,
        station: Option<StationNumber>,
    ) -> Result<Vec<ListCorrection>, StoreError> {
        type Row = (
            String,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let station = station.map(|s| i64::from(s.get()));
        on_db!(self, |pool, d| {
            let rows: Vec<Row> = sqlx::query_as(
                "SELECT k.pin, k.claim_id, k.surname, k.given_name, k.patronymic, \
                 k.birth_date, k.street, k.house FROM voter_list_corrections k \
                 WHERE k.election = $1 AND ($2 IS NULL OR EXISTS (SELECT 1 FROM \
                 voter_list_entries e WHERE e.election = k.election AND e.pin = k.pin \
                 AND e.station = $2)) ORDER BY k.pin",
            )
            .bind(election.as_str())
            .bind(station)
            .fetch_all(pool)
            .await
            .map_err(db_err)?;
            rows.into_iter()
                .map(|(pin, claim, a, b, c, e, f, g)| {
                    const C: &str = "voter_list_corrections";
                    let key = claim.to_string();
                    Ok(ListCorrection {
                        election: election.clone(),
                        pin: Pin::parse(&pin).map_err(|e| corrupt(C, &key, e))?,
                        claim: ClaimId::new(claim).ok_or_else(|| corrupt(C, &key, "claim"))?,
                        data: correction(C, &key, a, b, c, e, f, g)?,
                    })
                })
                .collect()
        })
    }
}
