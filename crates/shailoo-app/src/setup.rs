//! The election setup: territories, councils, commissions, polling stations, elections and
//! their calendars, as the CEC imports them; the stations added later ([`add_station`]); the
//! CEC's overrides of deadlines ([`override_deadline`]), checked against the whole calendar
//! inside the store's transaction. [`SetupStore`] is the sub-port, implemented by
//! `shailoo-store` in `src/setup.rs`.

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::store::{Entity, Page, PageRequest, StoreError};
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Calendar, CalendarError, CalendarOverride};
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, StationArea, Territory,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, ErrorCode, StationNumber, TerritoryId};

/// Filters for councils. `query` matches any of the names, case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct CouncilFilter {
    pub kind: Option<CouncilKind>,
    /// Councils inside this territory (a region, a raion…), at any depth.
    pub within: Option<TerritoryId>,
    pub query: Option<String>,
    pub page: PageRequest,
}

#[derive(Debug, Clone, Default)]
pub struct CommissionFilter {
    pub level: Option<CommissionLevel>,
    pub parent: Option<CommissionId>,
    pub query: Option<String>,
    pub page: PageRequest,
}

/// Filters for stations. `query` matches the number or any address, case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct StationFilter {
    pub council: Option<CouncilId>,
    pub commission: Option<CommissionId>,
    pub remote_voting: Option<bool>,
    pub query: Option<String>,
    pub page: PageRequest,
}

/// What an import stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub territories: u64,
    pub councils: u64,
    pub commissions: u64,
    pub stations: u64,
    pub station_areas: u64,
    pub elections: u64,
}

/// Totals for the home page and `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub councils_city: u64,
    pub councils_aiyl: u64,
    pub seats_city: u64,
    pub seats_aiyl: u64,
    pub commissions: u64,
    pub stations_regular: u64,
    pub stations_remote: u64,
    pub register_persons: u64,
}

/// A CEC decision that moves one deadline of an election's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarOverrideRecord {
    pub rule_id: String,
    pub date: Date,
    pub time: Option<Time>,
    /// The number of the CEC decision (токтом / постановление) that moved it; none for an
    /// override stored before numbers were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionNumber>,
}

/// The number of a CEC decision as the CEC writes it ("12/345-р", "№ 1024"): 1 to 40
/// characters, none of them a control character, without the spaces around it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DecisionNumber(String);

/// A text that is no decision number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a decision number has 1 to 40 characters and no control characters")]
pub struct BadDecisionNumber;

impl BadDecisionNumber {
    pub fn code(self) -> ErrorCode {
        ErrorCode::BadDecisionNumber
    }
}

