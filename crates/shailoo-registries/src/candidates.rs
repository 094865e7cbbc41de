//! The five registries of the CAN-08 checks over Tunduk (X-Road Message Protocol for REST,
//! `r1`): one adapter, [`TundukCandidateRegistries`], implements every port of
//! `shailoo_app::candidates`, each registry being its own X-Road service:
//!
//! ```text
//! GET {security_server}/r1/{service_id}/persons/{pin}
//! X-Road-Client: KG/GOV/70000001/shailoo
//! Accept: application/json
//!
//! 200 X-Road-Id: KG-…  {"pin": "…", …the registry's fields…}
//! 404 X-Road-Id: KG-…  {"error": "PERSON_NOT_FOUND"}           (the civil registry: no such PIN)
//! any + X-Road-Error: Server.ServerProxy.…  {"type", "message", "detail"}   (X-Road itself)
//! ```
//!
//! The bodies are in `docs/registries.md`. Every answer becomes the domain's
//! [`Answered`] with its [`Evidence`]: the `X-Road-Id` header (an answer without one cannot be
//! evidence, so it is a protocol error), the instant it arrived, and the BLAKE3 digest of the
//! body exactly as received. Outages, timeouts and malformed answers are
//! [`RegistryError`]s: "could not check", never a verdict about the person.

use crate::xroad::{XRoadAnswer, XRoadFailure, XRoadRest};
use crate::{ConfigError, XRoadClientId, XRoadServiceId};
use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shailoo_app::candidates::{
    CitizenshipRegistry, CivilRegistry, CriminalRecordRegistry, EducationRegistry,
    PartyMembershipRegistry, RegistryError, RegistryResult,
};
use shailoo_domain::candidate::PartyRegistrationNumber;
use shailoo_domain::candidate::registry::{
    Answered, CitizenshipAnswer, CivilAnswer, CivilRecord, CriminalRecordAnswer, EducationAnswer,
    EducationLevel, Evidence, PartyMembershipAnswer, PersonName, Registry, RegistryRequestId,
    Residence, ResponseDigest,
};
use shailoo_domain::{Pin, Sex, TerritoryId};
use std::time::Duration;

/// The service ids of the five registries (placeholder member codes until real ones are
/// assigned; each configurable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateServices {
    pub civil: XRoadServiceId,
    pub citizenship: XRoadServiceId,
    pub criminal_record: XRoadServiceId,
    pub education: XRoadServiceId,
    pub party_membership: XRoadServiceId,
}

/// The default service ids, by registry.
pub const DEFAULT_SERVICES: [(Registry, &str); 5] = [
    (Registry::Civil, "KG/GOV/70000002/grs/person"),
    (Registry::Citizenship, "KG/GOV/70000002/grs/citizenship"),
    (
        Registry::CriminalRecord,
        "KG/GOV/70000003/mvd/criminal-record",
    ),
    (
        Registry::Education,
        "KG/GOV/70000004/edu/education-documents",
    ),
    (
        Registry::PartyMembership,
        "KG/GOV/70000005/minjust/party-membership",
    ),
];

impl CandidateServices {
    /// The service of one registry.
    pub fn get(&self, registry: Registry) -> &XRoadServiceId {
        match registry {
            Registry::Civil => &self.civil,
            Registry::Citizenship => &self.citizenship,
            Registry::CriminalRecord => &self.criminal_record,
            Registry::Education => &self.education,
            Registry::PartyMembership => &self.party_membership,
        }
    }
}

impl Default for CandidateServices {
    /// The [`DEFAULT_SERVICES`] (a unit test parses each).
    fn default() -> Self {
        let [
            civil,
            citizenship,
            criminal_record,
            education,
            party_membership,
        ] = DEFAULT_SERVICES.map(|(_, id)| XRoadServiceId::literal(id));
        CandidateServices {
            civil,
            citizenship,
            criminal_record,
            education,
            party_membership,
        }
    }
}

/// Where and as whom to call.
#[derive(Debug, Clone)]
pub struct CandidateRegistriesConfig {
    /// The base URL of our own security server.
    pub security_server: String,
    /// Our subsystem, sent as `X-Road-Client`.
    pub client: XRoadClientId,
    pub services: CandidateServices,
    pub timeout: Duration,
}

/// The five candidate registries over Tunduk.
#[derive(Debug, Clone)]
pub struct TundukCandidateRegistries {
    rest: XRoadRest,
    services: CandidateServices,
}

