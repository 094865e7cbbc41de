//! `district_units.json`: the districting units of every aiyl council (DIS-03, issue 5), the
//! input of the district editor and of automatic design. Optional in a dataset directory.

use crate::error::{FormatError, WriteError};
use crate::files;
use crate::table::{read_optional_json, write_json};
use serde::{Deserialize, Serialize};
use shailoo_domain::district::{Unit, UnitId};
use shailoo_domain::{CouncilId, SeatCount, StationNumber, TerritoryId};
use std::path::Path;

/// One districting unit: the part of one settlement that one polling station serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictUnit {
    /// `{station}-{settlement}`, e.g. `4012-kara-suu`.
    pub id: UnitId,
    pub settlement: TerritoryId,
    /// The polling station serving the unit.
    pub station: StationNumber,
    /// Persons in the register on the unit's streets.
    pub persons: u64,
    /// Eligible voters (estimated or counted by whoever wrote the file).
    pub voters: u64,
    /// Hard to reach or remote (DIS-01).
    pub remote: bool,
    /// Bordering units, sorted by id.
    pub neighbors: Vec<UnitId>,
    /// Where to draw the unit, km east and north of the council's centre.
    pub x_km: f64,
    pub y_km: f64,
}

/// The units of one aiyl council.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilUnits {
    pub council: CouncilId,
    pub seats: SeatCount,
    pub units: Vec<DistrictUnit>,
}

impl CouncilUnits {
    /// The units as the domain's scheme check and the district proposer read them.
    pub fn domain_units(&self) -> Vec<Unit> {
        self.units
            .iter()
            .map(|u| Unit {
                id: u.id.clone(),
                voters: u.voters,
                remote: u.remote,
                neighbors: u.neighbors.clone(),
            })
            .collect()
    }
}

/// The districting units written beside the setup ([`files::DISTRICT_UNITS`]), or `None` when
/// the directory has no such file (datasets written before issue 5).
pub fn read_district_units(dir: &Path) -> Result<Option<Vec<CouncilUnits>>, FormatError> {
    read_optional_json(&dir.join(files::DISTRICT_UNITS))
}

/// Writes the districting units into `dir` (compact: the national file is about 1 MB).
pub fn write_district_units(dir: &Path, units: &[CouncilUnits]) -> Result<(), WriteError> {
    write_json(&dir.join(files::DISTRICT_UNITS), units, false)?;
    Ok(())
}
