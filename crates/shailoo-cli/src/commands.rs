//! One function per subcommand. This is the edge: errors become `anyhow` with context here,
//! the clock is read here, and nothing below this layer prints.

pub mod audit;
mod bench;
// The public pages and their API under HTTP load (issue 15).
pub mod bench_pages;
pub mod cabinet;
pub mod candidacies;
pub mod candidates;
pub mod checkin;
// i16-cases2: the demo's complaint filed and appealed online with documents.
mod complaint_cases;
// Campaign and disputes (issue 16): the demo's complaints and media.
mod complaints_media;
// i16-badges: the demo's journalists' badges.
mod media_badges;
// i16-badges: the demo's places for campaign material (CAL-06).
mod campaign_places;
mod data;
mod demo;
mod districts;
// i15-ingest: complaint and violation-report intake under load (issue 16's measurement).
pub mod intake;
pub mod open_data;
pub mod print;
mod protocols;
pub mod register;
// The demo's election funds and violation reports (CMP-04, CMP-07).
mod reports;
pub mod results;
pub mod rules;

use crate::{BenchCommand, Cli, Command, Format, UserCommand};
use anyhow::{Context, Result, bail};
use jiff::civil::Date;
use shailoo_app::Store;
use shailoo_app::accounts::{self, NewAccount};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_domain::CommissionId;
use shailoo_domain::calendar::Calendar;
use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;

pub fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("SHAILOO_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let json = std::env::var("SHAILOO_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        // Pure commands need no runtime.
        Command::Calendar {
            called,
            voting_day,
            format,
        } => calendar(&called, &voting_day, format),
        Command::Districts { command } => districts::run(command),
        Command::Seats { input, params } => seats(&input, &params),
        Command::Generate { scale, seed, out } => data::generate(scale, seed, &out),
        Command::Verify { dir, public_key } => {
            open_data::require_dir(&dir)?;
            open_data::verify(&dir, public_key.as_deref())
        }
        Command::Bench {
            command: BenchCommand::Eligibility { seed },
        } => bench::eligibility(seed),
        Command::Bench {
            command: BenchCommand::Districts { seed },
        } => districts::bench(seed),
        Command::Bench {
            command: BenchCommand::RegisterFloor(args),
        } => runtime()?.block_on(register::floor(args)),
        Command::Bench {
            command: BenchCommand::CheckIns(args),
        } => runtime()?.block_on(checkin::run(args)),
        Command::Bench {
            command: BenchCommand::CandidateChecks(args),
        } => runtime()?.block_on(candidates::bench(args)),
        Command::Bench {
            command: BenchCommand::Print(args),
        } => print::bench(args),
        Command::Bench {
            command: BenchCommand::Results(args),
        } => runtime()?.block_on(results::bench(args)),
        // i15-ingest: complaint and violation-report intake under load.
        Command::Bench {
            command: BenchCommand::Intake(args),
        } => runtime()?.block_on(intake::bench(args)),
        Command::Bench {
            command: BenchCommand::Pages(args),
        } => runtime()?.block_on(bench_pages::run(args)),
        other => runtime()?.block_on(run_async(other)),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

async fn run_async(command: Command) -> Result<ExitCode> {
    match command {
        Command::Serve {
            db,
            addr,
            metrics_addr,
            cabinet,
            badge_key,
        } => {
            let badges = badge_key.as_deref().map(audit::read_signer).transpose()?;
            let adapters = cabinet::adapters(&cabinet)?;
            let candidates = cabinet::candidate_registries(&cabinet)?;
            let store = connect(&db.db).await?;
            let at = Addresses {
                public: &addr,
                metrics: metrics_addr.as_deref(),
            };
            serve(store, at, None, adapters, candidates, badges).await
        }
        Command::Demo {
            db,
            addr,
            scale,
            seed,
            clock_start,
        } => run_demo(&db, &addr, scale, seed, &clock_start).await,
        Command::Migrate { db } => migrate(&db.db).await,
        Command::Load { db, data } => {
            let store = connect_sole(&db.db).await?;
            data::load(store.as_ref(), &data).await?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    username,
                    name,
                    role,
                    commission,
                },
        } => {
            let store = connect(&db.db).await?;
            user_add(store.as_ref(), &username, &name, &role, &commission).await
        }
        Command::Audit { command } => audit::run(command).await,
        Command::Register { command } => register::run(command).await,
        Command::Rules { command } => rules::run(command).await,
        Command::Results { command } => results::run(command).await,
        Command::Calendar { .. }
        | Command::Districts { .. }
        | Command::Seats { .. }
        | Command::Generate { .. }
        | Command::Verify { .. }
        | Command::Bench { .. } => unreachable_pure_command(),
    }
}

