//! The nomination workflow (CAN-03, CAN-07, CAN-09) as a state machine of consuming
//! transitions, pure: the store runs them inside its write transaction.
//!
//! Each state is its own type ([`Draft`], [`Submitted`], [`Registered`], [`Refused`],
//! [`Cancelled`], [`Withdrawn`]); a transition consumes the state it leaves and returns the next
//! one or a [`TransitionError`], with nothing changed. So a registered list cannot be edited, and
//! a refused one not registered, by construction.
//!
//! ```mermaid
//! stateDiagram-v2
//!     [*] --> Draft: new (nominator)
//!     Draft --> Draft: add / remove / reorder candidates (nominator)
//!     Draft --> Submitted: submit (nominator, until CAL-07 / CAL-09 18:00)
//!     Submitted --> Submitted: submit again, same content (idempotent)
//!     Submitted --> Submitted: replace a candidate (list, until CAL-07)
//!     Submitted --> Submitted: withdraw a candidate (list, until V − 5)
//!     Submitted --> Registered: register (TEC, checks clear, within 10 days, until CAL-08 / CAL-10)
//!     Submitted --> Refused: refuse with a ground (TEC, same limits)
//!     Submitted --> Withdrawn: withdraw (nominator; a district's candidate; until V − 5)
//!     Registered --> Registered: withdraw or cancel one candidate (list)
//!     Registered --> Cancelled: cancel with a reason (commission, until voting closes)
//!     Registered --> Withdrawn: withdraw (until V − 5)
//!     Refused --> [*]
//!     Cancelled --> [*]
//!     Withdrawn --> [*]
//! ```
//!
//! Time limits: filing and replacing follow the nomination action of the calendar
//! ([`Action::NominateCityList`](crate::calendar::Action::NominateCityList),
//! [`Action::NominateAiylCandidate`](crate::calendar::Action::NominateAiylCandidate)); the TEC's decision follows
//! the registration action and, within it, CAN-09's limit of
//! [`RuleParameters::candidacy_decision_days`] calendar days after the latest filing
//! ([`decision_due`]); withdrawals close [`RuleParameters::withdrawal_days_before_voting`] days
//! before voting ([`withdrawal_closes`]); a cancellation is possible until voting closes
//! (CAL-16).
//!
//! At the door (so that nothing wrong is ever filed, and the filer gets a field-level answer
//! naming the rule): a candidate under 21 (CAN-01), a person twice on the list (CAN-05), a list
//! longer than the seats (CAN-06) when adding; the whole composition (CAN-06) when submitting.
//! A person's candidacy in *another* nomination (CAN-05) is the store's to refuse, race-free.

use super::checks::{Check, CheckOutcome, NominationReport, check_list_composition};
use super::eligibility::{CandidateCode, ListFinding, check_party_list};
use super::nomination::{
    Cancellation, Entry, EntryStatus, Ground, Nomination, NominationKind, NominationStatus, Rules,
    SubmissionContent, WithdrawnBy,
};
use super::registry::CandidateIdentity;
use crate::calendar::{ActionClosed, Calendar};
use crate::codes::ErrorCode;
use crate::ids::{CandidateId, CouncilId, ElectionId};
use crate::params::RuleParameters;
use crate::territory::{Council, CouncilKind};
use crate::time::{from_bishkek, to_bishkek};
use crate::voter::has_reached_age;
use jiff::civil::Time;
use jiff::{Span, Timestamp};

/// A time limit of the workflow that is not a calendar action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeLimit {
    /// CAN-09: the TEC decides within so many days of the latest filing.
    Decision,
    /// CAN-09: withdrawals close so many days before voting.
    Withdrawal,
    /// CAL-16: a registration can be cancelled until voting closes.
    Cancellation,
}

impl TimeLimit {
    pub fn rule(self) -> &'static str {
        match self {
            TimeLimit::Decision | TimeLimit::Withdrawal => "CAN-09",
            TimeLimit::Cancellation => "CAL-16",
        }
    }
}

