//! CAN-03, CAN-05…CAN-07, CAN-09: the nomination workflow.

use super::*;
use crate::calendar::{Action, ActionClosed};
use crate::candidate::checks::{
    Check, CheckContext, CheckOutcome, NominationReport, check_nomination,
};
use crate::candidate::nomination::{
    Cancellation, CancellationReason, CandidateStatus, Ground, NominationStatus, WithdrawnBy,
};
use crate::candidate::transitions::{
    NominationState, Submission, TimeLimit, TransitionError, decision_due, withdrawal_closes,
};
use crate::candidate::{CandidateCode, ListCode, ListFinding};
use crate::codes::ErrorCode;
use crate::params::Coded;
use jiff::civil::date;
use proptest::prelude::*;

fn anywhere(_: &TerritoryId) -> bool {
    true
}

fn nowhere_else(_: &Pin) -> bool {
    false
}

/// The checks of a filed nomination with clean answers.
fn clear_report(n: &Nomination, r: &Rules<'_>) -> NominationReport {
    let nominating = n.kind.party().map(|id| party(id.as_str()));
    let ctx = CheckContext {
        rules: *r,
        party: nominating.as_ref(),
        in_council_territory: &anywhere,
        candidacy_elsewhere: &nowhere_else,
    };
    check_nomination(n, &clean_for(n, nominating.as_ref()), &ctx).unwrap()
}

fn ground(code: CandidateCode) -> Ground {
    Ground::candidate(code).unwrap()
}

#[test]
fn can_03_city_councils_take_party_lists_aiyl_councils_district_nominations() {
    let now = at(2024, 9, 10, 9, 0);
    assert!(Draft::new(election(), &bishkek(), city_list("emgek"), now).is_ok());
    assert!(
        Draft::new(
            election(),
            &alamudun(),
            district("1", Nominator::SelfNominated),
            now
        )
        .is_ok()
    );
    for (c, kind) in [
        (bishkek(), district("1", Nominator::SelfNominated)),
        (
            bishkek(),
            district("1", Nominator::Party(PartyId::parse("emgek").unwrap())),
        ),
        (alamudun(), city_list("emgek")),
    ] {
        let e = Draft::new(election(), &c, kind, now).unwrap_err();
        assert_eq!(e.code(), ErrorCode::CandidacyWrongContest);
    }
}

#[test]
fn can_01_a_candidate_under_21_is_refused_at_the_door() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let now = at(2024, 9, 10, 9, 0);
    let d = Draft::new(election(), &c, city_list("emgek"), now).unwrap();
    // 21 on voting day itself is old enough; the day after is not.
    let d = d
        .add(
            cid("c1"),
            person(pin(Sex::Male, date(2003, 11, 17), 1), "Жаш", "bishkek"),
            &r,
            now,
        )
        .unwrap();
    let e = d
        .add(
            cid("c2"),
            person(pin(Sex::Male, date(2003, 11, 18), 2), "Жашыраак", "bishkek"),
            &r,
            now,
        )
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::Candidate {
            candidate: cid("c2"),
            ground: ground(CandidateCode::UnderAge)
        }
    );
    assert_eq!(e.code(), ErrorCode::CandidacyIneligible);
    assert_eq!(e.ground().map(|g| g.code()), Some("CAN-01_under_age"));
}

#[test]
fn can_05_the_same_person_twice_on_a_list_is_refused_at_the_door() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let d = draft(city_list("emgek"), &c, list_of(1, 1), &r);
    let now = at(2024, 9, 10, 9, 0);
    let e = d
        .clone()
        .add(cid("c9"), adult(Sex::Female, 0), &r, now)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CandidacyIneligible);
    assert_eq!(
        e.ground().map(|g| g.code()),
        Some("CAN-05_multiple_candidacies")
    );
    assert_eq!(
        d.add(cid("c1"), adult(Sex::Female, 5), &r, now)
            .unwrap_err(),
        TransitionError::DuplicateId(cid("c1"))
    );
}

