//! CAN-01…CAN-08: the automated checks of a filed nomination.

use super::*;
use crate::calendar::CalendarOverride;
use crate::candidate::checks::{
    Check, CheckContext, CheckInputError, CheckOutcome, NominationReport, ReportOutcome,
    check_nomination,
};
use crate::candidate::nomination::Ground;
use crate::candidate::{CandidateCode, ListCode};
use crate::params::Coded;
use jiff::civil::date;

/// The Bishkek territory: the city and nothing else.
fn in_bishkek(t: &TerritoryId) -> bool {
    t.as_str() == "bishkek"
}

fn nowhere_else(_: &Pin) -> bool {
    false
}

/// Checks a one-candidate Emgek list of `identity` with `answers`.
fn check_one(identity: CandidateIdentity, answers: RegistryAnswers) -> NominationReport {
    check_one_with(identity, answers, &nowhere_else)
}

fn check_one_with(
    identity: CandidateIdentity,
    answers: RegistryAnswers,
    elsewhere: &dyn Fn(&Pin) -> bool,
) -> NominationReport {
    let (cal, p, c, emgek) = (cal2024(), params(), bishkek(), party("emgek"));
    let n = filed(
        city_list("emgek"),
        &c,
        vec![(cid("c1"), identity)],
        at(2024, 10, 1, 10, 0),
    );
    let ctx = CheckContext {
        rules: rules(&cal, &p, &c),
        party: Some(&emgek),
        in_council_territory: &in_bishkek,
        candidacy_elsewhere: elsewhere,
    };
    check_nomination(&n, &[(cid("c1"), answers)], &ctx).unwrap()
}

fn outcome(report: &NominationReport, check: Check) -> CheckOutcome {
    report.entries[0].result(check).unwrap().outcome
}

fn fail(code: CandidateCode) -> CheckOutcome {
    CheckOutcome::Fail {
        ground: Ground::candidate(code).unwrap(),
    }
}

#[test]
fn can_08_a_clean_candidate_passes_every_check_with_its_evidence() {
    let emgek = party("emgek");
    let report = check_one(adult(Sex::Female, 1), clean(Some(&emgek)));
    assert_eq!(report.entries[0].outcome(), ReportOutcome::Clear);
    let checks: Vec<Check> = report.entries[0].results.iter().map(|r| r.check).collect();
    assert_eq!(
        checks,
        [
            Check::Age,
            Check::Community,
            Check::Education,
            Check::Citizenship,
            Check::Conviction,
            Check::Imprisonment,
            Check::Incapacity,
            Check::PartyMembership,
            Check::OneCandidacy,
            Check::Deadline,
        ]
    );
    for r in &report.entries[0].results {
        assert!(r.passed(), "{:?}", r.check);
        // Registry checks keep the answer's evidence, from the registry they ask.
        assert_eq!(
            r.evidence.as_ref().map(|e| e.registry),
            r.check.registry(),
            "{:?}",
            r.check
        );
    }
    let list: Vec<(Check, CheckOutcome)> =
        report.list.iter().map(|r| (r.check, r.outcome)).collect();
    // A one-person list is 100% one sex (CAN-06).
    assert_eq!(
        list,
        [
            (
                Check::ListSexShare,
                CheckOutcome::Fail {
                    ground: Ground::list(ListCode::OneSexOverShare)
                }
            ),
            (Check::ListLength, CheckOutcome::Pass),
        ]
    );
    // …which alone makes the nomination fail, its candidate's checks being clear.
    assert_eq!(report.outcome(), ReportOutcome::Failed);
    assert!(report.grounds().iter().all(|(c, _)| c.is_none()));
}

/// A change to the clean answers, the check it fails and the ground it names.
type Case = (fn(&mut RegistryAnswers), Check, CandidateCode);

