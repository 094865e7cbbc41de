//! The open data of an election's results (`shailoo results export`, the public pages'
//! downloads): each council's result per contest with everything its seats are allocated on
//! (the seats, the rules in force, each list's standing candidates, each candidate's sex, the
//! recorded drawings of lots), so that anyone can recompute the seats from the published
//! protocols alone (`shailoo verify`). Names in ky/ru/en.

use super::determine;
use super::{CouncilResult, ResultsError, ResultsPorts, contest_key};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_apportionment::Lots;
use shailoo_domain::candidate::ballot::BallotLabel;
use shailoo_domain::district::reserved_for_women;
use shailoo_domain::params::{ThresholdBase, UnfilledListSeats};
use shailoo_domain::protocol::{BallotOption, Contest, Protocol};
use shailoo_domain::results::ResultStatus;
use shailoo_domain::territory::{CouncilKind, LocalizedName};
use shailoo_domain::{CouncilId, ElectionId, Sex, StationNumber};

/// The format of `results.json`.
pub const FORMAT: &str = "shailoo-open-results/1";

/// An election's results as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionResults {
    pub format: String,
    pub election: ElectionId,
    pub name: LocalizedName,
    pub voting_day: jiff::civil::Date,
    pub generated_at: Timestamp,
    pub councils: Vec<CouncilResults>,
}

/// One council's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CouncilResults {
    pub council: CouncilId,
    pub name: LocalizedName,
    pub kind: CouncilKind,
    pub seats: u32,
    pub status: ResultStatus,
    /// Official once the commission determined it (RES-11); preliminary before.
    pub determined: Option<Determined>,
    pub took_part: u64,
    pub protocols_accepted: u64,
    pub protocols_expected: u64,
    /// The protocols the result waits for: each home station with each contest it holds.
    pub expected: Vec<ExpectedProtocol>,
    pub contests: Vec<ContestResults>,
    /// RES-08: the drawings of lots the commission recorded.
    pub lots: Vec<Lots>,
    /// The allocation's steps (English), one per line.
    pub explanation: Vec<String>,
    /// The same steps as data, for the public pages to word them in the reader's language
    /// (i15-scan-map); not part of the open data.
    #[serde(skip)]
    pub steps: Vec<super::ExplainedStep>,
}

/// A determination, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Determined {
    pub at: Timestamp,
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedProtocol {
    pub station: StationNumber,
    pub contest: Contest,
}

/// One contest: a city council's party list or an aiyl district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestResults {
    pub contest: Contest,
    /// The mandates: the council's (city) or the district's.
    pub seats: u32,
    pub status: ResultStatus,
    pub took_part: u64,
    pub against_all: Option<u64>,
    /// RES-06: city lists only.
    pub threshold_percent: Option<u32>,
    pub threshold_base: Option<ThresholdBase>,
    pub unfilled_list_seats: Option<UnfilledListSeats>,
    /// RES-10: aiyl districts only.
    pub reserved_for_women: Option<u32>,
    /// RES-03: the marks an aiyl ballot carries at most.
    pub votes_allowed: u32,
    /// In ballot order ("against all" is `against_all`, not an option).
    pub options: Vec<OptionResults>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionResults {
    /// The party or candidate id, as protocols name it.
    pub id: String,
    pub name: LocalizedName,
    pub votes: u64,
    /// `None` until the result is complete.
    pub seats: Option<u64>,
    pub reserved: bool,
    /// RES-09: a list's standing candidates.
    pub list_size: Option<u64>,
    /// RES-10: a district candidate's sex.
    pub sex: Option<Sex>,
}

impl ElectionResults {
    /// The council of `id`.
    pub fn council(&self, id: &CouncilId) -> Option<&CouncilResults> {
        self.councils.iter().find(|c| &c.council == id)
    }
}

fn option_id(option: &BallotOption) -> String {
    match option {
        BallotOption::Party(p) => p.to_string(),
        BallotOption::Candidate(c) => c.to_string(),
    }
}

/// What a contest's allocation gave each option: its id, seats and reserved flag.
type Won = (String, Option<u64>, bool);

/// Each option of a ballot with its votes, its seats and what they are allocated on.
fn option_results(
    facts: &super::CouncilFacts,
    ballot: &shailoo_domain::candidate::ballot::Ballot,
    totals: &shailoo_domain::results::Totals,
    seats_of: &[Won],
) -> Vec<OptionResults> {
    let city = matches!(ballot.contest, Contest::PartyList);
    ballot
        .lines
        .iter()
        .map(|line| {
            let id = option_id(&line.option);
            let w = seats_of.iter().find(|(i, _, _)| *i == id);
            let name = match &line.label {
                BallotLabel::Party { name } => name.clone(),
                BallotLabel::Candidate { name, .. } => LocalizedName {
                    ky: name.to_string(),
                    ru: name.to_string(),
                    en: name.to_string(),
                },
            };
            OptionResults {
                votes: totals.votes_of(&line.option),
                seats: w.and_then(|w| w.1),
                reserved: w.is_some_and(|w| w.2),
                list_size: city.then(|| facts.list_sizes.get(&id).copied()).flatten(),
                sex: (!city).then(|| facts.sexes.get(&id).copied()).flatten(),
                name,
                id,
            }
        })
        .collect()
}

