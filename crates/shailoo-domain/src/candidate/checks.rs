//! The automated checks of a filed nomination ("Electronic candidate", CAN-08): a pure function
//! from the registries' answers, the nomination and the election to a list of check results.
//!
//! Every check ends in one of three ways:
//!
//! * **pass**, with the evidence of the registry answer it rests on;
//! * **fail**, naming the legal [`Ground`] (and so its rule), with that evidence;
//! * **could not check**: the registry was down, slow or answered nonsense ([`Unanswered`]).
//!   That is never a verdict about the person; the TEC re-runs the check.
//!
//! The checks per candidate, in this order: age on voting day and community membership (CAN-01,
//! civil registry), secondary education (CAN-01), citizenship (CAN-08), unexpunged conviction,
//! imprisonment and incapacity (CAN-02, one answer of the Interior Ministry), party membership
//! (CAN-04, party nominees only), then the system's own: one candidacy per person per election
//! (CAN-05) and the filing deadline (CAN-07). A city list adds its composition (CAN-06). The
//! judgements themselves are [`check_candidate`] and [`check_party_list`]; this module feeds
//! them the answers and files each finding under its check.

use super::eligibility::{
    CandidateCheck, CandidateCode, CandidateFacts, ListCode, check_candidate, check_party_list,
    multiple_candidacies,
};
use super::nomination::{Entry, Ground, Nomination, NominationKind, Rules};
use super::party::Party;
use super::registry::{
    Answered, CitizenshipAnswer, CriminalRecordAnswer, EducationAnswer, Evidence,
    PartyMembershipAnswer, Registry, Reply, Unanswered,
};
use crate::codes::ErrorCode;
use crate::ids::{CandidateId, TerritoryId};
use crate::params::coded_enum;
use crate::pin::Pin;
use crate::voter::VoterCheck;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

coded_enum! {
    /// One automated check of a nomination (CAN-08).
    pub enum Check {
        /// CAN-01: 21 or older on voting day (civil registry).
        Age = (
            "CAN-01.age", "CAN-01", "candidate-check-can-01-age",
            "Age on voting day"
        ),
        /// CAN-01: a member of the council's local community: registered there, in time or with
        /// a permanent-residence stamp (the VOT-04 test; civil registry).
        Community = (
            "CAN-01.community", "CAN-01", "candidate-check-can-01-community",
            "Member of the local community"
        ),
        /// CAN-01: at least general secondary education (education registry).
        Education = (
            "CAN-01.education", "CAN-01", "candidate-check-can-01-education",
            "Secondary education"
        ),
        /// CAN-08: a citizen of the Kyrgyz Republic (citizenship registry).
        Citizenship = (
            "CAN-08.citizenship", "CAN-08", "candidate-check-can-08-citizenship",
            "Citizenship"
        ),
        /// CAN-02: no unexpunged conviction (Interior Ministry).
        Conviction = (
            "CAN-02.conviction", "CAN-02", "candidate-check-can-02-conviction",
            "No unexpunged conviction"
        ),
        /// CAN-02: not imprisoned by a sentence (Interior Ministry).
        Imprisonment = (
            "CAN-02.imprisonment", "CAN-02", "candidate-check-can-02-imprisonment",
            "Not imprisoned"
        ),
        /// CAN-02: not declared incapable by a court (Interior Ministry).
        Incapacity = (
            "CAN-02.incapacity", "CAN-02", "candidate-check-can-02-incapacity",
            "Legal capacity"
        ),
        /// CAN-04: a party nominee is no member of another party (party-membership registry).
        PartyMembership = (
            "CAN-04.party_membership", "CAN-04", "candidate-check-can-04-party-membership",
            "Not a member of another party"
        ),
        /// CAN-05: one candidacy per person per election.
        OneCandidacy = (
            "CAN-05.one_candidacy", "CAN-05", "candidate-check-can-05-one-candidacy",
            "One candidacy in the election"
        ),
        /// CAN-07: filed before the nomination deadline.
        Deadline = (
            "CAN-07.deadline", "CAN-07", "candidate-check-can-07-deadline",
            "Filed in time"
        ),
        /// CAN-06: at most the allowed share of one sex on a city list.
        ListSexShare = (
            "CAN-06.sex_share", "CAN-06", "candidate-check-can-06-sex-share",
            "Share of each sex on the list"
        ),
        /// CAN-06: the list's length (at most the seats; at least a configured minimum).
        ListLength = (
            "CAN-06.length", "CAN-06", "candidate-check-can-06-length",
            "Length of the list"
        ),
    }
}

