//! Rows as the database returns them, and their conversion back into domain values.
//!
//! Every stored string goes through the same constructor as API input (`TerritoryId::parse`,
//! `StationNumber::new`, `Pin::parse`…). A row that does not parse is `StoreError::Corrupt`,
//! naming the table and key: never a silent default, never "not found".
//!
//! The structs use only `String`, `i64`, `bool` and `Option<String>`, which decode on both
//! engines, so each `FromRow` works for `SqliteRow` and `PgRow` alike.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use shailoo_app::audit::{AuditEntry, RecordedEvent};
use shailoo_app::users::{Role, Session, User, Username};
use shailoo_app::{CalendarOverrideRecord, DecisionNumber, StoreError};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::identity::PhoneNumber;
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Territory, TerritoryKind,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, SeatCount, StationNumber, TerritoryId};
use std::fmt::Display;
use std::str::FromStr;

/// `StoreError::Corrupt` for a value of `table` row `key` that does not parse.
pub fn corrupt(table: &str, key: &str, what: impl Display) -> StoreError {
    StoreError::Corrupt(format!("{table} row {key:?}: {what}"))
}

/// The top of a territory's `path` (`/chui/chui-alamudun/…/` → `chui`): the region, or the
/// city of republican significance, the territory lies in.
pub fn top_territory(path: &str) -> Option<&str> {
    path.strip_prefix('/')?
        .split('/')
        .next()
        .filter(|s| !s.is_empty())
}