#[test]
fn can_06_no_more_candidates_than_seats_and_at_most_70_percent_of_one_sex() {
    let (cal, p) = (cal2024(), params());
    let small = council("tokmok", CouncilKind::City, 5);
    let r = rules(&cal, &p, &small);
    let d = draft(city_list("emgek"), &small, list_of(2, 3), &r);
    let e = d
        .clone()
        .add(cid("c6"), adult(Sex::Female, 6), &r, at(2024, 9, 10, 9, 0))
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::List(vec![ListFinding::LongerThanSeats {
            candidates: 6,
            seats: 5
        }])
    );
    // 2 women of 5 is fine; 1 of 5 (80% men) is refused at submission.
    let seen = d.record().content();
    assert!(d.submit(&seen, &r, at(2024, 10, 1, 9, 0)).is_ok());
    let lopsided = draft(city_list("emgek"), &small, list_of(1, 4), &r);
    let seen = lopsided.record().content();
    let e = lopsided
        .submit(&seen, &r, at(2024, 10, 1, 9, 0))
        .unwrap_err();
    assert_eq!(
        e,
        TransitionError::List(vec![ListFinding::OneSexOverShare {
            sex: Sex::Male,
            count: 4,
            total: 5,
            max_percent: 70
        }])
    );
}

#[test]
fn can_07_city_lists_are_filed_until_cal_07_18_00_aiyl_candidates_until_cal_09() {
    let (cal, p) = (cal2024(), params());
    let (city, aiyl) = (bishkek(), alamudun());
    let rc = rules(&cal, &p, &city);
    let ra = rules(&cal, &p, &aiyl);
    let list = draft(city_list("emgek"), &city, list_of(3, 3), &rc);
    let seen = list.record().content();
    assert!(
        list.clone()
            .submit(&seen, &rc, at(2024, 10, 7, 17, 59))
            .is_ok()
    );
    let e = list.submit(&seen, &rc, at(2024, 10, 7, 18, 0)).unwrap_err();
    assert!(matches!(
        e,
        TransitionError::Calendar(ActionClosed::Closed {
            action: Action::NominateCityList,
            rule: "CAL-07",
            ..
        })
    ));
    let own = person(pin(Sex::Male, date(1970, 1, 1), 1), "Өзү", "alamudun");
    let one = draft(
        district("1", Nominator::SelfNominated),
        &aiyl,
        vec![(cid("s1"), own)],
        &ra,
    );
    let seen = one.record().content();
    assert!(
        one.clone()
            .submit(&seen, &ra, at(2024, 10, 17, 17, 59))
            .is_ok()
    );
    assert_eq!(
        one.submit(&seen, &ra, at(2024, 10, 17, 18, 0))
            .unwrap_err()
            .code(),
        ErrorCode::ActionClosed
    );
}

#[test]
fn a_district_nomination_has_exactly_one_candidate_and_a_submission_at_least_one() {
    let (cal, p, c) = (cal2024(), params(), alamudun());
    let r = rules(&cal, &p, &c);
    let now = at(2024, 9, 10, 9, 0);
    let d = Draft::new(election(), &c, district("1", Nominator::SelfNominated), now).unwrap();
    let seen = d.record().content();
    assert_eq!(
        d.clone().submit(&seen, &r, now).unwrap_err(),
        TransitionError::Empty
    );
    let d = d.add(cid("s1"), adult(Sex::Male, 1), &r, now).unwrap();
    assert_eq!(
        d.add(cid("s2"), adult(Sex::Male, 2), &r, now).unwrap_err(),
        TransitionError::OneCandidateOnly
    );
}