/// Why a transition was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// CAN-07 / CAN-09: the calendar window of the step is closed (or not yet open).
    #[error(transparent)]
    Calendar(#[from] ActionClosed),
    /// A time limit of the workflow has passed.
    #[error("the time limit for this step ({}) passed at {closed_at}", limit.rule())]
    TimeLimit {
        limit: TimeLimit,
        closed_at: Timestamp,
    },
    /// CAN-03: city councils take party lists, aiyl councils district nominations.
    #[error("council {council} is a {} council and takes no such nomination", kind.as_str())]
    WrongContest {
        council: CouncilId,
        kind: CouncilKind,
    },
    /// A candidate cannot be filed: the ground names the rule (CAN-01 under age, CAN-05 twice).
    #[error("candidate {candidate}: {ground}")]
    Candidate {
        candidate: CandidateId,
        ground: Ground,
    },
    /// CAN-06: the list's composition.
    #[error("the list breaks CAN-06: {0:?}")]
    List(Vec<ListFinding>),
    /// A district nomination has exactly one candidate.
    #[error("a district nomination has exactly one candidate")]
    OneCandidateOnly,
    /// Nothing to submit or register.
    #[error("the nomination has no candidate")]
    Empty,
    /// The last standing candidate of a list: withdraw or cancel the list instead.
    #[error("{0} is the list's last candidate")]
    LastCandidate(CandidateId),
    #[error("no standing candidate {0} in this nomination")]
    UnknownCandidate(CandidateId),
    #[error("candidate id {0} is already used in this nomination")]
    DuplicateId(CandidateId),
    #[error("the new order must name every standing candidate once")]
    BadOrder,
    /// The nomination changed since the filer saw it: nothing was submitted.
    #[error("the nomination changed since it was shown; review it and submit again")]
    Stale,
    /// CAN-09: registration needs every check of every remaining candidate passed.
    #[error("check {check} has not passed{}", candidate.as_ref().map(|c| format!(" for {c}")).unwrap_or_default())]
    NotCleared {
        candidate: Option<CandidateId>,
        check: Check,
    },
    /// The report given is not about this nomination's standing candidates.
    #[error("the check report does not match the nomination")]
    ReportMismatch,
    /// Only a list's candidates are excluded, withdrawn, replaced or cancelled one by one.
    #[error("this step applies to city lists only")]
    ListsOnly,
    /// A candidate of a list withdraws only themselves; the list is the nominator's.
    #[error("a candidate cannot withdraw a party list")]
    NotTheNominator,
    #[error("a cancellation needs a note naming the decision")]
    EmptyNote,
    /// The step does not leave this state.
    #[error("a {from} nomination cannot be {step}")]
    NotAllowed {
        from: &'static str,
        step: &'static str,
    },
}

impl TransitionError {
    /// A stable code for clients and translations. A door refusal of a candidate is
    /// `candidacy_ineligible`, and [`TransitionError::ground`] names its rule.
    pub fn code(&self) -> ErrorCode {
        match self {
            TransitionError::Calendar(e) => e.code(),
            TransitionError::TimeLimit { limit, .. } => match limit {
                TimeLimit::Decision => ErrorCode::CandidacyDecisionOverdue,
                TimeLimit::Withdrawal => ErrorCode::CandidacyWithdrawalClosed,
                TimeLimit::Cancellation => ErrorCode::CandidacyCancellationClosed,
            },
            TransitionError::WrongContest { .. } => ErrorCode::CandidacyWrongContest,
            TransitionError::Candidate { .. } => ErrorCode::CandidacyIneligible,
            TransitionError::List(_) => ErrorCode::CandidacyListComposition,
            TransitionError::OneCandidateOnly => ErrorCode::CandidacyOneCandidateOnly,
            TransitionError::Empty => ErrorCode::CandidacyEmpty,
            TransitionError::LastCandidate(_) => ErrorCode::CandidacyLastCandidate,
            TransitionError::UnknownCandidate(_) => ErrorCode::CandidacyUnknownCandidate,
            TransitionError::DuplicateId(_) => ErrorCode::CandidacyDuplicateId,
            TransitionError::BadOrder => ErrorCode::CandidacyBadOrder,
            TransitionError::Stale => ErrorCode::CandidacyStale,
            TransitionError::NotCleared { .. } => ErrorCode::CandidacyChecksNotCleared,
            TransitionError::ReportMismatch => ErrorCode::CandidacyReportMismatch,
            TransitionError::ListsOnly => ErrorCode::CandidacyListsOnly,
            TransitionError::NotTheNominator => ErrorCode::CandidacyNotTheNominator,
            TransitionError::EmptyNote => ErrorCode::CandidacyNoteRequired,
            TransitionError::NotAllowed { .. } => ErrorCode::CandidacyStepNotAllowed,
        }
    }

