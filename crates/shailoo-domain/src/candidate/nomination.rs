//! Nominations (көрсөтүү / выдвижение): a party's closed list for a city council, or one
//! candidate in an aiyl district nominated by a party or by themselves (CAN-03), as data: the
//! entries in list order with their statuses, the legal grounds of the TEC's decisions (CAN-09),
//! each candidate's public status, and what makes two submissions the same one.
//!
//! The workflow that moves a nomination between statuses is in [`super::transitions`].

use super::eligibility::{CandidateCode, ListCode, Nominator};
use super::registry::CandidateIdentity;
use crate::calendar::{Action, Calendar};
use crate::ids::{CandidateId, CouncilId, DistrictId, ElectionId, PartyId, SeatCount};
use crate::params::{Coded, RuleParameters, coded_enum};
use crate::pin::Pin;
use crate::territory::CouncilKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What is nominated, for which contest (CAN-03).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NominationKind {
    /// A party's closed list for a city council (the whole city is one district); seats go in
    /// list order.
    CityList { party: PartyId },
    /// One candidate in a district of an aiyl council, by a party or self-nominated.
    District {
        district: DistrictId,
        nominator: Nominator,
    },
}

impl NominationKind {
    /// The kind of council this nomination is for (CAN-03: lists for city councils only).
    pub fn council_kind(&self) -> CouncilKind {
        match self {
            NominationKind::CityList { .. } => CouncilKind::City,
            NominationKind::District { .. } => CouncilKind::Aiyl,
        }
    }

    pub fn nominator(&self) -> Nominator {
        match self {
            NominationKind::CityList { party } => Nominator::Party(party.clone()),
            NominationKind::District { nominator, .. } => nominator.clone(),
        }
    }

    /// The nominating party, if any.
    pub fn party(&self) -> Option<&PartyId> {
        match self {
            NominationKind::CityList { party }
            | NominationKind::District {
                nominator: Nominator::Party(party),
                ..
            } => Some(party),
            NominationKind::District {
                nominator: Nominator::SelfNominated,
                ..
            } => None,
        }
    }

    pub fn is_list(&self) -> bool {
        matches!(self, NominationKind::CityList { .. })
    }

    /// The calendar action of filing (CAN-07: CAL-07 for lists, CAL-09 for aiyl candidates).
    pub fn nominate_action(&self) -> Action {
        match self {
            NominationKind::CityList { .. } => Action::NominateCityList,
            NominationKind::District { .. } => Action::NominateAiylCandidate,
        }
    }

    /// The calendar action of the TEC's decision (CAN-09: until CAL-08 or CAL-10).
    pub fn register_action(&self) -> Action {
        match self {
            NominationKind::CityList { .. } => Action::RegisterCityList,
            NominationKind::District { .. } => Action::RegisterAiylCandidate,
        }
    }
}

/// Where a nomination stands (see the diagram in [`super::transitions`]), with what the step
/// into it decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum NominationStatus {
    /// Being prepared by the nominator; not filed.
    Draft,
    /// Filed; the checks run and the TEC decides.
    Submitted,
    /// Registered by the TEC (каттоого алынды / зарегистрирован).
    Registered,
    /// Refused by the TEC with a legal ground (CAN-09).
    Refused { ground: Ground },
    /// A registration cancelled later, with its reason.
    Cancelled { cancellation: Cancellation },
    /// Withdrawn by the nominator (or, in a district, by the candidate).
    Withdrawn { by: WithdrawnBy },
}

impl NominationStatus {
    /// The stable snake_case code of the status, without its data.
    pub fn code(&self) -> &'static str {
        match self {
            NominationStatus::Draft => "draft",
            NominationStatus::Submitted => "submitted",
            NominationStatus::Registered => "registered",
            NominationStatus::Refused { .. } => "refused",
            NominationStatus::Cancelled { .. } => "cancelled",
            NominationStatus::Withdrawn { .. } => "withdrawn",
        }
    }

    /// Filed and not decided against: what holds a candidacy (CAN-05).
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            NominationStatus::Submitted | NominationStatus::Registered
        )
    }
}

impl fmt::Display for NominationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A legal ground for refusing a registration (CAN-09), naming its rule: a ground of candidate
/// eligibility (CAN-01…CAN-05, CAN-07, CAN-08) or of list composition (CAN-06). The pending
/// "not checked yet" findings are no ground, so they cannot be one.
///
/// Serialised as its code, e.g. `"CAN-01_under_age"`; translated by its message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ground(GroundCode);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum GroundCode {
    Candidate(CandidateCode),
    List(ListCode),
}

