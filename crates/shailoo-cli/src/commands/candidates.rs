//! `shailoo bench candidate-checks`: the registry checks (CAN-08) of a whole election's
//! candidates against the candidate-registry doubles over HTTP, through the app's bounded
//! concurrency ([`CheckRunner`]).
//!
//! The people are the generator's (the national register's first adults); the double answers
//! for them as `docs/registries.md` documents, each answer after a simulated latency drawn
//! between `--latency-min-ms` and `--latency-max-ms`, and fails the rule of the PIN's profile
//! for a few of them. The 2024 scale (CAN-10): 187 city lists with 4,928 candidates and about
//! 10,000 aiyl candidates, a third of them self-nominees. Every candidate is identified by the
//! civil registry, then checked by the four others (party membership for party nominees only),
//! then judged by the domain's checks (CAN-01, CAN-02, CAN-04, CAN-05, CAN-06, CAN-07, CAN-08).

use anyhow::{Context, Result, ensure};
use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::candidates::{Asked, CandidateRegistries, CheckRunner};
use shailoo_domain::calendar::Calendar;
use shailoo_domain::candidate::checks::{
    CheckContext, CheckOutcome, RegistryAnswers, ReportOutcome, check_nomination,
};
use shailoo_domain::candidate::nomination::{
    Entry, EntryStatus, Nomination, NominationKind, NominationStatus, Rules,
};
use shailoo_domain::candidate::registry::CandidateIdentity;
use shailoo_domain::candidate::{CandidateId, Nominator, Party, PartyId, PartyRegistrationNumber};
use shailoo_domain::params::{Coded, RuleParameters};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, DistrictId, ElectionId, Pin, SeatCount, TerritoryId};
use shailoo_generator::{Generator, Scale, VOTING_DAY};
use shailoo_registries::doubles::{CandidateRegistryDouble, Person, Running};
use shailoo_registries::{
    CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct ChecksArgs {
    /// Candidates to check: the first are on city lists (4,928 at the 2024 scale, 187
    /// lists), the rest aiyl district nominees.
    #[arg(long, default_value_t = 15_000)]
    pub candidates: usize,
    /// Simulated latency of each registry answer, at least…
    #[arg(long, default_value_t = 50)]
    pub latency_min_ms: u64,
    /// …and at most (uniform, drawn from the seed, the PIN and the registry).
    #[arg(long, default_value_t = 200)]
    pub latency_max_ms: u64,
    /// Registry calls in flight at once.
    #[arg(long, default_value_t = 256)]
    pub concurrency: usize,
    #[arg(long, default_value_t = 2024)]
    pub seed: u64,
}

/// City lists at the 2024 scale: 187 lists with 4,928 candidates (CAN-10).
const CITY_LISTS: usize = 187;
const CITY_CANDIDATES: usize = 4_928;

fn name(s: &str) -> LocalizedName {
    LocalizedName {
        ky: s.into(),
        ru: s.into(),
        en: s.into(),
    }
}

fn party(n: usize) -> Result<Party> {
    Ok(Party {
        id: PartyId::parse(&format!("party-{n}"))?,
        name: name(&format!("Party {n}")),
        registration_number: PartyRegistrationNumber::parse(&format!("BENCH-{n}"))?,
    })
}

/// The nominations the candidates are filed in: lists of about 26 on city councils, then one
/// candidate per aiyl district nomination, every third self-nominated.
fn nominations(
    identities: Vec<(CandidateId, CandidateIdentity)>,
    filed: Timestamp,
) -> Result<Vec<(Nomination, Option<Party>)>> {
    let election = ElectionId::parse("local-2024")?;
    let city = identities.len().min(CITY_CANDIDATES);
    let per_list = city.div_ceil(CITY_LISTS).max(1);
    let mut out = Vec::new();
    let mut entries = identities.into_iter().map(|(candidate, identity)| Entry {
        candidate,
        identity,
        filed_at: Some(filed),
        status: EntryStatus::Standing,
    });
    let nomination = |council: &str, kind: NominationKind, entries: Vec<Entry>| -> Result<_> {
        Ok(Nomination {
            election: election.clone(),
            council: CouncilId::parse(council)?,
            kind,
            entries,
            status: NominationStatus::Submitted,
            version: 2,
            created_at: filed,
            updated_at: filed,
            submitted_at: Some(filed),
            decided_at: None,
        })
    };
    let mut done = 0;
    let mut list = 0;
    while done < city {
        let chunk: Vec<Entry> = entries.by_ref().take(per_list.min(city - done)).collect();
        done += chunk.len();
        let p = party(list % 39)?;
        let kind = NominationKind::CityList {
            party: p.id.clone(),
        };
        out.push((nomination(&format!("city-{list}"), kind, chunk)?, Some(p)));
        list += 1;
    }
    for (i, entry) in entries.enumerate() {
        let (nominator, p) = if i % 3 == 0 {
            (Nominator::SelfNominated, None)
        } else {
            let p = party(i % 39)?;
            (Nominator::Party(p.id.clone()), Some(p))
        };
        let kind = NominationKind::District {
            district: DistrictId::parse(&format!("{}", i % 7 + 1))?,
            nominator,
        };
        out.push((
            nomination(&format!("aiyl-{}", i / 40), kind, vec![entry])?,
            p,
        ));
    }
    Ok(out)
}

/// The first `n` adults (21 or older on voting day) of the national register.
fn adults(seed: u64, n: usize) -> Vec<RegisterRecord> {
    let generator = Generator::new(Scale::National, seed);
    let cutoff = date(VOTING_DAY.year() - 21, 11, 17);
    generator
        .persons()
        .filter(|p| p.birth_date <= cutoff)
        .take(n)
        .collect()
}

/// The five registries' double serving `people` at the latency asked for (it stops when the
/// returned handle is dropped), and the runner that asks it through the X-Road adapter.
async fn registries(
    args: &ChecksArgs,
    people: &[RegisterRecord],
) -> Result<(Arc<CandidateRegistryDouble>, Running, CheckRunner)> {
    let double = CandidateRegistryDouble::new(&CandidateServices::default(), args.seed);
    double.extend(
        people
            .iter()
            .map(Person::from_register)
            .collect::<Result<Vec<_>, _>>()
            .context("a generated name")?,
    );
    double.set_latency(
        Duration::from_millis(args.latency_min_ms),
        Duration::from_millis(args.latency_max_ms),
    );
    let running = double
        .serve("127.0.0.1:0".parse()?)
        .await
        .context("starting the registry double")?;
    let adapter = TundukCandidateRegistries::new(CandidateRegistriesConfig {
        security_server: running.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo")?,
        services: CandidateServices::default(),
        timeout: Duration::from_secs(10),
    })?;
    let runner = CheckRunner::new(
        CandidateRegistries::all(Arc::new(adapter)),
        args.concurrency,
    );
    Ok((double, running, runner))
}

/// What the runner asks about every standing candidate of the nominations, in order.
fn asked(nominations: &[(Nomination, Option<Party>)]) -> Vec<Asked> {
    nominations
        .iter()
        .flat_map(|(n, p)| {
            n.standing().map(move |(_, e)| Asked {
                candidate: e.candidate.clone(),
                pin: e.pin(),
                party_nominee: p.is_some(),
            })
        })
        .collect()
}

/// How the domain's checks of every nomination came out: candidates by outcome, failed checks
/// by ground, and checks that could not be made.
struct Tally {
    outcomes: BTreeMap<&'static str, usize>,
    grounds: BTreeMap<&'static str, usize>,
    unchecked: usize,
}

/// Runs the domain's checks of every nomination on the registries' `answers` (in the order
/// of the nominations' standing candidates).
fn tally(
    nominations: &[(Nomination, Option<Party>)],
    answers: Vec<RegistryAnswers>,
) -> Result<Tally> {
    let calendar = Calendar::statutory(date(2024, 9, 6), VOTING_DAY)?;
    let params = RuleParameters::default();
    let rules = Rules {
        calendar: &calendar,
        params: &params,
        seats: SeatCount::new(51)?,
    };
    let anywhere = |_: &TerritoryId| true;
    let nowhere_else = |_: &Pin| false;
    let mut answers = answers.into_iter();
    let mut outcomes: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut grounds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unchecked = 0usize;
    for (n, p) in nominations {
        let these: Vec<_> = n
            .standing()
            .map(|(_, e)| (e.candidate.clone(), answers.next()))
            .map(|(c, a)| a.map(|a| (c, a)))
            .collect::<Option<_>>()
            .context("an answer for every candidate")?;
        let ctx = CheckContext {
            rules,
            party: p.as_ref(),
            in_council_territory: &anywhere,
            candidacy_elsewhere: &nowhere_else,
        };
        let report = check_nomination(n, &these, &ctx)?;
        for e in &report.entries {
            let outcome = match e.outcome() {
                ReportOutcome::Clear => "clear",
                ReportOutcome::Failed => "failed",
                ReportOutcome::Incomplete => "incomplete",
            };
            *outcomes.entry(outcome).or_default() += 1;
            for r in &e.results {
                match r.outcome {
                    CheckOutcome::Fail { ground } => {
                        *grounds.entry(ground.code()).or_default() += 1
                    }
                    CheckOutcome::CouldNotCheck { .. } => unchecked += 1,
                    CheckOutcome::Pass => {}
                }
            }
        }
    }
    Ok(Tally {
        outcomes,
        grounds,
        unchecked,
    })
}

pub async fn bench(args: ChecksArgs) -> Result<ExitCode> {
    ensure!(args.candidates > 0, "--candidates must be at least 1");
    let started = Instant::now();
    let people = adults(args.seed, args.candidates);
    ensure!(
        people.len() == args.candidates,
        "the register has only {} adults",
        people.len()
    );
    let (double, _running, runner) = registries(&args, &people).await?;
    println!(
        "{} candidates, {} registry calls in flight, latency {}–{} ms; people ready in {:.1} s",
        people.len(),
        runner.concurrency(),
        args.latency_min_ms,
        args.latency_max_ms,
        started.elapsed().as_secs_f64()
    );

    let checks_started = Instant::now();
    // 1. Who they are: the civil registry, for every PIN (as filing does).
    let pins: Vec<Pin> = people.iter().map(|p| p.pin).collect();
    let identities = runner.identities(&pins).await;
    let identified = checks_started.elapsed();
    let identities: Vec<(CandidateId, CandidateIdentity)> = identities
        .into_iter()
        .zip(1u32..)
        .map(|(identity, k)| Ok((CandidateId::parse(&format!("b-{k}"))?, identity?)))
        .collect::<Result<_>>()?;
    let filed = from_bishkek(date(2024, 9, 20), time(12, 0, 0, 0));
    let nominations = nominations(identities, filed)?;

    // 2. The four other registries for every candidate, in one bounded stream.
    let answers = runner.answers(&asked(&nominations), Timestamp::now()).await;
    let answered = checks_started.elapsed();

    // 3. The domain's checks of every nomination.
    let Tally {
        outcomes,
        grounds,
        unchecked,
    } = tally(&nominations, answers)?;
    let total = checks_started.elapsed();
    let calls: u64 = shailoo_domain::candidate::registry::Registry::ALL
        .iter()
        .map(|r| double.requests(*r))
        .sum();
    println!(
        "{} nominations; identities in {:.1} s, all registry answers in {:.1} s, checks done in {:.1} s",
        nominations.len(),
        identified.as_secs_f64(),
        answered.as_secs_f64(),
        total.as_secs_f64()
    );
    println!(
        "{calls} registry calls = {:.0} calls/s; candidates {outcomes:?}; could not check: {unchecked}",
        calls as f64 / answered.as_secs_f64()
    );
    println!("failed checks by ground: {grounds:?}");
    Ok(ExitCode::SUCCESS)
}
