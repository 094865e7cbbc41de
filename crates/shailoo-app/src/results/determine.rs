//! Determination of a council's result (RES-06…RES-10): the accepted protocols summed per
//! contest (the domain's [`Totals`]) and handed to `shailoo-apportionment` with the election's
//! rule parameters in force. Pure: the facts are read by the use case.
//!
//! The status is `incomplete` while an expected protocol (a home station × its contest) is not
//! accepted, `lots_required` when a tie decides a seat (RES-08: the commission draws lots and
//! records the drawing, which is passed back as `lots`), `failed` when no list passed the
//! threshold (RES-09), else `completed`.

use super::model::{CouncilResult, DistrictResult, ExplainedStep, OptionResult, ResultsError};
use shailoo_apportionment::{
    CandidateVotes, DistrictInput, ListVotes, Lots, Outcome, PartyListInput, Sex as SeatSex,
    ThresholdBase as SeatBase, UnfilledListSeats as SeatUnfilled, allocate_district,
    allocate_party_list,
};
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel};
use shailoo_domain::district::{DistrictId, reserved_for_women};
use shailoo_domain::params::{RuleParameters, ThresholdBase, UnfilledListSeats};
use shailoo_domain::protocol::{BallotOption, Contest, Line, Protocol};
use shailoo_domain::results::{ResultStatus, Totals, aggregate};
use shailoo_domain::territory::{Council, CouncilKind};
use shailoo_domain::{Sex, StationNumber};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The id of the "against all" line in a result.
pub const AGAINST_ALL_ID: &str = "against_all";

/// What a council's determination needs besides its protocols.
#[derive(Debug, Clone)]
pub struct CouncilFacts {
    pub council: Council,
    /// The ballot of each contest (one for a city council, one per district of an aiyl one).
    pub ballots: Vec<Ballot>,
    /// The protocols that must be accepted: each home station with each contest it holds.
    pub expected: Vec<(StationNumber, Contest)>,
    /// An aiyl council's district mandates.
    pub district_seats: BTreeMap<DistrictId, u32>,
    /// RES-09: a party's candidates still standing on its list.
    pub list_sizes: HashMap<String, u64>,
    /// DIS-04/RES-10: a candidate's sex, by candidate id.
    pub sexes: HashMap<String, Sex>,
}

fn option_id(option: &BallotOption) -> String {
    match option {
        BallotOption::Party(p) => p.to_string(),
        BallotOption::Candidate(c) => c.to_string(),
    }
}

fn label(ballot: &Ballot, option: &BallotOption, lang: &str) -> String {
    ballot
        .lines
        .iter()
        .find(|l| &l.option == option)
        .map(|l| match &l.label {
            BallotLabel::Party { name } => name.get(lang).to_owned(),
            BallotLabel::Candidate { name, .. } => name.to_string(),
        })
        .unwrap_or_else(|| option_id(option))
}

fn lots_for(lots: &[Lots], ids: &HashSet<String>) -> Vec<Lots> {
    lots.iter()
        .filter(|l| l.tied.iter().all(|t| ids.contains(t)))
        .cloned()
        .collect()
}

/// The parts of one determination that every contest's allocation reads.
struct Determining<'a> {
    facts: &'a CouncilFacts,
    params: &'a RuleParameters,
    lots: &'a [Lots],
    lang: &'a str,
    /// Every expected protocol is accepted: only then are seats allocated.
    complete: bool,
}

fn totals_of(counted: &[Protocol], contest: &Contest) -> Totals {
    aggregate(counted.iter().filter(|p| &p.contest == contest))
}

/// Determines a council's result from its counted protocols (the latest accepted version of
/// each, remote stations' included).
pub fn determine(
    facts: &CouncilFacts,
    counted: &[Protocol],
    params: &RuleParameters,
    lots: &[Lots],
    lang: &str,
) -> Result<CouncilResult, ResultsError> {
    let have: HashSet<(StationNumber, &Contest)> =
        counted.iter().map(|p| (p.station, &p.contest)).collect();
    let accepted = facts
        .expected
        .iter()
        .filter(|(s, c)| have.contains(&(*s, c)))
        .count() as u64;
    let run = Determining {
        facts,
        params,
        lots,
        lang,
        complete: accepted == facts.expected.len() as u64,
    };
    let mut result = CouncilResult {
        council: facts.council.id.clone(),
        status: ResultStatus::Incomplete,
        took_part: 0,
        protocols_accepted: accepted,
        protocols_expected: facts.expected.len() as u64,
        options: Vec::new(),
        districts: Vec::new(),
        lots_required: Vec::new(),
        explanation: Vec::new(),
        steps: Vec::new(),
    };
    match facts.council.kind {
        CouncilKind::City => run.city(counted, &mut result)?,
        CouncilKind::Aiyl => run.aiyl(counted, &mut result)?,
    }
    Ok(result)
}

