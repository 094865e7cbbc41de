//! `manifest.json`: what a dataset directory holds and how it was made. Written last; nothing
//! in it depends on the time of writing, so a deterministic producer writes identical bytes.

use crate::error::WriteError;
use crate::files;
use crate::table::write_json;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The value of [`Manifest::format`].
pub const FORMAT_NAME: &str = "shailoo-dataset";

/// The manifest of a dataset directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`crate::FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Crate name and version of the producer.
    pub generator: String,
    pub generator_version: String,
    /// The producer's scale (`national` or `small` for the demo generator).
    pub scale: String,
    pub seed: u64,
    /// The day the eligibility counts refer to.
    pub voting_day: Date,
    pub counts: Counts,
    /// The data files in the order they were written (not `district_units.json`).
    pub files: Vec<FileSummary>,
}

/// What a dataset holds, row counts per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One data file as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    /// The file name, without directory.
    pub name: String,
    /// Data rows (without the header) or, for JSON, 1.
    pub rows: u64,
    pub bytes: u64,
}

/// Writes `manifest.json` into `dir`.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), WriteError> {
    write_json(&dir.join(files::MANIFEST), manifest, true)?;
    Ok(())
}