impl TundukCandidateRegistries {
    pub fn new(config: CandidateRegistriesConfig) -> Result<Self, ConfigError> {
        Ok(TundukCandidateRegistries {
            rest: XRoadRest::new(&config.security_server, config.client, config.timeout)?,
            services: config.services,
        })
    }

    /// Asks `registry` about `pin` and turns a documented 200 body of type `W` (or, where the
    /// registry has one, a 404 "no such person") into an answer with its evidence.
    async fn ask<W, T>(
        &self,
        registry: Registry,
        pin: &Pin,
        not_found: Option<T>,
        convert: impl FnOnce(W) -> Result<T, String>,
    ) -> RegistryResult<T>
    where
        W: DeserializeOwned + HasPin,
    {
        let service = self.services.get(registry);
        let path = format!("persons/{}", pin.as_str());
        let answer = self.rest.get(service, &path).await.map_err(failure)?;
        let evidence = evidence(registry, &answer)?;
        match answer.status {
            reqwest::StatusCode::OK => {}
            reqwest::StatusCode::NOT_FOUND => {
                return match not_found {
                    Some(answer) => Ok(Answered { answer, evidence }),
                    // The civil registry knows the person (a nomination starts there): another
                    // registry not knowing them is a fault between registries, not a verdict.
                    None => Err(RegistryError::Protocol(format!(
                        "the {registry} registry does not know the PIN"
                    ))),
                };
            }
            status => {
                tracing::warn!(status = status.as_u16(), %registry, "candidate registry failed");
                return Err(RegistryError::Unavailable(format!("HTTP {status}")));
            }
        }
        let wire: W = serde_json::from_slice(&answer.body).map_err(|_| {
            RegistryError::Protocol(format!("the {registry} answer is not the documented JSON"))
        })?;
        if wire.pin() != pin.as_str() {
            return Err(RegistryError::Protocol(format!(
                "the {registry} registry answered about another PIN"
            )));
        }
        let answer = convert(wire).map_err(RegistryError::Protocol)?;
        Ok(Answered { answer, evidence })
    }
}

fn failure(f: XRoadFailure) -> RegistryError {
    match f {
        XRoadFailure::Timeout => RegistryError::Timeout,
        XRoadFailure::Unavailable(detail) => RegistryError::Unavailable(detail),
    }
}

/// The evidence of an answer: its X-Road message id, now, and the digest of its body.
fn evidence(registry: Registry, answer: &XRoadAnswer) -> Result<Evidence, RegistryError> {
    let id = answer
        .message_id
        .as_deref()
        .ok_or_else(|| RegistryError::Protocol("the answer has no X-Road-Id".to_owned()))?;
    let request_id = RegistryRequestId::parse(id)
        .map_err(|_| RegistryError::Protocol("the X-Road-Id is malformed".to_owned()))?;
    let digest = ResponseDigest::parse(blake3::hash(&answer.body).to_hex().as_str())
        .map_err(|e| RegistryError::Protocol(e.to_string()))?;
    Ok(Evidence {
        registry,
        request_id,
        answered_at: Timestamp::now(),
        digest,
    })
}

/// A wire body names the PIN it is about.
trait HasPin {
    fn pin(&self) -> &str;
}

