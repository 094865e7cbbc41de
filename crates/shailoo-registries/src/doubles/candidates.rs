//! The five candidate registries (CAN-08) behind one Tunduk security server, answering
//! `GET /r1/{service}/persons/{pin}` as `docs/registries.md` documents, from seeded people.
//!
//! Seeding is deterministic: a [`Person`] is built from a population register record (the
//! civil data, citizenship, imprisonment and incapacity the register holds), and the PIN's
//! serial picks a [`Profile`] that makes one rule fail, so that a demo or a benchmark over
//! generated people has candidates failing every check while the rest pass (a too-young person
//! fails by their birth date, which the register gives).
//!
//! Each registry can be switched down, slowed, or made to answer nonsense ([`Behaviour`],
//! [`CandidateRegistryDouble::set_delay`]), and every answer can wait a simulated latency drawn
//! deterministically from the seed, the PIN and the registry
//! ([`CandidateRegistryDouble::set_latency`], e.g. 50–200 ms for the benchmark).

use super::{Running, fault, poison, serve, x_road_client_ok};
use crate::candidates::{CandidateServices, EDUCATION_LEVELS};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use shailoo_domain::Pin;
use shailoo_domain::candidate::registry::{
    CivilRecord, CriminalRecordAnswer, EducationLevel, NameError, Registry,
};
use shailoo_domain::candidate::{CandidateCode, PartyRegistrationNumber};
use shailoo_domain::register::RegisterRecord;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The registration number of the party every [`Profile::OtherPartyMember`] belongs to: one
/// that no generated party has, so it is "another party" for every nominator.
pub const OTHER_PARTY: &str = "DEMO-OTHER-0001";

/// What the five registries hold about one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub civil: CivilRecord,
    pub citizen: bool,
    pub criminal_record: CriminalRecordAnswer,
    pub education: EducationLevel,
    /// The party the person is a member of, by registration number.
    pub party: Option<PartyRegistrationNumber>,
}

/// Which rule a seeded person fails, picked by the PIN (see [`Profile::of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    Clean,
    /// Not a citizen of the Kyrgyz Republic (CAN-08).
    ForeignCitizen,
    /// An unexpunged conviction (CAN-02).
    UnexpungedConviction,
    /// Imprisoned by a sentence (CAN-02).
    Imprisoned,
    /// Declared incapable by a court (CAN-02).
    Incapable,
    /// Basic education only (CAN-01).
    NoSecondaryEducation,
    /// A member of [`OTHER_PARTY`] (CAN-04, for any party nominating them).
    OtherPartyMember,
}

impl Profile {
    /// The profiles that fail a rule, in the order of [`Profile::of`]'s serials 01…06.
    pub const FAILING: [Profile; 6] = [
        Profile::ForeignCitizen,
        Profile::UnexpungedConviction,
        Profile::Imprisoned,
        Profile::Incapable,
        Profile::NoSecondaryEducation,
        Profile::OtherPartyMember,
    ];

    /// The demo's choice, documented in `docs/registries.md`: a PIN whose five-digit serial
    /// ends in 01…06 fails the rule of [`Profile::FAILING`] at that place; any other is clean
    /// (6 in 100).
    pub fn of(pin: &Pin) -> Profile {
        let serial = pin.as_u64() % 100_000;
        match usize::try_from(serial % 100) {
            Ok(n @ 1..=6) => Profile::FAILING[n - 1],
            _ => Profile::Clean,
        }
    }

    /// The refusal ground the profile leads to, if any.
    pub fn ground(self) -> Option<CandidateCode> {
        Some(match self {
            Profile::Clean => return None,
            Profile::ForeignCitizen => CandidateCode::NotCitizen,
            Profile::UnexpungedConviction => CandidateCode::UnexpungedConviction,
            Profile::Imprisoned => CandidateCode::Imprisoned,
            Profile::Incapable => CandidateCode::CourtIncapable,
            Profile::NoSecondaryEducation => CandidateCode::NoSecondaryEducation,
            Profile::OtherPartyMember => CandidateCode::MemberOfOtherParty,
        })
    }
}