#[test]
fn drafts_are_edited_freely_and_keep_no_history() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let now = at(2024, 9, 11, 9, 0);
    let d = draft(city_list("emgek"), &c, list_of(2, 2), &r);
    let d = d.remove(&cid("c2"), now).unwrap();
    let d = d.reorder(&[cid("c4"), cid("c1"), cid("c3")], now).unwrap();
    let order: Vec<(u32, &str)> = d
        .record()
        .standing()
        .map(|(p, e)| (p, e.candidate.as_str()))
        .collect();
    assert_eq!(order, [(1, "c4"), (2, "c1"), (3, "c3")]);
    assert_eq!(d.record().entries.len(), 3);
    assert_eq!(d.record().version, 7, "1 + 4 adds + remove + reorder");
    assert_eq!(
        d.clone().reorder(&[cid("c4"), cid("c1")], now).unwrap_err(),
        TransitionError::BadOrder
    );
    assert_eq!(
        d.remove(&cid("c2"), now).unwrap_err(),
        TransitionError::UnknownCandidate(cid("c2"))
    );
}

#[test]
fn a_double_submit_is_one_submission_and_a_changed_draft_is_not_submitted() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let d = draft(city_list("emgek"), &c, list_of(3, 3), &r);
    let seen = d.record().content();
    let now = at(2024, 10, 1, 9, 0);
    let Submission::New(filed) = NominationState::Draft(d.clone())
        .submit(&seen, &r, now)
        .unwrap()
    else {
        panic!("a draft is filed anew");
    };
    assert_eq!(filed.record().status, NominationStatus::Submitted);
    assert!(
        filed
            .record()
            .entries
            .iter()
            .all(|e| e.filed_at == Some(now))
    );
    // The same click again, a second later: the stored nomination, unchanged.
    let again = NominationState::Submitted(filed.clone())
        .submit(&seen, &r, at(2024, 10, 1, 9, 1))
        .unwrap();
    assert_eq!(
        again,
        Submission::Repeated(NominationState::Submitted(filed.clone()))
    );
    // Another content against the filed nomination is a conflict, not a second filing.
    let mut other = seen.clone();
    other.candidates.pop();
    assert_eq!(
        NominationState::Submitted(filed)
            .submit(&other, &r, now)
            .unwrap_err()
            .code(),
        ErrorCode::CandidacyStepNotAllowed
    );
    // The draft changed since the filer looked: nothing is filed.
    assert_eq!(
        d.submit(&other, &r, now).unwrap_err(),
        TransitionError::Stale
    );
}

#[test]
fn can_09_registration_needs_every_check_passed_or_the_candidate_excluded() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let filed = file(
        draft(city_list("emgek"), &c, list_of(3, 4), &r),
        &r,
        at(2024, 10, 1, 9, 0),
    );
    let mut report = clear_report(filed.record(), &r);
    let decided = at(2024, 10, 5, 11, 0);
    // c2's citizenship could not be checked: no registration on missing evidence.
    let citizenship = report.entries[1]
        .results
        .iter_mut()
        .find(|r| r.check == Check::Citizenship)
        .unwrap();
    citizenship.outcome = CheckOutcome::CouldNotCheck {
        unanswered: down(Registry::Citizenship),
    };
    assert_eq!(
        filed
            .clone()
            .register(&report, &[], &r, decided)
            .unwrap_err(),
        TransitionError::NotCleared {
            candidate: Some(cid("c2")),
            check: Check::Citizenship
        }
    );
    // The TEC leaves c2 out with a ground; the rest is registered.
    let excluded = [(cid("c2"), ground(CandidateCode::NotCitizen))];
    let registered = filed
        .clone()
        .register(&report, &excluded, &r, decided)
        .unwrap();
    let n = registered.record();
    assert_eq!(n.status, NominationStatus::Registered);
    assert_eq!(n.decided_at, Some(decided));
    assert_eq!(n.standing().count(), 6);
    assert_eq!(n.position(&cid("c3")), Some(2), "the list closes up");
    assert_eq!(
        n.candidate_status(&cid("c2")),
        Some(CandidateStatus::Refused {
            ground: ground(CandidateCode::NotCitizen)
        })
    );
    assert_eq!(
        n.candidate_status(&cid("c1")),
        Some(CandidateStatus::Registered)
    );
    // Leaving out candidates may break the composition (CAN-06): 1 woman of 5 is 80% men.
    let two_women_out = [
        (cid("c1"), ground(CandidateCode::DocumentsDeficient)),
        (cid("c2"), ground(CandidateCode::NotCitizen)),
    ];
    assert_eq!(
        filed
            .clone()
            .register(&report, &two_women_out, &r, decided)
            .unwrap_err(),
        TransitionError::NotCleared {
            candidate: None,
            check: Check::ListSexShare
        }
    );
    // A report about another list is refused.
    let mut stale = report.clone();
    stale.entries.pop();
    assert_eq!(
        filed.register(&stale, &[], &r, decided).unwrap_err(),
        TransitionError::ReportMismatch
    );
}

