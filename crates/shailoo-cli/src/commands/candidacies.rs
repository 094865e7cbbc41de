//! Loading the candidacies of a dataset (`shailoo load`, `shailoo demo`): the parties, the
//! approved district schemes, and every nomination brought to its stage through the
//! workflow's own use cases, as `docs/data-formats.md` ("Loading the candidacies") describes.
//!
//! Nothing is written behind the use cases' back: each nomination is opened, filled by PIN
//! (identified by the civil registry), submitted and checked against the registries, and
//! decided, at instants on the dates of `nominations.csv`, so that every stage has its history,
//! check evidence and audit entries, and the calendar (CAL-05, CAL-07…CAL-10) is asked at each
//! step. The registries are the candidate-registry doubles, seeded with the candidates' register
//! records (a failing profile by PIN, `docs/registries.md`), served on a loopback port for the
//! load and again by `serve --demo` for the pages.

use anyhow::{Context, Result, bail};
use futures::stream::{self, StreamExt, TryStreamExt};
use jiff::Timestamp;
use jiff::civil::time;
use shailoo_app::Store;
use shailoo_app::candidates::{
    self, CandidacyError, CandidateDetails, CandidateRegistries, CheckRunner, Decision,
    NominationId, Occupation,
};
use shailoo_app::districts;
use shailoo_app::users::Actor;
use shailoo_domain::calendar::Calendar;
use shailoo_domain::candidate::PartyId;
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::candidate::transitions::TransitionError;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, ElectionId, Pin};
use shailoo_formats::{Candidacies, CandidateRow, CouncilScheme, NominationRow, NominationStage};
use shailoo_registries::doubles::{CandidateRegistryDouble, Person, Running};
use shailoo_registries::{
    CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Nominations filed or decided at once: the registry calls of one overlap the store's writes
/// of another, while the store serialises what must be (CAN-05).
const IN_FLIGHT: usize = 8;

/// The candidate-registry doubles, serving on a loopback port until dropped, and the adapter
/// (with its bounded concurrency) that talks to them as it would to Tunduk.
pub struct Doubles {
    pub runner: CheckRunner,
    _running: Running,
}

impl Doubles {
    /// Starts the doubles, knowing `persons` (their failing profile by PIN).
    pub async fn start(persons: &[RegisterRecord], seed: u64) -> Result<Doubles> {
        let services = CandidateServices::default();
        let double = CandidateRegistryDouble::new(&services, seed);
        double.extend(
            persons
                .iter()
                .map(Person::from_register)
                .collect::<Result<Vec<_>, _>>()
                .context("a candidate's name in the register")?,
        );
        let running = double
            .serve("127.0.0.1:0".parse()?)
            .await
            .context("starting the candidate-registry doubles")?;
        let adapter = TundukCandidateRegistries::new(CandidateRegistriesConfig {
            security_server: running.url(),
            client: XRoadClientId::parse("KG/GOV/70000001/shailoo")?,
            services,
            timeout: Duration::from_secs(10),
        })?;
        let runner = CheckRunner::new(
            CandidateRegistries::all(Arc::new(adapter)),
            candidates::DEFAULT_CONCURRENCY,
        );
        Ok(Doubles {
            runner,
            _running: running,
        })
    }
}

/// One person in this many of the national register is known to the demo's candidate-registry
/// doubles (as the cabinet's passport double and the demo's register sample).
const DEMO_SAMPLE_EVERY: usize = 20;

/// The candidate-registry doubles the demo's server files and checks against (a party
/// representative adds candidates by PIN, a self-nominee files): started on a loopback port,
/// seeded in the background from the demo register's sample, with the failing profile of each
/// PIN (`docs/registries.md`). They stop when the returned handle is dropped.
pub async fn demo_registries(seed: u64) -> Result<(CandidateRegistries, Running)> {
    let services = CandidateServices::default();
    let double = CandidateRegistryDouble::new(&services, seed);
    let running = double
        .serve("127.0.0.1:0".parse()?)
        .await
        .context("starting the candidate-registry doubles")?;
    let adapter = TundukCandidateRegistries::new(CandidateRegistriesConfig {
        security_server: running.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo")?,
        services,
        timeout: Duration::from_secs(10),
    })?;
    // A plain thread, as the passport double's seeding: the process ending stops it.
    std::thread::spawn(move || {
        let generator = shailoo_generator::Generator::new(shailoo_generator::Scale::National, seed);
        let mut batch = Vec::with_capacity(10_000);
        for record in generator.persons_sample(DEMO_SAMPLE_EVERY) {
            if let Ok(person) = Person::from_register(&record) {
                batch.push(person);
            }
            if batch.len() == batch.capacity() {
                double.extend(batch.drain(..));
            }
        }
        double.extend(batch);
        println!(
            "candidate filing: the candidate-registry doubles know {} persons",
            double.len()
        );
    });
    Ok((CandidateRegistries::all(Arc::new(adapter)), running))
}

/// What a load did, for the operator.
#[derive(Debug, Default)]
pub struct Loaded {
    pub registered: usize,
    pub submitted: usize,
    pub refused: usize,
    pub drafts: usize,
    /// Draft filings the rules refused at the door, as the files say they would be.
    pub refused_at_door: usize,
    /// Candidates left out of registered lists with their ground.
    pub excluded: usize,
}

/// The elections of `store` and their statutory calendars.
async fn calendars(store: &dyn Store) -> Result<HashMap<ElectionId, Calendar>> {
    store
        .elections()
        .await?
        .iter()
        .map(|e| Ok((e.id.clone(), Calendar::for_election(e, &[])?)))
        .collect()
}

/// Registers the parties (the CEC, on the day the election is called) and brings the district
/// schemes through submission by the TEC and approval by the CEC the day after (before
/// CAL-05): before the voter lists are compiled, so that the schemes are judged, as they were
/// drawn, on the units' estimated voters. Returns (parties, schemes).
pub async fn load_parties_and_schemes(
    store: &dyn Store,
    schemes: &[CouncilScheme],
    files: &Candidacies,
) -> Result<(usize, usize)> {
    let calendars = calendars(store).await?;
    for party in &files.parties {
        candidates::add_party(
            store,
            &Actor::System,
            party.clone(),
            at_first_day(&calendars, 9)?,
        )
        .await
        .with_context(|| format!("registering party {}", party.id))?;
    }
    for scheme in schemes {
        approve_scheme(store, &calendars, scheme).await?;
    }
    Ok((files.parties.len(), schemes.len()))
}

/// The election of a council (the latest electing it).
type ElectionOf<'a> = &'a (dyn Fn(&CouncilId) -> Result<ElectionId> + Sync);

/// A nomination of the files with its candidates, and its id once filed.
type Filed<'f> = (NominationId, &'f NominationRow, &'f [CandidateRow]);

/// Brings every nomination of `files` to its stage (see the module documentation), once
/// [`load_parties_and_schemes`] has run; the registries are `doubles`.
pub async fn load(store: &dyn Store, doubles: &Doubles, files: &Candidacies) -> Result<Loaded> {
    let started = Instant::now();
    let mut loaded = Loaded::default();
    let elections = store.elections().await?;
    let election_of = |council: &CouncilId| -> Result<ElectionId> {
        elections
            .iter()
            .filter(|e| e.councils.contains(council))
            .max_by_key(|e| e.voting_day)
            .map(|e| e.id.clone())
            .with_context(|| format!("no election elects council {council}"))
    };
    let calendars = calendars(store).await?;
    let by_nomination = files.by_nomination();
    let runner = &doubles.runner;
    let ids = file_all(store, runner, &election_of, &by_nomination).await?;
    loaded.excluded = decide_all(store, &election_of, &ids).await?;
    for (_, row, _) in &ids {
        match row.stage {
            NominationStage::Registered { .. } => loaded.registered += 1,
            NominationStage::Refused { .. } => loaded.refused += 1,
            NominationStage::Submitted { .. } => loaded.submitted += 1,
            NominationStage::Draft { .. } => {}
        }
    }
    for (row, rows) in by_nomination
        .iter()
        .filter(|(n, _)| matches!(n.stage, NominationStage::Draft { .. }))
    {
        let election = election_of(&row.council)?;
        let refused =
            load_draft(store, runner, &calendars[&election], &election, row, rows).await?;
        loaded.drafts += 1;
        loaded.refused_at_door += usize::from(refused && row.stage.ground().is_some());
    }
    tracing::info!(
        seconds = started.elapsed().as_secs_f64(),
        "candidacies loaded"
    );
    Ok(loaded)
}

/// Step 2: the filed nominations, prepared and filed in the order they were filed.
async fn file_all<'f>(
    store: &dyn Store,
    runner: &CheckRunner,
    election_of: ElectionOf<'_>,
    by_nomination: &[(&'f NominationRow, &'f [CandidateRow])],
) -> Result<Vec<Filed<'f>>> {
    let mut filed: Vec<_> = by_nomination
        .iter()
        .filter_map(|(n, c)| n.stage.filed_on().map(|d| (d, *n, *c)))
        .collect();
    filed.sort_by_key(|(d, _, _)| *d);
    stream::iter(filed)
        .map(|(day, row, rows)| {
            let election = election_of(&row.council);
            async move {
                let election = election?;
                let at = from_bishkek(day, time(10, 0, 0, 0));
                let id = prepare(store, runner, &election, row, rows, at)
                    .await?
                    .context("a filed nomination refused at the door")?;
                let record = candidates::nomination(store, &Actor::System, &election, id).await?;
                let seen = record.nomination.content();
                let at = from_bishkek(day, time(11, 0, 0, 0));
                candidates::submit(store, runner, &Actor::System, &election, id, seen, at)
                    .await
                    .with_context(|| format!("filing {}", row.id))?;
                Ok::<_, anyhow::Error>((id, row, rows))
            }
        })
        .buffered(IN_FLIGHT)
        .try_collect()
        .await
}

