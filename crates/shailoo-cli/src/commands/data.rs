//! `shailoo generate` and `shailoo load`: writing a dataset and loading one into a store.

use crate::GenerateScale;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use shailoo_app::AuditAction;
use shailoo_app::Store;
use shailoo_app::audit::AuditEvent;
use shailoo_app::voters::ImportMode;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{Pin, TerritoryId};
use shailoo_formats::{RegisterReader, files, read_setup};
use shailoo_generator::{Generator, Scale, write_dataset};
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

pub fn progress_bar(total: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{what} {{bar:40}} {{human_pos}}/{{human_len}} ({{per_sec}}, {{eta}} left)"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

pub fn generate(scale: GenerateScale, seed: u64, out: &Path) -> Result<ExitCode> {
    let scale = match scale {
        GenerateScale::National => Scale::National,
        GenerateScale::Small => Scale::Small,
    };
    let started = Instant::now();
    let generator = Generator::new(scale, seed);
    let bar = progress_bar(generator.person_count(), "register");
    let summary = write_dataset(&generator, out, |rows| bar.set_position(rows))
        .with_context(|| format!("writing the dataset to {}", out.display()))?;
    bar.finish_and_clear();
    let c = &summary.counts;
    println!(
        "wrote {} ({} scale, seed {seed}) in {:.1} s: {} councils ({} city, {} aiyl; {} + {} seats), \
         {} commissions, {} stations ({} regular, {} remote), {} persons ({} eligible), \
         {} aiyl districts, {} parties, {} city lists registered ({} candidates), \
         {} aiyl candidates",
        out.display(),
        scale,
        started.elapsed().as_secs_f64(),
        c.councils,
        c.city_councils,
        c.aiyl_councils,
        c.city_seats,
        c.aiyl_seats,
        c.commissions,
        c.stations,
        c.regular_stations,
        c.remote_stations,
        c.persons,
        c.eligible_persons,
        c.aiyl_districts,
        c.parties,
        c.city_lists_registered,
        c.city_list_candidates_registered,
        c.aiyl_candidates,
    );
    Ok(ExitCode::SUCCESS)
}

/// Loads the setup (one atomic import) and then the register (a second atomic import).
pub async fn load(store: &dyn Store, dir: &Path) -> Result<()> {
    let started = Instant::now();
    let dataset = read_setup(dir).with_context(|| format!("reading {}", dir.display()))?;
    let event = AuditEvent::new(
        "system",
        AuditAction::SetupImported,
        dir.display().to_string(),
        Timestamp::now(),
    );
    let summary = store
        .import_setup(&dataset.setup, &dataset.station_areas, event)
        .await
        .context("importing the election setup (nothing was stored)")?;
    // Districting units (issue 5), when the dataset has them: all or nothing.
    if let Some(units) = shailoo_formats::read_district_units(dir)? {
        let event = AuditEvent::new(
            "system",
            AuditAction::DistrictUnitsImported,
            dir.display().to_string(),
            Timestamp::now(),
        );
        let n = store
            .import_district_units(&super::districts::port_units(&units), event)
            .await
            .context("importing the districting units (nothing of them was stored)")?;
        println!("districting units: {n}");
    }
    println!(
        "setup: {} territories, {} councils, {} commissions, {} stations, {} station areas in {:.1} s",
        summary.territories,
        summary.councils,
        summary.commissions,
        summary.stations,
        summary.station_areas,
        started.elapsed().as_secs_f64()
    );

    let known = dataset.setup.territories.iter().map(|t| t.id.clone());
    load_register_file(store, dir, known.collect()).await
}

/// The dataset's register, streamed into one import. A person in a settlement the dataset's
/// own setup does not know (not in `known`) is an error at its line.
async fn load_register_file(
    store: &dyn Store,
    dir: &Path,
    known: HashSet<TerritoryId>,
) -> Result<()> {
    let path = dir.join(files::REGISTER);
    let reader = RegisterReader::open(&path)?.known_settlements(known);
    let expected = manifest_persons(dir).unwrap_or(0);
    let started = Instant::now();
    let source = move |sink: &mut dyn FnMut(Result<RegisterRecord>) -> ControlFlow<()>| {
        for record in reader {
            if sink(record.map_err(anyhow::Error::from)).is_break() {
                return;
            }
        }
    };
    let loaded = load_register(
        store,
        source,
        expected,
        &path.display().to_string(),
        Timestamp::now(),
    )
    .await
    .context("loading the register (nothing of it was stored)")?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "register: {loaded} persons in {seconds:.1} s ({:.0} rows/s)",
        loaded as f64 / seconds.max(1e-9)
    );
    load_candidacies(store, dir, &path).await
}

