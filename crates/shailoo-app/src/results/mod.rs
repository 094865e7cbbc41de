//! Results ("ESS", RES-01…RES-11): the use cases that enter, check, accept, correct and
//! aggregate the PEC protocols and determine each council's result.
//!
//! Who does what ([`authz`]): a PEC's operators enter their station's protocols
//! ([`Power::EnterProtocol`], double entry: two different operators, [`enter`]); the TEC
//! above the station resolves a difference ([`resolve`]), accepts or returns ([`accept`],
//! [`return_protocol`]) and corrects an accepted protocol as a new version with a reason
//! ([`correct`]), all [`Power::DecideProtocol`]; the TEC determines the council's result
//! ([`determine()`], [`Power::DetermineResults`]) once every protocol is accepted; the CEC
//! imports the ballot-counting boxes' preliminary counts, kept apart ([`import_preliminary`],
//! [`Power::ImportPreliminaryResults`]). The operator at the command line imports whole
//! protocols as accepted ones ([`import_protocol`], the same checks).
//!
//! Every step asks the calendar: protocols from the close of voting (CAL-16, 20:00) until the
//! end of CAL-17 ([`Action::EnterProtocols`]), the determination likewise
//! ([`Action::DetermineResults`]): after CAL-17 only a CEC override of the deadline reopens
//! it. The workflow itself is the domain's ([`shailoo_domain::results`]); the store runs it
//! under its lock ([`ResultsStore::change_protocol`]) with the audit entry.
//!
//! Which protocols a council expects: a city council, each of its home stations for its
//! party-list contest; an aiyl council, each home station for each district of the approved
//! scheme whose units the station serves. A remote-voting station (VOT-07) may give a
//! protocol for any contest of the election; it counts when accepted but is not awaited.

// The CEC's dashboard (i15-entry).
pub mod dashboard;
pub mod determine;
pub mod err;
pub mod log;
mod model;
pub mod open_data;
mod port;
// The scan of a signed protocol (i15-scan-map).
pub mod scan;

pub use determine::{AGAINST_ALL_ID, CouncilFacts};
pub use log::ResultsLogStore;
pub use model::{
    Change, ChangeFacts, CouncilResult, Determination, DistrictResult, ExplainedStep, OptionResult,
    PreliminaryCount, ProtocolChange, ProtocolKey, ProtocolRecord, ResultsError, apply,
    contest_key, parse_contest_key,
};
pub use port::ResultsStore;

use crate::audit::{AuditAction, AuditEvent};
use crate::authz::{self, Power, Target};
use crate::candidates::{self, CandidacyError, CandidateStore};
use crate::districts::{DistrictSchemeStore, SchemeStatus};
use crate::params::RuleParameterStore;
use crate::setup::{self, SetupStore, StationFilter};
use crate::store::{PageRequest, StoreError};
use crate::users::Actor;
use jiff::Timestamp;
use shailoo_apportionment::Lots;
use shailoo_domain::calendar::{Action, Calendar};
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::district::DistrictId;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::protocol::{BallotOption, Contest, Protocol};
use shailoo_domain::results::Resolution;
use shailoo_domain::territory::{CouncilKind, PollingStation};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, Sex, StationNumber};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Every sub-port the results use cases read.
pub trait ResultsPorts:
    SetupStore + RuleParameterStore + DistrictSchemeStore + CandidateStore + ResultsStore
{
}
impl<T> ResultsPorts for T where
    T: SetupStore
        + RuleParameterStore
        + DistrictSchemeStore
        + CandidateStore
        + ResultsStore
        + ?Sized
{
}

/// A council as the results see it: its facts, the parameters and calendar in force, and the
/// chain of its TEC (for the decide powers). Read once and reused by an import.
#[derive(Debug, Clone)]
pub struct CouncilContext {
    pub election: ElectionId,
    pub facts: CouncilFacts,
    pub params: RuleParameters,
    pub calendar: Calendar,
    /// RES-11: the end of CAL-17 as the law sets it, before any override: a determination
    /// after it is late, even where the CEC moved the deadline.
    pub statutory_deadline: Option<Timestamp>,
    pub tec_chain: Vec<CommissionId>,
    /// The commission chain of each home station (its PEC first), read once: on voting day
    /// stations do not move, and an import of thousands of protocols then reads none again.
    pub station_chains: HashMap<StationNumber, Vec<CommissionId>>,
}

