//! The district-scheme port: districting units of aiyl councils, draft schemes, submission to
//! the CEC by CAL-05, approval or return, publication (DIS-01…DIS-05).
//! Implemented by `shailoo-store` in `src/districts.rs`.
//!
//! The workflow of one council's scheme (DIS-02) is a small state machine. Each state is its
//! own type ([`Draft`], [`Submitted`], [`Returned`], [`Approved`]) and each transition consumes
//! the state it leaves, returning the next one or a [`TransitionError`]; so an approved scheme
//! cannot be edited by construction, and a submitted one only approved or returned.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> Draft: save (TEC member)
//!     Draft --> Draft: save (TEC member)
//!     Draft --> Submitted: submit (TEC member, valid, by CAL-05)
//!     Submitted --> Approved: approve (CEC admin)
//!     Submitted --> Returned: return with comment (CEC admin)
//!     Returned --> Draft: save (TEC member)
//!     Returned --> Submitted: submit (TEC member, valid, by CAL-05)
//!     Approved --> [*]: published
//! ```
//!
//! The use cases ([`save_draft`], [`submit`], [`approve`], [`return_scheme`]) check who acts
//! ([`authz`]: a TEC member whose commission covers the council, or the CEC admin
//! for the decision), load the state, take the transition and store the result with its audit
//! entry in one transaction.

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::store::{Entity, StoreError};
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Action, ActionClosed, Calendar, CalendarError};
use shailoo_domain::district::{District, Scheme, SchemeReport, Unit, UnitId, check_scheme};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::territory::{Council, CouncilKind, Election, LocalizedName};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, ErrorCode, StationNumber, TerritoryId};

/// One districting unit of a council as stored: a settlement part served by one station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictingUnit {
    pub id: UnitId,
    /// The settlement the unit lies in, when known (its name labels the unit).
    pub settlement: Option<TerritoryId>,
    /// The polling station serving the unit, when known.
    pub station: Option<StationNumber>,
    /// Eligible voters: from the compiled voter lists when there are any, else as imported.
    pub voters: u64,
    /// Hard to reach or remote (DIS-01): the ground for the 20% allowance.
    pub remote: bool,
    /// Bordering units, sorted.
    pub neighbors: Vec<UnitId>,
    /// Where to draw the unit, km east and north of the council's centre (no real geometry).
    pub x_km: f64,
    pub y_km: f64,
    /// The settlement's name, filled in by the store on reading; ignored on import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<LocalizedName>,
}

impl DistrictingUnit {
    /// The unit as the domain's check (DIS-01, DIS-03) and the proposer read it.
    pub fn to_domain(&self) -> Unit {
        Unit {
            id: self.id.clone(),
            voters: self.voters,
            remote: self.remote,
            neighbors: self.neighbors.clone(),
        }
    }

    /// A short label: the settlement's name and the station, or the id.
    pub fn label(&self, lang: &str) -> String {
        match (&self.name, self.station) {
            (Some(n), Some(s)) => format!("{} · №{}", n.get(lang), s.get()),
            (Some(n), None) => n.get(lang).to_owned(),
            _ => self.id.to_string(),
        }
    }
}

/// The units of one council, as imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilDistrictingUnits {
    pub council: CouncilId,
    pub units: Vec<DistrictingUnit>,
}

/// Where a scheme stands in the workflow (DIS-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemeStatus {
    Draft,
    Submitted,
    Approved,
    Returned,
}

impl SchemeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemeStatus::Draft => "draft",
            SchemeStatus::Submitted => "submitted",
            SchemeStatus::Approved => "approved",
            SchemeStatus::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<SchemeStatus> {
        match s {
            "draft" => Some(SchemeStatus::Draft),
            "submitted" => Some(SchemeStatus::Submitted),
            "approved" => Some(SchemeStatus::Approved),
            "returned" => Some(SchemeStatus::Returned),
            _ => None,
        }
    }
}