impl Person {
    /// A citizen with a clean record, secondary education and no party.
    pub fn clean(civil: CivilRecord) -> Person {
        Person {
            civil,
            citizen: true,
            criminal_record: CriminalRecordAnswer {
                unexpunged_conviction: false,
                imprisoned: false,
                court_incapable: false,
            },
            education: EducationLevel::SecondaryGeneral,
            party: None,
        }
    }

    /// The person made to fail the profile's rule.
    pub fn with_profile(mut self, profile: Profile) -> Person {
        match profile {
            Profile::Clean => {}
            Profile::ForeignCitizen => self.citizen = false,
            Profile::UnexpungedConviction => self.criminal_record.unexpunged_conviction = true,
            Profile::Imprisoned => self.criminal_record.imprisoned = true,
            Profile::Incapable => self.criminal_record.court_incapable = true,
            Profile::NoSecondaryEducation => self.education = EducationLevel::Basic,
            Profile::OtherPartyMember => {
                self.party = PartyRegistrationNumber::parse(OTHER_PARTY).ok();
            }
        }
        self
    }

    /// A person as the register holds them, with the PIN's [`Profile`] applied.
    pub fn from_register(r: &RegisterRecord) -> Result<Person, NameError> {
        let mut person = Person::clean(CivilRecord::from_register(r)?);
        person.citizen = r.citizen;
        person.criminal_record.imprisoned = r.imprisoned;
        person.criminal_record.court_incapable = r.court_incapable;
        Ok(person.with_profile(Profile::of(&r.pin)))
    }

    /// The JSON body `registry` answers about this person.
    fn body(&self, registry: Registry) -> Value {
        let pin = self.civil.pin.as_str();
        match registry {
            Registry::Civil => {
                let c = &self.civil;
                json!({
                    "pin": pin,
                    "surname": c.name.surname(),
                    "givenName": c.name.given_name(),
                    "patronymic": c.name.patronymic(),
                    "sex": c.sex.as_str(),
                    "birthDate": c.birth_date.to_string(),
                    "residence": c.residence.as_ref().map(|r| json!({
                        "settlement": r.settlement.as_str(),
                        "address": r.address,
                        "registeredOn": r.registered_on.to_string(),
                        "permanent": r.permanent,
                    })),
                })
            }
            Registry::Citizenship => json!({"pin": pin, "citizen": self.citizen}),
            Registry::CriminalRecord => json!({
                "pin": pin,
                "unexpungedConviction": self.criminal_record.unexpunged_conviction,
                "imprisoned": self.criminal_record.imprisoned,
                "legallyIncapable": self.criminal_record.court_incapable,
            }),
            Registry::Education => {
                let level = EDUCATION_LEVELS
                    .iter()
                    .find(|(l, _)| *l == self.education)
                    .map_or("NONE", |(_, name)| name);
                json!({"pin": pin, "highestLevel": level})
            }
            Registry::PartyMembership => json!({
                "pin": pin,
                "party": self.party.as_ref().map(|p| json!({
                    "registrationNumber": p.as_str(),
                    "name": "",
                })),
            }),
        }
    }
}

/// How one registry of the double behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Behaviour {
    /// Answers as documented.
    #[default]
    Normal,
    /// X-Road's `Server.ServerProxy.NetworkError`: the provider cannot be reached.
    Down,
    /// 200 with a body that is not the documented JSON.
    Malformed,
    /// 200 with a documented body about another PIN.
    WrongPin,
    /// A documented answer without the `X-Road-Id` header.
    Anonymous,
}

/// The simulated latency of every answer: uniform in `min..=max`, drawn from the seed, the PIN
/// and the registry, so a run is reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Latency {
    pub min: Duration,
    pub max: Duration,
}

fn index(registry: Registry) -> usize {
    Registry::ALL
        .iter()
        .position(|r| *r == registry)
        .unwrap_or_default()
}

/// SplitMix64: a fixed, well-mixed function of its input (no randomness).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A Tunduk security server with the five candidate registries behind it.
pub struct CandidateRegistryDouble {
    /// The service id of each registry, in the order of [`Registry::ALL`].
    services: [String; 5],
    people: RwLock<HashMap<Pin, Person>>,
    behaviour: Mutex<[Behaviour; 5]>,
    delay: Mutex<[Duration; 5]>,
    latency: Mutex<Latency>,
    seed: u64,
    requests: [AtomicU64; 5],
    messages: AtomicU64,
}

