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

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Action, ActionClosed, CalendarError};
use shailoo_domain::{ElectionId, ErrorCode, Pin, StationNumber};

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