/// A council's district scheme for one election, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeRecord {
    /// Assigned by the store on the first save (0 before).
    pub id: i64,
    pub council: CouncilId,
    pub election: ElectionId,
    /// 1 on the first save, one more on every change.
    pub version: u32,
    pub status: SchemeStatus,
    /// The CEC's comment when it returned the scheme.
    pub comment: Option<String>,
    /// Who last edited the districts.
    pub author: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<String>,
    pub districts: Vec<District>,
}

/// What the district-scheme use cases need from a database.
#[async_trait]
pub trait DistrictSchemeStore: Send + Sync {
    /// Stores the districting units and their borders of several councils, all or nothing.
    /// A council that already has units, an unknown council, settlement or station, or a
    /// neighbour outside the council changes nothing. Returns the number of units stored.
    async fn import_district_units(
        &self,
        councils: &[CouncilDistrictingUnits],
        event: AuditEvent,
    ) -> Result<u64, StoreError>;

    /// The units of a council in import order, with their neighbours and settlement names.
    /// With an election whose voter lists are compiled, `voters` counts the list entries of
    /// the unit's station and settlement; otherwise it is the imported count.
    async fn district_units(
        &self,
        council: &CouncilId,
        election: Option<&ElectionId>,
    ) -> Result<Vec<DistrictingUnit>, StoreError>;

    /// The scheme of a council for an election, if one was ever saved.
    async fn district_scheme(
        &self,
        council: &CouncilId,
        election: &ElectionId,
    ) -> Result<Option<SchemeRecord>, StoreError>;

    /// Every scheme in a state (all when `None`), by council.
    async fn district_schemes(
        &self,
        status: Option<SchemeStatus>,
    ) -> Result<Vec<SchemeRecord>, StoreError>;

    /// Writes a scheme (status, comment, times and districts) with its audit entry. A scheme
    /// with id 0 is inserted (a taken council and election is `Duplicate`); otherwise the row
    /// is replaced only if its stored version is `scheme.version - 1` (else `Duplicate`: someone
    /// saved in between). Returns the scheme as stored.
    async fn put_district_scheme(
        &self,
        scheme: &SchemeRecord,
        event: AuditEvent,
    ) -> Result<SchemeRecord, StoreError>;
}

// --- the state machine ---

/// Why a transition was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// DIS-02: only a valid scheme (no error of DIS-01, DIS-03, DIS-05) can be submitted.
    #[error("the scheme has {errors} error(s) and cannot be submitted")]
    Invalid { errors: usize },
    /// CAL-05: the submission window is closed (or not yet open).
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    /// Returning a scheme needs a comment saying what to change.
    #[error("a returned scheme needs a comment")]
    EmptyComment,
    /// The step does not leave this state (e.g. editing an approved scheme).
    #[error("a {from} scheme cannot be {step}")]
    NotAllowed {
        from: &'static str,
        step: &'static str,
    },
}

impl TransitionError {
    pub fn code(&self) -> ErrorCode {
        match self {
            TransitionError::Invalid { .. } => ErrorCode::SchemeInvalid,
            TransitionError::Calendar(e) => e.code(),
            TransitionError::EmptyComment => ErrorCode::SchemeCommentRequired,
            TransitionError::NotAllowed { .. } => ErrorCode::SchemeStepNotAllowed,
        }
    }
}

/// A draft being edited by the TEC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft(SchemeRecord);
/// Submitted to the CEC, waiting for its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted(SchemeRecord);
/// Returned by the CEC with a comment: the TEC edits and resubmits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned(SchemeRecord);
/// Approved by the CEC: final and published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approved(SchemeRecord);

/// A stored scheme in its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeState {
    Draft(Draft),
    Submitted(Submitted),
    Returned(Returned),
    Approved(Approved),
}

impl SchemeState {
    pub fn from_record(record: SchemeRecord) -> SchemeState {
        match record.status {
            SchemeStatus::Draft => SchemeState::Draft(Draft(record)),
            SchemeStatus::Submitted => SchemeState::Submitted(Submitted(record)),
            SchemeStatus::Returned => SchemeState::Returned(Returned(record)),
            SchemeStatus::Approved => SchemeState::Approved(Approved(record)),
        }
    }

