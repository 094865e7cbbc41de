//! Writing a generated dataset as the files of `docs/data-formats.md`, through the writers of
//! `shailoo-formats`.
//!
//! The register is streamed: one person at a time from the generator straight into the
//! register writer, fields borrowed from the generator's tables, so a national run allocates
//! only a formatted PIN per row and holds no rows in memory. The candidates are sampled from
//! the same stream as it passes ([`crate::candidacies`]), so the register is generated once.

use crate::candidacies::Pools;
use crate::persons::row_is_eligible;
use crate::{Generator, VOTING_DAY};
use shailoo_domain::territory::CouncilKind;
use shailoo_formats::manifest::FORMAT_NAME;
use shailoo_formats::{
    Candidacies, CouncilScheme, Counts, FORMAT_VERSION, FileSummary, Manifest, RegisterWriter,
    WriteError, files, write_candidacies, write_district_schemes, write_district_units,
    write_manifest, write_protocols, write_setup,
};
use std::path::Path;

/// Progress is reported every this many register rows (and once at the end).
const PROGRESS_EVERY: u64 = 1 << 16;

/// What the register pass counted.
struct RegisterPass {
    file: FileSummary,
    persons: u64,
    eligible: u64,
    /// Eligible persons per street of the plan (what the compiled lists will count).
    eligible_per_street: Vec<u32>,
}

/// Writes the register as CSV, offering each person to `pools` and calling `progress` with
/// the rows written so far; returns the file, and how many persons it holds and how many of
/// them are eligible, in all and per street.
fn write_register(
    generator: &Generator,
    dir: &Path,
    pools: &mut Pools,
    progress: &mut impl FnMut(u64),
) -> Result<RegisterPass, WriteError> {
    let mut writer = RegisterWriter::create(&dir.join(files::REGISTER))?;
    let mut stream = generator.persons();
    let (mut rows, mut eligible) = (0u64, 0u64);
    let mut per_street = vec![0u32; generator.station_areas().len()];
    while let Some((street, p)) = stream.next_located() {
        if row_is_eligible(&p) {
            eligible += 1;
            if let Some(n) = per_street.get_mut(street) {
                *n += 1;
            }
        }
        pools.observe(street, &p);
        writer.write(&p)?;
        rows += 1;
        if rows % PROGRESS_EVERY == 0 {
            progress(rows);
        }
    }
    let file = writer.finish()?;
    progress(rows);
    Ok(RegisterPass {
        file,
        persons: rows,
        eligible,
        eligible_per_street: per_street,
    })
}

/// Writes every file of the dataset into `dir` (created if missing) and returns what was
/// written, as also written to `manifest.json`. `progress` receives the number of register
/// rows written, every 65,536 rows and at the end; [`Generator::person_count`] is the total
/// to expect.
pub fn write_dataset(
    generator: &Generator,
    dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<Manifest, WriteError> {
    std::fs::create_dir_all(dir).map_err(|source| WriteError::Io {
        path: dir.to_owned(),
        source,
    })?;
    let setup = generator.setup_ref();
    let areas = generator.station_areas();
    let mut file_summaries = write_setup(dir, setup, areas)?;
    // The candidates are drawn from the register as it is written, while the district
    // schemes are drawn on another thread.
    let (pass, generated) =
        generator.with_candidacies(|pools| write_register(generator, dir, pools, &mut progress))?;
    file_summaries.push(pass.file);
    let candidacies = &generated.candidacies;
    file_summaries.extend(write_candidacies(dir, candidacies)?);

    let manifest = manifest(
        generator,
        (pass.persons, pass.eligible),
        &generated.schemes,
        candidacies,
        file_summaries,
    );
    // DIS-03 units for the district editor, with voters estimated from the persons.
    write_district_units(dir, &crate::district_units(generator))?;
    write_district_schemes(dir, &generated.schemes)?;
    // The protocols of voting day (issue 15), on the lists and ballots just written.
    let protocols = crate::protocols::protocols(
        generator,
        &pass.eligible_per_street,
        candidacies,
        &generated.schemes,
    );
    write_protocols(dir, &protocols)?;
    write_manifest(dir, &manifest)?;
    Ok(manifest)
}

/// The manifest of the dataset: what was generated (with the register's persons and eligible
/// persons), counted, and the files written.
fn manifest(
    generator: &Generator,
    (persons, eligible_persons): (u64, u64),
    schemes: &[CouncilScheme],
    candidacies: &Candidacies,
    files: Vec<FileSummary>,
) -> Manifest {
    let setup = generator.setup_ref();
    let areas = generator.station_areas();
    let count = |kind: CouncilKind| setup.councils.iter().filter(|c| c.kind == kind).count() as u64;
    let seats = |kind: CouncilKind| {
        setup
            .councils
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| u64::from(c.seats.get()))
            .sum()
    };
    let remote = setup.stations.iter().filter(|s| s.remote_voting).count() as u64;
    Manifest {
        format: FORMAT_NAME.into(),
        format_version: FORMAT_VERSION,
        generator: env!("CARGO_PKG_NAME").into(),
        generator_version: env!("CARGO_PKG_VERSION").into(),
        scale: generator.scale().as_str().into(),
        seed: generator.seed(),
        voting_day: VOTING_DAY,
        counts: Counts {
            territories: setup.territories.len() as u64,
            councils: setup.councils.len() as u64,
            city_councils: count(CouncilKind::City),
            aiyl_councils: count(CouncilKind::Aiyl),
            city_seats: seats(CouncilKind::City),
            aiyl_seats: seats(CouncilKind::Aiyl),
            commissions: setup.commissions.len() as u64,
            stations: setup.stations.len() as u64,
            regular_stations: setup.stations.len() as u64 - remote,
            remote_stations: remote,
            station_areas: areas.len() as u64,
            persons,
            eligible_persons,
            ..Counts::default()
        }
        .with_candidacies(schemes, candidacies),
        files,
    }
}
