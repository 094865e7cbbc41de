//! RES-02: the ballots, fixed from the registered lists and candidates once registration
//! closes.

use super::*;
use crate::candidate::CandidateCode;
use crate::candidate::ballot::{
    Ballot, BallotError, BallotLabel, BallotSource, city_ballot, district_ballots,
};
use crate::candidate::nomination::{Cancellation, CancellationReason, Ground};
use crate::codes::ErrorCode;
use crate::params::BallotOrder;
use crate::protocol::{BallotOption, Contest};
use jiff::civil::date;
use proptest::prelude::*;

/// After CAL-08 and CAL-10: both registrations closed.
fn after_registration() -> Timestamp {
    at(2024, 10, 29, 0, 0)
}

fn with_status(mut n: Nomination, status: NominationStatus, decided: Timestamp) -> Nomination {
    n.status = status;
    n.decided_at = Some(decided);
    n
}

fn registered_list(party_id: &str) -> Nomination {
    with_status(
        filed(
            city_list(party_id),
            &bishkek(),
            list_of(3, 3),
            at(2024, 10, 1, 9, 0),
        ),
        NominationStatus::Registered,
        at(2024, 10, 5, 9, 0),
    )
}

fn pid(s: &str) -> PartyId {
    PartyId::parse(s).unwrap()
}

/// RES-12's five parties, and the Social Democrats whose registration was cancelled.
const BISHKEK: [&str; 6] = [
    "zhany-kuch",
    "emgek",
    "yntymak",
    "adilet",
    "el-umutu",
    "sdpk",
];

fn bishkek_nominations() -> Vec<Nomination> {
    let mut lists: Vec<Nomination> = BISHKEK.iter().map(|p| registered_list(p)).collect();
    let sdpk = lists.pop().unwrap();
    lists.push(with_status(
        sdpk,
        NominationStatus::Cancelled {
            cancellation: Cancellation {
                reason: CancellationReason::CampaignViolation,
                note: "16 November 2024".to_owned(),
            },
        },
        at(2024, 10, 5, 9, 0),
    ));
    lists.push(with_status(
        filed(
            city_list("ata-meken"),
            &bishkek(),
            list_of(3, 3),
            at(2024, 10, 1, 9, 0),
        ),
        NominationStatus::Refused {
            ground: Ground::candidate(CandidateCode::DocumentsDeficient).unwrap(),
        },
        at(2024, 10, 5, 9, 0),
    ));
    lists
}

fn parties() -> Vec<Party> {
    BISHKEK
        .iter()
        .chain(["ata-meken"].iter())
        .map(|p| party(p))
        .collect()
}

#[test]
fn res_02_the_bishkek_ballot_lists_the_registered_parties_in_the_commissions_order_then_against_all()
 {
    let (cal, c, nominations, parties) = (cal2024(), bishkek(), bishkek_nominations(), parties());
    let source = BallotSource {
        election: &election(),
        council: &c,
        nominations: &nominations,
        parties: &parties,
        calendar: &cal,
    };
    let order = ["el-umutu", "emgek", "adilet", "zhany-kuch", "yntymak"].map(pid);
    let ballot = city_ballot(&source, &order, after_registration()).unwrap();
    assert_eq!(ballot.contest, Contest::PartyList);
    assert!(ballot.against_all);
    let lines: Vec<(u32, BallotOption, String)> = ballot
        .lines
        .iter()
        .map(|l| {
            let BallotLabel::Party { name } = &l.label else {
                panic!("a city ballot lists parties");
            };
            (l.number, l.option.clone(), name.en.clone())
        })
        .collect();
    assert_eq!(
        lines,
        order
            .iter()
            .zip(1..)
            .map(|(p, n)| (n, BallotOption::Party(p.clone()), p.to_string()))
            .collect::<Vec<_>>()
    );
    // The cancelled and the refused lists are not on it, whatever the order says.
    let with_cancelled = [order.to_vec(), vec![pid("sdpk")]].concat();
    assert_eq!(
        city_ballot(&source, &with_cancelled, after_registration()).unwrap_err(),
        BallotError::OrderMismatch {
            missing: vec![],
            unknown: vec![pid("sdpk")]
        }
    );
    assert_eq!(
        city_ballot(&source, &order[..4], after_registration())
            .unwrap_err()
            .code(),
        ErrorCode::BallotOrderMismatch
    );
    let twice = [order.to_vec(), vec![pid("emgek")]].concat();
    assert!(city_ballot(&source, &twice, after_registration()).is_err());
}

