//! Voter eligibility (шайлоочу / избиратель): who of the population register goes on the voter
//! list of a council, rules VOT-01…VOT-06, with the VOT-10 consistency check of the PIN.
//!
//! The check is a pure function of one [`RegisterRecord`], the voting day, what the caller knows
//! about the address ([`CommunityFacts`]) and the [`RuleParameters`]. It runs over the whole
//! register (4.3 million records), so the eligible path allocates nothing: the reasons are a
//! [`Reasons`] bitset, and the per-election work (cut-off dates) is done once in [`VoterCheck::new`].
//!
//! Every failed condition is reported, not just the first, so a PEC answering a claim (VOT-08)
//! sees everything that keeps a person off the list.

use crate::params::{Coded, LeapDayBirthday, RuleParameters, coded_enum};
use crate::pin::{Pin, Sex};
use crate::register::RegisterRecord;
use jiff::Span;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

coded_enum! {
    /// Why a register record does not give its holder a place on the voter list.
    pub enum IneligibilityReason {
        /// VOT-01: not a citizen of the Kyrgyz Republic (жаран / гражданин).
        NotCitizen = (
            "VOT-01_not_citizen", "VOT-01", "voter-vot-01-not-citizen",
            "Not a citizen of the Kyrgyz Republic."
        ),
        /// VOT-02: younger than 18 on voting day.
        UnderAge = (
            "VOT-02_under_age", "VOT-02", "voter-vot-02-under-age",
            "Not yet 18 years old on voting day."
        ),
        /// VOT-03: biometric registration (биометрикалык каттоо / биометрическая регистрация)
        /// not passed.
        NoBiometrics = (
            "VOT-03_no_biometrics", "VOT-03", "voter-vot-03-no-biometrics",
            "Biometric registration has not been passed."
        ),
        /// VOT-04: the registered address is outside the territory of the council holding the
        /// election (not a member of its local community, жергиликтүү коомдоштук / местное
        /// сообщество).
        AddressOutsideCommunity = (
            "VOT-04_address_outside_community", "VOT-04", "voter-vot-04-address-outside-community",
            "The registered address is outside the territory of the council."
        ),
        /// VOT-04: the address was registered later than 60 days before voting day, and the
        /// passport has no permanent-residence stamp for it.
        RegisteredTooLate = (
            "VOT-04_registered_too_late", "VOT-04", "voter-vot-04-registered-too-late",
            "The address was registered less than 60 days before voting day, without a residence stamp."
        ),
        /// VOT-05: declared legally incapable by a court (соттун чечими менен аракетке жөндөмсүз /
        /// недееспособный).
        CourtIncapable = (
            "VOT-05_court_incapable", "VOT-05", "voter-vot-05-court-incapable",
            "Declared legally incapable by a court."
        ),
        /// VOT-05: held in a place of deprivation of liberty by a court sentence in force.
        Imprisoned = (
            "VOT-05_imprisoned", "VOT-05", "voter-vot-05-imprisoned",
            "Held in a place of deprivation of liberty by a court sentence."
        ),
        /// VOT-06: the PIN appears more than once in the batch; one person, one entry.
        DuplicatePin = (
            "VOT-06_duplicate_pin", "VOT-06", "voter-vot-06-duplicate-pin",
            "The same PIN appears in more than one record."
        ),
        /// VOT-10: the sex or birth-date digits of the PIN contradict the record's sex or birth
        /// date. A data error for the register to correct: reported, never guessed.
        PinContradictsRegister = (
            "VOT-10_pin_contradicts_register", "VOT-10", "voter-vot-10-pin-contradicts-register",
            "The PIN's sex or birth date contradicts the register."
        ),
    }
}

impl IneligibilityReason {
    /// A fault of the data rather than of the person (VOT-06, VOT-10): fixed by correcting the
    /// register, not a legal ground of exclusion.
    pub fn is_data_error(self) -> bool {
        matches!(
            self,
            IneligibilityReason::DuplicatePin | IneligibilityReason::PinContradictsRegister
        )
    }

    fn bit(self) -> u16 {
        1 << (self as u8)
    }
}

/// A set of [`IneligibilityReason`]s: a bitset, so building and passing it never allocates.
/// Iterates in the order of the rules. Serializes as a list of codes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Reasons(u16);

