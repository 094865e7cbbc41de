//! The voter register (Tizme): importing the population register extract, compiling the voter
//! lists of an election, and their publication (CAL-02), posting (CAL-04) and freezing (after
//! CAL-12). Rules VOT-01…VOT-06 and the calendar come from `shailoo-domain`; this module holds the
//! use cases and the sub-port [`VoterListStore`] that `shailoo-store` implements in
//! `src/voters.rs`.
//!
//! Eligibility is decided in Rust by the domain's [`VoterCheck`], never in SQL: the [`Compiler`]
//! turns one register record into an [`Assessment`] (home station and reasons), and the store only
//! writes assessments down. An import can compile while it streams (the assessments travel with
//! the records, so 4.3 million rows need not be read back), and a stand-alone compile pages
//! through the stored register and calls the same [`Compiler`].
//!
//! VOT-06 (one person, one entry): the [`ImportBatcher`] keeps the first record of a PIN and
//! counts the other copies; the compile then keeps every duplicated PIN off the lists with
//! [`IneligibilityReason::DuplicatePin`], because the register cannot say which copy is right.

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::claims::ClaimStore;
use crate::params::RuleParameterStore;
use crate::setup::{self, ElectionCalendarError, SetupStore};
use crate::store::StoreError;
use crate::users::Actor;
use async_trait::async_trait;
use jiff::Timestamp;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use shailoo_domain::calendar::{Action, ActionClosed, Calendar, CalendarError};
use shailoo_domain::params::{Coded, RuleParameters};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{Commission, Council, Election, LocalizedName, PollingStation};
use shailoo_domain::voter::{CommunityFacts, IneligibilityReason, Reasons, VoterCheck};
use shailoo_domain::{CouncilId, ElectionId, ErrorCode, Pin, StationNumber, TerritoryId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

mod reimport;
mod stream;
pub use reimport::{
    Admitted, ChangeKind, Confirmation, Difference, DifferenceHasher, DifferenceId, ImportMode,
    admit,
};
pub use stream::{
    EmptyExtract, IMPORT_BATCH, ImportProgress, RecordSource, StreamedImportError, import_register,
};

/// Why a voter-list use case refused or failed. Nothing was changed when it is returned.
#[derive(Debug, thiserror::Error)]
pub enum VoterListError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown election {0}")]
    UnknownElection(ElectionId),
    /// The calendar does not allow the step at this instant (CAL-02 for publication, the end of
    /// CAL-12 for freezing).
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    #[error("the election's calendar is invalid: {0}")]
    CalendarInvalid(#[from] CalendarError),
    /// Final lists never change again (after CAL-12).
    #[error("the voter lists of {election} are final since {frozen_at}; they can no longer change")]
    Frozen {
        election: ElectionId,
        frozen_at: Timestamp,
    },
    #[error("the voter lists of {0} have not been compiled yet")]
    NotCompiled(ElectionId),
    #[error("the voter lists of {0} have not been published yet")]
    NotPublished(ElectionId),
    #[error("unknown polling station {0}")]
    UnknownStation(StationNumber),
    /// Personal data of a station's voters are for staff whose commission covers its PEC.
    #[error("your commission does not cover polling station {0}")]
    Forbidden(StationNumber),
    /// The step was already taken; it is not repeated (its instant is in the audit log).
    #[error("the voter lists of {election} were already {step} at {at}")]
    AlreadyDone {
        election: ElectionId,
        step: ListStep,
        at: Timestamp,
    },
    /// A re-import is stored only after its difference was shown and confirmed.
    #[error("a re-import changes the register: show its difference first, then confirm it")]
    ConfirmationRequired,
    /// The register or the extract is not what the confirmed difference was computed from.
    #[error("the register or the extract changed since the difference was shown: show it again")]
    DifferenceChanged,
    /// A confirmation that is not a difference id.
    #[error("not the id of a difference")]
    BadDifference,
    /// VOT-11 guard: the import would remove more of the register than the limit allows.
    #[error(
        "the import would remove {removed} of the {persons} persons in the register, more than \
         {limit_percent} %: refused unless the removal limit (register_removal_limit_percent) is \
         overridden"
    )]
    RemovalOverLimit {
        removed: u64,
        persons: u64,
        limit_percent: u8,
    },
    /// A record names a settlement the setup does not know: an error of the extract.
    #[error(
        "record {record} of the extract names settlement {settlement:?}, which the setup does not know"
    )]
    UnknownSettlement {
        record: u64,
        settlement: TerritoryId,
    },
    /// The lists of another election than the one chosen are compiled from the register: a
    /// re-import would leave them out of step with it (the printed lists and the look-up would
    /// disagree).
    #[error(
        "the voter lists of {0} are compiled from the register: import with that election, so \
         that they are compiled again in the same transaction"
    )]
    ListsCompiledFor(ElectionId),
}