#[test]
fn can_09_the_tec_decides_within_10_days_of_filing_and_before_cal_08() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let filed = file(
        draft(city_list("emgek"), &c, list_of(3, 3), &r),
        &r,
        at(2024, 10, 1, 15, 30),
    );
    let report = clear_report(filed.record(), &r);
    // Ten calendar days after 1 October: until the end of 11 October.
    assert_eq!(
        decision_due(filed.record(), &r),
        Some(at(2024, 10, 12, 0, 0))
    );
    assert!(
        filed
            .clone()
            .register(&report, &[], &r, at(2024, 10, 11, 23, 59))
            .is_ok()
    );
    let late = at(2024, 10, 12, 0, 0);
    assert_eq!(
        filed.clone().register(&report, &[], &r, late).unwrap_err(),
        TransitionError::TimeLimit {
            limit: TimeLimit::Decision,
            closed_at: at(2024, 10, 12, 0, 0)
        }
    );
    let e = filed
        .clone()
        .refuse(ground(CandidateCode::DocumentsDeficient), &r, late)
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CandidacyDecisionOverdue);
    // With a longer limit, CAL-08 (end of 18 October) still closes registration.
    let long = RuleParameters {
        candidacy_decision_days: 30,
        ..params()
    };
    let r30 = rules(&cal, &long, &c);
    assert_eq!(
        decision_due(filed.record(), &r30),
        Some(at(2024, 10, 19, 0, 0))
    );
    assert_eq!(
        filed
            .register(&report, &[], &r30, at(2024, 10, 19, 0, 0))
            .unwrap_err()
            .code(),
        ErrorCode::ActionClosed
    );
}

#[test]
fn can_09_a_refusal_names_its_ground_and_is_final() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let d = draft(city_list("emgek"), &c, list_of(3, 3), &r);
    let seen = d.record().content();
    let filed = file(d, &r, at(2024, 10, 1, 9, 0));
    let g = Ground::list(ListCode::LongerThanSeats);
    let refused = filed.refuse(g, &r, at(2024, 10, 2, 9, 0)).unwrap();
    let n = refused.record();
    assert_eq!(n.status, NominationStatus::Refused { ground: g });
    assert_eq!(n.status.code(), "refused");
    assert_eq!(
        n.candidate_status(&cid("c4")),
        Some(CandidateStatus::Refused { ground: g })
    );
    assert!(
        !n.holds(&n.entries[0].pin()),
        "a refused list holds no candidacy"
    );
    let state = NominationState::from_record(n.clone());
    assert!(matches!(state, NominationState::Refused(_)));
    // Submitting the same content again is answered with the refused nomination.
    assert!(matches!(
        state.submit(&seen, &r, at(2024, 10, 3, 9, 0)),
        Ok(Submission::Repeated(NominationState::Refused(_)))
    ));
    let json = serde_json::to_value(&n.status).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"status": "refused", "ground": "CAN-06_longer_than_seats"})
    );
}