#[test]
fn res_02_a_ballot_is_fixed_only_once_registration_closes() {
    let (cal, c, nominations, parties) = (cal2024(), bishkek(), bishkek_nominations(), parties());
    let source = BallotSource {
        election: &election(),
        council: &c,
        nominations: &nominations,
        parties: &parties,
        calendar: &cal,
    };
    let order = ["el-umutu", "emgek", "adilet", "zhany-kuch", "yntymak"].map(pid);
    // CAL-08 is a whole day: registration is open until 19 October, 00:00.
    assert_eq!(
        city_ballot(&source, &order, at(2024, 10, 18, 23, 59)).unwrap_err(),
        BallotError::RegistrationOpen {
            closes_at: Some(at(2024, 10, 19, 0, 0))
        }
    );
    assert!(city_ballot(&source, &order, at(2024, 10, 19, 0, 0)).is_ok());
    // An aiyl council's ballots wait for CAL-10, and the kinds do not mix.
    let aiyl = alamudun();
    let aiyl_source = BallotSource {
        council: &aiyl,
        ..source
    };
    assert!(matches!(
        district_ballots(&aiyl_source, &[], &params(), at(2024, 10, 28, 12, 0)),
        Err(BallotError::RegistrationOpen { .. })
    ));
    assert_eq!(
        city_ballot(&aiyl_source, &order, after_registration())
            .unwrap_err()
            .code(),
        ErrorCode::BallotWrongCouncilKind
    );
    assert_eq!(
        district_ballots(&source, &[], &params(), after_registration())
            .unwrap_err()
            .code(),
        ErrorCode::BallotWrongCouncilKind
    );
    // Two registered lists of one party cannot both be on the ballot.
    let mut doubled = nominations.clone();
    doubled.push(registered_list("emgek"));
    let source = BallotSource {
        nominations: &doubled,
        ..source
    };
    assert_eq!(
        city_ballot(&source, &order, after_registration()).unwrap_err(),
        BallotError::DuplicateList(pid("emgek"))
    );
}

fn did(s: &str) -> DistrictId {
    DistrictId::parse(s).unwrap()
}

/// A registered aiyl candidate in district `d`, by `nominator`, registered on day `day`.
fn aiyl_candidate(id: &str, surname: &str, d: &str, nominator: Nominator, day: i8) -> Nomination {
    let identity = person(
        pin(Sex::Male, date(1970, 1, 1), u32::from(id.as_bytes()[1])),
        surname,
        "alamudun",
    );
    with_status(
        filed(
            district(d, nominator),
            &alamudun(),
            vec![(cid(id), identity)],
            at(2024, 10, 1, 9, 0),
        ),
        NominationStatus::Registered,
        at(2024, 10, day, 9, 0),
    )
}

fn aiyl_nominations() -> Vec<Nomination> {
    let emgek = Nominator::Party(pid("emgek"));
    vec![
        aiyl_candidate("a1", "Үсөнов", "1", Nominator::SelfNominated, 3),
        aiyl_candidate("a2", "Уланов", "1", emgek.clone(), 4),
        aiyl_candidate("a3", "Өмүрбеков", "1", Nominator::SelfNominated, 1),
        aiyl_candidate("a4", "Орозбеков", "1", emgek.clone(), 5),
        aiyl_candidate("a5", "Ңуров", "1", Nominator::SelfNominated, 2),
        aiyl_candidate("a6", "Нурланов", "2", emgek, 6),
    ]
}

fn surnames(ballot: &Ballot) -> Vec<String> {
    ballot
        .lines
        .iter()
        .map(|l| match &l.label {
            BallotLabel::Candidate { name, .. } => name.surname().to_owned(),
            BallotLabel::Party { .. } => panic!("an aiyl ballot lists candidates"),
        })
        .collect()
}