    /// The ground of a candidate refused at the door (CAN-01 under age, CAN-05 twice…): the
    /// rule a client shows beside `candidacy_ineligible`.
    pub fn ground(&self) -> Option<Ground> {
        match self {
            TransitionError::Candidate { ground, .. } => Some(*ground),
            _ => None,
        }
    }
}

// --- time limits ---

/// 00:00 (Bishkek) of the day after `day` shifted by `days`: the end of that whole day.
fn end_of_day(instant_day: jiff::civil::Date, days: i64) -> Timestamp {
    let day = instant_day.saturating_add(Span::new().days(days));
    match day.tomorrow() {
        Ok(next) => from_bishkek(next, Time::midnight()),
        Err(_) => Timestamp::MAX,
    }
}

/// CAN-09: the end of the TEC's time to decide: the end of the
/// [`RuleParameters::candidacy_decision_days`]-th calendar day after the latest filing of a
/// standing candidate, and never after the registration window closes (CAL-08, CAL-10).
/// `None` before anything is filed.
pub fn decision_due(nomination: &Nomination, rules: &Rules<'_>) -> Option<Timestamp> {
    let latest = nomination
        .standing()
        .filter_map(|(_, e)| e.filed_at)
        .max()?;
    let days = i64::from(rules.params.candidacy_decision_days);
    let due = end_of_day(to_bishkek(latest).date(), days);
    let (_, closes) = rules.calendar.window(nomination.kind.register_action());
    Some(closes.map_or(due, |c| due.min(c)))
}

/// CAN-09 (unsure): withdrawals close at the end of the day
/// [`RuleParameters::withdrawal_days_before_voting`] days before voting day.
pub fn withdrawal_closes(calendar: &Calendar, params: &RuleParameters) -> Timestamp {
    end_of_day(
        calendar.voting_day(),
        -i64::from(params.withdrawal_days_before_voting),
    )
}

/// A registration can be cancelled until voting closes (CAL-16).
pub fn cancellation_closes(calendar: &Calendar) -> Timestamp {
    calendar
        .get("CAL-16")
        .map_or(Timestamp::MAX, |d| d.closes_at())
}

fn before(limit: TimeLimit, closes: Timestamp, now: Timestamp) -> Result<(), TransitionError> {
    if now < closes {
        Ok(())
    } else {
        Err(TransitionError::TimeLimit {
            limit,
            closed_at: closes,
        })
    }
}

/// The TEC's decision window: the registration action open and the ten days not over.
fn decision_open(n: &Nomination, rules: &Rules<'_>, now: Timestamp) -> Result<(), TransitionError> {
    rules.calendar.check(n.kind.register_action(), now)?;
    if let Some(due) = decision_due(n, rules) {
        before(TimeLimit::Decision, due, now)?;
    }
    Ok(())
}

fn withdrawal_open(rules: &Rules<'_>, now: Timestamp) -> Result<(), TransitionError> {
    before(
        TimeLimit::Withdrawal,
        withdrawal_closes(rules.calendar, rules.params),
        now,
    )
}

// --- shared steps ---

