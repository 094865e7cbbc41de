//! District schemes for the generated aiyl councils (DIS-01…DIS-05), drawn by the automatic
//! designer the district editor offers (`shailoo_districting::propose`) on the councils'
//! districting units, so that aiyl nominations name real districts.
//!
//! The designer is deterministic for a seed; each council's seed comes from the dataset's seed
//! and the council id. All 231 national councils take about a second in a release build. A
//! council for which the designer finds no valid scheme gets one district holding every unit
//! and every seat: valid by the domain's check (its units are connected), though TER-04 expects
//! several; with the national data of seed 2024 this does not happen.

use shailoo_districting::{ProposalInput, propose};
use shailoo_domain::district::{District, DistrictId};
use shailoo_domain::params::RuleParameters;
use shailoo_formats::{CouncilScheme, CouncilUnits};

/// A scheme for every council of `units`, in their order.
pub fn district_schemes(units: &[CouncilUnits], seed: u64) -> Vec<CouncilScheme> {
    let params = RuleParameters::default();
    units
        .iter()
        .map(|council| {
            let input = ProposalInput {
                council: Some(council.council.clone()),
                seats: council.seats,
                units: council.domain_units(),
                districts: None,
                magnitude: None,
                seed: None,
            };
            let districts = match propose(&input, &params, council_seed(seed, council)) {
                Ok(proposal) => proposal.scheme(&input).districts,
                Err(_) => vec![District {
                    id: DistrictId::parse("1").expect("\"1\" is a district id"),
                    units: council.units.iter().map(|u| u.id.clone()).collect(),
                    seats: council.seats.get(),
                    remote: false,
                }],
            };
            CouncilScheme {
                council: council.council.clone(),
                districts,
            }
        })
        .collect()
}

/// FNV-1a of the council id over the dataset's seed: councils get different searches, and a
/// council keeps its scheme when others change.
fn council_seed(seed: u64, council: &CouncilUnits) -> u64 {
    council
        .council
        .as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325 ^ seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}