#[test]
fn can_01_can_02_can_04_can_08_each_registry_answer_fails_its_own_check() {
    let other = party("ata-meken");
    let table: [Case; 6] = [
        (
            |a| {
                a.citizenship =
                    answered(CitizenshipAnswer { citizen: false }, Registry::Citizenship)
            },
            Check::Citizenship,
            CandidateCode::NotCitizen,
        ),
        (
            |a| {
                a.criminal_record = answered(
                    CriminalRecordAnswer {
                        unexpunged_conviction: true,
                        imprisoned: false,
                        court_incapable: false,
                    },
                    Registry::CriminalRecord,
                )
            },
            Check::Conviction,
            CandidateCode::UnexpungedConviction,
        ),
        (
            |a| {
                a.criminal_record = answered(
                    CriminalRecordAnswer {
                        unexpunged_conviction: false,
                        imprisoned: true,
                        court_incapable: false,
                    },
                    Registry::CriminalRecord,
                )
            },
            Check::Imprisonment,
            CandidateCode::Imprisoned,
        ),
        (
            |a| {
                a.criminal_record = answered(
                    CriminalRecordAnswer {
                        unexpunged_conviction: false,
                        imprisoned: false,
                        court_incapable: true,
                    },
                    Registry::CriminalRecord,
                )
            },
            Check::Incapacity,
            CandidateCode::CourtIncapable,
        ),
        (
            |a| {
                a.education = answered(
                    EducationAnswer {
                        highest: EducationLevel::Basic,
                    },
                    Registry::Education,
                )
            },
            Check::Education,
            CandidateCode::NoSecondaryEducation,
        ),
        (
            |a| {
                a.party_membership = Some(answered(
                    PartyMembershipAnswer {
                        member_of: Some(PartyRegistrationNumber::parse("ata-meken-ПП").unwrap()),
                    },
                    Registry::PartyMembership,
                ))
            },
            Check::PartyMembership,
            CandidateCode::MemberOfOtherParty,
        ),
    ];
    let emgek = party("emgek");
    assert_ne!(other.registration_number, emgek.registration_number);
    for (change, check, code) in table {
        let mut answers = clean(Some(&emgek));
        change(&mut answers);
        let report = check_one(adult(Sex::Male, 1), answers);
        let failed: Vec<(Check, CheckOutcome)> = report.entries[0]
            .results
            .iter()
            .filter(|r| !r.passed())
            .map(|r| (r.check, r.outcome))
            .collect();
        assert_eq!(failed, [(check, fail(code))], "{code}");
        assert_eq!(report.outcome(), ReportOutcome::Failed);
        let ground = report.grounds()[0].1;
        assert_eq!(ground.code(), code.code());
        assert_eq!(ground.rule(), check.rule(), "{code} names the check's rule");
        // The failed check keeps the evidence of the answer it rests on.
        let r = report.entries[0].result(check).unwrap();
        assert_eq!(
            r.evidence.as_ref().unwrap().registry,
            check.registry().unwrap()
        );
    }
}

#[test]
fn can_01_age_and_community_come_from_the_civil_answer() {
    let emgek = party("emgek");
    // 21 the day after voting day: under age.
    let young = person(pin(Sex::Female, date(2003, 11, 18), 7), "Жаш", "bishkek");
    let report = check_one(young, clean(Some(&emgek)));
    assert_eq!(outcome(&report, Check::Age), fail(CandidateCode::UnderAge));

    let outside = person(pin(Sex::Male, date(1970, 5, 5), 8), "Сырттан", "osh");
    let report = check_one(outside, clean(Some(&emgek)));
    assert_eq!(
        outcome(&report, Check::Community),
        fail(CandidateCode::NotCommunityMember)
    );

    // VOT-04's test: registered after V − 60 without a permanent-residence stamp is not yet a
    // member; with the stamp, or registered by V − 60, one is.
    let moved = |registered_on: Date, permanent: bool| {
        let identity = person(pin(Sex::Male, date(1970, 5, 5), 9), "Көчкөн", "bishkek");
        let mut a: Answered<CivilRecord> = identity.into();
        let residence = a.answer.residence.as_mut().unwrap();
        residence.registered_on = registered_on;
        residence.permanent = permanent;
        let report = check_one(CandidateIdentity::try_from(a).unwrap(), clean(Some(&emgek)));
        outcome(&report, Check::Community)
    };
    assert_eq!(moved(date(2024, 9, 18), true), CheckOutcome::Pass);
    assert_eq!(moved(date(2024, 9, 18), false), CheckOutcome::Pass);
    assert_eq!(
        moved(date(2024, 9, 19), false),
        fail(CandidateCode::NotCommunityMember)
    );
    assert_eq!(moved(date(2024, 9, 19), true), CheckOutcome::Pass);

    let mut homeless: Answered<CivilRecord> =
        person(pin(Sex::Male, date(1970, 5, 5), 10), "Жоқ", "bishkek").into();
    homeless.answer.residence = None;
    let report = check_one(
        CandidateIdentity::try_from(homeless).unwrap(),
        clean(Some(&emgek)),
    );
    assert_eq!(
        outcome(&report, Check::Community),
        fail(CandidateCode::NotCommunityMember)
    );
}