impl CouncilContext {
    /// The options of a contest's ballot, if the council has that contest.
    pub fn options(&self, contest: &Contest) -> Option<Vec<BallotOption>> {
        self.facts
            .ballots
            .iter()
            .find(|b| &b.contest == contest)
            .map(|b| b.options().cloned().collect())
    }
}

/// The stations of a council, or of the whole country (the dashboard groups them itself).
async fn all_stations<S: SetupStore + ?Sized>(
    store: &S,
    council: Option<&CouncilId>,
) -> Result<Vec<PollingStation>, ResultsError> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let got = store
            .stations(&StationFilter {
                council: council.cloned(),
                page: PageRequest {
                    page,
                    per_page: PageRequest::MAX_PER_PAGE,
                },
                ..StationFilter::default()
            })
            .await?;
        let n = got.items.len();
        out.extend(got.items);
        if n < PageRequest::MAX_PER_PAGE as usize || out.len() as u64 >= got.total {
            return Ok(out);
        }
        page += 1;
    }
}

fn ballot_error(e: CandidacyError) -> ResultsError {
    match e {
        CandidacyError::Store(e) => ResultsError::Store(e),
        CandidacyError::UnknownElection(id) => ResultsError::UnknownElection(id),
        other => ResultsError::BallotUnavailable(other.code()),
    }
}

/// Reads what a council's protocols are entered and determined on, at `now` (ballots are
/// fixed once registration closes).
pub async fn council_context<S: ResultsPorts + ?Sized>(
    store: &S,
    election: &ElectionId,
    council: &CouncilId,
    now: Timestamp,
) -> Result<CouncilContext, ResultsError> {
    let found = store
        .council(council)
        .await?
        .ok_or_else(|| ResultsError::UnknownCouncil(council.clone()))?;
    let found_election = store
        .election(election)
        .await?
        .ok_or_else(|| ResultsError::UnknownElection(election.clone()))?;
    let calendar = setup::calendar_of(store, &found_election).await?;
    let statutory_deadline = Calendar::for_election(&found_election, &[])?
        .window(Action::DetermineResults)
        .1;
    let params = crate::params::parameters(store, election).await?;
    let ballots = candidates::ballots(store, election, council, now)
        .await
        .map_err(ballot_error)?;
    let home: Vec<PollingStation> = all_stations(store, Some(council))
        .await?
        .into_iter()
        .filter(|s| !s.remote_voting)
        .collect();
    let (mut expected, district_seats) = match found.kind {
        CouncilKind::City => {
            let expected = home.iter().map(|s| (s.number, Contest::PartyList));
            (expected.collect(), BTreeMap::new())
        }
        CouncilKind::Aiyl => aiyl_expected(store, election, council, &home).await?,
    };
    expected.sort_by_key(|(s, c): &(StationNumber, Contest)| (*s, contest_key(c)));
    let (list_sizes, sexes) = standing_candidates(store, election, council).await?;
    Ok(CouncilContext {
        election: election.clone(),
        facts: CouncilFacts {
            council: found,
            ballots,
            expected,
            district_seats,
            list_sizes,
            sexes,
        },
        params,
        calendar,
        statutory_deadline,
        tec_chain: setup::council_chain(store, council).await?,
        station_chains: station_chains(store, &home).await?,
    })
}

