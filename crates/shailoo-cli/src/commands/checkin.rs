//! `shailoo bench check-ins`: voting-day check-ins per second with the one-ballot guarantee
//! (VOT-06) intact, on either engine.
//!
//! Sets up a small election (one council, two PECs with a station each) in an empty database,
//! puts `--voters` voters on the two stations' lists directly, then runs `--tasks` concurrent
//! workers that check every voter in **twice** from different workers, so that half of the
//! attempts race a first ballot and must be refused. Afterwards it verifies that exactly one
//! check-in row exists per voter and that the audit chain still verifies.

use anyhow::{Context, Result, bail, ensure};
use jiff::Timestamp;
use jiff::civil::{date, time};
use shailoo_app::AuditAction;
use shailoo_app::audit::AuditEvent;
use shailoo_app::checkin::{CheckInOutcome, CheckInStore};
use shailoo_app::lookup::VoterListRow;
use shailoo_app::{SetupStore, verify_audit};
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, Territory, TerritoryKind,
};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{
    CommissionId, CouncilId, ElectionId, Pin, SeatCount, StationNumber, TerritoryId,
};
use shailoo_store::Db;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct CheckInArgs {
    /// An empty database (`sqlite://PATH` or `postgres://…`).
    #[arg(long)]
    pub db: String,
    /// Voters on the lists; each is checked in twice.
    #[arg(long, default_value_t = 20_000)]
    pub voters: u32,
    /// Concurrent workers (PEC terminals).
    #[arg(long, default_value_t = 8)]
    pub tasks: u32,
}

fn id<T>(parse: fn(&str) -> Result<T, shailoo_domain::IdError>, s: &str) -> Result<T> {
    parse(s).with_context(|| format!("bench id {s:?}"))
}

fn name(s: &str) -> LocalizedName {
    LocalizedName {
        ky: s.into(),
        ru: s.into(),
        en: s.into(),
    }
}

fn setup() -> Result<Setup> {
    let territory = id(TerritoryId::parse, "bench-city")?;
    let council = id(CouncilId::parse, "bench-city")?;
    let pec = |n: u32| -> Result<Commission> {
        Ok(Commission {
            id: id(CommissionId::parse, &format!("pec-{n}"))?,
            level: CommissionLevel::Pec,
            parent: Some(id(CommissionId::parse, "tec-bench")?),
            territory: territory.clone(),
            name: name(&format!("PEC {n}")),
            phone: None,
        })
    };
    let station = |n: u32| -> Result<PollingStation> {
        Ok(PollingStation {
            number: StationNumber::new(n)?,
            commission: id(CommissionId::parse, &format!("pec-{n}"))?,
            council: council.clone(),
            territory: territory.clone(),
            address: name(&format!("Station {n}")),
            accessibility: Accessibility::default(),
            remote_voting: false,
        })
    };
    Ok(Setup {
        territories: vec![Territory {
            id: territory.clone(),
            kind: TerritoryKind::RepublicanCity,
            name: name("Bench City"),
            parent: None,
        }],
        councils: vec![Council {
            id: council.clone(),
            kind: CouncilKind::City,
            territory: territory.clone(),
            name: name("Bench Council"),
            seats: SeatCount::new(45)?,
        }],
        commissions: vec![
            commission(("cec", "CEC"), CommissionLevel::Cec, None, &territory)?,
            commission(
                ("tec-bench", "TEC"),
                CommissionLevel::Tec,
                Some("cec"),
                &territory,
            )?,
            pec(9001)?,
            pec(9002)?,
        ],
        stations: vec![station(9001)?, station(9002)?],
        elections: vec![Election {
            id: id(ElectionId::parse, "bench-2024")?,
            name: name("Bench election"),
            decree_number: "1".into(),
            decree_date: date(2024, 9, 6),
            called_on: date(2024, 9, 6),
            voting_day: date(2024, 11, 17),
            councils: vec![council],
        }],
    })
}

/// A commission of the bench's city.
fn commission(
    (code, label): (&str, &str),
    level: CommissionLevel,
    parent: Option<&str>,
    territory: &TerritoryId,
) -> Result<Commission> {
    Ok(Commission {
        id: id(CommissionId::parse, code)?,
        level,
        parent: parent.map(|p| id(CommissionId::parse, p)).transpose()?,
        territory: territory.clone(),
        name: name(label),
        phone: None,
    })
}

