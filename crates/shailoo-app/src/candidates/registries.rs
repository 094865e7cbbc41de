//! The ports to the state registries a nomination is checked against (CAN-08), one per
//! registry: each is a separate Tunduk service of its own agency, configured, failing and
//! doubled on its own, and a use case asks only the ones it needs (filing a PIN asks the civil
//! registry alone, for the name to show back).
//!
//! Every answer carries its evidence (the X-Road message id, the time it arrived, the digest
//! of the response body: [`Answered`]). A registry that is down, slow or talks nonsense is a
//! [`RegistryError`], which becomes the domain's [`Unanswered`]: "could not check", never a
//! verdict about the person. The shape mirrors the voter cabinet's
//! [`PassportRegistry`](crate::cabinet::PassportRegistry).

use async_trait::async_trait;
use jiff::Timestamp;
use shailoo_domain::candidate::registry::{
    Answered, CitizenshipAnswer, CivilAnswer, CriminalRecordAnswer, EducationAnswer,
    PartyMembershipAnswer, Registry, Reply, Unanswered, UnansweredReason,
};
use shailoo_domain::{ErrorCode, Pin};
use std::sync::Arc;

/// A registry could not answer. Never a verdict about the person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// Unreachable, or X-Road reported a fault (the detail names it, for the log).
    #[error("the registry is unavailable: {0}")]
    Unavailable(String),
    #[error("the registry did not answer in time")]
    Timeout,
    /// An answer that is not the documented one: malformed, about another PIN, without its
    /// X-Road message id (which the evidence needs).
    #[error("the registry answered something unexpected: {0}")]
    Protocol(String),
}

impl RegistryError {
    pub fn code(&self) -> ErrorCode {
        match self {
            RegistryError::Unavailable(_) => ErrorCode::RegistryUnavailable,
            RegistryError::Timeout => ErrorCode::RegistryTimeout,
            RegistryError::Protocol(_) => ErrorCode::RegistryProtocol,
        }
    }

    pub fn reason(&self) -> UnansweredReason {
        match self {
            RegistryError::Unavailable(_) => UnansweredReason::Unavailable,
            RegistryError::Timeout => UnansweredReason::Timeout,
            RegistryError::Protocol(_) => UnansweredReason::Protocol,
        }
    }

    /// The domain's record of this failure of `registry`, at the instant the attempt ended.
    pub fn unanswered(&self, registry: Registry, at: Timestamp) -> Unanswered {
        Unanswered {
            registry,
            reason: self.reason(),
            at,
        }
    }
}

/// What a registry port returns.
pub type RegistryResult<T> = Result<Answered<T>, RegistryError>;

/// A port's result as the domain's checks take it.
pub fn into_reply<T>(result: RegistryResult<T>, registry: Registry, at: Timestamp) -> Reply<T> {
    result.map_err(|e| e.unanswered(registry, at))
}

/// The population (civil) register: who has a PIN, their name, sex, birth date and registered
/// residence (State Registration Service).
#[async_trait]
pub trait CivilRegistry: Send + Sync {
    /// The person with `pin`, or [`CivilAnswer::NotFound`].
    async fn person(&self, pin: &Pin) -> RegistryResult<CivilAnswer>;
}

/// Citizenship of the Kyrgyz Republic (State Registration Service).
#[async_trait]
pub trait CitizenshipRegistry: Send + Sync {
    async fn citizenship(&self, pin: &Pin) -> RegistryResult<CitizenshipAnswer>;
}

/// Convictions, sentences being served and court-declared incapacity (Interior Ministry):
/// CAN-02 in one answer.
#[async_trait]
pub trait CriminalRecordRegistry: Send + Sync {
    async fn criminal_record(&self, pin: &Pin) -> RegistryResult<CriminalRecordAnswer>;
}

/// Education documents (Ministry of Education and Science): CAN-01's secondary education.
#[async_trait]
pub trait EducationRegistry: Send + Sync {
    async fn education(&self, pin: &Pin) -> RegistryResult<EducationAnswer>;
}

