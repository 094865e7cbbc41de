//! The personal identification number (ПИН / ИНН, "жеке идентификациялык номер") printed in
//! every Kyrgyz passport, rule VOT-10.
//!
//! 14 digits: digit 1 is the sex (1 female, 2 male), digits 2–9 the date of birth as DDMMYYYY,
//! digits 10–14 a serial. There is no public check digit, so a PIN that parses is only
//! *well-formed*; whether it belongs to a person is the register's business.

use crate::codes::ErrorCode;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Sex as recorded in the population register and encoded in the first digit of the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
        }
    }
}

impl FromStr for Sex {
    type Err = PinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "female" | "F" | "f" => Ok(Sex::Female),
            "male" | "M" | "m" => Ok(Sex::Male),
            _ => Err(PinError::UnknownSex(s.to_owned())),
        }
    }
}

/// A well-formed PIN as a regular expression (ECMA-262, the dialect of JSON Schema), for the
/// API document: the sex digit, a day and month that exist together, any year, a serial. It
/// cannot say that 29 February needs a leap year; [`Pin::parse`] also allows spaces, which
/// the canonical form has none of. A test holds the two to each other both ways.
pub const PIN_PATTERN: &str = "^[12](?:(?:0[1-9]|1[0-9]|2[0-9])(?:0[1-9]|1[0-2])|30(?:0[13-9]|1[0-2])|31(?:0[13578]|1[02]))[0-9]{4}[0-9]{5}$";

/// A well-formed PIN (VOT-10). Stored as the 14 ASCII digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin([u8; 14]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("a PIN has 14 digits, this one has {0}")]
    WrongLength(usize),
    #[error("a PIN has only digits; found {0:?}")]
    NotADigit(char),
    #[error("the first digit of a PIN is 1 (female) or 2 (male), not {0}")]
    BadSexDigit(char),
    #[error("digits 2–9 of a PIN are a date of birth DDMMYYYY; {0} is not a date")]
    BadBirthDate(String),
    #[error("unknown sex {0:?}")]
    UnknownSex(String),
}

impl PinError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            PinError::WrongLength(_) => ErrorCode::PinWrongLength,
            PinError::NotADigit(_) => ErrorCode::PinNotADigit,
            PinError::BadSexDigit(_) => ErrorCode::PinBadSexDigit,
            PinError::BadBirthDate(_) => ErrorCode::PinBadBirthDate,
            PinError::UnknownSex(_) => ErrorCode::PinUnknownSex,
        }
    }
}

impl Pin {
    /// Parses a PIN, tolerating spaces (people type "2 0101 1990 00123" from the passport).
    pub fn parse(input: &str) -> Result<Pin, PinError> {
        let mut digits = [0u8; 14];
        let mut count = 0usize;
        for c in input.chars() {
            if c.is_whitespace() {
                continue;
            }
            if !c.is_ascii_digit() {
                return Err(PinError::NotADigit(c));
            }
            if count < 14 {
                digits[count] = c as u8;
            }
            count += 1;
        }
        if count != 14 {
            return Err(PinError::WrongLength(count));
        }
        let pin = Pin(digits);
        match digits[0] {
            b'1' | b'2' => {}
            other => return Err(PinError::BadSexDigit(other as char)),
        }
        pin.try_birth_date()?;
        Ok(pin)
    }

    /// Builds the PIN of a person; used by the generator and tests. `serial` is taken mod 100000.
    pub fn compose(sex: Sex, birth_date: Date, serial: u32) -> Pin {
        let s = format!(
            "{}{:02}{:02}{:04}{:05}",
            match sex {
                Sex::Female => 1,
                Sex::Male => 2,
            },
            birth_date.day(),
            birth_date.month(),
            birth_date.year(),
            serial % 100_000
        );
        let mut digits = [0u8; 14];
        digits.copy_from_slice(s.as_bytes());
        Pin(digits)
    }

