//! An election's results as NIST SP 1500-100 Election Results Reporting, version 2, JSON
//! (`err.json` of the open data; it validates against the v2 schema, a test says so).
//!
//! How the Kyrgyz elections map onto it: the country is a `country` reporting unit composed
//! of the councils (a city council `city-council`, an aiyl council `other`/`aiyl-council`),
//! an aiyl council of its districts (`other`/`aiyl-district`); each polling station is a
//! `precinct` with its voters on the list and who took part. A city council's election is a
//! `PartyContest` (proportional) whose selections are the lists (`PartySelection`) and
//! "against all" (a `CandidateSelection` without candidates, the one selection ERR allows
//! without a party or a candidate); an aiyl district's is a `CandidateContest` (plurality,
//! `NumberElected` its mandates). Each selection has its votes per station (`total` at the
//! precinct) and for the contest's district, and its seats (`seats`) once allocated. The
//! report is `certified` when every council is determined, `unofficial-complete` when every
//! expected protocol is accepted, else `unofficial-partial`.

use super::open_data::{ContestResults, CouncilResults, ElectionResults};
use crate::results::contest_key;
use serde_json::{Value, json};
use shailoo_domain::protocol::{BallotOption, Contest, Line, Protocol};
use shailoo_domain::results::ResultStatus;
use shailoo_domain::territory::{CouncilKind, LocalizedName};
use shailoo_domain::{CandidateId, CouncilId, PartyId, StationNumber};
use std::collections::{BTreeMap, BTreeSet};

const COUNTRY: &str = "gpu-kg";

fn text(name: &LocalizedName) -> Value {
    json!({
        "@type": "ElectionResults.InternationalizedText",
        "Text": [
            {"@type": "ElectionResults.LanguageString", "Language": "ky", "Content": name.ky},
            {"@type": "ElectionResults.LanguageString", "Language": "ru", "Content": name.ru},
            {"@type": "ElectionResults.LanguageString", "Language": "en", "Content": name.en},
        ]
    })
}

fn council_unit(c: &CouncilId) -> String {
    format!("gpu-{c}")
}

fn district_unit(c: &CouncilId, contest: &Contest) -> String {
    match contest {
        Contest::PartyList => council_unit(c),
        // District ids are free text: the index keeps the id an XML-safe token.
        Contest::District { district } => format!("gpu-{c}-d-{}", hex_id(district.as_str())),
    }
}

fn station_unit(s: StationNumber) -> String {
    format!("gpu-s{s}")
}

fn contest_id(c: &CouncilId, contest: &Contest) -> String {
    match contest {
        Contest::PartyList => format!("contest-{c}"),
        Contest::District { district } => format!("contest-{c}-d-{}", hex_id(district.as_str())),
    }
}

/// Letters, digits and `-` as they are; anything else as `_` and its code point.
fn hex_id(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_string()
            } else {
                format!("_{:x}", u32::from(c))
            }
        })
        .collect()
}

fn vote_count(unit: &str, kind: &str, count: u64) -> Value {
    json!({"@type": "ElectionResults.VoteCounts", "GpUnitId": unit, "Type": kind, "Count": count})
}

/// The counted protocols of one contest of one council, by station.
fn station_protocols<'a>(
    counted: &'a [(CouncilId, Protocol)],
    council: &CouncilId,
    contest: &Contest,
) -> Vec<&'a Protocol> {
    counted
        .iter()
        .filter(|(c, p)| c == council && &p.contest == contest)
        .map(|(_, p)| p)
        .collect()
}

fn status(results: &ElectionResults) -> &'static str {
    let councils = &results.councils;
    if !councils.is_empty() && councils.iter().all(|c| c.determined.is_some()) {
        "certified"
    } else if councils
        .iter()
        .all(|c| c.protocols_accepted >= c.protocols_expected)
    {
        "unofficial-complete"
    } else {
        "unofficial-partial"
    }
}

/// What the report gathers while it walks the contests.
#[derive(Default)]
struct Report {
    units: Vec<Value>,
    parties: BTreeMap<String, Value>,
    candidates: Vec<Value>,
    contests: Vec<Value>,
}

/// The votes of `option` in one station's protocol.
fn votes_in(p: &Protocol, option: Option<&BallotOption>) -> u64 {
    option.map_or(0, |opt| {
        p.votes
            .iter()
            .filter(|v| &v.option == opt)
            .map(|v| u64::from(v.votes))
            .sum()
    })
}

