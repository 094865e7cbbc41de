//! Remote voting (VOT-07): applications by CAL-12, TEC decisions, moving the voter to a
//! remote-voting station for their own council.
//! Implemented by `shailoo-store` in `src/remote.rs`.
//!
//! TEC staff file an application on the voter's behalf at a remote-voting station of their
//! area; a voter signed in to the voter cabinet (`Actor::Voter`) files and cancels their own,
//! and only their own (`may_file_for`). The TEC covering the remote station, or the CEC,
//! approves, rejects or cancels it; approval
//! moves `voter_list_entries.station` to the remote station and leaves the council alone, since
//! the voter still votes for their own council. Cancelling before the end of CAL-12 moves the
//! voter back to the home station. The store checks capacity, the frozen lists and the single
//! live application per voter under the write lock, so concurrent decisions cannot overbook a
//! station; this module checks the calendar and permissions, which need no lock.

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Action, ActionClosed, CalendarError};
use shailoo_domain::{CommissionId, ElectionId, ErrorCode, Pin, StationNumber};

/// Places per remote-voting station when the CEC set none for the station itself: the
/// election's rule parameter in force (`remote_station_capacity`, VOT-07; 1,000 by default).
pub async fn default_capacity<S: crate::params::RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<u64, StoreError> {
    let params = crate::params::parameters(store, election).await?;
    Ok(u64::from(params.remote_station_capacity))
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Applied,
    Approved,
    Rejected,
    Cancelled,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 4] = [
        ApplicationStatus::Applied,
        ApplicationStatus::Approved,
        ApplicationStatus::Rejected,
        ApplicationStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Applied => "applied",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Applied and approved applications are live: a voter has at most one.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Applied | ApplicationStatus::Approved
        )
    }
}

/// One application for remote voting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteApplication {
    pub id: i64,
    pub election: ElectionId,
    pub pin: Pin,
    pub remote_station: StationNumber,
    pub status: ApplicationStatus,
    /// Why it was rejected.
    pub reason: Option<String>,
    pub filed_by: String,
    pub filed_at: Timestamp,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
}

/// What a TEC decides about an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Moves the voter to the remote station, if it has room (`default_capacity`, the
    /// deployment's configured default, when the CEC set no capacity for it).
    Approve {
        default_capacity: u64,
    },
    Reject {
        reason: String,
    },
    /// Withdraws an applied or approved application; an approved one moves the voter home.
    Cancel,
}

impl Decision {
    pub fn audit_action(&self) -> AuditAction {
        match self {
            Decision::Approve { .. } => AuditAction::RemoteVotingApproved,
            Decision::Reject { .. } => AuditAction::RemoteVotingRejected,
            Decision::Cancel => AuditAction::RemoteVotingCancelled,
        }
    }
}

/// Applications and places of one remote-voting station (for the CEC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteStationCount {
    pub station: StationNumber,
    pub commission: CommissionId,
    pub applied: u64,
    pub approved: u64,
    pub capacity: u64,
}

/// Filters of the application list.
#[derive(Debug, Clone, Default)]
pub struct ApplicationFilter {
    pub status: Option<ApplicationStatus>,
    pub station: Option<StationNumber>,
    pub pin: Option<Pin>,
    /// Only applications to a remote-voting station of this commission's area, or of voters
    /// whose home station lies in it (their home TEC follows them). Applied by the store,
    /// before the 500-row cap.
    pub within: Option<CommissionId>,
}

/// Why a remote-voting use case refused or failed. Nothing was changed when it is returned.
#[derive(Debug, thiserror::Error)]
pub enum RemoteVotingError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// CAL-12 is over (or CAL-02 has not begun).
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    #[error("the voter lists of {election} are final since {frozen_at}; they can no longer change")]
    Frozen {
        election: ElectionId,
        frozen_at: Timestamp,
    },
    #[error("the voter is not on a list of this election")]
    NotOnList,
    #[error("station {0} is not a remote-voting station")]
    NotRemoteStation(StationNumber),
    #[error("the voter already has a live remote-voting application")]
    AlreadyApplied,
    #[error("unknown remote-voting application {0}")]
    UnknownApplication(i64),
    #[error("the application is {0:?} and cannot be decided that way")]
    WrongStatus(ApplicationStatus),
    #[error("remote-voting station {station} is full ({capacity} places)")]
    Full {
        station: StationNumber,
        capacity: u64,
    },
    #[error("a rejection needs a reason")]
    ReasonRequired,
    #[error("not allowed for this account")]
    Forbidden,
}

