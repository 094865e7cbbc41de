//! The generated parties, district schemes, nominations and candidates: the 2024 scale
//! (CAN-10), candidates who are persons of the register living in their council's territory,
//! every refusal ground designed in, the composition rules kept where they must be, and files
//! that the strict readers read back as generated.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::candidate::{CandidateCode, ListCode, Nominator};
use shailoo_domain::district::{District, DistrictId, Scheme, check_scheme, reserved_for_women};
use shailoo_domain::params::RuleParameters;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{CouncilKind, Setup};
use shailoo_domain::{CouncilId, Pin, Sex, TerritoryId};
use shailoo_formats::{
    Candidacies, CandidateRow, CouncilScheme, NominationStage, RegisterReader, files,
    read_candidacies, read_district_schemes,
};
use shailoo_generator::{
    AS_OF, BISHKEK_WINNERS, GeneratedCandidacies, Generator, Scale, district_units, write_dataset,
};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

fn small() -> &'static (Generator, GeneratedCandidacies) {
    static SMALL: OnceLock<(Generator, GeneratedCandidacies)> = OnceLock::new();
    SMALL.get_or_init(|| {
        let g = Generator::new(Scale::Small, 7);
        let c = g.candidacies();
        (g, c)
    })
}

fn ground(code: CandidateCode) -> Ground {
    Ground::candidate(code).unwrap()
}

/// The registry double's profiles as `docs/registries.md` documents them: a PIN whose serial
/// ends in 01…06 fails one check each.
fn profile_ground(pin: &Pin) -> Option<Ground> {
    use CandidateCode as C;
    let code = match pin.as_u64() % 100 {
        1 => C::NotCitizen,
        2 => C::UnexpungedConviction,
        3 => C::Imprisoned,
        4 => C::CourtIncapable,
        5 => C::NoSecondaryEducation,
        6 => C::MemberOfOtherParty,
        _ => return None,
    };
    Some(ground(code))
}

fn territory_chain<'a>(setup: &'a Setup, settlement: &'a TerritoryId) -> Vec<&'a TerritoryId> {
    let mut chain = vec![settlement];
    let mut at = settlement;
    while let Some(parent) = setup
        .territories
        .iter()
        .find(|t| &t.id == at)
        .and_then(|t| t.parent.as_ref())
    {
        chain.push(parent);
        at = parent;
    }
    chain
}

/// The candidates of each nomination, with the nomination's council.
fn by_nomination(c: &Candidacies) -> Vec<(&shailoo_formats::NominationRow, &[CandidateRow])> {
    c.by_nomination()
}

#[test]
fn can_10_the_national_plan_has_the_2024_scale() {
    let g = Generator::new(Scale::National, 2024);
    // The counts do not depend on how the councils are districted: one district per council
    // keeps this test fast in debug builds (the real schemes are tested at the small scale).
    let schemes: Vec<CouncilScheme> = district_units(&g)
        .into_iter()
        .map(|c| CouncilScheme {
            council: c.council.clone(),
            districts: vec![District {
                id: DistrictId::parse("1").unwrap(),
                units: c.units.iter().map(|u| u.id.clone()).collect(),
                seats: c.seats.get(),
                remote: false,
            }],
        })
        .collect();
    let counts = g.candidacy_plan(&schemes).counts();
    assert_eq!(counts.parties, 39);
    assert_eq!(counts.city_lists_registered, 187);
    assert_eq!(counts.city_list_candidates_registered, 4_928);
    // 1,745 women of 4,928 (35.41 %), as registered in 2024.
    assert_eq!(counts.city_list_women_registered, 1_745);
    // A few more lists were filed and not (or not yet) registered.
    assert!((188..=195).contains(&counts.city_lists), "{counts:?}");
    assert_eq!(counts.aiyl_candidates, 10_000);
}

