//! Voting-day check-in: a voter receives one ballot, at one station, once (VOT-06), and turnout by hour.
//! Implemented by `shailoo-store` in `src/checkin.rs`.
//!
//! A PEC member checks a voter in by PIN (after the biometric check). The store records the
//! check-in under the primary key `(election, pin)` of `check_ins`, so the database itself
//! refuses a second ballot anywhere, even when two stations send the same PIN at the same
//! moment; the outcome then names where and when the voter already voted.
//!
//! Audit: every check-in is a change of election data, so it is written with its own entry of
//! the hash-chained audit log in the same transaction (actor, `voter_checked_in`, subject
//! `election/station`, the digest of `(election, pin, station, at)`; the PIN itself stays out
//! of the log). Only recorded check-ins take the chain's lock; refusals are answered from
//! plain reads and change nothing, so they are not audited. Measured with
//! `shailoo bench check-ins` (20,000 voters, each checked in twice by 8 concurrent workers, on
//! this 2-core machine): about 2,600 check-ins/s on SQLite and 1,400/s on PostgreSQL, far
//! above a national peak (some 2.5 million voters over 12 hours is under 60/s on average), so
//! the simpler per-check-in entry was kept rather than an hourly digest per station.

use crate::access::Region;
use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Action, ActionClosed, CalendarError};
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{CouncilId, ElectionId, ErrorCode, Pin, StationNumber, TerritoryId};

/// The Bishkek hours at which turnout is reported on voting day (cumulative counts).
pub const TURNOUT_HOURS: [i8; 6] = [10, 12, 14, 16, 18, 20];

/// What happened to a check-in request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckInOutcome {
    /// Recorded: hand out the ballot.
    CheckedIn,
    /// Refused: the voter already received a ballot, there and then.
    AlreadyVoted {
        station: StationNumber,
        at: Timestamp,
    },
    /// Refused: the voter is on the list of another station (home or remote-voting).
    NotOnThisStationsList { station: StationNumber },
    /// Refused: the PIN is on no list of this election.
    NotOnAnyList,
}

/// Voters who took part at one station: cumulative counts by each hour of [`TURNOUT_HOURS`]
/// (Bishkek time, on voting day) and the total so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationTurnout {
    pub station: StationNumber,
    /// `by_hour[i]`: check-ins before `TURNOUT_HOURS[i]:00` Bishkek time.
    pub by_hour: [u64; 6],
    pub total: u64,
}

/// Turnout of an election: per station (stations without check-ins are left out) and summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turnout {
    pub election: ElectionId,
    pub hours: [i8; 6],
    pub by_hour: [u64; 6],
    pub total: u64,
    pub stations: Vec<StationTurnout>,
}

impl Turnout {
    pub fn from_stations(election: ElectionId, stations: Vec<StationTurnout>) -> Self {
        let mut by_hour = [0; 6];
        let mut total = 0;
        for s in &stations {
            for (sum, n) in by_hour.iter_mut().zip(s.by_hour) {
                *sum += n;
            }
            total += s.total;
        }
        Turnout {
            election,
            hours: TURNOUT_HOURS,
            by_hour,
            total,
            stations,
        }
    }
}

/// The turnout of one council's voters, wherever they voted (a remote voter counts for their
/// own council, VOT-07), beside the voters on its lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilTurnout {
    pub council: CouncilId,
    pub name: LocalizedName,
    /// The region (or city of republican significance) the council lies in.
    pub region: TerritoryId,
    /// Voters on the council's lists.
    pub listed: u64,
    /// Cumulative check-ins before each of [`TURNOUT_HOURS`].
    pub by_hour: [u64; 6],
    pub total: u64,
}

/// The turnout of every council of an election, in the election's order, with the regions'
/// names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilTurnouts {
    pub councils: Vec<CouncilTurnout>,
    pub regions: Vec<Region>,
}

/// What this capability needs from a database.
#[async_trait]
pub trait CheckInStore: Send + Sync {
    /// Checks the voter `pin` in at `station` at `at`, made by `actor_name`, with its audit
    /// entry in the same transaction. The one-ballot rule is the primary key of the check-ins,
    /// not a read before the write. The calendar and the actor's scope are the caller's.
    async fn check_in(
        &self,
        election: &ElectionId,
        pin: &Pin,
        station: StationNumber,
        actor_name: &str,
        at: Timestamp,
    ) -> Result<CheckInOutcome, StoreError>;