impl VoterListError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            VoterListError::Store(e) => e.code(),
            VoterListError::UnknownElection(_) => ErrorCode::UnknownElection,
            VoterListError::Calendar(e) => e.code(),
            VoterListError::CalendarInvalid(e) => e.code(),
            VoterListError::Frozen { .. } => ErrorCode::VoterListsFrozen,
            VoterListError::NotCompiled(_) => ErrorCode::VoterListsNotCompiled,
            VoterListError::NotPublished(_) => ErrorCode::VoterListsNotPublished,
            VoterListError::UnknownStation(_) => ErrorCode::UnknownStation,
            VoterListError::Forbidden(_) => ErrorCode::Forbidden,
            VoterListError::AlreadyDone { .. } => ErrorCode::VoterListsStepAlreadyTaken,
            VoterListError::ConfirmationRequired => ErrorCode::RegisterConfirmationRequired,
            VoterListError::DifferenceChanged => ErrorCode::RegisterDifferenceChanged,
            VoterListError::BadDifference => ErrorCode::RegisterBadDifference,
            VoterListError::RemovalOverLimit { .. } => ErrorCode::RegisterRemovalOverLimit,
            VoterListError::UnknownSettlement { .. } => ErrorCode::RegisterUnknownSettlement,
            VoterListError::ListsCompiledFor(_) => ErrorCode::RegisterListsCompiledFor,
        }
    }
}

/// A (settlement, street) of the register and the regular station that serves it, with that
/// station's council: the input of VOT-04 and of the station assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServedArea {
    pub settlement: TerritoryId,
    pub street: String,
    pub station: StationNumber,
    pub council: CouncilId,
}

/// The outcome for one register record: its home station when the address maps to a station
/// area, and the reasons that keep it off the list (empty: on the list at that station).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assessment {
    pub station: Option<StationNumber>,
    pub reasons: Reasons,
}

impl Assessment {
    pub fn is_eligible(&self) -> bool {
        self.reasons.is_empty()
    }
}

/// Assesses register records for one election: the station serving the address and the domain's
/// eligibility check. Built once per compile from the election and the station areas.
#[derive(Debug, Clone)]
pub struct Compiler {
    election: ElectionId,
    check: VoterCheck,
    /// settlement → street → station. Two lookups by borrowed key, no allocation per record.
    /// FxHash: these maps are asked three times per person of a 4.3-million-row import, with
    /// keys from the CEC's own setup (no hash flooding to fear), and SipHash showed in profiles.
    areas: FxHashMap<TerritoryId, FxHashMap<String, StationNumber>>,
    /// station → (its council, whether that council holds this election).
    stations: FxHashMap<StationNumber, (CouncilId, bool)>,
}

impl Compiler {
    pub fn new(election: &Election, params: &RuleParameters, areas: Vec<ServedArea>) -> Compiler {
        let electing: HashSet<&CouncilId> = election.councils.iter().collect();
        let mut by_settlement: FxHashMap<TerritoryId, FxHashMap<String, StationNumber>> =
            FxHashMap::default();
        let mut stations = FxHashMap::default();
        for area in areas {
            let inside = electing.contains(&area.council);
            stations
                .entry(area.station)
                .or_insert_with(|| (area.council.clone(), inside));
            by_settlement
                .entry(area.settlement)
                .or_default()
                .insert(area.street, area.station);
        }
        Compiler {
            election: election.id.clone(),
            check: VoterCheck::new(election.voting_day, params),
            areas: by_settlement,
            stations,
        }
    }

    pub fn election(&self) -> &ElectionId {
        &self.election
    }

    /// The station serving an address, if a station area covers it.
    pub fn station_of(&self, settlement: &TerritoryId, street: &str) -> Option<StationNumber> {
        self.areas.get(settlement)?.get(street).copied()
    }

    /// The council of a station that serves an area.
    pub fn council_of(&self, station: StationNumber) -> Option<&CouncilId> {
        self.stations.get(&station).map(|(c, _)| c)
    }

    /// One record's outcome. An address that no station area covers, or whose station belongs to
    /// a council not holding this election, is outside the community (VOT-04). `duplicated`:
    /// the extract holds this PIN more than once (VOT-06).
    pub fn assess(&self, record: &RegisterRecord, duplicated: bool) -> Assessment {
        let station = self.station_of(&record.settlement, &record.street);
        let inside = station
            .and_then(|s| self.stations.get(&s))
            .is_some_and(|(_, electing)| *electing);
        let facts = if inside {
            CommunityFacts::INSIDE
        } else {
            CommunityFacts::OUTSIDE
        };
        let mut reasons = self.check.reasons(record, facts);
        if duplicated {
            reasons.insert(IneligibilityReason::DuplicatePin);
        }
        Assessment { station, reasons }
    }
}

/// Builds the [`Compiler`] of an election from the store, with the election's rule parameters
/// in force (VOT-02's age and leap-day birthday, VOT-04's registration days).
pub async fn compiler_for<S: SetupStore + VoterListStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Compiler, VoterListError> {
    let found = store
        .election(election)
        .await?
        .ok_or_else(|| VoterListError::UnknownElection(election.clone()))?;
    let areas = store.served_areas().await?;
    let params = crate::params::parameters(store, election).await?;
    Ok(Compiler::new(&found, &params, areas))
}

/// A batch of records for [`RegisterImport::push`], with their assessments when the import
/// compiles (then `assessed[i]` belongs to `records[i]`; otherwise it is empty).
#[derive(Debug, Default)]
pub struct ImportBatch {
    pub records: Vec<RegisterRecord>,
    pub assessed: Vec<Assessment>,
}

/// A PIN found more than once in an extract, and how many times (VOT-06).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatedPin {
    pub pin: Pin,
    pub copies: u32,
}