fn bump(mut n: Nomination, status: NominationStatus, now: Timestamp) -> Nomination {
    n.version += 1;
    n.status = status;
    n.updated_at = now;
    n
}

fn standing_index(n: &Nomination, candidate: &CandidateId) -> Result<usize, TransitionError> {
    n.entries
        .iter()
        .position(|e| &e.candidate == candidate && e.is_standing())
        .ok_or_else(|| TransitionError::UnknownCandidate(candidate.clone()))
}

/// The door checks of one new candidate: a free id, not already standing (CAN-05), old enough
/// (CAN-01).
fn admit(
    n: &Nomination,
    candidate: &CandidateId,
    identity: &CandidateIdentity,
    rules: &Rules<'_>,
) -> Result<(), TransitionError> {
    if n.entries.iter().any(|e| &e.candidate == candidate) {
        return Err(TransitionError::DuplicateId(candidate.clone()));
    }
    let refuse = |code| match Ground::candidate(code) {
        Some(ground) => Err(TransitionError::Candidate {
            candidate: candidate.clone(),
            ground,
        }),
        None => Ok(()),
    };
    if n.standing().any(|(_, e)| e.pin() == identity.pin()) {
        return refuse(CandidateCode::MultipleCandidacies);
    }
    let p = rules.params;
    if !has_reached_age(
        identity.birth_date(),
        p.candidate_min_age,
        rules.calendar.voting_day(),
        p.leap_day_birthday,
    ) {
        return refuse(CandidateCode::UnderAge);
    }
    Ok(())
}

fn composition(n: &Nomination, rules: &Rules<'_>) -> Result<(), TransitionError> {
    if !n.kind.is_list() {
        return Ok(());
    }
    let findings = check_party_list(
        n.standing().map(|(_, e)| e.identity.sex()),
        rules.seats,
        rules.params,
    );
    if findings.is_empty() {
        Ok(())
    } else {
        Err(TransitionError::List(findings))
    }
}

fn set_entry_status(
    mut n: Nomination,
    candidate: &CandidateId,
    status: EntryStatus,
    now: Timestamp,
) -> Result<Nomination, TransitionError> {
    if !n.kind.is_list() {
        return Err(TransitionError::ListsOnly);
    }
    let i = standing_index(&n, candidate)?;
    if n.standing().count() == 1 {
        return Err(TransitionError::LastCandidate(candidate.clone()));
    }
    n.entries[i].status = status;
    let status = n.status.clone();
    Ok(bump(n, status, now))
}

fn withdraw_record(
    n: Nomination,
    by: WithdrawnBy,
    rules: &Rules<'_>,
    now: Timestamp,
) -> Result<Withdrawn, TransitionError> {
    if by == WithdrawnBy::Candidate && n.kind.is_list() {
        return Err(TransitionError::NotTheNominator);
    }
    withdrawal_open(rules, now)?;
    Ok(Withdrawn(bump(n, NominationStatus::Withdrawn { by }, now)))
}

fn withdraw_entry(
    n: Nomination,
    candidate: &CandidateId,
    by: WithdrawnBy,
    rules: &Rules<'_>,
    now: Timestamp,
) -> Result<Nomination, TransitionError> {
    withdrawal_open(rules, now)?;
    set_entry_status(n, candidate, EntryStatus::Withdrawn { by, at: now }, now)
}

// --- the states ---

/// Being prepared by the nominator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft(Nomination);
/// Filed: checked, awaiting the TEC's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted(Nomination);
/// Registered by the TEC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered(Nomination);
/// Refused by the TEC with a ground. Final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(Nomination);
/// A registration cancelled. Final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled(Nomination);
/// Withdrawn. Final.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn(Nomination);

/// A stored nomination in its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NominationState {
    Draft(Draft),
    Submitted(Submitted),
    Registered(Registered),
    Refused(Refused),
    Cancelled(Cancelled),
    Withdrawn(Withdrawn),
}