    /// Turnout by station (all stations with check-ins, or one), ordered by station number.
    /// An unknown election is `UnknownReference`.
    async fn turnout(
        &self,
        election: &ElectionId,
        station: Option<StationNumber>,
    ) -> Result<Vec<StationTurnout>, StoreError>;

    /// Turnout per council of the election (every council, with none voted yet too), counted
    /// by the voter's own council. An unknown election is `UnknownReference`.
    async fn council_turnout(&self, election: &ElectionId) -> Result<CouncilTurnouts, StoreError>;
}

/// Why a check-in was not even attempted.
#[derive(Debug, thiserror::Error)]
pub enum CheckInError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    /// Only staff whose commission covers the station's PEC may check voters in there.
    #[error("your commission does not cover polling station {0}")]
    Forbidden(StationNumber),
    /// Outside voting hours (CAL-16).
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
}

impl CheckInError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CheckInError::Store(e) => e.code(),
            CheckInError::UnknownElection(_) => ErrorCode::UnknownElection,
            CheckInError::UnknownStation(_) => ErrorCode::UnknownStation,
            CheckInError::Forbidden(_) => ErrorCode::Forbidden,
            CheckInError::Calendar(_) => ErrorCode::VotingClosed,
            CheckInError::CalendarInvalid(_) => ErrorCode::CalendarInvalid,
        }
    }
}

impl From<ElectionCalendarError> for CheckInError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => CheckInError::Store(e),
            ElectionCalendarError::UnknownElection(id) => CheckInError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => CheckInError::CalendarInvalid(e),
        }
    }
}

/// Checks a voter in at `station` at the instant `at`: only while voting is open (CAL-16) and
/// only by staff whose commission covers the station's PEC.
pub async fn check_in<S: SetupStore + CheckInStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    station: StationNumber,
    pin: &Pin,
    at: Timestamp,
) -> Result<CheckInOutcome, CheckInError> {
    let found = store
        .station(station)
        .await?
        .ok_or(CheckInError::UnknownStation(station))?;
    let chain = store.commission_chain(&found.commission).await?;
    authz::authorize(actor, Power::CheckInVoters, Target::Within(&chain))
        .map_err(|_| CheckInError::Forbidden(station))?;
    setup::calendar(store, election)
        .await?
        .check(Action::Voting, at)?;
    Ok(store
        .check_in(election, pin, station, actor.audit_name(), at)
        .await?)
}

/// The public turnout of an election.
pub async fn turnout<S: CheckInStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Turnout, CheckInError> {
    let stations = store.turnout(election, None).await.map_err(|e| match e {
        StoreError::UnknownReference { .. } => CheckInError::UnknownElection(election.clone()),
        other => CheckInError::Store(other),
    })?;
    Ok(Turnout::from_stations(election.clone(), stations))
}

/// How many of [`TURNOUT_HOURS`] have passed at `now` on `voting_day` (Bishkek time): the
/// public turnout shows figures for those hours only, never for an hour still to come.
pub fn hours_passed(voting_day: jiff::civil::Date, now: Timestamp) -> usize {
    TURNOUT_HOURS
        .iter()
        .take_while(|h| {
            let at = jiff::civil::Time::constant(**h, 0, 0, 0);
            shailoo_domain::time::from_bishkek(voting_day, at) <= now
        })
        .count()
}

/// Turnout of an area (a region, a council, the whole election): voters on its lists and
/// those who took part before each reporting hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaTurnout {
    pub id: String,
    pub name: LocalizedName,
    pub listed: u64,
    pub by_hour: [u64; 6],
    pub total: u64,
}

impl AreaTurnout {
    fn add(&mut self, listed: u64, by_hour: &[u64; 6], total: u64) {
        self.listed += listed;
        for (sum, n) in self.by_hour.iter_mut().zip(by_hour) {
            *sum += n;
        }
        self.total += total;
    }
}

/// The public turnout report: the whole election, per region and per council, from the
/// councils' figures (every voter counts once, for their own council).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnoutReport {
    pub all: AreaTurnout,
    /// By region id.
    pub regions: Vec<AreaTurnout>,
    /// In the election's order; `id` is the council's.
    pub councils: Vec<(TerritoryId, AreaTurnout)>,
}