impl DecisionNumber {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(s: &str) -> Result<DecisionNumber, BadDecisionNumber> {
        let s = s.trim();
        let n = s.chars().count();
        if (1..=Self::MAX_CHARS).contains(&n) && !s.chars().any(char::is_control) {
            Ok(DecisionNumber(s.to_owned()))
        } else {
            Err(BadDecisionNumber)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DecisionNumber {
    type Error = BadDecisionNumber;
    fn try_from(s: String) -> Result<Self, BadDecisionNumber> {
        DecisionNumber::parse(&s)
    }
}

impl From<DecisionNumber> for String {
    fn from(d: DecisionNumber) -> String {
        d.0
    }
}

impl std::fmt::Display for DecisionNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the setup use cases need from a database.
#[async_trait]
pub trait SetupStore: Send + Sync {
    /// Stores a whole setup (all-or-nothing) after checking it. Keys that exist are an error.
    async fn import_setup(
        &self,
        setup: &Setup,
        areas: &[StationArea],
        event: AuditEvent,
    ) -> Result<ImportSummary, StoreError>;
    async fn totals(&self) -> Result<Totals, StoreError>;
    async fn elections(&self) -> Result<Vec<Election>, StoreError>;
    async fn election(&self, id: &ElectionId) -> Result<Option<Election>, StoreError>;
    async fn territory(&self, id: &TerritoryId) -> Result<Option<Territory>, StoreError>;
    /// The territory and its ancestors up to the top, itself first (a station's address
    /// names them: `shailoo_domain::address`). Empty for an unknown id.
    async fn territory_chain(&self, id: &TerritoryId) -> Result<Vec<Territory>, StoreError>;
    /// The children of a territory (top level when `None`), ordered by name.
    async fn territory_children(
        &self,
        parent: Option<&TerritoryId>,
    ) -> Result<Vec<Territory>, StoreError>;
    async fn councils(&self, filter: &CouncilFilter) -> Result<Page<Council>, StoreError>;
    async fn council(&self, id: &CouncilId) -> Result<Option<Council>, StoreError>;
    async fn commissions(&self, filter: &CommissionFilter) -> Result<Page<Commission>, StoreError>;
    async fn commission(&self, id: &CommissionId) -> Result<Option<Commission>, StoreError>;
    /// The commission and its ancestors up to the CEC, itself first (for permission checks).
    async fn commission_chain(&self, id: &CommissionId) -> Result<Vec<CommissionId>, StoreError>;
    async fn stations(&self, filter: &StationFilter) -> Result<Page<PollingStation>, StoreError>;
    async fn station(&self, number: StationNumber) -> Result<Option<PollingStation>, StoreError>;
    /// Adds one station; a taken number or an unknown PEC, council or territory changes nothing.
    async fn add_station(
        &self,
        station: &PollingStation,
        event: AuditEvent,
    ) -> Result<(), StoreError>;
    async fn calendar_overrides(
        &self,
        election: &ElectionId,
    ) -> Result<Vec<CalendarOverrideRecord>, StoreError>;
    /// Sets (or replaces) the override of one deadline, after [`check_override`] on the
    /// election and the overrides read under the write lock; the event gets the replaced
    /// override as its `before`. An unknown election is `OverrideError::UnknownElection`.
    async fn set_calendar_override(
        &self,
        election: &ElectionId,
        record: &CalendarOverrideRecord,
        event: AuditEvent,
    ) -> Result<(), OverrideError>;
}

/// Why an election's calendar could not be had.
#[derive(Debug, thiserror::Error)]
pub enum ElectionCalendarError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// The stored overrides make no valid calendar (they were checked when set: a newer rule).
    #[error("the election's calendar is invalid: {0}")]
    Invalid(#[from] CalendarError),
}

/// The calendar of an election with the CEC's overrides.
pub async fn calendar<S: SetupStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Calendar, ElectionCalendarError> {
    let found = store
        .election(election)
        .await?
        .ok_or_else(|| ElectionCalendarError::UnknownElection(election.clone()))?;
    calendar_of(store, &found).await
}

/// [`calendar`] of an election already read.
pub async fn calendar_of<S: SetupStore + ?Sized>(
    store: &S,
    election: &Election,
) -> Result<Calendar, ElectionCalendarError> {
    let overrides = store.calendar_overrides(&election.id).await?;
    Ok(Calendar::for_election(election, &to_overrides(&overrides))?)
}

/// The stored overrides as the domain's calendar takes them.
pub fn to_overrides(records: &[CalendarOverrideRecord]) -> Vec<CalendarOverride> {
    records
        .iter()
        .map(|r| CalendarOverride {
            id: r.rule_id.clone(),
            date: r.date,
            time: r.time,
        })
        .collect()
}

/// The chain of commissions of a station's PEC, itself first, up to the CEC: the target of an
/// action at the station for [`authz`]. Empty when the station is unknown.
pub async fn station_chain<S: SetupStore + ?Sized>(
    store: &S,
    station: StationNumber,
) -> Result<Vec<CommissionId>, StoreError> {
    match store.station(station).await? {
        Some(s) => store.commission_chain(&s.commission).await,
        None => Ok(Vec::new()),
    }
}

/// The chain of commissions of a council's TEC, itself first, up to the CEC: the target of an
/// action on the council (its district scheme, its nominations). The TEC is the parent of the
/// PEC of any of the council's stations; empty when the council has no station.
pub async fn council_chain<S: SetupStore + ?Sized>(
    store: &S,
    council: &CouncilId,
) -> Result<Vec<CommissionId>, StoreError> {
    let stations = store
        .stations(&StationFilter {
            council: Some(council.clone()),
            page: PageRequest {
                page: 1,
                per_page: 1,
            },
            ..Default::default()
        })
        .await?;
    Ok(match stations.items.first() {
        Some(s) => {
            let mut chain = store.commission_chain(&s.commission).await?;
            if !chain.is_empty() {
                chain.remove(0);
            }
            chain
        }
        None => Vec::new(),
    })
}

// --- adding a polling station ---

/// A station as staff add it, parsed from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationDraft {
    pub number: StationNumber,
    /// The PEC that runs it.
    pub commission: CommissionId,
    pub council: CouncilId,
    /// The settlement it serves; the council's own territory (a city or an aiyl aimak) when
    /// `None`.
    pub territory: Option<TerritoryId>,
    pub address: LocalizedName,
    pub accessibility: Accessibility,
    pub remote_voting: bool,
}

/// The field of a station that a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StationField {
    Number,
    Commission,
    Council,
    Territory,
}

/// Why a station cannot be added as drafted. A form shows each beside its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum StationProblem {
    #[error("there is no such commission")]
    UnknownCommission,
    #[error("only a precinct commission (PEC) runs a station")]
    NotAPec,
    /// The actor's commission does not cover the PEC.
    #[error("not allowed for this account")]
    Forbidden,
    #[error("there is no such council")]
    UnknownCouncil,
    #[error("there is no such territory")]
    UnknownTerritory,
    #[error("a station has this number already")]
    NumberTaken,
}

