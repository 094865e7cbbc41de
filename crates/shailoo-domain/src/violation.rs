//! Reports of violations to the rapid-response groups (CMP-07; шайлоо мыйзамын бузуу
//! тууралуу кабар / сообщение о нарушении): how a report came in, its category, where it
//! stands, and the tracking code the reporter follows it with.
//!
//! The tracking code is made from a report's number and a secret the caller draws (this
//! crate has no randomness): `V-` and 11 Crockford base-32 characters and Crockford's check
//! symbol, so that a code misread over the phone is refused rather than showing someone
//! else's report. The number alone never finds a report: the whole code does.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How a report came in (CMP-07).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intake {
    /// The short number 1255, taken by an operator.
    Hotline1255,
    /// The trust line.
    TrustLine,
    /// A messaging gateway (WhatsApp Business and the like).
    Messaging,
    Email,
    /// The public web form.
    WebForm,
    /// In person at a commission or a group.
    InPerson,
}

impl Intake {
    pub const ALL: [Intake; 6] = [
        Intake::Hotline1255,
        Intake::TrustLine,
        Intake::Messaging,
        Intake::Email,
        Intake::WebForm,
        Intake::InPerson,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Intake::Hotline1255 => "hotline_1255",
            Intake::TrustLine => "trust_line",
            Intake::Messaging => "messaging",
            Intake::Email => "email",
            Intake::WebForm => "web_form",
            Intake::InPerson => "in_person",
        }
    }
    pub fn from_code(code: &str) -> Option<Intake> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }
}

/// What kind of violation (the triage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Vote buying, gifts, "carousels" of paid voters.
    VoteBuying,
    /// Use of public office, staff or property for a campaign.
    AdministrativeResource,
    /// Campaigning outside the campaign period (CAL-13…CAL-15) or where it is forbidden.
    UnlawfulCampaigning,
    /// Campaign material in an outlet without accreditation (CMP-03), without its payer.
    UnlawfulCampaignMaterial,
    /// Pressure on voters, threats, forcing a vote.
    PressureOnVoters,
    /// Observers or media kept from their work.
    ObstructionOfObservers,
    /// Ballot stuffing, voting twice, irregular counting.
    VotingIrregularity,
    /// Damage to campaign material or to a polling station.
    Damage,
    Other,
}

impl Category {
    pub const ALL: [Category; 9] = [
        Category::VoteBuying,
        Category::AdministrativeResource,
        Category::UnlawfulCampaigning,
        Category::UnlawfulCampaignMaterial,
        Category::PressureOnVoters,
        Category::ObstructionOfObservers,
        Category::VotingIrregularity,
        Category::Damage,
        Category::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Category::VoteBuying => "vote_buying",
            Category::AdministrativeResource => "administrative_resource",
            Category::UnlawfulCampaigning => "unlawful_campaigning",
            Category::UnlawfulCampaignMaterial => "unlawful_campaign_material",
            Category::PressureOnVoters => "pressure_on_voters",
            Category::ObstructionOfObservers => "obstruction_of_observers",
            Category::VotingIrregularity => "voting_irregularity",
            Category::Damage => "damage",
            Category::Other => "other",
        }
    }
    pub fn from_code(code: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Where a report stands; the reporter sees it with the tracking code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Taken in, not yet looked at.
    Received,
    /// Given a category and a territory.
    Triaged,
    /// A rapid-response group of the territory has it.
    Assigned,
    /// Measures taken (the reporter is told which: CMP-07).
    Resolved,
    /// Handed to the police or the prosecutor.
    Referred,
    /// Not a violation, or a duplicate.
    Dismissed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::Triaged,
        Status::Assigned,
        Status::Resolved,
        Status::Referred,
        Status::Dismissed,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Triaged => "triaged",
            Status::Assigned => "assigned",
            Status::Resolved => "resolved",
            Status::Referred => "referred",
            Status::Dismissed => "dismissed",
        }
    }
    pub fn from_code(code: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the report is closed.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Resolved | Status::Referred | Status::Dismissed
        )
    }

    /// Whether a report may move from `self` to `to`: forward through triage and assignment
    /// to an outcome; dismissal from any open state; a closed report stays closed.
    pub fn may_become(self, to: Status) -> bool {
        use Status::*;
        match (self, to) {
            (Received, Triaged) | (Triaged, Assigned) | (Assigned, Assigned) => true,
            (Assigned, Resolved | Referred) => true,
            (Triaged, Triaged) => true,
            (from, Dismissed) => !from.is_final(),
            _ => false,
        }
    }
}

/// The Crockford base-32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford's check symbols: the alphabet and five more.
const CHECK: &[u8; 37] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/// What a tracking code is made of: the report's number and the caller's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrackingCode {
    /// The report's number, 1 to 2^25 − 1 (33 million).
    pub number: u32,
    /// 30 random bits drawn by the caller.
    pub secret: u32,
}

/// Text that is not a tracking code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a tracking code written like V-0123-4567-89AB")]
pub struct BadTrackingCode;

impl TrackingCode {
    const NUMBER_BITS: u32 = 25;
    const SECRET_BITS: u32 = 30;

    /// A code for report `number` with the low 30 bits of `secret`; `None` for a number out
    /// of range.
    pub fn new(number: u32, secret: u32) -> Option<TrackingCode> {
        (1..(1 << Self::NUMBER_BITS))
            .contains(&number)
            .then_some(TrackingCode {
                number,
                secret: secret & ((1 << Self::SECRET_BITS) - 1),
            })
    }

    fn value(self) -> u64 {
        (u64::from(self.number) << Self::SECRET_BITS) | u64::from(self.secret)
    }

