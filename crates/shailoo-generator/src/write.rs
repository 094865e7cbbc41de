//! Writing a generated dataset as files (formats in `docs/data-formats.md`).
//!
//! The register is streamed: one person at a time from the generator straight into a CSV writer
//! with a 1 MiB buffer, fields written from borrowed text and stack buffers, so a national run
//! allocates only a formatted PIN per row and holds no rows in memory.

use crate::read::{
    COMMISSIONS_COLUMNS, COUNCILS_COLUMNS, REGISTER_COLUMNS, STATION_AREAS_COLUMNS,
    STATIONS_COLUMNS, TERRITORIES_COLUMNS,
};
use crate::{Generator, Scale, VOTING_DAY};
use jiff::civil::Date;
use serde::Serialize;
use shailoo_domain::territory::{CouncilKind, Setup, StationArea};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The files a dataset directory holds, in the order they are written.
pub mod files {
    pub const TERRITORIES: &str = "territories.csv";
    pub const COUNCILS: &str = "councils.csv";
    pub const COMMISSIONS: &str = "commissions.csv";
    pub const STATIONS: &str = "stations.csv";
    pub const STATION_AREAS: &str = "station_areas.csv";
    pub const ELECTION: &str = "election.json";
    pub const REGISTER: &str = "register.csv";
    pub const MANIFEST: &str = "manifest.json";
    /// The districting units of every aiyl council with their borders (issue 5): a JSON array
    /// of [`crate::CouncilUnits`]. Not listed in the manifest; optional on loading.
    pub const DISTRICT_UNITS: &str = "district_units.json";
}

/// Version of the file formats; bumped on any incompatible change.
pub const FORMAT_VERSION: u32 = 1;
const BUFFER: usize = 1 << 20;
/// Progress is reported every this many register rows (and once at the end).
const PROGRESS_EVERY: u64 = 1 << 16;

#[derive(Debug, thiserror::Error)]
pub enum GeneratorError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

/// What a dataset holds, as recorded in `manifest.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    pub territories: u64,
    pub councils: u64,
    pub city_councils: u64,
    pub aiyl_councils: u64,
    pub city_seats: u64,
    pub aiyl_seats: u64,
    pub commissions: u64,
    pub stations: u64,
    pub regular_stations: u64,
    pub remote_stations: u64,
    pub station_areas: u64,
    pub persons: u64,
    /// Persons eligible on voting day by the simple reading of VOT-01…VOT-05.
    pub eligible_persons: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FileSummary {
    pub name: String,
    /// Data rows (without the header) or, for JSON, 1.
    pub rows: u64,
    pub bytes: u64,
}

/// The outcome of [`write_dataset`]; also written as `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Summary {
    pub format: String,
    pub format_version: u32,
    pub generator: String,
    pub generator_version: String,
    pub scale: Scale,
    pub seed: u64,
    pub voting_day: Date,
    pub counts: Counts,
    pub files: Vec<FileSummary>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> GeneratorError + '_ {
    move |source| GeneratorError::Io {
        path: path.to_owned(),
        source,
    }
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> GeneratorError + '_ {
    move |source| GeneratorError::Csv {
        path: path.to_owned(),
        source,
    }
}

fn writer(path: &Path) -> Result<csv::Writer<File>, GeneratorError> {
    let file = File::create(path).map_err(io(path))?;
    Ok(csv::WriterBuilder::new()
        .buffer_capacity(BUFFER)
        .from_writer(file))
}

/// Writes a table: a header and rows of string fields.
fn write_table<'a, I, R>(
    dir: &Path,
    name: &str,
    header: &[&str],
    rows: I,
) -> Result<FileSummary, GeneratorError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = &'a str>,
{
    let path = dir.join(name);
    let mut w = writer(&path)?;
    let err = csv_err(&path);
    w.write_record(header).map_err(&err)?;
    let mut count = 0;
    for row in rows {
        w.write_record(row).map_err(&err)?;
        count += 1;
    }
    w.flush().map_err(io(&path))?;
    finish(&path, name, count)
}

fn finish(path: &Path, name: &str, rows: u64) -> Result<FileSummary, GeneratorError> {
    let bytes = std::fs::metadata(path).map_err(io(path))?.len();
    Ok(FileSummary {
        name: name.to_owned(),
        rows,
        bytes,
    })
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// `YYYY-MM-DD` without allocating.
pub(crate) fn format_date(d: Date, out: &mut [u8; 10]) -> &[u8] {
    let y = d.year() as u32;
    let (m, day) = (d.month() as u32, d.day() as u32);
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        m / 10,
        m % 10,
        day / 10,
        day % 10,
    ];
    out[4] = b'-';
    out[7] = b'-';
    for (pos, digit) in [0, 1, 2, 3, 5, 6, 8, 9].into_iter().zip(digits) {
        out[pos] = b'0' + digit as u8;
    }
    &out[..]
}

