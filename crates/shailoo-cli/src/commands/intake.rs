//! `shailoo bench intake`: complaint and violation-report intake under load (CMP-05, CMP-07,
//! issue 16). The generated national setup is loaded into an empty database; then `--filings`
//! complaints (paper intake at the PEC of a station, through `complaints::file`: the clock of
//! CMP-06, the audit entry, a durable commit each) and as many violation reports (the hotline
//! 1255 naming a station, through `violations::take`) are filed by `--tasks` workers at once,
//! each kind timed apart. Afterwards every accepted filing is read back by its number and the
//! audit log is checked: one entry per filing, and the chain intact.

use super::results::load_bench_setup;
use anyhow::{Context, Result};
use jiff::Timestamp;
use jiff::civil::{Date, time};
use shailoo_app::complaints::{
    self, About, Complainant, ComplainantKind, ComplaintDraft, ComplaintId, Text,
};
use shailoo_app::users::Actor;
use shailoo_app::violations::{self, Place, ReportText, ViolationDraft, ViolationId};
use shailoo_app::{AuditAction, Store, verify_audit};
use shailoo_domain::complaint::Subject;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::violation::Intake;
use shailoo_domain::{CommissionId, ElectionId, ErrorCode, StationNumber};
use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// `shailoo bench intake`.
#[derive(Debug, clap::Args)]
pub struct IntakeArgs {
    /// An empty database (`sqlite://PATH` or `postgres://…`).
    #[arg(long)]
    pub db: String,
    /// A folder written by `shailoo generate` (its setup is loaded).
    #[arg(long)]
    pub data: PathBuf,
    /// Complaints filed, and as many violation reports.
    #[arg(long, default_value_t = 2_000)]
    pub filings: u32,
    /// Filings at once (operators at their terminals).
    #[arg(long, default_value_t = 8)]
    pub tasks: u32,
}

/// What one kind of filing gave: the numbers of the accepted ones, the codes of the refused
/// ones, and the wall time.
struct Run {
    accepted: Vec<i64>,
    refused: Vec<ErrorCode>,
    took: Duration,
}

/// Files `n` filings (`file(i)` for i in 0..n) by `tasks` workers at once.
async fn concurrently<F, Fut>(n: u32, tasks: u32, file: F) -> Result<Run>
where
    F: Fn(u32) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<i64, ErrorCode>> + Send,
{
    let next = Arc::new(AtomicU32::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..tasks.max(1) {
        let (next, file) = (next.clone(), file.clone());
        workers.spawn(async move {
            let (mut accepted, mut refused) = (Vec::new(), Vec::new());
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                match file(i).await {
                    Ok(id) => accepted.push(id),
                    Err(code) => refused.push(code),
                }
            }
            (accepted, refused)
        });
    }
    let mut run = Run {
        accepted: Vec::with_capacity(n as usize),
        refused: Vec::new(),
        took: Duration::ZERO,
    };
    while let Some(done) = workers.join_next().await {
        let (accepted, refused) = done?;
        run.accepted.extend(accepted);
        run.refused.extend(refused);
    }
    run.took = started.elapsed();
    Ok(run)
}

/// The complaint of filing `i`: about an action of the PEC of a station, the day before.
fn complaint(
    i: u32,
    (station, pec): &(StationNumber, CommissionId),
    act_on: Date,
) -> Result<ComplaintDraft, ErrorCode> {
    let text = |s: String| Text::parse(&s).map_err(|e| e.code());
    Ok(ComplaintDraft {
        commission: pec.clone(),
        subject: Subject::Action,
        act_on: Some(act_on),
        about: About {
            station: Some(*station),
            ..About::default()
        },
        complainant: Complainant {
            kind: ComplainantKind::Voter,
            name: text(format!("Bench complainant {i}"))?,
            contact: Some(text(format!("+996 555 {:06}", i % 1_000_000))?),
        },
        summary: text(format!(
            "The voter list of station {station} was not shown to voters (filing {i})."
        ))?,
        document: None,
    })
}

/// The violation report of filing `i`: a call to the hotline 1255 about a station.
fn report(i: u32, station: StationNumber) -> Result<ViolationDraft, ErrorCode> {
    let text = |s: String| ReportText::parse(&s).map_err(|e| e.code());
    Ok(ViolationDraft {
        intake: Intake::Hotline1255,
        text: text(format!(
            "Campaign posters on the door of station {station} (call {i})."
        ))?,
        place: Place {
            station: Some(station),
            location: None,
        },
        contact: Some(text(format!("+996 700 {:06}", i % 1_000_000))?),
        evidence: None,
        external_id: None,
    })
}

