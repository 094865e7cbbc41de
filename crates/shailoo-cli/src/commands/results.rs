//! `shailoo results`: `import` enters a file of PEC protocols (`protocols.jsonl`,
//! `docs/data-formats.md`) as accepted ones, through the same use case and checks as the
//! pages (`shailoo_app::results::import_protocols`: the station holds the contest, the ballot's
//! options exactly, RES-05's errors refuse, warnings are accepted with the import's note as
//! the comment, the calendar's window of protocol entry), one transaction with its audit entry
//! per protocol; `show` prints a council's result as it stands.
//!
//! Exit codes of `import`: 0 every protocol accepted; 1 some refused (each named on standard
//! error as one line of JSON, `{"line", "council", "station", "code", "checks", "message"}`,
//! the others accepted all the same); 2 a file that cannot be read at all.

use super::data::progress_bar;
use super::malformed_input;
use super::register::{AtArg, ElectionArg, pick_election};
use crate::DbArg;
use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use shailoo_app::results::{self, CouncilContext, CouncilResult, ResultsError};
use shailoo_app::{Actor, Store};
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel, BallotLine};
use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::candidate::registry::PersonName;
use shailoo_domain::district::DistrictId;
use shailoo_domain::params::Coded;
use shailoo_domain::protocol::{BallotOption, Contest};
use shailoo_domain::results::StepError;
use shailoo_domain::territory::PollingStation;
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber};
use shailoo_formats::{Candidacies, ProtocolLine, read_protocols};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Subcommand)]
pub enum ResultsCommand {
    /// Enter the protocols of a `protocols.jsonl` file as accepted ones, each through the
    /// checks of the protocol form, all-or-nothing with its audit entry. A protocol with an
    /// error is refused with its code (standard error, one JSON line each); the rest are
    /// accepted. Protocols are committed `--batch` at a time (one durable commit each): a
    /// protocol counts as accepted once its batch is committed. Protocols are entered from
    /// the close of voting (CAL-16, 20:00) until the end of CAL-17: `--at` rehearses another
    /// instant.
    Import {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        /// The protocols file.
        file: PathBuf,
        #[command(flatten)]
        at: AtArg,
        /// Protocols per transaction (1: each in its own).
        #[arg(long, default_value_t = DEFAULT_BATCH, value_parser = clap::value_parser!(u16).range(1..))]
        batch: u16,
    },
    /// A council's result as it stands: status (incomplete, completed, lots_required,
    /// failed), voters who took part, the votes and seats of each option (a city council) or
    /// of each district's candidates with the elected and their reserved flag (an aiyl
    /// council).
    Show {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[arg(long)]
        council: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// The language of the names: ky, ru or en.
        #[arg(long, default_value = "ky")]
        lang: String,
        #[command(flatten)]
        at: AtArg,
    },
    /// Write the election's open data (results.json and CSV per station and contest), its
    /// NIST SP 1500-100 ERR report and the public results log with a new checkpoint signed
    /// with the commission's key (`docs/open-data.md`); `shailoo verify DIR` checks it.
    Export(super::open_data::ExportArgs),
}

/// Protocols per transaction of an import: measured on the national election
/// (BENCHMARKS.md), larger batches gain little more, and a batch holds the write lock.
const DEFAULT_BATCH: u16 = 64;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

pub async fn run(command: ResultsCommand) -> Result<ExitCode> {
    match command {
        ResultsCommand::Export(args) => super::open_data::export(args).await,
        ResultsCommand::Import {
            db,
            election,
            file,
            at,
            batch,
        } => {
            let now = at.instant()?;
            let store = super::connect(&db.db).await?;
            let election = pick_election(store.as_ref(), &election).await?;
            import(store.as_ref(), &election, &file, now, usize::from(batch)).await
        }
        ResultsCommand::Show {
            db,
            election,
            council,
            format,
            lang,
            at,
        } => {
            let Ok(council) = CouncilId::parse(&council) else {
                return Ok(malformed_input(
                    "bad_id",
                    Some("council"),
                    &format!("{council:?} is not a council id"),
                ));
            };
            let now = at.instant()?;
            let store = super::connect(&db.db).await?;
            let election = pick_election(store.as_ref(), &election).await?;
            show(store.as_ref(), &election, &council, format, &lang, now).await
        }
    }
}