#[test]
fn the_same_seed_gives_the_same_candidacies_and_another_seed_others() {
    let (g, c) = small();
    assert_eq!(&Generator::new(Scale::Small, 7).candidacies(), c);
    let other = Generator::new(Scale::Small, 8).candidacies();
    assert_ne!(other.candidacies.candidates, c.candidacies.candidates);
    assert_eq!(g.parties(), c.candidacies.parties);
}

#[test]
fn written_files_read_back_as_generated() {
    let (g, c) = small();
    let dir = tempfile::tempdir().unwrap();
    let manifest = write_dataset(g, dir.path(), |_| {}).unwrap();
    assert_eq!(
        read_candidacies(dir.path()).unwrap().unwrap(),
        c.candidacies
    );
    assert_eq!(
        read_district_schemes(dir.path()).unwrap().unwrap(),
        c.schemes
    );
    let counts = &manifest.counts;
    assert_eq!(counts.parties, 39);
    assert_eq!(counts.nominations, c.candidacies.nominations.len() as u64);
    assert_eq!(counts.candidates, c.candidacies.candidates.len() as u64);
    assert_eq!(
        counts.aiyl_districts,
        c.schemes
            .iter()
            .map(|s| s.districts.len() as u64)
            .sum::<u64>()
    );
    let names: Vec<&str> = manifest.files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.ends_with(&[files::PARTIES, files::NOMINATIONS, files::CANDIDATES]));

    // Every candidate is a person of the register, and `persons` holds each one's record.
    let register: HashMap<Pin, RegisterRecord> =
        RegisterReader::open(&dir.path().join(files::REGISTER))
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                (r.pin, r)
            })
            .collect();
    let pins: HashSet<Pin> = c.candidacies.candidates.iter().map(|r| r.pin).collect();
    assert_eq!(pins.len(), c.persons.len());
    for person in &c.persons {
        assert_eq!(register.get(&person.pin), Some(person));
    }
}

#[test]
fn candidates_live_in_their_councils_territory_and_stand_once_but_by_design() {
    let (g, c) = small();
    let setup = g.setup_ref();
    let records: HashMap<Pin, &RegisterRecord> = c.persons.iter().map(|r| (r.pin, r)).collect();
    let council_territory: HashMap<&CouncilId, &TerritoryId> = setup
        .councils
        .iter()
        .map(|k| (&k.id, &k.territory))
        .collect();
    let mut seen: HashMap<Pin, usize> = HashMap::new();
    for (n, rows) in by_nomination(&c.candidacies) {
        let territory = council_territory[&n.council];
        for row in rows {
            let person = records[&row.pin];
            assert!(
                territory_chain(setup, &person.settlement).contains(&territory),
                "{} lives in {}, not in {}",
                row.pin,
                person.settlement,
                n.council
            );
            *seen.entry(row.pin).or_default() += 1;
        }
    }
    // The designed CAN-05 duplicates are the only persons on two nominations, and the second
    // one carries the ground.
    let twice: HashSet<Pin> = seen
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(p, _)| *p)
        .collect();
    let designed: HashSet<Pin> = c
        .candidacies
        .candidates
        .iter()
        .filter(|r| r.ground == Some(ground(CandidateCode::MultipleCandidacies)))
        .map(|r| r.pin)
        .collect();
    assert!(!twice.is_empty());
    assert_eq!(twice, designed);
    assert!(seen.values().all(|n| *n <= 2));
}