impl RemoteVotingError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            RemoteVotingError::Store(e) => e.code(),
            RemoteVotingError::UnknownElection(_) => ErrorCode::UnknownElection,
            RemoteVotingError::Calendar(e) => e.code(),
            RemoteVotingError::CalendarInvalid(e) => e.code(),
            RemoteVotingError::Frozen { .. } => ErrorCode::VoterListsFrozen,
            RemoteVotingError::NotOnList => ErrorCode::RemoteNotOnList,
            RemoteVotingError::NotRemoteStation(_) => ErrorCode::RemoteNotRemoteStation,
            RemoteVotingError::AlreadyApplied => ErrorCode::RemoteAlreadyApplied,
            RemoteVotingError::UnknownApplication(_) => ErrorCode::RemoteUnknownApplication,
            RemoteVotingError::WrongStatus(_) => ErrorCode::RemoteWrongStatus,
            RemoteVotingError::Full { .. } => ErrorCode::RemoteStationFull,
            RemoteVotingError::ReasonRequired => ErrorCode::RemoteReasonRequired,
            RemoteVotingError::Forbidden => ErrorCode::Forbidden,
        }
    }
}

impl From<ElectionCalendarError> for RemoteVotingError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => RemoteVotingError::Store(e),
            ElectionCalendarError::UnknownElection(id) => RemoteVotingError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => RemoteVotingError::CalendarInvalid(e),
        }
    }
}

/// What this capability needs from a database.
#[async_trait]
pub trait RemoteVotingStore: Send + Sync {
    /// Files an application after checking, under the write lock, that the lists are not
    /// frozen, the voter is on a list, the station is a remote-voting station and the voter has
    /// no live application. The audit entry's subject becomes `{election}/remote/{id}`.
    async fn file_remote_application(
        &self,
        election: &ElectionId,
        pin: &Pin,
        station: StationNumber,
        event: AuditEvent,
    ) -> Result<RemoteApplication, RemoteVotingError>;

    /// Applies a decision: approval needs an applied application and room at the station
    /// (counted in the same transaction) and moves the voter there; rejection needs an applied
    /// one; cancelling takes an applied or approved one and moves the voter home. Refused once
    /// the lists are frozen.
    async fn decide_remote_application(
        &self,
        election: &ElectionId,
        id: i64,
        decision: &Decision,
        event: AuditEvent,
    ) -> Result<RemoteApplication, RemoteVotingError>;

    async fn remote_application(
        &self,
        election: &ElectionId,
        id: i64,
    ) -> Result<Option<RemoteApplication>, StoreError>;

    /// Applications, newest first, at most 500.
    async fn remote_applications(
        &self,
        election: &ElectionId,
        filter: &ApplicationFilter,
    ) -> Result<Vec<RemoteApplication>, StoreError>;

    /// Every remote-voting station with its counts, ordered by number.
    async fn remote_station_counts(
        &self,
        election: &ElectionId,
        default_capacity: u64,
    ) -> Result<Vec<RemoteStationCount>, StoreError>;

    /// Sets the capacity of one remote-voting station for an election.
    async fn set_remote_station_capacity(
        &self,
        election: &ElectionId,
        station: StationNumber,
        capacity: u64,
        event: AuditEvent,
    ) -> Result<(), RemoteVotingError>;
}

/// Whether the actor may file applications on a voter's behalf somewhere
/// ([`Power::FileRemoteApplication`]: TEC staff, at the remote-voting stations of their area,
/// and the CEC): whether to offer the form.
pub fn may_file(actor: &Actor) -> bool {
    authz::holds(actor, Power::FileRemoteApplication)
}

/// Whether the actor may file or cancel the application of the voter with `pin` to `station`:
/// staff holding [`Power::FileRemoteApplication`] over the remote-voting station, or the voter
/// themselves in the voter cabinet, for their own PIN and no other.
async fn may_file_for<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    pin: &Pin,
    station: StationNumber,
) -> Result<bool, StoreError> {
    Ok(match actor {
        Actor::Voter { pin: own } => own == pin,
        other => {
            let chain = setup::station_chain(store, station).await?;
            authz::allowed(other, Power::FileRemoteApplication, Target::Within(&chain))
        }
    })
}

/// Whether the actor may decide about applications to `station`
/// ([`Power::DecideRemoteApplication`]: a TEC member whose TEC covers the station's PEC, or the
/// CEC).
async fn may_decide<S: SetupStore + ?Sized>(
    store: &S,
    actor: &Actor,
    station: StationNumber,
) -> Result<bool, StoreError> {
    let chain = setup::station_chain(store, station).await?;
    Ok(authz::allowed(
        actor,
        Power::DecideRemoteApplication,
        Target::Within(&chain),
    ))
}

/// The applications staff may see ([`Power::ViewRemoteApplications`]), newest first: a TEC's
/// own area only (the stations it decides for, and the voters listed in it).
pub async fn applications<S: RemoteVotingStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    filter: &ApplicationFilter,
) -> Result<Vec<RemoteApplication>, RemoteVotingError> {
    let within = authz::listing_scope(actor, Power::ViewRemoteApplications)
        .map_err(|_| RemoteVotingError::Forbidden)?;
    let mut filter = filter.clone();
    if within.is_some() {
        filter.within = within;
    }
    Ok(store.remote_applications(election, &filter).await?)
}

