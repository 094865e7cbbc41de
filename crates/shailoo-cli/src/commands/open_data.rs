//! `shailoo results export` writes an election's open data, its NIST ERR report and its signed
//! public results log into a directory (`docs/open-data.md`); `shailoo verify DIR` checks such a
//! directory with no database: the log's signatures and chain, then every file derived from
//! it, every sum and every council's seats recomputed from the log's protocols alone.
//!
//! Exit codes of `verify`: 0 everything holds; 1 the first difference, named on standard error;
//! 2 a directory whose files cannot be read.

use super::audit::read_signer;
use super::register::{AtArg, ElectionArg, pick_election};
use crate::DbArg;
use anyhow::{Context, Result, bail};
use clap::Args;
use shailoo_app::Actor;
use shailoo_app::audit::checkpoint::{SignedCheckpoint, SystemLabel};
use shailoo_app::results::log::{self, LogEntry};
use shailoo_app::results::open_data::{ContestResults, CouncilResults, ElectionResults};
use shailoo_app::results::{contest_key, err, open_data};
use shailoo_app::signing::PublicKey;
use shailoo_apportionment::{
    CandidateVotes, DistrictInput, ListVotes, Lots, Outcome, PartyListInput, Sex as SeatSex,
    ThresholdBase as SeatBase, UnfilledListSeats as SeatUnfilled, allocate_district,
    allocate_party_list,
};
use shailoo_domain::params::{ThresholdBase, UnfilledListSeats};
use shailoo_domain::protocol::{BallotOption, Contest, Protocol};
use shailoo_domain::results::ResultStatus;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, Sex};
use shailoo_formats::open_data::{
    PROTOCOLS_CSV, ProtocolRow, RESULTS_CSV, ResultRow, VOTES_CSV, protocols_csv, results_csv,
    votes_csv,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The files of an export directory.
pub const RESULTS_JSON: &str = "results.json";
pub const PROTOCOLS_JSONL: &str = "protocols.jsonl";
pub const ERR_JSON: &str = "err.json";
pub const LOG_ENTRIES: &str = "log/entries.jsonl";
pub const LOG_CHECKPOINTS: &str = "log/checkpoints.json";
pub const PUBLIC_KEY: &str = "public-key.pem";

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub election: ElectionArg,
    /// The directory to write (created; files in it are replaced).
    #[arg(long)]
    pub out: PathBuf,
    /// The commission's private key (from `audit keygen` or `openssl genpkey -algorithm
    /// ed25519`): it signs a checkpoint of the results log.
    #[arg(long, env = "SHAILOO_AUDIT_KEY")]
    pub key: PathBuf,
    /// The election system the checkpoint speaks of, as the public knows it.
    #[arg(long, env = "SHAILOO_SYSTEM", default_value = "shailoo")]
    pub system: String,
    #[command(flatten)]
    pub at: AtArg,
}

/// The application that made a report, as ERR records it.
fn vendor() -> String {
    format!("shailoo {}", env!("CARGO_PKG_VERSION"))
}

/// The files derived from the log's counted protocols and `results.json`, by name: what
/// `export` writes and `verify` recomputes byte for byte.
fn derived_files(
    results: &ElectionResults,
    counted: &[(CouncilId, Protocol)],
    vendor: &str,
) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let keys: Vec<String> = counted
        .iter()
        .map(|(_, p)| contest_key(&p.contest))
        .collect();
    let rows: Vec<ProtocolRow<'_>> = counted
        .iter()
        .zip(&keys)
        .map(|((council, protocol), contest)| ProtocolRow {
            council,
            contest,
            protocol,
        })
        .collect();
    let mut jsonl = Vec::new();
    for (council, protocol) in counted {
        let line = shailoo_formats::ProtocolLine {
            council: council.clone(),
            protocol: protocol.clone(),
        };
        serde_json::to_writer(&mut jsonl, &line)?;
        jsonl.push(b'\n');
    }
    let report = err::election_report(results, counted, vendor);
    let mut err_json = serde_json::to_vec_pretty(&report)?;
    err_json.push(b'\n');
    Ok(vec![
        (PROTOCOLS_JSONL, jsonl),
        (PROTOCOLS_CSV, protocols_csv(&rows)),
        (VOTES_CSV, votes_csv(&rows)),
        (RESULTS_CSV, results_csv_of(results)),
        (ERR_JSON, err_json),
    ])
}

