//! Who may stand, rules CAN-01…CAN-05, and how a city party list may be composed, rule CAN-06:
//! the rule core that the registry checks ([`super::checks`]) and the nomination workflow
//! ([`super::transitions`]) build on.
//!
//! The facts come from the TEC's checks against the state registries through Tunduk (CAN-08); a
//! check not yet answered is `None`, and yields a *pending* finding rather than a guess, so no
//! registration decision (CAN-09) is taken on missing evidence.

use crate::ids::{PartyId, SeatCount};
use crate::params::{RuleParameters, coded_enum};
use crate::pin::{Pin, Sex};
use crate::voter::{duplicate_pins, has_reached_age};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// A finding about one candidate: a legal ground to refuse registration, or a registry check
    /// still pending.
    pub enum CandidateCode {
        /// CAN-01: younger than 21 on voting day.
        UnderAge = (
            "CAN-01_under_age", "CAN-01", "candidate-can-01-under-age",
            "Not yet 21 years old on voting day."
        ),
        /// CAN-01: not a member of the local community (жергиликтүү коомдоштук / местное
        /// сообщество) of the council.
        NotCommunityMember = (
            "CAN-01_not_community_member", "CAN-01", "candidate-can-01-not-community-member",
            "Not a member of the local community of the council."
        ),
        /// CAN-01: no general secondary education (жалпы орто билим / общее среднее образование).
        NoSecondaryEducation = (
            "CAN-01_no_secondary_education", "CAN-01", "candidate-can-01-no-secondary-education",
            "Does not have general secondary education."
        ),
        /// CAN-02: declared legally incapable by a court.
        CourtIncapable = (
            "CAN-02_court_incapable", "CAN-02", "candidate-can-02-court-incapable",
            "Declared legally incapable by a court."
        ),
        /// CAN-02: held in a place of deprivation of liberty by a court sentence.
        Imprisoned = (
            "CAN-02_imprisoned", "CAN-02", "candidate-can-02-imprisoned",
            "Held in a place of deprivation of liberty by a court sentence."
        ),
        /// CAN-02: a conviction not expunged (соттуулугу жоюлбаган / непогашенная судимость).
        UnexpungedConviction = (
            "CAN-02_unexpunged_conviction", "CAN-02", "candidate-can-02-unexpunged-conviction",
            "Has a conviction that has not been expunged."
        ),
        /// CAN-04: nominated by a party while a member of another party.
        MemberOfOtherParty = (
            "CAN-04_member_of_other_party", "CAN-04", "candidate-can-04-member-of-other-party",
            "Nominated by a party while a member of another party."
        ),
        /// CAN-05: nominated more than once in the same election (on lists or in districts).
        MultipleCandidacies = (
            "CAN-05_multiple_candidacies", "CAN-05", "candidate-can-05-multiple-candidacies",
            "Nominated more than once in the same election."
        ),
        /// CAN-07: filed after the nomination deadline (CAL-07 for city lists, CAL-09 for aiyl
        /// candidates), e.g. when the CEC moved the deadline before an earlier filing.
        FiledLate = (
            "CAN-07_filed_late", "CAN-07", "candidate-can-07-filed-late",
            "Filed after the nomination deadline."
        ),
        /// CAN-08: the documents filed with the nomination are missing or deficient, as the TEC
        /// found on reading them (no registry checks documents).
        DocumentsDeficient = (
            "CAN-08_documents_deficient", "CAN-08", "candidate-can-08-documents-deficient",
            "The documents filed are missing or deficient."
        ),
        /// CAN-08 / CAN-01: the registries show the candidate is not a citizen.
        NotCitizen = (
            "CAN-08_not_citizen", "CAN-08", "candidate-can-08-not-citizen",
            "Not a citizen of the Kyrgyz Republic."
        ),
        /// CAN-08: the citizenship check has no answer yet.
        CitizenshipUnchecked = (
            "CAN-08_citizenship_unchecked", "CAN-08", "candidate-can-08-citizenship-unchecked",
            "Citizenship has not been checked yet."
        ),
        /// CAN-08: the residence (local community) check has no answer yet.
        CommunityUnchecked = (
            "CAN-08_community_unchecked", "CAN-08", "candidate-can-08-community-unchecked",
            "Membership of the local community has not been checked yet."
        ),
        /// CAN-08: the education check has no answer yet.
        EducationUnchecked = (
            "CAN-08_education_unchecked", "CAN-08", "candidate-can-08-education-unchecked",
            "Secondary education has not been checked yet."
        ),
        /// CAN-08: the criminal-record check has no answer yet.
        CriminalRecordUnchecked = (
            "CAN-08_criminal_record_unchecked", "CAN-08", "candidate-can-08-criminal-record-unchecked",
            "The criminal record has not been checked yet."
        ),
        /// CAN-08: whether a court declared the candidate incapable has no answer yet.
        IncapacityUnchecked = (
            "CAN-08_incapacity_unchecked", "CAN-08", "candidate-can-08-incapacity-unchecked",
            "Legal capacity has not been checked yet."
        ),
        /// CAN-08: whether the candidate is imprisoned has no answer yet.
        ImprisonmentUnchecked = (
            "CAN-08_imprisonment_unchecked", "CAN-08", "candidate-can-08-imprisonment-unchecked",
            "Imprisonment has not been checked yet."
        ),
        /// CAN-08: the party membership of a party nominee has no answer yet.
        PartyMembershipUnchecked = (
            "CAN-08_party_membership_unchecked", "CAN-08", "candidate-can-08-party-membership-unchecked",
            "Party membership has not been checked yet."
        ),
    }
}

