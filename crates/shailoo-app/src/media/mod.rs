//! Media accreditation (CMP-01…CMP-03; ЖМКны аккредитациялоо / аккредитация СМИ): an outlet
//! (TV, radio, print, online) applies in writing until CAL-03 with its price list and its
//! prices of the six months before the calling (`shailoo_formats::read_media_prices` reads the
//! file); the CEC's staff enter the application (`Power::FileMediaApplication`); the CEC
//! accredits, refuses with a reason, or later revokes (`Power::DecideMediaAccreditation`),
//! never by who entered the application, and never accredits a price list that breaches CMP-02
//! (`shailoo_domain::media::check_prices`, every breach with its lines). Only an accredited
//! outlet carries campaign material (CMP-03, [`Outlet::may_carry_campaign`]).
//!
//! The folder follows the capability template: `model.rs`, `transitions.rs`, `port.rs`
//! ([`MediaStore`], [`BadgeStore`]) and this file, the use cases; `badge.rs` is the
//! journalists' badges (their signed QR payload and its two steps).

pub mod badge;
mod model;
mod port;
pub mod transitions;

pub use badge::{Badge, BadgeClaims, BadgeId, BadgeStatus, RevokedBadge, RevokedFor};
pub use model::{
    MediaDecision, MediaError, MediaStatus, Outlet, OutletDraft, OutletId, PublicOutlet, Text,
};
pub use port::{BadgeStore, MediaStore};

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::params::RuleParameterStore;
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::users::Actor;
use crate::users::Filer;
use jiff::Timestamp;
use shailoo_domain::ElectionId;
use shailoo_domain::calendar::Action;
use transitions::PriceRules;

impl From<ElectionCalendarError> for MediaError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => MediaError::Store(e),
            ElectionCalendarError::UnknownElection(id) => MediaError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => MediaError::CalendarInvalid(e),
        }
    }
}

/// What the CMP-02 check of an election needs: its calling day and its parameters in force.
pub async fn price_rules<S: SetupStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<PriceRules, MediaError> {
    let calendar = setup::calendar(store, election).await?;
    Ok(PriceRules {
        called_on: calendar.called_on(),
        params: crate::params::parameters(store, election).await?,
    })
}

/// Enters an outlet's written application at `now`, until the end of CAL-03 (CMP-01).
pub async fn file<S: SetupStore + MediaStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    draft: OutletDraft,
    now: Timestamp,
) -> Result<Outlet, MediaError> {
    authz::authorize(actor, Power::FileMediaApplication, Target::Nationwide)
        .map_err(|_| MediaError::Forbidden)?;
    setup::calendar(store, election)
        .await?
        .check(Action::ApplyMediaAccreditation, now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::MediaApplied,
        election.as_str(),
        now,
    );
    store
        .file_media_application(election, &draft, &Filer::of(actor), event)
        .await
}

/// The CEC's decision on outlet `id` at `now`: accredit (no CMP-02 breach), refuse with a
/// reason, or revoke an accreditation with a reason.
pub async fn decide<S: SetupStore + RuleParameterStore + MediaStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: OutletId,
    decision: MediaDecision,
    now: Timestamp,
) -> Result<Outlet, MediaError> {
    authz::authorize(actor, Power::DecideMediaAccreditation, Target::Nationwide)
        .map_err(|_| MediaError::Forbidden)?;
    let rules = price_rules(store, election).await?;
    let event = AuditEvent::new(
        actor.audit_name(),
        decision.audit_action(),
        format!("{election}/media/{id}"),
        now,
    );
    store
        .decide_media_outlet(election, id, &decision, &rules, &Filer::of(actor), event)
        .await
}