/// An aiyl council's expected protocols, by station and contest (each home station for each
/// district of the approved scheme whose units it serves; none without an approved scheme),
/// and each district's mandates.
async fn aiyl_expected<S: ResultsPorts + ?Sized>(
    store: &S,
    election: &ElectionId,
    council: &CouncilId,
    home: &[PollingStation],
) -> Result<(Vec<(StationNumber, Contest)>, BTreeMap<DistrictId, u32>), ResultsError> {
    let mut expected = Vec::new();
    let mut district_seats = BTreeMap::new();
    let scheme = store
        .district_scheme(council, election)
        .await?
        .filter(|s| s.status == SchemeStatus::Approved);
    let Some(scheme) = scheme else {
        return Ok((expected, district_seats));
    };
    let units = store.district_units(council, None).await?;
    let station_of: HashMap<_, _> = units
        .iter()
        .filter_map(|u| u.station.map(|s| (&u.id, s)))
        .collect();
    let home_numbers: BTreeSet<StationNumber> = home.iter().map(|s| s.number).collect();
    for d in &scheme.districts {
        district_seats.insert(d.id.clone(), d.seats);
        let stations: BTreeSet<StationNumber> = d
            .units
            .iter()
            .filter_map(|u| station_of.get(u).copied())
            .filter(|s| home_numbers.contains(s))
            .collect();
        let contest = Contest::District {
            district: d.id.clone(),
        };
        expected.extend(stations.into_iter().map(|s| (s, contest.clone())));
    }
    Ok((expected, district_seats))
}

/// What the allocation needs of the registered candidacies: each party list's standing
/// candidates (RES-09) and each district candidate's sex (RES-10), by id.
async fn standing_candidates<S: ResultsPorts + ?Sized>(
    store: &S,
    election: &ElectionId,
    council: &CouncilId,
) -> Result<(HashMap<String, u64>, HashMap<String, Sex>), ResultsError> {
    let mut list_sizes = HashMap::new();
    let mut sexes = HashMap::new();
    for record in store.council_nominations(election, council, true).await? {
        let n = &record.nomination;
        match &n.kind {
            NominationKind::CityList { party } => {
                list_sizes.insert(party.to_string(), n.standing().count() as u64);
            }
            NominationKind::District { .. } => {
                for (_, e) in n.standing() {
                    sexes.insert(e.candidate.to_string(), e.identity.sex());
                }
            }
        }
    }
    Ok((list_sizes, sexes))
}

/// The commission chain of each home station, read once for the council's context.
async fn station_chains<S: SetupStore + ?Sized>(
    store: &S,
    home: &[PollingStation],
) -> Result<HashMap<StationNumber, Vec<CommissionId>>, ResultsError> {
    let mut chains = HashMap::with_capacity(home.len());
    for s in home {
        chains.insert(s.number, store.commission_chain(&s.commission).await?);
    }
    Ok(chains)
}

/// The station of a protocol, checked to hold the contest; with its PEC's chain.
async fn station_holding<S: SetupStore + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    station: StationNumber,
    contest: &Contest,
) -> Result<Vec<CommissionId>, ResultsError> {
    if let Some(chain) = ctx.station_chains.get(&station) {
        let held = ctx
            .facts
            .expected
            .iter()
            .any(|(s, c)| *s == station && c == contest);
        return if held {
            Ok(chain.clone())
        } else {
            Err(ResultsError::ContestNotHeld {
                station,
                council: ctx.facts.council.id.clone(),
                contest: contest_key(contest),
            })
        };
    }
    let found = store
        .station(station)
        .await?
        .ok_or(ResultsError::UnknownStation(station))?;
    let held = if found.remote_voting {
        ctx.options(contest).is_some()
    } else {
        ctx.facts
            .expected
            .iter()
            .any(|(s, c)| *s == station && c == contest)
    };
    if !held {
        return Err(ResultsError::ContestNotHeld {
            station,
            council: ctx.facts.council.id.clone(),
            contest: contest_key(contest),
        });
    }
    Ok(store.commission_chain(&found.commission).await?)
}

