//! Stable public identifiers and small counted quantities, parsed once at the edge.
//!
//! Public ids are short ASCII slugs (`chui`, `bishkek-city`, `tec-chui-alamudun`) chosen by the
//! data, stable across re-imports and safe in URLs. Counts that the law constrains are types.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an id may not be empty")]
    Empty,
    #[error("an id is at most 64 characters, this one has {0}")]
    TooLong(usize),
    #[error("an id uses only a–z, 0–9, '-' and '.'; found {0:?}")]
    BadCharacter(char),
    #[error("a station number is a whole number from 1 to 99999, not {0:?}")]
    BadStationNumber(String),
    #[error("a council has at least one seat, and at most 101; {0} is out of range")]
    BadSeatCount(u32),
}

/// A string id newtype whose text is checked by `$validate` on every way in.
macro_rules! string_id {
    ($validate:ident, $(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(s: &str) -> Result<Self, IdError> {
                $validate(s).map(|()| Self(s.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                $validate(&s).map(|()| Self(s))
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }
        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
    };
}

/// Any non-empty text of at most 64 characters without control characters: district schemes
/// use local numbering ("1", "u-17", station numbers), so no slug syntax is imposed on them.
/// Characters, not bytes, so that the API document's pattern ([`TEXT_ID_PATTERN`], counted in
/// characters as JSON Schema does) admits exactly what this admits.
fn validate_text(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    let length = s.chars().count();
    if length > 64 {
        return Err(IdError::TooLong(length));
    }
    match s.chars().find(|c| c.is_control()) {
        Some(c) => Err(IdError::BadCharacter(c)),
        None => Ok(()),
    }
}

/// The ids of territories, councils, commissions, elections, parties and candidates as a
/// regular expression, for the API document; a test holds it to `validate_slug`.
pub const SLUG_PATTERN: &str = "^[a-z0-9.-]{1,64}$";

/// The ids of district-scheme units and districts as a regular expression, for the API document;
/// a test holds it to `validate_text`. The excluded ranges are Unicode's control characters
/// (`char::is_control`).
pub const TEXT_ID_PATTERN: &str = "^[^\\x00-\\x1f\\x7f-\\x9f]{1,64}$";

/// The station numbers, for the API document.
pub const STATION_NUMBERS: std::ops::RangeInclusive<u32> = 1..=99_999;

fn validate_slug(s: &str) -> Result<(), IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    if s.len() > 64 {
        return Err(IdError::TooLong(s.len()));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '.'))
    {
        Some(c) => Err(IdError::BadCharacter(c)),
        None => Ok(()),
    }
}

string_id!(
    validate_slug,
    /// A unit of territory: region, city, raion, aiyl aimak or settlement.
    TerritoryId
);
string_id!(
    validate_slug,
    /// A local council (жергиликтүү кеңеш / местный кенеш).
    CouncilId
);
string_id!(
    validate_slug,
    /// An election commission: CEC (БШК/ЦИК), TEC (АШК/ТИК) or PEC (УШК/УИК).
    CommissionId
);
string_id!(
    validate_slug,
    /// An election, e.g. `local-2024`.
    ElectionId
);

string_id!(
    validate_slug,
    /// A political party (саясий партия / политическая партия), e.g. `zhany-kuch`.
    PartyId
);
string_id!(
    validate_slug,
    /// A registered candidate of one election, as shown on ballots and protocols (never the
    /// PIN, which is personal data).
    CandidateId
);

// i15-public: nominations loaded from files keep the files' id, so that candidate ids are
// stable across the generator, `shailoo load` and `protocols.jsonl`.
string_id!(
    validate_reference,
    /// The stable external id of a nomination loaded from a dataset (`chui-alamudun.ak-suu.n7`,
    /// the `id` of `nominations.csv`): a slug with at least one letter (so it never reads as a
    /// nomination number) of at most [`NominationReference::MAX_CHARS`] characters. Its
    /// candidates are `{reference}-{k}`, the same in the files that name them (protocols)
    /// and in the database, whatever number the database gives the nomination.
    NominationReference
);

impl NominationReference {
    /// Leaves room for `-{k}` within a [`CandidateId`]'s 64 characters.
    pub const MAX_CHARS: usize = 56;

    /// The id of the `k`-th candidate (1-based) this nomination gave out.
    pub fn candidate(&self, k: u32) -> CandidateId {
        // A slug, '-' and digits: within 64 characters while k < 10^7, far above the
        // candidates a nomination ever gives out (a list holds at most the council's seats).
        CandidateId::parse(&format!("{}-{k}", self.0))
            .unwrap_or_else(|_| unreachable!("a reference and a counter make a valid id"))
    }
}

fn validate_reference(s: &str) -> Result<(), IdError> {
    validate_slug(s)?;
    if s.len() > NominationReference::MAX_CHARS {
        return Err(IdError::TooLong(s.len()));
    }
    if !s.chars().any(|c| c.is_ascii_lowercase()) {
        // Digits only would collide with the numbered nominations' `{n}-{k}`.
        return Err(IdError::BadCharacter(s.chars().next().unwrap_or('0')));
    }
    Ok(())
}
string_id!(
    validate_text,
    /// A unit of a district scheme: a settlement or polling-station area, whole (DIS-03).
    UnitId
);
string_id!(
    validate_text,
    /// A district of a scheme (шайлоо округу / избирательный округ), usually its number.
    DistrictId
);

/// The number of a polling station (шайлоо участогу / избирательный участок), unique nationally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct StationNumber(u32);

impl StationNumber {
    pub fn new(n: u32) -> Result<Self, IdError> {
        if STATION_NUMBERS.contains(&n) {
            Ok(Self(n))
        } else {
            Err(IdError::BadStationNumber(n.to_string()))
        }
    }
    pub fn parse(s: &str) -> Result<Self, IdError> {
        s.trim()
            .parse::<u32>()
            .map_err(|_| IdError::BadStationNumber(s.to_owned()))
            .and_then(Self::new)
    }
    pub fn get(self) -> u32 {
        self.0
    }
}
impl TryFrom<u32> for StationNumber {
    type Error = IdError;
    fn try_from(n: u32) -> Result<Self, IdError> {
        Self::new(n)
    }
}
impl From<StationNumber> for u32 {
    fn from(n: StationNumber) -> u32 {
        n.0
    }
}
impl fmt::Display for StationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The number of seats (мандат) of a council or a district: at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SeatCount(u32);

impl SeatCount {
    pub const MAX: u32 = 101;
    pub fn new(n: u32) -> Result<Self, IdError> {
        if (1..=Self::MAX).contains(&n) {
            Ok(Self(n))
        } else {
            Err(IdError::BadSeatCount(n))
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
}
impl TryFrom<u32> for SeatCount {
    type Error = IdError;
    fn try_from(n: u32) -> Result<Self, IdError> {
        Self::new(n)
    }
}
impl From<SeatCount> for u32 {
    fn from(n: SeatCount) -> u32 {
        n.0
    }
}
impl fmt::Display for SeatCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nomination_references_name_their_candidates_and_never_read_as_numbers() {
        let r = NominationReference::parse("chui-alamudun.ak-suu.n7").expect("a reference");
        assert_eq!(r.candidate(1).as_str(), "chui-alamudun.ak-suu.n7-1");
        assert!(NominationReference::parse("12").is_err());
        assert!(NominationReference::parse("12-3").is_err());
        assert!(NominationReference::parse("Bad").is_err());
        assert!(NominationReference::parse(&"a".repeat(57)).is_err());
        let longest = NominationReference::parse(&"a".repeat(56)).expect("56 characters");
        assert_eq!(longest.candidate(9_999_999).as_str().len(), 64);
    }

    proptest::proptest! {
        /// The API document's id pattern and the parser agree both ways.
        #[test]
        fn the_documented_slug_pattern_is_what_parse_accepts(s in "[a-z0-9.A-Z _/-]{0,70}") {
            let pattern = regex::Regex::new(SLUG_PATTERN).expect("the pattern compiles");
            proptest::prop_assert_eq!(pattern.is_match(&s), ElectionId::parse(&s).is_ok(), "{:?}", s);
        }

        /// Counted in characters on both sides: a district named in Cyrillic is as long as its
        /// letters, and control characters are refused by both.
        #[test]
        fn the_documented_text_id_pattern_is_what_parse_accepts(s in "[a-zç1 \\x00\\x1fа-я\\u{85}\\u{a0}-]{0,70}") {
            let pattern = regex::Regex::new(TEXT_ID_PATTERN).expect("the pattern compiles");
            proptest::prop_assert_eq!(pattern.is_match(&s), DistrictId::parse(&s).is_ok(), "{:?}", s);
        }

        #[test]
        fn every_id_of_the_documented_pattern_parses(s in SLUG_PATTERN.trim_matches(['^', '$'])) {
            proptest::prop_assert!(CouncilId::parse(&s).is_ok(), "{:?}", s);
        }
    }

    #[test]
    fn slugs_are_checked() {
        assert!(CouncilId::parse("bishkek-city").is_ok());
        assert_eq!(CouncilId::parse(""), Err(IdError::Empty));
        assert_eq!(CouncilId::parse("Bishkek"), Err(IdError::BadCharacter('B')));
        assert_eq!(CouncilId::parse("a b"), Err(IdError::BadCharacter(' ')));
    }

    #[test]
    fn counts_are_checked() {
        assert!(StationNumber::new(0).is_err());
        assert_eq!(StationNumber::parse(" 1001 ").map(|n| n.get()), Ok(1001));
        assert!(SeatCount::new(0).is_err());
        assert!(SeatCount::new(51).is_ok());
    }
}