/// What a submit did: filed the draft, or found this very content already filed (a repeated
/// submit is answered with the stored nomination, and changes nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    New(Submitted),
    Repeated(NominationState),
}

impl NominationState {
    pub fn from_record(n: Nomination) -> NominationState {
        match n.status {
            NominationStatus::Draft => NominationState::Draft(Draft(n)),
            NominationStatus::Submitted => NominationState::Submitted(Submitted(n)),
            NominationStatus::Registered => NominationState::Registered(Registered(n)),
            NominationStatus::Refused { .. } => NominationState::Refused(Refused(n)),
            NominationStatus::Cancelled { .. } => NominationState::Cancelled(Cancelled(n)),
            NominationStatus::Withdrawn { .. } => NominationState::Withdrawn(Withdrawn(n)),
        }
    }

    pub fn record(&self) -> &Nomination {
        match self {
            NominationState::Draft(Draft(n))
            | NominationState::Submitted(Submitted(n))
            | NominationState::Registered(Registered(n))
            | NominationState::Refused(Refused(n))
            | NominationState::Cancelled(Cancelled(n))
            | NominationState::Withdrawn(Withdrawn(n)) => n,
        }
    }

    pub fn into_record(self) -> Nomination {
        match self {
            NominationState::Draft(Draft(n))
            | NominationState::Submitted(Submitted(n))
            | NominationState::Registered(Registered(n))
            | NominationState::Refused(Refused(n))
            | NominationState::Cancelled(Cancelled(n))
            | NominationState::Withdrawn(Withdrawn(n)) => n,
        }
    }

    /// Submits a draft whose content is still `seen` (what the filer reviewed); a nomination
    /// already filed with exactly that content is a repeat, not an error (idempotent submit).
    pub fn submit(
        self,
        seen: &SubmissionContent,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Submission, TransitionError> {
        match self {
            NominationState::Draft(d) => d.submit(seen, rules, now).map(Submission::New),
            filed if filed.record().content() == *seen => Ok(Submission::Repeated(filed)),
            other => Err(TransitionError::NotAllowed {
                from: other.record().status.code(),
                step: "submitted",
            }),
        }
    }
}

impl Draft {
    /// A new, empty draft (CAN-03: a city council takes party lists, an aiyl council district
    /// nominations by parties or self-nominees).
    pub fn new(
        election: ElectionId,
        council: &Council,
        kind: NominationKind,
        now: Timestamp,
    ) -> Result<Draft, TransitionError> {
        if kind.council_kind() != council.kind {
            return Err(TransitionError::WrongContest {
                council: council.id.clone(),
                kind: council.kind,
            });
        }
        Ok(Draft(Nomination {
            election,
            council: council.id.clone(),
            kind,
            entries: Vec::new(),
            status: NominationStatus::Draft,
            version: 1,
            created_at: now,
            updated_at: now,
            submitted_at: None,
            decided_at: None,
        }))
    }