impl TurnoutReport {
    pub fn of(election: &ElectionId, name: &LocalizedName, t: &CouncilTurnouts) -> TurnoutReport {
        let mut all = AreaTurnout {
            id: election.to_string(),
            name: name.clone(),
            listed: 0,
            by_hour: [0; 6],
            total: 0,
        };
        let mut regions: std::collections::BTreeMap<&TerritoryId, AreaTurnout> =
            std::collections::BTreeMap::new();
        let mut councils = Vec::with_capacity(t.councils.len());
        for c in &t.councils {
            all.add(c.listed, &c.by_hour, c.total);
            regions
                .entry(&c.region)
                .or_insert_with(|| AreaTurnout {
                    id: c.region.to_string(),
                    name: t.regions.iter().find(|r| r.id == c.region).map_or_else(
                        || LocalizedName {
                            ky: c.region.to_string(),
                            ru: c.region.to_string(),
                            en: c.region.to_string(),
                        },
                        |r| r.name.clone(),
                    ),
                    listed: 0,
                    by_hour: [0; 6],
                    total: 0,
                })
                .add(c.listed, &c.by_hour, c.total);
            councils.push((
                c.region.clone(),
                AreaTurnout {
                    id: c.council.to_string(),
                    name: c.name.clone(),
                    listed: c.listed,
                    by_hour: c.by_hour,
                    total: c.total,
                },
            ));
        }
        TurnoutReport {
            all,
            regions: regions.into_values().collect(),
            councils,
        }
    }
}

/// The audit event of a check-in. The subject names the station; the PIN enters only the
/// digest, so the log proves the check-in without publishing who voted.
pub fn check_in_event(
    election: &ElectionId,
    pin: &Pin,
    station: StationNumber,
    actor_name: &str,
    at: Timestamp,
) -> AuditEvent {
    AuditEvent::new(
        actor_name,
        AuditAction::VoterCheckedIn,
        format!("{election}/{station}"),
        at,
    )
    .after(&(
        election.as_str(),
        pin.as_str(),
        station.get(),
        at.to_string(),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn cal_16_an_hour_counts_as_passed_only_once_its_clock_strikes() {
        let day = jiff::civil::date(2024, 11, 17);
        // 09:59 in Bishkek (UTC+6): no reporting hour yet.
        assert_eq!(hours_passed(day, at("2024-11-17T03:59:59Z")), 0);
        // 10:00 sharp: the 10:00 figure exists.
        assert_eq!(hours_passed(day, at("2024-11-17T04:00:00Z")), 1);
        // 13:00: 10:00 and 12:00.
        assert_eq!(hours_passed(day, at("2024-11-17T07:00:00Z")), 2);
        // The evening, and the days after: all six.
        assert_eq!(hours_passed(day, at("2024-11-17T14:00:00Z")), 6);
        assert_eq!(hours_passed(day, at("2024-12-01T00:00:00Z")), 6);
        // The day before: none.
        assert_eq!(hours_passed(day, at("2024-11-16T12:00:00Z")), 0);
    }

    fn name(s: &str) -> LocalizedName {
        LocalizedName {
            ky: s.into(),
            ru: s.into(),
            en: s.into(),
        }
    }

    #[test]
    fn regions_and_the_whole_sum_their_councils() {
        let council = |id: &str, region: &str, listed: u64, total: u64| CouncilTurnout {
            council: CouncilId::parse(id).unwrap(),
            name: name(id),
            region: TerritoryId::parse(region).unwrap(),
            listed,
            by_hour: [1, 2, 3, 4, 5, total],
            total,
        };
        let t = CouncilTurnouts {
            councils: vec![
                council("a", "chui", 100, 40),
                council("b", "osh", 50, 10),
                council("c", "chui", 10, 7),
            ],
            regions: vec![Region {
                id: TerritoryId::parse("chui").unwrap(),
                name: name("Чүй"),
            }],
        };
        let r = TurnoutReport::of(&ElectionId::parse("e").unwrap(), &name("E"), &t);
        assert_eq!((r.all.listed, r.all.total), (160, 57));
        assert_eq!(r.all.by_hour[0], 3);
        let chui = r.regions.iter().find(|a| a.id == "chui").unwrap();
        assert_eq!(
            (chui.listed, chui.total, chui.name.ky.as_str()),
            (110, 47, "Чүй")
        );
        // A region the store did not name reads as its id.
        assert_eq!(
            r.regions.iter().find(|a| a.id == "osh").unwrap().name.en,
            "osh"
        );
        assert_eq!(r.councils.len(), 3);
        assert_eq!(r.councils[1].1.id, "b");
    }
}