macro_rules! has_pin {
    ($($t:ty),*) => {
        $(impl HasPin for $t {
            fn pin(&self) -> &str {
                &self.pin
            }
        })*
    };
}
has_pin!(
    CivilWire,
    CitizenshipWire,
    CriminalRecordWire,
    EducationWire,
    PartyMembershipWire
);

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CivilWire {
    pin: String,
    surname: String,
    given_name: String,
    patronymic: Option<String>,
    sex: String,
    birth_date: Date,
    residence: Option<ResidenceWire>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResidenceWire {
    settlement: String,
    address: String,
    registered_on: Date,
    permanent: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CitizenshipWire {
    pin: String,
    citizen: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CriminalRecordWire {
    pin: String,
    unexpunged_conviction: bool,
    imprisoned: bool,
    legally_incapable: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EducationWire {
    pin: String,
    highest_level: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartyMembershipWire {
    pin: String,
    party: Option<PartyWire>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PartyWire {
    registration_number: String,
}

fn civil_record(pin: &Pin, w: CivilWire) -> Result<CivilAnswer, String> {
    let sex = match w.sex.as_str() {
        "female" => Sex::Female,
        "male" => Sex::Male,
        other => return Err(format!("unknown sex {other:?}")),
    };
    let name = PersonName::new(&w.surname, &w.given_name, w.patronymic.as_deref())
        .map_err(|e| e.to_string())?;
    let residence = match w.residence {
        None => None,
        Some(r) => Some(Residence {
            settlement: TerritoryId::parse(&r.settlement).map_err(|e| e.to_string())?,
            address: r.address,
            registered_on: r.registered_on,
            permanent: r.permanent,
        }),
    };
    Ok(CivilAnswer::Found(CivilRecord {
        pin: *pin,
        name,
        sex,
        birth_date: w.birth_date,
        residence,
    }))
}

/// The wire names of [`EducationLevel`].
pub const EDUCATION_LEVELS: [(EducationLevel, &str); 6] = [
    (EducationLevel::NoRecord, "NONE"),
    (EducationLevel::Primary, "PRIMARY"),
    (EducationLevel::Basic, "BASIC"),
    (EducationLevel::SecondaryGeneral, "SECONDARY_GENERAL"),
    (EducationLevel::SecondaryVocational, "SECONDARY_VOCATIONAL"),
    (EducationLevel::Higher, "HIGHER"),
];

#[async_trait]
impl CivilRegistry for TundukCandidateRegistries {
    async fn person(&self, pin: &Pin) -> RegistryResult<CivilAnswer> {
        self.ask(Registry::Civil, pin, Some(CivilAnswer::NotFound), |w| {
            civil_record(pin, w)
        })
        .await
    }
}

#[async_trait]
impl CitizenshipRegistry for TundukCandidateRegistries {
    async fn citizenship(&self, pin: &Pin) -> RegistryResult<CitizenshipAnswer> {
        self.ask(Registry::Citizenship, pin, None, |w: CitizenshipWire| {
            Ok(CitizenshipAnswer { citizen: w.citizen })
        })
        .await
    }
}

#[async_trait]
impl CriminalRecordRegistry for TundukCandidateRegistries {
    async fn criminal_record(&self, pin: &Pin) -> RegistryResult<CriminalRecordAnswer> {
        self.ask(
            Registry::CriminalRecord,
            pin,
            None,
            |w: CriminalRecordWire| {
                Ok(CriminalRecordAnswer {
                    unexpunged_conviction: w.unexpunged_conviction,
                    imprisoned: w.imprisoned,
                    court_incapable: w.legally_incapable,
                })
            },
        )
        .await
    }
}

#[async_trait]
impl EducationRegistry for TundukCandidateRegistries {
    async fn education(&self, pin: &Pin) -> RegistryResult<EducationAnswer> {
        self.ask(Registry::Education, pin, None, |w: EducationWire| {
            EDUCATION_LEVELS
                .iter()
                .find(|(_, name)| *name == w.highest_level)
                .map(|(highest, _)| EducationAnswer { highest: *highest })
                .ok_or_else(|| format!("unknown highestLevel {:?}", w.highest_level))
        })
        .await
    }
}

#[async_trait]
impl PartyMembershipRegistry for TundukCandidateRegistries {
    async fn party_membership(&self, pin: &Pin) -> RegistryResult<PartyMembershipAnswer> {
        self.ask(
            Registry::PartyMembership,
            pin,
            None,
            |w: PartyMembershipWire| {
                let member_of = match w.party {
                    None => None,
                    Some(p) => Some(
                        PartyRegistrationNumber::parse(&p.registration_number)
                            .map_err(|e| e.to_string())?,
                    ),
                };
                Ok(PartyMembershipAnswer { member_of })
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_service_ids_parse_and_are_distinct() {
        for (_, s) in DEFAULT_SERVICES {
            assert!(XRoadServiceId::parse(s).is_ok(), "{s}");
        }
        let services = CandidateServices::default();
        let ids: std::collections::BTreeSet<&str> = Registry::ALL
            .iter()
            .map(|r| services.get(*r).as_str())
            .collect();
        assert_eq!(ids.len(), 5);
        assert_eq!(
            services.get(Registry::Civil).as_str(),
            "KG/GOV/70000002/grs/person"
        );
        for (registry, id) in DEFAULT_SERVICES {
            assert_eq!(services.get(registry).as_str(), id);
        }
    }
}
