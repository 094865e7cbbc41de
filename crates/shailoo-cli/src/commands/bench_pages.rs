//! `shailoo bench pages` (issue 15, "fast under load"; issue 16, the public registries): the
//! public pages and their API under HTTP load beside `/healthz`, in one run, optionally while
//! protocols are being ingested.
//!
//! The database is the sample demo's (loaded first when it holds no election yet, with the
//! clock on voting evening so that Bishkek's protocols and the registries are there). The real
//! router is served on a loopback port in this process, and a bounded number of connections
//! (an HTTP/1.1 client each, in this process: nothing to install) ask one path after another for
//! a fixed time each; the answers' latencies give p50 and p99. With `--while-ingesting`, the
//! protocols of every council with a ballot that are not accepted yet are made up (the demo's
//! counts) and imported at a steady rate through the use case, all the time the load runs: each
//! one changes the store, so the cache of public answers is refreshed under the load, as on
//! voting night.

use crate::DemoScale;
use anyhow::{Context, Result};
use jiff::Timestamp;
use shailoo_app::results::{self, CouncilContext};
use shailoo_app::{Actor, Store};
use shailoo_domain::protocol::Protocol;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, ElectionId};
use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `shailoo bench pages`.
#[derive(Debug, clap::Args)]
pub struct PagesArgs {
    /// The database (`sqlite://PATH` or `postgres://…`); the sample demo is loaded into it
    /// when it holds no election (reused as it is otherwise).
    #[arg(long)]
    pub db: String,
    /// Seconds of load on each path.
    #[arg(long, default_value_t = 3)]
    pub seconds: u64,
    /// Connections asking at once.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Import protocols all the time the load runs (made-up counts of the stations whose
    /// protocols are not accepted yet).
    #[arg(long)]
    pub while_ingesting: bool,
    /// Protocols imported per second with `--while-ingesting`.
    #[arg(long, default_value_t = 20)]
    pub ingest_rate: u32,
}

/// Voting evening: protocols are entered (CAL-16) and the registries hold the campaign.
const EVENING: &str = "2024-11-17T22:00:00+06:00";

/// The seed of the demo the bench loads.
const SEED: u64 = 2024;