impl CandidateRegistryDouble {
    /// A double answering for `services`, with nobody in it; `seed` draws the latencies.
    pub fn new(services: &CandidateServices, seed: u64) -> Arc<Self> {
        Arc::new(CandidateRegistryDouble {
            services: Registry::ALL.map(|r| services.get(r).as_str().to_owned()),
            people: RwLock::new(HashMap::new()),
            behaviour: Mutex::new([Behaviour::Normal; 5]),
            delay: Mutex::new([Duration::ZERO; 5]),
            latency: Mutex::new(Latency::default()),
            seed,
            requests: Default::default(),
            messages: AtomicU64::new(0),
        })
    }

    pub fn insert(&self, person: Person) {
        poison(self.people.write()).insert(person.civil.pin, person);
    }

    pub fn extend(&self, people: impl IntoIterator<Item = Person>) {
        poison(self.people.write()).extend(people.into_iter().map(|p| (p.civil.pin, p)));
    }

    pub fn get(&self, pin: &Pin) -> Option<Person> {
        poison(self.people.read()).get(pin).cloned()
    }

    pub fn len(&self) -> usize {
        poison(self.people.read()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn set_behaviour(&self, registry: Registry, behaviour: Behaviour) {
        poison(self.behaviour.lock())[index(registry)] = behaviour;
    }

    /// Up ([`Behaviour::Normal`]) or [`Behaviour::Down`].
    pub fn set_available(&self, registry: Registry, up: bool) {
        let b = if up {
            Behaviour::Normal
        } else {
            Behaviour::Down
        };
        self.set_behaviour(registry, b);
    }

    /// A fixed extra wait for one registry's answers (to exercise the client's timeout).
    pub fn set_delay(&self, registry: Registry, delay: Duration) {
        poison(self.delay.lock())[index(registry)] = delay;
    }

    /// The simulated latency of every answer (`max` below `min` counts as `min`).
    pub fn set_latency(&self, min: Duration, max: Duration) {
        *poison(self.latency.lock()) = Latency {
            min,
            max: max.max(min),
        };
    }

    /// The simulated latency of `registry`'s answers about `pin`.
    pub fn latency(&self, pin: &Pin, registry: Registry) -> Duration {
        let Latency { min, max } = *poison(self.latency.lock());
        let span = u64::try_from((max - min).as_millis()).unwrap_or(u64::MAX);
        let draw = mix(self.seed ^ mix(pin.as_u64() ^ ((index(registry) as u64) << 56)));
        min + Duration::from_millis(draw % span.saturating_add(1))
    }

    /// Requests one registry has served so far.
    pub fn requests(&self, registry: Registry) -> u64 {
        self.requests[index(registry)].load(Ordering::SeqCst)
    }

    pub async fn serve(self: &Arc<Self>, addr: SocketAddr) -> std::io::Result<Running> {
        let router = Router::new()
            .route("/r1/{*rest}", get(answer))
            .with_state(self.clone());
        serve(router, addr).await
    }

    /// The registry a request path (after `/r1/`) is for, and the rest of the path.
    fn route<'a>(&self, rest: &'a str) -> Option<(Registry, &'a str)> {
        Registry::ALL.iter().zip(&self.services).find_map(|(r, s)| {
            rest.strip_prefix(s.as_str())
                .and_then(|p| p.strip_prefix('/'))
                .map(|p| (*r, p))
        })
    }

    /// A fresh X-Road message id.
    fn message_id(&self, registry: Registry) -> String {
        let n = self.messages.fetch_add(1, Ordering::SeqCst) + 1;
        format!("KG-double-{}-{n:08}", registry.code())
    }
}

fn json_reply(status: StatusCode, message_id: Option<String>, body: String) -> Response {
    let mut response = (status, [("Content-Type", "application/json")], body).into_response();
    if let Some(id) = message_id
        && let Ok(value) = id.parse()
    {
        response.headers_mut().insert("X-Road-Id", value);
    }
    response
}

async fn answer(
    State(double): State<Arc<CandidateRegistryDouble>>,
    headers: HeaderMap,
    Path(rest): Path<String>,
) -> Response {
    let Some((registry, path)) = double.route(&rest) else {
        return fault(
            StatusCode::NOT_FOUND,
            "Server.ServerProxy.UnknownService",
            "unknown service",
        );
    };
    double.requests[index(registry)].fetch_add(1, Ordering::SeqCst);
    if !x_road_client_ok(&headers) {
        return fault(
            StatusCode::BAD_REQUEST,
            "Client.BadRequest",
            "the X-Road-Client header is missing or malformed",
        );
    }
    let Some(pin) = path.strip_prefix("persons/") else {
        return (StatusCode::NOT_FOUND, "{\"error\":\"NO_SUCH_RESOURCE\"}").into_response();
    };
    let Ok(pin) = Pin::parse(pin) else {
        return (StatusCode::BAD_REQUEST, "{\"error\":\"BAD_IDENTIFIER\"}").into_response();
    };
    let wait = double.latency(&pin, registry) + poison(double.delay.lock())[index(registry)];
    if !wait.is_zero() {
        tokio::time::sleep(wait).await;
    }
    let behaviour = poison(double.behaviour.lock())[index(registry)];
    if behaviour == Behaviour::Down {
        return fault(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Server.ServerProxy.NetworkError",
            "the service provider's security server cannot be reached",
        );
    }
    let id = (behaviour != Behaviour::Anonymous).then(|| double.message_id(registry));
    let Some(person) = double.get(&pin) else {
        let body = "{\"error\":\"PERSON_NOT_FOUND\"}".to_owned();
        return json_reply(StatusCode::NOT_FOUND, id, body);
    };
    let mut body = person.body(registry);
    match behaviour {
        Behaviour::Malformed => body = json!({"pin": pin.as_str(), "status": 42}),
        Behaviour::WrongPin => {
            let other = Pin::compose(
                pin.sex(),
                pin.birth_date(),
                (pin.as_u64() % 100_000) as u32 + 1,
            );
            body["pin"] = Value::String(other.as_str().to_owned());
        }
        Behaviour::Normal | Behaviour::Down | Behaviour::Anonymous => {}
    }
    json_reply(StatusCode::OK, id, body.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use jiff::civil::date;
    use shailoo_domain::Sex;

    #[test]
    fn profiles_are_picked_by_the_pins_serial() {
        let pin = |serial| Pin::compose(Sex::Female, date(1980, 1, 1), serial);
        assert_eq!(Profile::of(&pin(0)), Profile::Clean);
        for (i, profile) in Profile::FAILING.iter().enumerate() {
            let serial = u32::try_from(i).unwrap() + 1;
            assert_eq!(Profile::of(&pin(serial)), *profile);
            assert_eq!(Profile::of(&pin(serial + 12_300)), *profile);
            assert!(profile.ground().is_some());
        }
        assert_eq!(Profile::of(&pin(7)), Profile::Clean);
        assert_eq!(Profile::of(&pin(99)), Profile::Clean);
        assert_eq!(Profile::Clean.ground(), None);
    }

    #[test]
    fn latencies_are_deterministic_and_within_the_range() {
        let services = CandidateServices::default();
        let a = CandidateRegistryDouble::new(&services, 7);
        let b = CandidateRegistryDouble::new(&services, 7);
        let (min, max) = (Duration::from_millis(50), Duration::from_millis(200));
        a.set_latency(min, max);
        b.set_latency(min, max);
        let mut seen = std::collections::BTreeSet::new();
        for serial in 0..200 {
            let pin = Pin::compose(Sex::Male, date(1975, 6, 1), serial);
            for r in Registry::ALL {
                let l = a.latency(&pin, r);
                assert!((min..=max).contains(&l));
                assert_eq!(l, b.latency(&pin, r));
                seen.insert(l.as_millis());
            }
        }
        assert!(seen.len() > 100, "spread over the range: {}", seen.len());
        let fixed = CandidateRegistryDouble::new(&services, 7);
        let pin = Pin::compose(Sex::Male, date(1975, 6, 1), 1);
        assert_eq!(fixed.latency(&pin, Registry::Civil), Duration::ZERO);
    }
}