/// The `i`th voter's PIN (valid: sex digit, a birth date, a serial) and station.
fn voter(i: u32) -> Result<(Pin, StationNumber)> {
    let pin = Pin::parse(&format!("2{:02}011990{:05}", 1 + i / 100_000, i % 100_000))
        .context("bench PIN")?;
    Ok((pin, StationNumber::new(9001 + i % 2)?))
}

/// The bench's setup and its lists of `voters`, written without audit entries: the
/// election.
async fn lists(db: &Db, voters: u32) -> Result<ElectionId> {
    let setup = setup()?;
    let election = setup.elections[0].id.clone();
    let event = AuditEvent::new(
        "system",
        AuditAction::SetupImported,
        "bench",
        Timestamp::now(),
    );
    db.import_setup(&setup, &[], event).await?;
    let council = setup.councils[0].id.clone();
    let mut rows = Vec::with_capacity(voters as usize);
    for i in 0..voters {
        let (pin, station) = voter(i)?;
        rows.push(VoterListRow {
            pin,
            council: council.clone(),
            home_station: station,
            station,
        });
    }
    for chunk in rows.chunks(10_000) {
        db.put_voter_list_entries_unaudited(&election, chunk)
            .await?;
    }
    Ok(election)
}

/// Worker `w` of `tasks`: its voters' first attempts interleaved with the second attempts of
/// the next worker's voters, so that first and second attempts overlap in time. Counts of
/// (checked in, already voted, not on this list, not on any list).
async fn worker(db: Db, election: ElectionId, w: u32, tasks: u32, voters: u32) -> Result<[u64; 4]> {
    let noon = from_bishkek(date(2024, 11, 17), time(12, 0, 0, 0));
    let mut counts = [0u64; 4];
    let mut i = w;
    let mut j = (w + 1) % tasks;
    while i < voters || j < voters {
        for k in [i, j] {
            if k >= voters {
                continue;
            }
            let (pin, station) = voter(k)?;
            let outcome = db
                .check_in(&election, &pin, station, &format!("pec-member-{w}"), noon)
                .await?;
            counts[match outcome {
                CheckInOutcome::CheckedIn => 0,
                CheckInOutcome::AlreadyVoted { .. } => 1,
                CheckInOutcome::NotOnThisStationsList { .. } => 2,
                CheckInOutcome::NotOnAnyList => 3,
            }] += 1;
        }
        i += tasks;
        j += tasks;
    }
    Ok(counts)
}

pub async fn run(args: CheckInArgs) -> Result<ExitCode> {
    ensure!(args.voters <= 2_800_000, "at most 2,800,000 voters");
    let tasks = args.tasks.max(1);
    let db = Db::connect(&args.db)
        .await
        .with_context(|| format!("opening {}", super::redact(&args.db)))?;
    if !db.elections().await?.is_empty() {
        bail!("bench check-ins needs an empty database: use a new one");
    }
    let election = lists(&db, args.voters).await?;
    println!(
        "{}: {} voters on 2 station lists; {} workers, each voter checked in twice",
        db.engine(),
        args.voters,
        tasks
    );
    // Worker w takes voters w, w + tasks, …; then the same voters again shifted by one worker,
    // so every voter's second attempt comes from another worker, racing or following the first.
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|w| tokio::spawn(worker(db.clone(), election.clone(), w, tasks, args.voters)))
        .collect();
    let mut counts = [0u64; 4];
    for h in handles {
        let c = h.await.context("worker panicked")??;
        for (sum, n) in counts.iter_mut().zip(c) {
            *sum += n;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let attempts: u64 = counts.iter().sum();
    println!(
        "{} attempts in {:.2} s: {:.0} attempts/s; {} checked in ({:.0} check-ins/s), {} refused as already voted",
        attempts,
        secs,
        attempts as f64 / secs,
        counts[0],
        counts[0] as f64 / secs,
        counts[1]
    );

    let (rows, pins) = db.check_in_counts(&election).await?;
    let audited = verify_audit(&db)
        .await?
        .map_err(|b| anyhow::anyhow!("audit chain broken: {b:?}"))?;
    println!(
        "verified: {rows} check-in rows for {pins} distinct PINs; audit chain of {audited} entries verifies"
    );
    ensure!(
        counts[0] == u64::from(args.voters) && rows == pins && rows == u64::from(args.voters),
        "double-vote guarantee violated or check-ins lost"
    );
    ensure!(counts[2] == 0 && counts[3] == 0, "unexpected refusals");
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
