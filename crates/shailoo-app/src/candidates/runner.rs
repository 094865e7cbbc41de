//! Asking the state registries about candidates (CAN-08) with bounded concurrency: every call
//! of a run (the civil registry for identities; citizenship, criminal record, education and,
//! for party nominees, party membership for the checks) goes through one stream that keeps at
//! most [`CheckRunner::concurrency`] calls in flight, so a list of 51 candidates or the 15,000
//! of a whole election neither waits call by call nor floods Tunduk.
//!
//! A registry that fails becomes the domain's `Unanswered` ("could not check"), never a verdict.

use super::model::CandidacyError;
use super::registries::{CandidateRegistries, into_reply};
use futures::StreamExt;
use jiff::Timestamp;
use shailoo_domain::Pin;
use shailoo_domain::candidate::CandidateId;
use shailoo_domain::candidate::checks::RegistryAnswers;
use shailoo_domain::candidate::registry::{
    CandidateIdentity, CitizenshipAnswer, CriminalRecordAnswer, EducationAnswer,
    PartyMembershipAnswer, Registry, Reply, Unanswered, UnansweredReason,
};

/// How many registry calls a run keeps in flight unless told otherwise.
pub const DEFAULT_CONCURRENCY: usize = 32;

/// The registries and how many calls may be in flight at once.
#[derive(Debug, Clone)]
pub struct CheckRunner {
    registries: CandidateRegistries,
    concurrency: usize,
}

/// One candidate to ask about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub candidate: CandidateId,
    pub pin: Pin,
    /// Nominated by a party: the party-membership registry is asked too (CAN-04).
    pub party_nominee: bool,
}

/// One call of a run.
#[derive(Debug, Clone, Copy)]
enum Call {
    Citizenship,
    CriminalRecord,
    Education,
    PartyMembership,
}

/// What one call brought back.
enum Got {
    Citizenship(Reply<CitizenshipAnswer>),
    CriminalRecord(Reply<CriminalRecordAnswer>),
    Education(Reply<EducationAnswer>),
    PartyMembership(Reply<PartyMembershipAnswer>),
}

/// The answers of one candidate while they arrive.
#[derive(Default)]
struct Slots {
    citizenship: Option<Reply<CitizenshipAnswer>>,
    criminal_record: Option<Reply<CriminalRecordAnswer>>,
    education: Option<Reply<EducationAnswer>>,
    party_membership: Option<Reply<PartyMembershipAnswer>>,
}

impl CheckRunner {
    /// `concurrency` of at least 1.
    pub fn new(registries: CandidateRegistries, concurrency: usize) -> CheckRunner {
        CheckRunner {
            registries,
            concurrency: concurrency.max(1),
        }
    }

    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    pub fn registries(&self) -> &CandidateRegistries {
        &self.registries
    }

    /// The identity of each PIN from the civil registry's answer (CAN-08: personal data is
    /// never typed), in the order given. An unknown PIN is an [`CandidacyError::Identity`],
    /// a registry that could not answer a [`CandidacyError::Registry`] ("try later").
    pub async fn identities(&self, pins: &[Pin]) -> Vec<Result<CandidateIdentity, CandidacyError>> {
        futures::stream::iter(pins.iter().copied())
            .map(|pin| async move {
                let answer = self.registries.civil.person(&pin).await?;
                Ok(CandidateIdentity::from_answer(pin, answer)?)
            })
            .buffered(self.concurrency)
            .collect()
            .await
    }

    /// The answers of the four registries besides the civil one for each candidate, in the
    /// order given. `at` dates a call that failed (when the run started).
    pub async fn answers(&self, asked: &[Asked], at: Timestamp) -> Vec<RegistryAnswers> {
        // Owned items, so that the stream's closures take no borrowed argument (a future
        // built from one would not be provably `Send` for every lifetime).
        let mut calls: Vec<(usize, Pin, Call)> = Vec::with_capacity(asked.len() * 4);
        for (i, a) in asked.iter().enumerate() {
            calls.extend([
                (i, a.pin, Call::Citizenship),
                (i, a.pin, Call::CriminalRecord),
                (i, a.pin, Call::Education),
            ]);
            if a.party_nominee {
                calls.push((i, a.pin, Call::PartyMembership));
            }
        }
        let got: Vec<(usize, Got)> = futures::stream::iter(calls)
            .map(|(i, pin, call)| async move { (i, self.call(&pin, call, at).await) })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        let mut slots: Vec<Slots> = asked.iter().map(|_| Slots::default()).collect();
        for (i, g) in got {
            let s = &mut slots[i];
            match g {
                Got::Citizenship(r) => s.citizenship = Some(r),
                Got::CriminalRecord(r) => s.criminal_record = Some(r),
                Got::Education(r) => s.education = Some(r),
                Got::PartyMembership(r) => s.party_membership = Some(r),
            }
        }
        // Every call yields its slot; a missing one would be a bug, answered as "could not
        // check" rather than as a verdict.
        let missing = |registry| Unanswered {
            registry,
            reason: UnansweredReason::Protocol,
            at,
        };
        asked
            .iter()
            .zip(slots)
            .map(|(a, s)| RegistryAnswers {
                citizenship: s
                    .citizenship
                    .unwrap_or_else(|| Err(missing(Registry::Citizenship))),
                criminal_record: s
                    .criminal_record
                    .unwrap_or_else(|| Err(missing(Registry::CriminalRecord))),
                education: s
                    .education
                    .unwrap_or_else(|| Err(missing(Registry::Education))),
                party_membership: a.party_nominee.then(|| {
                    s.party_membership
                        .unwrap_or_else(|| Err(missing(Registry::PartyMembership)))
                }),
            })
            .collect()
    }

    async fn call(&self, pin: &Pin, call: Call, at: Timestamp) -> Got {
        let r = &self.registries;
        match call {
            Call::Citizenship => Got::Citizenship(into_reply(
                r.citizenship.citizenship(pin).await,
                Registry::Citizenship,
                at,
            )),
            Call::CriminalRecord => Got::CriminalRecord(into_reply(
                r.criminal_record.criminal_record(pin).await,
                Registry::CriminalRecord,
                at,
            )),
            Call::Education => Got::Education(into_reply(
                r.education.education(pin).await,
                Registry::Education,
                at,
            )),
            Call::PartyMembership => Got::PartyMembership(into_reply(
                r.party_membership.party_membership(pin).await,
                Registry::PartyMembership,
                at,
            )),
        }
    }
}