/// The synchronous half of an import, run where the file is parsed (a blocking thread): drops
/// the second and later copies of a PIN (counting them), assesses each record when compiling,
/// and cuts batches.
pub struct ImportBatcher {
    /// PINs seen so far, as numbers: the set takes one insert per record of a 4.3-million-row
    /// extract, and hashing a word with FxHash instead of 14 bytes with SipHash took it from a
    /// quarter of the reader's time to almost nothing.
    seen: rustc_hash::FxHashSet<u64>,
    duplicates: BTreeMap<Pin, u32>,
    compiler: Option<Arc<Compiler>>,
    batch_size: usize,
    current: ImportBatch,
    records: u64,
}

impl ImportBatcher {
    /// `expected`: the number of records, if known (sizes the PIN set once).
    pub fn new(compiler: Option<Arc<Compiler>>, batch_size: usize, expected: u64) -> Self {
        let batch_size = batch_size.max(1);
        ImportBatcher {
            seen: rustc_hash::FxHashSet::with_capacity_and_hasher(
                usize::try_from(expected).unwrap_or(0),
                Default::default(),
            ),
            duplicates: BTreeMap::new(),
            compiler,
            batch_size,
            current: Self::empty(batch_size),
            records: 0,
        }
    }

    fn empty(batch_size: usize) -> ImportBatch {
        ImportBatch {
            records: Vec::with_capacity(batch_size),
            assessed: Vec::new(),
        }
    }

    /// Records read so far, copies included.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Adds a record; returns a full batch when one is ready.
    pub fn add(&mut self, record: RegisterRecord) -> Option<ImportBatch> {
        self.records += 1;
        if !self.seen.insert(record.pin.as_u64()) {
            *self.duplicates.entry(record.pin).or_insert(1) += 1;
            return None;
        }
        if let Some(compiler) = &self.compiler {
            // Duplicates are not known yet; the store re-assesses their first copy at the end.
            self.current.assessed.push(compiler.assess(&record, false));
        }
        self.current.records.push(record);
        (self.current.records.len() >= self.batch_size)
            .then(|| std::mem::replace(&mut self.current, Self::empty(self.batch_size)))
    }

    /// The last (possibly empty) batch and the duplicated PINs, in PIN order.
    pub fn finish(self) -> (ImportBatch, Vec<DuplicatedPin>) {
        let duplicates = self
            .duplicates
            .into_iter()
            .map(|(pin, copies)| DuplicatedPin { pin, copies })
            .collect();
        (self.current, duplicates)
    }
}

/// How an import is to be made.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Where the extract came from (a file name), for the history and the audit log.
    pub source: String,
    pub actor: String,
    pub at: Timestamp,
    /// Compile this election's lists from the imported records in the same transaction.
    pub compile: Option<Arc<Compiler>>,
    /// Preview, or store (with the confirmation of a re-import's difference).
    pub mode: ImportMode,
    /// VOT-11 guard: the largest share of the register, in percent, a re-import may remove
    /// without the limit overridden ([`RuleParameters::register_removal_limit_percent`]).
    pub removal_limit_percent: u8,
}

impl ImportOptions {
    /// An import as `plan` says, previewed or stored (`mode`).
    pub fn new(
        source: impl Into<String>,
        actor: impl Into<String>,
        at: Timestamp,
        plan: ImportPlan,
        mode: ImportMode,
    ) -> ImportOptions {
        ImportOptions {
            source: source.into(),
            actor: actor.into(),
            at,
            compile: plan.compile,
            mode,
            removal_limit_percent: plan.removal_limit_percent,
        }
    }

    /// An import stored at once, with the default removal limit: into an empty register (the
    /// first import), or with `confirmation` of a re-import's previewed difference.
    pub fn apply(
        source: impl Into<String>,
        actor: impl Into<String>,
        at: Timestamp,
        compile: Option<Arc<Compiler>>,
        confirmation: Option<Confirmation>,
    ) -> ImportOptions {
        let plan = ImportPlan {
            compile,
            removal_limit_percent: RuleParameters::default().register_removal_limit_percent,
        };
        ImportOptions::new(source, actor, at, plan, ImportMode::Apply(confirmation))
    }

    /// The same import as a preview.
    pub fn preview(mut self) -> ImportOptions {
        self.mode = ImportMode::Preview;
        self
    }
}

/// An import in progress, inside one transaction: all or nothing. Dropping it without
/// [`RegisterImport::finish`] stores nothing.
#[async_trait]
pub trait RegisterImport: Send {
    async fn push(&mut self, batch: &ImportBatch) -> Result<(), VoterListError>;
    /// Replaces the register with what was pushed, records the differences and (when compiling)
    /// the lists, writes the audit entries and commits.
    async fn finish(
        self: Box<Self>,
        duplicates: &[DuplicatedPin],
    ) -> Result<ImportReport, VoterListError>;
}

/// What an import changed (or, previewed, would change).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Stored (`false`: a preview; nothing was stored and `import_id` is 0).
    pub applied: bool,
    /// 1, 2, 3… per import.
    pub import_id: i64,
    pub source: String,
    /// Rows read, copies of duplicated PINs included.
    pub records: u64,
    /// Persons in the register after the import (one per PIN).
    pub persons: u64,
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
    pub duplicate_pins: u64,
    /// Persons in the register before the import.
    pub persons_before: u64,
    /// The id a confirmation names (`None`: into an empty register, nothing to confirm).
    pub difference: Option<DifferenceId>,
    /// The removal limit in force, and whether the import goes beyond it.
    pub removal_limit_percent: u8,
    pub removal_over_limit: bool,
    /// The CEC overrode the removal limit to store this import.
    pub removal_override: bool,
    /// When compiling: persons whose address no station area covers (off every list, VOT-04).
    pub no_station_area: Option<u64>,
    pub compiled: Option<CompileReport>,
}