#[test]
fn res_02_aiyl_ballots_list_each_districts_candidates_in_kyrgyz_alphabetical_order() {
    let (cal, c, parties) = (cal2024(), alamudun(), parties());
    let nominations = aiyl_nominations();
    let source = BallotSource {
        election: &election(),
        council: &c,
        nominations: &nominations,
        parties: &parties,
        calendar: &cal,
    };
    let districts = [did("1"), did("2"), did("3")];
    let ballots = district_ballots(&source, &districts, &params(), after_registration()).unwrap();
    assert_eq!(ballots.len(), 3);
    assert_eq!(
        surnames(&ballots[0]),
        ["Ңуров", "Орозбеков", "Өмүрбеков", "Уланов", "Үсөнов"]
    );
    assert_eq!(surnames(&ballots[1]), ["Нурланов"]);
    // A district without candidates has an empty ballot: the commission must see it.
    assert!(ballots[2].lines.is_empty());
    for b in &ballots {
        assert!(!b.against_all);
        assert!(matches!(b.contest, Contest::District { .. }));
    }
    let BallotLabel::Candidate {
        birth_year,
        nominated_by,
        ..
    } = &ballots[0].lines[1].label
    else {
        panic!("a candidate line");
    };
    assert_eq!(*birth_year, 1970);
    assert_eq!(nominated_by.as_ref().map(|n| n.en.as_str()), Some("emgek"));
    assert!(matches!(
        &ballots[0].lines[0].label,
        BallotLabel::Candidate {
            nominated_by: None,
            ..
        }
    ));
    // The registration order, when the parameter says so.
    let by_registration = RuleParameters {
        aiyl_ballot_order: BallotOrder::Registration,
        ..params()
    };
    let ballots =
        district_ballots(&source, &districts, &by_registration, after_registration()).unwrap();
    assert_eq!(
        surnames(&ballots[0]),
        ["Өмүрбеков", "Ңуров", "Үсөнов", "Уланов", "Орозбеков"]
    );
    // A candidate registered in a district the scheme does not have is an error, not lost.
    assert_eq!(
        district_ballots(&source, &districts[1..], &params(), after_registration()).unwrap_err(),
        BallotError::UnknownDistrict(did("1"))
    );
}

proptest! {
    /// RES-02: whatever order the nominations come in, each district's ballot holds each of its
    /// registered candidates exactly once, numbered 1…n, in one order.
    #[test]
    fn res_02_ballot_options_are_unique_and_independent_of_input_order(
        perm in Just((0..6usize).collect::<Vec<_>>()).prop_shuffle()
    ) {
        let (cal, c, parties) = (cal2024(), alamudun(), parties());
        let base = aiyl_nominations();
        let shuffled: Vec<Nomination> = perm.iter().map(|i| base[*i].clone()).collect();
        let districts = [did("1"), did("2")];
        let ballots = |nominations: &[Nomination]| {
            let source = BallotSource {
                election: &election(),
                council: &c,
                nominations,
                parties: &parties,
                calendar: &cal,
            };
            district_ballots(&source, &districts, &params(), after_registration()).unwrap()
        };
        let a = ballots(&base);
        let b = ballots(&shuffled);
        prop_assert_eq!(&a, &b);
        let options: Vec<&BallotOption> = a.iter().flat_map(Ballot::options).collect();
        let unique: std::collections::BTreeSet<&BallotOption> = options.iter().copied().collect();
        prop_assert_eq!(unique.len(), options.len());
        prop_assert_eq!(options.len(), base.len());
        for ballot in &a {
            let numbers: Vec<u32> = ballot.lines.iter().map(|l| l.number).collect();
            prop_assert_eq!(numbers, (1..=u32::try_from(ballot.lines.len()).unwrap()).collect::<Vec<_>>());
        }
    }

    /// RES-02: a city ballot is exactly the commission's order of the registered parties.
    #[test]
    fn res_02_a_city_ballot_follows_any_order_of_the_registered_parties(
        perm in Just((0..5usize).collect::<Vec<_>>()).prop_shuffle()
    ) {
        let (cal, c, nominations, parties) = (cal2024(), bishkek(), bishkek_nominations(), parties());
        let source = BallotSource {
            election: &election(),
            council: &c,
            nominations: &nominations,
            parties: &parties,
            calendar: &cal,
        };
        let order: Vec<PartyId> = perm.iter().map(|i| pid(BISHKEK[*i])).collect();
        let ballot = city_ballot(&source, &order, after_registration()).unwrap();
        let options: Vec<BallotOption> = ballot.options().cloned().collect();
        prop_assert_eq!(options, order.into_iter().map(BallotOption::Party).collect::<Vec<_>>());
    }
}