impl Reasons {
    pub const EMPTY: Reasons = Reasons(0);

    pub fn insert(&mut self, reason: IneligibilityReason) {
        self.0 |= reason.bit();
    }
    /// `self` with `reason` added.
    #[must_use]
    pub fn with(mut self, reason: IneligibilityReason) -> Reasons {
        self.insert(reason);
        self
    }
    pub fn contains(self, reason: IneligibilityReason) -> bool {
        self.0 & reason.bit() != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    pub fn iter(self) -> ReasonsIter {
        ReasonsIter(self.0)
    }
    /// The raw bits, for compact storage; bit i is `IneligibilityReason::ALL[i]`.
    pub fn bits(self) -> u16 {
        self.0
    }
    /// The set of these bits, or `None` if a bit names no reason.
    pub fn from_bits(bits: u16) -> Option<Reasons> {
        let known = (1u32 << IneligibilityReason::ALL.len()) - 1;
        (u32::from(bits) & !known == 0).then_some(Reasons(bits))
    }
}

/// Iterator over a [`Reasons`] set.
#[derive(Debug, Clone)]
pub struct ReasonsIter(u16);

impl Iterator for ReasonsIter {
    type Item = IneligibilityReason;
    fn next(&mut self) -> Option<IneligibilityReason> {
        if self.0 == 0 {
            return None;
        }
        let i = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        IneligibilityReason::ALL.get(i).copied()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.0.count_ones() as usize;
        (n, Some(n))
    }
}

impl IntoIterator for Reasons {
    type Item = IneligibilityReason;
    type IntoIter = ReasonsIter;
    fn into_iter(self) -> ReasonsIter {
        self.iter()
    }
}

impl FromIterator<IneligibilityReason> for Reasons {
    fn from_iter<I: IntoIterator<Item = IneligibilityReason>>(iter: I) -> Reasons {
        let mut r = Reasons::EMPTY;
        for reason in iter {
            r.insert(reason);
        }
        r
    }
}

impl fmt::Debug for Reasons {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|r| r.code()))
            .finish()
    }
}

impl Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Reasons {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<IneligibilityReason>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

/// The outcome for one record: on the list, or not and why (never an empty "why").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "EligibilityWire", into = "EligibilityWire")]
pub enum Eligibility {
    Eligible,
    /// Not eligible; the set is never empty.
    Ineligible(Reasons),
}

impl Eligibility {
    /// `Eligible` for an empty set, otherwise `Ineligible` with it.
    pub fn from_reasons(reasons: Reasons) -> Eligibility {
        if reasons.is_empty() {
            Eligibility::Eligible
        } else {
            Eligibility::Ineligible(reasons)
        }
    }
    pub fn is_eligible(self) -> bool {
        matches!(self, Eligibility::Eligible)
    }
    /// The reasons; empty when eligible.
    pub fn reasons(self) -> Reasons {
        match self {
            Eligibility::Eligible => Reasons::EMPTY,
            Eligibility::Ineligible(r) => r,
        }
    }
}

/// Wire form: `{"eligible": false, "reasons": ["VOT-01_not_citizen"]}`.
#[derive(Serialize, Deserialize)]
struct EligibilityWire {
    eligible: bool,
    #[serde(default)]
    reasons: Reasons,
}

impl From<Eligibility> for EligibilityWire {
    fn from(e: Eligibility) -> Self {
        EligibilityWire {
            eligible: e.is_eligible(),
            reasons: e.reasons(),
        }
    }
}

impl TryFrom<EligibilityWire> for Eligibility {
    type Error = &'static str;
    fn try_from(w: EligibilityWire) -> Result<Self, Self::Error> {
        match (w.eligible, w.reasons.is_empty()) {
            (true, true) => Ok(Eligibility::Eligible),
            (false, false) => Ok(Eligibility::Ineligible(w.reasons)),
            (true, false) => Err("an eligible voter has no reasons of ineligibility"),
            (false, true) => Err("an ineligible voter has at least one reason"),
        }
    }
}

/// What the caller knows about a record's address relative to the council holding the election
/// (VOT-04). Deciding it needs the territory tree, which the domain does not search by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CommunityFacts {
    /// The record's settlement lies within the territory the council serves.
    pub address_in_territory: bool,
}