#[test]
fn a_replacement_before_registration_keeps_the_position_and_restarts_the_10_days() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let filed = file(
        draft(city_list("emgek"), &c, list_of(3, 3), &r),
        &r,
        at(2024, 9, 20, 9, 0),
    );
    let now = at(2024, 10, 7, 12, 0);
    let replaced = filed
        .clone()
        .replace(&cid("c2"), cid("c7"), adult(Sex::Female, 7), &r, now)
        .unwrap();
    let n = replaced.record();
    assert_eq!(n.position(&cid("c7")), Some(2));
    assert_eq!(n.entry(&cid("c7")).unwrap().filed_at, Some(now));
    assert_eq!(
        n.candidate_status(&cid("c2")),
        Some(CandidateStatus::Replaced)
    );
    assert_eq!(decision_due(n, &r), Some(at(2024, 10, 18, 0, 0)));
    // Not after CAL-07, not by a person already on the list, not in a district.
    assert_eq!(
        filed
            .clone()
            .replace(
                &cid("c2"),
                cid("c7"),
                adult(Sex::Female, 7),
                &r,
                at(2024, 10, 7, 18, 0)
            )
            .unwrap_err()
            .code(),
        ErrorCode::ActionClosed
    );
    assert_eq!(
        filed
            .replace(&cid("c2"), cid("c7"), adult(Sex::Female, 0), &r, now)
            .unwrap_err()
            .ground()
            .map(|g| g.code()),
        Some("CAN-05_multiple_candidacies")
    );
}

#[test]
fn can_09_withdrawals_close_5_days_before_voting_and_a_candidate_withdraws_only_themselves() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    assert_eq!(withdrawal_closes(&cal, &p), at(2024, 11, 13, 0, 0));
    let filed = file(
        draft(city_list("emgek"), &c, list_of(3, 3), &r),
        &r,
        at(2024, 10, 1, 9, 0),
    );
    let registered = filed
        .clone()
        .register(
            &clear_report(filed.record(), &r),
            &[],
            &r,
            at(2024, 10, 2, 9, 0),
        )
        .unwrap();
    let last_day = at(2024, 11, 12, 23, 59);
    let one_less = registered
        .clone()
        .withdraw_candidate(&cid("c3"), WithdrawnBy::Candidate, &r, last_day)
        .unwrap();
    assert_eq!(
        one_less.record().candidate_status(&cid("c3")),
        Some(CandidateStatus::Withdrawn)
    );
    assert_eq!(
        registered
            .clone()
            .withdraw(WithdrawnBy::Candidate, &r, last_day)
            .unwrap_err(),
        TransitionError::NotTheNominator
    );
    let gone = registered
        .clone()
        .withdraw(WithdrawnBy::Nominator, &r, last_day)
        .unwrap();
    assert_eq!(
        gone.record().status,
        NominationStatus::Withdrawn {
            by: WithdrawnBy::Nominator
        }
    );
    assert_eq!(
        registered
            .withdraw(WithdrawnBy::Nominator, &r, at(2024, 11, 13, 0, 0))
            .unwrap_err(),
        TransitionError::TimeLimit {
            limit: TimeLimit::Withdrawal,
            closed_at: at(2024, 11, 13, 0, 0)
        }
    );
    // In a district the candidate is the nomination, and withdraws it.
    let aiyl = alamudun();
    let ra = rules(&cal, &p, &aiyl);
    let own = file(
        draft(
            district("1", Nominator::SelfNominated),
            &aiyl,
            vec![(cid("s1"), adult(Sex::Male, 1))],
            &ra,
        ),
        &ra,
        at(2024, 10, 1, 9, 0),
    );
    assert!(own.withdraw(WithdrawnBy::Candidate, &ra, last_day).is_ok());
}