impl Check {
    /// The registry the check asks; `None` for the system's own checks.
    pub fn registry(self) -> Option<Registry> {
        match self {
            Check::Age | Check::Community => Some(Registry::Civil),
            Check::Education => Some(Registry::Education),
            Check::Citizenship => Some(Registry::Citizenship),
            Check::Conviction | Check::Imprisonment | Check::Incapacity => {
                Some(Registry::CriminalRecord)
            }
            Check::PartyMembership => Some(Registry::PartyMembership),
            Check::OneCandidacy | Check::Deadline | Check::ListSexShare | Check::ListLength => None,
        }
    }

    /// The check a finding of [`check_candidate`] belongs to, grounds and pending alike;
    /// `None` for deficient documents, which the TEC finds by reading them, not by a check.
    pub fn of(code: CandidateCode) -> Option<Check> {
        use CandidateCode as C;
        Some(match code {
            C::UnderAge => Check::Age,
            C::NotCommunityMember | C::CommunityUnchecked => Check::Community,
            C::NoSecondaryEducation | C::EducationUnchecked => Check::Education,
            C::NotCitizen | C::CitizenshipUnchecked => Check::Citizenship,
            C::UnexpungedConviction | C::CriminalRecordUnchecked => Check::Conviction,
            C::Imprisoned | C::ImprisonmentUnchecked => Check::Imprisonment,
            C::CourtIncapable | C::IncapacityUnchecked => Check::Incapacity,
            C::MemberOfOtherParty | C::PartyMembershipUnchecked => Check::PartyMembership,
            C::MultipleCandidacies => Check::OneCandidacy,
            C::FiledLate => Check::Deadline,
            C::DocumentsDeficient => return None,
        })
    }
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckOutcome {
    Pass,
    Fail {
        ground: Ground,
    },
    /// The registry gave no usable answer: no verdict about the person.
    CouldNotCheck {
        unanswered: Unanswered,
    },
}

/// One check's result with the evidence of the answer it rests on (`None` for the system's own
/// checks, and when the registry did not answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: Check,
    pub outcome: CheckOutcome,
    pub evidence: Option<Evidence>,
}

impl CheckResult {
    pub fn passed(&self) -> bool {
        self.outcome == CheckOutcome::Pass
    }
}

/// The answers of the four registries besides the civil one (whose answer is the candidate's
/// [`CandidateIdentity`](super::registry::CandidateIdentity)) for one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryAnswers {
    pub citizenship: Reply<CitizenshipAnswer>,
    pub criminal_record: Reply<CriminalRecordAnswer>,
    pub education: Reply<EducationAnswer>,
    /// Asked for party nominees only (CAN-04); `None` for a self-nominee.
    pub party_membership: Option<Reply<PartyMembershipAnswer>>,
}

/// What the checks need besides the nomination and the answers.
#[derive(Clone, Copy)]
pub struct CheckContext<'a> {
    pub rules: Rules<'a>,
    /// The nominating party (CAN-04 compares registration numbers); `None` for a self-nominee.
    pub party: Option<&'a Party>,
    /// Whether a settlement lies in the territory of the nomination's council: the caller
    /// knows the territory tree (as for VOT-04).
    pub in_council_territory: &'a dyn Fn(&TerritoryId) -> bool,
    /// CAN-05: whether a person holds a live candidacy in another nomination of the election.
    pub candidacy_elsewhere: &'a dyn Fn(&Pin) -> bool,
}