/// The counts an import's audit entry digests (everything but the compile).
#[derive(Serialize)]
struct ImportCounts<'a> {
    import_id: i64,
    source: &'a str,
    records: u64,
    added: u64,
    changed: u64,
    removed: u64,
    unchanged: u64,
    duplicate_pins: u64,
    persons_before: u64,
    difference: Option<&'a DifferenceId>,
    removal_limit_percent: u8,
    removal_override: bool,
}

impl ImportReport {
    /// The difference this report shows.
    pub fn difference(&self) -> Difference {
        Difference {
            persons_before: self.persons_before,
            added: self.added,
            changed: self.changed,
            removed: self.removed,
            unchanged: self.unchanged,
            id: self.difference.clone(),
        }
    }

    /// The audit event of this import.
    pub fn audit_event(&self, actor: &str, at: Timestamp) -> AuditEvent {
        AuditEvent::new(
            actor,
            AuditAction::RegisterImported,
            self.source.as_str(),
            at,
        )
        .after(&ImportCounts {
            import_id: self.import_id,
            source: &self.source,
            records: self.records,
            added: self.added,
            changed: self.changed,
            removed: self.removed,
            unchanged: self.unchanged,
            duplicate_pins: self.duplicate_pins,
            persons_before: self.persons_before,
            difference: self.difference.as_ref(),
            removal_limit_percent: self.removal_limit_percent,
            removal_override: self.removal_override,
        })
    }
}

/// How far a compile from the stored register has got: persons assessed, of the register's
/// size (`persons` is 0 when the store cannot tell).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompileProgress {
    pub assessed: u64,
    pub persons: u64,
}

/// Told how a long compile goes (called from the store's task, page by page).
pub type CompileProgressFn<'a> = &'a (dyn Fn(CompileProgress) + Send + Sync);

/// What a compile put on the lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompileReport {
    pub election: String,
    pub eligible: u64,
    pub ineligible: u64,
    /// Ineligible persons per reason code (`VOT-02_under_age` …); a person may count under
    /// several reasons.
    pub by_reason: BTreeMap<String, u64>,
    /// The register import the lists were compiled from.
    pub register_import: Option<i64>,
}

impl CompileReport {
    pub fn new(election: &ElectionId) -> Self {
        CompileReport {
            election: election.to_string(),
            ..CompileReport::default()
        }
    }

    /// Counts one outcome in (`sign` = 1) or out (`sign` = -1, when an outcome is replaced).
    pub fn count(&mut self, reasons: Reasons, add: bool) {
        let step = |n: &mut u64| {
            *n = if add {
                n.saturating_add(1)
            } else {
                n.saturating_sub(1)
            }
        };
        if reasons.is_empty() {
            step(&mut self.eligible);
            return;
        }
        step(&mut self.ineligible);
        for reason in reasons {
            step(self.by_reason.entry(reason.code().to_owned()).or_default());
        }
        self.by_reason.retain(|_, n| *n > 0);
    }

    /// The audit event of this compile.
    pub fn audit_event(&self, actor: &str, at: Timestamp) -> AuditEvent {
        AuditEvent::new(
            actor,
            AuditAction::VoterListsCompiled,
            self.election.as_str(),
            at,
        )
        .after(self)
    }
}

/// The steps of a list's life after compiling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListStep {
    /// Preliminary lists online (Tizme), from CAL-02.
    Published,
    /// Preliminary lists posted at the stations (due by CAL-04).
    Posted,
    /// Final lists, after remote-voting applications close (CAL-12).
    Frozen,
}

impl ListStep {
    /// The power taking the step needs ([`authz`]).
    pub fn power(self) -> Power {
        match self {
            ListStep::Published => Power::PublishLists,
            ListStep::Posted => Power::PostLists,
            ListStep::Frozen => Power::FreezeLists,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ListStep::Published => "published",
            ListStep::Posted => "posted",
            ListStep::Frozen => "frozen",
        }
    }

    /// The audit action of the step.
    pub fn audit_action(self) -> AuditAction {
        match self {
            ListStep::Published => AuditAction::VoterListsPublished,
            ListStep::Posted => AuditAction::VoterListsPosted,
            ListStep::Frozen => AuditAction::VoterListsFrozen,
        }
    }
}

impl std::fmt::Display for ListStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an election's lists stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListState {
    pub election: ElectionId,
    pub compiled_at: Option<Timestamp>,
    /// The register import the lists were compiled from (None: compiled from a register loaded
    /// with `shailoo load`, or never compiled).
    pub register_import: Option<i64>,
    pub eligible: u64,
    pub ineligible: u64,
    pub published_at: Option<Timestamp>,
    pub posted_at: Option<Timestamp>,
    pub frozen_at: Option<Timestamp>,
}

impl ListState {
    pub fn step_at(&self, step: ListStep) -> Option<Timestamp> {
        match step {
            ListStep::Published => self.published_at,
            ListStep::Posted => self.posted_at,
            ListStep::Frozen => self.frozen_at,
        }
    }
}

/// Voters on the lists of one station or one council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCount {
    /// A station number or a council id.
    pub key: String,
    pub voters: u64,
}

/// What to count by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountBy {
    Station,
    Council,
}

/// A person of the register as staff see them (personal data: for staff whose commission
/// covers the voter only; [`authz`] decides, as `claims::amendments_of_voter` does before the
/// voter page reads this).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonData {
    pub record: RegisterRecord,
}

