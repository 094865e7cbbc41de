//! A registered political party (саясий партия / политическая партия) as the rules need it: its
//! public id, its names, and the registration number under which the Ministry of Justice (and so
//! the party-membership registry, CAN-04) knows it.
//!
//! A party acts through authorised representatives (ыйгарым укуктуу өкүл / уполномоченный
//! представитель): accounts scoped to one party, an application matter. The rules only need to
//! know *who nominates* ([`super::Nominator`]) and *who withdraws* ([`super::nomination::WithdrawnBy`]).

use crate::codes::ErrorCode;
use crate::ids::PartyId;
use crate::territory::LocalizedName;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A party's state registration number (каттоо номери / регистрационный номер): letters, digits
/// and `-`, `/`, `.`, at most 32 characters, as the Ministry of Justice writes them.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartyRegistrationNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartyRegistrationNumberError {
    #[error("a party registration number may not be empty")]
    Empty,
    #[error("a party registration number has at most 32 characters, this one has {0}")]
    TooLong(usize),
    #[error("a party registration number uses letters, digits, '-', '/' and '.'; found {0:?}")]
    BadCharacter(char),
}

impl PartyRegistrationNumberError {
    pub fn code(&self) -> ErrorCode {
        match self {
            PartyRegistrationNumberError::Empty => ErrorCode::PartyRegistrationNumberEmpty,
            PartyRegistrationNumberError::TooLong(_) => ErrorCode::PartyRegistrationNumberTooLong,
            PartyRegistrationNumberError::BadCharacter(_) => {
                ErrorCode::PartyRegistrationNumberBadCharacter
            }
        }
    }
}

impl PartyRegistrationNumber {
    /// Parses a number, trimming surrounding spaces.
    pub fn parse(input: &str) -> Result<Self, PartyRegistrationNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(PartyRegistrationNumberError::Empty);
        }
        let len = s.chars().count();
        if len > 32 {
            return Err(PartyRegistrationNumberError::TooLong(len));
        }
        match s
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '/' | '.')))
        {
            Some(c) => Err(PartyRegistrationNumberError::BadCharacter(c)),
            None => Ok(PartyRegistrationNumber(s.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PartyRegistrationNumber {
    type Error = PartyRegistrationNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PartyRegistrationNumber> for String {
    fn from(n: PartyRegistrationNumber) -> String {
        n.0
    }
}

impl fmt::Display for PartyRegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PartyRegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartyRegistrationNumber({})", self.0)
    }
}

/// A registered political party (39 in 2024, CAN-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub id: PartyId,
    /// The full name in Kyrgyz, Russian and a Latin transliteration, as on the ballot.
    pub name: LocalizedName,
    pub registration_number: PartyRegistrationNumber,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn registration_numbers_are_parsed_once() {
        assert_eq!(
            PartyRegistrationNumber::parse(" 1234-3301-ПП ")
                .unwrap()
                .as_str(),
            "1234-3301-ПП"
        );
        assert_eq!(
            PartyRegistrationNumber::parse(""),
            Err(PartyRegistrationNumberError::Empty)
        );
        assert_eq!(
            PartyRegistrationNumber::parse("12 34"),
            Err(PartyRegistrationNumberError::BadCharacter(' '))
        );
        assert!(matches!(
            PartyRegistrationNumber::parse(&"1".repeat(33)),
            Err(PartyRegistrationNumberError::TooLong(33))
        ));
        let json = serde_json::to_string(&PartyRegistrationNumber::parse("77/1").unwrap()).unwrap();
        assert_eq!(json, r#""77/1""#);
        assert!(serde_json::from_str::<PartyRegistrationNumber>(r#""a b""#).is_err());
    }
}