    pub fn record(&self) -> &SchemeRecord {
        match self {
            SchemeState::Draft(Draft(r))
            | SchemeState::Submitted(Submitted(r))
            | SchemeState::Returned(Returned(r))
            | SchemeState::Approved(Approved(r)) => r,
        }
    }

    fn not_allowed(&self, step: &'static str) -> TransitionError {
        TransitionError::NotAllowed {
            from: self.record().status.as_str(),
            step,
        }
    }
}

/// What a submission is checked against: the scheme's report (DIS-01, DIS-03, DIS-05) and the
/// calendar's answer for CAL-05 at the moment of submission.
pub struct SubmitCheck<'a> {
    pub report: &'a SchemeReport,
    pub calendar: Result<(), ActionClosed>,
}

fn bump(mut r: SchemeRecord, status: SchemeStatus, now: Timestamp) -> SchemeRecord {
    r.version += 1;
    r.status = status;
    r.updated_at = now;
    r
}

impl Draft {
    /// A new draft, version 1.
    pub fn new(
        council: CouncilId,
        election: ElectionId,
        author: &str,
        districts: Vec<District>,
        now: Timestamp,
    ) -> Draft {
        Draft(SchemeRecord {
            id: 0,
            council,
            election,
            version: 1,
            status: SchemeStatus::Draft,
            comment: None,
            author: author.to_owned(),
            created_at: now,
            updated_at: now,
            submitted_at: None,
            decided_at: None,
            decided_by: None,
            districts,
        })
    }

    /// Replaces the districts (DIS-02: the TEC drafts freely; checks come at submission).
    pub fn save(self, author: &str, districts: Vec<District>, now: Timestamp) -> Draft {
        let mut r = bump(self.0, SchemeStatus::Draft, now);
        r.author = author.to_owned();
        r.districts = districts;
        Draft(r)
    }

    /// DIS-02, CAL-05: submits a valid scheme within the window.
    pub fn submit(
        self,
        check: SubmitCheck<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        submit_record(self.0, check, now)
    }

    /// DIS-02, CAL-05: submits `districts` in place of the draft's in one step, one version
    /// later: what the editor's "Submit" does with the form. Refused, the draft is as it was.
    pub fn submit_edited(
        self,
        author: &str,
        districts: Vec<District>,
        check: SubmitCheck<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        submit_record(with_districts(self.0, author, districts), check, now)
    }

    pub fn record(&self) -> &SchemeRecord {
        &self.0
    }
}

/// The record with other districts, as the next transition will number it.
fn with_districts(mut r: SchemeRecord, author: &str, districts: Vec<District>) -> SchemeRecord {
    r.author = author.to_owned();
    r.districts = districts;
    r
}

fn submit_record(
    r: SchemeRecord,
    check: SubmitCheck<'_>,
    now: Timestamp,
) -> Result<Submitted, TransitionError> {
    check.calendar?;
    if !check.report.is_valid() {
        return Err(TransitionError::Invalid {
            errors: check.report.errors.len(),
        });
    }
    let mut r = bump(r, SchemeStatus::Submitted, now);
    r.submitted_at = Some(now);
    Ok(Submitted(r))
}

impl Returned {
    /// Edits a returned scheme: it becomes a draft again; the CEC's comment stays visible.
    pub fn edit(self, author: &str, districts: Vec<District>, now: Timestamp) -> Draft {
        let mut r = bump(self.0, SchemeStatus::Draft, now);
        r.author = author.to_owned();
        r.districts = districts;
        Draft(r)
    }

    /// Resubmits as it is (still by CAL-05).
    pub fn submit(
        self,
        check: SubmitCheck<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        submit_record(self.0, check, now)
    }