/// The applications of the voter with `pin`: what the voter cabinet shows (the caller has
/// authenticated the voter).
pub async fn applications_of_voter<S: RemoteVotingStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    pin: &Pin,
) -> Result<Vec<RemoteApplication>, RemoteVotingError> {
    let filter = ApplicationFilter {
        pin: Some(*pin),
        ..ApplicationFilter::default()
    };
    Ok(store.remote_applications(election, &filter).await?)
}

/// Files an application at `now` on the voter's behalf, until the end of CAL-12.
pub async fn file<S: SetupStore + RemoteVotingStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    pin: &Pin,
    station: StationNumber,
    now: Timestamp,
) -> Result<RemoteApplication, RemoteVotingError> {
    if !may_file_for(store, actor, pin, station).await? {
        return Err(RemoteVotingError::Forbidden);
    }
    setup::calendar(store, election)
        .await?
        .check(Action::ApplyRemoteVoting, now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::RemoteVotingApplied,
        election.as_str(),
        now,
    );
    store
        .file_remote_application(election, pin, station, event)
        .await
}

/// Decides about application `id` at `now`. Cancelling is allowed until the end of CAL-12
/// (after it the lists are final); approving and rejecting until the lists are frozen, so that
/// applications filed on the last day can still be decided.
pub async fn decide<S: SetupStore + RemoteVotingStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: i64,
    decision: Decision,
    now: Timestamp,
) -> Result<RemoteApplication, RemoteVotingError> {
    let found = store
        .remote_application(election, id)
        .await?
        .ok_or(RemoteVotingError::UnknownApplication(id))?;
    let allowed = match decision {
        Decision::Cancel => {
            may_file_for(store, actor, &found.pin, found.remote_station).await?
                || may_decide(store, actor, found.remote_station).await?
        }
        _ => may_decide(store, actor, found.remote_station).await?,
    };
    if !allowed {
        return Err(RemoteVotingError::Forbidden);
    }
    if let Decision::Reject { reason } = &decision
        && reason.trim().is_empty()
    {
        return Err(RemoteVotingError::ReasonRequired);
    }
    let calendar = setup::calendar(store, election).await?;
    if decision == Decision::Cancel {
        calendar.check(Action::ApplyRemoteVoting, now)?;
    }
    let event = AuditEvent::new(
        actor.audit_name(),
        decision.audit_action(),
        format!("{election}/remote/{id}"),
        now,
    );
    store
        .decide_remote_application(election, id, &decision, event)
        .await
}

/// Sets a station's capacity ([`Power::SetRemoteCapacity`]: the CEC).
pub async fn set_capacity<S: RemoteVotingStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    station: StationNumber,
    capacity: u64,
    now: Timestamp,
) -> Result<(), RemoteVotingError> {
    authz::authorize(actor, Power::SetRemoteCapacity, Target::Nationwide)
        .map_err(|_| RemoteVotingError::Forbidden)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::RemoteStationCapacitySet,
        format!("{election}/station/{station}"),
        now,
    )
    .after(&capacity);
    store
        .set_remote_station_capacity(election, station, capacity, event)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vot_07_a_voter_files_only_their_own_and_a_tec_only_at_the_stations_of_its_area() {
        use crate::fake::FakeStore;
        use crate::users::{Role, Username};
        use futures::executor::block_on;
        let store = FakeStore::with_commissions();
        let station = StationNumber::new(1001).expect("station of pec-a1");
        let own = Pin::parse("20101199000123").expect("pin");
        let other = Pin::parse("10202198500045").expect("pin");
        let may = |actor: &Actor, pin: &Pin| {
            block_on(may_file_for(&store, actor, pin, station)).expect("store")
        };
        let voter = Actor::Voter { pin: own };
        assert!(may(&voter, &own));
        assert!(!may(&voter, &other));
        assert!(!may_file(&voter));
        let tec = |commission: &str| Actor::User {
            username: Username::parse("tec.member").expect("name"),
            role: Role::TecMember,
            commission: CommissionId::parse(commission).expect("id"),
        };
        // The TEC above the station files for any voter; another TEC for no one there.
        assert!(may(&tec("tec-a"), &other));
        assert!(!may(&tec("tec-b"), &other));
        assert!(may_file(&tec("tec-b")));
        assert!(may(&Actor::System, &other));
    }

    #[test]
    fn statuses_round_trip_and_live_ones_are_applied_or_approved() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
        assert!(ApplicationStatus::Approved.is_live());
        assert!(!ApplicationStatus::Rejected.is_live());
    }
}