/// One path's figures.
struct Figures {
    path: String,
    failures: u64,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

pub async fn run(args: PagesArgs) -> Result<ExitCode> {
    let store = super::connect(&args.db).await?;
    let evening: Timestamp = EVENING.parse()?;
    let clock = moving_clock(evening);
    if store.elections().await?.is_empty() {
        println!("loading the sample demo (once per database)…");
        super::demo::prepare(store.as_ref(), DemoScale::Sample, SEED, evening).await?;
    }
    let election = store
        .elections()
        .await?
        .into_iter()
        .next()
        .context("the database holds no election")?
        .id;
    let pending = if args.while_ingesting {
        pending_protocols(store.as_ref(), &election, evening).await?
    } else {
        Vec::new()
    };
    let paths = paths(store.as_ref(), &election, evening).await?;

    let config = shailoo_web::Config {
        public_cache: shailoo_web::CacheConfig::serving(),
        ..shailoo_web::Config::default()
    };
    let state = shailoo_web::AppState::new(store.clone(), config).with_clock({
        let clock = clock.clone();
        move || clock()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(shailoo_web::serve_on(state, listener, async {
        let _ = stopped.await;
    }));

    let ingested = Arc::new(AtomicU64::new(0));
    let ingest = if args.while_ingesting {
        println!(
            "ingesting {} protocols at {}/s while the load runs",
            pending.len(),
            args.ingest_rate
        );
        Some(tokio::spawn(ingest(
            store.clone(),
            pending,
            args.ingest_rate,
            clock,
            ingested.clone(),
        )))
    } else {
        None
    };

    measure(&args, &base, &paths, &ingested, store.engine()).await?;
    if let Some(task) = ingest {
        task.abort();
    }
    let _ = stop.send(());
    server.await??;
    Ok(ExitCode::SUCCESS)
}

/// Each path once (a cold answer is not what is measured), then each under load in turn: the
/// table of figures.
async fn measure(
    args: &PagesArgs,
    base: &str,
    paths: &[String],
    ingested: &AtomicU64,
    engine: &str,
) -> Result<()> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.connections)
        .build()?;
    // Each path once first: a cold answer is not what is measured.
    for path in paths {
        let status = client.get(format!("{base}{path}")).send().await?.status();
        anyhow::ensure!(status.is_success(), "{path} answered {status}");
    }
    println!(
        "{} connections, {} s per path, {} ({}); debug builds are several times slower",
        args.connections,
        args.seconds,
        engine,
        if cfg!(debug_assertions) {
            "debug build"
        } else {
            "release build"
        }
    );
    println!(
        "| path | requests/s | p50 | p99 | vs /healthz | failed | ingested meanwhile |\n|---|---|---|---|---|---|---|"
    );
    let mut healthz = None;
    for path in paths {
        let before = ingested.load(Ordering::Relaxed);
        let f = load(&client, base, path, args.connections, args.seconds).await;
        let during = ingested.load(Ordering::Relaxed) - before;
        let base_rate = *healthz.get_or_insert(f.per_second);
        println!(
            "| `{}` | {:.0} | {:.2} ms | {:.2} ms | {:.0} % | {} | {} |",
            f.path,
            f.per_second,
            ms(f.p50),
            ms(f.p99),
            100.0 * f.per_second / base_rate.max(1e-9),
            f.failures,
            if args.while_ingesting {
                during.to_string()
            } else {
                "-".to_owned()
            }
        );
    }
    Ok(())
}

/// A clock that moves on from `start` at the real pace (the calendar's phase is part of a
/// cached answer's version).
fn moving_clock(start: Timestamp) -> Arc<dyn Fn() -> Timestamp + Send + Sync> {
    let began = Instant::now();
    Arc::new(move || {
        let elapsed = jiff::SignedDuration::try_from(began.elapsed()).unwrap_or_default();
        start.checked_add(elapsed).unwrap_or(start)
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `/healthz` first (the yardstick), then the public results and registries, pages and API.
async fn paths(store: &dyn Store, election: &ElectionId, now: Timestamp) -> Result<Vec<String>> {
    let mut aiyl = None;
    for council in store
        .election(election)
        .await?
        .context("the election")?
        .councils
    {
        let kind = store.council(&council).await?.map(|c| c.kind);
        if kind == Some(CouncilKind::Aiyl)
            && results::council_context(store, election, &council, now)
                .await
                .is_ok()
        {
            aiyl = Some(council);
            break;
        }
    }
    let e = election;
    let mut paths = vec![
        "/healthz".to_owned(),
        "/results".to_owned(),
        format!("/results/{e}/bishkek-city"),
        format!("/api/v1/elections/{e}/results"),
        format!("/api/v1/elections/{e}/results/bishkek-city"),
    ];
    if let Some(aiyl) = aiyl {
        paths.push(format!("/results/{e}/{aiyl}"));
    }
    // The public registries (issue 16).
    paths.extend([
        "/registry/complaints".to_owned(),
        "/registry/media".to_owned(),
        format!("/funds/{e}"),
        format!("/violations/stats/{e}"),
        format!("/api/v1/elections/{e}/complaints"),
        format!("/api/v1/elections/{e}/media"),
        format!("/api/v1/elections/{e}/funds"),
        format!("/api/v1/elections/{e}/violations/stats"),
    ]);
    Ok(paths)
}

/// `connections` clients asking for `path` for `seconds`, each waiting for its answer before
/// asking again.
async fn load(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    connections: usize,
    seconds: u64,
) -> Figures {
    let url = format!("{base}{path}");
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..connections.max(1) {
        let (client, url) = (client.clone(), url.clone());
        tasks.spawn(async move {
            let mut took = Vec::new();
            let mut failures = 0u64;
            while Instant::now() < until {
                let asked = Instant::now();
                let ok = match client.get(&url).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    took.push(asked.elapsed());
                } else {
                    failures += 1;
                }
            }
            (took, failures)
        });
    }
    let mut took = Vec::new();
    let mut failures = 0;
    while let Some(Ok((t, f))) = tasks.join_next().await {
        took.extend(t);
        failures += f;
    }
    let elapsed = started.elapsed().as_secs_f64();
    took.sort_unstable();
    let at = |q: f64| {
        took.get(((took.len() as f64 * q) as usize).min(took.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Figures {
        path: path.to_owned(),
        failures,
        per_second: took.len() as f64 / elapsed.max(1e-9),
        p50: at(0.50),
        p99: at(0.99),
    }
}

/// The protocols not accepted yet of every council with a ballot, with their councils'
/// contexts: the demo's made-up counts.
async fn pending_protocols(
    store: &dyn Store,
    election: &ElectionId,
    now: Timestamp,
) -> Result<Vec<(Arc<CouncilContext>, Protocol)>> {
    let counted: HashSet<(CouncilId, u32, String)> = store
        .counted_protocols(election, None)
        .await?
        .into_iter()
        .map(|(c, p)| (c, p.station.get(), format!("{:?}", p.contest)))
        .collect();
    let mut out = Vec::new();
    for council in store
        .election(election)
        .await?
        .context("the election")?
        .councils
    {
        let Ok(ctx) = results::council_context(store, election, &council, now).await else {
            continue;
        };
        let ctx = Arc::new(ctx);
        for (station, contest) in &ctx.facts.expected {
            if counted.contains(&(council.clone(), station.get(), format!("{contest:?}"))) {
                continue;
            }
            let protocol = super::protocols::demo_protocol(&ctx, *station, contest);
            out.push((ctx.clone(), protocol));
        }
    }
    Ok(out)
}

/// Imports `pending` at `rate` per second, counting in `ingested`.
async fn ingest(
    store: Arc<dyn Store>,
    pending: Vec<(Arc<CouncilContext>, Protocol)>,
    rate: u32,
    clock: Arc<dyn Fn() -> Timestamp + Send + Sync>,
    ingested: Arc<AtomicU64>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let mut refused = 0u64;
    for (ctx, protocol) in pending {
        tick.tick().await;
        let imported = results::import_protocol(
            store.as_ref(),
            &ctx,
            &Actor::System,
            protocol,
            "bench",
            clock(),
        )
        .await;
        match imported {
            Ok(_) => {
                ingested.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                if refused == 0 {
                    println!("(a protocol was refused: {e})");
                }
                refused += 1;
            }
        }
    }
    println!("(every pending protocol ingested; {refused} refused)");
}
