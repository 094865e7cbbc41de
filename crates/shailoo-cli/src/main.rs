//! The `shailoo` binary: parses the command line, wires the store, web server and generator
//! together (the composition root), and maps errors to exit codes at the edge.

mod commands;

/// mimalloc: the register import allocates the strings of every record on the reader thread
/// and frees them on another. glibc's allocator spent about a fifth of the import's parse in
/// `malloc`/`free`, their arena locks and consolidation; with mimalloc's thread-local heaps the
/// national parse went from 5.0–5.7 s to 3.6–4.9 s (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// shailoo: election management for the Kyrgyz local council (kenesh) elections.
#[derive(Debug, Parser)]
#[command(name = "shailoo", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The database: `sqlite://PATH` (embedded, the default; created on first run) or
/// `postgres://USER@HOST:PORT/DB` (server).
#[derive(Debug, Clone, clap::Args)]
struct DbArg {
    #[arg(long, env = "SHAILOO_DB", default_value = "sqlite://shailoo.db")]
    db: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web interface and the JSON API on an existing database.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on.
        #[arg(long, env = "SHAILOO_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Serve `/metrics` (and `/healthz`) on this address instead of the public one, e.g.
        /// `127.0.0.1:9090` for a Prometheus on the same host or a private network.
        #[arg(long, env = "SHAILOO_METRICS_ADDR")]
        metrics_addr: Option<String>,
        /// The voter cabinet's passport registry and SMS gateway.
        #[command(flatten)]
        cabinet: commands::cabinet::CabinetArgs,
        /// i16-badges: the CEC's Ed25519 key (PKCS#8 PEM, `shailoo audit keygen`) that signs
        /// journalists' badges; a key of its own, not the audit checkpoints' offline key.
        /// Without it, badges are not issued.
        #[arg(long, env = "SHAILOO_BADGE_KEY")]
        badge_key: Option<std::path::PathBuf>,
    },
    /// Create a realistic demo election (first run only) and serve it.
    ///
    /// Loads every council, commission and polling station of the national demo data and a
    /// sample of the population register, creates demo log-ins, and prints them. Later runs
    /// find the data in place and start at once. The voter cabinet runs against in-process
    /// doubles of the passport registry and the SMS gateway (a sample PIN and the outbox URL
    /// are printed).
    Demo {
        #[arg(long, env = "SHAILOO_DB", default_value = "sqlite://shailoo-demo.db")]
        db: String,
        #[arg(long, env = "SHAILOO_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// `national` loads the whole 4.3-million-person register instead of a sample.
        #[arg(long, value_enum, default_value_t = DemoScale::Sample)]
        scale: DemoScale,
        /// Generator seed.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// The demo's clock starts at this instant and runs on in real time, so that the
        /// calendar shows what was open during the 2024 campaign. `now` uses the real clock.
        #[arg(long, default_value = "2024-10-15T10:00:00+06:00")]
        clock_start: String,
    },
    /// Create or update the database schema, then exit.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Write a deterministic demo dataset (documented in docs/data-formats.md) to a folder.
    Generate {
        #[arg(long, value_enum, default_value_t = GenerateScale::National)]
        scale: GenerateScale,
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Load a dataset folder written by `generate` (setup and register), all or nothing.
    Load {
        #[command(flatten)]
        db: DbArg,
        /// The folder `generate` wrote.
        #[arg(long)]
        data: PathBuf,
    },
    /// Print the statutory calendar derived from the calling date and voting day.
    Calendar {
        /// The day the election was called (YYYY-MM-DD).
        #[arg(long)]
        called: String,
        /// Voting day (YYYY-MM-DD).
        #[arg(long)]
        voting_day: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Manage staff accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Check the audit log; sign checkpoints of it that anchor it outside the database.
    Audit {
        #[command(subcommand)]
        command: commands::audit::AuditCommand,
    },
    /// Measure the rules on national-scale generated data (figures for BENCHMARKS.md).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Design and check aiyl council district schemes (DIS-01, DIS-03, DIS-04, DIS-05).
    Districts {
        #[command(subcommand)]
        command: DistrictsCommand,
    },
    /// Results (RES-01…RES-11): import PEC protocols, show a council's result.
    Results {
        #[command(subcommand)]
        command: commands::results::ResultsCommand,
    },
    /// Check an export of `shailoo results export` with no database: the results log's
    /// signatures and chain, then every file, sum and council's seats recomputed from the
    /// log's protocols. Exit code 0 when everything holds; 1 naming the first difference; 2
    /// when the directory cannot be read.
    Verify {
        /// The directory `results export` wrote (or a downloaded copy).
        dir: std::path::PathBuf,
        /// The commission's published public key (PEM, or 64 hex digits). Without it, the key
        /// in the directory is trusted, which proves nothing about who signed.
        #[arg(long)]
        public_key: Option<std::path::PathBuf>,
    },
    /// The rule parameters of an election: set them (CEC), show those in force.
    Rules {
        #[command(subcommand)]
        command: commands::rules::RulesCommand,
    },
    /// Import the population register and manage the voter lists (Tizme).
    Register {
        #[command(subcommand)]
        command: commands::register::RegisterCommand,
    },
    /// Allocate seats from vote totals given as JSON (a party-list council or an aiyl district).
    ///
    /// Exit code 0 with the result (completed, lots_required or failed) on standard output,
    /// 2 on malformed input: one line of JSON on standard error,
    /// `{"error": {"code", "field", "message"}}`, naming the offending field.
    ///
    /// With `--election ID`, the election's rule parameters in force (read from `--db`) fill
    /// the threshold, its base and where a short list's seats go (RES-06, RES-09), or a
    /// district's reserved mandates (DIS-04); a field the input gives must agree with them.
    Seats {
        /// A JSON file, or `-` for standard input.
        #[arg(long)]
        input: String,
        #[command(flatten)]
        params: ParamsArg,
    },
}

/// Whose rule parameters a pure command applies: the documented defaults, or with
/// `--election` those in force for that election in `--db`.
#[derive(Debug, Clone, clap::Args)]
struct ParamsArg {
    /// Apply the rule parameters in force for this election (read from --db) instead of the
    /// documented defaults.
    #[arg(long)]
    election: Option<String>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a staff account. The password is read from SHAILOO_PASSWORD or standard input.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        username: String,
        /// The name shown in the interface and the audit log.
        #[arg(long)]
        name: String,
        /// cec_admin, tec_member or pec_member.
        #[arg(long)]
        role: String,
        /// The commission the role is scoped to (e.g. `cec`, `tec-bishkek`, `pec-1001`).
        #[arg(long)]
        commission: String,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Voting-day check-ins per second, with the one-ballot guarantee verified afterwards.
    CheckIns(commands::checkin::CheckInArgs),
    /// The registry checks (CAN-08) of a whole election's candidates against the registry
    /// doubles, through bounded concurrency.
    CandidateChecks(commands::candidates::ChecksArgs),
    /// The floor of `register import`: the file bulk-loaded plainly into an empty database.
    RegisterFloor(commands::register::FloorArgs),
    /// Rendering the printed voter list of the largest national station (PDF).
    Print(commands::print::BenchArgs),
    /// Ingest of a generated election's protocols (checks, audit, durable commit) and the
    /// national re-tabulation from the stored protocols.
    Results(commands::results::BenchArgs),
    // i15-ingest: complaint and violation-report intake under load (issue 16).
    /// Complaints and violation reports filed at once through the use cases (audit entry and
    /// durable commit each), filings/s of each, every accepted one verified afterwards.
    Intake(commands::intake::IntakeArgs),
    /// The public results and registry pages and their API under HTTP load beside
    /// `/healthz`, optionally while protocols are being ingested (issue 15).
    Pages(commands::bench_pages::PagesArgs),
    /// Voter eligibility over the 4.3-million-person national register, on one core.
    Eligibility {
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
    /// Automatic district design for all 231 aiyl councils, beside recursive bisection.
    Districts {
        /// Generator and search seed.
        #[arg(long, default_value_t = 2024)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum DistrictsCommand {
    /// Propose a valid scheme with the smallest largest deviation from the norm.
    ///
    /// Input: `{"seats": 21, "units": [{"id": "u1", "voters": 1234, "remote": false,
    /// "neighbors": ["u2"]}], "districts": 4}` (`districts`, `magnitude: {min, max}` and
    /// `seed` optional), or a council object exactly as `district_units.json` holds it, or
    /// `--council ID` for an aiyl council of the generated national data. An unknown field is
    /// refused. Exit code 0 with the scheme as JSON, 1 with the reason when no valid scheme
    /// exists, 2 on malformed input: one line of JSON on standard error,
    /// `{"error": {"code", "field", "message"}}`, naming the offending field.
    Propose {
        /// A JSON file, or `-` for standard input.
        #[arg(long, conflicts_with = "council", required_unless_present = "council")]
        input: Option<String>,
        /// An aiyl council id of the generated national data, e.g. `chui-alamudun.kara-suu`.
        #[arg(long)]
        council: Option<String>,
        /// The search seed (default: the input's `seed`, else 2024).
        #[arg(long)]
        seed: Option<u64>,
        /// The generator seed of the national data for `--council`.
        #[arg(long, default_value_t = 2024)]
        data_seed: u64,
        /// The number of districts wanted (overrides the input's `districts`).
        #[arg(long)]
        districts: Option<u32>,
        /// With `--council`: count eligible voters by streaming the generated register
        /// instead of estimating them (slower).
        #[arg(long)]
        exact_voters: bool,
        #[command(flatten)]
        params: ParamsArg,
    },
    /// Check a scheme given as JSON in the domain's form (seats, units, districts).
    ///
    /// The units may be a council object of `district_units.json` as it stands, with
    /// `districts` added. Prints the findings with their codes and each district's figures.
    /// Exit code 0 when valid, 1 when invalid (a district claiming the remote allowance
    /// without a remote unit is invalid, DIS-01), 2 on malformed input: one line of JSON on
    /// standard error, `{"error": {"code", "field", "message"}}`, naming the offending field.
    Check {
        /// A JSON file, or `-` for standard input.
        #[arg(long)]
        input: String,
        #[command(flatten)]
        params: ParamsArg,
    },
    /// Print the units of an aiyl council of the generated national data as propose input.
    Units {
        /// An aiyl council id, e.g. `chui-alamudun.kara-suu`; without it, the ids are listed.
        #[arg(long)]
        council: Option<String>,
        /// The generator seed.
        #[arg(long, default_value_t = 2024)]
        data_seed: u64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DemoScale {
    /// Every council, commission and station; a sample of the register.
    Sample,
    /// Everything, including the whole register.
    National,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GenerateScale {
    National,
    Small,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    commands::init_tracing();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