/// One contest of a council's result, with the facts its seats are allocated on.
fn contest_results(
    ctx: &super::CouncilContext,
    result: &CouncilResult,
    ballot: &shailoo_domain::candidate::ballot::Ballot,
    counted: &[Protocol],
) -> ContestResults {
    use shailoo_domain::protocol::Line;
    let facts = &ctx.facts;
    let totals =
        shailoo_domain::results::aggregate(counted.iter().filter(|p| p.contest == ballot.contest));
    let won = |options: &[super::OptionResult]| -> Vec<Won> {
        options
            .iter()
            .map(|o| (o.id.clone(), o.seats, o.reserved))
            .collect()
    };
    let (seats, status, seats_of) = match &ballot.contest {
        Contest::PartyList => (
            facts.council.seats.get(),
            result.status,
            won(&result.options),
        ),
        Contest::District { district } => {
            let d = result.districts.iter().find(|d| &d.district == district);
            (
                facts.district_seats.get(district).copied().unwrap_or(0),
                d.map_or(ResultStatus::Incomplete, |d| d.status),
                d.map(|d| won(&d.options)).unwrap_or_default(),
            )
        }
    };
    let city = matches!(ballot.contest, Contest::PartyList);
    let options = option_results(facts, ballot, &totals, &seats_of);
    let params = &ctx.params;
    ContestResults {
        took_part: totals.line(Line::VotersTookPart),
        against_all: city.then(|| totals.line(Line::AgainstAll)),
        threshold_percent: city.then_some(u32::from(params.threshold_percent)),
        threshold_base: city.then_some(params.threshold_base),
        unfilled_list_seats: city.then_some(params.unfilled_list_seats),
        reserved_for_women: (!city).then(|| reserved_for_women(seats, params)),
        votes_allowed: if city {
            1
        } else {
            u32::from(params.aiyl_ballot_marks)
        },
        contest: ballot.contest.clone(),
        seats,
        status,
        options,
    }
}

/// One council's results as they stand at `now` (official where determined), summed from
/// `counted`.
pub async fn council_results<S: ResultsPorts + ?Sized>(
    store: &S,
    election: &ElectionId,
    council: &CouncilId,
    counted: &[Protocol],
    now: Timestamp,
) -> Result<CouncilResults, ResultsError> {
    let ctx = super::council_context(store, election, council, now).await?;
    let determined = store.determination(election, council).await?;
    let lots = determined
        .as_ref()
        .map(|d| d.lots.clone())
        .unwrap_or_default();
    let facts = &ctx.facts;
    let result = determine::determine(facts, counted, &ctx.params, &lots, "en")?;
    let contests = facts
        .ballots
        .iter()
        .map(|b| contest_results(&ctx, &result, b, counted))
        .collect();
    let mut expected: Vec<ExpectedProtocol> = facts
        .expected
        .iter()
        .map(|(station, contest)| ExpectedProtocol {
            station: *station,
            contest: contest.clone(),
        })
        .collect();
    expected.sort_by_key(|e| (e.station, contest_key(&e.contest)));
    Ok(CouncilResults {
        council: council.clone(),
        name: facts.council.name.clone(),
        kind: facts.council.kind,
        seats: facts.council.seats.get(),
        status: result.status,
        determined: determined.map(|d| Determined {
            at: d.at,
            late: d.late,
        }),
        took_part: result.took_part,
        protocols_accepted: result.protocols_accepted,
        protocols_expected: result.protocols_expected,
        expected,
        contests,
        lots,
        explanation: result.explanation,
        steps: result.steps,
    })
}

/// Every council's results (the councils the election elects, in its order), summed from
/// `counted` (the latest accepted version of each protocol, by council).
pub async fn election_results<S: ResultsPorts + ?Sized>(
    store: &S,
    election: &ElectionId,
    counted: &[(CouncilId, Protocol)],
    now: Timestamp,
) -> Result<ElectionResults, ResultsError> {
    let found = store
        .election(election)
        .await?
        .ok_or_else(|| ResultsError::UnknownElection(election.clone()))?;
    let mut councils = Vec::with_capacity(found.councils.len());
    for council in &found.councils {
        let mine: Vec<Protocol> = counted
            .iter()
            .filter(|(c, _)| c == council)
            .map(|(_, p)| p.clone())
            .collect();
        match council_results(store, election, council, &mine, now).await {
            Ok(c) => councils.push(c),
            // No ballot yet (registration open, nothing registered): nothing to publish.
            Err(ResultsError::BallotUnavailable(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(ElectionResults {
        format: FORMAT.to_owned(),
        election: election.clone(),
        name: found.name,
        voting_day: found.voting_day,
        generated_at: Timestamp::from_second(now.as_second()).unwrap_or(now),
        councils,
    })
}