/// Where a person stands on an election's lists: the answer to "why am I not on the list?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Placement {
    OnList {
        council: CouncilId,
        home_station: StationNumber,
        station: StationNumber,
    },
    NotOnList {
        reasons: Reasons,
        council: Option<CouncilId>,
        home_station: Option<StationNumber>,
    },
    /// In the register, but the lists were compiled before this person was added (or never).
    NotCompiled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoterStatus {
    pub person: RegisterRecord,
    pub placement: Placement,
}

impl VoterStatus {
    /// The station whose commission (and its parents) may see this person's data.
    pub fn station(&self) -> Option<StationNumber> {
        match &self.placement {
            Placement::OnList { home_station, .. } => Some(*home_station),
            Placement::NotOnList { home_station, .. } => *home_station,
            Placement::NotCompiled => None,
        }
    }
}

/// One import in the register's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub import_id: i64,
    pub source: String,
    pub actor: String,
    pub imported_at: Timestamp,
    pub records: u64,
    pub added: u64,
    pub changed: u64,
    pub removed: u64,
    pub unchanged: u64,
    pub duplicate_pins: u64,
}

/// What one import did to one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonChange {
    pub import_id: i64,
    pub imported_at: Timestamp,
    /// `added`, `changed` or `removed`.
    pub kind: String,
}

/// What the voter-list use cases need from a database.
#[async_trait]
pub trait VoterListStore: Send + Sync {
    /// The persons in the population register.
    async fn register_count(&self) -> Result<u64, StoreError>;

    /// Every station area with its station's council.
    async fn served_areas(&self) -> Result<Vec<ServedArea>, StoreError>;

    /// Every territory of the setup: what a register record's settlement must be one of.
    async fn territory_ids(&self) -> Result<Vec<TerritoryId>, StoreError>;

    /// Starts an import (one transaction). With `options.compile`, refuses at once when that
    /// election's lists are frozen. At `finish` it computes the difference and asks [`admit`]
    /// whether to store it: a preview (or a refused re-import) rolls back and stores nothing.
    async fn begin_register_import(
        &self,
        options: ImportOptions,
    ) -> Result<Box<dyn RegisterImport>, VoterListError>;

    /// Recompiles an election's lists from the stored register, replacing them atomically;
    /// refused once the lists are frozen. One audit entry. `progress` hears how many persons
    /// have been assessed as the register is read.
    async fn compile_voter_lists(
        &self,
        compiler: Arc<Compiler>,
        actor: &str,
        at: Timestamp,
        progress: CompileProgressFn<'_>,
    ) -> Result<CompileReport, VoterListError>;

    async fn voter_list_state(
        &self,
        election: &ElectionId,
    ) -> Result<Option<ListState>, StoreError>;

    /// Records a step at `event.at` with its audit entry, after checking, under the write lock,
    /// that the lists are compiled, not frozen, published before posting or freezing, and that
    /// the step was not taken already. The calendar is the caller's business.
    async fn record_list_step(
        &self,
        election: &ElectionId,
        step: ListStep,
        event: AuditEvent,
    ) -> Result<ListState, VoterListError>;

    /// Voters per station or per council, ordered by key.
    async fn list_counts(
        &self,
        election: &ElectionId,
        by: CountBy,
    ) -> Result<Vec<ListCount>, StoreError>;

    /// A person and where they stand; `None` when the PIN is not in the register.
    async fn voter_status(
        &self,
        election: &ElectionId,
        pin: &Pin,
    ) -> Result<Option<VoterStatus>, StoreError>;

    /// The latest imports, newest first.
    async fn register_imports(&self, limit: u32) -> Result<Vec<ImportRecord>, StoreError>;

    /// What the imports did to one person, oldest first.
    async fn register_history(&self, pin: &Pin) -> Result<Vec<PersonChange>, StoreError>;

    /// The PINs the latest extract held more than once.
    async fn register_duplicates(&self) -> Result<Vec<DuplicatedPin>, StoreError>;

    /// The voters on one station's list with their register data, ordered by PIN (a stable
    /// order, not the printed one: `shailoo-print` orders by address and name with Kyrgyz
    /// collation, which neither engine's default collation gets right).
    ///
    /// "On the list" means `voter_list_entries.station`: a voter whose remote-voting application
    /// (VOT-07) was approved is on the remote station's list, not on their home station's.
    ///
    /// The person's data are the register's: [`station_roll`] overlays the accepted claim
    /// corrections (VOT-08, шайлоочулардын тизмесиндеги так эместиктер боюнча арыз / заявление о
    /// неточности в списке) so that every printed list shows them.
    async fn station_voters(
        &self,
        election: &ElectionId,
        station: StationNumber,
    ) -> Result<Vec<StationVoter>, StoreError>;
}

/// One voter on a station's list: the person's register data and the station of their address
/// (different from the list's station for a remote voter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationVoter {
    pub person: RegisterRecord,
    pub home_station: StationNumber,
    /// The street of the person's address in the three languages, from the station areas'
    /// directory (`None` when it names no such street: the register's form is printed).
    pub street: Option<LocalizedName>,
}

/// Everything a station's printed voter list (шайлоочулардын тизмеси / список избирателей)
/// shows: the election, the station, its council and PEC, the names of the settlements in the
/// voters' addresses, and the voters (in the store's order; the printer orders them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StationRoll {
    pub election: Election,
    pub station: PollingStation,
    /// The station's full address, naming its settlement (`StationAddress::full`).
    pub address: LocalizedName,
    pub council: Option<Council>,
    pub commission: Option<Commission>,
    pub settlements: BTreeMap<TerritoryId, LocalizedName>,
    pub state: ListState,
    pub voters: Vec<StationVoter>,
}