impl Ground {
    /// Every ground, candidate grounds first, in rule order of declaration: the choices of the
    /// TEC's refusal form.
    pub fn all() -> Vec<Ground> {
        CandidateCode::ALL
            .iter()
            .filter_map(|c| Ground::candidate(*c))
            .chain(ListCode::ALL.iter().map(|c| Ground::list(*c)))
            .collect()
    }

    /// The ground of a candidate finding; `None` for a pending one.
    pub fn candidate(code: CandidateCode) -> Option<Ground> {
        (!code.is_pending()).then_some(Ground(GroundCode::Candidate(code)))
    }

    pub fn list(code: ListCode) -> Ground {
        Ground(GroundCode::List(code))
    }

    pub fn as_candidate(self) -> Option<CandidateCode> {
        match self.0 {
            GroundCode::Candidate(c) => Some(c),
            GroundCode::List(_) => None,
        }
    }

    pub fn as_list(self) -> Option<ListCode> {
        match self.0 {
            GroundCode::List(c) => Some(c),
            GroundCode::Candidate(_) => None,
        }
    }

    pub fn from_code(code: &str) -> Option<Ground> {
        CandidateCode::from_code(code)
            .and_then(Ground::candidate)
            .or_else(|| ListCode::from_code(code).map(Ground::list))
    }

    fn coded(&self) -> &dyn Coded {
        match &self.0 {
            GroundCode::Candidate(c) => c,
            GroundCode::List(c) => c,
        }
    }
}

impl Coded for Ground {
    fn code(&self) -> &'static str {
        self.coded().code()
    }
    fn rule(&self) -> &'static str {
        self.coded().rule()
    }
    fn message_key(&self) -> &'static str {
        self.coded().message_key()
    }
    fn default_text(&self) -> &'static str {
        self.coded().default_text()
    }
}

impl TryFrom<String> for Ground {
    type Error = String;
    fn try_from(code: String) -> Result<Self, String> {
        Ground::from_code(&code).ok_or_else(|| format!("{code:?} is not a ground of refusal"))
    }
}

impl From<Ground> for String {
    fn from(g: Ground) -> String {
        g.code().to_owned()
    }
}

impl fmt::Display for Ground {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

coded_enum! {
    /// Why a registration was cancelled (CAN-09: "a registration can later be cancelled";
    /// Bishkek 2024: one party removed the day before voting).
    pub enum CancellationReason {
        /// A ground for refusal that came to light after registration.
        IneligibilityDiscovered = (
            "CAN-09_ineligibility_discovered", "CAN-09", "candidate-can-09-ineligibility-discovered",
            "A ground for refusal came to light after registration."
        ),
        /// A violation of the campaign rules found by the commission.
        CampaignViolation = (
            "CAN-09_campaign_violation", "CAN-09", "candidate-can-09-campaign-violation",
            "The election law's campaign rules were violated."
        ),
        /// A court decision.
        CourtDecision = (
            "CAN-09_court_decision", "CAN-09", "candidate-can-09-court-decision",
            "A court decided to cancel the registration."
        ),
    }
}

/// A cancellation: the reason and the commission's note (the decision it rests on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub reason: CancellationReason,
    pub note: String,
}

/// Who withdrew a nomination or a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithdrawnBy {
    /// The nominator: the party (through its representative) or the self-nominee.
    Nominator,
    /// The candidate, for their own candidacy.
    Candidate,
}

/// A candidate's status within a nomination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EntryStatus {
    /// On the list (or the district's candidate); follows the nomination's status.
    Standing,
    /// Left out of a registered list by the TEC, with the ground.
    Excluded { ground: Ground },
    /// Withdrawn from the list.
    Withdrawn { by: WithdrawnBy, at: Timestamp },
    /// Replaced on a list before registration.
    Replaced { by: CandidateId, at: Timestamp },
    /// Registration cancelled for this candidate alone.
    Cancelled {
        cancellation: Cancellation,
        at: Timestamp,
    },
}

/// One candidate of a nomination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The candidate's public id: what ballots and protocols name (never the PIN).
    pub candidate: CandidateId,
    pub identity: CandidateIdentity,
    /// When this candidate was filed: with the nomination, or later as a replacement. CAN-09's
    /// ten days run from here.
    pub filed_at: Option<Timestamp>,
    pub status: EntryStatus,
}

