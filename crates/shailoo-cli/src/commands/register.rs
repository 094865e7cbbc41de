//! `shailoo register`: import the population register extract, compile the voter lists, take
//! them through publication (CAL-02), posting (CAL-04) and freezing (after CAL-12), and answer
//! "why am I not on the list?" for staff. Also `shailoo bench register-floor`, the same import
//! without compiling, that `import --compile` is measured against. [`import_records`] is the one
//! bulk-load path of the register: `shailoo load` and `demo` use it too.
//!
//! The import streams: the file is parsed (and, with `--compile`, each record assessed) on a
//! blocking thread while the store writes the previous batch, so both cores work. A bad row, or
//! a settlement the setup does not know, stops everything with its line number; the store's
//! transaction then rolls back.
//!
//! A re-import is a dry run unless confirmed: `register import FILE` into a register that holds
//! persons prints the difference (added, changed, removed) and its id, and stores nothing;
//! `register import FILE --confirm ID` stores exactly that difference (refused if the register
//! or the file changed since), and a removal beyond the election's
//! `register_removal_limit_percent` needs `--override register_removal_limit_percent` too.
//! Compiled lists are compiled again with every import, and after the end of CAL-12 neither a
//! compile nor a re-import under compiled lists is allowed (`--at` rehearses other instants).

use super::data::RecordSource;
use crate::DbArg;
use anyhow::{Context, Result, bail};
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jiff::Timestamp;
use shailoo_app::Store;
use shailoo_app::voters::{
    self, CompileProgress, Confirmation, CountBy, DifferenceId, EmptyExtract, ImportMode,
    ImportOptions, ImportReport, ListStep, Placement, StreamedImportError,
};
use shailoo_domain::params::{Coded, REMOVAL_LIMIT_KEY};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{ElectionId, Pin};
use shailoo_formats::RegisterReader;
use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The actor the CLI records in the audit log: the operator acting on the CEC's behalf.
const ACTOR: &str = "system";

/// The instant a step is taken at.
#[derive(Debug, Clone, clap::Args)]
pub struct AtArg {
    /// When the step happens, RFC 3339 (`2024-09-23T09:00:00+06:00`), or `now`. Other instants
    /// than now are for rehearsals of the calendar; the audit log records the instant used.
    #[arg(long, default_value = "now")]
    at: String,
}