/// Inputs that do not belong together: a fault of the caller, not of the candidate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInputError {
    #[error("no registry answers for candidate {0}")]
    MissingAnswers(CandidateId),
    #[error("candidate {0} has not been filed")]
    NotFiled(CandidateId),
    #[error("the party given is not the nominating party")]
    PartyMismatch,
    #[error("a party nominee needs the party-membership registry's answer")]
    MissingPartyMembership,
}

impl CheckInputError {
    pub fn code(&self) -> ErrorCode {
        match self {
            CheckInputError::MissingAnswers(_) => ErrorCode::CheckMissingAnswers,
            CheckInputError::NotFiled(_) => ErrorCode::CheckNotFiled,
            CheckInputError::PartyMismatch => ErrorCode::CheckPartyMismatch,
            CheckInputError::MissingPartyMembership => ErrorCode::CheckMissingPartyMembership,
        }
    }
}

/// The results of one candidate's checks, in the order of the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryReport {
    pub candidate: CandidateId,
    pub results: Vec<CheckResult>,
}

/// What the results add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    /// Every check passed.
    Clear,
    /// At least one check failed (could-not-checks cannot change that).
    Failed,
    /// None failed, but some could not be checked.
    Incomplete,
}

fn outcome_of<'a>(results: impl IntoIterator<Item = &'a CheckResult>) -> ReportOutcome {
    let mut incomplete = false;
    for r in results {
        match r.outcome {
            CheckOutcome::Fail { .. } => return ReportOutcome::Failed,
            CheckOutcome::CouldNotCheck { .. } => incomplete = true,
            CheckOutcome::Pass => {}
        }
    }
    if incomplete {
        ReportOutcome::Incomplete
    } else {
        ReportOutcome::Clear
    }
}

impl EntryReport {
    pub fn outcome(&self) -> ReportOutcome {
        outcome_of(&self.results)
    }

    pub fn result(&self, check: Check) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.check == check)
    }
}

/// The results of a nomination's checks: per standing candidate, and for a city list its
/// composition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NominationReport {
    pub entries: Vec<EntryReport>,
    pub list: Vec<CheckResult>,
}

impl NominationReport {
    pub fn outcome(&self) -> ReportOutcome {
        outcome_of(
            self.entries
                .iter()
                .flat_map(|e| &e.results)
                .chain(&self.list),
        )
    }

    pub fn entry(&self, candidate: &CandidateId) -> Option<&EntryReport> {
        self.entries.iter().find(|e| &e.candidate == candidate)
    }

    /// Every failed check's ground, with the candidate it concerns (`None`: the list).
    pub fn grounds(&self) -> Vec<(Option<&CandidateId>, Ground)> {
        let entries = self.entries.iter().flat_map(|e| {
            e.results.iter().filter_map(move |r| match r.outcome {
                CheckOutcome::Fail { ground } => Some((Some(&e.candidate), ground)),
                _ => None,
            })
        });
        let list = self.list.iter().filter_map(|r| match r.outcome {
            CheckOutcome::Fail { ground } => Some((None, ground)),
            _ => None,
        });
        entries.chain(list).collect()
    }
}

/// Where a registry check's verdict comes from: the answer's evidence, or why there is none.
type Source<'a> = Result<&'a Evidence, &'a Unanswered>;

/// The sources of one candidate's registry checks.
struct Sources<'a> {
    civil: &'a Evidence,
    citizenship: Source<'a>,
    criminal_record: Source<'a>,
    education: Source<'a>,
    /// `None` when not asked (a self-nominee).
    party_membership: Option<Source<'a>>,
}