#[test]
fn every_refusal_ground_is_designed_and_follows_from_the_person() {
    let (_, c) = small();
    let records: HashMap<Pin, &RegisterRecord> = c.persons.iter().map(|r| (r.pin, r)).collect();
    let limit_21 = jiff::civil::date(2003, 11, 17);
    let registered_by = jiff::civil::date(2024, 9, 18);
    let mut grounds: HashSet<Ground> = HashSet::new();
    for (n, rows) in by_nomination(&c.candidacies) {
        if let Some(g) = n.stage.ground() {
            grounds.insert(g);
        }
        for row in rows {
            let p = records[&row.pin];
            // What the person is, the ground says, by the register and the double's profile.
            let expected = if row.ground == Some(ground(CandidateCode::MultipleCandidacies)) {
                row.ground
            } else if p.birth_date > limit_21 {
                Some(ground(CandidateCode::UnderAge))
            } else if !p.residence_stamp && p.address_registered_on > registered_by {
                Some(ground(CandidateCode::NotCommunityMember))
            } else if profile_ground(&p.pin) == Some(ground(CandidateCode::MemberOfOtherParty)) {
                // CAN-04 binds party nominees only.
                assert!(n.kind.party().is_some(), "{}", n.id);
                profile_ground(&p.pin)
            } else {
                profile_ground(&p.pin)
            };
            assert_eq!(row.ground, expected, "{} in {}", row.pin, n.id);
            assert!(
                p.citizen && !p.imprisoned && !p.court_incapable,
                "{}",
                row.pin
            );
            if let Some(g) = row.ground {
                grounds.insert(g);
            }
        }
        // A district nomination refused on a candidate's ground names that candidate's.
        if let (NominationKind::District { .. }, NominationStage::Refused { ground: g, .. }) =
            (&n.kind, n.stage)
            && g != ground(CandidateCode::DocumentsDeficient)
        {
            assert_eq!(rows[0].ground, Some(g), "{}", n.id);
        }
    }
    use CandidateCode as C;
    let mut all: Vec<Ground> = [
        C::UnderAge,
        C::NotCommunityMember,
        C::NoSecondaryEducation,
        C::CourtIncapable,
        C::Imprisoned,
        C::UnexpungedConviction,
        C::MemberOfOtherParty,
        C::MultipleCandidacies,
        C::DocumentsDeficient,
        C::NotCitizen,
    ]
    .map(ground)
    .to_vec();
    all.push(Ground::list(ListCode::OneSexOverShare));
    for g in all {
        assert!(grounds.contains(&g), "{g} is not designed in");
    }
}

#[test]
fn can_06_lists_are_composed_lawfully_but_the_designed_draft() {
    let (g, c) = small();
    let setup = g.setup_ref();
    let params = RuleParameters::default();
    let sex: HashMap<Pin, Sex> = c.persons.iter().map(|r| (r.pin, r.sex)).collect();
    let seats: HashMap<&CouncilId, u32> = setup
        .councils
        .iter()
        .map(|k| (&k.id, k.seats.get()))
        .collect();
    let one_sex = Ground::list(ListCode::OneSexOverShare);
    let mut drafts_refused = 0;
    for (n, rows) in by_nomination(&c.candidacies) {
        if !n.kind.is_list() {
            assert_eq!(rows.len(), 1);
            continue;
        }
        assert!(rows.len() as u32 <= seats[&n.council], "{}", n.id);
        let composed = |rows: &[&CandidateRow]| {
            shailoo_domain::candidate::check_party_list(
                rows.iter().map(|r| sex[&r.pin]),
                shailoo_domain::SeatCount::new(seats[&n.council]).unwrap(),
                &params,
            )
            .is_empty()
        };
        let all: Vec<&CandidateRow> = rows.iter().collect();
        let kept: Vec<&CandidateRow> = rows.iter().filter(|r| r.ground.is_none()).collect();
        match n.stage {
            NominationStage::Draft {
                refused_at_filing: Some(g),
            } if g == one_sex => {
                assert!(!composed(&all), "{}", n.id);
                drafts_refused += 1;
            }
            // As filed, and as registered without the candidates left out.
            NominationStage::Registered { .. } => {
                assert!(composed(&all) && composed(&kept), "{}", n.id);
            }
            _ => assert!(composed(&all), "{}", n.id),
        }
    }
    assert_eq!(drafts_refused, 1);
}