impl Determining<'_> {
    /// A city council: its one party-list contest, allocated once complete.
    fn city(&self, counted: &[Protocol], result: &mut CouncilResult) -> Result<(), ResultsError> {
        let totals = totals_of(counted, &Contest::PartyList);
        result.took_part = totals.line(Line::VotersTookPart);
        let Some(ballot) = self.facts.ballots.first() else {
            return Ok(());
        };
        let seats = if self.complete {
            self.allocate_city(ballot, &totals, result)?
        } else {
            HashMap::new()
        };
        result.options = city_options(ballot, &totals, &seats, self.lang);
        Ok(())
    }

    /// The party-list allocation (RES-06…RES-09): its status, explanation and any tie in
    /// `result`, the seats of each list returned.
    fn allocate_city(
        &self,
        ballot: &Ballot,
        totals: &Totals,
        result: &mut CouncilResult,
    ) -> Result<HashMap<String, u64>, ResultsError> {
        let input = self.party_list_input(ballot, totals, result.took_part);
        let report =
            allocate_party_list(&input).map_err(|e| ResultsError::BadLots(e.to_string()))?;
        result.explanation = report
            .explanation_text()
            .lines()
            .map(str::to_owned)
            .collect();
        result.steps = report
            .explanation
            .iter()
            .map(|step| ExplainedStep {
                district: None,
                step: step.clone(),
            })
            .collect();
        let mut seats = HashMap::new();
        result.status = match report.outcome {
            Outcome::Completed(a) => {
                seats = a.lists.into_iter().map(|l| (l.id, l.seats)).collect();
                ResultStatus::Completed
            }
            Outcome::LotsRequired(l) => {
                result.lots_required.push(l);
                ResultStatus::LotsRequired
            }
            Outcome::Failed(_) => ResultStatus::Failed,
        };
        Ok(seats)
    }

    /// What the apportionment is asked: the lists' votes and sizes, the council's seats and
    /// the parameters in force, with the drawings of lots among these lists.
    fn party_list_input(&self, ballot: &Ballot, totals: &Totals, took_part: u64) -> PartyListInput {
        let lists: Vec<ListVotes> = ballot
            .options()
            .map(|o| ListVotes {
                id: option_id(o),
                votes: totals.votes_of(o),
                candidates: self.facts.list_sizes.get(&option_id(o)).copied(),
            })
            .collect();
        let ids: HashSet<String> = lists.iter().map(|l| l.id.clone()).collect();
        PartyListInput {
            seats: u64::from(self.facts.council.seats.get()),
            took_part,
            threshold_percent: u32::from(self.params.threshold_percent),
            threshold_base: match self.params.threshold_base {
                ThresholdBase::VotersWhoTookPart => SeatBase::VotersWhoTookPart,
                ThresholdBase::ValidVotes => SeatBase::ValidVotes,
            },
            unfilled_list_seats: match self.params.unfilled_list_seats {
                UnfilledListSeats::NextLargestRemainders => SeatUnfilled::NextLargestRemainders,
                UnfilledListSeats::Vacant => SeatUnfilled::Vacant,
            },
            lists,
            against_all: totals.line(Line::AgainstAll),
            lots: lots_for(self.lots, &ids),
        }
    }

    /// An aiyl council: each district of its scheme; complete, the council waits for lots
    /// while any district does.
    fn aiyl(&self, counted: &[Protocol], result: &mut CouncilResult) -> Result<(), ResultsError> {
        for ballot in &self.facts.ballots {
            let Contest::District { district } = &ballot.contest else {
                continue;
            };
            let totals = totals_of(counted, &ballot.contest);
            let seats = self
                .facts
                .district_seats
                .get(district)
                .copied()
                .unwrap_or(0);
            let d = self.aiyl_district(ballot, district, seats, &totals, result)?;
            result.took_part += d.took_part;
            result.districts.push(d);
        }
        if self.complete {
            result.status = if result
                .districts
                .iter()
                .any(|d| d.status == ResultStatus::LotsRequired)
            {
                ResultStatus::LotsRequired
            } else {
                ResultStatus::Completed
            };
        }
        Ok(())
    }

    /// An aiyl district: its candidates' votes and, once complete, who is elected (RES-10's
    /// reserved mandates).
    fn aiyl_district(
        &self,
        ballot: &Ballot,
        district: &DistrictId,
        seats: u32,
        totals: &Totals,
        result: &mut CouncilResult,
    ) -> Result<DistrictResult, ResultsError> {
        let (status, elected) = if self.complete && seats > 0 {
            self.elect(ballot, district, seats, totals, result)?
        } else {
            (ResultStatus::Incomplete, HashMap::new())
        };
        let decided = status == ResultStatus::Completed;
        Ok(DistrictResult {
            district: district.clone(),
            status,
            seats,
            took_part: totals.line(Line::VotersTookPart),
            options: ballot
                .options()
                .map(|o| {
                    let id = option_id(o);
                    let won = elected.get(&id).copied();
                    OptionResult {
                        name: label(ballot, o, self.lang),
                        votes: totals.votes_of(o),
                        seats: decided.then(|| u64::from(won.is_some())),
                        reserved: won == Some(true),
                        id,
                    }
                })
                .collect(),
        })
    }

    /// A district's allocation (RES-10): its status and the elected with their reserved flag;
    /// its explanation and any tie go to `result`.
    fn elect(
        &self,
        ballot: &Ballot,
        district: &DistrictId,
        seats: u32,
        totals: &Totals,
        result: &mut CouncilResult,
    ) -> Result<(ResultStatus, HashMap<String, bool>), ResultsError> {
        let candidates: Vec<CandidateVotes> = ballot
            .options()
            .map(|o| CandidateVotes {
                id: option_id(o),
                sex: match self.facts.sexes.get(&option_id(o)) {
                    Some(Sex::Female) => SeatSex::Female,
                    _ => SeatSex::Male,
                },
                votes: totals.votes_of(o),
            })
            .collect();
        let ids: HashSet<String> = candidates.iter().map(|c| c.id.clone()).collect();
        let input = DistrictInput {
            seats: u64::from(seats),
            reserved_for_women: Some(u64::from(reserved_for_women(seats, self.params))),
            candidates,
            lots: lots_for(self.lots, &ids),
        };
        let report = allocate_district(&input).map_err(|e| ResultsError::BadLots(e.to_string()))?;
        result.explanation.push(format!("district {district}:"));
        result
            .explanation
            .extend(report.explanation_text().lines().map(str::to_owned));
        result
            .steps
            .extend(report.explanation.iter().map(|step| ExplainedStep {
                district: Some(district.clone()),
                step: step.clone(),
            }));
        Ok(match report.outcome {
            Outcome::Completed(a) => (
                ResultStatus::Completed,
                a.elected.into_iter().map(|e| (e.id, e.reserved)).collect(),
            ),
            Outcome::LotsRequired(l) => {
                result.lots_required.push(l);
                (ResultStatus::LotsRequired, HashMap::new())
            }
            Outcome::Failed(_) => (ResultStatus::Failed, HashMap::new()),
        })
    }
}

/// A city council's lines: each list with its votes and seats (none while incomplete), then
/// "against all", which wins no seat.
fn city_options(
    ballot: &Ballot,
    totals: &Totals,
    seats: &HashMap<String, u64>,
    lang: &str,
) -> Vec<OptionResult> {
    let mut options: Vec<OptionResult> = ballot
        .options()
        .map(|o| OptionResult {
            id: option_id(o),
            name: label(ballot, o, lang),
            votes: totals.votes_of(o),
            seats: seats.get(&option_id(o)).copied(),
            reserved: false,
        })
        .collect();
    options.push(OptionResult {
        id: AGAINST_ALL_ID.to_owned(),
        name: match lang {
            "ru" => "Против всех",
            "en" => "Against all",
            _ => "Баарына каршы",
        }
        .to_owned(),
        votes: totals.line(Line::AgainstAll),
        seats: None,
        reserved: false,
    });
    options
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests;