/// One contest's selections: each option with its votes per station and in the district and
/// its seats, then "against all".
fn selections(
    c: &CouncilResults,
    contest: &ContestResults,
    protocols: &[&Protocol],
    report: &mut Report,
) -> Vec<Value> {
    let district = district_unit(&c.council, &contest.contest);
    let decided = contest.status == ResultStatus::Completed;
    let mut out = Vec::new();
    for (order, o) in contest.options.iter().enumerate() {
        let option = match &contest.contest {
            Contest::PartyList => PartyId::parse(&o.id).ok().map(BallotOption::Party),
            Contest::District { .. } => CandidateId::parse(&o.id).ok().map(BallotOption::Candidate),
        };
        let mut counts: Vec<Value> = protocols
            .iter()
            .map(|p| {
                vote_count(
                    &station_unit(p.station),
                    "total",
                    votes_in(p, option.as_ref()),
                )
            })
            .collect();
        counts.push(vote_count(&district, "total", o.votes));
        if let Some(seats) = o.seats {
            counts.push(vote_count(&district, "seats", seats));
        }
        let id = format!(
            "{}-o{}",
            contest_id(&c.council, &contest.contest),
            order + 1
        );
        if matches!(contest.contest, Contest::PartyList) {
            let party = format!("party-{}", o.id);
            report.parties.entry(party.clone()).or_insert_with(
                || json!({"@id": party, "@type": "ElectionResults.Party", "Name": text(&o.name)}),
            );
            out.push(json!({
                "@id": id, "@type": "ElectionResults.PartySelection",
                "PartyIds": [party], "SequenceOrder": order + 1, "VoteCounts": counts,
            }));
        } else {
            let candidate = format!("candidate-{}", o.id);
            let mut entry = json!({
                "@id": candidate, "@type": "ElectionResults.Candidate",
                "BallotName": text(&o.name),
            });
            if decided {
                let won = o.seats.unwrap_or(0) > 0;
                entry["PostElectionStatus"] = json!(if won { "winner" } else { "defeated" });
            }
            report.candidates.push(entry);
            out.push(json!({
                "@id": id, "@type": "ElectionResults.CandidateSelection",
                "CandidateIds": [candidate], "SequenceOrder": order + 1, "VoteCounts": counts,
            }));
        }
    }
    out.extend(against_all(c, contest, protocols));
    out
}

/// "Against all" as a selection without a candidate (city ballots only).
fn against_all(
    c: &CouncilResults,
    contest: &ContestResults,
    protocols: &[&Protocol],
) -> Option<Value> {
    let against = contest.against_all?;
    let district = district_unit(&c.council, &contest.contest);
    let mut counts: Vec<Value> = protocols
        .iter()
        .map(|p| vote_count(&station_unit(p.station), "total", p.line(Line::AgainstAll)))
        .collect();
    counts.push(vote_count(&district, "total", against));
    Some(json!({
        "@id": format!("{}-against-all", contest_id(&c.council, &contest.contest)),
        "@type": "ElectionResults.CandidateSelection",
        "SequenceOrder": contest.options.len() + 1,
        "VoteCounts": counts,
    }))
}

/// One contest as a `PartyContest` (city) or a `CandidateContest` (aiyl district).
fn contest_value(
    c: &CouncilResults,
    contest: &ContestResults,
    counted: &[(CouncilId, Protocol)],
    report: &mut Report,
) -> Value {
    let protocols = station_protocols(counted, &c.council, &contest.contest);
    let selections = selections(c, contest, &protocols, report);
    let status = if contest.status == ResultStatus::Incomplete {
        "in-process"
    } else {
        "completed"
    };
    let name = match &contest.contest {
        Contest::PartyList => c.name.en.clone(),
        Contest::District { district } => format!("{}, district {district}", c.name.en),
    };
    let mut value = json!({
        "@id": contest_id(&c.council, &contest.contest),
        "ElectionDistrictId": district_unit(&c.council, &contest.contest),
        "Name": name,
        "ContestSelection": selections,
        "CountStatus": [{"@type": "ElectionResults.CountStatus", "Type": "total", "Status": status}],
        "SubUnitsReported": protocols.len(),
        "TotalSubUnits": c.expected.iter().filter(|e| e.contest == contest.contest).count(),
        "BallotTitle": text(&c.name),
    });
    if matches!(contest.contest, Contest::PartyList) {
        value["@type"] = json!("ElectionResults.PartyContest");
        value["VoteVariation"] = json!("proportional");
    } else {
        value["@type"] = json!("ElectionResults.CandidateContest");
        value["VoteVariation"] = json!("plurality");
        value["NumberElected"] = json!(contest.seats);
        value["VotesAllowed"] = json!(contest.votes_allowed);
    }
    value
}