/// Every accepted filing read back, and one audit entry of each kind per filing in an intact
/// chain.
async fn verify(
    store: &dyn Store,
    election: &ElectionId,
    complaints_filed: &[i64],
    reports_filed: &[i64],
) -> Result<()> {
    for &id in complaints_filed {
        let id = ComplaintId::new(id).context("a complaint number")?;
        anyhow::ensure!(
            store.complaint(election, id).await?.is_some(),
            "complaint {id} was accepted but is not stored"
        );
    }
    for &id in reports_filed {
        let id = ViolationId::new(id).context("a report number")?;
        anyhow::ensure!(
            store
                .violation(id)
                .await?
                .is_some_and(|r| &r.election == election),
            "violation report {id} was accepted but is not stored"
        );
    }
    let (mut complaint_entries, mut report_entries, mut after) = (0usize, 0usize, 0i64);
    loop {
        let page = store.audit_entries(after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            match e.event.known_action() {
                Some(AuditAction::ComplaintFiled) => complaint_entries += 1,
                Some(AuditAction::ViolationReported) => report_entries += 1,
                _ => {}
            }
        }
    }
    anyhow::ensure!(
        complaint_entries == complaints_filed.len() && report_entries == reports_filed.len(),
        "audit entries: {complaint_entries} complaints and {report_entries} reports for \
         {} and {} accepted",
        complaints_filed.len(),
        reports_filed.len()
    );
    if let Err(broken) = verify_audit(store).await? {
        anyhow::bail!("the audit chain is broken: {broken:?}");
    }
    Ok(())
}

fn rate(what: &str, run: &Run, tasks: u32, engine: &str) {
    println!(
        "{what}: {} accepted in {:.2} s = {:.0} filings/s ({tasks} tasks, {engine}){}",
        run.accepted.len(),
        run.took.as_secs_f64(),
        run.accepted.len() as f64 / run.took.as_secs_f64().max(1e-9),
        if run.refused.is_empty() {
            String::new()
        } else {
            format!("; {} refused", run.refused.len())
        }
    );
}

type Stations = Arc<Vec<(StationNumber, CommissionId)>>;

/// The complaints, each at the PEC of a station in turn.
async fn file_complaints(
    store: &Arc<dyn Store>,
    election: &ElectionId,
    stations: &Stations,
    (act_on, at): (Date, Timestamp),
    args: &IntakeArgs,
) -> Result<Run> {
    let (store, election, stations) = (store.clone(), election.clone(), stations.clone());
    concurrently(args.filings, args.tasks, move |i| {
        let (store, election, stations) = (store.clone(), election.clone(), stations.clone());
        async move {
            let draft = complaint(i, &stations[i as usize % stations.len()], act_on)?;
            complaints::file(store.as_ref(), &Actor::System, &election, draft, at)
                .await
                .map(|c| c.id.get())
                .map_err(|e| e.code())
        }
    })
    .await
}

/// The violation reports, each about a station in turn.
async fn take_reports(
    store: &Arc<dyn Store>,
    election: &ElectionId,
    stations: &Stations,
    at: Timestamp,
    args: &IntakeArgs,
) -> Result<Run> {
    let (store, election, stations) = (store.clone(), election.clone(), stations.clone());
    concurrently(args.filings, args.tasks, move |i| {
        let (store, election, stations) = (store.clone(), election.clone(), stations.clone());
        async move {
            let draft = report(i, stations[i as usize % stations.len()].0)?;
            // The tracking code's secret: any number will do for the bench.
            let secret = i.wrapping_mul(2_654_435_761);
            violations::take(store.as_ref(), &Actor::System, &election, draft, secret, at)
                .await
                .map(|r| i64::from(r.id.get()))
                .map_err(|e| e.code())
        }
    })
    .await
}

/// Files the complaints, then the violation reports, and verifies what was stored.
pub async fn bench(args: IntakeArgs) -> Result<ExitCode> {
    let store = super::connect(&args.db).await?;
    let (election, setup) = load_bench_setup(store.as_ref(), &args.data).await?;
    let voting_day = store
        .election(&election)
        .await?
        .context("the loaded election")?
        .voting_day;
    // Ten days before voting, about an action of the day before: within CMP-06's clock.
    let filed_on = voting_day.checked_sub(jiff::Span::new().days(10))?;
    let act_on = filed_on.checked_sub(jiff::Span::new().days(1))?;
    let at: Timestamp = from_bishkek(filed_on, time(10, 0, 0, 0));
    let stations: Stations = Arc::new(
        setup
            .stations
            .iter()
            .filter(|s| !s.remote_voting)
            .map(|s| (s.number, s.commission.clone()))
            .collect(),
    );
    anyhow::ensure!(!stations.is_empty(), "the dataset has no polling station");
    let engine = store.engine();

    let filed = file_complaints(&store, &election, &stations, (act_on, at), &args).await?;
    rate("complaints", &filed, args.tasks, engine);
    let reported = take_reports(&store, &election, &stations, at, &args).await?;
    rate("violation reports", &reported, args.tasks, engine);

    verify(
        store.as_ref(),
        &election,
        &filed.accepted,
        &reported.accepted,
    )
    .await?;
    println!("verified: every accepted filing is stored with its audit entry; the chain holds");
    anyhow::ensure!(
        filed.refused.is_empty() && reported.refused.is_empty(),
        "refused: complaints {:?}, reports {:?}",
        &filed.refused[..filed.refused.len().min(5)],
        &reported.refused[..reported.refused.len().min(5)]
    );
    Ok(ExitCode::SUCCESS)
}
