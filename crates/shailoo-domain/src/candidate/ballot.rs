//! Ballots (бюллетень): the content of each contest's ballot, fixed from the registered lists
//! and candidates once registration closes (RES-02). The results count exactly these options:
//! a [`BallotOption`] is what a protocol's votes are given for.
//!
//! * A city council has one ballot: the parties with a registered list, in the order the
//!   commission sets (a drawing of lots, in practice), then the line "against all" (баарына
//!   каршы / против всех).
//! * An aiyl council has one ballot per district: its registered candidates, in the order of
//!   [`RuleParameters::aiyl_ballot_order`] (Kyrgyz alphabetical by default), without an
//!   "against all" line (RES-04 counts it for party lists only).

use super::Nominator;
use super::nomination::{Nomination, NominationKind, NominationStatus};
use super::party::Party;
use super::registry::PersonName;
use crate::calendar::{Action, ActionClosed, Calendar};
use crate::codes::ErrorCode;
use crate::collation::compare_ky;
use crate::ids::{CandidateId, CouncilId, DistrictId, ElectionId, PartyId};
use crate::params::{BallotOrder, RuleParameters};
use crate::protocol::{BallotOption, Contest};
use crate::territory::{Council, CouncilKind, LocalizedName};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeSet;

/// What a ballot line says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BallotLabel {
    Party {
        name: LocalizedName,
    },
    Candidate {
        name: PersonName,
        birth_year: i16,
        /// The nominating party's name; `None` for a self-nominee.
        nominated_by: Option<LocalizedName>,
    },
}

/// One line of a ballot that can receive votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotLine {
    /// The printed number, from 1.
    pub number: u32,
    pub option: BallotOption,
    pub label: BallotLabel,
}

/// The content of one contest's ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub election: ElectionId,
    pub council: CouncilId,
    pub contest: Contest,
    /// In ballot order.
    pub lines: Vec<BallotLine>,
    /// RES-02: the last line is "against all" (city ballots).
    pub against_all: bool,
}

impl Ballot {
    /// The options in ballot order: what a protocol of this contest gives votes for.
    pub fn options(&self) -> impl Iterator<Item = &BallotOption> {
        self.lines.iter().map(|l| &l.option)
    }
}

/// Why a ballot cannot be fixed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    /// RES-02: the content is fixed once registration closes (CAL-08, CAL-10), not before.
    #[error("registration is still open until {closes_at:?}; the ballot is fixed after it")]
    RegistrationOpen { closes_at: Option<Timestamp> },
    /// CAN-03: a city ballot is for a city council, district ballots for an aiyl council.
    #[error("council {0} is not of the kind this ballot is for")]
    WrongCouncilKind(CouncilId),
    /// The commission's order must name each party with a registered list exactly once.
    #[error("the order must name each party with a registered list once")]
    OrderMismatch {
        missing: Vec<PartyId>,
        unknown: Vec<PartyId>,
    },
    /// A party with a registered list, or a nominating party, is not among the parties given.
    #[error("party {0} is unknown")]
    UnknownParty(PartyId),
    /// One party, two registered lists for the same council.
    #[error("party {0} has more than one registered list")]
    DuplicateList(PartyId),
    /// A registered nomination names a district the council does not have.
    #[error("district {0} is not a district of the council")]
    UnknownDistrict(DistrictId),
}

impl BallotError {
    pub fn code(&self) -> ErrorCode {
        match self {
            BallotError::RegistrationOpen { .. } => ErrorCode::BallotRegistrationOpen,
            BallotError::WrongCouncilKind(_) => ErrorCode::BallotWrongCouncilKind,
            BallotError::OrderMismatch { .. } => ErrorCode::BallotOrderMismatch,
            BallotError::UnknownParty(_) => ErrorCode::BallotUnknownParty,
            BallotError::DuplicateList(_) => ErrorCode::BallotDuplicateList,
            BallotError::UnknownDistrict(_) => ErrorCode::BallotUnknownDistrict,
        }
    }
}

fn registration_closed(
    calendar: &Calendar,
    action: Action,
    now: Timestamp,
) -> Result<(), BallotError> {
    match calendar.check(action, now) {
        Err(ActionClosed::Closed { .. }) => Ok(()),
        _ => Err(BallotError::RegistrationOpen {
            closes_at: calendar.window(action).1,
        }),
    }
}

/// What a council's ballots are fixed from.
#[derive(Debug, Clone, Copy)]
pub struct BallotSource<'a> {
    pub election: &'a ElectionId,
    pub council: &'a Council,
    /// The council's nominations in any status: only the registered ones make the ballot.
    pub nominations: &'a [Nomination],
    /// The parties, for their names.
    pub parties: &'a [Party],
    pub calendar: &'a Calendar,
}

impl<'a> BallotSource<'a> {
    /// The registered nominations of this council and election.
    fn registered(&self) -> impl Iterator<Item = &'a Nomination> + use<'a> {
        let (election, council) = (self.election, &self.council.id);
        self.nominations.iter().filter(move |n| {
            n.status == NominationStatus::Registered
                && &n.election == election
                && &n.council == council
        })
    }
}

fn party_name(parties: &[Party], id: &PartyId) -> Result<LocalizedName, BallotError> {
    parties
        .iter()
        .find(|p| &p.id == id)
        .map(|p| p.name.clone())
        .ok_or_else(|| BallotError::UnknownParty(id.clone()))
}