impl StationProblem {
    pub fn field(self) -> StationField {
        match self {
            StationProblem::UnknownCommission
            | StationProblem::NotAPec
            | StationProblem::Forbidden => StationField::Commission,
            StationProblem::UnknownCouncil => StationField::Council,
            StationProblem::UnknownTerritory => StationField::Territory,
            StationProblem::NumberTaken => StationField::Number,
        }
    }

    /// A stable code for clients and translations.
    pub fn code(self) -> ErrorCode {
        match self {
            StationProblem::UnknownCommission => ErrorCode::UnknownCommission,
            StationProblem::NotAPec => ErrorCode::NotAPec,
            StationProblem::Forbidden => ErrorCode::Forbidden,
            StationProblem::UnknownCouncil => ErrorCode::UnknownCouncil,
            StationProblem::UnknownTerritory => ErrorCode::UnknownTerritory,
            StationProblem::NumberTaken => ErrorCode::DuplicateStationNumber,
        }
    }
}

/// Why a station was not added. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum AddStationError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The actor may not add stations at all (a PEC member).
    #[error("not allowed for this account")]
    Forbidden,
    /// Every problem found with the draft, for the form to show beside each field.
    #[error("the station cannot be added: {0:?}")]
    Refused(Vec<StationProblem>),
}

/// The PEC and council that a draft names, as far as they are known and allowed.
struct Place {
    problems: Vec<StationProblem>,
    council: Option<Council>,
}

async fn check_place<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    commission: Option<&CommissionId>,
    council: Option<&CouncilId>,
) -> Result<Place, StoreError> {
    let mut problems = Vec::new();
    if let Some(id) = commission {
        match store.commission(id).await? {
            None => problems.push(StationProblem::UnknownCommission),
            Some(c) if c.level != CommissionLevel::Pec => problems.push(StationProblem::NotAPec),
            Some(c) => {
                let chain = store.commission_chain(&c.id).await?;
                if !authz::allowed(actor, Power::AddStation, Target::Within(&chain)) {
                    problems.push(StationProblem::Forbidden);
                }
            }
        }
    }
    let council = match council {
        Some(id) => {
            let found = store.council(id).await?;
            if found.is_none() {
                problems.push(StationProblem::UnknownCouncil);
            }
            found
        }
        None => None,
    };
    Ok(Place { problems, council })
}