    /// Resubmits with `districts` in place of the returned ones, one version later (the
    /// CEC's comment stays with the record).
    pub fn submit_edited(
        self,
        author: &str,
        districts: Vec<District>,
        check: SubmitCheck<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        submit_record(with_districts(self.0, author, districts), check, now)
    }

    pub fn record(&self) -> &SchemeRecord {
        &self.0
    }
}

impl Submitted {
    /// DIS-02: the CEC approves; the scheme is published.
    pub fn approve(self, by: &str, now: Timestamp) -> Approved {
        let mut r = bump(self.0, SchemeStatus::Approved, now);
        r.decided_at = Some(now);
        r.decided_by = Some(by.to_owned());
        r.comment = None;
        Approved(r)
    }

    /// The CEC returns the scheme with a comment saying what to change.
    pub fn return_with(
        self,
        by: &str,
        comment: &str,
        now: Timestamp,
    ) -> Result<Returned, TransitionError> {
        let comment = comment.trim();
        if comment.is_empty() {
            return Err(TransitionError::EmptyComment);
        }
        let mut r = bump(self.0, SchemeStatus::Returned, now);
        r.decided_at = Some(now);
        r.decided_by = Some(by.to_owned());
        r.comment = Some(comment.to_owned());
        Ok(Returned(r))
    }

    pub fn record(&self) -> &SchemeRecord {
        &self.0
    }
}

impl Approved {
    pub fn record(&self) -> &SchemeRecord {
        &self.0
    }
}

// --- use cases ---

/// Why a district-scheme use case refused or failed. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum DistrictError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown council {0}")]
    UnknownCouncil(CouncilId),
    /// Districts are drawn for aiyl councils only (city councils are elected by lists).
    #[error("council {0} is not an aiyl council")]
    NotAiyl(CouncilId),
    #[error("council {0} is not elected by any election")]
    NoElection(CouncilId),
    #[error("council {0} has no districting units")]
    NoUnits(CouncilId),
    /// The actor may not take this step for this council.
    #[error("not allowed")]
    Forbidden,
    #[error("there is no scheme yet")]
    NoScheme,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
}

impl DistrictError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DistrictError::Store(e) => e.code(),
            DistrictError::UnknownCouncil(_) => ErrorCode::UnknownCouncil,
            DistrictError::NotAiyl(_) => ErrorCode::CouncilNotAiyl,
            DistrictError::NoElection(_) => ErrorCode::CouncilNoElection,
            DistrictError::NoUnits(_) => ErrorCode::CouncilNoUnits,
            DistrictError::Forbidden => ErrorCode::Forbidden,
            DistrictError::NoScheme => ErrorCode::SchemeMissing,
            DistrictError::Transition(e) => e.code(),
            DistrictError::CalendarInvalid(e) => e.code(),
        }
    }
}

/// Everything about one aiyl council that the district pages and use cases need.
#[derive(Debug, Clone)]
pub struct CouncilDistricting {
    pub council: Council,
    /// The election electing the council (the latest by voting day).
    pub election: Election,
    /// The chain of the council's TEC up to the CEC (empty if the council has no station).
    pub tec_chain: Vec<CommissionId>,
    pub units: Vec<DistrictingUnit>,
    pub scheme: Option<SchemeRecord>,
    /// The election's rule parameters in force (DIS-01's limits, DIS-04's reserve, DIS-05's
    /// magnitudes), which every check of this council's schemes applies.
    pub params: RuleParameters,
}

impl CouncilDistricting {
    /// The domain scheme of some districts over this council's units.
    pub fn scheme_of(&self, districts: Vec<District>) -> Scheme {
        Scheme {
            seats: self.council.seats,
            units: self.units.iter().map(DistrictingUnit::to_domain).collect(),
            districts,
        }
    }

    /// DIS-01, DIS-03, DIS-05 and the DIS-04 reserve of some districts, under the election's
    /// parameters in force.
    pub fn check(&self, districts: &[District]) -> SchemeReport {
        check_scheme(&self.scheme_of(districts.to_vec()), &self.params)
    }