/// A registry reply as an optional fact and its source.
fn split<T, U>(reply: &Reply<T>, fact: impl Fn(&T) -> U) -> (Option<U>, Source<'_>) {
    match reply {
        Ok(Answered { answer, evidence }) => (Some(fact(answer)), Ok(evidence)),
        Err(u) => (None, Err(u)),
    }
}

/// CAN-01 community: the VOT-04 test on the registered residence.
fn community_member(entry: &Entry, ctx: &CheckContext<'_>) -> bool {
    let voting_day = ctx.rules.calendar.voting_day();
    let deadline = VoterCheck::new(voting_day, ctx.rules.params).registration_deadline();
    entry.identity.record().residence.as_ref().is_some_and(|r| {
        (ctx.in_council_territory)(&r.settlement) && (r.permanent || r.registered_on <= deadline)
    })
}

/// The facts [`check_candidate`] judges, from the identity and the answers, with their sources.
fn facts<'a>(
    entry: &'a Entry,
    answers: &'a RegistryAnswers,
    ctx: &CheckContext<'_>,
) -> Result<(CandidateFacts, Sources<'a>), CheckInputError> {
    let (citizen, citizenship) = split(&answers.citizenship, |a| a.citizen);
    let (record, criminal_record) = split(&answers.criminal_record, |a| *a);
    let (education, education_source) = split(&answers.education, |a| a.highest.meets_secondary());
    let nominating = ctx.party.map(|p| &p.registration_number);
    let (membership, party_membership) = match (&answers.party_membership, ctx.party) {
        (Some(reply), _) => {
            let (m, source) = split(reply, |a| a.relative_to(nominating));
            (m.unwrap_or_default(), Some(source))
        }
        (None, Some(_)) => return Err(CheckInputError::MissingPartyMembership),
        (None, None) => (Default::default(), None),
    };
    let facts = CandidateFacts {
        birth_date: entry.identity.birth_date(),
        citizen,
        community_member: Some(community_member(entry, ctx)),
        secondary_education: education,
        unexpunged_conviction: record.map(|r| r.unexpunged_conviction),
        court_incapable: record.map(|r| r.court_incapable),
        imprisoned: record.map(|r| r.imprisoned),
        party_membership: membership,
    };
    let sources = Sources {
        civil: entry.identity.evidence(),
        citizenship,
        criminal_record,
        education: education_source,
        party_membership,
    };
    Ok((facts, sources))
}

/// Files each finding of [`check_candidate`] under its registry check: a ground fails it, an
/// unanswered registry leaves it unchecked, anything else passes; each with its evidence.
fn registry_results(found: &CandidateCheck, sources: &Sources<'_>) -> Vec<CheckResult> {
    let result = |check: Check, source: Source<'_>| {
        let ground = found
            .grounds
            .iter()
            .find(|c| Check::of(**c) == Some(check))
            .and_then(|c| Ground::candidate(*c));
        let (outcome, evidence) = match (ground, source) {
            (Some(ground), Ok(ev)) => (CheckOutcome::Fail { ground }, Some(ev.clone())),
            (None, Ok(ev)) => (CheckOutcome::Pass, Some(ev.clone())),
            (_, Err(u)) => (CheckOutcome::CouldNotCheck { unanswered: *u }, None),
        };
        CheckResult {
            check,
            outcome,
            evidence,
        }
    };
    let mut results = vec![
        result(Check::Age, Ok(sources.civil)),
        result(Check::Community, Ok(sources.civil)),
        result(Check::Education, sources.education),
        result(Check::Citizenship, sources.citizenship),
        result(Check::Conviction, sources.criminal_record),
        result(Check::Imprisonment, sources.criminal_record),
        result(Check::Incapacity, sources.criminal_record),
    ];
    if let Some(source) = sources.party_membership {
        results.push(result(Check::PartyMembership, source));
    }
    results
}