    /// Adds a candidate at the end of the list (or as the district's candidate), refusing at
    /// the door one under age (CAN-01), one already on it (CAN-05), and one more than the seats
    /// (CAN-06).
    pub fn add(
        self,
        candidate: CandidateId,
        identity: CandidateIdentity,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Draft, TransitionError> {
        let standing = self.0.standing().count();
        if !self.0.kind.is_list() && standing >= 1 {
            return Err(TransitionError::OneCandidateOnly);
        }
        admit(&self.0, &candidate, &identity, rules)?;
        let seats = rules.seats.get();
        if self.0.kind.is_list()
            && rules.params.list_max_length_is_seats
            && u32::try_from(standing).unwrap_or(u32::MAX) >= seats
        {
            return Err(TransitionError::List(vec![ListFinding::LongerThanSeats {
                candidates: seats.saturating_add(1),
                seats,
            }]));
        }
        let mut n = self.0;
        n.entries.push(Entry {
            candidate,
            identity,
            filed_at: None,
            status: EntryStatus::Standing,
        });
        Ok(Draft(bump(n, NominationStatus::Draft, now)))
    }

    /// Takes a candidate off the draft (a draft keeps no history: it was never filed).
    pub fn remove(self, candidate: &CandidateId, now: Timestamp) -> Result<Draft, TransitionError> {
        let i = standing_index(&self.0, candidate)?;
        let mut n = self.0;
        n.entries.remove(i);
        Ok(Draft(bump(n, NominationStatus::Draft, now)))
    }

    /// Puts the list in a new order, given as every candidate id once.
    pub fn reorder(self, order: &[CandidateId], now: Timestamp) -> Result<Draft, TransitionError> {
        let mut n = self.0;
        if order.len() != n.entries.len() {
            return Err(TransitionError::BadOrder);
        }
        let mut sorted = Vec::with_capacity(order.len());
        for id in order {
            let i = n
                .entries
                .iter()
                .position(|e| &e.candidate == id)
                .ok_or(TransitionError::BadOrder)?;
            sorted.push(n.entries.swap_remove(i));
        }
        n.entries = sorted;
        Ok(Draft(bump(n, NominationStatus::Draft, now)))
    }

    /// Files the draft (CAN-07: within the nomination window; CAN-06: a composition within the
    /// limits), if its content is still the one the filer saw.
    pub fn submit(
        self,
        seen: &SubmissionContent,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        if self.0.content() != *seen {
            return Err(TransitionError::Stale);
        }
        rules.calendar.check(self.0.kind.nominate_action(), now)?;
        if self.0.entries.is_empty() {
            return Err(TransitionError::Empty);
        }
        composition(&self.0, rules)?;
        let mut n = bump(self.0, NominationStatus::Submitted, now);
        n.submitted_at = Some(now);
        for e in &mut n.entries {
            e.filed_at = Some(now);
        }
        Ok(Submitted(n))
    }

    pub fn record(&self) -> &Nomination {
        &self.0
    }
}

impl Submitted {
    /// Replaces a candidate of a filed list before registration, in the same position (until
    /// the nomination closes, CAL-07): the new candidate is filed now, and CAN-09's ten days
    /// run again from here.
    pub fn replace(
        self,
        old: &CandidateId,
        candidate: CandidateId,
        identity: CandidateIdentity,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        if !self.0.kind.is_list() {
            return Err(TransitionError::ListsOnly);
        }
        rules.calendar.check(self.0.kind.nominate_action(), now)?;
        let i = standing_index(&self.0, old)?;
        let mut n = self.0;
        n.entries[i].status = EntryStatus::Replaced {
            by: candidate.clone(),
            at: now,
        };
        admit(&n, &candidate, &identity, rules)?;
        n.entries.insert(
            i + 1,
            Entry {
                candidate,
                identity,
                filed_at: Some(now),
                status: EntryStatus::Standing,
            },
        );
        composition(&n, rules)?;
        Ok(Submitted(bump(n, NominationStatus::Submitted, now)))
    }

