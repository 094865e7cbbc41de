//! Places for printed campaign material (үгүт материалдары үчүн жайлар / места для размещения
//! печатных агитационных материалов, CAL-06): the local governments provide one at every
//! polling station within 35 days of the calling; the TEC records each
//! (`Power::RecordCampaignPlaces`, over the station: the TEC above it, the CEC), from the
//! calling until voting opens (`Action::RecordCampaignPlaces`); after CAL-06 a station still
//! without one stands out ([`missing_after_cal_06`]) on the TEC's page and in the CEC's
//! overview, counted per TEC ([`Board::per_tec`]). Implemented by `shailoo-store` in
//! `src/campaign_places.rs` (migration `20261208000401_campaign_places`).
//!
//! A place recorded again replaces the earlier one (the audit entry keeps both digests).

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{ActionClosed, CalendarError};
use shailoo_domain::text::{Lines, check};
use shailoo_domain::{CommissionId, ElectionId, ErrorCode, StationNumber};
use std::collections::BTreeMap;
use std::fmt;

/// The longest description of a place, in characters.
pub const MAX_DESCRIPTION: usize = 500;

/// Where the place is and what it is ("the board at the entrance of school No 5").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlaceDescription(String);

impl PlaceDescription {
    pub fn parse(s: &str) -> Result<PlaceDescription, PlaceError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(PlaceError::Empty);
        }
        if t.chars().count() > MAX_DESCRIPTION || check(t, Lines::Many).is_err() {
            return Err(PlaceError::BadText);
        }
        Ok(PlaceDescription(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PlaceDescription {
    type Error = PlaceError;
    fn try_from(s: String) -> Result<Self, PlaceError> {
        PlaceDescription::parse(&s)
    }
}
impl From<PlaceDescription> for String {
    fn from(d: PlaceDescription) -> String {
        d.0
    }
}
impl fmt::Display for PlaceDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The place recorded at a station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignPlace {
    pub election: ElectionId,
    pub station: StationNumber,
    pub description: PlaceDescription,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A station as the board reads it: its PEC and the TEC above, and its place if recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StationPlace {
    pub station: StationNumber,
    pub pec: CommissionId,
    pub tec: Option<CommissionId>,
    pub place: Option<CampaignPlace>,
}

/// What this capability needs from a database.
#[async_trait]
pub trait CampaignPlaceStore: Send + Sync {
    /// Records (or replaces) a station's place with `event` (its `before` and `after` filled
    /// by the store) in one transaction. An unknown station or election is `UnknownReference`.
    async fn record_campaign_place(
        &self,
        place: &CampaignPlace,
        event: AuditEvent,
    ) -> Result<CampaignPlace, StoreError>;

    /// Every station of the setup in number order, with its place in `election`.
    async fn campaign_places(&self, election: &ElectionId)
    -> Result<Vec<StationPlace>, StoreError>;
}

/// Why a place was not recorded, or a board not shown. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum PlaceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    #[error("not allowed for this account")]
    Forbidden,
    #[error("describe the place")]
    Empty,
    #[error("the description is too long or holds a control character")]
    BadText,
}

impl PlaceError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PlaceError::Store(e) => e.code(),
            PlaceError::UnknownElection(_) => ErrorCode::UnknownElection,
            PlaceError::CalendarInvalid(e) => e.code(),
            PlaceError::Calendar(e) => e.code(),
            PlaceError::UnknownStation(_) => ErrorCode::UnknownStation,
            PlaceError::Forbidden => ErrorCode::Forbidden,
            PlaceError::Empty => ErrorCode::CampaignPlaceEmpty,
            PlaceError::BadText => ErrorCode::CampaignPlaceBadText,
        }
    }

    /// The rule a refusal applies, when it names one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            PlaceError::Calendar(e) => Some(e.rule()),
            _ => None,
        }
    }
}

impl From<ElectionCalendarError> for PlaceError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => PlaceError::Store(e),
            ElectionCalendarError::UnknownElection(id) => PlaceError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => PlaceError::CalendarInvalid(e),
        }
    }
}

/// CAL-06: a station without a place stands out once the deadline (`due`, the end of CAL-06's
/// day) has passed.
pub fn missing_after_cal_06(place: Option<&CampaignPlace>, due: Timestamp, now: Timestamp) -> bool {
    place.is_none() && now > due
}

/// Records the place at `station` for `election` at `now`.
pub async fn record_place<S: SetupStore + CampaignPlaceStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    station: StationNumber,
    description: PlaceDescription,
    now: Timestamp,
) -> Result<CampaignPlace, PlaceError> {
    if store.station(station).await?.is_none() {
        return Err(PlaceError::UnknownStation(station));
    }
    let chain = setup::station_chain(store, station).await?;
    authz::authorize(actor, Power::RecordCampaignPlaces, Target::Within(&chain))
        .map_err(|_| PlaceError::Forbidden)?;
    setup::calendar(store, election)
        .await?
        .check(shailoo_domain::calendar::Action::RecordCampaignPlaces, now)?;
    let place = CampaignPlace {
        election: election.clone(),
        station,
        description,
        recorded_by: actor.audit_name().to_owned(),
        recorded_at: now,
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::CampaignPlaceRecorded,
        format!("{election}/campaign-places/{station}"),
        now,
    );
    Ok(store.record_campaign_place(&place, event).await?)
}

/// One TEC's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TecCounts {
    pub stations: u64,
    pub with_place: u64,
    /// Without a place after CAL-06 (zero before it).
    pub missing: u64,
}