impl CandidateCode {
    /// A check without an answer: not a ground for refusal, but no decision without it.
    pub fn is_pending(self) -> bool {
        use CandidateCode as C;
        matches!(
            self,
            C::CitizenshipUnchecked
                | C::CommunityUnchecked
                | C::EducationUnchecked
                | C::CriminalRecordUnchecked
                | C::IncapacityUnchecked
                | C::ImprisonmentUnchecked
                | C::PartyMembershipUnchecked
        )
    }
}

/// Who nominated a candidate (CAN-03).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nominator {
    /// A party: the whole city list, or a party nominee in an aiyl district.
    Party(PartyId),
    /// Self-nomination (өзүн-өзү көрсөтүү / самовыдвижение), aiyl districts only.
    SelfNominated,
}

/// A candidate's party membership as the registries show it, relative to the nominating party
/// (the registry knows parties by their registration number, see
/// [`super::registry::PartyMembershipAnswer`]; a party that runs in no contest has no
/// [`PartyId`] here at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyMembership {
    /// Not checked yet.
    #[default]
    Unknown,
    /// A member of no party.
    NoParty,
    /// A member of the party that nominates the candidate.
    NominatingParty,
    /// A member of some other party (for a self-nominee: of any party).
    OtherParty,
}

/// What is known about a candidate: the answers of the registry checks (CAN-08), each `None`
/// until answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateFacts {
    pub birth_date: Date,
    pub citizen: Option<bool>,
    /// Member of the local community of the council (same test as VOT-04).
    pub community_member: Option<bool>,
    pub secondary_education: Option<bool>,
    pub unexpunged_conviction: Option<bool>,
    pub court_incapable: Option<bool>,
    pub imprisoned: Option<bool>,
    #[serde(default)]
    pub party_membership: PartyMembership,
}

/// What the findings mean for the registration decision (CAN-09).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateOutcome {
    Eligible,
    /// At least one legal ground for refusal; pending checks cannot change that.
    Ineligible,
    /// No ground found, but some checks have no answer yet.
    Pending,
}

/// The findings about one candidate, accumulated.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CandidateCheck {
    /// Legal grounds for refusal, in rule order.
    pub grounds: Vec<CandidateCode>,
    /// Checks without an answer, in rule order.
    pub pending: Vec<CandidateCode>,
}

impl CandidateCheck {
    pub fn outcome(&self) -> CandidateOutcome {
        if !self.grounds.is_empty() {
            CandidateOutcome::Ineligible
        } else if !self.pending.is_empty() {
            CandidateOutcome::Pending
        } else {
            CandidateOutcome::Eligible
        }
    }

    fn push(&mut self, code: CandidateCode) {
        if code.is_pending() {
            self.pending.push(code);
        } else {
            self.grounds.push(code);
        }
    }