/// `shailoo demo`: the demo election (made on the first run), its checkpoints, the registry
/// and SMS doubles, and the server.
async fn run_demo(
    db: &str,
    addr: &str,
    scale: crate::DemoScale,
    seed: u64,
    clock_start: &str,
) -> Result<ExitCode> {
    let clock = demo::clock(clock_start)?;
    let store = connect(db).await?;
    let now = clock.as_ref().map_or_else(jiff::Timestamp::now, |c| c());
    let loaded = demo::prepare(store.as_ref(), scale, seed, now).await?;
    demo::audit_checkpoints(store.as_ref(), db, loaded).await?;
    // i16-badges: the demo signs journalists' badges with its checkpoint key.
    let badge_signer = audit::read_signer(&demo::demo_key_path(db))?;
    if loaded {
        media_badges::load(store.as_ref(), &badge_signer).await?;
    }
    // The doubles live as long as `_doubles`, i.e. until the server stops.
    let (adapters, _doubles) = cabinet::demo_doubles(seed).await?;
    let (candidates, _candidate_doubles) = candidacies::demo_registries(seed).await?;
    let at = Addresses {
        public: addr,
        metrics: None,
    };
    let badges = Some(badge_signer);
    serve(store, at, clock, Some(adapters), Some(candidates), badges).await
}

/// `shailoo migrate`.
async fn migrate(db: &str) -> Result<ExitCode> {
    let applied = shailoo_store::migrate(db)
        .await
        .with_context(|| format!("migrating the database {}", redact(db)))?;
    for m in &applied {
        println!("migration {} {}", m.version, m.description);
    }
    println!(
        "database schema is up to date ({} migrations)",
        applied.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn unreachable_pure_command() -> Result<ExitCode> {
    bail!("internal error: a pure command reached the async dispatcher")
}

async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    shailoo_store::connect(url)
        .await
        .with_context(|| format!("opening the database {}", redact(url)))
}

/// [`connect`] for the bulk loads, which have the database to themselves while they run
/// ([`shailoo_store::Db::connect_sole`]); the store must be closed at the end.
async fn connect_sole(url: &str) -> Result<Arc<dyn Store>> {
    shailoo_store::connect_sole(url)
        .await
        .with_context(|| format!("opening the database {}", redact(url)))
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A replacement for the system clock: the demo runs in 2024.
pub type Clock = Box<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// Where the server listens: the public address, and the metrics' own if the operator gave one.
struct Addresses<'a> {
    public: &'a str,
    metrics: Option<&'a str>,
}

fn socket_addr(addr: &str) -> Result<std::net::SocketAddr> {
    addr.parse()
        .with_context(|| format!("{addr:?} is not an address like 127.0.0.1:8080"))
}

async fn serve(
    store: Arc<dyn Store>,
    at: Addresses<'_>,
    clock: Option<Clock>,
    cabinet: Option<cabinet::Adapters>,
    candidates: Option<shailoo_app::candidates::CandidateRegistries>,
    badge_signer: Option<shailoo_app::signing::Signer>,
) -> Result<ExitCode> {
    let addr = socket_addr(at.public)?;
    let metrics_addr = at.metrics.map(socket_addr).transpose()?;
    let mut state = app_state(store, metrics_addr.is_none(), clock, cabinet)?;
    match badge_signer {
        Some(signer) => state = state.with_badge_signer(signer),
        None => println!("journalists' badges are off (no --badge-key)"),
    }
    match candidates {
        Some(registries) => state = state.with_candidate_registries(registries),
        None => println!("candidate filing is off (no --tunduk-url for the candidate registries)"),
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    // One signal stops both servers.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let metrics = match metrics_addr {
        Some(addr) => {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("listening on {addr} for metrics"))?;
            println!("metrics at http://{}/metrics", listener.local_addr()?);
            let mut stopped = stopped.clone();
            let until = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            let server = shailoo_web::serve_metrics_on(state.clone(), listener, until);
            Some(tokio::spawn(server))
        }
        None => None,
    };
    println!("shailoo is serving at http://{}", listener.local_addr()?);
    let until = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    shailoo_web::serve_on(state, listener, until).await?;
    if let Some(metrics) = metrics {
        metrics.await.context("the metrics server")??;
    }
    println!("shailoo stopped");
    Ok(ExitCode::SUCCESS)
}