/// A station's voters as the list shows them: a PEC's accepted correction (VOT-08), not the
/// register's error.
async fn corrected_voters<S: VoterListStore + ClaimStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    number: StationNumber,
) -> Result<Vec<StationVoter>, VoterListError> {
    let mut voters = store.station_voters(election, number).await?;
    let corrections: HashMap<Pin, crate::claims::DataCorrection> = store
        .list_corrections(election, Some(number))
        .await?
        .into_iter()
        .map(|c| (c.pin, c.data))
        .collect();
    for voter in &mut voters {
        if let Some(correction) = corrections.get(&voter.person.pin) {
            let corrected = correction.apply(&voter.person);
            // A corrected street is printed as the PEC wrote it.
            if corrected.street != voter.person.street {
                voter.street = None;
            }
            voter.person = corrected;
        }
    }
    Ok(voters)
}

/// The names of the voters' settlements (an unknown one by its id).
async fn settlement_names<S: SetupStore + ?Sized>(
    store: &S,
    voters: &[StationVoter],
) -> Result<BTreeMap<TerritoryId, LocalizedName>, VoterListError> {
    let mut settlements = BTreeMap::new();
    for voter in voters {
        let id = &voter.person.settlement;
        if !settlements.contains_key(id) {
            let name = store.territory(id).await?.map_or_else(
                || LocalizedName {
                    ky: id.to_string(),
                    ru: id.to_string(),
                    en: id.to_string(),
                },
                |t| t.name,
            );
            settlements.insert(id.clone(), name);
        }
    }
    Ok(settlements)
}

/// A station's voter list with personal data, for staff whose commission covers the station's
/// PEC (the CLI acts as [`Actor::System`]). Refused before the lists are compiled.
pub async fn station_roll<S: SetupStore + VoterListStore + ClaimStore + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    number: StationNumber,
) -> Result<StationRoll, VoterListError> {
    let station = store
        .station(number)
        .await?
        .ok_or(VoterListError::UnknownStation(number))?;
    let chain = store.commission_chain(&station.commission).await?;
    authz::authorize(actor, Power::PrintVoterList, Target::Within(&chain))
        .map_err(|_| VoterListError::Forbidden(number))?;
    let found = store
        .election(election)
        .await?
        .ok_or_else(|| VoterListError::UnknownElection(election.clone()))?;
    let state = match store.voter_list_state(election).await? {
        Some(s) if s.compiled_at.is_some() => s,
        _ => return Err(VoterListError::NotCompiled(election.clone())),
    };
    let voters = corrected_voters(store, election, number).await?;
    let settlements = settlement_names(store, &voters).await?;
    let address = crate::lookup::station_addresses(store, std::slice::from_ref(&station))
        .await?
        .pop()
        .map_or_else(|| station.address.clone(), |a| a.full().clone());
    Ok(StationRoll {
        address,
        council: store.council(&station.council).await?,
        commission: store.commission(&station.commission).await?,
        election: found,
        station,
        settlements,
        state,
        voters,
    })
}

/// A person's entry as the lists show it: the register's data with the PEC's accepted
/// correction applied (VOT-08), the settlement's name, and where the person stands. What the
/// voter cabinet shows the voter of themself, and what the PEC's claim queue sets beside a
/// claimed correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedEntry {
    /// The register's record, corrected where a correction was accepted.
    pub person: RegisterRecord,
    /// Whether an accepted correction changed what the register says.
    pub corrected: bool,
    /// The settlement of the registered address by name.
    pub settlement: LocalizedName,
    pub placement: Placement,
}

impl ListedEntry {
    /// The value a claim's field has on the list now (dates ISO); `None` for an empty field
    /// and for the station and council, which are not personal data.
    pub fn value(&self, field: crate::claims::Field) -> Option<String> {
        use crate::claims::Field;
        let p = &self.person;
        match field {
            Field::Surname => Some(p.surname.clone()),
            Field::GivenName => Some(p.given_name.clone()),
            Field::Patronymic => p.patronymic.clone(),
            Field::BirthDate => Some(p.birth_date.to_string()),
            Field::Street => Some(p.street.clone()),
            Field::House => Some(p.house.clone()),
            Field::Station | Field::Council => None,
        }
    }
}

/// The entry of `pin` in `election`'s lists; `None` when the PIN is not in the register. The
/// caller has checked who may see it (the voter themself, or staff covering the station).
pub async fn listed_entry<S: SetupStore + VoterListStore + ClaimStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    pin: &Pin,
) -> Result<Option<ListedEntry>, StoreError> {
    let Some(status) = store.voter_status(election, pin).await? else {
        return Ok(None);
    };
    let correction = store.correction_of(election, pin).await?;
    let person = correction
        .as_ref()
        .map_or_else(|| status.person.clone(), |c| c.data.apply(&status.person));
    let id = &person.settlement;
    let settlement = store.territory(id).await?.map_or_else(
        || LocalizedName {
            ky: id.to_string(),
            ru: id.to_string(),
            en: id.to_string(),
        },
        |t| t.name,
    );
    Ok(Some(ListedEntry {
        corrected: person != status.person,
        person,
        settlement,
        placement: status.placement,
    }))
}

