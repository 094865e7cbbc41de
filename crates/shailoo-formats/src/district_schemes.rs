//! `district_schemes.json`: a district scheme for aiyl councils (DIS-01…DIS-05), in the form the
//! district editor saves, submits and approves (`shailoo_app::districts`): each council's
//! districts with their units and mandates. Optional in a dataset directory; aiyl nominations
//! (`nominations.csv`) name these districts.

use crate::error::{FormatError, WriteError};
use crate::files;
use crate::manifest::FileSummary;
use crate::table::{read_optional_json, write_json};
use serde::{Deserialize, Serialize};
use shailoo_domain::CouncilId;
use shailoo_domain::district::District;
use std::collections::HashSet;
use std::path::Path;

/// The districts of one aiyl council.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilScheme {
    pub council: CouncilId,
    /// Each with its id (unique in the council), units of `district_units.json`, mandates and
    /// whether the 20 % allowance is claimed (DIS-01).
    pub districts: Vec<District>,
}

/// The schemes written beside the setup ([`files::DISTRICT_SCHEMES`]), or `None` when the
/// directory has no such file. Refuses an unknown field, a council named twice, and a district
/// id used twice in one council; whether the scheme fits its council's units is the domain's
/// check (`check_scheme`), which an import runs.
pub fn read_district_schemes(dir: &Path) -> Result<Option<Vec<CouncilScheme>>, FormatError> {
    let Some(schemes) =
        read_optional_json::<Vec<CouncilScheme>>(&dir.join(files::DISTRICT_SCHEMES))?
    else {
        return Ok(None);
    };
    let bad = |message: String| FormatError::Json {
        file: files::DISTRICT_SCHEMES.to_owned(),
        message,
    };
    let mut councils = HashSet::new();
    for (i, scheme) in schemes.iter().enumerate() {
        if !councils.insert(&scheme.council) {
            return Err(bad(format!(
                "[{i}].council: {} has a scheme already",
                scheme.council
            )));
        }
        let mut ids = HashSet::new();
        for (j, d) in scheme.districts.iter().enumerate() {
            if !ids.insert(&d.id) {
                return Err(bad(format!(
                    "[{i}].districts[{j}].id: district {} of {} is named twice",
                    d.id, scheme.council
                )));
            }
        }
    }
    Ok(Some(schemes))
}

/// Writes the schemes into `dir` (compact, like `district_units.json`).
pub fn write_district_schemes(
    dir: &Path,
    schemes: &[CouncilScheme],
) -> Result<FileSummary, WriteError> {
    write_json(&dir.join(files::DISTRICT_SCHEMES), schemes, false)
}