#[test]
fn the_bishkek_ballot_has_the_parties_of_res_12() {
    let (_, c) = small();
    let registered: Vec<&str> = c
        .candidacies
        .nominations
        .iter()
        .filter(|n| n.council.as_str() == "bishkek-city")
        .filter(|n| matches!(n.stage, NominationStage::Registered { .. }))
        .filter_map(|n| n.kind.party().map(|p| p.as_str()))
        .collect();
    for party in BISHKEK_WINNERS {
        assert!(registered.contains(&party), "{party}: {registered:?}");
    }
}

#[test]
fn aiyl_nominations_stand_in_districts_of_valid_schemes_with_enough_women() {
    let (g, c) = small();
    let setup = g.setup_ref();
    let units = district_units(g);
    let params = RuleParameters::default();
    let sex: HashMap<Pin, Sex> = c.persons.iter().map(|r| (r.pin, r.sex)).collect();
    let aiyl = setup
        .councils
        .iter()
        .filter(|k| k.kind == CouncilKind::Aiyl)
        .count();
    assert_eq!(c.schemes.len(), aiyl);
    for (scheme, u) in c.schemes.iter().zip(&units) {
        assert_eq!(scheme.council, u.council);
        let report = check_scheme(
            &Scheme {
                seats: u.seats,
                units: u.domain_units(),
                districts: scheme.districts.clone(),
            },
            &params,
        );
        assert!(report.is_valid(), "{}: {:?}", u.council, report.errors);
        assert!(scheme.districts.len() > 1, "{}", u.council);
    }
    let mut per_district: HashMap<(&CouncilId, &DistrictId), (u32, u32)> = HashMap::new();
    for (n, rows) in by_nomination(&c.candidacies) {
        let NominationKind::District {
            district,
            nominator,
        } = &n.kind
        else {
            continue;
        };
        let scheme = c.schemes.iter().find(|s| s.council == n.council).unwrap();
        assert!(
            scheme.districts.iter().any(|d| &d.id == district),
            "{}: no district {district}",
            n.id
        );
        if matches!(nominator, Nominator::SelfNominated) {
            assert_ne!(
                rows[0].ground,
                Some(ground(CandidateCode::MemberOfOtherParty))
            );
        }
        if rows[0].ground.is_none() && n.stage.ground().is_none() {
            let e = per_district.entry((&n.council, district)).or_default();
            e.0 += 1;
            e.1 += u32::from(sex[&rows[0].pin] == Sex::Female);
        }
    }
    for scheme in &c.schemes {
        for d in &scheme.districts {
            let (n, women) = per_district[&(&scheme.council, &d.id)];
            assert!(
                n > d.seats,
                "{} {}: {n} for {}",
                scheme.council,
                d.id,
                d.seats
            );
            assert!(
                women > reserved_for_women(d.seats, &params),
                "{} {}",
                scheme.council,
                d.id
            );
        }
    }
}

#[test]
fn stages_and_dates_are_those_of_the_2024_calendar_on_the_demo_day() {
    let (_, c) = small();
    let list_last = jiff::civil::date(2024, 10, 7);
    let mut seen: HashSet<&str> = HashSet::new();
    for n in &c.candidacies.nominations {
        seen.insert(n.stage.code());
        if let Some(filed) = n.stage.filed_on() {
            assert!(
                filed >= jiff::civil::date(2024, 9, 6) && filed < AS_OF,
                "{}",
                n.id
            );
            if n.kind.is_list() {
                assert!(filed <= list_last, "{}", n.id);
            }
        }
        if let Some(decided) = n.stage.decided_on() {
            let filed = n.stage.filed_on().unwrap();
            // CAN-09: within ten days of the filing, before the demo day.
            assert!(decided >= filed && decided < AS_OF, "{}", n.id);
            assert!(filed.until(decided).unwrap().get_days() <= 10, "{}", n.id);
        }
        if let NominationStage::Submitted { filed_on } = n.stage {
            // The TEC's ten days still run on the demo day.
            assert!(filed_on.until(AS_OF).unwrap().get_days() <= 10, "{}", n.id);
        }
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}