/// Step 3: the TEC's decisions, in the order they were taken; how many list candidates were left
/// out.
async fn decide_all(
    store: &dyn Store,
    election_of: ElectionOf<'_>,
    ids: &[Filed<'_>],
) -> Result<usize> {
    let mut decided: Vec<_> = ids
        .iter()
        .filter_map(|(id, row, rows)| row.stage.decided_on().map(|d| (d, *id, *row, *rows)))
        .collect();
    decided.sort_by_key(|(d, _, _, _)| *d);
    stream::iter(decided)
        .map(|(day, id, row, rows)| {
            let election = election_of(&row.council);
            async move {
                let election = election?;
                let at = from_bishkek(day, time(15, 0, 0, 0));
                decide(store, &election, id, row, rows, at).await
            }
        })
        .buffered(IN_FLIGHT)
        .try_fold(0, |sum, n| async move { Ok(sum + n) })
        .await
}

/// Step 4: a draft, prepared while its nomination window is open; a draft the files say is refused
/// at the door is tried, and must be. Whether it was refused.
async fn load_draft(
    store: &dyn Store,
    runner: &CheckRunner,
    calendar: &Calendar,
    election: &ElectionId,
    row: &NominationRow,
    rows: &[CandidateRow],
) -> Result<bool> {
    let at = draft_instant(calendar, &row.kind)?;
    let Some(id) = prepare(store, runner, election, row, rows, at).await? else {
        return Ok(true);
    };
    let Some(ground) = row.stage.ground() else {
        return Ok(false);
    };
    let record = candidates::nomination(store, &Actor::System, election, id).await?;
    let seen = record.nomination.content();
    let tried = candidates::submit(store, runner, &Actor::System, election, id, seen, at).await;
    match tried {
        Err(_) => Ok(true),
        Ok(_) => bail!(
            "draft {} was meant to be refused on filing ({ground}) but was accepted",
            row.id
        ),
    }
}

/// The first day of the earliest election's calendar (CAL-01) at `hour`, Bishkek time.
fn at_first_day(calendars: &HashMap<ElectionId, Calendar>, hour: i8) -> Result<Timestamp> {
    calendars
        .values()
        .filter_map(|c| c.get("CAL-01").map(|d| d.date))
        .min()
        .map(|d| from_bishkek(d, time(hour, 0, 0, 0)))
        .context("no election is called")
}

/// The instant a draft is prepared: the morning the nomination window of its kind closes
/// (CAL-07 for city lists, CAL-09 for aiyl nominations), or the demo's morning if earlier.
fn draft_instant(calendar: &Calendar, kind: &NominationKind) -> Result<Timestamp> {
    let rule = match kind {
        NominationKind::CityList { .. } => "CAL-07",
        NominationKind::District { .. } => "CAL-09",
    };
    let closes = calendar
        .get(rule)
        .map(|d| d.date)
        .with_context(|| format!("the calendar has no {rule}"))?;
    let day = closes.min(shailoo_generator::AS_OF);
    Ok(from_bishkek(day, time(8, 0, 0, 0)))
}

/// Submits `scheme` for its council (the TEC, the day after the calling) and approves it (the
/// CEC, that afternoon).
async fn approve_scheme(
    store: &dyn Store,
    calendars: &HashMap<ElectionId, Calendar>,
    scheme: &CouncilScheme,
) -> Result<()> {
    let ctx = districts::council_districting(store, &scheme.council)
        .await
        .with_context(|| format!("the districting of {}", scheme.council))?;
    let called = calendars
        .get(&ctx.election.id)
        .and_then(|c| c.get("CAL-01"))
        .map(|d| d.date)
        .context("the election has no CAL-01")?;
    let next = called.tomorrow()?;
    let submitted = from_bishkek(next, time(10, 0, 0, 0));
    districts::submit_districts(
        store,
        &ctx,
        &Actor::System,
        scheme.districts.clone(),
        submitted,
    )
    .await
    .with_context(|| format!("submitting the districts of {}", scheme.council))?;
    let ctx = districts::council_districting(store, &scheme.council).await?;
    let approved = from_bishkek(next, time(16, 0, 0, 0));
    districts::approve(store, &ctx, &Actor::System, approved)
        .await
        .with_context(|| format!("approving the districts of {}", scheme.council))?;
    Ok(())
}

/// The filer's details of a candidate row: the occupation as stated.
fn details(row: &CandidateRow) -> Result<CandidateDetails> {
    Ok(CandidateDetails {
        occupation: Occupation::parse(&row.occupation)
            .with_context(|| format!("the occupation of {} in {}", row.pin, row.nomination))?,
        program: None,
    })
}

/// Opens the draft of `row` and adds its candidates in list order at `at`. `None` when the
/// door refuses a candidate as the row's ground says it would (CAN-01 under age).
async fn prepare(
    store: &dyn Store,
    runner: &CheckRunner,
    election: &ElectionId,
    row: &NominationRow,
    rows: &[CandidateRow],
    at: Timestamp,
) -> Result<Option<NominationId>> {
    let registries = runner.registries();
    let (first, rest) = match row.kind {
        NominationKind::District { .. } => {
            let c = rows
                .first()
                .context("a district nomination without candidate")?;
            (Some((c.pin, details(c)?)), &rows[1..])
        }
        NominationKind::CityList { .. } => (None, rows),
    };
    let opened = candidates::open_loaded_nomination(
        store,
        registries,
        &Actor::System,
        election,
        &row.council,
        row.kind.clone(),
        &row.id.reference(),
        first,
        at,
    )
    .await;
    let id = match opened {
        Ok(record) => record.id,
        Err(e) if refused_at_door(row, &e) => return Ok(None),
        Err(e) => {
            return Err(e).with_context(|| format!("opening nomination {}", row.id));
        }
    };
    for c in rest {
        let added = candidates::add_candidate(
            store,
            registries,
            &Actor::System,
            election,
            id,
            c.pin,
            details(c)?,
            at,
        )
        .await;
        match added {
            Ok(_) => {}
            Err(e) if refused_at_door(row, &e) => return Ok(None),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("adding {} to nomination {}", c.pin, row.id));
            }
        }
    }
    Ok(Some(id))
}