#[test]
fn can_08_a_registry_down_or_slow_is_could_not_check_never_a_verdict() {
    let emgek = party("emgek");
    let cases: [(Registry, &[Check]); 4] = [
        (Registry::Citizenship, &[Check::Citizenship]),
        (
            Registry::CriminalRecord,
            &[Check::Conviction, Check::Imprisonment, Check::Incapacity],
        ),
        (Registry::Education, &[Check::Education]),
        (Registry::PartyMembership, &[Check::PartyMembership]),
    ];
    for (registry, checks) in cases {
        let mut answers = clean(Some(&emgek));
        match registry {
            Registry::Citizenship => answers.citizenship = Err(down(registry)),
            Registry::CriminalRecord => answers.criminal_record = Err(down(registry)),
            Registry::Education => answers.education = Err(down(registry)),
            Registry::PartyMembership => answers.party_membership = Some(Err(down(registry))),
            Registry::Civil => unreachable!("the civil answer is the identity"),
        }
        let report = check_one(adult(Sex::Male, 2), answers);
        assert_eq!(
            report.entries[0].outcome(),
            ReportOutcome::Incomplete,
            "{registry}"
        );
        assert!(
            report.grounds().len() <= 1,
            "only CAN-06 of a one-person list"
        );
        for r in &report.entries[0].results {
            if checks.contains(&r.check) {
                assert_eq!(
                    r.outcome,
                    CheckOutcome::CouldNotCheck {
                        unanswered: down(registry)
                    }
                );
                assert_eq!(r.evidence, None);
            } else {
                assert!(r.passed(), "{registry}: {:?}", r.check);
            }
        }
    }
    // A ground found elsewhere still decides: "failed", not "incomplete".
    let mut answers = clean(Some(&emgek));
    answers.education = Err(down(Registry::Education));
    answers.citizenship = answered(CitizenshipAnswer { citizen: false }, Registry::Citizenship);
    assert_eq!(
        check_one(adult(Sex::Male, 2), answers).entries[0].outcome(),
        ReportOutcome::Failed
    );
}

#[test]
fn can_05_one_candidacy_per_person_per_election() {
    let emgek = party("emgek");
    let someone = adult(Sex::Male, 3);
    let pin = someone.pin();
    let elsewhere = move |p: &Pin| *p == pin;
    let report = check_one_with(someone, clean(Some(&emgek)), &elsewhere);
    assert_eq!(
        outcome(&report, Check::OneCandidacy),
        fail(CandidateCode::MultipleCandidacies)
    );
    let report = check_one_with(adult(Sex::Male, 4), clean(Some(&emgek)), &elsewhere);
    assert_eq!(outcome(&report, Check::OneCandidacy), CheckOutcome::Pass);
}

