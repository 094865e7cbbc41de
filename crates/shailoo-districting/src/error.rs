//! Why no valid scheme is proposed: every reason names what stands in the way, so a TEC can
//! act on it (merge or split a unit, ask for another number of districts), instead of receiving
//! a scheme that breaks the law.

use serde::Serialize;
use shailoo_domain::district::UnitId;

/// Why [`crate::propose`] returns no scheme. Serialized with its [`NoValidScheme::code`] under
/// `code` so that clients translate by code, never by prose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum NoValidScheme {
    /// The units cannot be read as a council: a repeated id, an unknown neighbour, too many
    /// voters to count. `field` names the place in the input (`units[3].neighbors[0]`).
    #[error("`{field}`: {problem}")]
    InvalidInput { field: String, problem: String },
    /// DIS-01: without voters there is no norm of representation.
    #[error("the council has no voters, so there is no norm of representation (DIS-01)")]
    NoVoters,
    /// DIS-05: the requested magnitude range leaves no possible number of mandates.
    #[error(
        "no district magnitude is allowed: the requested range {requested_min}..{requested_max} and the rule limits {rule_min}..{rule_max} do not overlap (DIS-05)"
    )]
    MagnitudeRange {
        requested_min: u32,
        requested_max: u32,
        rule_min: u32,
        rule_max: u32,
    },
    /// DIS-03/DIS-05: the number of districts cannot be met: more districts than units, fewer
    /// than the separate parts of the territory, or seats that do not divide into that many
    /// districts of allowed magnitude.
    #[error(
        "{} districts cannot be drawn: with {units} units, {parts} separate part(s) of territory, {seats} seats and magnitudes {min_magnitude}..{max_magnitude}, the possible numbers of districts are {}",
        requested.map_or_else(|| "the".to_owned(), |k| k.to_string()),
        possible_text(*possible_min, *possible_max)
    )]
    DistrictCount {
        requested: Option<u32>,
        units: u32,
        parts: u32,
        seats: u32,
        min_magnitude: u32,
        max_magnitude: u32,
        possible_min: u32,
        possible_max: u32,
    },
    /// DIS-01/DIS-03: a unit cannot be split, and alone it holds more voters than a district
    /// of the largest allowed magnitude may have.
    #[error(
        "unit {unit} alone holds {voters} voters, more than a district of the maximum {max_seats} mandates can hold at +{limit_percent}% of the norm ({max_voters} voters); split the unit or allow larger districts"
    )]
    UnitTooLarge {
        unit: UnitId,
        voters: u64,
        max_seats: u32,
        limit_percent: u8,
        /// The most voters such a district may have, rounded down.
        max_voters: u64,
    },
    /// DIS-03: a part of the territory has no border with the rest, so it must form districts
    /// on its own, and no whole number of mandates represents its voters within the limit.
    #[error(
        "the units {} ({voters} voters) have no border with the rest of the council, and no whole number of mandates represents them within {limit_percent}% of the norm",
        units.iter().map(UnitId::as_str).collect::<Vec<_>>().join(", ")
    )]
    IsolatedPart {
        /// The part's units (at most 10 are listed).
        units: Vec<UnitId>,
        voters: u64,
        limit_percent: u8,
    },
    /// DIS-01: the search found no scheme within the limits. Not a proof that none exists, but
    /// the closest attempt is reported.
    #[error(
        "no scheme of {districts} districts within the limits was found; the closest had a district {} from the norm where {limit_percent}% is allowed",
        percent_text(*best_max_deviation_bp)
    )]
    NotFound {
        districts: u32,
        /// The largest deviation of the closest attempt, in basis points.
        best_max_deviation_bp: i64,
        limit_percent: u8,
    },
    /// An internal inconsistency: the domain's check refused the scheme the search built. The
    /// scheme is withheld; this is a bug to report.
    #[error("internal error: the proposed scheme fails the domain's check ({})", codes.join(", "))]
    CheckRejected { codes: Vec<String> },
}

fn possible_text(min: u32, max: u32) -> String {
    if min > max {
        "none".to_owned()
    } else if min == max {
        min.to_string()
    } else {
        format!("{min} to {max}")
    }
}

fn percent_text(bp: i64) -> String {
    format!("{}.{:02}%", bp / 100, (bp % 100).abs())
}

impl NoValidScheme {
    /// A stable code for clients that translate.
    pub fn code(&self) -> &'static str {
        match self {
            NoValidScheme::InvalidInput { .. } => "invalid_input",
            NoValidScheme::NoVoters => "no_voters",
            NoValidScheme::MagnitudeRange { .. } => "magnitude_range",
            NoValidScheme::DistrictCount { .. } => "district_count",
            NoValidScheme::UnitTooLarge { .. } => "unit_too_large",
            NoValidScheme::IsolatedPart { .. } => "isolated_part",
            NoValidScheme::NotFound { .. } => "not_found",
            NoValidScheme::CheckRejected { .. } => "check_rejected",
        }
    }
}