    /// Registers the nomination (CAN-09), leaving out `excluded` candidates of a list with
    /// their grounds. Every check of every remaining candidate must have passed in `report`
    /// (no decision on missing evidence), and the remaining list must still be composed
    /// lawfully (CAN-06).
    pub fn register(
        self,
        report: &NominationReport,
        excluded: &[(CandidateId, Ground)],
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Registered, TransitionError> {
        decision_open(&self.0, rules, now)?;
        let standing: Vec<&CandidateId> = self.0.standing().map(|(_, e)| &e.candidate).collect();
        let reported: Vec<&CandidateId> = report.entries.iter().map(|e| &e.candidate).collect();
        if standing != reported {
            return Err(TransitionError::ReportMismatch);
        }
        if !excluded.is_empty() && !self.0.kind.is_list() {
            return Err(TransitionError::ListsOnly);
        }
        let mut n = self.0;
        for (candidate, ground) in excluded {
            let i = standing_index(&n, candidate)?;
            n.entries[i].status = EntryStatus::Excluded { ground: *ground };
        }
        for entry in &report.entries {
            if n.entry(&entry.candidate).is_some_and(Entry::is_standing)
                && let Some(r) = entry.results.iter().find(|r| !r.passed())
            {
                return Err(TransitionError::NotCleared {
                    candidate: Some(entry.candidate.clone()),
                    check: r.check,
                });
            }
        }
        if n.standing().next().is_none() {
            return Err(TransitionError::Empty);
        }
        if let Some(r) = check_list_composition(&n, rules)
            .into_iter()
            .find(|r| r.outcome != CheckOutcome::Pass)
        {
            return Err(TransitionError::NotCleared {
                candidate: None,
                check: r.check,
            });
        }
        let mut n = bump(n, NominationStatus::Registered, now);
        n.decided_at = Some(now);
        Ok(Registered(n))
    }

    /// Refuses the registration with its legal ground (CAN-09), within the same limits.
    pub fn refuse(
        self,
        ground: Ground,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Refused, TransitionError> {
        decision_open(&self.0, rules, now)?;
        let mut n = bump(self.0, NominationStatus::Refused { ground }, now);
        n.decided_at = Some(now);
        Ok(Refused(n))
    }

    /// Withdraws the whole nomination (the nominator; in a district also the candidate).
    pub fn withdraw(
        self,
        by: WithdrawnBy,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Withdrawn, TransitionError> {
        withdraw_record(self.0, by, rules, now)
    }

    /// Withdraws one candidate of a list.
    pub fn withdraw_candidate(
        self,
        candidate: &CandidateId,
        by: WithdrawnBy,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Submitted, TransitionError> {
        withdraw_entry(self.0, candidate, by, rules, now).map(Submitted)
    }

    pub fn record(&self) -> &Nomination {
        &self.0
    }
}

fn cancellation_note(c: Cancellation) -> Result<Cancellation, TransitionError> {
    let note = c.note.trim();
    if note.is_empty() {
        return Err(TransitionError::EmptyNote);
    }
    Ok(Cancellation {
        reason: c.reason,
        note: note.to_owned(),
    })
}

impl Registered {
    /// Cancels the registration (CAN-09), until voting closes.
    pub fn cancel(
        self,
        cancellation: Cancellation,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Cancelled, TransitionError> {
        let cancellation = cancellation_note(cancellation)?;
        before(
            TimeLimit::Cancellation,
            cancellation_closes(rules.calendar),
            now,
        )?;
        Ok(Cancelled(bump(
            self.0,
            NominationStatus::Cancelled { cancellation },
            now,
        )))
    }

    /// Cancels one candidate's registration on a list.
    pub fn cancel_candidate(
        self,
        candidate: &CandidateId,
        cancellation: Cancellation,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Registered, TransitionError> {
        let cancellation = cancellation_note(cancellation)?;
        before(
            TimeLimit::Cancellation,
            cancellation_closes(rules.calendar),
            now,
        )?;
        set_entry_status(
            self.0,
            candidate,
            EntryStatus::Cancelled {
                cancellation,
                at: now,
            },
            now,
        )
        .map(Registered)
    }

    pub fn withdraw(
        self,
        by: WithdrawnBy,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Withdrawn, TransitionError> {
        withdraw_record(self.0, by, rules, now)
    }

    pub fn withdraw_candidate(
        self,
        candidate: &CandidateId,
        by: WithdrawnBy,
        rules: &Rules<'_>,
        now: Timestamp,
    ) -> Result<Registered, TransitionError> {
        withdraw_entry(self.0, candidate, by, rules, now).map(Registered)
    }

    pub fn record(&self) -> &Nomination {
        &self.0
    }
}

impl Refused {
    pub fn record(&self) -> &Nomination {
        &self.0
    }
}

impl Cancelled {
    pub fn record(&self) -> &Nomination {
        &self.0
    }
}

impl Withdrawn {
    pub fn record(&self) -> &Nomination {
        &self.0
    }
}