/// Whether `error` is the refusal a draft row's ground announces.
fn refused_at_door(row: &NominationRow, error: &CandidacyError) -> bool {
    let Some(ground) = row.stage.ground() else {
        return false;
    };
    matches!(row.stage, NominationStage::Draft { .. })
        && matches!(
            error,
            CandidacyError::Transition(TransitionError::Candidate { ground: g, .. }) if *g == ground
        )
}

/// The TEC's decision of `row` at `at`; returns how many list candidates it left out.
async fn decide(
    store: &dyn Store,
    election: &ElectionId,
    id: NominationId,
    row: &NominationRow,
    rows: &[CandidateRow],
    at: Timestamp,
) -> Result<usize> {
    let decision = match row.stage {
        NominationStage::Registered { .. } => {
            let record = candidates::nomination(store, &Actor::System, election, id).await?;
            let by_pin: BTreeMap<Pin, _> = record
                .nomination
                .standing()
                .map(|(_, e)| (e.pin(), e.candidate.clone()))
                .collect();
            let excluded = rows
                .iter()
                .filter_map(|r| r.ground.map(|g| (r.pin, g)))
                .map(|(pin, g)| {
                    by_pin
                        .get(&pin)
                        .cloned()
                        .map(|c| (c, g))
                        .with_context(|| format!("{pin} is not on nomination {}", row.id))
                })
                .collect::<Result<Vec<_>>>()?;
            Decision::Register { excluded }
        }
        NominationStage::Refused { ground, .. } => Decision::Refuse { ground },
        NominationStage::Draft { .. } | NominationStage::Submitted { .. } => return Ok(0),
    };
    let left_out = match &decision {
        Decision::Register { excluded } => excluded.len(),
        Decision::Refuse { .. } => 0,
    };
    candidates::decide(store, &Actor::System, election, id, decision, at)
        .await
        .with_context(|| format!("deciding on nomination {}", row.id))?;
    Ok(left_out)
}