/// What is wrong with where a station would go: a commission that is no PEC, or one the
/// actor's commission does not cover, or an unknown council. Either may be `None` (its field
/// did not parse): a form can then still show every other problem at once.
pub async fn station_problems<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    commission: Option<&CommissionId>,
    council: Option<&CouncilId>,
) -> Result<Vec<StationProblem>, StoreError> {
    Ok(check_place(store, actor, commission, council)
        .await?
        .problems)
}

/// Adds a polling station at `now` ([`Power::AddStation`] over the PEC), with
/// its audit entry (`station_added`). Every problem found is returned at once, the store's too
/// (a taken number, a reference that went away meanwhile).
pub async fn add_station<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    draft: StationDraft,
    now: Timestamp,
) -> Result<PollingStation, AddStationError> {
    if !authz::holds(actor, Power::AddStation) {
        return Err(AddStationError::Forbidden);
    }
    let place = check_place(store, actor, Some(&draft.commission), Some(&draft.council)).await?;
    let (Some(council), true) = (place.council, place.problems.is_empty()) else {
        return Err(AddStationError::Refused(place.problems));
    };
    let station = PollingStation {
        number: draft.number,
        commission: draft.commission,
        territory: draft.territory.unwrap_or(council.territory),
        council: draft.council,
        address: draft.address,
        accessibility: draft.accessibility,
        remote_voting: draft.remote_voting,
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::StationAdded,
        station.number.to_string(),
        now,
    )
    .after(&station);
    match store.add_station(&station, event).await {
        Ok(()) => Ok(station),
        Err(e) => Err(match &e {
            StoreError::Duplicate {
                entity: Entity::Station,
                ..
            } => AddStationError::Refused(vec![StationProblem::NumberTaken]),
            StoreError::UnknownReference { entity, .. } => {
                AddStationError::Refused(vec![match entity {
                    Entity::Council => StationProblem::UnknownCouncil,
                    Entity::Territory => StationProblem::UnknownTerritory,
                    Entity::Commission => StationProblem::UnknownCommission,
                    _ => return Err(AddStationError::Store(e)),
                }])
            }
            _ => AddStationError::Store(e),
        }),
    }
}

// --- the CEC's override of a deadline ---

/// Why an override was not set. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum OverrideError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("not allowed for this account")]
    Forbidden,
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// The calendar with the override would be invalid (a date outside the election's span, a
    /// window closing before it opens, an undated rule…).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

impl OverrideError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            OverrideError::Store(e) => e.code(),
            OverrideError::Forbidden => ErrorCode::Forbidden,
            OverrideError::UnknownElection(_) => ErrorCode::UnknownElection,
            OverrideError::Calendar(e) => e.code(),
        }
    }
}

/// The calendar check of an override: the whole calendar of `election` with `record` in place
/// of the stored override of its rule must be valid. Returns the override it replaces. Pure:
/// the store runs it inside its write transaction on the overrides it read there, so that two
/// overrides set at once cannot make an invalid calendar together.
pub fn check_override(
    election: &Election,
    stored: &[CalendarOverrideRecord],
    record: &CalendarOverrideRecord,
) -> Result<Option<CalendarOverrideRecord>, CalendarError> {
    let previous = stored.iter().find(|r| r.rule_id == record.rule_id).cloned();
    let mut all: Vec<CalendarOverrideRecord> = stored
        .iter()
        .filter(|r| r.rule_id != record.rule_id)
        .cloned()
        .collect();
    all.push(record.clone());
    Calendar::for_election(election, &to_overrides(&all))?;
    Ok(previous)
}