/// Checks a change before the store runs it (the station holds the contest, who may, the
/// calendar) and gathers what the writer needs.
async fn prepare<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    change: Change,
    now: Timestamp,
) -> Result<ProtocolChange, ResultsError> {
    let station_chain = station_holding(store, ctx, key.station, &key.contest).await?;
    let power = match change {
        Change::Enter { .. } => Power::EnterProtocol,
        Change::Import { .. } => Power::ImportProtocols,
        _ => Power::DecideProtocol,
    };
    authz::authorize(actor, power, Target::Within(&station_chain))
        .map_err(|_| ResultsError::Forbidden)?;
    ctx.calendar.check(Action::EnterProtocols, now)?;
    let options = ctx.options(&key.contest).unwrap_or_default();
    let facts = ChangeFacts {
        options,
        params: ctx.params.clone(),
    };
    let mut event = AuditEvent::new(actor.audit_name(), change.action(), key.subject(), now);
    if let Some(p) = change.protocol() {
        // The entry as given; the store adds the resulting history as the after-digest.
        event = event.before(p);
    }
    Ok(ProtocolChange {
        key: key.clone(),
        change,
        by: actor.audit_name().to_owned(),
        facts,
        event,
    })
}

async fn change<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    change: Change,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    let c = prepare(store, ctx, actor, key, change, now).await?;
    store
        .change_protocol(&c.key, &c.change, &c.by, &c.facts, c.event)
        .await
}

/// An operator enters a station's protocol ([`Power::EnterProtocol`], the PEC of the station).
/// The first entry waits for a second by another operator; equal entries proceed, different
/// ones wait for the TEC with every difference.
pub async fn enter<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    protocol: Protocol,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    let key = ProtocolKey::of(&ctx.election, &ctx.facts.council.id, &protocol);
    change(store, ctx, actor, &key, Change::Enter { protocol }, now).await
}

/// The TEC keeps one of two different entries or orders both entered again.
pub async fn resolve<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    resolution: Resolution,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    change(store, ctx, actor, key, Change::Resolve { resolution }, now).await
}

/// The TEC accepts an entered protocol: no error, and a comment when there are warnings.
pub async fn accept<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    comment: Option<String>,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    change(store, ctx, actor, key, Change::Accept { comment }, now).await
}

/// The TEC returns an entered protocol to the PEC with its reason.
pub async fn return_protocol<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    reason: String,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    change(store, ctx, actor, key, Change::Return { reason }, now).await
}

/// The TEC corrects an accepted protocol: a new version with its reason, entered again.
pub async fn correct<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    key: &ProtocolKey,
    reason: String,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    change(store, ctx, actor, key, Change::Correct { reason }, now).await
}

/// A protocol entered and accepted at once from a file ([`Power::ImportProtocols`]: the
/// operator at the command line): the same checks as the form; an error refuses it, warnings
/// are accepted with `note` as the comment.
pub async fn import_protocol<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    protocol: Protocol,
    note: &str,
    now: Timestamp,
) -> Result<ProtocolRecord, ResultsError> {
    let key = ProtocolKey::of(&ctx.election, &ctx.facts.council.id, &protocol);
    let change_ = Change::Import {
        protocol,
        note: note.to_owned(),
    };
    change(store, ctx, actor, &key, change_, now).await
}

/// [`import_protocol`] for many protocols at once, in one transaction with one durable commit
/// (group commit: the file import's speed). Each protocol is checked as [`import_protocol`]
/// checks it and stays all-or-nothing: a refused one is returned with its error and writes
/// nothing, the others are accepted. The outcomes come in the order of `protocols`, each
/// accepted one committed when this returns `Ok`; an `Err` is the database's failure, and then
/// none of the batch was accepted.
pub async fn import_protocols<S: ResultsPorts + ?Sized>(
    store: &S,
    protocols: Vec<(&CouncilContext, Protocol)>,
    actor: &Actor,
    note: &str,
    now: Timestamp,
) -> Result<Vec<Result<ProtocolRecord, ResultsError>>, StoreError> {
    // The outcome of each protocol: refused before the store, or the index of its change.
    let mut checked: Vec<Result<usize, ResultsError>> = Vec::with_capacity(protocols.len());
    let mut changes = Vec::with_capacity(protocols.len());
    for (ctx, protocol) in protocols {
        let key = ProtocolKey::of(&ctx.election, &ctx.facts.council.id, &protocol);
        let change_ = Change::Import {
            protocol,
            note: note.to_owned(),
        };
        match prepare(store, ctx, actor, &key, change_, now).await {
            Ok(c) => {
                checked.push(Ok(changes.len()));
                changes.push(c);
            }
            Err(ResultsError::Store(e)) => return Err(e),
            Err(e) => checked.push(Err(e)),
        }
    }
    let mut written = store.change_protocols(&changes).await?.into_iter();
    Ok(checked
        .into_iter()
        .map(|c| {
            c.and_then(|_| {
                written.next().unwrap_or_else(|| {
                    Err(ResultsError::Store(StoreError::Backend(
                        "the store returned fewer outcomes than changes".to_owned(),
                    )))
                })
            })
        })
        .collect())
}