impl AtArg {
    pub(crate) fn instant(&self) -> Result<Timestamp> {
        if self.at == "now" {
            return Ok(Timestamp::now());
        }
        self.at.parse::<Timestamp>().with_context(|| {
            format!(
                "--at {:?} is not an instant like 2024-09-23T09:00:00+06:00",
                self.at
            )
        })
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ElectionArg {
    /// The election (default: the only one in the database).
    #[arg(long)]
    election: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum RegisterCommand {
    /// Import a population register extract (the register.csv format), replacing the register
    /// and recording what changed; all or nothing. Into a register that holds persons this is
    /// a dry run printing the difference and its id, until run again with --confirm ID. With
    /// --compile or --election the voter lists of the election are compiled in the same
    /// transaction; lists compiled already are always compiled again.
    Import {
        #[command(flatten)]
        db: DbArg,
        file: PathBuf,
        #[command(flatten)]
        election: ElectionArg,
        /// Compile the voter lists too (of --election, or of the only election).
        #[arg(long)]
        compile: bool,
        /// Store the difference a dry run printed (its id): refused if the register or the file
        /// changed since.
        #[arg(long, value_name = "DIFFERENCE")]
        confirm: Option<String>,
        /// Override a guard for this import, by the name of its rule parameter: only
        /// `register_removal_limit_percent` (remove more of the register than it allows).
        #[arg(long = "override", value_name = "PARAMETER", requires = "confirm")]
        override_limit: Option<String>,
        /// Show the difference and store nothing, into an empty register too.
        #[arg(long, conflicts_with = "confirm")]
        dry_run: bool,
        #[command(flatten)]
        at: AtArg,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compile (or recompile) the voter lists of an election from the stored register (until
    /// the lists are final at the end of CAL-12).
    Compile {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[command(flatten)]
        at: AtArg,
        #[arg(long)]
        json: bool,
    },
    /// Publish the preliminary voter lists online (not before CAL-02).
    Publish {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[command(flatten)]
        at: AtArg,
    },
    /// Record that the preliminary lists are posted at the stations (due by CAL-04).
    Post {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[command(flatten)]
        at: AtArg,
    },
    /// Freeze the final voter lists (after CAL-12 closes); they never change again.
    Freeze {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[command(flatten)]
        at: AtArg,
    },
    /// Where the lists stand, voters per council, and the latest imports.
    Status {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        #[arg(long)]
        json: bool,
    },
    /// Print a station's voter list as PDF (A4): `--station N --out FILE`, or every station
    /// of the election with `--all DIR`. `--variant posting|signatures`, `--lang ky|ru|en`.
    Print(super::print::PrintArgs),
    /// For staff: a person's list entry, or the coded reasons they are not on a list.
    Why {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        election: ElectionArg,
        pin: String,
    },
}

/// `shailoo bench register-floor`: the same file bulk-loaded plainly into `persons`.
#[derive(Debug, Clone, clap::Args)]
pub struct FloorArgs {
    /// A register.csv file.
    pub file: PathBuf,
    /// An empty database to load into.
    #[arg(long)]
    pub db: String,
}

pub async fn run(command: RegisterCommand) -> Result<ExitCode> {
    match command {
        RegisterCommand::Import {
            db,
            file,
            election,
            compile,
            confirm,
            override_limit,
            dry_run,
            at,
            json,
        } => {
            let asked = Asked {
                confirmation: confirmation(confirm.as_deref(), override_limit.as_deref())?,
                dry_run,
            };
            import_file(&db, &file, &election, compile, asked, at.instant()?, json).await
        }
        RegisterCommand::Compile {
            db,
            election,
            at,
            json,
        } => compile(&db, &election, at.instant()?, json).await,
        RegisterCommand::Publish { db, election, at } => {
            step(&db, &election, &at, ListStep::Published).await
        }
        RegisterCommand::Post { db, election, at } => {
            step(&db, &election, &at, ListStep::Posted).await
        }
        RegisterCommand::Freeze { db, election, at } => {
            step(&db, &election, &at, ListStep::Frozen).await
        }
        RegisterCommand::Status { db, election, json } => {
            let store = super::connect(&db.db).await?;
            let election = pick_election(store.as_ref(), &election).await?;
            status(store.as_ref(), &election, json).await
        }
        RegisterCommand::Print(args) => super::print::run(args).await,
        RegisterCommand::Why { db, election, pin } => {
            let store = super::connect(&db.db).await?;
            let election = pick_election(store.as_ref(), &election).await?;
            why(store.as_ref(), &election, &pin).await
        }
    }
}

/// What `register import` was asked to store: the difference it confirms, or a dry run.
struct Asked {
    confirmation: Option<Confirmation>,
    dry_run: bool,
}

/// `shailoo register import`: the file as one import (and the compile, with an election); into
/// a register that holds persons, a preview until its difference is confirmed.
async fn import_file(
    db: &DbArg,
    file: &Path,
    election: &ElectionArg,
    compile: bool,
    asked: Asked,
    at: Timestamp,
    json: bool,
) -> Result<ExitCode> {
    let store = super::connect_sole(&db.db).await?;
    let election = if compile || election.election.is_some() {
        Some(pick_election(store.as_ref(), election).await?)
    } else {
        None
    };
    // Into a register that holds persons, nothing is stored without a confirmation.
    let mode = match asked.confirmation {
        Some(c) => ImportMode::Apply(Some(c)),
        None if asked.dry_run || store.register_count().await? > 0 => ImportMode::Preview,
        None => ImportMode::Apply(None),
    };
    let started = Instant::now();
    let imported = import(store.as_ref(), file, election, mode, at).await;
    store.close().await;
    let report = imported?;
    print_import(&report, started.elapsed().as_secs_f64(), json)?;
    if !report.applied && !json {
        print_how_to_confirm(&report, &db.db, file);
    }
    Ok(ExitCode::SUCCESS)
}

/// `shailoo register compile`, with a progress bar.
async fn compile(
    db: &DbArg,
    election: &ElectionArg,
    at: Timestamp,
    json: bool,
) -> Result<ExitCode> {
    let store = super::connect_sole(&db.db).await?;
    let election = pick_election(store.as_ref(), election).await?;
    let started = Instant::now();
    // The register's size comes with the first report; the bar is a counter until then.
    let bar = bar(0, "assessed");
    let progress = |c: CompileProgress| {
        if c.persons > 0 && bar.length() != Some(c.persons) {
            bar.set_length(c.persons);
            bar.set_style(super::data::progress_bar(c.persons, "assessed").style());
        }
        bar.set_position(c.assessed);
    };
    let compiled =
        voters::compile_with_progress(store.as_ref(), &election, ACTOR, at, &progress).await;
    bar.finish_and_clear();
    store.close().await;
    let report = compiled.context("compiling the voter lists (nothing was changed)")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_compile(&report, started.elapsed().as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}

/// `--election`, or the only election in the database.
pub(super) async fn pick_election(store: &dyn Store, arg: &ElectionArg) -> Result<ElectionId> {
    if let Some(id) = &arg.election {
        return ElectionId::parse(id).with_context(|| format!("--election {id:?}"));
    }
    let elections = store.elections().await?;
    match elections.as_slice() {
        [only] => Ok(only.id.clone()),
        [] => bail!("the database holds no election: load a setup first (shailoo load)"),
        many => bail!(
            "the database holds {} elections: choose one with --election ({})",
            many.len(),
            many.iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The number of persons the manifest beside the file announces, for the progress bar.
fn expected_rows(file: &Path) -> u64 {
    let manifest = file.with_file_name(shailoo_formats::files::MANIFEST);
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<shailoo_formats::Manifest>(&text).ok())
        .map_or(0, |s| s.counts.persons)
}

fn bar(total: u64, what: &str) -> ProgressBar {
    let bar = if total > 0 {
        super::data::progress_bar(total, what)
    } else {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template(&format!("{what} {{human_pos}} ({{per_sec}})"))
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar
    };
    // CI logs and pipes get the summary line only.
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar
}

/// `--confirm ID [--override register_removal_limit_percent]`, parsed.
fn confirmation(
    confirm: Option<&str>,
    override_limit: Option<&str>,
) -> Result<Option<Confirmation>> {
    let override_removal_limit = match override_limit {
        None => false,
        Some(REMOVAL_LIMIT_KEY) => true,
        Some(other) => bail!(
            "--override {other:?}: the only guard an import may override is \
             {REMOVAL_LIMIT_KEY}"
        ),
    };
    confirm
        .map(|id| {
            let difference = DifferenceId::parse(id).with_context(|| {
                format!("--confirm {id:?} is not the id of a difference a dry run printed")
            })?;
            Ok(Confirmation {
                difference,
                override_removal_limit,
            })
        })
        .transpose()
}

/// After a dry run: what it would remove beyond the limit, and the command that stores it.
fn print_how_to_confirm(report: &ImportReport, db: &str, file: &Path) {
    if report.removal_over_limit {
        println!(
            "warning: this removes {} of the {} persons in the register, more than the limit of \
             {} % ({REMOVAL_LIMIT_KEY}); it is imported only with --override {REMOVAL_LIMIT_KEY}",
            report.removed, report.persons_before, report.removal_limit_percent
        );
    }
    let overriding = if report.removal_over_limit {
        format!(" --override {REMOVAL_LIMIT_KEY}")
    } else {
        String::new()
    };
    match &report.difference {
        Some(id) => println!(
            "nothing was imported; to import this difference: shailoo register import --db {db} \
             {} --confirm {id}{overriding}",
            file.display()
        ),
        None => println!(
            "nothing was imported; the register is empty: run again without --dry-run to import"
        ),
    }
}

/// Streams `file` into one import (and compile, with `election` or compiled lists) as `mode`
/// says: previewed, or stored all of it or nothing.
pub async fn import(
    store: &dyn Store,
    file: &Path,
    election: Option<ElectionId>,
    mode: ImportMode,
    at: Timestamp,
) -> Result<ImportReport> {
    let known = store.territory_ids().await?.into_iter().collect();
    let reader = RegisterReader::open(file)?.known_settlements(known);
    let expected = expected_rows(file);
    let source_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let source = move |sink: &mut dyn FnMut(Result<RegisterRecord>) -> ControlFlow<()>| {
        for record in reader {
            if sink(record.map_err(anyhow::Error::from)).is_break() {
                return;
            }
        }
    };
    import_records(
        store,
        source,
        expected,
        source_name,
        election,
        mode,
        at,
        false,
    )
    .await
}

/// The one bulk-load path of the register (`register import`, `load`, `demo`,
/// `bench register-floor`): records from `source` into one import (and compile, with
/// `election` or compiled lists: [`voters::plan_import`]), previewed or stored as `mode` says,
/// all of them or, on the first bad one, none. With `skip_empty`, a source without records
/// records no import (`load` of a dataset whose register is only the header). The streaming
/// itself is [`voters::import_register`], which the web's register page uses too.
#[allow(
    clippy::too_many_arguments,
    reason = "one call per command, each argument named there"
)]
pub async fn import_records(
    store: &dyn Store,
    source: impl RecordSource,
    expected: u64,
    source_name: String,
    election: Option<ElectionId>,
    mode: ImportMode,
    at: Timestamp,
    skip_empty: bool,
) -> Result<ImportReport> {
    let plan = voters::plan_import(store, election.as_ref())
        .await
        .context("preparing the import (nothing was imported)")?;
    let options = ImportOptions::new(source_name, ACTOR, at, plan, mode);
    let if_empty = if skip_empty {
        EmptyExtract::Skip
    } else {
        EmptyExtract::Import
    };
    // The CLI's sources do not count bytes; the bar counts records.
    let source = move |sink: &mut dyn FnMut(Result<RegisterRecord>, u64) -> ControlFlow<()>| {
        source(&mut |record| sink(record, 0));
    };
    let bar = bar(expected, "register");
    let imported = voters::import_register(store, options, expected, if_empty, source, |p| {
        bar.set_position(p.records);
        if p.records >= expected {
            bar.set_message("diff and commit");
        }
    })
    .await;
    bar.finish_and_clear();
    match imported {
        Ok(report) => Ok(report.unwrap_or_default()),
        Err(StreamedImportError::BadRow(e)) => {
            Err(e.context("the register has a bad row; nothing was imported"))
        }
        Err(StreamedImportError::Refused(e)) => {
            Err(anyhow::Error::from(e).context("importing the register (nothing was imported)"))
        }
        Err(e @ StreamedImportError::ReaderStopped) => {
            Err(anyhow::Error::from(e).context("nothing was imported"))
        }
    }
}

fn print_import(report: &ImportReport, seconds: f64, json: bool) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    if !report.applied {
        println!(
            "dry run of {}: {} persons in the register now; {} added, {} changed, {} removed, \
             {} unchanged; {} persons after the import, {} duplicated PINs",
            report.source,
            report.persons_before,
            report.added,
            report.changed,
            report.removed,
            report.unchanged,
            report.persons,
            report.duplicate_pins
        );
        if let Some(id) = &report.difference {
            println!("difference {id}");
        }
        return Ok(());
    }
    println!(
        "imported {} as import #{}: {} records, {} persons ({} added, {} changed, {} removed, \
         {} unchanged), {} duplicated PINs, in {seconds:.1} s ({:.0} rows/s)",
        report.source,
        report.import_id,
        report.records,
        report.persons,
        report.added,
        report.changed,
        report.removed,
        report.unchanged,
        report.duplicate_pins,
        report.records as f64 / seconds.max(1e-9)
    );
    if report.removal_override {
        println!(
            "the removal limit ({REMOVAL_LIMIT_KEY} = {} %) was overridden: recorded in the audit log",
            report.removal_limit_percent
        );
    }
    if let Some(compiled) = &report.compiled {
        print_compile(compiled, seconds);
    }
    Ok(())
}

fn print_compile(report: &voters::CompileReport, seconds: f64) {
    println!(
        "voter lists of {}: {} voters on the lists, {} persons not on a list (compiled in {seconds:.1} s)",
        report.election, report.eligible, report.ineligible
    );
    for (code, n) in &report.by_reason {
        println!("  {code}: {n}");
    }
}

async fn step(db: &DbArg, election: &ElectionArg, at: &AtArg, step: ListStep) -> Result<ExitCode> {
    let store = super::connect(&db.db).await?;
    let election = pick_election(store.as_ref(), election).await?;
    let now = at.instant()?;
    let outcome = voters::take_step(store.as_ref(), &election, step, ACTOR, now)
        .await
        .with_context(|| format!("the voter lists of {election} were not {step}"))?;
    println!(
        "voter lists of {election} {step} at {}",
        shailoo_domain::time::to_bishkek(now).strftime("%Y-%m-%d %H:%M Asia/Bishkek")
    );
    if let Some(due) = outcome.late {
        println!(
            "warning: posting was due by {} (CAL-04)",
            shailoo_domain::time::to_bishkek(due).strftime("%Y-%m-%d %H:%M")
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn status(store: &dyn Store, election: &ElectionId, json: bool) -> Result<ExitCode> {
    let state = store.voter_list_state(election).await?;
    let councils = store.list_counts(election, CountBy::Council).await?;
    let imports = store.register_imports(5).await?;
    if json {
        let value = serde_json::json!({
            "state": state,
            "councils": councils,
            "imports": imports,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
        return Ok(ExitCode::SUCCESS);
    }
    match &state {
        None => println!("voter lists of {election}: not compiled"),
        Some(s) => {
            let show = |t: Option<Timestamp>| t.map_or_else(|| "-".to_owned(), |t| t.to_string());
            println!(
                "voter lists of {election}: {} voters, {} not on a list",
                s.eligible, s.ineligible
            );
            println!("  compiled:  {}", show(s.compiled_at));
            println!("  published: {}", show(s.published_at));
            println!("  posted:    {}", show(s.posted_at));
            println!("  frozen:    {}", show(s.frozen_at));
        }
    }
    println!("{} councils with voters", councils.len());
    for import in &imports {
        println!(
            "import #{} {} at {}: {} added, {} changed, {} removed, {} unchanged, {} duplicated PINs",
            import.import_id,
            import.source,
            import.imported_at,
            import.added,
            import.changed,
            import.removed,
            import.unchanged,
            import.duplicate_pins
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn why(store: &dyn Store, election: &ElectionId, pin: &str) -> Result<ExitCode> {
    let pin = Pin::parse(pin).with_context(|| format!("{pin:?} is not a PIN"))?;
    let Some(status) = store.voter_status(election, &pin).await? else {
        println!("{pin}: not in the population register");
        return Ok(ExitCode::from(3));
    };
    let p = &status.person;
    println!(
        "{pin}: {} {} {} — {}, {} {}",
        p.surname,
        p.given_name,
        p.patronymic.as_deref().unwrap_or(""),
        p.settlement,
        p.street,
        p.house
    );
    match &status.placement {
        Placement::OnList {
            council,
            home_station,
            station,
        } => {
            println!(
                "on the list of station {station} (home station {home_station}), council {council}"
            );
        }
        Placement::NotOnList {
            reasons,
            council,
            home_station,
        } => {
            let at = home_station
                .map_or_else(|| "no station area".to_owned(), |s| format!("station {s}"));
            let council = council.as_ref().map_or("-", |c| c.as_str());
            println!("not on a list ({at}, council {council}):");
            for reason in *reasons {
                println!("  {}: {}", reason.code(), reason.default_text());
            }
        }
        Placement::NotCompiled => {
            println!("not assessed: the lists were compiled before this person was added")
        }
    }
    for change in store.register_history(&pin).await? {
        println!(
            "  import #{} at {}: {}",
            change.import_id, change.imported_at, change.kind
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The floor: the same file parsed by the same reader and bulk-loaded into `persons` of an
/// empty database through the same import path (sorted `COPY` / multi-row `INSERT`), without
/// compiling the lists: what `register import --compile` costs beyond a plain load.
pub async fn floor(args: FloorArgs) -> Result<ExitCode> {
    // Opened as `register import` opens it, so that the ratio compares like with like.
    let store = super::connect_sole(&args.db).await?;
    if store.register_count().await? > 0 {
        bail!("register-floor needs an empty register: use a new database");
    }
    let reader = RegisterReader::open(&args.file)?;
    let expected = expected_rows(&args.file);
    let started = Instant::now();
    let source = move |sink: &mut dyn FnMut(Result<RegisterRecord>) -> ControlFlow<()>| {
        for record in reader {
            if sink(record.map_err(anyhow::Error::from)).is_break() {
                return;
            }
        }
    };
    let report = import_records(
        store.as_ref(),
        source,
        expected,
        "register-floor".to_owned(),
        None,
        ImportMode::Apply(None),
        Timestamp::now(),
        false,
    )
    .await?;
    // Closing writes the load out for good (SQLite's checkpoint, when it kept its log).
    store.close().await;
    let loaded = report.records;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "floor on {}: {loaded} rows in {seconds:.2} s = {:.0} rows/s",
        store.engine(),
        loaded as f64 / seconds.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