#[test]
fn can_07_a_filing_after_a_moved_deadline_fails_the_deadline_check() {
    let (p, c, emgek) = (params(), bishkek(), party("emgek"));
    let cal = cal2024();
    let r = rules(&cal, &p, &c);
    let filed = file(
        draft(city_list("emgek"), &c, list_of(3, 3), &r),
        &r,
        at(2024, 10, 5, 12, 0),
    );
    // The CEC later moves CAL-07 to 4 October: the filing of the 5th is now late.
    let moved = Calendar::with_overrides(
        date(2024, 9, 6),
        date(2024, 11, 17),
        &[CalendarOverride {
            id: "CAL-07".to_owned(),
            date: date(2024, 10, 4),
            time: Some(time(18, 0, 0, 0)),
        }],
    )
    .unwrap();
    for (calendar, expected) in [
        (&cal, CheckOutcome::Pass),
        (&moved, fail(CandidateCode::FiledLate)),
    ] {
        let ctx = CheckContext {
            rules: rules(calendar, &p, &c),
            party: Some(&emgek),
            in_council_territory: &in_bishkek,
            candidacy_elsewhere: &nowhere_else,
        };
        let report = check_nomination(
            filed.record(),
            &clean_for(filed.record(), Some(&emgek)),
            &ctx,
        )
        .unwrap();
        assert!(
            report
                .entries
                .iter()
                .all(|e| e.result(Check::Deadline).unwrap().outcome == expected)
        );
    }
}

#[test]
fn can_04_a_self_nominee_is_not_asked_about_party_membership() {
    let (cal, p, c) = (cal2024(), params(), alamudun());
    let r = rules(&cal, &p, &c);
    let identity = person(pin(Sex::Female, date(1975, 3, 3), 1), "Өзү", "alamudun");
    let filed = file(
        draft(
            district("1", Nominator::SelfNominated),
            &c,
            vec![(cid("s1"), identity)],
            &r,
        ),
        &r,
        at(2024, 10, 10, 9, 0),
    );
    let in_alamudun = |t: &TerritoryId| t.as_str() == "alamudun";
    let ctx = CheckContext {
        rules: r,
        party: None,
        in_council_territory: &in_alamudun,
        candidacy_elsewhere: &nowhere_else,
    };
    let report = check_nomination(filed.record(), &[(cid("s1"), clean(None))], &ctx).unwrap();
    assert_eq!(report.outcome(), ReportOutcome::Clear);
    assert!(report.entries[0].result(Check::PartyMembership).is_none());
    assert!(report.list.is_empty(), "no list, no CAN-06");
    // Party data for a self-nomination is the caller's mistake, not a finding.
    let emgek = party("emgek");
    let wrong = CheckContext {
        party: Some(&emgek),
        ..ctx
    };
    assert_eq!(
        check_nomination(filed.record(), &[(cid("s1"), clean(None))], &wrong),
        Err(CheckInputError::PartyMismatch)
    );
}

#[test]
fn checks_refuse_inputs_that_do_not_belong_together() {
    let (cal, p, c, emgek) = (cal2024(), params(), bishkek(), party("emgek"));
    let r = rules(&cal, &p, &c);
    let d = draft(city_list("emgek"), &c, list_of(1, 1), &r);
    let ctx = CheckContext {
        rules: r,
        party: Some(&emgek),
        in_council_territory: &in_bishkek,
        candidacy_elsewhere: &nowhere_else,
    };
    assert_eq!(
        check_nomination(d.record(), &clean_for(d.record(), Some(&emgek)), &ctx),
        Err(CheckInputError::NotFiled(cid("c1")))
    );
    let filed = file(d, &r, at(2024, 10, 1, 9, 0));
    assert_eq!(
        check_nomination(
            filed.record(),
            &clean_for(filed.record(), Some(&emgek))[..1],
            &ctx
        ),
        Err(CheckInputError::MissingAnswers(cid("c2")))
    );
    assert_eq!(
        check_nomination(filed.record(), &clean_for(filed.record(), None), &ctx),
        Err(CheckInputError::MissingPartyMembership)
    );
}

#[test]
fn check_codes_name_their_rules_and_keys() {
    for c in Check::ALL {
        assert!(c.code().starts_with(c.rule()), "{c}");
        let key = format!(
            "candidate-check-{}",
            c.code().to_ascii_lowercase().replace(['.', '_'], "-")
        );
        assert_eq!(c.message_key(), key);
        assert_eq!(Check::from_code(c.code()), Some(*c));
    }
    // Every ground a check can fail with belongs to that check's rule.
    for code in CandidateCode::ALL {
        if let (Some(check), Some(ground)) = (Check::of(*code), Ground::candidate(*code)) {
            assert_eq!(ground.rule(), check.rule(), "{code}");
        }
    }
}