/// `results show`: the council's result as it stands, with its recorded drawing of lots.
async fn show(
    store: &dyn Store,
    election: &ElectionId,
    council: &CouncilId,
    format: Format,
    lang: &str,
    now: jiff::Timestamp,
) -> Result<ExitCode> {
    let ctx = match results::council_context(store, election, council, now).await {
        Ok(ctx) => ctx,
        Err(e @ ResultsError::UnknownCouncil(_)) => {
            return Ok(malformed_input(
                e.code().as_str(),
                Some("council"),
                &e.to_string(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    // A recorded drawing of lots (RES-08) completes the allocation it was drawn for.
    let determined = store.determination(election, council).await?;
    let lots = determined
        .as_ref()
        .map(|d| d.lots.clone())
        .unwrap_or_default();
    let result = results::council_result(store, &ctx, &lots, lang).await?;
    match format {
        Format::Json => {
            let mut out = json(&result);
            if let Some(d) = &determined {
                out["determined"] = serde_json::json!({
                    "at": d.at.to_string(), "by": d.by, "late": d.late,
                });
            }
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Format::Text => {
            print!("{}", text(&result));
            if let Some(d) = &determined {
                let late = if d.late { " (late)" } else { "" };
                println!("  determined {} by {}{late}", d.at, d.by);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The refusal of one line, as printed on standard error.
fn refusal(line: u64, council: Option<&CouncilId>, station: Option<u32>, e: &ResultsError) {
    let checks: Vec<&str> = match e {
        ResultsError::Step(
            StepError::ChecksFailed { codes } | StepError::CommentRequired { codes },
        ) => codes.iter().map(|c| c.code()).collect(),
        _ => Vec::new(),
    };
    let body = serde_json::json!({
        "line": line, "council": council, "station": station,
        "code": e.code(), "checks": checks, "message": e.to_string(),
    });
    eprintln!("{body}");
}

/// The comment an imported protocol's warnings are accepted with: the file it came from.
fn import_note(file: &Path) -> String {
    format!(
        "imported from {}",
        file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into()
        )
    )
}

/// What an import has done so far.
#[derive(Default)]
struct Tally {
    accepted: u64,
    refused: u64,
}

/// One batch of the file's protocols through the use case, in one transaction; each council's
/// context is read at its first protocol. Refusals are printed as they are known, acceptances
/// counted once the batch is committed. An error is a failure of the store, which ends the
/// import (the batch's protocols are then not accepted).
async fn import_batch(
    store: &dyn Store,
    election: &ElectionId,
    contexts: &mut HashMap<CouncilId, CouncilContext>,
    batch: Vec<(u64, ProtocolLine)>,
    (note, now): (&str, jiff::Timestamp),
    tally: &mut Tally,
    bar: &indicatif::ProgressBar,
) -> Result<()> {
    let mut refuse = |number: u64, council: &CouncilId, station: u32, e: &ResultsError| {
        tally.refused += 1;
        bar.suspend(|| refusal(number, Some(council), Some(station), e));
    };
    let mut known = Vec::with_capacity(batch.len());
    for (number, line) in batch {
        if let Entry::Vacant(new) = contexts.entry(line.council.clone()) {
            match results::council_context(store, election, new.key(), now).await {
                Ok(ctx) => {
                    new.insert(ctx);
                }
                Err(ResultsError::Store(e)) => return Err(e.into()),
                Err(e) => {
                    refuse(number, &line.council, line.protocol.station.get(), &e);
                    continue;
                }
            }
        }
        known.push((number, line));
    }
    let whom: Vec<(u64, CouncilId, u32)> = known
        .iter()
        .map(|(n, l)| (*n, l.council.clone(), l.protocol.station.get()))
        .collect();
    let items = known
        .into_iter()
        .filter_map(|(_, l)| contexts.get(&l.council).map(|ctx| (ctx, l.protocol)))
        .collect();
    let outcomes = results::import_protocols(store, items, &Actor::System, note, now).await?;
    for ((number, council, station), outcome) in whom.iter().zip(outcomes) {
        match outcome {
            Ok(_) => tally.accepted += 1,
            Err(e) => refuse(*number, council, *station, &e),
        }
    }
    Ok(())
}

async fn import(
    store: &dyn Store,
    election: &ElectionId,
    file: &Path,
    now: jiff::Timestamp,
    batch_size: usize,
) -> Result<ExitCode> {
    let open = || std::fs::File::open(file).with_context(|| format!("opening {}", file.display()));
    let total = match open() {
        Ok(f) => std::io::BufRead::lines(BufReader::new(f)).count() as u64,
        Err(e) => {
            return Ok(malformed_input(
                "unreadable_file",
                Some("file"),
                &format!("{e:#}"),
            ));
        }
    };
    let bar = progress_bar(total, "protocols");
    let note = import_note(file);
    let mut contexts: HashMap<CouncilId, CouncilContext> = HashMap::new();
    let mut tally = Tally::default();
    let mut batch = Vec::with_capacity(batch_size);
    let mut lines = read_protocols(BufReader::new(open()?)).peekable();
    while let Some(item) = lines.next() {
        match item {
            Ok(numbered) => batch.push(numbered),
            Err(e) => {
                tally.refused += 1;
                let body = serde_json::json!({
                    "line": e.line, "council": null, "station": null,
                    "code": e.code(), "checks": [], "message": e.message,
                });
                bar.suspend(|| eprintln!("{body}"));
                bar.inc(1);
            }
        }
        if batch.len() == batch_size || (lines.peek().is_none() && !batch.is_empty()) {
            let n = batch.len() as u64;
            let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
            import_batch(
                store,
                election,
                &mut contexts,
                full,
                (&note, now),
                &mut tally,
                &bar,
            )
            .await?;
            bar.inc(n);
        }
    }
    bar.finish_and_clear();
    println!(
        "{} protocol(s) accepted, {} refused",
        tally.accepted, tally.refused
    );
    Ok(if tally.refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The JSON of `results show`: for a city council `{"council", "status", "took_part",
/// "options": [{"id", "name", "votes", "seats"}]}` ("against all" is an option with no seats);
/// for an aiyl council the same per district, with the elected and their reserved flag.
fn json(r: &CouncilResult) -> serde_json::Value {
    use serde_json::json;
    let options = |options: &[results::OptionResult], districts: bool| -> Vec<serde_json::Value> {
        options
            .iter()
            .map(|o| {
                let mut v = json!({"id": o.id, "name": o.name, "votes": o.votes, "seats": o.seats});
                if districts {
                    v["elected"] = json!(o.seats == Some(1));
                    v["reserved"] = json!(o.reserved);
                }
                v
            })
            .collect()
    };
    let mut out = json!({
        "council": r.council,
        "status": r.status.as_str(),
        "took_part": r.took_part,
        "protocols": {"accepted": r.protocols_accepted, "expected": r.protocols_expected},
    });
    if r.districts.is_empty() {
        out["options"] = json!(options(&r.options, false));
    } else {
        out["districts"] = json!(
            r.districts
                .iter()
                .map(|d| json!({
                    "district": d.district,
                    "status": d.status.as_str(),
                    "seats": d.seats,
                    "took_part": d.took_part,
                    "options": options(&d.options, true),
                }))
                .collect::<Vec<_>>()
        );
    }
    if !r.lots_required.is_empty() {
        out["lots_required"] = json!(r.lots_required);
    }
    out
}

fn text(r: &CouncilResult) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let seats = |o: &results::OptionResult| o.seats.map_or("-".to_owned(), |n| n.to_string());
    let _ = writeln!(
        s,
        "{}: {} (took part {}, protocols {}/{})",
        r.council,
        r.status.as_str(),
        r.took_part,
        r.protocols_accepted,
        r.protocols_expected
    );
    for o in &r.options {
        let _ = writeln!(
            s,
            "  {:>9} votes  {:>3} seats  {}",
            o.votes,
            seats(o),
            o.name
        );
    }
    for d in &r.districts {
        let _ = writeln!(
            s,
            "  district {} ({} seats): {}, took part {}",
            d.district,
            d.seats,
            d.status.as_str(),
            d.took_part
        );
        for o in &d.options {
            let flag = match (o.seats, o.reserved) {
                (Some(1), true) => "elected (reserved)",
                (Some(1), false) => "elected",
                _ => "",
            };
            let _ = writeln!(s, "    {:>9} votes  {}  {flag}", o.votes, o.name);
        }
    }
    for l in &r.lots_required {
        let _ = writeln!(
            s,
            "  lots required ({}): {} for {} seat(s)",
            l.phase,
            l.tied.join(", "),
            l.seats_in_question
        );
    }
    s
}

/// `shailoo bench results`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// An empty database (`sqlite://PATH` or `postgres://…`).
    #[arg(long)]
    pub db: String,
    /// A folder written by `shailoo generate` (its setup, candidacies, schemes and
    /// `protocols.jsonl`).
    #[arg(long)]
    pub data: PathBuf,
    /// Batches entered at once; every write queues on the audit chain.
    #[arg(long, default_value_t = 2)]
    pub tasks: usize,
    /// Protocols per transaction, as `results import --batch` (1: each in its own).
    #[arg(long, default_value_t = DEFAULT_BATCH, value_parser = clap::value_parser!(u16).range(1..))]
    pub batch: u16,
}

/// The registered nominations of the files as ballot lines, by council and contest, in the
/// order of the nominations (a district candidate named by its nomination's id).
fn ballot_lines(
    candidacies: &Candidacies,
) -> Result<HashMap<(CouncilId, Contest), Vec<BallotLine>>> {
    let mut lines: HashMap<(CouncilId, Contest), Vec<BallotLine>> = HashMap::new();
    for n in &candidacies.nominations {
        if !matches!(n.stage, shailoo_formats::NominationStage::Registered { .. }) {
            continue;
        }
        let (contest, option, label) = match &n.kind {
            NominationKind::CityList { party } => {
                let name = candidacies
                    .parties
                    .iter()
                    .find(|p| &p.id == party)
                    .map(|p| p.name.clone())
                    .context("a list of an unknown party")?;
                (
                    Contest::PartyList,
                    BallotOption::Party(party.clone()),
                    BallotLabel::Party { name },
                )
            }
            NominationKind::District { district, .. } => (
                Contest::District {
                    district: district.clone(),
                },
                BallotOption::Candidate(n.id.candidate(1)),
                BallotLabel::Candidate {
                    name: PersonName::new(n.id.as_str(), n.id.as_str(), None)?,
                    birth_year: 1980,
                    nominated_by: None,
                },
            ),
        };
        let contest_lines = lines.entry((n.council.clone(), contest)).or_default();
        contest_lines.push(BallotLine {
            number: contest_lines.len() as u32 + 1,
            option,
            label,
        });
    }
    Ok(lines)
}

/// A council's contests in the files (its party list, or the districts of its scheme) and
/// each district's mandates.
fn council_contests(
    schemes: &[shailoo_formats::CouncilScheme],
    council: &CouncilId,
) -> (Vec<Contest>, BTreeMap<DistrictId, u32>) {
    let Some(s) = schemes.iter().find(|s| &s.council == council) else {
        return (vec![Contest::PartyList], BTreeMap::new());
    };
    let contests = s
        .districts
        .iter()
        .map(|d| Contest::District {
            district: d.id.clone(),
        })
        .collect();
    let seats = s
        .districts
        .iter()
        .map(|d| (d.id.clone(), d.seats))
        .collect();
    (contests, seats)
}

/// The commission chain of each home station of a council.
async fn home_station_chains(
    store: &dyn Store,
    stations: &[PollingStation],
    council: &CouncilId,
) -> Result<HashMap<StationNumber, Vec<CommissionId>>> {
    let mut chains = HashMap::new();
    for st in stations
        .iter()
        .filter(|st| &st.council == council && !st.remote_voting)
    {
        chains.insert(st.number, store.commission_chain(&st.commission).await?);
    }
    Ok(chains)
}

/// The contexts of every council, built from the dataset's files instead of the database:
/// `shailoo load` stores no candidacies yet, so the ballots are the files' registered
/// nominations (the same options `protocols.jsonl` names). Everything else (the calendar, the
/// parameters, the TEC chains) is read from the database as the use case reads it.
async fn contexts_from_files(
    store: &dyn Store,
    election: &ElectionId,
    dir: &Path,
    protocols: &[ProtocolLine],
) -> Result<HashMap<CouncilId, CouncilContext>> {
    let dataset = shailoo_formats::read_setup(dir)?;
    let candidacies = shailoo_formats::read_candidacies(dir)?.unwrap_or_default();
    let schemes = shailoo_formats::read_district_schemes(dir)?.unwrap_or_default();
    let calendar = shailoo_app::setup::calendar(store, election).await?;
    let params = shailoo_app::params::parameters(store, election).await?;
    let mut options = ballot_lines(&candidacies)?;
    let mut expected: HashMap<CouncilId, Vec<(StationNumber, Contest)>> = HashMap::new();
    for l in protocols {
        expected
            .entry(l.council.clone())
            .or_default()
            .push((l.protocol.station, l.protocol.contest.clone()));
    }
    let mut out = HashMap::new();
    for council in &dataset.setup.councils {
        let (contests, district_seats) = council_contests(&schemes, &council.id);
        let ballots = contests
            .into_iter()
            .map(|contest| Ballot {
                election: election.clone(),
                council: council.id.clone(),
                lines: options
                    .remove(&(council.id.clone(), contest.clone()))
                    .unwrap_or_default(),
                against_all: contest == Contest::PartyList,
                contest,
            })
            .collect();
        let ctx = CouncilContext {
            election: election.clone(),
            facts: results::CouncilFacts {
                council: council.clone(),
                ballots,
                expected: expected.remove(&council.id).unwrap_or_default(),
                district_seats,
                list_sizes: HashMap::new(),
                sexes: HashMap::new(),
            },
            params: params.clone(),
            calendar: calendar.clone(),
            statutory_deadline: None,
            tec_chain: shailoo_app::setup::council_chain(store, &council.id).await?,
            station_chains: home_station_chains(store, &dataset.setup.stations, &council.id)
                .await?,
        };
        out.insert(council.id.clone(), ctx);
    }
    Ok(out)
}

/// Loads the dataset's setup into the empty database; returns its election and the setup
/// (the intake bench files at its stations).
pub(crate) async fn load_bench_setup(
    store: &dyn Store,
    data: &Path,
) -> Result<(ElectionId, shailoo_domain::territory::Setup)> {
    anyhow::ensure!(
        store.elections().await?.is_empty(),
        "the bench needs an empty database: use a new one"
    );
    let dataset = shailoo_formats::read_setup(data)?;
    let event = shailoo_app::audit::AuditEvent::new(
        "system",
        shailoo_app::audit::AuditAction::SetupImported,
        "bench",
        jiff::Timestamp::now(),
    );
    store
        .import_setup(&dataset.setup, &dataset.station_areas, event)
        .await?;
    let election = dataset
        .setup
        .elections
        .first()
        .map(|e| e.id.clone())
        .context("the dataset has no election")?;
    Ok((election, dataset.setup))
}

/// Every protocol through `import_protocols`, `batch` to a transaction, by `tasks` workers
/// at once; returns the codes of the refused ones.
async fn ingest(
    store: &Arc<dyn Store>,
    contexts: &Arc<HashMap<CouncilId, CouncilContext>>,
    protocols: Vec<ProtocolLine>,
    (tasks, batch): (usize, usize),
    at: jiff::Timestamp,
) -> Result<Vec<&'static str>> {
    let mut batches = Vec::new();
    let mut protocols = protocols.into_iter().peekable();
    while protocols.peek().is_some() {
        batches.push(protocols.by_ref().take(batch.max(1)).collect::<Vec<_>>());
    }
    let queue = Arc::new(std::sync::Mutex::new(batches.into_iter()));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..tasks.max(1) {
        let (store, contexts, queue) = (store.clone(), contexts.clone(), queue.clone());
        workers.spawn(async move {
            let mut refused = Vec::new();
            loop {
                let next = queue.lock().ok().and_then(|mut q| q.next());
                let Some(lines) = next else { break };
                let items = lines
                    .into_iter()
                    .filter_map(|l| contexts.get(&l.council).map(|ctx| (ctx, l.protocol)))
                    .collect();
                let outcomes =
                    results::import_protocols(store.as_ref(), items, &Actor::System, "bench", at)
                        .await?;
                refused.extend(
                    outcomes
                        .into_iter()
                        .filter_map(|o| o.err())
                        .map(|e| e.code().as_str()),
                );
            }
            Ok::<_, shailoo_app::StoreError>(refused)
        });
    }
    let mut refused = Vec::new();
    while let Some(r) = workers.join_next().await {
        refused.extend(r??);
    }
    Ok(refused)
}

/// The national re-tabulation: every counted protocol in one read, every council determined;
/// prints the timings and the councils' statuses.
async fn retabulate(
    store: &dyn Store,
    election: &ElectionId,
    contexts: &HashMap<CouncilId, CouncilContext>,
) -> Result<()> {
    let started = Instant::now();
    let counted = store.counted_protocols(election, None).await?;
    let read = started.elapsed();
    let mut by_council: HashMap<&CouncilId, Vec<shailoo_domain::protocol::Protocol>> =
        HashMap::new();
    for (council, p) in &counted {
        by_council.entry(council).or_default().push(p.clone());
    }
    let mut statuses: HashMap<&'static str, u64> = HashMap::new();
    for (council, ctx) in contexts {
        let ps = by_council.remove(council).unwrap_or_default();
        let r = results::determine::determine(&ctx.facts, &ps, &ctx.params, &[], "ky")?;
        *statuses.entry(r.status.as_str()).or_default() += 1;
    }
    let tabulation = started.elapsed();
    println!(
        "re-tabulation: {} councils from {} protocols in {:.1} ms (read {:.1} ms); statuses {statuses:?}",
        contexts.len(),
        counted.len(),
        tabulation.as_secs_f64() * 1e3,
        read.as_secs_f64() * 1e3
    );
    Ok(())
}

/// Ingest of every protocol of a generated election (checks, audit entry, durable commit,
/// through `import_protocols` in batches), then the national re-tabulation from the stored
/// protocols.
pub async fn bench(args: BenchArgs) -> Result<ExitCode> {
    let store = super::connect(&args.db).await?;
    let (election, _) = load_bench_setup(store.as_ref(), &args.data).await?;
    let voting_day = store
        .election(&election)
        .await?
        .context("the loaded election")?
        .voting_day;
    let file = args.data.join(shailoo_formats::files::PROTOCOLS);
    let protocols: Vec<_> = read_protocols(BufReader::new(
        std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?,
    ))
    .map(|l| l.map(|(_, p)| p))
    .collect::<Result<_, _>>()?;
    let contexts =
        Arc::new(contexts_from_files(store.as_ref(), &election, &args.data, &protocols).await?);
    let at = shailoo_domain::time::from_bishkek(voting_day, jiff::civil::time(21, 0, 0, 0));
    let n = protocols.len();
    let started = Instant::now();
    let refused = ingest(
        &store,
        &contexts,
        protocols,
        (args.tasks, usize::from(args.batch)),
        at,
    )
    .await?;
    let ingest = started.elapsed();
    anyhow::ensure!(
        refused.is_empty(),
        "{} protocols refused: {:?}",
        refused.len(),
        &refused[..refused.len().min(5)]
    );
    println!(
        "ingest: {n} protocols in {:.1} s = {:.0} protocols/s ({} tasks, batches of {}, {})",
        ingest.as_secs_f64(),
        n as f64 / ingest.as_secs_f64().max(1e-9),
        args.tasks,
        args.batch,
        store.engine()
    );
    retabulate(store.as_ref(), &election, &contexts).await?;
    Ok(ExitCode::SUCCESS)
}
