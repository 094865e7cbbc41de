//! `shailoo register print`: a station's voter list as PDF (one station, or every station of
//! the election into a folder), and `shailoo bench print`: how fast the lists render.
//!
//! The CLI acts as the operator ([`Actor::System`]), so it may print any station; the web
//! route is the one that checks a staff member's commission.

use super::register::ElectionArg;
use crate::DbArg;
use anyhow::{Context, Result, bail};
use indicatif::ProgressDrawTarget;
use jiff::Timestamp;
use shailoo_app::voters::{self, StationRoll, VoterListError};
use shailoo_app::{Actor, PageRequest, StationFilter, Store};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::voter::{CommunityFacts, VoterCheck};
use shailoo_domain::{ElectionId, StationNumber, TerritoryId};
use shailoo_generator::{Generator, Scale, VOTING_DAY};
use shailoo_print::{Lang, StationList, Variant, Voter};
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// `shailoo register print`.
#[derive(Debug, clap::Args)]
pub struct PrintArgs {
    #[command(flatten)]
    db: DbArg,
    #[command(flatten)]
    election: ElectionArg,
    /// The station whose list to print (with --out).
    #[arg(long, requires = "out", conflicts_with = "all")]
    station: Option<u32>,
    /// `posting` (to post at the station) or `signatures` (the PEC's list for issuing ballots).
    #[arg(long, default_value = "posting")]
    variant: String,
    /// The language of the labels: ky, ru or en.
    #[arg(long, default_value = "ky")]
    lang: String,
    /// The PDF file to write (with --station).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print every station of the election into this folder (`station-N-VARIANT.pdf`).
    #[arg(long, value_name = "DIR", required_unless_present = "station")]
    all: Option<PathBuf>,
}

/// Reads a station's roll, naming the station in the error.
async fn roll(
    store: &dyn Store,
    election: &ElectionId,
    station: StationNumber,
) -> Result<StationRoll> {
    voters::station_roll(store, &Actor::System, election, station)
        .await
        .map_err(|e| match e {
            VoterListError::NotCompiled(_) => {
                anyhow::anyhow!("{e}: compile them first (shailoo register compile)")
            }
            other => anyhow::Error::new(other),
        })
        .with_context(|| format!("reading the list of station {station}"))
}

/// Renders on a blocking thread (Typst is CPU work) and writes the file.
async fn write_list(list: StationList, path: &Path) -> Result<usize> {
    let printed = tokio::task::spawn_blocking(move || shailoo_print::render_counted(&list))
        .await
        .context("the rendering thread failed")??;
    std::fs::write(path, &printed.pdf).with_context(|| format!("writing {}", path.display()))?;
    Ok(printed.pages)
}