#[test]
fn can_09_a_registration_is_cancelled_with_a_reason_until_voting_closes() {
    let (cal, p, c) = (cal2024(), params(), bishkek());
    let r = rules(&cal, &p, &c);
    let filed = file(
        draft(city_list("sdpk"), &c, list_of(3, 3), &r),
        &r,
        at(2024, 10, 1, 9, 0),
    );
    let registered = filed
        .clone()
        .register(
            &clear_report(filed.record(), &r),
            &[],
            &r,
            at(2024, 10, 2, 9, 0),
        )
        .unwrap();
    let cancellation = |note: &str| Cancellation {
        reason: CancellationReason::CampaignViolation,
        note: note.to_owned(),
    };
    assert_eq!(
        registered
            .clone()
            .cancel(cancellation("  "), &r, at(2024, 11, 16, 12, 0))
            .unwrap_err(),
        TransitionError::EmptyNote
    );
    // Bishkek 2024: the day before voting.
    let cancelled = registered
        .clone()
        .cancel(
            cancellation(" TEC decision 45 "),
            &r,
            at(2024, 11, 16, 12, 0),
        )
        .unwrap();
    let n = cancelled.record();
    assert_eq!(
        n.status,
        NominationStatus::Cancelled {
            cancellation: cancellation("TEC decision 45")
        }
    );
    assert_eq!(
        n.candidate_status(&cid("c1")),
        Some(CandidateStatus::Cancelled {
            reason: CancellationReason::CampaignViolation
        })
    );
    assert_eq!(
        registered
            .clone()
            .cancel(cancellation("late"), &r, at(2024, 11, 17, 20, 0))
            .unwrap_err()
            .code(),
        ErrorCode::CandidacyCancellationClosed
    );
    // One candidate alone, but never the last one.
    let one = registered
        .cancel_candidate(
            &cid("c1"),
            Cancellation {
                reason: CancellationReason::IneligibilityDiscovered,
                note: "sentence in force".to_owned(),
            },
            &r,
            at(2024, 11, 1, 9, 0),
        )
        .unwrap();
    assert_eq!(
        one.record().candidate_status(&cid("c1")),
        Some(CandidateStatus::Cancelled {
            reason: CancellationReason::IneligibilityDiscovered
        })
    );
    assert_eq!(one.record().position(&cid("c2")), Some(1));
}

#[test]
fn the_last_candidate_of_a_list_is_not_withdrawn_alone() {
    let (cal, p) = (cal2024(), params());
    let c = council("tokmok", CouncilKind::City, 3);
    let r = rules(&cal, &p, &c);
    let lenient = RuleParameters {
        list_max_share_one_sex_percent: 100,
        ..params()
    };
    let rl = rules(&cal, &lenient, &c);
    let filed = file(
        draft(city_list("emgek"), &c, list_of(1, 0), &rl),
        &rl,
        at(2024, 10, 1, 9, 0),
    );
    assert_eq!(
        filed
            .withdraw_candidate(
                &cid("c1"),
                WithdrawnBy::Candidate,
                &r,
                at(2024, 10, 2, 9, 0)
            )
            .unwrap_err(),
        TransitionError::LastCandidate(cid("c1"))
    );
}