    /// DIS-02: [`Power::DraftDistricts`] over the council's TEC (a TEC member whose
    /// commission covers it).
    pub fn may_draft(&self, actor: &Actor) -> bool {
        authz::allowed(
            actor,
            Power::DraftDistricts,
            Target::Within(&self.tec_chain),
        )
    }

    /// [`Power::ViewDistrictDrafts`] over the council's TEC: those who may draft, and the CEC.
    pub fn may_view(&self, actor: &Actor) -> bool {
        authz::allowed(
            actor,
            Power::ViewDistrictDrafts,
            Target::Within(&self.tec_chain),
        )
    }
}

/// Loads the council, its election, its TEC's chain, its units and its scheme.
pub async fn council_districting<
    S: SetupStore + DistrictSchemeStore + crate::params::RuleParameterStore + ?Sized,
>(
    store: &S,
    id: &CouncilId,
) -> Result<CouncilDistricting, DistrictError> {
    let council = store
        .council(id)
        .await?
        .ok_or_else(|| DistrictError::UnknownCouncil(id.clone()))?;
    if council.kind != CouncilKind::Aiyl {
        return Err(DistrictError::NotAiyl(id.clone()));
    }
    let election = store
        .elections()
        .await?
        .into_iter()
        .filter(|e| e.councils.contains(id))
        .max_by_key(|e| e.voting_day)
        .ok_or_else(|| DistrictError::NoElection(id.clone()))?;
    let tec_chain = setup::council_chain(store, id).await?;
    let units = store.district_units(id, Some(&election.id)).await?;
    let scheme = store.district_scheme(id, &election.id).await?;
    let params = crate::params::parameters(store, &election.id).await?;
    Ok(CouncilDistricting {
        council,
        election,
        tec_chain,
        units,
        scheme,
        params,
    })
}

/// The calendar of an election with the CEC's overrides.
pub async fn election_calendar<S: SetupStore + ?Sized>(
    store: &S,
    election: &Election,
) -> Result<Calendar, DistrictError> {
    Ok(setup::calendar_of(store, election).await?)
}

impl From<ElectionCalendarError> for DistrictError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => DistrictError::Store(e),
            ElectionCalendarError::UnknownElection(id) => {
                DistrictError::Store(StoreError::unknown(Entity::Election, id))
            }
            ElectionCalendarError::Invalid(e) => DistrictError::CalendarInvalid(e),
        }
    }
}

fn event(actor: &Actor, action: AuditAction, r: &SchemeRecord, now: Timestamp) -> AuditEvent {
    AuditEvent::new(
        actor.audit_name(),
        action,
        format!("{}/{}", r.election, r.council),
        now,
    )
    .after(r)
}

fn audited(e: AuditEvent, before: Option<&SchemeRecord>) -> AuditEvent {
    match before {
        Some(b) => e.before(b),
        None => e,
    }
}

/// DIS-02: saves the TEC's draft (a new one, an edit, or an edit of a returned scheme).
pub async fn save_draft<S: DistrictSchemeStore + ?Sized>(
    store: &S,
    ctx: &CouncilDistricting,
    actor: &Actor,
    districts: Vec<District>,
    now: Timestamp,
) -> Result<SchemeRecord, DistrictError> {
    if !ctx.may_draft(actor) {
        return Err(DistrictError::Forbidden);
    }
    if ctx.units.is_empty() {
        return Err(DistrictError::NoUnits(ctx.council.id.clone()));
    }
    let who = actor.audit_name();
    let next = match ctx.scheme.clone().map(SchemeState::from_record) {
        None => Draft::new(
            ctx.council.id.clone(),
            ctx.election.id.clone(),
            who,
            districts,
            now,
        ),
        Some(SchemeState::Draft(d)) => d.save(who, districts, now),
        Some(SchemeState::Returned(r)) => r.edit(who, districts, now),
        Some(other) => return Err(other.not_allowed("edited").into()),
    };
    let e = audited(
        event(actor, AuditAction::DistrictSchemeSaved, &next.0, now),
        ctx.scheme.as_ref(),
    );
    Ok(store.put_district_scheme(&next.0, e).await?)
}