pub async fn run(args: PrintArgs) -> Result<ExitCode> {
    let variant = Variant::parse(&args.variant)?;
    let lang = Lang::parse(&args.lang)?;
    let store = super::connect(&args.db.db).await?;
    let election = super::register::pick_election(store.as_ref(), &args.election).await?;
    match (args.station, args.out, args.all) {
        (Some(n), Some(out), None) => {
            let station = StationNumber::new(n).with_context(|| format!("--station {n}"))?;
            let started = Instant::now();
            let roll = roll(store.as_ref(), &election, station).await?;
            let list = StationList::from_roll(&roll, lang, variant, Timestamp::now());
            let voters = list.voters.len();
            let pages = write_list(list, &out).await?;
            println!(
                "station {station}: {voters} voters, {pages} pages → {} ({:.2} s)",
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        (None, None, Some(dir)) => all(store.as_ref(), &election, variant, lang, &dir).await,
        _ => bail!("give --station N --out FILE, or --all DIR"),
    }
}

/// The stations of an election: those of its councils, and the remote-voting stations (which
/// serve voters of every council).
async fn stations_of(store: &dyn Store, election: &ElectionId) -> Result<Vec<StationNumber>> {
    let found = store
        .election(election)
        .await?
        .with_context(|| format!("unknown election {election}"))?;
    let councils: HashSet<_> = found.councils.iter().collect();
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let batch = store
            .stations(&StationFilter {
                page: PageRequest {
                    page,
                    per_page: PageRequest::MAX_PER_PAGE,
                },
                ..StationFilter::default()
            })
            .await?;
        let done = batch.items.is_empty()
            || u64::from(page) * u64::from(PageRequest::MAX_PER_PAGE) >= batch.total;
        out.extend(
            batch
                .items
                .into_iter()
                .filter(|s| s.remote_voting || councils.contains(&s.council))
                .map(|s| s.number),
        );
        if done {
            break;
        }
        page += 1;
    }
    out.sort();
    Ok(out)
}

async fn all(
    store: &dyn Store,
    election: &ElectionId,
    variant: Variant,
    lang: Lang,
    dir: &Path,
) -> Result<ExitCode> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let stations = stations_of(store, election).await?;
    let bar = super::data::progress_bar(stations.len() as u64, "stations");
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let started = Instant::now();
    let (mut voters, mut pages) = (0usize, 0usize);
    for station in &stations {
        let roll = roll(store, election, *station).await?;
        let list = StationList::from_roll(&roll, lang, variant, Timestamp::now());
        voters += list.voters.len();
        let path = dir.join(list.file_name());
        pages += write_list(list, &path).await?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "{} stations, {voters} voters, {pages} pages → {} ({:.1} s)",
        stations.len(),
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

/// `shailoo bench print`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The generator seed of the national data.
    #[arg(long, default_value_t = 2024)]
    seed: u64,
    /// How many times to render the list.
    #[arg(long, default_value_t = 5)]
    runs: u32,
    /// Which list to render.
    #[arg(long, default_value = "signatures")]
    variant: String,
}

/// The eligible voters living on `station`'s streets, with their settlements' names.
fn eligible_voters(generator: &Generator, station: StationNumber) -> Vec<Voter> {
    let streets: HashSet<(&TerritoryId, &str)> = generator
        .station_areas()
        .iter()
        .filter(|a| a.station == station)
        .map(|a| (&a.settlement, a.street.as_str()))
        .collect();
    let names: HashMap<&TerritoryId, &str> = generator
        .setup_ref()
        .territories
        .iter()
        .map(|t| (&t.id, t.name.ky.as_str()))
        .collect();
    let check = VoterCheck::new(VOTING_DAY, &RuleParameters::default());
    generator
        .persons()
        .filter(|p| streets.contains(&(&p.settlement, p.street.as_str())))
        .filter(|p| check.assess(p, CommunityFacts::INSIDE).is_eligible())
        .map(|p| {
            let settlement = names
                .get(&p.settlement)
                .map_or_else(|| p.settlement.to_string(), |n| (*n).to_owned());
            Voter {
                pin: p.pin,
                order_settlement: settlement.clone(),
                order_street: p.street.clone(),
                settlement,
                surname: p.surname,
                given_name: p.given_name,
                patronymic: p.patronymic,
                birth_date: p.birth_date,
                street: p.street,
                house: p.house,
            }
        })
        .collect()
}

/// Renders the list of the largest station of the national generated data (its eligible
/// voters, with the settlement names of the setup) `runs` times on one thread.
pub fn bench(args: BenchArgs) -> Result<ExitCode> {
    let variant = Variant::parse(&args.variant)?;
    let generator = Generator::new(Scale::National, args.seed);
    let Some((station, planned)) = generator
        .station_persons()
        .into_iter()
        .max_by_key(|(_, n)| *n)
    else {
        bail!("the generated data hold no station");
    };
    let started = Instant::now();
    let voters = eligible_voters(&generator, station);
    println!(
        "station {station}: {planned} persons registered, {} eligible voters (found in {:.1} s)",
        voters.len(),
        started.elapsed().as_secs_f64()
    );
    let setup = generator.setup_ref();
    let s = setup.stations.iter().find(|s| s.number == station);
    let list = StationList {
        lang: Lang::Ky,
        variant,
        election: setup
            .elections
            .first()
            .map_or_else(String::new, |e| e.name.ky.clone()),
        voting_day: VOTING_DAY,
        council: s.map_or_else(String::new, |s| s.council.to_string()),
        station,
        address: s.map_or_else(String::new, |s| s.address.ky.clone()),
        pec: s.map_or_else(String::new, |s| s.commission.to_string()),
        printed_at: Timestamp::now(),
        voters,
    };
    // The first render also builds the engine and parses the fonts: reported apart.
    let first = Instant::now();
    let printed = shailoo_print::render_counted(&list)?;
    let first = first.elapsed().as_secs_f64();
    let mut best = f64::INFINITY;
    let mut total = 0.0;
    for _ in 0..args.runs.max(1) {
        let started = Instant::now();
        shailoo_print::render_counted(&list)?;
        let took = started.elapsed().as_secs_f64();
        best = best.min(took);
        total += took;
    }
    let runs = f64::from(args.runs.max(1));
    println!(
        "print ({}): {} voters, {} pages, {} KiB; first render {:.0} ms; {} runs: best {:.0} ms, mean {:.0} ms per station = {:.0} pages/s on one thread",
        variant.as_str(),
        list.voters.len(),
        printed.pages,
        printed.pdf.len() / 1024,
        first * 1e3,
        args.runs.max(1),
        best * 1e3,
        total / runs * 1e3,
        printed.pages as f64 / best
    );
    Ok(ExitCode::SUCCESS)
}