/// `results.csv` of `results.json`.
fn results_csv_of(results: &ElectionResults) -> Vec<u8> {
    let mut keys: Vec<String> = Vec::new();
    for c in &results.councils {
        keys.extend(c.contests.iter().map(|x| contest_key(&x.contest)));
    }
    let mut rows: Vec<ResultRow<'_>> = Vec::new();
    let mut key = keys.iter();
    for c in &results.councils {
        for x in &c.contests {
            let contest = key.next().map_or("", String::as_str);
            let official = c.determined.is_some();
            for o in &x.options {
                rows.push(ResultRow {
                    council: c.council.as_str(),
                    contest,
                    status: x.status.as_str(),
                    official,
                    option: &o.id,
                    name: [&o.name.ky, &o.name.ru, &o.name.en],
                    votes: o.votes,
                    seats: o.seats,
                    reserved: o.reserved,
                });
            }
            if let Some(votes) = x.against_all {
                rows.push(ResultRow {
                    council: c.council.as_str(),
                    contest,
                    status: x.status.as_str(),
                    official,
                    option: "against_all",
                    name: ["Баарына каршы", "Против всех", "Against all"],
                    votes,
                    seats: None,
                    reserved: false,
                });
            }
        }
    }
    results_csv(&rows)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
}

/// `shailoo results export`.
pub async fn export(args: ExportArgs) -> Result<ExitCode> {
    let now = args.at.instant()?;
    let signer = read_signer(&args.key)?;
    let system = SystemLabel::parse(&args.system).map_err(anyhow::Error::msg)?;
    let store = super::connect(&args.db.db).await?;
    let store = store.as_ref();
    let election = pick_election(store, &args.election).await?;
    // The log first: what is published is summed from it, and its head is what is signed, so
    // a protocol accepted meanwhile waits for the next export.
    let entries = log::whole_log(store, &election).await?;
    let head = entries.last().map_or_else(log::genesis, LogEntry::head);
    log::sign_log(
        store,
        &Actor::System,
        &election,
        &head,
        system,
        &signer,
        now,
    )
    .await?;
    let checkpoints = store.log_checkpoints(&election).await?;
    let counted = log::counted_of(&entries);
    let results = open_data::election_results(store, &election, &counted, now).await?;

    let dir = &args.out;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut text = serde_json::to_vec_pretty(&results)?;
    text.push(b'\n');
    write(dir, RESULTS_JSON, &text)?;
    for (name, bytes) in derived_files(&results, &counted, &vendor())? {
        write(dir, name, &bytes)?;
    }
    let mut lines = Vec::new();
    for e in &entries {
        serde_json::to_writer(&mut lines, e)?;
        lines.push(b'\n');
    }
    write(dir, LOG_ENTRIES, &lines)?;
    let all: Vec<serde_json::Value> = checkpoints
        .iter()
        .map(|c| serde_json::from_str(&c.to_json()))
        .collect::<Result<_, _>>()?;
    let mut text = serde_json::to_vec_pretty(&all)?;
    text.push(b'\n');
    write(dir, LOG_CHECKPOINTS, &text)?;
    let pem = signer.public_key().to_pem()?;
    write(dir, PUBLIC_KEY, pem.as_bytes())?;
    println!(
        "exported {} council(s), {} protocol(s), a log of {} entries signed at entry {} into {}",
        results.councils.len(),
        counted.len(),
        entries.len(),
        head.seq,
        dir.display()
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// verify

/// A difference between what a directory says and what its log gives: exit 1.
struct Difference(String);

fn differ(what: impl Into<String>) -> Difference {
    Difference(what.into())
}

/// What `verify` read.
struct Export {
    results: ElectionResults,
    entries: Vec<LogEntry>,
    checkpoints: Vec<SignedCheckpoint>,
    key: PublicKey,
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
}

fn read_export(dir: &Path, pinned: Option<&Path>) -> Result<Result<Export, Difference>> {
    let results: ElectionResults = match serde_json::from_slice(&read(dir, RESULTS_JSON)?) {
        Ok(r) => r,
        Err(e) => return Ok(Err(differ(format!("{RESULTS_JSON}: {e}")))),
    };
    let mut entries = Vec::new();
    let text = String::from_utf8_lossy(&read(dir, LOG_ENTRIES)?).into_owned();
    for (n, line) in text.lines().enumerate() {
        match serde_json::from_str::<LogEntry>(line) {
            Ok(e) => entries.push(e),
            Err(e) => return Ok(Err(differ(format!("{LOG_ENTRIES} line {}: {e}", n + 1)))),
        }
    }
    let all: Vec<serde_json::Value> = match serde_json::from_slice(&read(dir, LOG_CHECKPOINTS)?) {
        Ok(v) => v,
        Err(e) => return Ok(Err(differ(format!("{LOG_CHECKPOINTS}: {e}")))),
    };
    let mut checkpoints = Vec::new();
    for (n, c) in all.iter().enumerate() {
        match SignedCheckpoint::from_json(&c.to_string()) {
            Ok(c) => checkpoints.push(c),
            Err(e) => {
                return Ok(Err(differ(format!(
                    "{LOG_CHECKPOINTS} checkpoint {}: {e}",
                    n + 1
                ))));
            }
        }
    }
    let key_path = pinned.map_or_else(|| dir.join(PUBLIC_KEY), Path::to_path_buf);
    let text = std::fs::read_to_string(&key_path)
        .with_context(|| format!("reading {}", key_path.display()))?;
    let key = PublicKey::parse(&text).with_context(|| format!("{}", key_path.display()))?;
    Ok(Ok(Export {
        results,
        entries,
        checkpoints,
        key,
    }))
}

/// `shailoo verify DIR`.
pub fn verify(dir: &Path, public_key: Option<&Path>) -> Result<ExitCode> {
    let export = match read_export(dir, public_key)? {
        Ok(e) => e,
        Err(Difference(d)) => return Ok(report(&d)),
    };
    match check(dir, &export)? {
        Ok(()) => {
            let trust = if public_key.is_some() {
                "the key given with --public-key"
            } else {
                "the key in the directory (pin the commission's published key with --public-key)"
            };
            println!(
                "verified: {} log entries, {} checkpoint(s) signed by {} ({trust}); {} council(s) recomputed",
                export.entries.len(),
                export.checkpoints.len(),
                export.key,
                export.results.councils.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(Difference(d)) => Ok(report(&d)),
    }
}

fn report(difference: &str) -> ExitCode {
    eprintln!("verify: {difference}");
    ExitCode::from(1)
}

fn check(dir: &Path, export: &Export) -> Result<Result<(), Difference>> {
    let Export {
        results,
        entries,
        checkpoints,
        key,
    } = export;
    if let Err(e) = log::verify_log(&results.election, entries, checkpoints, key) {
        return Ok(Err(differ(e.to_string())));
    }
    let counted = log::counted_of(entries);
    let known: HashSet<&CouncilId> = results.councils.iter().map(|c| &c.council).collect();
    if let Some((c, p)) = counted.iter().find(|(c, _)| !known.contains(c)) {
        return Ok(Err(differ(format!(
            "the log holds a protocol of station {} for council {c}, which {RESULTS_JSON} does not list",
            p.station
        ))));
    }
    for council in &results.councils {
        let mine: Vec<&Protocol> = counted
            .iter()
            .filter(|(c, _)| c == &council.council)
            .map(|(_, p)| p)
            .collect();
        if let Err(d) = recompute(council, &mine) {
            return Ok(Err(d));
        }
    }
    // The files derived from the log and results.json, byte for byte (err.json as JSON, with
    // the vendor the file names).
    let err_file: serde_json::Value = match serde_json::from_slice(&read(dir, ERR_JSON)?) {
        Ok(v) => v,
        Err(e) => return Ok(Err(differ(format!("{ERR_JSON}: {e}")))),
    };
    let vendor = err_file["VendorApplicationId"].as_str().unwrap_or_default();
    for (name, bytes) in derived_files(results, &counted, vendor)? {
        let found = read(dir, name)?;
        let same = if name == ERR_JSON {
            serde_json::from_slice::<serde_json::Value>(&bytes).ok() == Some(err_file.clone())
        } else {
            found == bytes
        };
        if !same {
            return Ok(Err(differ(first_line_difference(name, &bytes, &found))));
        }
    }
    Ok(Ok(()))
}

/// Names the first line of `name` that is not what the log gives.
fn first_line_difference(name: &str, want: &[u8], found: &[u8]) -> String {
    let want = String::from_utf8_lossy(want);
    let found = String::from_utf8_lossy(found);
    let mut w = want.lines();
    let mut f = found.lines();
    let mut n = 0;
    loop {
        n += 1;
        match (w.next(), f.next()) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                return format!("{name} line {n} differs from the log: {b:?}, the log gives {a:?}");
            }
            (Some(a), None) => return format!("{name} ends before line {n}: the log gives {a:?}"),
            (None, Some(b)) => return format!("{name} line {n} is not in the log: {b:?}"),
            (None, None) => return format!("{name} differs from the log"),
        }
    }
}

fn option_of(contest: &Contest, id: &str) -> Option<BallotOption> {
    match contest {
        Contest::PartyList => shailoo_domain::candidate::PartyId::parse(id)
            .ok()
            .map(BallotOption::Party),
        Contest::District { .. } => shailoo_domain::candidate::CandidateId::parse(id)
            .ok()
            .map(BallotOption::Candidate),
    }
}

/// One contest's sums, recomputed from its protocols: who took part, each option's votes
/// (by id), "against all".
struct Sums {
    took_part: u64,
    votes: HashMap<String, u64>,
    against_all: u64,
}

fn sums(contest: &Contest, protocols: &[&Protocol]) -> Sums {
    let mut s = Sums {
        took_part: 0,
        votes: HashMap::new(),
        against_all: 0,
    };
    for p in protocols.iter().filter(|p| &p.contest == contest) {
        s.took_part += u64::from(p.voters_took_part);
        s.against_all += u64::from(p.against_all.unwrap_or(0));
        for v in &p.votes {
            let id = match &v.option {
                BallotOption::Party(id) => id.to_string(),
                BallotOption::Candidate(id) => id.to_string(),
            };
            *s.votes.entry(id).or_default() += u64::from(v.votes);
        }
    }
    s
}

/// A council of `results.json` against its protocols in the log: the count of expected
/// protocols, every sum, every status and every seat.
fn recompute(council: &CouncilResults, protocols: &[&Protocol]) -> Result<(), Difference> {
    let name = &council.council;
    let have: HashSet<(u32, String)> = protocols
        .iter()
        .map(|p| (p.station.get(), contest_key(&p.contest)))
        .collect();
    let accepted = council
        .expected
        .iter()
        .filter(|e| have.contains(&(e.station.get(), contest_key(&e.contest))))
        .count() as u64;
    let expected = council.expected.len() as u64;
    if (accepted, expected) != (council.protocols_accepted, council.protocols_expected) {
        return Err(differ(format!(
            "council {name}: {accepted} of {expected} expected protocols are in the log, \
             {RESULTS_JSON} says {} of {}",
            council.protocols_accepted, council.protocols_expected
        )));
    }
    let complete = accepted == expected;
    let mut took_part = 0;
    let mut statuses = Vec::new();
    for contest in &council.contests {
        took_part += contest.took_part;
        statuses.push(check_contest(council, contest, protocols, complete)?);
    }
    if took_part != council.took_part {
        return Err(differ(format!(
            "council {name}: {took_part} voters took part by the log, {RESULTS_JSON} says {}",
            council.took_part
        )));
    }
    let status = match council.kind {
        CouncilKind::City => statuses
            .first()
            .copied()
            .unwrap_or(ResultStatus::Incomplete),
        CouncilKind::Aiyl if !complete => ResultStatus::Incomplete,
        CouncilKind::Aiyl => {
            if statuses.contains(&ResultStatus::LotsRequired) {
                ResultStatus::LotsRequired
            } else {
                ResultStatus::Completed
            }
        }
    };
    if status != council.status {
        return Err(differ(format!(
            "council {name}: the allocation gives status {}, {RESULTS_JSON} says {}",
            status.as_str(),
            council.status.as_str()
        )));
    }
    Ok(())
}

/// One contest against its protocols: sums, then status and seats re-allocated.
fn check_contest(
    council: &CouncilResults,
    contest: &ContestResults,
    protocols: &[&Protocol],
    complete: bool,
) -> Result<ResultStatus, Difference> {
    let name = &council.council;
    let s = sums(&contest.contest, protocols);
    let at = format!("council {name}, contest {}", contest_key(&contest.contest));
    if s.took_part != contest.took_part {
        return Err(differ(format!(
            "{at}: {} voters took part by the log, {RESULTS_JSON} says {}",
            s.took_part, contest.took_part
        )));
    }
    if let Some(a) = contest.against_all
        && a != s.against_all
    {
        return Err(differ(format!(
            "{at}: {} votes against all by the log, {RESULTS_JSON} says {a}",
            s.against_all
        )));
    }
    for o in &contest.options {
        let votes = s.votes.get(&o.id).copied().unwrap_or(0);
        if votes != o.votes || option_of(&contest.contest, &o.id).is_none() {
            return Err(differ(format!(
                "{at}: option {} has {votes} votes by the log, {RESULTS_JSON} says {}",
                o.id, o.votes
            )));
        }
    }
    let (status, seats) = allocate(council, contest, complete)?;
    if status != contest.status {
        return Err(differ(format!(
            "{at}: the allocation gives status {}, {RESULTS_JSON} says {}",
            status.as_str(),
            contest.status.as_str()
        )));
    }
    for o in &contest.options {
        let want = seats.get(&o.id).copied();
        let got = o.seats.map(|n| (n, o.reserved));
        if got != want {
            let shown = |s: Option<(u64, bool)>| {
                s.map_or("none".to_owned(), |(n, r)| {
                    format!("{n}{}", if r { " (reserved)" } else { "" })
                })
            };
            return Err(differ(format!(
                "{at}: option {} wins {} seat(s) by the allocation, {RESULTS_JSON} says {}",
                o.id,
                shown(want),
                shown(got)
            )));
        }
    }
    Ok(status)
}

fn lots_among(lots: &[Lots], ids: &HashSet<String>) -> Vec<Lots> {
    lots.iter()
        .filter(|l| l.tied.iter().all(|t| ids.contains(t)))
        .cloned()
        .collect()
}

/// Each option's seats and reserved flag, by id.
type Seats = BTreeMap<String, (u64, bool)>;

/// A contest's allocation with `shailoo-apportionment` on the published facts: its status
/// and each option's seats and reserved flag (none while incomplete, or when it failed or
/// waits for lots).
fn allocate(
    council: &CouncilResults,
    contest: &ContestResults,
    complete: bool,
) -> Result<(ResultStatus, Seats), Difference> {
    let ids: HashSet<String> = contest.options.iter().map(|o| o.id.clone()).collect();
    let lots = lots_among(&council.lots, &ids);
    let at = || {
        format!(
            "council {}, contest {}",
            council.council,
            contest_key(&contest.contest)
        )
    };
    match &contest.contest {
        Contest::PartyList if complete => allocate_city(contest, lots, &at),
        Contest::District { .. } if complete && contest.seats > 0 => {
            allocate_seats_of_district(contest, lots, &at)
        }
        _ => Ok((ResultStatus::Incomplete, Seats::new())),
    }
}

fn allocate_city(
    contest: &ContestResults,
    lots: Vec<Lots>,
    at: &dyn Fn() -> String,
) -> Result<(ResultStatus, Seats), Difference> {
    let mut seats = Seats::new();
    let input = PartyListInput {
        seats: u64::from(contest.seats),
        took_part: contest.took_part,
        threshold_percent: contest.threshold_percent.unwrap_or(5),
        threshold_base: match contest.threshold_base.unwrap_or_default() {
            ThresholdBase::VotersWhoTookPart => SeatBase::VotersWhoTookPart,
            ThresholdBase::ValidVotes => SeatBase::ValidVotes,
        },
        unfilled_list_seats: match contest.unfilled_list_seats.unwrap_or_default() {
            UnfilledListSeats::NextLargestRemainders => SeatUnfilled::NextLargestRemainders,
            UnfilledListSeats::Vacant => SeatUnfilled::Vacant,
        },
        lists: contest
            .options
            .iter()
            .map(|o| ListVotes {
                id: o.id.clone(),
                votes: o.votes,
                candidates: o.list_size,
            })
            .collect(),
        against_all: contest.against_all.unwrap_or(0),
        lots,
    };
    let report = allocate_party_list(&input)
        .map_err(|e| differ(format!("{}: the allocation refuses: {e}", at())))?;
    Ok(match report.outcome {
        Outcome::Completed(a) => {
            for l in a.lists {
                seats.insert(l.id, (l.seats, false));
            }
            (ResultStatus::Completed, seats)
        }
        Outcome::LotsRequired(_) => (ResultStatus::LotsRequired, seats),
        Outcome::Failed(_) => (ResultStatus::Failed, seats),
    })
}

fn allocate_seats_of_district(
    contest: &ContestResults,
    lots: Vec<Lots>,
    at: &dyn Fn() -> String,
) -> Result<(ResultStatus, Seats), Difference> {
    let mut seats = Seats::new();
    let input = DistrictInput {
        seats: u64::from(contest.seats),
        reserved_for_women: contest.reserved_for_women.map(u64::from),
        candidates: contest
            .options
            .iter()
            .map(|o| CandidateVotes {
                id: o.id.clone(),
                sex: match o.sex {
                    Some(Sex::Female) => SeatSex::Female,
                    _ => SeatSex::Male,
                },
                votes: o.votes,
            })
            .collect(),
        lots,
    };
    let report = allocate_district(&input)
        .map_err(|e| differ(format!("{}: the allocation refuses: {e}", at())))?;
    Ok(match report.outcome {
        Outcome::Completed(a) => {
            for o in &contest.options {
                seats.insert(o.id.clone(), (0, false));
            }
            for e in a.elected {
                seats.insert(e.id, (1, e.reserved));
            }
            (ResultStatus::Completed, seats)
        }
        Outcome::LotsRequired(_) => (ResultStatus::LotsRequired, seats),
        Outcome::Failed(_) => (ResultStatus::Failed, seats),
    })
}

/// Refuses an export directory that is not one (for a clear message before any check).
pub fn require_dir(dir: &Path) -> Result<()> {
    if !dir.join(RESULTS_JSON).is_file() {
        bail!(
            "{} holds no {RESULTS_JSON}: not a directory written by `shailoo results export`",
            dir.display()
        );
    }
    Ok(())
}
