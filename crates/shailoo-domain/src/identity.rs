//! Identity documents and phone numbers a voter gives to sign in to the voter cabinet.
//!
//! * [`PassportNumber`]: the number of a Kyrgyz passport or ID card (паспорт / ID-карта,
//!   "жарандын паспорту"): a series of two Latin letters (`ID` on the 2017 ID card, `AN`, `AC`
//!   on passports) and seven digits, as printed on the document. People type it with spaces
//!   and in lower case; anything else is refused so that a typo is caught here, not reported
//!   by the registry as "wrong passport".
//! * [`Msisdn`]: a Kyrgyz mobile number (+996 and nine digits). SIM cards are registered to a
//!   PIN in the Kyrgyz Republic, which is why the passport registry can name the number the
//!   one-time code goes to. Shown to the voter only masked ([`Msisdn::masked`]).
//! * [`PhoneNumber`]: a commission's public phone (landline or mobile, nine national digits
//!   like every Kyrgyz number), shown in full so that voters can call it.

use crate::codes::ErrorCode;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A well-formed passport or ID-card number: two upper-case Latin letters and seven digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PassportNumber([u8; 9]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PassportError {
    #[error("a passport number has 2 letters and 7 digits (9 characters), this one has {0}")]
    WrongLength(usize),
    #[error("a passport number starts with two Latin letters (ID, AN, AC…); found {0:?}")]
    BadSeries(char),
    #[error("a passport number ends with 7 digits; found {0:?}")]
    NotADigit(char),
}

impl PassportError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            PassportError::WrongLength(_) => ErrorCode::PassportWrongLength,
            PassportError::BadSeries(_) => ErrorCode::PassportBadSeries,
            PassportError::NotADigit(_) => ErrorCode::PassportNotADigit,
        }
    }
}

impl PassportNumber {
    /// Parses `ID 1234567`, `id1234567`, `AN 123 45 67`: spaces are dropped, letters upper-cased.
    pub fn parse(input: &str) -> Result<PassportNumber, PassportError> {
        let chars: Vec<char> = input.chars().filter(|c| !c.is_whitespace()).collect();
        if chars.len() != 9 {
            return Err(PassportError::WrongLength(chars.len()));
        }
        let mut out = [0u8; 9];
        for (i, c) in chars.iter().enumerate() {
            if i < 2 {
                if !c.is_ascii_alphabetic() {
                    return Err(PassportError::BadSeries(*c));
                }
                out[i] = c.to_ascii_uppercase() as u8;
            } else {
                if !c.is_ascii_digit() {
                    return Err(PassportError::NotADigit(*c));
                }
                out[i] = *c as u8;
            }
        }
        Ok(PassportNumber(out))
    }

    /// `ID1234567`.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters and digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The two-letter series, e.g. `ID`.
    pub fn series(&self) -> &str {
        &self.as_str()[..2]
    }
}

impl fmt::Display for PassportNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Debug hides the digits: a passport number is personal data and must not reach logs.
impl fmt::Debug for PassportNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PassportNumber({}*******)", self.series())
    }
}

impl Serialize for PassportNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PassportNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PassportNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A Kyrgyz mobile number: country code 996 and a nine-digit national number.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Msisdn([u8; 9]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MsisdnError {
    #[error("a Kyrgyz mobile number is +996 and 9 digits (or 0 and 9 digits)")]
    WrongForm,
    #[error("a phone number has only digits, spaces, dashes and brackets; found {0:?}")]
    NotADigit(char),
}

impl MsisdnError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            MsisdnError::WrongForm => ErrorCode::MsisdnWrongForm,
            MsisdnError::NotADigit(_) => ErrorCode::MsisdnNotADigit,
        }
    }
}

impl Msisdn {
    /// Parses `+996 555 12 45 67`, `996555124567`, `0555 124 567` (the national form with the
    /// trunk prefix 0). Spaces, dashes and brackets are ignored; a leading `+` only before 996.
    pub fn parse(input: &str) -> Result<Msisdn, MsisdnError> {
        let trimmed = input.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = Vec::with_capacity(12);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c as u8),
                ' ' | '-' | '(' | ')' | '\u{a0}' => {}
                other => return Err(MsisdnError::NotADigit(other)),
            }
        }
        let national = match (plus, digits.len()) {
            (_, 12) if digits.starts_with(b"996") => &digits[3..],
            (false, 10) if digits[0] == b'0' => &digits[1..],
            _ => return Err(MsisdnError::WrongForm),
        };
        // A national number never starts with the trunk prefix.
        if national[0] == b'0' {
            return Err(MsisdnError::WrongForm);
        }
        let mut out = [0u8; 9];
        out.copy_from_slice(national);
        Ok(Msisdn(out))
    }

    /// The nine digits after the country code.
    pub fn national(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// E.164: `+996555124567` (what SMS gateways take).
    pub fn e164(&self) -> String {
        format!("+996{}", self.national())
    }

    /// What the voter is shown: `+996 *** ** 45 67`, enough to recognise their own phone and
    /// useless to anyone else.
    pub fn masked(&self) -> String {
        let n = self.national();
        format!("+996 *** ** {} {}", &n[5..7], &n[7..9])
    }
}