/// Moves one deadline of an election at `now` ([`Power::OverrideDeadline`]): checked with
/// [`check_override`] under the store's write lock, stored with its audit entry
/// (`calendar_override_set`, before and after).
pub async fn override_deadline<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    record: &CalendarOverrideRecord,
    now: Timestamp,
) -> Result<(), OverrideError> {
    authz::authorize(actor, Power::OverrideDeadline, Target::Nationwide)
        .map_err(|_| OverrideError::Forbidden)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::CalendarOverrideSet,
        format!("{election}/{}", record.rule_id),
        now,
    )
    .after(record);
    store.set_calendar_override(election, record, event).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::fake::{FakeStore, at};
    use crate::users::{Role, Username};
    use futures::executor::block_on;

    fn user(role: Role, commission: &str) -> Actor {
        Actor::User {
            username: Username::parse("staff").unwrap(),
            role,
            commission: CommissionId::parse(commission).unwrap(),
        }
    }

    fn draft(number: u32, pec: &str, council: &str) -> StationDraft {
        StationDraft {
            number: StationNumber::new(number).unwrap(),
            commission: CommissionId::parse(pec).unwrap(),
            council: CouncilId::parse(council).unwrap(),
            territory: None,
            address: LocalizedName {
                ky: "мектеп".into(),
                ru: "школа".into(),
                en: "school".into(),
            },
            accessibility: Accessibility::default(),
            remote_voting: false,
        }
    }

    fn now() -> Timestamp {
        at("2024-10-01T06:00:00Z")
    }

    fn refused(r: Result<PollingStation, AddStationError>) -> Vec<StationProblem> {
        match r {
            Err(AddStationError::Refused(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_tec_member_adds_a_station_under_its_own_tec_in_the_councils_territory() {
        let store = FakeStore::with_commissions();
        let tec = user(Role::TecMember, "tec-a");
        let added = block_on(add_station(
            &store,
            &tec,
            draft(2001, "pec-a1", "council-a"),
            now(),
        ))
        .unwrap();
        assert_eq!(added.territory.as_str(), "town-a");
        let stored = block_on(store.station(added.number)).unwrap();
        assert_eq!(stored, Some(added));
        let events = store.events();
        assert_eq!(
            (
                events[0].actor.as_str(),
                events[0].action,
                events[0].subject.as_str()
            ),
            ("staff", AuditAction::StationAdded, "2001")
        );
    }

    #[test]
    fn every_problem_of_a_draft_is_named_and_nothing_is_added() {
        let store = FakeStore::with_commissions();
        let tec = user(Role::TecMember, "tec-a");
        // Another TEC's PEC and an unknown council: both at once.
        assert_eq!(
            refused(block_on(add_station(
                &store,
                &tec,
                draft(2002, "pec-b1", "nowhere"),
                now()
            ))),
            vec![StationProblem::Forbidden, StationProblem::UnknownCouncil]
        );
        assert_eq!(
            refused(block_on(add_station(
                &store,
                &tec,
                draft(2002, "tec-a", "council-a"),
                now()
            ))),
            vec![StationProblem::NotAPec]
        );
        assert_eq!(
            refused(block_on(add_station(
                &store,
                &tec,
                draft(2002, "pec-zz", "council-a"),
                now()
            ))),
            vec![StationProblem::UnknownCommission]
        );
        // The store's own refusals come back as problems of their fields.
        assert_eq!(
            refused(block_on(add_station(
                &store,
                &tec,
                draft(1001, "pec-a1", "council-a"),
                now()
            ))),
            vec![StationProblem::NumberTaken]
        );
        let elsewhere = StationDraft {
            territory: Some(TerritoryId::parse("atlantis").unwrap()),
            ..draft(2002, "pec-a1", "council-a")
        };
        assert_eq!(
            refused(block_on(add_station(&store, &tec, elsewhere, now()))),
            vec![StationProblem::UnknownTerritory]
        );
        assert_eq!(StationProblem::NumberTaken.field(), StationField::Number);
        assert!(store.events().is_empty());
    }

    #[test]
    fn a_form_with_a_malformed_field_still_hears_about_the_others() {
        let store = FakeStore::with_commissions();
        let tec = user(Role::TecMember, "tec-a");
        let council = CouncilId::parse("nowhere").unwrap();
        assert_eq!(
            block_on(station_problems(&store, &tec, None, Some(&council))).unwrap(),
            vec![StationProblem::UnknownCouncil]
        );
    }

    #[test]
    fn a_pec_member_adds_no_station() {
        let store = FakeStore::with_commissions();
        let pec = user(Role::PecMember, "pec-a1");
        assert!(matches!(
            block_on(add_station(
                &store,
                &pec,
                draft(2003, "pec-a1", "council-a"),
                now()
            )),
            Err(AddStationError::Forbidden)
        ));
    }

    fn record(rule: &str, day: jiff::civil::Date) -> CalendarOverrideRecord {
        CalendarOverrideRecord {
            rule_id: rule.into(),
            date: day,
            time: None,
            decision: Some(DecisionNumber::parse("12/345-р").unwrap()),
        }
    }

    #[test]
    fn a_decision_number_is_short_printable_text() {
        assert_eq!(
            DecisionNumber::parse("  № 1024 ").unwrap().as_str(),
            "№ 1024"
        );
        assert!(DecisionNumber::parse("   ").is_err());
        assert!(DecisionNumber::parse("12\u{0}3").is_err());
        assert!(DecisionNumber::parse(&"9".repeat(41)).is_err());
        assert!(DecisionNumber::parse(&"№".repeat(40)).is_ok());
    }

    fn election() -> ElectionId {
        ElectionId::parse("local-2024").unwrap()
    }

    #[test]
    fn the_cec_moves_a_deadline_and_the_replaced_one_is_the_events_before() {
        let store = FakeStore::with_commissions();
        let admin = user(Role::CecAdmin, "cec");
        let first = record("CAL-07", jiff::civil::date(2024, 10, 8));
        block_on(override_deadline(
            &store,
            &admin,
            &election(),
            &first,
            now(),
        ))
        .unwrap();
        let second = record("CAL-07", jiff::civil::date(2024, 10, 9));
        block_on(override_deadline(
            &store,
            &admin,
            &election(),
            &second,
            now(),
        ))
        .unwrap();
        assert_eq!(
            block_on(store.calendar_overrides(&election())).unwrap(),
            vec![second.clone()]
        );
        let events = store.events();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].before_digest, None);
        assert_eq!(events[1].before_digest, Some(crate::audit::digest(&first)));
        assert_eq!(events[1].after_digest, Some(crate::audit::digest(&second)));
        assert_eq!(events[1].subject, "local-2024/CAL-07");
    }

    #[test]
    fn an_override_that_breaks_the_calendar_or_comes_from_a_tec_changes_nothing() {
        let store = FakeStore::with_commissions();
        let admin = user(Role::CecAdmin, "cec");
        // Before the election was called.
        let early = record("CAL-07", jiff::civil::date(2024, 1, 15));
        assert!(matches!(
            block_on(override_deadline(&store, &admin, &election(), &early, now())),
            Err(OverrideError::Calendar(e)) if e.code() == shailoo_domain::ErrorCode::DeadlineBeforeCalling
        ));
        let tec = user(Role::TecMember, "tec-a");
        let fine = record("CAL-07", jiff::civil::date(2024, 10, 8));
        assert!(matches!(
            block_on(override_deadline(&store, &tec, &election(), &fine, now())),
            Err(OverrideError::Forbidden)
        ));
        let unknown = ElectionId::parse("local-1999").unwrap();
        assert!(matches!(
            block_on(override_deadline(&store, &admin, &unknown, &fine, now())),
            Err(OverrideError::UnknownElection(_))
        ));
        assert!(
            block_on(store.calendar_overrides(&election()))
                .unwrap()
                .is_empty()
        );
        assert!(store.events().is_empty());
    }

    #[test]
    fn the_override_check_sees_the_other_stored_overrides() {
        let store = FakeStore::with_commissions();
        let found = block_on(store.election(&election())).unwrap().unwrap();
        // Claims open with CAL-02 (23 September by default) and close with CAL-11 (1 November).
        let stored = vec![record("CAL-02", jiff::civil::date(2024, 10, 20))];
        let early_close = record("CAL-11", jiff::civil::date(2024, 10, 10));
        assert_eq!(check_override(&found, &[], &early_close).unwrap(), None);
        assert!(matches!(
            check_override(&found, &stored, &early_close),
            Err(e) if e.code() == shailoo_domain::ErrorCode::WindowInverted
        ));
        // Replacing the stored override of the same rule is checked without it.
        let again = record("CAL-02", jiff::civil::date(2024, 10, 5));
        assert_eq!(
            check_override(&found, &stored, &again).unwrap(),
            Some(stored[0].clone())
        );
    }
}