impl Entry {
    pub fn is_standing(&self) -> bool {
        matches!(self.status, EntryStatus::Standing)
    }

    pub fn pin(&self) -> Pin {
        self.identity.pin()
    }
}

/// A candidate's status as the public sees it (Talapker, the API's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CandidateStatus {
    /// Not filed yet (never public).
    Draft,
    /// Filed, awaiting the TEC's decision.
    Pending,
    Registered,
    Refused {
        ground: Ground,
    },
    Cancelled {
        reason: CancellationReason,
    },
    Withdrawn,
    Replaced,
}

/// The rules a nomination's steps are judged by: the election's calendar, its rule parameters
/// and the council's seats (CAN-06).
#[derive(Debug, Clone, Copy)]
pub struct Rules<'a> {
    pub calendar: &'a Calendar,
    pub params: &'a RuleParameters,
    pub seats: SeatCount,
}

/// What a filer submits: the same content submitted twice is one submission (a double click, a
/// resent form), a different one is a conflict. The store compares it with the stored
/// nomination to answer a repeated submit idempotently.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SubmissionContent {
    pub election: ElectionId,
    pub council: CouncilId,
    pub kind: NominationKind,
    /// The standing candidates in list order, by id and PIN.
    pub candidates: Vec<(CandidateId, Pin)>,
}

/// A nomination with its entries, in any status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    pub election: ElectionId,
    pub council: CouncilId,
    pub kind: NominationKind,
    /// In list order; entries no longer standing stay, for the history.
    pub entries: Vec<Entry>,
    pub status: NominationStatus,
    /// 1 when created, one more on every change.
    pub version: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    /// When the TEC registered or refused.
    pub decided_at: Option<Timestamp>,
}

impl Nomination {
    /// The standing entries with their list positions (1, 2, …).
    pub fn standing(&self) -> impl Iterator<Item = (u32, &Entry)> {
        self.entries
            .iter()
            .filter(|e| e.is_standing())
            .zip(1u32..)
            .map(|(e, position)| (position, e))
    }

    pub fn entry(&self, candidate: &CandidateId) -> Option<&Entry> {
        self.entries.iter().find(|e| &e.candidate == candidate)
    }

    /// The list position of a standing candidate.
    pub fn position(&self, candidate: &CandidateId) -> Option<u32> {
        self.standing()
            .find(|(_, e)| &e.candidate == candidate)
            .map(|(p, _)| p)
    }

    /// CAN-05: whether this nomination holds a live candidacy of `pin`: filed (submitted or
    /// registered) and standing. A draft holds none: two nominators may prepare the same person,
    /// and the first to file takes the candidacy.
    pub fn holds(&self, pin: &Pin) -> bool {
        self.status.is_live() && self.standing().any(|(_, e)| e.pin() == *pin)
    }

    /// What a submission of this nomination consists of.
    pub fn content(&self) -> SubmissionContent {
        SubmissionContent {
            election: self.election.clone(),
            council: self.council.clone(),
            kind: self.kind.clone(),
            candidates: self
                .standing()
                .map(|(_, e)| (e.candidate.clone(), e.pin()))
                .collect(),
        }
    }

    /// The public status of one of the nomination's candidates.
    pub fn candidate_status(&self, candidate: &CandidateId) -> Option<CandidateStatus> {
        let entry = self.entry(candidate)?;
        Some(match &entry.status {
            EntryStatus::Excluded { ground } => CandidateStatus::Refused { ground: *ground },
            EntryStatus::Withdrawn { .. } => CandidateStatus::Withdrawn,
            EntryStatus::Replaced { .. } => CandidateStatus::Replaced,
            EntryStatus::Cancelled { cancellation, .. } => CandidateStatus::Cancelled {
                reason: cancellation.reason,
            },
            EntryStatus::Standing => match &self.status {
                NominationStatus::Draft => CandidateStatus::Draft,
                NominationStatus::Submitted => CandidateStatus::Pending,
                NominationStatus::Registered => CandidateStatus::Registered,
                NominationStatus::Refused { ground } => {
                    CandidateStatus::Refused { ground: *ground }
                }
                NominationStatus::Cancelled { cancellation } => CandidateStatus::Cancelled {
                    reason: cancellation.reason,
                },
                NominationStatus::Withdrawn { .. } => CandidateStatus::Withdrawn,
            },
        })
    }
}