impl CommunityFacts {
    pub const INSIDE: CommunityFacts = CommunityFacts {
        address_in_territory: true,
    };
    pub const OUTSIDE: CommunityFacts = CommunityFacts {
        address_in_territory: false,
    };
}

fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// A date as one ordered integer; the fields need not form a valid date, which lets an
/// anniversary be compared without building it.
#[inline]
fn date_key(year: i32, month: i8, day: i8) -> i32 {
    year * 512 + i32::from(month) * 32 + i32::from(day)
}

/// The day a person born on `birth` turns `years` old (VOT-02). For a 29 February birth in a
/// non-leap year, the day the parameter names (28 February by default). Saturates at the end of
/// the calendar.
pub fn anniversary(birth: Date, years: u8, leap: LeapDayBirthday) -> Date {
    let year = i32::from(birth.year()) + i32::from(years);
    let Ok(year16) = i16::try_from(year) else {
        return Date::MAX;
    };
    let (month, day) = if birth.month() == 2 && birth.day() == 29 && !is_leap_year(year) {
        match leap {
            LeapDayBirthday::February28 => (2, 28),
            LeapDayBirthday::March1 => (3, 1),
        }
    } else {
        (birth.month(), birth.day())
    };
    Date::new(year16, month, day).unwrap_or(Date::MAX)
}

/// Whether a person born on `birth` is at least `years` old on `day` (VOT-02, CAN-01): the
/// birthday itself counts.
pub fn has_reached_age(birth: Date, years: u8, day: Date, leap: LeapDayBirthday) -> bool {
    reached(
        birth,
        years,
        date_key(i32::from(day.year()), day.month(), day.day()),
        leap,
    )
}

#[inline]
fn reached(birth: Date, years: u8, day_key: i32, leap: LeapDayBirthday) -> bool {
    if birth.month() == 2 && birth.day() == 29 {
        // Rare: the anniversary may move (VOT-02 leap-day rule).
        let a = anniversary(birth, years, leap);
        return date_key(i32::from(a.year()), a.month(), a.day()) <= day_key;
    }
    date_key(
        i32::from(birth.year()) + i32::from(years),
        birth.month(),
        birth.day(),
    ) <= day_key
}

/// VOT-10: whether the PIN's sex digit and birth-date digits agree with the recorded values.
pub fn pin_agrees(pin: &Pin, sex: Sex, birth_date: Date) -> bool {
    pin.sex() == sex && pin.birth_date() == birth_date
}

/// The per-election part of voter eligibility, computed once: voting day, age and the VOT-04
/// registration deadline. Cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoterCheck {
    voting_day: Date,
    voting_day_key: i32,
    min_age: u8,
    leap: LeapDayBirthday,
    registration_deadline: Date,
}

impl VoterCheck {
    pub fn new(voting_day: Date, params: &RuleParameters) -> VoterCheck {
        let days = i64::from(params.registration_days_before_voting);
        VoterCheck {
            voting_day,
            voting_day_key: date_key(
                i32::from(voting_day.year()),
                voting_day.month(),
                voting_day.day(),
            ),
            min_age: params.voter_min_age,
            leap: params.leap_day_birthday,
            registration_deadline: voting_day.saturating_sub(Span::new().days(days)),
        }
    }

    pub fn voting_day(&self) -> Date {
        self.voting_day
    }

    /// VOT-04: the last day an address may have been registered (V − 60 by default) for its
    /// holder to count as a member of the community without a residence stamp.
    pub fn registration_deadline(&self) -> Date {
        self.registration_deadline
    }

    /// Every reason (VOT-01…05, VOT-10) the record fails; empty if it passes. VOT-06 needs the
    /// whole batch: see [`duplicate_pins`] and [`assess_batch`].
    #[inline]
    pub fn reasons(&self, record: &RegisterRecord, community: CommunityFacts) -> Reasons {
        use IneligibilityReason as R;
        let mut bits = 0u16;
        let mut fail = |cond: bool, reason: R| {
            // Branch-free accumulation: the eligible path only tests and ors.
            bits |= u16::from(cond) * reason.bit();
        };
        fail(!record.citizen, R::NotCitizen);
        fail(
            !reached(
                record.birth_date,
                self.min_age,
                self.voting_day_key,
                self.leap,
            ),
            R::UnderAge,
        );
        fail(!record.biometrics, R::NoBiometrics);
        fail(!community.address_in_territory, R::AddressOutsideCommunity);
        // Membership is shown by the stamp OR a registration in time (VOT-04); an address outside
        // the territory is reported once, as outside.
        fail(
            community.address_in_territory
                && !record.residence_stamp
                && record.address_registered_on > self.registration_deadline,
            R::RegisteredTooLate,
        );
        fail(record.court_incapable, R::CourtIncapable);
        fail(record.imprisoned, R::Imprisoned);
        fail(
            !pin_agrees(&record.pin, record.sex, record.birth_date),
            R::PinContradictsRegister,
        );
        Reasons(bits)
    }