    /// The check symbol (Crockford's): the digits weighted by their position, modulo 37, a
    /// prime above 31, so that one misread symbol or two neighbours swapped always change it.
    fn check(digits: &[u8; 11]) -> u8 {
        let sum = digits
            .iter()
            .enumerate()
            .fold(0u64, |acc, (i, d)| acc + (i as u64 + 1) * u64::from(*d));
        CHECK[(sum % 37) as usize]
    }

    fn digits(value: u64) -> [u8; 11] {
        let mut out = [0u8; 11];
        for (i, d) in out.iter_mut().enumerate() {
            *d = ((value >> (5 * (10 - i))) & 31) as u8;
        }
        out
    }

    /// Reads a code as the reporter types it: case and dashes and spaces ignored, O read as
    /// 0 and I, L as 1 (Crockford's rule).
    pub fn parse(s: &str) -> Result<TrackingCode, BadTrackingCode> {
        let mut chars = s
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .map(|c| c.to_ascii_uppercase());
        if chars.next() != Some('V') {
            return Err(BadTrackingCode);
        }
        let typed: Vec<char> = chars
            .map(|c| match c {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        let [body @ .., last] = typed.as_slice() else {
            return Err(BadTrackingCode);
        };
        if body.len() != 11 {
            return Err(BadTrackingCode);
        }
        let mut digits = [0u8; 11];
        for (d, c) in digits.iter_mut().zip(body) {
            let i = ALPHABET
                .iter()
                .position(|a| char::from(*a) == *c)
                .ok_or(BadTrackingCode)?;
            *d = i as u8;
        }
        if char::from(Self::check(&digits)) != *last {
            return Err(BadTrackingCode);
        }
        let value = digits.iter().fold(0u64, |v, d| (v << 5) | u64::from(*d));
        let number = u32::try_from(value >> Self::SECRET_BITS).map_err(|_| BadTrackingCode)?;
        let secret = (value & ((1 << Self::SECRET_BITS) - 1)) as u32;
        TrackingCode::new(number, secret).ok_or(BadTrackingCode)
    }
}

impl fmt::Display for TrackingCode {
    /// `V-XXXX-XXXX-XXXX`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.value();
        let digits = Self::digits(value);
        let mut s: Vec<u8> = digits.iter().map(|d| ALPHABET[usize::from(*d)]).collect();
        s.push(Self::check(&digits));
        let s = String::from_utf8_lossy(&s).into_owned();
        write!(f, "V-{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cmp_07_a_report_moves_forward_to_an_outcome_and_stays_closed() {
        use Status::*;
        assert!(Received.may_become(Triaged));
        assert!(Triaged.may_become(Assigned));
        assert!(Assigned.may_become(Resolved));
        assert!(Assigned.may_become(Referred));
        assert!(Received.may_become(Dismissed));
        assert!(!Received.may_become(Resolved));
        for closed in [Resolved, Referred, Dismissed] {
            for to in Status::ALL {
                assert!(!closed.may_become(to), "{closed:?} → {to:?}");
            }
        }
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
        }
        for i in Intake::ALL {
            assert_eq!(Intake::from_code(i.code()), Some(i));
        }
    }

    #[test]
    fn cmp_07_a_tracking_code_reads_as_the_reporter_types_it() {
        let code = TrackingCode::new(1255, 0x2ABC_DEF1).unwrap();
        let text = code.to_string();
        assert!(text.starts_with("V-") && text.len() == 16, "{text}");
        assert_eq!(TrackingCode::parse(&text), Ok(code));
        assert_eq!(
            TrackingCode::parse(&text.to_lowercase().replace('-', " ")),
            Ok(code)
        );
        assert_eq!(TrackingCode::parse("V-"), Err(BadTrackingCode));
        assert_eq!(TrackingCode::parse("1255"), Err(BadTrackingCode));
        assert_eq!(TrackingCode::new(0, 1), None);
        assert_eq!(TrackingCode::new(1 << 25, 1), None);
    }

    proptest! {
        #[test]
        fn cmp_07_tracking_codes_round_trip(number in 1u32..(1 << 25), secret: u32) {
            let code = TrackingCode::new(number, secret).unwrap();
            prop_assert_eq!(TrackingCode::parse(&code.to_string()), Ok(code));
        }

        #[test]
        fn cmp_07_one_misread_character_is_refused(
            number in 1u32..(1 << 25), secret: u32, at in 0usize..12, by in 1u8..32
        ) {
            let code = TrackingCode::new(number, secret).unwrap();
            let mut symbols: Vec<u8> =
                code.to_string().bytes().filter(|b| *b != b'-').skip(1).collect();
            let table: &[u8] = if at == 11 { CHECK } else { ALPHABET };
            let i = table.iter().position(|a| *a == symbols[at]).unwrap();
            symbols[at] = table[(i + usize::from(by)) % table.len()];
            let typed = format!("V{}", String::from_utf8(symbols).unwrap());
            prop_assert_eq!(TrackingCode::parse(&typed), Err(BadTrackingCode), "{}", typed);
        }

        #[test]
        fn cmp_07_two_neighbours_swapped_are_refused(
            number in 1u32..(1 << 25), secret: u32, at in 0usize..10
        ) {
            let code = TrackingCode::new(number, secret).unwrap();
            let mut symbols: Vec<u8> =
                code.to_string().bytes().filter(|b| *b != b'-').skip(1).collect();
            prop_assume!(symbols[at] != symbols[at + 1]);
            symbols.swap(at, at + 1);
            let typed = format!("V{}", String::from_utf8(symbols).unwrap());
            prop_assert_eq!(TrackingCode::parse(&typed), Err(BadTrackingCode), "{}", typed);
        }
    }
}