/// DIS-02, CAL-05: submits the stored scheme (draft or returned) to the CEC. Refused when the
/// scheme has errors or the submission window is closed (the deadline is in the error).
pub async fn submit<S: SetupStore + DistrictSchemeStore + ?Sized>(
    store: &S,
    ctx: &CouncilDistricting,
    actor: &Actor,
    now: Timestamp,
) -> Result<SchemeRecord, DistrictError> {
    if !ctx.may_draft(actor) {
        return Err(DistrictError::Forbidden);
    }
    let stored = ctx.scheme.clone().ok_or(DistrictError::NoScheme)?;
    let report = ctx.check(&stored.districts);
    let calendar = election_calendar(store, &ctx.election).await?;
    let check = SubmitCheck {
        report: &report,
        calendar: calendar.check(Action::SubmitDistrictScheme, now),
    };
    let next = match SchemeState::from_record(stored) {
        SchemeState::Draft(d) => d.submit(check, now)?,
        SchemeState::Returned(r) => r.submit(check, now)?,
        other => return Err(other.not_allowed("submitted").into()),
    };
    let e = audited(
        event(actor, AuditAction::DistrictSchemeSubmitted, &next.0, now),
        ctx.scheme.as_ref(),
    );
    Ok(store.put_district_scheme(&next.0, e).await?)
}

/// DIS-02, CAL-05: submits the districts of the editor's form in one step: the stored draft
/// (or returned scheme) takes them and is submitted one version later, or, with no scheme yet,
/// version 1 is stored submitted. Refused (errors in the scheme, the window closed), nothing
/// is stored: a failed submission leaves the draft and its version as they were.
pub async fn submit_districts<S: SetupStore + DistrictSchemeStore + ?Sized>(
    store: &S,
    ctx: &CouncilDistricting,
    actor: &Actor,
    districts: Vec<District>,
    now: Timestamp,
) -> Result<SchemeRecord, DistrictError> {
    if !ctx.may_draft(actor) {
        return Err(DistrictError::Forbidden);
    }
    if ctx.units.is_empty() {
        return Err(DistrictError::NoUnits(ctx.council.id.clone()));
    }
    let report = ctx.check(&districts);
    let calendar = election_calendar(store, &ctx.election).await?;
    let check = SubmitCheck {
        report: &report,
        calendar: calendar.check(Action::SubmitDistrictScheme, now),
    };
    let who = actor.audit_name();
    let next = match ctx.scheme.clone().map(SchemeState::from_record) {
        None => {
            // Not stored yet: the submission is its first version.
            let mut first = Draft::new(
                ctx.council.id.clone(),
                ctx.election.id.clone(),
                who,
                Vec::new(),
                now,
            );
            first.0.version = 0;
            first.submit_edited(who, districts, check, now)?
        }
        Some(SchemeState::Draft(d)) => d.submit_edited(who, districts, check, now)?,
        Some(SchemeState::Returned(r)) => r.submit_edited(who, districts, check, now)?,
        Some(other) => return Err(other.not_allowed("submitted").into()),
    };
    let e = audited(
        event(actor, AuditAction::DistrictSchemeSubmitted, &next.0, now),
        ctx.scheme.as_ref(),
    );
    Ok(store.put_district_scheme(&next.0, e).await?)
}