    /// The eligibility of one record (without VOT-06, which needs the batch).
    #[inline]
    pub fn assess(&self, record: &RegisterRecord, community: CommunityFacts) -> Eligibility {
        Eligibility::from_reasons(self.reasons(record, community))
    }
}

/// The eligibility of one record on `voting_day`; builds a [`VoterCheck`] each call, so prefer
/// that for batches.
pub fn assess_voter(
    record: &RegisterRecord,
    voting_day: Date,
    community: CommunityFacts,
    params: &RuleParameters,
) -> Eligibility {
    VoterCheck::new(voting_day, params).assess(record, community)
}

/// VOT-06: a PIN found more than once, with the positions (in input order) where it appears.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicatePin {
    pub pin: Pin,
    /// At least two positions, ascending.
    pub positions: Vec<usize>,
}

impl DuplicatePin {
    /// The reason every record with this PIN carries.
    pub const REASON: IneligibilityReason = IneligibilityReason::DuplicatePin;
}

/// VOT-06: the PINs that appear more than once, ordered by PIN.
///
/// Sorts (PIN, position) pairs rather than hashing: over the whole register this is several times
/// faster than a hash map with the standard hasher, and the output comes out ordered.
pub fn duplicate_pins<'a, I>(pins: I) -> Vec<DuplicatePin>
where
    I: IntoIterator<Item = &'a Pin>,
{
    let mut keyed: Vec<(Pin, usize)> = pins
        .into_iter()
        .enumerate()
        .map(|(i, pin)| (*pin, i))
        .collect();
    keyed.sort_unstable();
    let mut out = Vec::new();
    for run in keyed.chunk_by(|a, b| a.0 == b.0) {
        if let [(pin, _), _, ..] = run {
            out.push(DuplicatePin {
                pin: *pin,
                positions: run.iter().map(|(_, i)| *i).collect(),
            });
        }
    }
    out
}