    /// Records a yes/no registry answer: `bad` is the answer that is a ground for refusal.
    fn answer(
        &mut self,
        answer: Option<bool>,
        bad: bool,
        ground: CandidateCode,
        unchecked: CandidateCode,
    ) {
        match answer {
            None => self.push(unchecked),
            Some(a) if a == bad => self.push(ground),
            Some(_) => {}
        }
    }
}

/// Checks one candidate against CAN-01, CAN-02, CAN-04 and the citizenship check of CAN-08.
/// CAN-05 needs all nominations: see [`multiple_candidacies`].
pub fn check_candidate(
    facts: &CandidateFacts,
    nominator: &Nominator,
    voting_day: Date,
    params: &RuleParameters,
) -> CandidateCheck {
    use CandidateCode as C;
    let mut check = CandidateCheck::default();
    if !has_reached_age(
        facts.birth_date,
        params.candidate_min_age,
        voting_day,
        params.leap_day_birthday,
    ) {
        check.push(C::UnderAge);
    }
    check.answer(
        facts.community_member,
        false,
        C::NotCommunityMember,
        C::CommunityUnchecked,
    );
    check.answer(
        facts.secondary_education,
        false,
        C::NoSecondaryEducation,
        C::EducationUnchecked,
    );
    check.answer(
        facts.court_incapable,
        true,
        C::CourtIncapable,
        C::IncapacityUnchecked,
    );
    check.answer(
        facts.imprisoned,
        true,
        C::Imprisoned,
        C::ImprisonmentUnchecked,
    );
    check.answer(
        facts.unexpunged_conviction,
        true,
        C::UnexpungedConviction,
        C::CriminalRecordUnchecked,
    );
    // CAN-04 binds parties only; a self-nominee's membership is not the TEC's question here.
    if let Nominator::Party(_) = nominator {
        match facts.party_membership {
            PartyMembership::Unknown => check.push(C::PartyMembershipUnchecked),
            PartyMembership::OtherParty => check.push(C::MemberOfOtherParty),
            PartyMembership::NominatingParty | PartyMembership::NoParty => {}
        }
    }
    check.answer(facts.citizen, false, C::NotCitizen, C::CitizenshipUnchecked);
    check
}

/// CAN-05: a person nominated more than once, with the positions of their nominations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultipleCandidacy {
    pub pin: Pin,
    /// At least two positions in the input, ascending.
    pub nominations: Vec<usize>,
}

impl MultipleCandidacy {
    /// The finding each of these nominations carries.
    pub const CODE: CandidateCode = CandidateCode::MultipleCandidacies;
}

/// CAN-05: the persons nominated more than once among all nominations of one election (every
/// list and every district), ordered by PIN.
pub fn multiple_candidacies<'a, I>(pins: I) -> Vec<MultipleCandidacy>
where
    I: IntoIterator<Item = &'a Pin>,
{
    duplicate_pins(pins)
        .into_iter()
        .map(|d| MultipleCandidacy {
            pin: d.pin,
            nominations: d.positions,
        })
        .collect()
}

coded_enum! {
    /// The codes of [`ListFinding`].
    pub enum ListCode {
        /// CAN-06 (sure): more than 70% of the list's candidates are of one sex.
        OneSexOverShare = (
            "CAN-06_one_sex_over_share", "CAN-06", "candidate-can-06-one-sex-over-share",
            "More than the allowed share of the list's candidates are of one sex."
        ),
        /// CAN-06 (likely): more candidates than the council has seats.
        LongerThanSeats = (
            "CAN-06_longer_than_seats", "CAN-06", "candidate-can-06-longer-than-seats",
            "The list has more candidates than the council has seats."
        ),
        /// CAN-06 (unsure, off by default): fewer candidates than the configured minimum.
        ShorterThanMinimum = (
            "CAN-06_shorter_than_minimum", "CAN-06", "candidate-can-06-shorter-than-minimum",
            "The list has fewer candidates than the minimum."
        ),
    }
}

/// A composition fault of a city party list (CAN-06), with the numbers to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code")]
pub enum ListFinding {
    #[serde(rename = "CAN-06_one_sex_over_share")]
    OneSexOverShare {
        sex: Sex,
        count: u32,
        total: u32,
        max_percent: u8,
    },
    #[serde(rename = "CAN-06_longer_than_seats")]
    LongerThanSeats { candidates: u32, seats: u32 },
    #[serde(rename = "CAN-06_shorter_than_minimum")]
    ShorterThanMinimum { candidates: u32, minimum: u32 },
}