/// The system's own checks of a candidate: CAN-05 (twice on this nomination, or live in
/// another one) and CAN-07 (filed within the window; a later CEC override may have moved it).
fn system_results(
    nomination: &Nomination,
    entry: &Entry,
    filed_at: Timestamp,
    ctx: &CheckContext<'_>,
) -> [CheckResult; 2] {
    let pin = entry.pin();
    let standing: Vec<Pin> = nomination.standing().map(|(_, e)| e.pin()).collect();
    let twice_here = multiple_candidacies(&standing).iter().any(|m| m.pin == pin);
    let late = ctx
        .rules
        .calendar
        .check(nomination.kind.nominate_action(), filed_at)
        .is_err();
    [
        system_result(
            Check::OneCandidacy,
            twice_here || (ctx.candidacy_elsewhere)(&pin),
            CandidateCode::MultipleCandidacies,
        ),
        system_result(Check::Deadline, late, CandidateCode::FiledLate),
    ]
}

/// Checks one standing, filed candidate of a nomination (see the module documentation).
pub fn check_entry(
    nomination: &Nomination,
    entry: &Entry,
    answers: &RegistryAnswers,
    ctx: &CheckContext<'_>,
) -> Result<EntryReport, CheckInputError> {
    let filed_at = entry
        .filed_at
        .ok_or_else(|| CheckInputError::NotFiled(entry.candidate.clone()))?;
    if nomination.kind.party() != ctx.party.map(|p| &p.id) {
        return Err(CheckInputError::PartyMismatch);
    }
    let (facts, sources) = facts(entry, answers, ctx)?;
    let found = check_candidate(
        &facts,
        &nomination.kind.nominator(),
        ctx.rules.calendar.voting_day(),
        ctx.rules.params,
    );
    let mut results = registry_results(&found, &sources);
    results.extend(system_results(nomination, entry, filed_at, ctx));
    Ok(EntryReport {
        candidate: entry.candidate.clone(),
        results,
    })
}

fn system_result(check: Check, failed: bool, code: CandidateCode) -> CheckResult {
    let outcome = match Ground::candidate(code) {
        Some(ground) if failed => CheckOutcome::Fail { ground },
        _ => CheckOutcome::Pass,
    };
    CheckResult {
        check,
        outcome,
        evidence: None,
    }
}

/// CAN-06 on the standing candidates of a city list: one result per composition check.
pub fn check_list_composition(nomination: &Nomination, rules: &Rules<'_>) -> Vec<CheckResult> {
    if !matches!(nomination.kind, NominationKind::CityList { .. }) {
        return Vec::new();
    }
    let findings = check_party_list(
        nomination.standing().map(|(_, e)| e.identity.sex()),
        rules.seats,
        rules.params,
    );
    let result = |check: Check, codes: &[ListCode]| {
        let ground = findings
            .iter()
            .map(|f| f.code())
            .find(|c| codes.contains(c))
            .map(Ground::list);
        CheckResult {
            check,
            outcome: match ground {
                Some(ground) => CheckOutcome::Fail { ground },
                None => CheckOutcome::Pass,
            },
            evidence: None,
        }
    };
    vec![
        result(Check::ListSexShare, &[ListCode::OneSexOverShare]),
        result(
            Check::ListLength,
            &[ListCode::LongerThanSeats, ListCode::ShorterThanMinimum],
        ),
    ]
}

/// Checks a filed nomination: every standing candidate with their registries' answers (by
/// candidate id), and a city list's composition.
pub fn check_nomination(
    nomination: &Nomination,
    answers: &[(CandidateId, RegistryAnswers)],
    ctx: &CheckContext<'_>,
) -> Result<NominationReport, CheckInputError> {
    let entries = nomination
        .standing()
        .map(|(_, entry)| {
            let (_, a) = answers
                .iter()
                .find(|(id, _)| id == &entry.candidate)
                .ok_or_else(|| CheckInputError::MissingAnswers(entry.candidate.clone()))?;
            check_entry(nomination, entry, a, ctx)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(NominationReport {
        entries,
        list: check_list_composition(nomination, &ctx.rules),
    })
}