#[test]
fn transition_error_codes_are_stable_and_distinct() {
    let errors = [
        TransitionError::TimeLimit {
            limit: TimeLimit::Decision,
            closed_at: at(2024, 10, 1, 0, 0),
        },
        TransitionError::TimeLimit {
            limit: TimeLimit::Withdrawal,
            closed_at: at(2024, 10, 1, 0, 0),
        },
        TransitionError::TimeLimit {
            limit: TimeLimit::Cancellation,
            closed_at: at(2024, 10, 1, 0, 0),
        },
        TransitionError::WrongContest {
            council: bishkek().id,
            kind: CouncilKind::City,
        },
        TransitionError::List(vec![]),
        TransitionError::OneCandidateOnly,
        TransitionError::Empty,
        TransitionError::LastCandidate(cid("c1")),
        TransitionError::UnknownCandidate(cid("c1")),
        TransitionError::DuplicateId(cid("c1")),
        TransitionError::BadOrder,
        TransitionError::Stale,
        TransitionError::NotCleared {
            candidate: None,
            check: Check::Age,
        },
        TransitionError::ReportMismatch,
        TransitionError::ListsOnly,
        TransitionError::NotTheNominator,
        TransitionError::EmptyNote,
        TransitionError::NotAllowed {
            from: "draft",
            step: "registered",
        },
    ];
    let codes: std::collections::BTreeSet<ErrorCode> = errors.iter().map(|e| e.code()).collect();
    assert_eq!(codes.len(), errors.len());
    assert!(codes.iter().all(|c| c.as_str().starts_with("candidacy_")));
    assert_eq!(TimeLimit::Cancellation.rule(), "CAL-16");
    for g in Ground::all() {
        assert_eq!(Ground::from_code(g.code()), Some(g));
        let e = TransitionError::Candidate {
            candidate: cid("c1"),
            ground: g,
        };
        assert_eq!(e.code(), ErrorCode::CandidacyIneligible);
        assert_eq!(e.ground(), Some(g), "a door refusal names its rule");
    }
    assert!(Ground::candidate(CandidateCode::CitizenshipUnchecked).is_none());
    assert!(serde_json::from_str::<Ground>(r#""CAN-08_citizenship_unchecked""#).is_err());
    for reason in CancellationReason::ALL {
        assert!(reason.code().starts_with("CAN-09"));
    }
}

proptest! {
    /// CAN-09: the TEC's time limit never ends before the end of the filing day plus the limit's
    /// days, nor after registration closes, and it ends on a Bishkek midnight.
    #[test]
    fn can_09_decision_due_is_the_end_of_a_day_within_the_registration_window(
        minutes in 0i64..(31 * 24 * 60),
        days in 1u16..40,
    ) {
        let (cal, c) = (cal2024(), bishkek());
        let p = RuleParameters { candidacy_decision_days: days, ..params() };
        let r = rules(&cal, &p, &c);
        let filed_at = at(2024, 9, 6, 0, 0)
            .checked_add(jiff::SignedDuration::from_mins(minutes))
            .unwrap();
        let n = filed(city_list("emgek"), &c, list_of(1, 1), filed_at);
        let due = decision_due(&n, &r).unwrap();
        let closes = cal.window(Action::RegisterCityList).1.unwrap();
        prop_assert!(due <= closes);
        prop_assert!(due > filed_at || due == closes);
        let local = crate::time::to_bishkek(due);
        prop_assert_eq!(local.time(), jiff::civil::Time::midnight());
        let full = crate::time::to_bishkek(filed_at).date()
            .checked_add(jiff::Span::new().days(i64::from(days) + 1)).unwrap();
        prop_assert!(local.date() <= full);
        prop_assert!(local.date() == full || due == closes);
    }

    /// CAN-06 at the door: whatever a nominator adds and removes, a draft never holds more
    /// candidates than seats, nor one person twice.
    #[test]
    fn can_05_can_06_drafts_never_exceed_the_seats_or_repeat_a_person(
        steps in proptest::collection::vec((any::<bool>(), 0u32..12, any::<bool>()), 1..40)
    ) {
        let (cal, p) = (cal2024(), params());
        let c = council("tokmok", CouncilKind::City, 7);
        let r = rules(&cal, &p, &c);
        let now = at(2024, 9, 10, 9, 0);
        let mut d = Draft::new(election(), &c, city_list("emgek"), now).unwrap();
        for (i, (add, who, female)) in steps.into_iter().enumerate() {
            let sex = if female { Sex::Female } else { Sex::Male };
            let next = if add {
                d.clone().add(cid(&format!("x{i}")), adult(sex, who), &r, now)
            } else {
                let first = d.record().entries.first().map(|e| e.candidate.clone());
                match first {
                    Some(id) => d.clone().remove(&id, now),
                    None => Err(TransitionError::Empty),
                }
            };
            if let Ok(next) = next {
                d = next;
            }
            let pins: Vec<Pin> = d.record().standing().map(|(_, e)| e.pin()).collect();
            prop_assert!(pins.len() <= 7);
            let unique: std::collections::BTreeSet<Pin> = pins.iter().copied().collect();
            prop_assert_eq!(unique.len(), pins.len());
        }
    }
}