/// Compiles an election's lists from the stored register.
pub async fn compile<S: SetupStore + VoterListStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    actor: &str,
    now: Timestamp,
) -> Result<CompileReport, VoterListError> {
    compile_with_progress(store, election, actor, now, &|_| {}).await
}

/// [`compile`], telling `progress` how far it has got (the register page's job, the CLI's bar).
/// Refused once the lists are final by the calendar (the end of CAL-12) or frozen.
pub async fn compile_with_progress<S: SetupStore + VoterListStore + RuleParameterStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    actor: &str,
    now: Timestamp,
    progress: CompileProgressFn<'_>,
) -> Result<CompileReport, VoterListError> {
    calendar_of(store, election)
        .await?
        .check(Action::CompileVoterLists, now)?;
    let compiler = Arc::new(compiler_for(store, election).await?);
    store
        .compile_voter_lists(compiler, actor, now, progress)
        .await
}

/// What an import of the register does beside replacing it, settled before a byte is read.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The lists compiled from the new register in the same transaction: of the election
    /// chosen, or else of the one whose lists are compiled from the register now. A re-import
    /// that left compiled lists as they were would leave them out of step with the register
    /// the printed lists read (removed persons vanish from the print while the look-up still
    /// finds them), so a re-import always compiles them again, and is refused with them once
    /// they are final ([`Action::CompileVoterLists`], the end of CAL-12).
    pub compile: Option<Arc<Compiler>>,
    /// The removal limit of the election's parameters in force (the election compiled, or the
    /// only one in the database; the documented default when there is none).
    pub removal_limit_percent: u8,
}

/// The [`ImportPlan`] of an import, with `chosen` the election whose lists to compile (the
/// register page's "compile too", the CLI's `--compile` / `--election`). Refused when the
/// lists of an election other than `chosen` are compiled: they would be left behind.
pub async fn plan_import<S: SetupStore + VoterListStore + RuleParameterStore + ?Sized>(
    store: &S,
    chosen: Option<&ElectionId>,
) -> Result<ImportPlan, VoterListError> {
    let elections = store.elections().await?;
    let mut compiled = Vec::new();
    for e in &elections {
        if store
            .voter_list_state(&e.id)
            .await?
            .is_some_and(|s| s.compiled_at.is_some())
        {
            compiled.push(e.id.clone());
        }
    }
    let target = chosen.or(compiled.first());
    if let Some(other) = compiled.iter().find(|e| Some(*e) != target) {
        return Err(VoterListError::ListsCompiledFor(other.clone()));
    }
    let compile = match target {
        Some(e) => Some(Arc::new(compiler_for(store, e).await?)),
        None => None,
    };
    let guarded = match (target, elections.as_slice()) {
        (Some(e), _) => Some(e.clone()),
        (None, [only]) => Some(only.id.clone()),
        (None, _) => None,
    };
    let removal_limit_percent = match guarded {
        Some(e) => crate::params::parameters(store, &e).await?,
        None => RuleParameters::default(),
    }
    .register_removal_limit_percent;
    Ok(ImportPlan {
        compile,
        removal_limit_percent,
    })
}

/// The calendar of an election with the CEC's overrides.
pub async fn calendar_of<S: SetupStore + ?Sized>(
    store: &S,
    election: &ElectionId,
) -> Result<Calendar, VoterListError> {
    Ok(setup::calendar(store, election).await?)
}

impl From<ElectionCalendarError> for VoterListError {
    fn from(e: ElectionCalendarError) -> Self {
        match e {
            ElectionCalendarError::Store(e) => VoterListError::Store(e),
            ElectionCalendarError::UnknownElection(id) => VoterListError::UnknownElection(id),
            ElectionCalendarError::Invalid(e) => VoterListError::CalendarInvalid(e),
        }
    }
}

/// Takes a step of the lists at `now`, if the calendar allows it: publication from CAL-02,
/// freezing from the end of CAL-12 until voting opens. Posting needs publication first and is
/// due by the end of CAL-04; a late posting is still recorded (the lists must be posted), and
/// [`StepOutcome::late`] says so.
pub async fn take_step<S: SetupStore + VoterListStore + ?Sized>(
    store: &S,
    election: &ElectionId,
    step: ListStep,
    actor: &str,
    now: Timestamp,
) -> Result<StepOutcome, VoterListError> {
    let calendar = calendar_of(store, election).await?;
    let mut late = None;
    match step {
        ListStep::Published | ListStep::Posted => {
            calendar.check(Action::PublishPreliminaryVoterLists, now)?;
            if step == ListStep::Posted
                && let Some(due) = calendar.get("CAL-04").map(|d| d.closes_at())
                && now >= due
            {
                late = Some(due);
            }
        }
        ListStep::Frozen => calendar.check(Action::FinalizeVoterLists, now)?,
    }
    let event = AuditEvent::new(actor, step.audit_action(), election.as_str(), now)
        .after(&(step.as_str(), now.to_string()));
    let state = store.record_list_step(election, step, event).await?;
    Ok(StepOutcome { state, late })
}

