//! The generated protocols (`protocols.jsonl`, issue 15): one per regular station and contest,
//! the contest's registered options exactly, the voters on the list as the register counts
//! them, every RES-05 control check passed; and Bishkek adding up to RES-12.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use shailoo_domain::candidate::nomination::NominationKind;
use shailoo_domain::params::RuleParameters;
use shailoo_domain::protocol::{BallotOption, Contest, Line, check};
use shailoo_domain::results::aggregate;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, StationNumber};
use shailoo_formats::{
    NominationStage, RegisterReader, files, read_candidacies, read_district_schemes,
    read_district_units, read_protocols, read_setup,
};
use shailoo_generator::{Generator, Scale, is_eligible, write_dataset};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::BufReader;

#[test]
fn res_04_the_generated_protocols_fit_the_lists_and_ballots_and_pass_the_checks() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(&Generator::new(Scale::Small, 7), dir.path(), |_| {}).unwrap();
    let file = std::fs::File::open(dir.path().join(files::PROTOCOLS)).unwrap();
    let lines: Vec<_> = read_protocols(BufReader::new(file))
        .map(|l| l.unwrap().1)
        .collect();
    let dataset = read_setup(dir.path()).unwrap();
    let setup = &dataset.setup;
    let candidacies = read_candidacies(dir.path()).unwrap().unwrap();
    let schemes = read_district_schemes(dir.path()).unwrap().unwrap();
    let units = read_district_units(dir.path()).unwrap().unwrap();

    // Every protocol passes every error check (the generator makes no mistakes).
    let params = RuleParameters::default();
    for l in &lines {
        let r = check(&l.protocol, &params);
        assert!(
            r.errors.is_empty(),
            "{:?}: {:?}",
            l.protocol.station,
            r.errors
        );
    }

    // One per regular station and contest it holds, and no more.
    let mut expected: BTreeSet<(CouncilId, StationNumber, String)> = BTreeSet::new();
    for s in setup.stations.iter().filter(|s| !s.remote_voting) {
        let council = setup.councils.iter().find(|c| c.id == s.council).unwrap();
        if council.kind == CouncilKind::City {
            expected.insert((council.id.clone(), s.number, "party_list".into()));
        }
    }
    for scheme in &schemes {
        let u = units.iter().find(|u| u.council == scheme.council).unwrap();
        let station: HashMap<_, _> = u.units.iter().map(|u| (&u.id, u.station)).collect();
        for d in &scheme.districts {
            for unit in &d.units {
                expected.insert((
                    scheme.council.clone(),
                    station[unit],
                    format!("district/{}", d.id),
                ));
            }
        }
    }
    let got: Vec<(CouncilId, StationNumber, String)> = lines
        .iter()
        .map(|l| {
            let contest = match &l.protocol.contest {
                Contest::PartyList => "party_list".to_owned(),
                Contest::District { district } => format!("district/{district}"),
            };
            (l.council.clone(), l.protocol.station, contest)
        })
        .collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "one protocol per station and contest"
    );
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), expected);

    // The options are exactly the contest's registered nominations.
    let mut options: HashMap<(CouncilId, String), HashSet<BallotOption>> = HashMap::new();
    for n in &candidacies.nominations {
        if !matches!(n.stage, NominationStage::Registered { .. }) {
            continue;
        }
        let (key, option) = match &n.kind {
            NominationKind::CityList { party } => {
                ("party_list".to_owned(), BallotOption::Party(party.clone()))
            }
            NominationKind::District { district, .. } => (
                format!("district/{district}"),
                // The id `shailoo load` gives the nomination's one candidate.
                BallotOption::Candidate(n.id.candidate(1)),
            ),
        };
        options
            .entry((n.council.clone(), key))
            .or_default()
            .insert(option);
    }
    for l in &lines {
        let key = match &l.protocol.contest {
            Contest::PartyList => "party_list".to_owned(),
            Contest::District { district } => format!("district/{district}"),
        };
        let given: HashSet<BallotOption> =
            l.protocol.votes.iter().map(|v| v.option.clone()).collect();
        assert_eq!(
            Some(&given),
            options
                .get(&(l.council.clone(), key.clone()))
                .or(Some(&HashSet::new())),
            "{} {} {key}",
            l.council,
            l.protocol.station
        );
    }

    // A city station's list is the eligible persons of its area, as the register has them.
    let station_of: HashMap<(String, String), StationNumber> = dataset
        .station_areas
        .iter()
        .map(|a| ((a.settlement.to_string(), a.street.clone()), a.station))
        .collect();
    let mut eligible: HashMap<StationNumber, u32> = HashMap::new();
    for record in RegisterReader::open(&dir.path().join(files::REGISTER)).unwrap() {
        let r = record.unwrap();
        let eligible_now = is_eligible(
            r.citizen,
            r.birth_date,
            r.biometrics,
            r.residence_stamp,
            r.address_registered_on,
            r.court_incapable,
            r.imprisoned,
        );
        if eligible_now {
            let key = (r.settlement.to_string(), r.street.clone());
            *eligible.entry(station_of[&key]).or_default() += 1;
        }
    }
    for l in lines
        .iter()
        .filter(|l| l.protocol.contest == Contest::PartyList)
    {
        assert_eq!(
            l.protocol.voters_on_list,
            eligible.get(&l.protocol.station).copied().unwrap_or(0),
            "station {}",
            l.protocol.station
        );
    }
    let totals = aggregate(lines.iter().map(|l| &l.protocol));
    assert!(totals.line(Line::VotersTookPart) > 0);
}