/// RES-02: the city ballot: the parties with a registered list in `order` (the commission's),
/// then "against all". Fixed only after registration closes (CAL-08).
pub fn city_ballot(
    source: &BallotSource<'_>,
    order: &[PartyId],
    now: Timestamp,
) -> Result<Ballot, BallotError> {
    let BallotSource {
        election,
        council,
        parties,
        calendar,
        ..
    } = *source;
    if council.kind != CouncilKind::City {
        return Err(BallotError::WrongCouncilKind(council.id.clone()));
    }
    registration_closed(calendar, Action::RegisterCityList, now)?;
    let mut listed = BTreeSet::new();
    for n in source.registered() {
        if let NominationKind::CityList { party } = &n.kind
            && !listed.insert(party.clone())
        {
            return Err(BallotError::DuplicateList(party.clone()));
        }
    }
    let ordered: BTreeSet<PartyId> = order.iter().cloned().collect();
    if ordered != listed || ordered.len() != order.len() {
        let missing = listed.difference(&ordered).cloned().collect();
        let unknown = ordered.difference(&listed).cloned().collect();
        return Err(BallotError::OrderMismatch { missing, unknown });
    }
    let lines = order
        .iter()
        .zip(1u32..)
        .map(|(party, number)| {
            Ok(BallotLine {
                number,
                option: BallotOption::Party(party.clone()),
                label: BallotLabel::Party {
                    name: party_name(parties, party)?,
                },
            })
        })
        .collect::<Result<Vec<_>, BallotError>>()?;
    Ok(Ballot {
        election: election.clone(),
        council: council.id.clone(),
        contest: Contest::PartyList,
        lines,
        against_all: true,
    })
}

/// A candidate of a district ballot, before numbering.
struct DistrictCandidate {
    id: CandidateId,
    name: PersonName,
    birth_date: Date,
    registered_at: Option<Timestamp>,
    nominated_by: Option<LocalizedName>,
}

/// Kyrgyz alphabetical order of surname, given name and patronymic; namesakes by birth date,
/// then by id, so the order is total.
fn alphabetical(a: &DistrictCandidate, b: &DistrictCandidate) -> Ordering {
    compare_ky(a.name.surname(), b.name.surname())
        .then_with(|| compare_ky(a.name.given_name(), b.name.given_name()))
        .then_with(|| {
            compare_ky(
                a.name.patronymic().unwrap_or(""),
                b.name.patronymic().unwrap_or(""),
            )
        })
        .then_with(|| a.birth_date.cmp(&b.birth_date))
        .then_with(|| a.id.cmp(&b.id))
}

/// The registered candidates of each of `districts`, in input order.
fn by_district(
    source: &BallotSource<'_>,
    districts: &[DistrictId],
) -> Result<Vec<Vec<DistrictCandidate>>, BallotError> {
    let mut by_district: Vec<Vec<DistrictCandidate>> =
        districts.iter().map(|_| Vec::new()).collect();
    for n in source.registered() {
        let NominationKind::District {
            district,
            nominator,
        } = &n.kind
        else {
            continue;
        };
        let slot = districts
            .iter()
            .position(|d| d == district)
            .ok_or_else(|| BallotError::UnknownDistrict(district.clone()))?;
        let nominated_by = match nominator {
            Nominator::Party(party) => Some(party_name(source.parties, party)?),
            Nominator::SelfNominated => None,
        };
        for (_, e) in n.standing() {
            by_district[slot].push(DistrictCandidate {
                id: e.candidate.clone(),
                name: e.identity.name().clone(),
                birth_date: e.identity.birth_date(),
                registered_at: n.decided_at,
                nominated_by: nominated_by.clone(),
            });
        }
    }
    Ok(by_district)
}

/// One district's ballot, its candidates in the order the parameter names.
fn district_ballot(
    source: &BallotSource<'_>,
    district: &DistrictId,
    mut candidates: Vec<DistrictCandidate>,
    order: BallotOrder,
) -> Ballot {
    match order {
        BallotOrder::Alphabetical => candidates.sort_by(alphabetical),
        BallotOrder::Registration => candidates.sort_by(|a, b| {
            a.registered_at
                .cmp(&b.registered_at)
                .then_with(|| alphabetical(a, b))
        }),
    }
    Ballot {
        election: source.election.clone(),
        council: source.council.id.clone(),
        contest: Contest::District {
            district: district.clone(),
        },
        lines: candidates
            .into_iter()
            .zip(1u32..)
            .map(|(c, number)| BallotLine {
                number,
                option: BallotOption::Candidate(c.id),
                label: BallotLabel::Candidate {
                    birth_year: c.birth_date.year(),
                    name: c.name,
                    nominated_by: c.nominated_by,
                },
            })
            .collect(),
        against_all: false,
    }
}

/// The ballots of an aiyl council, one per district in the order of `districts` (a district
/// without registered candidates has an empty one: the commission must see it). Fixed only
/// after registration closes (CAL-10).
pub fn district_ballots(
    source: &BallotSource<'_>,
    districts: &[DistrictId],
    params: &RuleParameters,
    now: Timestamp,
) -> Result<Vec<Ballot>, BallotError> {
    if source.council.kind != CouncilKind::Aiyl {
        return Err(BallotError::WrongCouncilKind(source.council.id.clone()));
    }
    registration_closed(source.calendar, Action::RegisterAiylCandidate, now)?;
    let candidates = by_district(source, districts)?;
    Ok(districts
        .iter()
        .zip(candidates)
        .map(|(district, candidates)| {
            district_ballot(source, district, candidates, params.aiyl_ballot_order)
        })
        .collect())
}