/// The parties, schemes and nominations of the dataset, when it has them (issue 14), brought
/// to their stages through the workflow against the registry doubles, which know the
/// candidates as `register.csv` does.
async fn load_candidacies(store: &dyn Store, dir: &Path, register: &Path) -> Result<()> {
    let Some(files) = shailoo_formats::read_candidacies(dir)? else {
        return Ok(());
    };
    let schemes = shailoo_formats::read_district_schemes(dir)?.unwrap_or_default();
    let started = Instant::now();
    let pins: HashSet<Pin> = files.candidates.iter().map(|c| c.pin).collect();
    let mut persons = Vec::with_capacity(pins.len());
    for record in RegisterReader::open(register)? {
        let record = record?;
        if pins.contains(&record.pin) {
            persons.push(record);
        }
    }
    let (parties, schemes) =
        super::candidacies::load_parties_and_schemes(store, &schemes, &files).await?;
    println!("candidacies: {parties} parties, {schemes} approved district schemes");
    let doubles = super::candidacies::Doubles::start(&persons, 0).await?;
    let loaded = super::candidacies::load(store, &doubles, &files)
        .await
        .context("loading the candidacies")?;
    print_candidacies(&loaded, started.elapsed().as_secs_f64());
    let ballots =
        super::candidacies::fix_ballots_when_registration_closes(store, Timestamp::MAX).await?;
    println!("ballots: {ballots} city ballots fixed when registration closed (CAL-08)");
    Ok(())
}

/// One line on what a load of the candidacies did.
pub fn print_candidacies(l: &super::candidacies::Loaded, seconds: f64) {
    println!(
        "candidacies: nominations {} registered ({} list candidates left out), {} pending, \
         {} refused, {} drafts ({} refused on filing) in {seconds:.1} s",
        l.registered, l.excluded, l.submitted, l.refused, l.drafts, l.refused_at_door
    );
}

fn manifest_persons(dir: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(dir.join(files::MANIFEST)).ok()?;
    let summary: shailoo_formats::Manifest = serde_json::from_str(&text).ok()?;
    Some(summary.counts.persons)
}

/// A source of register records: it calls the sink with each record until the sink says stop.
pub trait RecordSource:
    FnOnce(&mut dyn FnMut(Result<RegisterRecord>) -> ControlFlow<()>) + Send + 'static
{
}
impl<F> RecordSource for F where
    F: FnOnce(&mut dyn FnMut(Result<RegisterRecord>) -> ControlFlow<()>) + Send + 'static
{
}

/// Streams records into one register import without compiling (`load`, `demo`): the same
/// path as `shailoo register import`, into an empty register (a register already there is
/// replaced only through `register import` and its confirmed difference). Returns the records
/// read. The import is dated `at`.
pub async fn load_register(
    store: &dyn Store,
    source: impl RecordSource,
    expected: u64,
    what: &str,
    at: Timestamp,
) -> Result<u64> {
    let report = super::register::import_records(
        store,
        source,
        expected,
        what.to_owned(),
        None,
        ImportMode::Apply(None),
        at,
        true,
    )
    .await?;
    Ok(report.records)
}