/// The public registry of an election's media (CMP-01): every outlet with its status, its
/// price list and the CMP-02 findings on it, in number order.
pub async fn registry<S: SetupStore + RuleParameterStore + MediaStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    status: Option<MediaStatus>,
) -> Result<Vec<PublicOutlet>, MediaError> {
    let rules = price_rules(store, election).await?;
    Ok(store
        .media_outlets(election, status)
        .await?
        .iter()
        .map(|o| o.public(rules.findings(o)))
        .collect())
}

/// One outlet of the public registry.
pub async fn outlet<S: SetupStore + RuleParameterStore + MediaStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    id: OutletId,
) -> Result<PublicOutlet, MediaError> {
    let rules = price_rules(store, election).await?;
    let found = store
        .media_outlet(election, id)
        .await?
        .ok_or(MediaError::UnknownOutlet(id))?;
    Ok(found.public(rules.findings(&found)))
}

// --- i16-badges: journalists' badges ---

/// Registers journalist `name` of accredited outlet `outlet` and issues the badge at `now`,
/// signed with the CEC's key (`signer`; `None` when the server has no key: refused).
pub async fn issue_badge<S: SetupStore + BadgeStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    outlet: OutletId,
    name: Text,
    signer: Option<&crate::signing::Signer>,
    now: Timestamp,
) -> Result<Badge, MediaError> {
    authz::authorize(actor, Power::IssueMediaBadges, Target::Nationwide)
        .map_err(|_| MediaError::Forbidden)?;
    setup::calendar(store, election)
        .await?
        .check(Action::IssueMediaBadges, now)?;
    let signer = signer.ok_or(MediaError::NoBadgeKey)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::MediaBadgeIssued,
        election.as_str(),
        now,
    );
    store
        .issue_media_badge(election, outlet, name, signer, &Filer::of(actor), event)
        .await
}

/// Revokes badge `id` at `now` with `reason`.
pub async fn revoke_badge<S: SetupStore + BadgeStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: BadgeId,
    reason: Text,
    now: Timestamp,
) -> Result<Badge, MediaError> {
    authz::authorize(actor, Power::IssueMediaBadges, Target::Nationwide)
        .map_err(|_| MediaError::Forbidden)?;
    setup::calendar(store, election)
        .await?
        .check(Action::IssueMediaBadges, now)?;
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::MediaBadgeRevoked,
        format!("{election}/media/badges/{id}"),
        now,
    );
    store
        .revoke_media_badge(election, id, reason, &Filer::of(actor), event)
        .await
}

/// An outlet with its badges, each with the status it has counting the outlet's (staff).
pub async fn badges<S: MediaStore + BadgeStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    outlet: OutletId,
) -> Result<(Outlet, Vec<Badge>), MediaError> {
    authz::authorize(actor, Power::IssueMediaBadges, Target::Nationwide)
        .map_err(|_| MediaError::Forbidden)?;
    let found = store
        .media_outlet(election, outlet)
        .await?
        .ok_or(MediaError::UnknownOutlet(outlet))?;
    let badges = store.media_badges(election, outlet).await?;
    Ok((found, badges))
}

/// One badge with its outlet's status, to print (staff).
pub async fn badge<S: MediaStore + BadgeStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    id: BadgeId,
) -> Result<(Badge, MediaStatus), MediaError> {
    authz::authorize(actor, Power::IssueMediaBadges, Target::Nationwide)
        .map_err(|_| MediaError::Forbidden)?;
    let found = store
        .media_badge(election, id)
        .await?
        .ok_or(MediaError::UnknownBadge(id))?;
    let outlet = store
        .media_outlet(election, found.outlet)
        .await?
        .ok_or(MediaError::UnknownOutlet(found.outlet))?;
    Ok((found, outlet.status))
}

/// The public revocation list of an election's badges (what the offline verification page
/// fetches whenever it is online).
pub async fn revoked_badges<S: SetupStore + BadgeStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Vec<RevokedBadge>, MediaError> {
    if store.election(election).await?.is_none() {
        return Err(MediaError::UnknownElection(election.clone()));
    }
    Ok(store.revoked_media_badges(election).await?)
}