/// Parses a stored value with `parse`, mapping a failure to `Corrupt`.
pub(crate) fn field<T, E: Display>(
    table: &str,
    key: &str,
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, StoreError> {
    parse(value).map_err(|e| corrupt(table, key, format!("column {column} = {value:?}: {e}")))
}

pub(crate) fn enum_field<T>(
    table: &str,
    key: &str,
    column: &str,
    value: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    field(table, key, column, value, |v| {
        parse(v).ok_or("unknown value")
    })
}

pub fn date(table: &str, key: &str, column: &str, value: &str) -> Result<Date, StoreError> {
    field(table, key, column, value, Date::from_str)
}

pub fn timestamp(
    table: &str,
    key: &str,
    column: &str,
    value: &str,
) -> Result<Timestamp, StoreError> {
    field(table, key, column, value, Timestamp::from_str)
}

pub fn station_number(table: &str, key: &str, value: i64) -> Result<StationNumber, StoreError> {
    u32::try_from(value)
        .map_err(|e| e.to_string())
        .and_then(|n| StationNumber::new(n).map_err(|e| e.to_string()))
        .map_err(|e| corrupt(table, key, format!("station number {value}: {e}")))
}

fn name(ky: String, ru: String, en: String) -> LocalizedName {
    LocalizedName { ky, ru, en }
}

#[derive(sqlx::FromRow)]
pub struct TerritoryRow {
    pub id: String,
    pub kind: String,
    pub parent: Option<String>,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
}

impl TerritoryRow {
    pub fn into_domain(self) -> Result<Territory, StoreError> {
        const T: &str = "territories";
        let key = self.id.as_str();
        Ok(Territory {
            id: field(T, key, "id", key, TerritoryId::parse)?,
            kind: enum_field(T, key, "kind", &self.kind, TerritoryKind::parse)?,
            parent: self
                .parent
                .as_deref()
                .map(|p| field(T, key, "parent", p, TerritoryId::parse))
                .transpose()?,
            name: name(self.name_ky, self.name_ru, self.name_en),
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct CouncilRow {
    pub id: String,
    pub kind: String,
    pub territory: String,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
    pub seats: i64,
}

impl CouncilRow {
    pub fn into_domain(self) -> Result<Council, StoreError> {
        const T: &str = "councils";
        let key = self.id.as_str();
        let seats = u32::try_from(self.seats)
            .map_err(|e| e.to_string())
            .and_then(|n| SeatCount::new(n).map_err(|e| e.to_string()))
            .map_err(|e| corrupt(T, key, format!("seats {}: {e}", self.seats)))?;
        Ok(Council {
            id: field(T, key, "id", key, CouncilId::parse)?,
            kind: enum_field(T, key, "kind", &self.kind, CouncilKind::parse)?,
            territory: field(T, key, "territory", &self.territory, TerritoryId::parse)?,
            name: name(self.name_ky, self.name_ru, self.name_en),
            seats,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct CommissionRow {
    pub id: String,
    pub level: String,
    pub parent: Option<String>,
    pub territory: String,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
    pub phone: Option<String>,
}

impl CommissionRow {
    pub fn into_domain(self) -> Result<Commission, StoreError> {
        const T: &str = "commissions";
        let key = self.id.as_str();
        Ok(Commission {
            id: field(T, key, "id", key, CommissionId::parse)?,
            level: enum_field(T, key, "level", &self.level, CommissionLevel::parse)?,
            parent: self
                .parent
                .as_deref()
                .map(|p| field(T, key, "parent", p, CommissionId::parse))
                .transpose()?,
            territory: field(T, key, "territory", &self.territory, TerritoryId::parse)?,
            name: name(self.name_ky, self.name_ru, self.name_en),
            phone: phone(T, key, self.phone.as_deref())?,
        })
    }
}

/// A stored phone number, parsed back as the setup's reader parses it.
pub fn phone(
    table: &str,
    key: &str,
    value: Option<&str>,
) -> Result<Option<PhoneNumber>, StoreError> {
    value
        .map(|p| {
            PhoneNumber::parse(p).map_err(|e| corrupt(table, key, format!("phone {p:?}: {e}")))
        })
        .transpose()
}

#[derive(sqlx::FromRow)]
pub struct StationRow {
    pub number: i64,
    pub commission: String,
    pub council: String,
    pub territory: String,
    pub address_ky: String,
    pub address_ru: String,
    pub address_en: String,
    pub ramp: bool,
    pub ground_floor: bool,
    pub wide_doors: bool,
    pub parking: bool,
    pub tactile_signs: bool,
    pub call_button: bool,
    pub lighting: bool,
    pub remote_voting: bool,
}

impl StationRow {
    pub fn into_domain(self) -> Result<PollingStation, StoreError> {
        const T: &str = "stations";
        let key = self.number.to_string();
        let key = key.as_str();
        Ok(PollingStation {
            number: station_number(T, key, self.number)?,
            commission: field(T, key, "commission", &self.commission, CommissionId::parse)?,
            council: field(T, key, "council", &self.council, CouncilId::parse)?,
            territory: field(T, key, "territory", &self.territory, TerritoryId::parse)?,
            address: name(self.address_ky, self.address_ru, self.address_en),
            accessibility: Accessibility {
                ramp: self.ramp,
                ground_floor: self.ground_floor,
                wide_doors: self.wide_doors,
                parking: self.parking,
                tactile_signs: self.tactile_signs,
                call_button: self.call_button,
                lighting: self.lighting,
            },
            remote_voting: self.remote_voting,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ElectionRow {
    pub id: String,
    pub name_ky: String,
    pub name_ru: String,
    pub name_en: String,
    pub decree_number: String,
    pub decree_date: String,
    pub called_on: String,
    pub voting_day: String,
}

impl ElectionRow {
    /// `councils` are the election's council ids in their stored order.
    pub fn into_domain(self, councils: Vec<String>) -> Result<Election, StoreError> {
        const T: &str = "elections";
        let key = self.id.as_str();
        Ok(Election {
            id: field(T, key, "id", key, ElectionId::parse)?,
            name: name(self.name_ky, self.name_ru, self.name_en),
            decree_number: self.decree_number,
            decree_date: date(T, key, "decree_date", &self.decree_date)?,
            called_on: date(T, key, "called_on", &self.called_on)?,
            voting_day: date(T, key, "voting_day", &self.voting_day)?,
            councils: councils
                .iter()
                .map(|c| field("election_councils", key, "council", c, CouncilId::parse))
                .collect::<Result<_, _>>()?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OverrideRow {
    pub rule_id: String,
    pub date: String,
    pub time: Option<String>,
    pub decision_number: Option<String>,
}

impl OverrideRow {
    pub fn into_domain(self) -> Result<CalendarOverrideRecord, StoreError> {
        const T: &str = "calendar_overrides";
        let key = self.rule_id.as_str();
        Ok(CalendarOverrideRecord {
            date: date(T, key, "date", &self.date)?,
            time: self
                .time
                .as_deref()
                .map(|t| field(T, key, "time", t, Time::from_str))
                .transpose()?,
            decision: self
                .decision_number
                .as_deref()
                .map(|d| field(T, key, "decision_number", d, DecisionNumber::parse))
                .transpose()?,
            rule_id: self.rule_id,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub commission: String,
    pub party: Option<String>,
    pub password_hash: String,
    pub created_at: String,
}

impl UserRow {
    pub fn into_domain(self) -> Result<User, StoreError> {
        const T: &str = "users";
        let key = self.username.as_str();
        let role = field(T, key, "role", &self.role, Role::parse)?;
        let party = self
            .party
            .as_deref()
            .map(|p| field(T, key, "party", p, PartyId::parse))
            .transpose()?;
        if (role == Role::PartyRepresentative) != party.is_some() {
            return Err(corrupt(
                T,
                key,
                "a party goes with a representative, and only",
            ));
        }
        Ok(User {
            username: field(T, key, "username", key, Username::parse)?,
            display_name: self.display_name,
            role,
            commission: field(T, key, "commission", &self.commission, CommissionId::parse)?,
            party,
            created_at: timestamp(T, key, "created_at", &self.created_at)?,
            password_hash: self.password_hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub username: String,
    pub csrf_token: String,
    pub expires_at: String,
}

impl SessionRow {
    pub fn into_domain(self) -> Result<Session, StoreError> {
        const T: &str = "sessions";
        // The token hash identifies a session; do not echo it into error messages in full.
        let key = self.token_hash.get(..8).unwrap_or("?").to_owned();
        Ok(Session {
            username: field(T, &key, "username", &self.username, Username::parse)?,
            expires_at: timestamp(T, &key, "expires_at", &self.expires_at)?,
            csrf_token: self.csrf_token,
            token_hash: self.token_hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub before_digest: Option<String>,
    pub after_digest: Option<String>,
    pub at: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn into_domain(self) -> Result<AuditEntry, StoreError> {
        let key = self.seq.to_string();
        Ok(AuditEntry {
            seq: self.seq,
            event: RecordedEvent {
                actor: self.actor,
                action: self.action,
                subject: self.subject,
                before_digest: self.before_digest,
                after_digest: self.after_digest,
                at: timestamp("audit_log", &key, "at", &self.at)?,
            },
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}