/// DIS-02: the CEC approves a submitted scheme; it is published from then on.
pub async fn approve<S: DistrictSchemeStore + ?Sized>(
    store: &S,
    ctx: &CouncilDistricting,
    actor: &Actor,
    now: Timestamp,
) -> Result<SchemeRecord, DistrictError> {
    authz::authorize(
        actor,
        Power::DecideDistricts,
        Target::Within(&ctx.tec_chain),
    )
    .map_err(|_| DistrictError::Forbidden)?;
    let stored = ctx.scheme.clone().ok_or(DistrictError::NoScheme)?;
    let next = match SchemeState::from_record(stored) {
        SchemeState::Submitted(s) => s.approve(actor.audit_name(), now),
        other => return Err(other.not_allowed("approved").into()),
    };
    let e = audited(
        event(actor, AuditAction::DistrictSchemeApproved, &next.0, now),
        ctx.scheme.as_ref(),
    );
    Ok(store.put_district_scheme(&next.0, e).await?)
}

/// DIS-02: the CEC returns a submitted scheme to the TEC with a comment.
pub async fn return_scheme<S: DistrictSchemeStore + ?Sized>(
    store: &S,
    ctx: &CouncilDistricting,
    actor: &Actor,
    comment: &str,
    now: Timestamp,
) -> Result<SchemeRecord, DistrictError> {
    authz::authorize(
        actor,
        Power::DecideDistricts,
        Target::Within(&ctx.tec_chain),
    )
    .map_err(|_| DistrictError::Forbidden)?;
    let stored = ctx.scheme.clone().ok_or(DistrictError::NoScheme)?;
    let next = match SchemeState::from_record(stored) {
        SchemeState::Submitted(s) => s.return_with(actor.audit_name(), comment, now)?,
        other => return Err(other.not_allowed("returned").into()),
    };
    let e = audited(
        event(actor, AuditAction::DistrictSchemeReturned, &next.0, now),
        ctx.scheme.as_ref(),
    );
    Ok(store.put_district_scheme(&next.0, e).await?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use shailoo_domain::SeatCount;
    use shailoo_domain::calendar::Action;
    use shailoo_domain::district::DistrictId;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn unit(id: &str, voters: u64, neighbors: &[&str]) -> Unit {
        Unit {
            id: UnitId::parse(id).unwrap(),
            voters,
            remote: false,
            neighbors: neighbors
                .iter()
                .map(|n| UnitId::parse(n).unwrap())
                .collect(),
        }
    }

    fn district(id: &str, units: &[&str], seats: u32) -> District {
        District {
            id: DistrictId::parse(id).unwrap(),
            units: units.iter().map(|u| UnitId::parse(u).unwrap()).collect(),
            seats,
            remote: false,
        }
    }

    /// Two units of 500 voters, 2 seats: one district per unit is exact.
    fn report(districts: Vec<District>) -> SchemeReport {
        check_scheme(
            &Scheme {
                seats: SeatCount::new(2).unwrap(),
                units: vec![unit("a", 500, &["b"]), unit("b", 500, &["a"])],
                districts,
            },
            &RuleParameters::default(),
        )
    }

    fn draft() -> Draft {
        Draft::new(
            CouncilId::parse("c").unwrap(),
            ElectionId::parse("e").unwrap(),
            "tec",
            vec![district("1", &["a"], 1), district("2", &["b"], 1)],
            at("2024-09-01T00:00:00Z"),
        )
    }

    /// CAL-05 for the 2024 election (called 6 September, voting 17 November): 28 September.
    fn calendar() -> Calendar {
        Calendar::statutory(
            jiff::civil::date(2024, 9, 6),
            jiff::civil::date(2024, 11, 17),
        )
        .unwrap()
    }

    #[test]
    fn dis_02_a_valid_draft_is_submitted_approved_and_each_step_bumps_the_version() {
        let now = at("2024-09-20T06:00:00Z");
        let valid = report(draft().record().districts.clone());
        assert!(valid.is_valid(), "{:?}", valid.errors);
        let submitted = draft()
            .submit(
                SubmitCheck {
                    report: &valid,
                    calendar: calendar().check(Action::SubmitDistrictScheme, now),
                },
                now,
            )
            .unwrap();
        assert_eq!(submitted.record().status, SchemeStatus::Submitted);
        assert_eq!(submitted.record().version, 2);
        assert_eq!(submitted.record().submitted_at, Some(now));
        let approved = submitted.approve("admin", now);
        assert_eq!(approved.record().status, SchemeStatus::Approved);
        assert_eq!(approved.record().decided_by.as_deref(), Some("admin"));
        assert_eq!(approved.record().version, 3);
    }

    #[test]
    fn dis_02_submitting_the_form_takes_its_districts_with_one_version_step() {
        let now = at("2024-09-20T06:00:00Z");
        let edited = vec![district("1", &["b"], 1), district("2", &["a"], 1)];
        let valid = report(edited.clone());
        let submitted = draft()
            .submit_edited(
                "tec2",
                edited.clone(),
                SubmitCheck {
                    report: &valid,
                    calendar: Ok(()),
                },
                now,
            )
            .unwrap();
        assert_eq!(submitted.record().version, 2, "one step from version 1");
        assert_eq!(submitted.record().districts, edited);
        assert_eq!(submitted.record().author, "tec2");
        assert_eq!(submitted.record().status, SchemeStatus::Submitted);
    }

    #[test]
    fn dis_02_an_invalid_scheme_is_not_submitted() {
        let now = at("2024-09-20T06:00:00Z");
        // One district holding both units with 3 seats: DIS-03 seats sum.
        let invalid = report(vec![district("1", &["a", "b"], 3)]);
        let r = draft().submit(
            SubmitCheck {
                report: &invalid,
                calendar: Ok(()),
            },
            now,
        );
        assert!(
            matches!(r, Err(TransitionError::Invalid { errors }) if errors > 0),
            "{r:?}"
        );
    }

    #[test]
    fn cal_05_a_submission_after_the_deadline_is_refused_with_the_deadline() {
        let late = at("2024-09-28T18:00:00Z"); // 29 September, 00:00 in Bishkek
        let valid = report(draft().record().districts.clone());
        let r = draft().submit(
            SubmitCheck {
                report: &valid,
                calendar: calendar().check(Action::SubmitDistrictScheme, late),
            },
            late,
        );
        match r {
            Err(TransitionError::Calendar(ActionClosed::Closed {
                rule, closed_at, ..
            })) => {
                assert_eq!(rule, "CAL-05");
                assert_eq!(closed_at, late);
            }
            other => panic!("{other:?}"),
        }
        // One second earlier it is still open.
        let last = at("2024-09-28T17:59:59Z");
        assert!(calendar().check(Action::SubmitDistrictScheme, last).is_ok());
    }

    #[test]
    fn dis_02_a_returned_scheme_needs_a_comment_and_is_edited_into_a_draft() {
        let now = at("2024-09-20T06:00:00Z");
        let valid = report(draft().record().districts.clone());
        let check = || SubmitCheck {
            report: &valid,
            calendar: Ok(()),
        };
        let submitted = draft().submit(check(), now).unwrap();
        assert_eq!(
            submitted.clone().return_with("admin", "  ", now),
            Err(TransitionError::EmptyComment)
        );
        let returned = submitted
            .return_with("admin", "fix district 2", now)
            .unwrap();
        assert_eq!(returned.record().comment.as_deref(), Some("fix district 2"));
        let edited = returned
            .clone()
            .edit("tec", vec![district("1", &["a", "b"], 2)], now);
        assert_eq!(edited.record().status, SchemeStatus::Draft);
        // Resubmitting directly also works.
        assert!(returned.submit(check(), now).is_ok());
    }

    #[test]
    fn dis_02_an_approved_scheme_takes_no_further_step() {
        let now = at("2024-09-20T06:00:00Z");
        let valid = report(draft().record().districts.clone());
        let approved = draft()
            .submit(
                SubmitCheck {
                    report: &valid,
                    calendar: Ok(()),
                },
                now,
            )
            .unwrap()
            .approve("admin", now);
        let state = SchemeState::from_record(approved.record().clone());
        assert_eq!(
            state.not_allowed("edited"),
            TransitionError::NotAllowed {
                from: "approved",
                step: "edited"
            }
        );
    }
}
