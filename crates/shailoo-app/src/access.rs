//! The accessibility of polling premises for voters with disabilities (мүмкүнчүлүгү чектелген
//! шайлоочулар үчүн жеткиликтүүлүк / доступность для избирателей с инвалидностью): the local
//! government's surveys of a station's premises, recorded by staff holding
//! [`Power::RecordAccessSurvey`] over the station (its PEC, the TEC above it, the CEC), and the
//! overview of which stations lack what ([`Power::ViewAccessOverview`]).
//! Implemented by `shailoo-store` in `src/access.rs`.
//!
//! The seed ("State bodies and local government") makes the local government provide premises
//! with "ramps or call buttons, wide doors, parking, ground floor or lift, tactile signs,
//! lighting"; [`shailoo_domain::territory::AccessRequirement`] is that list. A survey replaces
//! the station's findings (what the look-up, the station page and the overview show) and is
//! kept, with who recorded it, beside the earlier ones; its audit entry carries the findings
//! before and after.

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{SetupStore, station_chain};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use shailoo_domain::territory::{AccessRequirement, Accessibility, LocalizedName};
use shailoo_domain::{CouncilId, ErrorCode, StationNumber, TerritoryId};
use std::collections::BTreeMap;

/// The longest surveyor name or note a survey keeps.
pub const MAX_TEXT: usize = 300;

/// A survey as staff enter it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSurvey {
    pub station: StationNumber,
    /// The day the local government surveyed the premises.
    pub surveyed_on: Date,
    /// Who surveyed: the aiyl okmotu (айыл өкмөтү / айыл окмоту) or the mayor's office.
    pub surveyor: String,
    pub findings: Accessibility,
    pub note: Option<String>,
}

/// A recorded survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessSurvey {
    /// Counts surveys from 1 per database.
    pub id: i64,
    pub survey: NewSurvey,
    pub recorded_by: String,
    pub recorded_at: Timestamp,
}

/// A region (облус / область) or a city of republican significance (Bishkek, Osh): the top of
/// the territory tree, where overviews group councils.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    pub id: TerritoryId,
    pub name: LocalizedName,
}

/// One station as the overview reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationAccess {
    pub number: StationNumber,
    pub council: CouncilId,
    pub council_name: LocalizedName,
    /// The region (or city of republican significance) the station stands in.
    pub region: TerritoryId,
    pub accessibility: Accessibility,
    pub remote_voting: bool,
    /// The day of the latest recorded survey, if any was recorded here.
    pub surveyed_on: Option<Date>,
}

/// Every station's accessibility, with the regions' names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessDirectory {
    /// In station-number order.
    pub stations: Vec<StationAccess>,
    pub regions: Vec<Region>,
}

/// What this capability needs from a database.
#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Stores a survey and makes its findings the station's, with `event` (whose `before` and
    /// `after` the store fills with the findings replaced and the survey) in one transaction.
    /// An unknown station is `UnknownReference`.
    async fn record_access_survey(
        &self,
        survey: &NewSurvey,
        event: AuditEvent,
    ) -> Result<AccessSurvey, StoreError>;

    /// A station's recorded surveys, newest first.
    async fn access_surveys(&self, station: StationNumber)
    -> Result<Vec<AccessSurvey>, StoreError>;

    /// Every station with its council, region and findings.
    async fn access_directory(&self) -> Result<AccessDirectory, StoreError>;
}

/// Why a survey was not recorded. Nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    /// Only staff whose commission covers the station (its PEC, the TEC above, the CEC).
    #[error("your commission does not cover polling station {0}")]
    Forbidden(StationNumber),
    #[error("name who surveyed the premises")]
    NoSurveyor,
    #[error("a text is longer than {MAX_TEXT} characters or holds control characters")]
    TextTooLong,
    #[error("the survey cannot be dated after the day it is recorded")]
    SurveyInFuture,
}

impl AccessError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            AccessError::Store(e) => e.code(),
            AccessError::UnknownStation(_) => ErrorCode::UnknownStation,
            AccessError::Forbidden(_) => ErrorCode::Forbidden,
            AccessError::NoSurveyor => ErrorCode::AccessNoSurveyor,
            AccessError::TextTooLong => ErrorCode::AccessTextTooLong,
            AccessError::SurveyInFuture => ErrorCode::AccessSurveyInFuture,
        }
    }
}

/// A text as a survey keeps it: trimmed, at most [`MAX_TEXT`] characters, no control
/// characters; `None` when empty.
fn clean(text: &str) -> Result<Option<String>, AccessError> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT || t.chars().any(char::is_control) {
        return Err(AccessError::TextTooLong);
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

/// Records the local government's survey of `survey.station` at `now`, for staff holding
/// [`Power::RecordAccessSurvey`] over the station (its PEC, the TEC above it, the CEC). The
/// survey's day may not lie after today (Bishkek).
pub async fn record_survey<S: SetupStore + AccessStore + ?Sized>(
    store: &S,
    actor: &Actor,
    survey: NewSurvey,
    now: Timestamp,
) -> Result<AccessSurvey, AccessError> {
    if store.station(survey.station).await?.is_none() {
        return Err(AccessError::UnknownStation(survey.station));
    }
    let chain = station_chain(store, survey.station).await?;
    authz::authorize(actor, Power::RecordAccessSurvey, Target::Within(&chain))
        .map_err(|_| AccessError::Forbidden(survey.station))?;
    let surveyor = clean(&survey.surveyor)?.ok_or(AccessError::NoSurveyor)?;
    let note = match &survey.note {
        Some(n) => clean(n)?,
        None => None,
    };
    if survey.surveyed_on > shailoo_domain::time::to_bishkek(now).date() {
        return Err(AccessError::SurveyInFuture);
    }
    let survey = NewSurvey {
        surveyor,
        note,
        ..survey
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::StationAccessSurveyed,
        format!("stations/{}", survey.station),
        now,
    );
    Ok(store.record_access_survey(&survey, event).await?)
}

/// What the overview is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewFilter {
    pub region: Option<TerritoryId>,
    pub council: Option<CouncilId>,
    /// Only stations lacking this.
    pub lacking: Option<AccessRequirement>,
}