/// A council's result as it stands: its counted protocols summed and, once complete,
/// allocated. Public: it reads accepted protocols only.
pub async fn council_result<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    lots: &[Lots],
    lang: &str,
) -> Result<CouncilResult, ResultsError> {
    let counted: Vec<Protocol> = store
        .counted_protocols(&ctx.election, Some(&ctx.facts.council.id))
        .await?
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    determine::determine(&ctx.facts, &counted, &ctx.params, lots, lang)
}

/// The TEC determines a council's result ([`Power::DetermineResults`]) once every expected
/// protocol is accepted, within [`Action::DetermineResults`] (by CAL-17, or a CEC override).
/// `lots` are the drawings the commission recorded for the ties a previous determination
/// reported (RES-08); the result is stored with them, replacing an earlier one.
pub async fn determine<S: ResultsPorts + ?Sized>(
    store: &S,
    ctx: &CouncilContext,
    actor: &Actor,
    lots: Vec<Lots>,
    now: Timestamp,
) -> Result<Determination, ResultsError> {
    authz::authorize(
        actor,
        Power::DetermineResults,
        Target::Within(&ctx.tec_chain),
    )
    .map_err(|_| ResultsError::Forbidden)?;
    ctx.calendar.check(Action::DetermineResults, now)?;
    let result = council_result(store, ctx, &lots, "ky").await?;
    if result.protocols_accepted < result.protocols_expected {
        return Err(ResultsError::Incomplete {
            missing: result.protocols_expected - result.protocols_accepted,
        });
    }
    let determination = Determination {
        election: ctx.election.clone(),
        result,
        lots,
        by: actor.audit_name().to_owned(),
        at: now,
        late: ctx.statutory_deadline.is_some_and(|d| now >= d),
    };
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::CouncilResultDetermined,
        format!("{}/results/{}", ctx.election, ctx.facts.council.id),
        now,
    )
    .after(&determination);
    store
        .record_determination(&ctx.facts.council.id, &determination, event)
        .await?;
    Ok(determination)
}

/// Imports the ballot-counting boxes' preliminary counts (RES-01, [`Power::ImportPreliminaryResults`]:
/// the CEC), kept apart from the protocols and never counted. All or nothing: a count for an
/// unknown council or a contest it does not have refuses the file.
pub async fn import_preliminary<S: ResultsPorts + ?Sized>(
    store: &S,
    actor: &Actor,
    election: &ElectionId,
    counts: Vec<PreliminaryCount>,
    now: Timestamp,
) -> Result<u64, ResultsError> {
    authz::authorize(actor, Power::ImportPreliminaryResults, Target::Nationwide)
        .map_err(|_| ResultsError::Forbidden)?;
    setup::calendar(store, election)
        .await?
        .check(Action::EnterProtocols, now)?;
    let mut contexts: HashMap<CouncilId, CouncilContext> = HashMap::new();
    for c in &counts {
        if !contexts.contains_key(&c.council) {
            let ctx = council_context(store, election, &c.council, now).await?;
            contexts.insert(c.council.clone(), ctx);
        }
        if let Some(ctx) = contexts.get(&c.council) {
            station_holding(store, ctx, c.protocol.station, &c.protocol.contest).await?;
        }
    }
    let event = AuditEvent::new(
        actor.audit_name(),
        AuditAction::PreliminaryCountsImported,
        format!("{election}/preliminary"),
        now,
    )
    .after(&counts);
    Ok(store.import_preliminary(election, &counts, event).await?)
}