/// Sets the order of every city ballot whose registration has closed by `now` (the TEC's
/// drawing of lots, RES-02): the parties of RES-12 first, in their order, then the others by
/// id. Before registration closes nothing is set: the ballot is not fixed yet.
pub async fn set_ballot_orders(store: &dyn Store, now: Timestamp) -> Result<usize> {
    let mut set = 0;
    for election in store.elections().await? {
        let calendar = Calendar::for_election(&election, &[])?;
        if calendar
            .check(shailoo_domain::calendar::Action::SetBallotOrder, now)
            .is_err()
        {
            continue;
        }
        set += set_election_ballot_orders(store, &election, now).await?;
    }
    Ok(set)
}

/// A loaded dataset is a whole election, protocols included, so its city ballots are fixed as
/// the TEC fixes them: at the instant registration closes (CAL-08), when the order may be set.
/// Only for the elections where that instant is not after `by` (the demo's clock; a load
/// passes [`Timestamp::MAX`]): a ballot is never fixed in the future.
pub async fn fix_ballots_when_registration_closes(
    store: &dyn Store,
    by: Timestamp,
) -> Result<usize> {
    let mut set = 0;
    for election in store.elections().await? {
        let calendar = Calendar::for_election(&election, &[])?;
        let (Some(opens), _) = calendar.window(shailoo_domain::calendar::Action::SetBallotOrder)
        else {
            continue;
        };
        if opens > by {
            continue;
        }
        set += set_election_ballot_orders(store, &election, opens).await?;
    }
    Ok(set)
}