    /// The PIN as a number. Distinct PINs give distinct numbers (14 digits fit in 47 bits), so
    /// a set of millions of PINs can hash one word instead of 14 bytes.
    pub fn as_u64(&self) -> u64 {
        self.0
            .iter()
            .fold(0, |n, d| n * 10 + u64::from(d.wrapping_sub(b'0')))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The sex encoded in the first digit.
    pub fn sex(&self) -> Sex {
        if self.0[0] == b'1' {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// The date of birth encoded in digits 2–9.
    pub fn birth_date(&self) -> Date {
        // Parsing checked the date, so this cannot fail on a constructed Pin.
        self.try_birth_date().unwrap_or(Date::MIN)
    }

    fn try_birth_date(&self) -> Result<Date, PinError> {
        let num = |range: std::ops::Range<usize>| -> i32 {
            self.0[range]
                .iter()
                .fold(0i32, |acc, d| acc * 10 + i32::from(d - b'0'))
        };
        let (day, month, year) = (num(1..3), num(3..5), num(5..9));
        Date::new(year as i16, month as i8, day as i8)
            .map_err(|_| PinError::BadBirthDate(format!("{day:02}.{month:02}.{year:04}")))
    }
}

impl FromStr for Pin {
    type Err = PinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Pin::parse(s)
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pin({})", self.as_str())
    }
}

impl Serialize for Pin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Pin {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pin::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn pattern() -> regex::Regex {
        regex::Regex::new(PIN_PATTERN).expect("the pattern compiles")
    }

    proptest! {
        /// What the API document calls a PIN parses, but for 29 February of a year that is no
        /// leap year (the pattern cannot say so; the document does).
        #[test]
        fn vot_10_every_pin_of_the_documented_pattern_parses(s in PIN_PATTERN.trim_matches(['^', '$'])) {
            let leap_day = &s[1..5] == "2902";
            let year: i16 = s[5..9].parse().expect("four digits");
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            prop_assert_eq!(Pin::parse(&s).is_ok(), !leap_day || leap, "{}", s);
        }

        /// And every PIN matches it: no client validating against the document refuses one.
        #[test]
        fn vot_10_every_pin_matches_the_documented_pattern(
            days in 0i32..3_650_000,
            serial in 0u32..100_000,
            male in any::<bool>(),
        ) {
            let born = date(1, 1, 1).checked_add(jiff::Span::new().days(days)).expect("a date before 9999");
            let sex = if male { Sex::Male } else { Sex::Female };
            let pin = Pin::compose(sex, born, serial);
            prop_assert!(pattern().is_match(pin.as_str()), "{}", pin);
        }
    }

    #[test]
    fn the_documented_pattern_refuses_what_parse_refuses() {
        for s in [
            "30101199000123",
            "2010119900012",
            "20013199000123",
            "23102199000123",
            "2310219900012a",
        ] {
            assert!(Pin::parse(s).is_err(), "{s}");
            assert!(!pattern().is_match(s), "{s}");
        }
    }

    #[test]
    fn vot_10_pin_encodes_sex_and_birth_date() {
        let pin = Pin::parse("11502199900123").expect("valid");
        assert_eq!(pin.sex(), Sex::Female);
        assert_eq!(pin.birth_date(), date(1999, 2, 15));
    }

    #[test]
    fn vot_10_pin_tolerates_spaces() {
        let pin = Pin::parse(" 2 01011990 00123 ").expect("valid");
        assert_eq!(pin.as_str(), "20101199000123");
        assert_eq!(pin.sex(), Sex::Male);
        assert_eq!(pin.birth_date(), date(1990, 1, 1));
    }

    #[test]
    fn vot_10_pin_rejects_malformed_input() {
        assert_eq!(Pin::parse("123"), Err(PinError::WrongLength(3)));
        assert_eq!(Pin::parse("2010119900012x"), Err(PinError::NotADigit('x')));
        assert_eq!(
            Pin::parse("30101199000123"),
            Err(PinError::BadSexDigit('3'))
        );
        assert!(matches!(
            Pin::parse("23102199000123"),
            Err(PinError::BadBirthDate(_))
        ));
        // 29 February exists only in leap years.
        assert!(Pin::parse("12902200000001").is_ok());
        assert!(matches!(
            Pin::parse("12902200100001"),
            Err(PinError::BadBirthDate(_))
        ));
    }

    proptest! {
        #[test]
        fn vot_10_compose_then_parse_round_trips(days in 0i64..40_000, serial in 0u32..100_000, female in any::<bool>()) {
            let birth = date(1920, 1, 1).checked_add(jiff::Span::new().days(days)).expect("in range");
            let sex = if female { Sex::Female } else { Sex::Male };
            let pin = Pin::compose(sex, birth, serial);
            let parsed = Pin::parse(pin.as_str()).expect("composed PINs parse");
            prop_assert_eq!(parsed, pin);
            prop_assert_eq!(parsed.sex(), sex);
            prop_assert_eq!(parsed.birth_date(), birth);
        }

        /// The import's duplicate check (VOT-06) keys its set on `as_u64`: two PINs share a
        /// number only if they are the same PIN, and the number orders as the PIN does.
        #[test]
        fn vot_06_pin_numbers_are_distinct_and_ordered(
            a in (0i64..40_000, 0u32..100_000, any::<bool>()),
            b in (0i64..40_000, 0u32..100_000, any::<bool>()),
        ) {
            let pin = |(days, serial, female): (i64, u32, bool)| {
                let birth = date(1920, 1, 1).checked_add(jiff::Span::new().days(days)).expect("in range");
                Pin::compose(if female { Sex::Female } else { Sex::Male }, birth, serial)
            };
            let (a, b) = (pin(a), pin(b));
            prop_assert_eq!(a == b, a.as_u64() == b.as_u64());
            prop_assert_eq!(a.cmp(&b), a.as_u64().cmp(&b.as_u64()));
            prop_assert_eq!(a.as_u64().to_string(), a.as_str());
        }
    }
}