/// The state after a step, and for a posting after CAL-04 the deadline it missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub state: ListState,
    pub late: Option<Timestamp>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use IneligibilityReason as R;
    use jiff::civil::date;
    use shailoo_domain::Sex;
    use shailoo_domain::territory::LocalizedName;

    fn election() -> Election {
        Election {
            id: ElectionId::parse("local-2024").unwrap(),
            name: LocalizedName {
                ky: "a".into(),
                ru: "b".into(),
                en: "c".into(),
            },
            decree_number: "1".into(),
            decree_date: date(2024, 9, 6),
            called_on: date(2024, 9, 6),
            voting_day: date(2024, 11, 17),
            councils: vec![CouncilId::parse("kara-suu").unwrap()],
        }
    }

    fn area(settlement: &str, street: &str, station: u32, council: &str) -> ServedArea {
        ServedArea {
            settlement: TerritoryId::parse(settlement).unwrap(),
            street: street.into(),
            station: StationNumber::new(station).unwrap(),
            council: CouncilId::parse(council).unwrap(),
        }
    }

    fn compiler() -> Compiler {
        Compiler::new(
            &election(),
            &RuleParameters::default(),
            vec![
                area("kara-suu", "Ленин көчөсү", 5001, "kara-suu"),
                area("kara-suu", "Манас көчөсү", 5002, "kara-suu"),
                // A council that does not hold this election.
                area("osh", "Курманжан датка", 9001, "osh"),
            ],
        )
    }

    fn person(serial: u32, settlement: &str, street: &str) -> RegisterRecord {
        let birth = date(1980, 5, 17);
        RegisterRecord {
            pin: Pin::compose(Sex::Female, birth, serial),
            surname: "Асанова".into(),
            given_name: "Айгүл".into(),
            patronymic: None,
            sex: Sex::Female,
            birth_date: birth,
            citizen: true,
            biometrics: true,
            settlement: TerritoryId::parse(settlement).unwrap(),
            street: street.into(),
            house: "1".into(),
            address_registered_on: date(2010, 1, 1),
            residence_stamp: false,
            court_incapable: false,
            imprisoned: false,
        }
    }

    #[test]
    fn an_eligible_person_goes_to_the_station_of_their_street() {
        let c = compiler();
        let a = c.assess(&person(1, "kara-suu", "Манас көчөсү"), false);
        assert!(a.is_eligible());
        assert_eq!(a.station, Some(StationNumber::new(5002).unwrap()));
        assert_eq!(
            c.council_of(a.station.unwrap()).map(CouncilId::as_str),
            Some("kara-suu")
        );
    }

    #[test]
    fn vot_04_address_outside_any_station_area_is_not_on_a_list() {
        let c = compiler();
        let a = c.assess(&person(1, "kara-suu", "Жок көчөсү"), false);
        assert_eq!(a.station, None);
        assert_eq!(a.reasons, Reasons::EMPTY.with(R::AddressOutsideCommunity));
    }

    #[test]
    fn vot_04_address_in_a_council_not_holding_the_election_is_outside_the_community() {
        let c = compiler();
        let a = c.assess(&person(1, "osh", "Курманжан датка"), false);
        assert_eq!(a.station, Some(StationNumber::new(9001).unwrap()));
        assert_eq!(a.reasons, Reasons::EMPTY.with(R::AddressOutsideCommunity));
    }

    #[test]
    fn vot_05_reasons_come_from_the_domain_check() {
        let c = compiler();
        let r = RegisterRecord {
            imprisoned: true,
            biometrics: false,
            ..person(1, "kara-suu", "Ленин көчөсү")
        };
        let a = c.assess(&r, false);
        assert_eq!(
            a.reasons,
            Reasons::EMPTY.with(R::Imprisoned).with(R::NoBiometrics)
        );
        assert_eq!(a.station, Some(StationNumber::new(5001).unwrap()));
    }

    #[test]
    fn vot_06_each_pin_on_exactly_one_list() {
        // The batcher keeps one record per PIN, so no PIN can reach two list rows; the copies
        // are reported, and the compile marks the PIN as a duplicate.
        let c = Arc::new(compiler());
        let mut batcher = ImportBatcher::new(Some(c.clone()), 2, 0);
        let a = person(1, "kara-suu", "Ленин көчөсү");
        let b = person(2, "kara-suu", "Манас көчөсү");
        let mut batches = Vec::new();
        for r in [a.clone(), b.clone(), a.clone(), a.clone()] {
            batches.extend(batcher.add(r));
        }
        assert_eq!(batcher.records(), 4);
        let (last, dups) = batcher.finish();
        batches.push(last);
        let pins: Vec<Pin> = batches
            .iter()
            .flat_map(|b| b.records.iter().map(|r| r.pin))
            .collect();
        assert_eq!(pins, vec![a.pin, b.pin]);
        assert!(batches.iter().all(|b| b.assessed.len() == b.records.len()));
        assert_eq!(
            dups,
            vec![DuplicatedPin {
                pin: a.pin,
                copies: 3
            }]
        );
        let marked = c.assess(&a, true);
        assert_eq!(marked.reasons, Reasons::EMPTY.with(R::DuplicatePin));
    }

    #[test]
    fn compile_report_counts_in_and_out() {
        let mut report = CompileReport::new(&ElectionId::parse("local-2024").unwrap());
        report.count(Reasons::EMPTY, true);
        report.count(Reasons::EMPTY.with(R::UnderAge), true);
        report.count(Reasons::EMPTY, false);
        report.count(Reasons::EMPTY.with(R::UnderAge).with(R::DuplicatePin), true);
        assert_eq!(report.eligible, 0);
        assert_eq!(report.ineligible, 2);
        assert_eq!(report.by_reason["VOT-02_under_age"], 2);
        assert_eq!(report.by_reason["VOT-06_duplicate_pin"], 1);
    }
}
