//! RES-06…RES-12 through the determination: protocols in, seats out.

use super::*;
use shailoo_domain::candidate::ballot::BallotLine;
use shailoo_domain::candidate::registry::PersonName;
use shailoo_domain::candidate::{CandidateId, PartyId};
use shailoo_domain::protocol::OptionVotes;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{CouncilId, ElectionId, SeatCount, TerritoryId};

fn party(s: &str) -> BallotOption {
    BallotOption::Party(PartyId::parse(s).unwrap())
}

fn candidate(s: &str) -> BallotOption {
    BallotOption::Candidate(CandidateId::parse(s).unwrap())
}

fn name(s: &str) -> LocalizedName {
    LocalizedName {
        ky: s.into(),
        ru: s.into(),
        en: s.into(),
    }
}

fn ballot(contest: Contest, options: &[BallotOption]) -> Ballot {
    Ballot {
        election: ElectionId::parse("e").unwrap(),
        council: CouncilId::parse("c").unwrap(),
        against_all: contest == Contest::PartyList,
        lines: options
            .iter()
            .zip(1..)
            .map(|(o, number)| BallotLine {
                number,
                option: o.clone(),
                label: match o {
                    BallotOption::Party(p) => BallotLabel::Party {
                        name: name(p.as_str()),
                    },
                    BallotOption::Candidate(c) => BallotLabel::Candidate {
                        name: PersonName::new("Surname", c.as_str(), None).unwrap(),
                        birth_year: 1980,
                        nominated_by: None,
                    },
                },
            })
            .collect(),
        contest,
    }
}

/// A consistent protocol of `station` giving these votes.
fn protocol(
    station: u32,
    contest: Contest,
    votes: &[(BallotOption, u32)],
    against: Option<u32>,
    invalid: u32,
) -> Protocol {
    let valid: u32 = votes.iter().map(|v| v.1).sum::<u32>() + against.unwrap_or(0);
    let found = valid + invalid;
    Protocol {
        station: StationNumber::new(station).unwrap(),
        contest,
        voters_on_list: found * 3,
        voters_on_additional_lists: 0,
        ballots_received: found + 10,
        ballots_issued_at_station: found,
        ballots_issued_outside: 0,
        voters_took_part: found,
        ballots_cancelled: 10,
        ballots_in_mobile_boxes: 0,
        ballots_in_stationary_boxes: found,
        valid_ballots: valid,
        invalid_ballots: invalid,
        votes: votes
            .iter()
            .map(|(option, votes)| OptionVotes {
                option: option.clone(),
                votes: *votes,
            })
            .collect(),
        against_all: against,
    }
}

fn city_facts(seats: u32, options: &[BallotOption], stations: &[u32]) -> CouncilFacts {
    CouncilFacts {
        council: Council {
            id: CouncilId::parse("bishkek").unwrap(),
            kind: CouncilKind::City,
            territory: TerritoryId::parse("bishkek").unwrap(),
            name: name("Bishkek"),
            seats: SeatCount::new(seats).unwrap(),
        },
        ballots: vec![ballot(Contest::PartyList, options)],
        expected: stations
            .iter()
            .map(|s| (StationNumber::new(*s).unwrap(), Contest::PartyList))
            .collect(),
        district_seats: BTreeMap::new(),
        list_sizes: HashMap::new(),
        sexes: HashMap::new(),
    }
}

fn seats(r: &CouncilResult) -> Vec<(String, Option<u64>)> {
    r.options.iter().map(|o| (o.id.clone(), o.seats)).collect()
}

/// RES-12: the published Bishkek 2024 totals, spread over three stations, give the published
/// seats; the threshold is 5 % of the 131,613 who took part (RES-06), so the sixth list with
/// 6,000 votes takes none.
#[test]
fn res_12_bishkek_2024_from_protocols() {
    let names = [
        "zhany-kuch",
        "emgek",
        "yntymak",
        "adilet",
        "el-umutu",
        "other",
    ];
    let options: Vec<BallotOption> = names.iter().map(|n| party(n)).collect();
    let totals = [37_903u32, 28_647, 18_613, 17_858, 14_514, 6_000];
    // 131,613 took part: 123,535 for the lists, 4,000 against all, 4,078 invalid.
    let split = |i: u32| -> Vec<(BallotOption, u32)> {
        options
            .iter()
            .zip(totals)
            .map(|(o, t)| (o.clone(), if i == 0 { t - 2 * (t / 3) } else { t / 3 }))
            .collect()
    };
    let ps = [
        protocol(1, Contest::PartyList, &split(0), Some(1_334), 1_360),
        protocol(2, Contest::PartyList, &split(1), Some(1_333), 1_359),
        protocol(3, Contest::PartyList, &split(2), Some(1_333), 1_359),
    ];
    let facts = city_facts(51, &options, &[1, 2, 3]);
    let r = determine(&facts, &ps, &RuleParameters::default(), &[], "en").unwrap();
    assert_eq!(r.status, ResultStatus::Completed);
    assert_eq!(r.took_part, 131_613);
    assert_eq!((r.protocols_accepted, r.protocols_expected), (3, 3));
    let got: Vec<u64> = r.options.iter().map(|o| o.votes).collect();
    assert_eq!(got, [37_903, 28_647, 18_613, 17_858, 14_514, 6_000, 4_000]);
    assert_eq!(
        seats(&r),
        [
            ("zhany-kuch".into(), Some(17)),
            ("emgek".into(), Some(12)),
            ("yntymak".into(), Some(8)),
            ("adilet".into(), Some(8)),
            ("el-umutu".into(), Some(6)),
            ("other".into(), Some(0)),
            (AGAINST_ALL_ID.into(), None),
        ]
    );
    assert!(!r.explanation.is_empty());
}