fn write_setup_files(
    dir: &Path,
    setup: &Setup,
    areas: &[StationArea],
) -> Result<Vec<FileSummary>, GeneratorError> {
    let mut out = Vec::new();
    out.push(write_table(
        dir,
        files::TERRITORIES,
        &TERRITORIES_COLUMNS,
        setup.territories.iter().map(|t| {
            [
                t.id.as_str(),
                t.kind.as_str(),
                t.parent.as_ref().map_or("", |p| p.as_str()),
                &t.name.ky,
                &t.name.ru,
                &t.name.en,
            ]
        }),
    )?);
    let seats: Vec<String> = setup.councils.iter().map(|c| c.seats.to_string()).collect();
    out.push(write_table(
        dir,
        files::COUNCILS,
        &COUNCILS_COLUMNS,
        setup.councils.iter().zip(&seats).map(|(c, seats)| {
            [
                c.id.as_str(),
                c.kind.as_str(),
                c.territory.as_str(),
                seats,
                &c.name.ky,
                &c.name.ru,
                &c.name.en,
            ]
        }),
    )?);
    out.push(write_table(
        dir,
        files::COMMISSIONS,
        &COMMISSIONS_COLUMNS,
        setup.commissions.iter().map(|c| {
            [
                c.id.as_str(),
                c.level.as_str(),
                c.parent.as_ref().map_or("", |p| p.as_str()),
                c.territory.as_str(),
                &c.name.ky,
                &c.name.ru,
                &c.name.en,
            ]
        }),
    )?);
    let numbers: Vec<String> = setup
        .stations
        .iter()
        .map(|s| s.number.to_string())
        .collect();
    out.push(write_table(
        dir,
        files::STATIONS,
        &STATIONS_COLUMNS,
        setup.stations.iter().zip(&numbers).map(|(s, number)| {
            let a = s.accessibility;
            [
                number.as_str(),
                s.commission.as_str(),
                s.council.as_str(),
                s.territory.as_str(),
                bool_str(s.remote_voting),
                &s.address.ky,
                &s.address.ru,
                &s.address.en,
                bool_str(a.ramp),
                bool_str(a.ground_floor),
                bool_str(a.wide_doors),
                bool_str(a.parking),
                bool_str(a.tactile_signs),
            ]
        }),
    )?);
    let area_numbers: Vec<String> = areas.iter().map(|a| a.station.to_string()).collect();
    out.push(write_table(
        dir,
        files::STATION_AREAS,
        &STATION_AREAS_COLUMNS,
        areas
            .iter()
            .zip(&area_numbers)
            .map(|(a, number)| [number.as_str(), a.settlement.as_str(), a.street.as_str()]),
    )?);
    let election = setup.elections.first();
    let path = dir.join(files::ELECTION);
    let json = serde_json::to_vec_pretty(&election).map_err(|source| GeneratorError::Json {
        path: path.clone(),
        source,
    })?;
    std::fs::write(&path, json).map_err(io(&path))?;
    out.push(finish(&path, files::ELECTION, 1)?);
    Ok(out)
}

/// Writes the register as CSV, calling `progress` with the rows written so far.
fn write_register(
    generator: &Generator,
    dir: &Path,
    progress: &mut impl FnMut(u64),
) -> Result<(FileSummary, u64, u64), GeneratorError> {
    let path = dir.join(files::REGISTER);
    let mut w = writer(&path)?;
    let err = csv_err(&path);
    w.write_record(REGISTER_COLUMNS).map_err(&err)?;
    let mut stream = generator.persons();
    let (mut rows, mut eligible) = (0u64, 0u64);
    let (mut birth, mut registered) = ([0u8; 10], [0u8; 10]);
    while let Some(p) = stream.next_row() {
        if p.eligible() {
            eligible += 1;
        }
        let fields: [&[u8]; 15] = [
            p.pin.as_str().as_bytes(),
            p.surname.as_bytes(),
            p.given_name.as_bytes(),
            p.patronymic.unwrap_or("").as_bytes(),
            p.sex.as_str().as_bytes(),
            format_date(p.birth_date, &mut birth),
            bool_str(p.citizen).as_bytes(),
            bool_str(p.biometrics).as_bytes(),
            p.settlement.as_str().as_bytes(),
            p.street.as_bytes(),
            p.house.as_bytes(),
            format_date(p.address_registered_on, &mut registered),
            bool_str(p.residence_stamp).as_bytes(),
            bool_str(p.court_incapable).as_bytes(),
            bool_str(p.imprisoned).as_bytes(),
        ];
        w.write_record(fields).map_err(&err)?;
        rows += 1;
        if rows % PROGRESS_EVERY == 0 {
            progress(rows);
        }
    }
    w.flush().map_err(io(&path))?;
    progress(rows);
    Ok((finish(&path, files::REGISTER, rows)?, rows, eligible))
}

/// Writes every file of the dataset into `dir` (created if missing) and returns what was
/// written. `progress` receives the number of register rows written, every 65,536 rows and at
/// the end; [`Generator::person_count`] is the total to expect.
pub fn write_dataset(
    generator: &Generator,
    dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<Summary, GeneratorError> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let setup = generator.setup_ref();
    let areas = generator.station_areas();
    let mut file_summaries = write_setup_files(dir, setup, areas)?;
    let (register, persons, eligible_persons) = write_register(generator, dir, &mut progress)?;
    file_summaries.push(register);

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
    let summary = Summary {
        format: "shailoo-dataset".into(),
        format_version: FORMAT_VERSION,
        generator: env!("CARGO_PKG_NAME").into(),
        generator_version: env!("CARGO_PKG_VERSION").into(),
        scale: generator.scale(),
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
        },
        files: file_summaries,
    };
    // DIS-03 units for the district editor, with voters estimated from the persons.
    let path = dir.join(files::DISTRICT_UNITS);
    let json = serde_json::to_vec(&crate::district_units(generator)).map_err(|source| {
        GeneratorError::Json {
            path: path.clone(),
            source,
        }
    })?;
    std::fs::write(&path, json).map_err(io(&path))?;

    let path = dir.join(files::MANIFEST);
    let json = serde_json::to_vec_pretty(&summary).map_err(|source| GeneratorError::Json {
        path: path.clone(),
        source,
    })?;
    std::fs::write(&path, json).map_err(io(&path))?;
    Ok(summary)
}