/// Party membership (Ministry of Justice): CAN-04.
#[async_trait]
pub trait PartyMembershipRegistry: Send + Sync {
    async fn party_membership(&self, pin: &Pin) -> RegistryResult<PartyMembershipAnswer>;
}

/// The five registries as the composition root wires them (one adapter may serve several).
#[derive(Clone)]
pub struct CandidateRegistries {
    pub civil: Arc<dyn CivilRegistry>,
    pub citizenship: Arc<dyn CitizenshipRegistry>,
    pub criminal_record: Arc<dyn CriminalRecordRegistry>,
    pub education: Arc<dyn EducationRegistry>,
    pub party_membership: Arc<dyn PartyMembershipRegistry>,
}

impl CandidateRegistries {
    /// All five served by one value (the Tunduk adapter, or a double).
    pub fn all<R>(registry: Arc<R>) -> CandidateRegistries
    where
        R: CivilRegistry
            + CitizenshipRegistry
            + CriminalRecordRegistry
            + EducationRegistry
            + PartyMembershipRegistry
            + 'static,
    {
        CandidateRegistries {
            civil: registry.clone(),
            citizenship: registry.clone(),
            criminal_record: registry.clone(),
            education: registry.clone(),
            party_membership: registry,
        }
    }
}

impl CandidateRegistries {
    /// A deployment that reaches no registry: every question answers "unavailable", so a step
    /// that asks one ends as could-not-check (never a verdict about the person), and the steps
    /// that ask none (opening a party's nomination) work as anywhere else.
    pub fn not_configured() -> CandidateRegistries {
        CandidateRegistries::all(Arc::new(NotConfigured))
    }
}

/// The registries of [`CandidateRegistries::not_configured`].
struct NotConfigured;

impl NotConfigured {
    fn answer<T>() -> RegistryResult<T> {
        Err(RegistryError::Unavailable(
            "no candidate registries are configured".to_owned(),
        ))
    }
}

#[async_trait]
impl CivilRegistry for NotConfigured {
    async fn person(&self, _: &Pin) -> RegistryResult<CivilAnswer> {
        Self::answer()
    }
}
#[async_trait]
impl CitizenshipRegistry for NotConfigured {
    async fn citizenship(&self, _: &Pin) -> RegistryResult<CitizenshipAnswer> {
        Self::answer()
    }
}
#[async_trait]
impl CriminalRecordRegistry for NotConfigured {
    async fn criminal_record(&self, _: &Pin) -> RegistryResult<CriminalRecordAnswer> {
        Self::answer()
    }
}
#[async_trait]
impl EducationRegistry for NotConfigured {
    async fn education(&self, _: &Pin) -> RegistryResult<EducationAnswer> {
        Self::answer()
    }
}
#[async_trait]
impl PartyMembershipRegistry for NotConfigured {
    async fn party_membership(&self, _: &Pin) -> RegistryResult<PartyMembershipAnswer> {
        Self::answer()
    }
}

impl std::fmt::Debug for CandidateRegistries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CandidateRegistries(..)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn can_08_a_failed_call_becomes_could_not_check_with_its_reason() {
        let at: Timestamp = "2024-10-01T06:00:00Z".parse().unwrap();
        let cases = [
            (
                RegistryError::Unavailable("Server.ServerProxy.NetworkError".into()),
                UnansweredReason::Unavailable,
                ErrorCode::RegistryUnavailable,
            ),
            (
                RegistryError::Timeout,
                UnansweredReason::Timeout,
                ErrorCode::RegistryTimeout,
            ),
            (
                RegistryError::Protocol("no X-Road-Id".into()),
                UnansweredReason::Protocol,
                ErrorCode::RegistryProtocol,
            ),
        ];
        for (error, reason, code) in cases {
            assert_eq!(error.code(), code);
            let reply: Reply<CitizenshipAnswer> = into_reply(Err(error), Registry::Citizenship, at);
            assert_eq!(
                reply,
                Err(Unanswered {
                    registry: Registry::Citizenship,
                    reason,
                    at
                })
            );
        }
    }
}