#[test]
fn res_11_incomplete_until_every_expected_protocol_is_accepted() {
    let options = [party("a"), party("b")];
    let p1 = protocol(
        1,
        Contest::PartyList,
        &[(party("a"), 60), (party("b"), 40)],
        Some(0),
        0,
    );
    let facts = city_facts(10, &options, &[1, 2]);
    let r = determine(&facts, &[p1], &RuleParameters::default(), &[], "en").unwrap();
    assert_eq!(r.status, ResultStatus::Incomplete);
    assert_eq!((r.protocols_accepted, r.protocols_expected), (1, 2));
    // The figures are live; the seats wait.
    assert_eq!(r.options[0].votes, 60);
    assert!(r.options.iter().all(|o| o.seats.is_none()));
}

#[test]
fn res_09_no_list_over_the_threshold_is_a_failed_election() {
    let options = [party("a"), party("b")];
    // 100 took part; 4 and 4 votes are under 5 %, 92 against all.
    let p = protocol(
        1,
        Contest::PartyList,
        &[(party("a"), 4), (party("b"), 4)],
        Some(92),
        0,
    );
    let r = determine(
        &city_facts(10, &options, &[1]),
        &[p],
        &RuleParameters::default(),
        &[],
        "en",
    )
    .unwrap();
    assert_eq!(r.status, ResultStatus::Failed);
}

#[test]
fn res_08_equal_remainders_require_lots_then_the_drawing_completes() {
    let options = [party("a"), party("b")];
    // 3 seats, 50 : 50: one seat each, the third is a tie.
    let p = protocol(
        1,
        Contest::PartyList,
        &[(party("a"), 50), (party("b"), 50)],
        Some(0),
        0,
    );
    let facts = city_facts(3, &options, &[1]);
    let params = RuleParameters::default();
    let r = determine(&facts, std::slice::from_ref(&p), &params, &[], "en").unwrap();
    assert_eq!(r.status, ResultStatus::LotsRequired);
    assert_eq!(r.lots_required.len(), 1);
    assert_eq!(r.lots_required[0].tied, ["a", "b"]);
    let drawing = Lots {
        tied: vec!["a".into(), "b".into()],
        winners: vec!["b".into()],
    };
    let r = determine(&facts, &[p], &params, &[drawing], "en").unwrap();
    assert_eq!(r.status, ResultStatus::Completed);
    assert_eq!(
        seats(&r)[..2],
        [("a".into(), Some(1)), ("b".into(), Some(2))]
    );
}

#[test]
fn res_10_aiyl_district_reserved_mandate_then_plurality() {
    let district = DistrictId::parse("1").unwrap();
    let contest = Contest::District {
        district: district.clone(),
    };
    let options = [candidate("1-1"), candidate("2-1"), candidate("3-1")];
    let facts = CouncilFacts {
        council: Council {
            id: CouncilId::parse("ak-suu").unwrap(),
            kind: CouncilKind::Aiyl,
            territory: TerritoryId::parse("ak-suu").unwrap(),
            name: name("Ak-Suu"),
            seats: SeatCount::new(2).unwrap(),
        },
        ballots: vec![ballot(contest.clone(), &options)],
        expected: vec![(StationNumber::new(5).unwrap(), contest.clone())],
        district_seats: BTreeMap::from([(district, 2)]),
        list_sizes: HashMap::new(),
        sexes: HashMap::from([
            ("1-1".into(), Sex::Male),
            ("2-1".into(), Sex::Male),
            ("3-1".into(), Sex::Female),
        ]),
    };
    // Two men lead; the woman is third but takes the reserved mandate (2 seats: 1 reserved).
    let p = protocol(
        5,
        contest,
        &[
            (candidate("1-1"), 300),
            (candidate("2-1"), 200),
            (candidate("3-1"), 100),
        ],
        None,
        5,
    );
    let r = determine(&facts, &[p], &RuleParameters::default(), &[], "en").unwrap();
    assert_eq!(r.status, ResultStatus::Completed);
    assert_eq!(r.took_part, 605);
    let d = &r.districts[0];
    let elected: Vec<(&str, Option<u64>, bool)> = d
        .options
        .iter()
        .map(|o| (o.id.as_str(), o.seats, o.reserved))
        .collect();
    assert_eq!(
        elected,
        [
            ("1-1", Some(1), false),
            ("2-1", Some(0), false),
            ("3-1", Some(1), true)
        ]
    );
}