/// Counts over a group of stations (a region, a council, all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccessCounts {
    pub stations: u64,
    /// Stations meeting every requirement.
    pub accessible: u64,
    /// Stations lacking each requirement, in [`AccessRequirement::ALL`] order.
    pub lacking: [u64; 6],
}

impl AccessCounts {
    fn add(&mut self, a: &Accessibility) {
        self.stations += 1;
        if a.is_accessible() {
            self.accessible += 1;
        }
        for (n, r) in self.lacking.iter_mut().zip(AccessRequirement::ALL) {
            if !a.meets(r) {
                *n += 1;
            }
        }
    }
}

/// The CEC's overview: the stations that pass the filter, and counts per region and council.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessOverview {
    pub total: AccessCounts,
    /// Keyed by region id, in id order.
    pub by_region: BTreeMap<TerritoryId, AccessCounts>,
    /// Keyed by council id.
    pub by_council: BTreeMap<CouncilId, AccessCounts>,
    /// The stations that pass the filter, in number order.
    pub stations: Vec<StationAccess>,
}

impl AccessOverview {
    /// Groups the directory's stations that pass `filter`.
    pub fn of(directory: &AccessDirectory, filter: &OverviewFilter) -> AccessOverview {
        let mut out = AccessOverview::default();
        for s in &directory.stations {
            let passes = filter.region.as_ref().is_none_or(|r| *r == s.region)
                && filter.council.as_ref().is_none_or(|c| *c == s.council)
                && filter.lacking.is_none_or(|r| !s.accessibility.meets(r));
            if !passes {
                continue;
            }
            out.total.add(&s.accessibility);
            out.by_region
                .entry(s.region.clone())
                .or_default()
                .add(&s.accessibility);
            out.by_council
                .entry(s.council.clone())
                .or_default()
                .add(&s.accessibility);
            out.stations.push(s.clone());
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn station(n: u32, council: &str, region: &str, a: Accessibility) -> StationAccess {
        StationAccess {
            number: StationNumber::new(n).unwrap(),
            council: CouncilId::parse(council).unwrap(),
            council_name: LocalizedName {
                ky: council.into(),
                ru: council.into(),
                en: council.into(),
            },
            region: TerritoryId::parse(region).unwrap(),
            accessibility: a,
            remote_voting: false,
            surveyed_on: None,
        }
    }

    fn all() -> Accessibility {
        Accessibility {
            ramp: true,
            call_button: false,
            ground_floor: true,
            wide_doors: true,
            parking: true,
            tactile_signs: true,
            lighting: true,
        }
    }

    #[test]
    fn the_overview_counts_what_each_group_lacks() {
        let dark = Accessibility {
            lighting: false,
            ..all()
        };
        let bare = Accessibility::default();
        let directory = AccessDirectory {
            stations: vec![
                station(1, "a", "chui", all()),
                station(2, "a", "chui", dark),
                station(3, "b", "osh", bare),
            ],
            regions: Vec::new(),
        };
        let o = AccessOverview::of(&directory, &OverviewFilter::default());
        assert_eq!(o.total.stations, 3);
        assert_eq!(o.total.accessible, 1);
        // Lighting is the last requirement: two stations lack it.
        assert_eq!(o.total.lacking, [1, 1, 1, 1, 1, 2]);
        let chui = &o.by_region[&TerritoryId::parse("chui").unwrap()];
        assert_eq!((chui.stations, chui.accessible, chui.lacking[5]), (2, 1, 1));

        let filter = OverviewFilter {
            lacking: Some(AccessRequirement::Lighting),
            ..OverviewFilter::default()
        };
        let lacking = AccessOverview::of(&directory, &filter);
        let numbers: Vec<u32> = lacking.stations.iter().map(|s| s.number.get()).collect();
        assert_eq!(numbers, vec![2, 3]);
        let filter = OverviewFilter {
            council: Some(CouncilId::parse("b").unwrap()),
            ..OverviewFilter::default()
        };
        assert_eq!(AccessOverview::of(&directory, &filter).total.stations, 1);
    }

    #[test]
    fn survey_texts_are_trimmed_and_bounded() {
        assert_eq!(
            clean("  Айыл өкмөтү ").unwrap().as_deref(),
            Some("Айыл өкмөтү")
        );
        assert_eq!(clean("   ").unwrap(), None);
        assert!(matches!(clean("a\u{7}b"), Err(AccessError::TextTooLong)));
        assert!(clean(&"я".repeat(MAX_TEXT + 1)).is_err());
    }
}