/// The web application's state: its configuration from the environment (the CLI is the one
/// place that reads it), the voter cabinet's adapters and the demo's clock.
fn app_state(
    store: Arc<dyn Store>,
    public_metrics: bool,
    clock: Option<Clock>,
    cabinet: Option<cabinet::Adapters>,
) -> Result<shailoo_web::AppState> {
    let config = shailoo_web::Config {
        public_metrics,
        secure_cookies: std::env::var("SHAILOO_SECURE_COOKIES")
            .is_ok_and(|v| v == "1" || v == "true"),
        lookup: shailoo_web::LookupConfig::default()
            .exempting(&std::env::var("SHAILOO_RATE_LIMIT_EXEMPT").unwrap_or_default())?
            .trusting(&std::env::var("SHAILOO_TRUSTED_PROXIES").unwrap_or_default())?
            .with_sms_gateway_token(std::env::var("SHAILOO_SMS_GATEWAY_TOKEN").ok()),
        // The messaging gateway's shared secret for violation reports (CMP-07).
        violations: shailoo_web::ViolationsConfig {
            webhook_secret: std::env::var("SHAILOO_VIOLATIONS_WEBHOOK_SECRET").ok(),
            ..shailoo_web::ViolationsConfig::default()
        },
        // Public answers from memory, the store's version read at most once a second (issue 15).
        public_cache: shailoo_web::CacheConfig::serving(),
        ..shailoo_web::Config::default()
    };
    let mut state = shailoo_web::AppState::new(store, config);
    match cabinet {
        Some((registry, sms)) => state = state.with_voter_cabinet(registry, sms),
        None => println!("the voter cabinet is off (no --tunduk-url / --sms-url)"),
    }
    if let Some(clock) = clock {
        println!(
            "the clock of this demo reads {}",
            shailoo_domain::time::to_bishkek(clock())
        );
        state = state.with_clock(clock);
    }
    Ok(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn parse_date(field: &str, value: &str) -> Result<Date> {
    value
        .parse::<Date>()
        .with_context(|| format!("--{field} {value:?} is not a date like 2024-11-17"))
}

fn calendar(called: &str, voting_day: &str, format: Format) -> Result<ExitCode> {
    let called = parse_date("called", called)?;
    let voting_day = parse_date("voting-day", voting_day)?;
    let calendar = Calendar::statutory(called, voting_day)?;
    match format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(calendar.deadlines())?);
        }
        Format::Text => {
            for d in calendar.deadlines() {
                let time = d.time.map_or_else(
                    || "end of day".to_owned(),
                    |t| t.strftime("%H:%M").to_string(),
                );
                println!("{:<7} {}  {:<10} {}", d.id, d.date, time, d.name);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The one shape of every exit-2 answer (input that is not the command's contract): nothing on
/// standard output, and one line of JSON on standard error,
/// `{"error": {"code": "schema", "field": "units[0].neighbours", "message": "…"}}`, where
/// `field` is the path of the offending field (`null` when the text is not JSON at all) and
/// `code` a stable code (`syntax`, `schema`, `invalid`, `invalid_input`, …).
pub(crate) fn malformed_input(code: &str, field: Option<&str>, message: &str) -> ExitCode {
    let body = serde_json::json!({
        "error": {"code": code, "field": field, "message": message}
    });
    eprintln!("{body}");
    ExitCode::from(2)
}

/// The rule parameters a pure command applies: `--election`'s in force, else the defaults.
fn parameters(arg: &crate::ParamsArg) -> Result<shailoo_domain::params::RuleParameters> {
    match &arg.election {
        Some(election) => rules::parameters_of(&arg.db, election),
        None => Ok(shailoo_domain::params::RuleParameters::default()),
    }
}

fn seats(input: &str, params: &crate::ParamsArg) -> Result<ExitCode> {
    let mut text = if input == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading standard input")?;
        s
    } else {
        std::fs::read_to_string(input).with_context(|| format!("reading {input}"))?
    };
    if params.election.is_some() {
        // Text that is not JSON is left to the allocator, which names the problem.
        if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&text) {
            let in_force = parameters(params)?;
            if let Err(conflict) = shailoo_app::params::seats_input(&in_force, &mut value) {
                return Ok(malformed_input(
                    "param_conflict",
                    Some(conflict.field),
                    &conflict.to_string(),
                ));
            }
            text = value.to_string();
        }
    }
    match shailoo_apportionment::run_json(&text) {
        Ok(result) => {
            println!("{}", serde_json::to_string_pretty(&result)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => Ok(malformed_input(
            error.code(),
            error.field(),
            &error.to_string(),
        )),
    }
}

async fn user_add(
    store: &dyn Store,
    username: &str,
    name: &str,
    role: &str,
    commission: &str,
) -> Result<ExitCode> {
    let account = NewAccount {
        username: Username::parse(username)?,
        display_name: name.to_owned(),
        role: Role::parse(role)?,
        commission: CommissionId::parse(commission)?,
        password: read_password()?,
    };
    let user = accounts::add_user(store, &Actor::System, account, jiff::Timestamp::now()).await?;
    println!("added {} ({})", user.username, user.role.as_str());
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("SHAILOO_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