/// Display is the masked form: a full number shown by accident is the mistake to prevent.
impl fmt::Display for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Msisdn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Msisdn({})", self.masked())
    }
}

impl Serialize for Msisdn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.e164())
    }
}

impl<'de> Deserialize<'de> for Msisdn {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Msisdn::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A commission's public phone number (байланыш телефону / контактный телефон): any Kyrgyz
/// number, landline (`0312 62-62-46`) or mobile, read as [`Msisdn::parse`] reads a number. It
/// is public, so it is shown in full: `+996 312 626 246`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber(Msisdn);

impl PhoneNumber {
    pub fn parse(input: &str) -> Result<PhoneNumber, MsisdnError> {
        Msisdn::parse(input).map(PhoneNumber)
    }

    /// E.164: `+996312626246` (for `tel:` links).
    pub fn e164(&self) -> String {
        self.0.e164()
    }

    /// `+996 312 626 246`: the nine national digits in groups of three.
    pub fn display(&self) -> String {
        let n = self.0.national();
        format!("+996 {} {} {}", &n[0..3], &n[3..6], &n[6..9])
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.display())
    }
}

impl Serialize for PhoneNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.e164())
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PhoneNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passport_numbers_tolerate_spaces_and_lower_case() {
        for input in ["ID1234567", "id 1234567", " AN 123 45 67 ", "Ac1234567"] {
            let p = PassportNumber::parse(input).expect(input);
            assert_eq!(p.as_str().len(), 9);
            assert!(p.series().chars().all(|c| c.is_ascii_uppercase()));
        }
        assert_eq!(
            PassportNumber::parse("id 1234567").map(|p| p.to_string()),
            Ok("ID1234567".to_owned())
        );
    }

    #[test]
    fn malformed_passport_numbers_are_refused_with_the_reason() {
        assert_eq!(
            PassportNumber::parse("ID123456"),
            Err(PassportError::WrongLength(8))
        );
        assert_eq!(
            PassportNumber::parse("ID12345678"),
            Err(PassportError::WrongLength(10))
        );
        assert_eq!(
            PassportNumber::parse("1D1234567"),
            Err(PassportError::BadSeries('1'))
        );
        // Cyrillic А and С look like Latin A and C but are not the document's letters.
        assert_eq!(
            PassportNumber::parse("АС1234567"),
            Err(PassportError::BadSeries('А'))
        );
        assert_eq!(
            PassportNumber::parse("ID12345X7"),
            Err(PassportError::NotADigit('X'))
        );
        assert_eq!(
            PassportNumber::parse(""),
            Err(PassportError::WrongLength(0))
        );
    }

    #[test]
    fn passport_debug_hides_the_digits() {
        let p = PassportNumber::parse("ID1234567").expect("valid");
        assert!(!format!("{p:?}").contains("1234567"));
    }

    #[test]
    fn msisdns_accept_the_international_and_national_forms() {
        let want = "+996555124567";
        for input in [
            "+996555124567",
            "+996 555 12 45 67",
            "996555124567",
            "0555 124 567",
            "0(555)12-45-67",
        ] {
            assert_eq!(Msisdn::parse(input).map(|m| m.e164()), Ok(want.to_owned()));
        }
    }

    #[test]
    fn malformed_msisdns_are_refused() {
        for input in [
            "",
            "555124567",
            "+7 701 123 45 67",
            "+0555124567",
            "+9960555124567",
            "00555124567",
            "0055124567",
        ] {
            assert_eq!(Msisdn::parse(input), Err(MsisdnError::WrongForm), "{input}");
        }
        assert_eq!(
            Msisdn::parse("+996 555 12 45 6x"),
            Err(MsisdnError::NotADigit('x'))
        );
    }

    #[test]
    fn msisdns_show_only_the_last_four_digits() {
        let m = Msisdn::parse("0555 124 567").expect("valid");
        assert_eq!(m.masked(), "+996 *** ** 45 67");
        assert_eq!(m.to_string(), m.masked());
        assert!(!format!("{m:?}").contains("555"));
        let json = serde_json::to_string(&m).expect("json");
        assert_eq!(json, "\"+996555124567\"");
        assert_eq!(serde_json::from_str::<Msisdn>(&json).ok(), Some(m));
    }

    #[test]
    fn a_commission_phone_is_shown_in_full_and_reads_landlines() {
        let p = PhoneNumber::parse("0312 62-62-46").expect("a landline");
        assert_eq!(p.to_string(), "+996 312 626 246");
        assert_eq!(p.e164(), "+996312626246");
        assert_eq!(
            PhoneNumber::parse("+996 555 12 45 67")
                .map(|p| p.e164())
                .ok(),
            Some("+996555124567".into())
        );
        assert!(PhoneNumber::parse("62-62-46").is_err());
    }
}