/// [`set_ballot_orders`] for one election, whose window is open at `now`.
async fn set_election_ballot_orders(
    store: &dyn Store,
    election: &shailoo_domain::territory::Election,
    now: Timestamp,
) -> Result<usize> {
    let winners: Vec<PartyId> = shailoo_generator::BISHKEK_WINNERS
        .iter()
        .map(|p| PartyId::parse(p))
        .collect::<Result<_, _>>()?;
    let mut set = 0;
    {
        for council in &election.councils {
            let registered = store
                .council_nominations(&election.id, council, true)
                .await?;
            let mut parties: Vec<PartyId> = registered
                .iter()
                .filter_map(|r| match &r.nomination.kind {
                    NominationKind::CityList { party } => Some(party.clone()),
                    NominationKind::District { .. } => None,
                })
                .collect();
            if parties.is_empty() {
                continue;
            }
            parties.sort_by_key(|p| {
                let winner = winners.iter().position(|w| w == p);
                (winner.unwrap_or(usize::MAX), p.clone())
            });
            candidates::set_ballot_order(
                store,
                &Actor::System,
                &election.id,
                council,
                parties,
                now,
            )
            .await
            .with_context(|| format!("setting the ballot order of {council}"))?;
            set += 1;
        }
    }
    Ok(set)
}