/// The stations within an actor's reach, with their places, and what CAL-06 says of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Board {
    /// The end of CAL-06 in this election's calendar (with the CEC's overrides).
    pub due: Timestamp,
    /// Whether CAL-06 has passed at the board's instant.
    pub overdue: bool,
    /// In station-number order.
    pub stations: Vec<StationPlace>,
}

impl Board {
    /// Whether `s` stands out: no place after CAL-06.
    pub fn stands_out(&self, s: &StationPlace) -> bool {
        self.overdue && s.place.is_none()
    }

    /// The stations that stand out.
    pub fn missing(&self) -> impl Iterator<Item = &StationPlace> {
        self.stations.iter().filter(|s| self.stands_out(s))
    }

    /// Counts per TEC, in TEC order (a station without a TEC under its PEC's own id).
    pub fn per_tec(&self) -> BTreeMap<CommissionId, TecCounts> {
        let mut out: BTreeMap<CommissionId, TecCounts> = BTreeMap::new();
        for s in &self.stations {
            let tec = s.tec.clone().unwrap_or_else(|| s.pec.clone());
            let c = out.entry(tec).or_default();
            c.stations += 1;
            c.with_place += u64::from(s.place.is_some());
            c.missing += u64::from(self.stands_out(s));
        }
        out
    }
}

/// The board of `election` at `now` for `actor`: the stations over which it holds
/// `Power::RecordCampaignPlaces` (a TEC its own, the CEC all).
pub async fn board<S: SetupStore + CampaignPlaceStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    now: Timestamp,
) -> Result<Board, PlaceError> {
    let calendar = setup::calendar(store, election).await?;
    let due = calendar
        .get("CAL-06")
        .map(|d| d.closes_at())
        .ok_or(PlaceError::UnknownElection(election.clone()))?;
    // Asked over the member's own commission first: a PEC or a party's representative holds
    // no such power anywhere.
    let own: Vec<CommissionId> = match actor {
        Actor::User { commission, .. } => vec![commission.clone()],
        _ => Vec::new(),
    };
    authz::authorize(actor, Power::RecordCampaignPlaces, Target::Within(&own))
        .map_err(|_| PlaceError::Forbidden)?;
    let mut stations = store.campaign_places(election).await?;
    stations.retain(|s| {
        let mut chain = vec![s.pec.clone()];
        chain.extend(s.tec.clone());
        authz::allowed(actor, Power::RecordCampaignPlaces, Target::Within(&chain))
    });
    Ok(Board {
        due,
        overdue: missing_after_cal_06(None, due, now),
        stations,
    })
}

/// The public listing of an election's places, per station (voters and candidates want to
/// know where material may be posted).
pub async fn public_places<S: SetupStore + CampaignPlaceStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Vec<CampaignPlace>, PlaceError> {
    if store.election(election).await?.is_none() {
        return Err(PlaceError::UnknownElection(election.clone()));
    }
    Ok(store
        .campaign_places(election)
        .await?
        .into_iter()
        .filter_map(|s| s.place)
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn place() -> CampaignPlace {
        CampaignPlace {
            election: ElectionId::parse("local-2024").unwrap(),
            station: StationNumber::new(8001).unwrap(),
            description: PlaceDescription::parse("Доска у входа в школу № 5").unwrap(),
            recorded_by: "tec.one".into(),
            recorded_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn cal_06_a_station_without_a_place_stands_out_only_after_the_deadline() {
        let due: Timestamp = "2024-10-11T17:59:59Z".parse().unwrap();
        let before: Timestamp = "2024-10-11T12:00:00Z".parse().unwrap();
        let after: Timestamp = "2024-10-12T00:00:00Z".parse().unwrap();
        assert!(!missing_after_cal_06(None, due, before));
        assert!(missing_after_cal_06(None, due, after));
        assert!(!missing_after_cal_06(Some(&place()), due, after));
    }

    #[test]
    fn cal_06_the_board_counts_per_tec_what_stands_out() {
        let tec = CommissionId::parse("tec-1").unwrap();
        let station = |n: u32, place: Option<CampaignPlace>| StationPlace {
            station: StationNumber::new(n).unwrap(),
            pec: CommissionId::parse(&format!("pec-{n}")).unwrap(),
            tec: Some(tec.clone()),
            place,
        };
        let mut board = Board {
            due: Timestamp::UNIX_EPOCH,
            overdue: false,
            stations: vec![station(1, Some(place())), station(2, None)],
        };
        assert_eq!(board.missing().count(), 0);
        assert_eq!(board.per_tec()[&tec].missing, 0);
        board.overdue = true;
        let missing: Vec<_> = board.missing().map(|s| s.station.get()).collect();
        assert_eq!(missing, vec![2]);
        assert_eq!(
            board.per_tec()[&tec],
            TecCounts {
                stations: 2,
                with_place: 1,
                missing: 1
            }
        );
    }

    #[test]
    fn a_description_is_trimmed_text_of_bounded_length() {
        assert!(matches!(
            PlaceDescription::parse("  "),
            Err(PlaceError::Empty)
        ));
        assert!(matches!(
            PlaceDescription::parse(&"x".repeat(MAX_DESCRIPTION + 1)),
            Err(PlaceError::BadText)
        ));
        assert!(matches!(
            PlaceDescription::parse("a\u{202e}b"),
            Err(PlaceError::BadText)
        ));
        assert_eq!(
            PlaceDescription::parse(" board ").unwrap().as_str(),
            "board"
        );
    }
}
