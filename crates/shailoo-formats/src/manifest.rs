//! `manifest.json`: what a dataset directory holds and how it was made. Written last; nothing
//! in it depends on the time of writing, so a deterministic producer writes identical bytes.

use crate::candidates::{Candidacies, NominationStage};
use crate::district_schemes::CouncilScheme;
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
    /// The data files in the order they were written (not `district_units.json` or
    /// `district_schemes.json`).
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
    /// Districts of the aiyl councils' schemes (`district_schemes.json`; 1,259 in 2024).
    #[serde(default)]
    pub aiyl_districts: u64,
    /// Rows of `parties.csv` (CAN-10: 39 in 2024).
    #[serde(default)]
    pub parties: u64,
    /// Rows of `nominations.csv` and `candidates.csv`, of every stage.
    #[serde(default)]
    pub nominations: u64,
    #[serde(default)]
    pub candidates: u64,
    /// Registered city lists and the candidates they keep (CAN-10: 187 and 4,928 in 2024).
    #[serde(default)]
    pub city_lists_registered: u64,
    #[serde(default)]
    pub city_list_candidates_registered: u64,
    /// Aiyl district nominations of every stage, one candidate each (CAN-10: about 10,000).
    #[serde(default)]
    pub aiyl_candidates: u64,
}

impl Counts {
    /// These counts with the figures of the district schemes and the candidacy files.
    pub fn with_candidacies(mut self, schemes: &[CouncilScheme], c: &Candidacies) -> Counts {
        self.aiyl_districts = schemes.iter().map(|s| s.districts.len() as u64).sum();
        self.parties = c.parties.len() as u64;
        self.nominations = c.nominations.len() as u64;
        self.candidates = c.candidates.len() as u64;
        let (mut lists, mut kept, mut aiyl) = (0, 0, 0);
        for (n, candidates) in c.by_nomination() {
            if !n.kind.is_list() {
                aiyl += 1;
            } else if let NominationStage::Registered { .. } = n.stage {
                lists += 1;
                kept += candidates.iter().filter(|c| c.ground.is_none()).count() as u64;
            }
        }
        self.city_lists_registered = lists;
        self.city_list_candidates_registered = kept;
        self.aiyl_candidates = aiyl;
        self
    }
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