/// Every polling station as a `precinct`, with its voters once a protocol of it is counted.
fn station_units(results: &ElectionResults, counted: &[(CouncilId, Protocol)]) -> Vec<Value> {
    let mut stations: BTreeMap<StationNumber, (u64, u64)> = BTreeMap::new();
    for (_, p) in counted {
        // A station's voters: its largest list among the contests it counts.
        let e = stations.entry(p.station).or_default();
        e.0 =
            e.0.max(p.line(Line::VotersOnList) + p.line(Line::VotersOnAdditionalLists));
        e.1 = e.1.max(p.line(Line::VotersTookPart));
    }
    let expected = results
        .councils
        .iter()
        .flat_map(|c| c.expected.iter().map(|e| e.station));
    let all: BTreeSet<StationNumber> = stations.keys().copied().chain(expected).collect();
    all.into_iter()
        .map(|station| {
            let mut unit = json!({
                "@id": station_unit(station), "@type": "ElectionResults.ReportingUnit",
                "Type": "precinct", "Number": station.to_string(),
            });
            if let Some((registered, took_part)) = stations.get(&station) {
                unit["VotersRegistered"] = json!(registered);
                unit["VotersParticipated"] = json!(took_part);
            }
            unit
        })
        .collect()
}

/// The whole election as an ERR `ElectionReport`.
pub fn election_report(
    results: &ElectionResults,
    counted: &[(CouncilId, Protocol)],
    vendor: &str,
) -> Value {
    let mut report = Report::default();
    report.units.push(json!({
        "@id": COUNTRY, "@type": "ElectionResults.ReportingUnit", "Type": "country",
        "Name": text(&LocalizedName {
            ky: "Кыргыз Республикасы".into(),
            ru: "Кыргызская Республика".into(),
            en: "Kyrgyz Republic".into(),
        }),
        "ComposingGpUnitIds": results.councils.iter().map(|c| council_unit(&c.council)).collect::<Vec<_>>(),
    }));
    for c in &results.councils {
        council_units(c, counted, &mut report.units);
        for contest in &c.contests {
            let value = contest_value(c, contest, counted, &mut report);
            report.contests.push(value);
        }
    }
    report.units.extend(station_units(results, counted));
    let day = results.voting_day.to_string();
    json!({
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level",
        "GeneratedDate": results.generated_at.to_string(),
        "Issuer": "Central Commission for Elections and Referenda of the Kyrgyz Republic",
        "IssuerAbbreviation": "CEC KR",
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": status(results),
        "VendorApplicationId": vendor,
        "GpUnit": report.units,
        "Party": report.parties.into_values().collect::<Vec<_>>(),
        "Election": [{
            "@type": "ElectionResults.Election",
            "ElectionScopeId": COUNTRY,
            "Name": text(&results.name),
            "StartDate": day,
            "EndDate": day,
            "Type": "general",
            "Candidate": report.candidates,
            "Contest": report.contests,
        }],
    })
}

/// A council's reporting unit and, for an aiyl council, its districts'.
fn council_units(c: &CouncilResults, counted: &[(CouncilId, Protocol)], units: &mut Vec<Value>) {
    let stations_of = |contest: Option<&Contest>| -> Vec<String> {
        let mut set: BTreeSet<StationNumber> = c
            .expected
            .iter()
            .filter(|e| contest.is_none_or(|x| &e.contest == x))
            .map(|e| e.station)
            .collect();
        set.extend(
            counted
                .iter()
                .filter(|(id, p)| id == &c.council && contest.is_none_or(|x| &p.contest == x))
                .map(|(_, p)| p.station),
        );
        set.into_iter().map(station_unit).collect()
    };
    let mut unit = json!({
        "@id": council_unit(&c.council), "@type": "ElectionResults.ReportingUnit",
        "Name": text(&c.name), "VotersParticipated": c.took_part,
    });
    match c.kind {
        CouncilKind::City => {
            unit["Type"] = json!("city-council");
            unit["ComposingGpUnitIds"] = json!(stations_of(None));
        }
        CouncilKind::Aiyl => {
            unit["Type"] = json!("other");
            unit["OtherType"] = json!("aiyl-council");
            unit["IsDistricted"] = json!(true);
            let districts: Vec<String> = c
                .contests
                .iter()
                .map(|x| district_unit(&c.council, &x.contest))
                .collect();
            unit["ComposingGpUnitIds"] = json!(districts);
            for x in &c.contests {
                let Contest::District { district } = &x.contest else {
                    continue;
                };
                let name = LocalizedName {
                    ky: format!("{}, {district}-округ", c.name.ky),
                    ru: format!("{}, округ {district}", c.name.ru),
                    en: format!("{}, district {district}", c.name.en),
                };
                units.push(json!({
                    "@id": district_unit(&c.council, &x.contest),
                    "@type": "ElectionResults.ReportingUnit",
                    "Type": "other", "OtherType": "aiyl-district",
                    "Name": text(&name),
                    "Number": contest_key(&x.contest),
                    "VotersParticipated": x.took_part,
                    "ComposingGpUnitIds": stations_of(Some(&x.contest)),
                }));
            }
        }
    }
    units.push(unit);
}