impl ListFinding {
    pub fn code(&self) -> ListCode {
        match self {
            ListFinding::OneSexOverShare { .. } => ListCode::OneSexOverShare,
            ListFinding::LongerThanSeats { .. } => ListCode::LongerThanSeats,
            ListFinding::ShorterThanMinimum { .. } => ListCode::ShorterThanMinimum,
        }
    }
}

/// CAN-06: checks the composition of a city party list, given the sex of each candidate in list
/// order, against the council's seats. Shares are compared exactly: `count × 100 > max × total`.
pub fn check_party_list<I>(sexes: I, seats: SeatCount, params: &RuleParameters) -> Vec<ListFinding>
where
    I: IntoIterator<Item = Sex>,
{
    let (mut women, mut men) = (0u32, 0u32);
    for sex in sexes {
        match sex {
            Sex::Female => women = women.saturating_add(1),
            Sex::Male => men = men.saturating_add(1),
        }
    }
    let total = women.saturating_add(men);
    let max = params.list_max_share_one_sex_percent;
    let mut findings = Vec::new();
    for (sex, count) in [(Sex::Female, women), (Sex::Male, men)] {
        if u64::from(count) * 100 > u64::from(max) * u64::from(total) {
            findings.push(ListFinding::OneSexOverShare {
                sex,
                count,
                total,
                max_percent: max,
            });
        }
    }
    if params.list_max_length_is_seats && total > seats.get() {
        findings.push(ListFinding::LongerThanSeats {
            candidates: total,
            seats: seats.get(),
        });
    }
    if total < params.list_min_length {
        findings.push(ListFinding::ShorterThanMinimum {
            candidates: total,
            minimum: params.list_min_length,
        });
    }
    findings
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::params::Coded;
    use CandidateCode as C;
    use jiff::civil::date;
    use proptest::prelude::*;

    const V: Date = date(2024, 11, 17);

    fn party(s: &str) -> PartyId {
        PartyId::parse(s).unwrap()
    }

    fn facts() -> CandidateFacts {
        CandidateFacts {
            birth_date: date(1985, 3, 1),
            citizen: Some(true),
            community_member: Some(true),
            secondary_education: Some(true),
            unexpunged_conviction: Some(false),
            court_incapable: Some(false),
            imprisoned: Some(false),
            party_membership: PartyMembership::NominatingParty,
        }
    }

    fn check(f: &CandidateFacts) -> CandidateCheck {
        check_candidate(
            f,
            &Nominator::Party(party("emgek")),
            V,
            &RuleParameters::default(),
        )
    }

    /// A change to the facts, in a table of cases.
    type Change = fn(&mut CandidateFacts);

    fn grounds(f: &CandidateFacts) -> Vec<CandidateCode> {
        check(f).grounds
    }

    #[test]
    fn a_checked_candidate_of_their_own_party_is_eligible() {
        let c = check(&facts());
        assert_eq!(c, CandidateCheck::default());
        assert_eq!(c.outcome(), CandidateOutcome::Eligible);
    }

    #[test]
    fn can_01_twenty_first_birthday_on_voting_day_is_old_enough() {
        let f = CandidateFacts {
            birth_date: date(2003, 11, 17),
            ..facts()
        };
        assert!(grounds(&f).is_empty());
    }

    #[test]
    fn can_01_twenty_first_birthday_the_day_after_voting_day_is_under_age() {
        let f = CandidateFacts {
            birth_date: date(2003, 11, 18),
            ..facts()
        };
        assert_eq!(grounds(&f), [C::UnderAge]);
        assert_eq!(check(&f).outcome(), CandidateOutcome::Ineligible);
    }

    #[test]
    fn can_01_an_18_year_old_voter_is_not_old_enough_to_stand() {
        let f = CandidateFacts {
            birth_date: date(2005, 1, 1),
            ..facts()
        };
        assert_eq!(grounds(&f), [C::UnderAge]);
    }

    #[test]
    fn can_01_and_can_02_each_registry_answer_is_its_own_ground() {
        let table: [(Change, CandidateCode); 6] = [
            (|f| f.community_member = Some(false), C::NotCommunityMember),
            (
                |f| f.secondary_education = Some(false),
                C::NoSecondaryEducation,
            ),
            (|f| f.court_incapable = Some(true), C::CourtIncapable),
            (|f| f.imprisoned = Some(true), C::Imprisoned),
            (
                |f| f.unexpunged_conviction = Some(true),
                C::UnexpungedConviction,
            ),
            (|f| f.citizen = Some(false), C::NotCitizen),
        ];
        for (change, code) in table {
            let mut f = facts();
            change(&mut f);
            assert_eq!(grounds(&f), [code], "{code}");
        }
    }

    #[test]
    fn can_08_an_unanswered_check_is_pending_not_a_guess() {
        let table: [(Change, CandidateCode); 7] = [
            (|f| f.community_member = None, C::CommunityUnchecked),
            (|f| f.secondary_education = None, C::EducationUnchecked),
            (|f| f.court_incapable = None, C::IncapacityUnchecked),
            (|f| f.imprisoned = None, C::ImprisonmentUnchecked),
            (
                |f| f.unexpunged_conviction = None,
                C::CriminalRecordUnchecked,
            ),
            (|f| f.citizen = None, C::CitizenshipUnchecked),
            (
                |f| f.party_membership = PartyMembership::Unknown,
                C::PartyMembershipUnchecked,
            ),
        ];
        for (change, code) in table {
            let mut f = facts();
            change(&mut f);
            let c = check(&f);
            assert!(c.grounds.is_empty(), "{code}");
            assert_eq!(c.pending, [code]);
            assert_eq!(c.outcome(), CandidateOutcome::Pending);
        }
    }

    #[test]
    fn can_08_a_known_ground_decides_even_with_checks_pending() {
        let f = CandidateFacts {
            imprisoned: Some(true),
            citizen: None,
            ..facts()
        };
        let c = check(&f);
        assert_eq!(c.grounds, [C::Imprisoned]);
        assert_eq!(c.pending, [C::CitizenshipUnchecked]);
        assert_eq!(c.outcome(), CandidateOutcome::Ineligible);
    }

    #[test]
    fn can_04_a_party_may_not_nominate_a_member_of_another_party() {
        let p = RuleParameters::default();
        let other = CandidateFacts {
            party_membership: PartyMembership::OtherParty,
            ..facts()
        };
        assert_eq!(
            check_candidate(&other, &Nominator::Party(party("emgek")), V, &p).grounds,
            [C::MemberOfOtherParty]
        );
        // Its own member, a non-member, or a self-nominee of any party are all fine.
        let none = CandidateFacts {
            party_membership: PartyMembership::NoParty,
            ..facts()
        };
        assert!(
            check_candidate(&none, &Nominator::Party(party("emgek")), V, &p)
                .grounds
                .is_empty()
        );
        let c = check_candidate(&other, &Nominator::SelfNominated, V, &p);
        assert_eq!(c.outcome(), CandidateOutcome::Eligible);
        let unknown_self = CandidateFacts {
            party_membership: PartyMembership::Unknown,
            ..facts()
        };
        assert_eq!(
            check_candidate(&unknown_self, &Nominator::SelfNominated, V, &p).outcome(),
            CandidateOutcome::Eligible
        );
    }

    #[test]
    fn can_05_one_candidacy_per_person_per_election() {
        let a = Pin::parse("11502199900123").unwrap();
        let b = Pin::parse("20101199000123").unwrap();
        let c = Pin::parse("20101199000124").unwrap();
        let nominations = [a, b, c, a];
        assert_eq!(
            multiple_candidacies(&nominations),
            vec![MultipleCandidacy {
                pin: a,
                nominations: vec![0, 3]
            }]
        );
        assert!(multiple_candidacies(&[a, b, c]).is_empty());
        assert_eq!(
            MultipleCandidacy::CODE.code(),
            "CAN-05_multiple_candidacies"
        );
    }

    fn list(women: usize, men: usize) -> Vec<Sex> {
        let mut v = vec![Sex::Female; women];
        v.extend(vec![Sex::Male; men]);
        v
    }

    fn seats(n: u32) -> SeatCount {
        SeatCount::new(n).unwrap()
    }

    #[test]
    fn can_06_at_most_70_percent_of_one_sex() {
        let p = RuleParameters::default();
        // (women, men, expected codes)
        let table: [(usize, usize, Option<Sex>); 10] = [
            (7, 3, None),              // exactly 70%
            (3, 7, None),              // exactly 70% men
            (8, 2, Some(Sex::Female)), // 80%
            (2, 8, Some(Sex::Male)),
            (5, 2, Some(Sex::Female)),   // 71.4%
            (2, 1, None),                // 66.7%
            (36, 15, Some(Sex::Female)), // 70.6% of 51
            (35, 16, None),              // 68.6% of 51
            (1, 0, Some(Sex::Female)),   // a one-person list is 100% one sex
            (0, 0, None),
        ];
        for (w, m, over) in table {
            let findings = check_party_list(list(w, m), seats(51), &p);
            let got = findings.iter().find_map(|f| match f {
                ListFinding::OneSexOverShare { sex, .. } => Some(*sex),
                _ => None,
            });
            assert_eq!(got, over, "{w} women, {m} men");
        }
    }

    #[test]
    fn can_06_no_more_candidates_than_seats() {
        let p = RuleParameters::default();
        assert!(check_party_list(list(25, 26), seats(51), &p).is_empty());
        assert_eq!(
            check_party_list(list(26, 26), seats(51), &p),
            [ListFinding::LongerThanSeats {
                candidates: 52,
                seats: 51
            }]
        );
        let off = RuleParameters {
            list_max_length_is_seats: false,
            ..RuleParameters::default()
        };
        assert!(check_party_list(list(26, 26), seats(51), &off).is_empty());
    }

    #[test]
    fn can_06_minimum_length_only_when_configured() {
        let p = RuleParameters {
            list_min_length: 5,
            ..RuleParameters::default()
        };
        assert!(check_party_list(list(2, 2), seats(51), &RuleParameters::default()).is_empty());
        assert_eq!(
            check_party_list(list(2, 2), seats(51), &p),
            [ListFinding::ShorterThanMinimum {
                candidates: 4,
                minimum: 5
            }]
        );
    }

    #[test]
    fn codes_keys_and_serde_agree() {
        for c in CandidateCode::ALL {
            assert!(c.code().starts_with(c.rule()));
            let key = format!(
                "candidate-{}",
                c.code().to_ascii_lowercase().replace('_', "-")
            );
            assert_eq!(c.message_key(), key);
            assert_eq!(CandidateCode::from_code(c.code()), Some(*c));
        }
        for c in ListCode::ALL {
            let key = format!(
                "candidate-{}",
                c.code().to_ascii_lowercase().replace('_', "-")
            );
            assert_eq!(c.message_key(), key);
        }
        let findings = [
            ListFinding::OneSexOverShare {
                sex: Sex::Male,
                count: 8,
                total: 10,
                max_percent: 70,
            },
            ListFinding::LongerThanSeats {
                candidates: 2,
                seats: 1,
            },
            ListFinding::ShorterThanMinimum {
                candidates: 0,
                minimum: 1,
            },
        ];
        for f in findings {
            let json = serde_json::to_value(&f).unwrap();
            assert_eq!(json["code"], f.code().code());
            assert_eq!(serde_json::from_value::<ListFinding>(json).unwrap(), f);
        }
        assert!(PartyId::parse("Zhany Kuch").is_err());
        assert_eq!(
            serde_json::to_string(&Nominator::Party(party("emgek"))).unwrap(),
            r#"{"party":"emgek"}"#
        );
    }

    proptest! {
        /// CAN-06: a list passes the share rule exactly when each sex has at most
        /// floor(70% of the total) candidates.
        #[test]
        fn can_06_share_rule_matches_the_floor_bound(w in 0usize..80, m in 0usize..80, max in 50u8..=100) {
            let p = RuleParameters { list_max_share_one_sex_percent: max, ..RuleParameters::default() };
            let total = w + m;
            let bound = total * usize::from(max) / 100;
            let over = check_party_list(list(w, m), seats(101), &p)
                .iter()
                .any(|f| f.code() == ListCode::OneSexOverShare);
            prop_assert_eq!(over, w > bound || m > bound);
        }
    }
}