/// The eligibility of every record of a batch, in order, including VOT-06: every record whose PIN
/// appears more than once is marked, since the register cannot say which one is right.
pub fn assess_batch<F>(
    records: &[RegisterRecord],
    check: &VoterCheck,
    mut community: F,
) -> Vec<Eligibility>
where
    F: FnMut(&RegisterRecord) -> CommunityFacts,
{
    let mut reasons: Vec<Reasons> = records
        .iter()
        .map(|r| check.reasons(r, community(r)))
        .collect();
    for dup in duplicate_pins(records.iter().map(|r| &r.pin)) {
        for i in dup.positions {
            if let Some(r) = reasons.get_mut(i) {
                r.insert(IneligibilityReason::DuplicatePin);
            }
        }
    }
    reasons.into_iter().map(Eligibility::from_reasons).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::ids::TerritoryId;
    use IneligibilityReason as R;
    use jiff::civil::date;
    use proptest::prelude::*;

    const V: Date = date(2024, 11, 17);

    fn record(sex: Sex, birth: Date) -> RegisterRecord {
        RegisterRecord {
            pin: Pin::compose(sex, birth, 1),
            surname: "Asanov".into(),
            given_name: "Bakyt".into(),
            patronymic: None,
            sex,
            birth_date: birth,
            citizen: true,
            biometrics: true,
            settlement: TerritoryId::parse("kara-suu").unwrap(),
            street: "Lenina".into(),
            house: "1".into(),
            address_registered_on: date(2010, 1, 1),
            residence_stamp: false,
            court_incapable: false,
            imprisoned: false,
        }
    }

    fn adult() -> RegisterRecord {
        record(Sex::Female, date(1980, 5, 17))
    }

    fn assess(r: &RegisterRecord) -> Eligibility {
        assess_voter(r, V, CommunityFacts::INSIDE, &RuleParameters::default())
    }

    fn only(reason: R) -> Eligibility {
        Eligibility::Ineligible(Reasons::EMPTY.with(reason))
    }

    #[test]
    fn an_ordinary_adult_resident_is_eligible() {
        assert_eq!(assess(&adult()), Eligibility::Eligible);
    }

    #[test]
    fn vot_01_a_non_citizen_is_ineligible() {
        let r = RegisterRecord {
            citizen: false,
            ..adult()
        };
        assert_eq!(assess(&r), only(R::NotCitizen));
    }

    #[test]
    fn vot_02_eighteenth_birthday_on_voting_day_is_eligible() {
        assert_eq!(
            assess(&record(Sex::Male, date(2006, 11, 17))),
            Eligibility::Eligible
        );
    }

    #[test]
    fn vot_02_eighteenth_birthday_the_day_after_voting_day_is_under_age() {
        assert_eq!(
            assess(&record(Sex::Male, date(2006, 11, 18))),
            only(R::UnderAge)
        );
    }

    #[test]
    fn vot_02_a_birth_after_voting_day_is_under_age() {
        assert_eq!(
            assess(&record(Sex::Male, date(2030, 1, 1))),
            only(R::UnderAge)
        );
    }

    #[test]
    fn vot_02_leap_day_birth_under_both_parameter_values() {
        // Born 29 February 2008; 2026 is not a leap year, so the 18th birthday moves.
        let born = date(2008, 2, 29);
        let feb28 = RuleParameters::default();
        let mar1 = RuleParameters {
            leap_day_birthday: LeapDayBirthday::March1,
            ..RuleParameters::default()
        };
        let r = record(Sex::Female, born);
        let table = [
            // (voting day, eligible under 28 February rule, under 1 March rule)
            (date(2026, 2, 27), false, false),
            (date(2026, 2, 28), true, false),
            (date(2026, 3, 1), true, true),
        ];
        for (day, by_feb28, by_mar1) in table {
            let a = assess_voter(&r, day, CommunityFacts::INSIDE, &feb28);
            let b = assess_voter(&r, day, CommunityFacts::INSIDE, &mar1);
            assert_eq!(a.is_eligible(), by_feb28, "28 Feb rule on {day}");
            assert_eq!(b.is_eligible(), by_mar1, "1 Mar rule on {day}");
            if !by_mar1 {
                assert_eq!(b, only(R::UnderAge));
            }
        }
        assert_eq!(
            anniversary(born, 18, LeapDayBirthday::February28),
            date(2026, 2, 28)
        );
        assert_eq!(
            anniversary(born, 18, LeapDayBirthday::March1),
            date(2026, 3, 1)
        );
        // In a leap year the birthday is 29 February under either rule.
        for leap in [LeapDayBirthday::February28, LeapDayBirthday::March1] {
            assert_eq!(anniversary(born, 20, leap), date(2028, 2, 29));
        }
    }

    #[test]
    fn vot_02_min_age_is_the_parameter() {
        let p = RuleParameters {
            voter_min_age: 21,
            ..RuleParameters::default()
        };
        let r = record(Sex::Male, date(2004, 11, 18));
        assert!(
            assess_voter(&r, V, CommunityFacts::INSIDE, &RuleParameters::default()).is_eligible()
        );
        assert_eq!(
            assess_voter(&r, V, CommunityFacts::INSIDE, &p),
            only(R::UnderAge)
        );
    }

    #[test]
    fn vot_03_without_biometrics_is_ineligible() {
        let r = RegisterRecord {
            biometrics: false,
            ..adult()
        };
        assert_eq!(assess(&r), only(R::NoBiometrics));
    }

    #[test]
    fn vot_04_registration_exactly_60_days_before_is_in_time() {
        let check = VoterCheck::new(V, &RuleParameters::default());
        assert_eq!(check.registration_deadline(), date(2024, 9, 18));
        let r = RegisterRecord {
            address_registered_on: date(2024, 9, 18),
            ..adult()
        };
        assert_eq!(assess(&r), Eligibility::Eligible);
    }

    #[test]
    fn vot_04_registration_59_days_before_is_too_late_without_a_stamp() {
        let late = RegisterRecord {
            address_registered_on: date(2024, 9, 19),
            ..adult()
        };
        assert_eq!(assess(&late), only(R::RegisteredTooLate));
        let stamped = RegisterRecord {
            residence_stamp: true,
            ..late
        };
        assert_eq!(assess(&stamped), Eligibility::Eligible);
    }

    #[test]
    fn vot_04_registration_days_is_the_parameter() {
        let p = RuleParameters {
            registration_days_before_voting: 30,
            ..RuleParameters::default()
        };
        let r = RegisterRecord {
            address_registered_on: date(2024, 10, 18),
            ..adult()
        };
        assert!(assess_voter(&r, V, CommunityFacts::INSIDE, &p).is_eligible());
        assert_eq!(assess(&r), only(R::RegisteredTooLate));
    }

    #[test]
    fn vot_04_an_address_outside_the_territory_is_ineligible_even_with_a_stamp() {
        let r = RegisterRecord {
            residence_stamp: true,
            address_registered_on: date(2024, 11, 1),
            ..adult()
        };
        let p = RuleParameters::default();
        assert_eq!(
            assess_voter(&r, V, CommunityFacts::OUTSIDE, &p),
            only(R::AddressOutsideCommunity)
        );
    }

    #[test]
    fn vot_05_court_exclusions() {
        let incapable = RegisterRecord {
            court_incapable: true,
            ..adult()
        };
        let prisoner = RegisterRecord {
            imprisoned: true,
            ..adult()
        };
        assert_eq!(assess(&incapable), only(R::CourtIncapable));
        assert_eq!(assess(&prisoner), only(R::Imprisoned));
    }

    #[test]
    fn vot_10_pin_contradicting_sex_or_birth_date_is_reported() {
        let wrong_sex = RegisterRecord {
            sex: Sex::Male,
            ..adult()
        };
        let wrong_birth = RegisterRecord {
            birth_date: date(1980, 5, 18),
            ..adult()
        };
        assert_eq!(assess(&wrong_sex), only(R::PinContradictsRegister));
        assert_eq!(assess(&wrong_birth), only(R::PinContradictsRegister));
        assert!(R::PinContradictsRegister.is_data_error());
        assert!(!R::UnderAge.is_data_error());
    }

    #[test]
    fn vot_06_a_duplicate_pin_is_found_and_marks_every_copy() {
        let a = adult();
        let b = record(Sex::Male, date(1970, 1, 1));
        let records = vec![
            a.clone(),
            b.clone(),
            a.clone(),
            b.clone(),
            a.clone(),
            adult_other(),
        ];
        let dups = duplicate_pins(records.iter().map(|r| &r.pin));
        assert_eq!(
            dups,
            vec![
                DuplicatePin {
                    pin: a.pin,
                    positions: vec![0, 2, 4]
                },
                DuplicatePin {
                    pin: b.pin,
                    positions: vec![1, 3]
                },
            ]
        );
        let check = VoterCheck::new(V, &RuleParameters::default());
        let out = assess_batch(&records, &check, |_| CommunityFacts::INSIDE);
        assert_eq!(out[0], only(R::DuplicatePin));
        assert_eq!(out[3], only(R::DuplicatePin));
        assert_eq!(out[5], Eligibility::Eligible);
        assert!(duplicate_pins(std::iter::empty()).is_empty());
    }

    fn adult_other() -> RegisterRecord {
        record(Sex::Female, date(1981, 6, 1))
    }

    #[test]
    fn every_failed_rule_is_reported_not_just_the_first() {
        let r = RegisterRecord {
            citizen: false,
            biometrics: false,
            court_incapable: true,
            imprisoned: true,
            sex: Sex::Male,
            ..record(Sex::Female, date(2010, 1, 1))
        };
        let e = assess_voter(&r, V, CommunityFacts::OUTSIDE, &RuleParameters::default());
        let codes: Vec<&str> = e.reasons().iter().map(|r| r.code()).collect();
        assert_eq!(
            codes,
            [
                "VOT-01_not_citizen",
                "VOT-02_under_age",
                "VOT-03_no_biometrics",
                "VOT-04_address_outside_community",
                "VOT-05_court_incapable",
                "VOT-05_imprisoned",
                "VOT-10_pin_contradicts_register"
            ]
        );
    }

    #[test]
    fn reason_codes_keys_and_serde_agree() {
        for r in IneligibilityReason::ALL {
            assert!(r.code().starts_with(r.rule()));
            let expected = format!("voter-{}", r.code().to_ascii_lowercase().replace('_', "-"));
            assert_eq!(r.message_key(), expected);
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(r.code().into())
            );
            assert_eq!(IneligibilityReason::from_code(r.code()), Some(*r));
            assert!(r.default_text().ends_with('.'));
        }
        assert!(
            IneligibilityReason::ALL.len() <= 16,
            "Reasons is a u16 bitset"
        );
    }

    #[test]
    fn eligibility_wire_form() {
        let e = Eligibility::Ineligible(Reasons::EMPTY.with(R::UnderAge).with(R::NotCitizen));
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"eligible":false,"reasons":["VOT-01_not_citizen","VOT-02_under_age"]}"#
        );
        assert_eq!(serde_json::from_str::<Eligibility>(&json).unwrap(), e);
        let ok = serde_json::to_string(&Eligibility::Eligible).unwrap();
        assert_eq!(ok, r#"{"eligible":true,"reasons":[]}"#);
        assert!(serde_json::from_str::<Eligibility>(r#"{"eligible":false,"reasons":[]}"#).is_err());
    }

    #[test]
    fn reasons_bits_round_trip() {
        let r = Reasons::EMPTY.with(R::Imprisoned).with(R::DuplicatePin);
        assert_eq!(Reasons::from_bits(r.bits()), Some(r));
        assert_eq!(r.len(), 2);
        assert_eq!(Reasons::from_bits(u16::MAX), None);
    }

    proptest! {
        /// VOT-02 under the 28 February rule is "birth + n years ≤ day", with jiff's calendar
        /// arithmetic (which clamps 29 February to 28 February) as an independent reference.
        #[test]
        fn vot_02_age_agrees_with_calendar_arithmetic(
            birth_days in 0i64..40_000, offset in 0i64..40_000, years in 0u8..100
        ) {
            let birth = date(1920, 1, 1).checked_add(Span::new().days(birth_days)).unwrap();
            let day = date(1920, 1, 1).checked_add(Span::new().days(offset)).unwrap();
            let reference = birth.checked_add(Span::new().years(i64::from(years))).unwrap() <= day;
            prop_assert_eq!(
                has_reached_age(birth, years, day, LeapDayBirthday::February28),
                reference
            );
        }

        /// VOT-02: once old enough, a voter stays old enough on every later voting day.
        #[test]
        fn vot_02_age_is_monotone_in_the_voting_day(
            birth_days in 0i64..40_000, offset in 0i64..40_000, later in 0i64..1000, march in any::<bool>()
        ) {
            let leap = if march { LeapDayBirthday::March1 } else { LeapDayBirthday::February28 };
            let birth = date(1920, 1, 1).checked_add(Span::new().days(birth_days)).unwrap();
            let day = date(1920, 1, 1).checked_add(Span::new().days(offset)).unwrap();
            let after = day.checked_add(Span::new().days(later)).unwrap();
            if has_reached_age(birth, 18, day, leap) {
                prop_assert!(has_reached_age(birth, 18, after, leap));
            }
        }

        /// Each flag of the record fails exactly its own rule.
        #[test]
        fn each_condition_maps_to_exactly_its_reason(
            citizen in any::<bool>(), bio in any::<bool>(), inside in any::<bool>(),
            incapable in any::<bool>(), prison in any::<bool>(),
        ) {
            let r = RegisterRecord {
                citizen, biometrics: bio, court_incapable: incapable, imprisoned: prison, ..adult()
            };
            let got = assess_voter(&r, V, CommunityFacts { address_in_territory: inside }, &RuleParameters::default()).reasons();
            let mut want = Reasons::EMPTY;
            for (failed, reason) in [
                (!citizen, R::NotCitizen), (!bio, R::NoBiometrics), (!inside, R::AddressOutsideCommunity),
                (incapable, R::CourtIncapable), (prison, R::Imprisoned),
            ] {
                if failed { want.insert(reason); }
            }
            prop_assert_eq!(got, want);
        }
    }
}
