//! What the state registries answer about a candidate through Tunduk (CAN-08), and the evidence
//! kept with each answer; a candidate's identity is a PIN plus the civil registry's answer.
//!
//! The registries are reached by adapters (`shailoo-registries`) behind the ports of
//! `shailoo_app::candidates`; the rules only see the answers, as plain values:
//!
//! * an [`Answered`] value carries its [`Evidence`]: which registry, the X-Road message id of
//!   the answer, when it arrived, and a digest of the response body, so a decision can be traced
//!   to exactly what the registry said;
//! * a registry that did not answer (down, slow, or talking nonsense) is an [`Unanswered`]: it
//!   never becomes a verdict about the person, only "could not check".
//!
//! Personal data (name, sex, birth date, residence) is never typed by a filer: a
//! [`CandidateIdentity`] can only be built from the civil registry's answer for its PIN.

use super::eligibility::PartyMembership;
use super::party::PartyRegistrationNumber;
use crate::codes::ErrorCode;
use crate::ids::TerritoryId;
use crate::pin::{Pin, Sex};
use crate::register::RegisterRecord;
use crate::voter::pin_agrees;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A state registry consulted for a candidacy (CAN-08), each a separate Tunduk service of its
/// own agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Registry {
    /// The population (civil) register with passport data and residence registration (Бирдиктүү
    /// калк каттоо реестри / ЕГРН, State Registration Service).
    Civil,
    /// Citizenship of the Kyrgyz Republic (State Registration Service).
    Citizenship,
    /// Criminal records, sentences being served and court-declared incapacity (Interior
    /// Ministry, ИИМ / МВД).
    CriminalRecord,
    /// Education documents (Ministry of Education and Science).
    Education,
    /// Party membership (Ministry of Justice, which registers the parties).
    PartyMembership,
}

impl Registry {
    pub const ALL: [Registry; 5] = [
        Registry::Civil,
        Registry::Citizenship,
        Registry::CriminalRecord,
        Registry::Education,
        Registry::PartyMembership,
    ];

    /// The stable snake_case code, as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Registry::Civil => "civil",
            Registry::Citizenship => "citizenship",
            Registry::CriminalRecord => "criminal_record",
            Registry::Education => "education",
            Registry::PartyMembership => "party_membership",
        }
    }

    /// The Fluent key of the registry's name (`registry-criminal-record`).
    pub fn message_key(self) -> &'static str {
        match self {
            Registry::Civil => "registry-civil",
            Registry::Citizenship => "registry-citizenship",
            Registry::CriminalRecord => "registry-criminal-record",
            Registry::Education => "registry-education",
            Registry::PartyMembership => "registry-party-membership",
        }
    }

    pub fn from_code(code: &str) -> Option<Registry> {
        Registry::ALL.into_iter().find(|r| r.code() == code)
    }
}

impl fmt::Display for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A value of evidence that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvidenceError {
    #[error("a registry request id is 1 to 128 visible ASCII characters; got {0:?}")]
    BadRequestId(String),
    #[error("a response digest is 64 hexadecimal digits (BLAKE3-256); got {0:?}")]
    BadDigest(String),
}

impl EvidenceError {
    pub fn code(&self) -> ErrorCode {
        match self {
            EvidenceError::BadRequestId(_) => ErrorCode::EvidenceBadRequestId,
            EvidenceError::BadDigest(_) => ErrorCode::EvidenceBadDigest,
        }
    }
}

/// The id X-Road gives an exchanged message (the `X-Road-Id` header of the answer): what the
/// registry's own log can be searched by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegistryRequestId(String);

impl RegistryRequestId {
    pub fn parse(s: &str) -> Result<Self, EvidenceError> {
        let ok = (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
        if ok {
            Ok(RegistryRequestId(s.to_owned()))
        } else {
            Err(EvidenceError::BadRequestId(s.chars().take(140).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for RegistryRequestId {
    type Error = EvidenceError;
    fn try_from(s: String) -> Result<Self, EvidenceError> {
        Self::parse(&s)
    }
}

impl From<RegistryRequestId> for String {
    fn from(id: RegistryRequestId) -> String {
        id.0
    }
}

impl fmt::Display for RegistryRequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The BLAKE3-256 digest of a registry's response body, as 64 lower-case hexadecimal digits:
/// a kept answer can be shown to be the one received.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResponseDigest(String);

impl ResponseDigest {
    /// Parses 64 hexadecimal digits, either case (stored lower-case).
    pub fn parse(s: &str) -> Result<Self, EvidenceError> {
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(ResponseDigest(s.to_ascii_lowercase()))
        } else {
            Err(EvidenceError::BadDigest(s.chars().take(80).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ResponseDigest {
    type Error = EvidenceError;
    fn try_from(s: String) -> Result<Self, EvidenceError> {
        Self::parse(&s)
    }
}

impl From<ResponseDigest> for String {
    fn from(d: ResponseDigest) -> String {
        d.0
    }
}

/// What a kept registry answer is traced by (CAN-08: "the result of each check is kept as
/// evidence of the decision").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub registry: Registry,
    /// The X-Road message id of the answer.
    pub request_id: RegistryRequestId,
    /// When the answer arrived.
    pub answered_at: Timestamp,
    /// The digest of the response body.
    pub digest: ResponseDigest,
}

/// A registry's answer with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answered<T> {
    pub answer: T,
    pub evidence: Evidence,
}

/// Why a registry gave no usable answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnansweredReason {
    /// Unreachable, or X-Road reported a fault.
    Unavailable,
    /// No answer in time.
    Timeout,
    /// An answer that is not the documented one (malformed, about another PIN, without a
    /// message id).
    Protocol,
}

impl UnansweredReason {
    pub fn code(self) -> &'static str {
        match self {
            UnansweredReason::Unavailable => "unavailable",
            UnansweredReason::Timeout => "timeout",
            UnansweredReason::Protocol => "protocol",
        }
    }
}

/// A registry that was asked and did not answer: "could not check", never a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unanswered {
    pub registry: Registry,
    pub reason: UnansweredReason,
    /// When the attempt ended.
    pub at: Timestamp,
}

/// What one registry call ended with.
pub type Reply<T> = Result<Answered<T>, Unanswered>;

/// A name that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a surname and a given name are required")]
    Missing,
    #[error("a name part has at most 100 characters")]
    TooLong,
    #[error("a name may not contain control characters")]
    ControlCharacter,
}

impl NameError {
    pub fn code(&self) -> ErrorCode {
        match self {
            NameError::Missing => ErrorCode::NameMissing,
            NameError::TooLong => ErrorCode::NameTooLong,
            NameError::ControlCharacter => ErrorCode::NameControlCharacter,
        }
    }
}

/// A person's name as the civil registry writes it (Cyrillic).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PersonNameWire", into = "PersonNameWire")]
pub struct PersonName {
    surname: String,
    given_name: String,
    patronymic: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct PersonNameWire {
    surname: String,
    given_name: String,
    #[serde(default)]
    patronymic: Option<String>,
}

impl TryFrom<PersonNameWire> for PersonName {
    type Error = NameError;
    fn try_from(w: PersonNameWire) -> Result<Self, NameError> {
        PersonName::new(&w.surname, &w.given_name, w.patronymic.as_deref())
    }
}

impl From<PersonName> for PersonNameWire {
    fn from(n: PersonName) -> Self {
        PersonNameWire {
            surname: n.surname,
            given_name: n.given_name,
            patronymic: n.patronymic,
        }
    }
}

fn name_part(s: &str) -> Result<Option<String>, NameError> {
    let s = s.trim();
    if s.chars().count() > 100 {
        return Err(NameError::TooLong);
    }
    if s.chars().any(char::is_control) {
        return Err(NameError::ControlCharacter);
    }
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

impl PersonName {
    /// A name from its parts, trimmed; an empty patronymic is none (not everyone has one).
    pub fn new(
        surname: &str,
        given_name: &str,
        patronymic: Option<&str>,
    ) -> Result<PersonName, NameError> {
        let surname = name_part(surname)?.ok_or(NameError::Missing)?;
        let given_name = name_part(given_name)?.ok_or(NameError::Missing)?;
        let patronymic = match patronymic {
            Some(p) => name_part(p)?,
            None => None,
        };
        Ok(PersonName {
            surname,
            given_name,
            patronymic,
        })
    }

    pub fn surname(&self) -> &str {
        &self.surname
    }

    pub fn given_name(&self) -> &str {
        &self.given_name
    }

    /// Атасынын аты / отчество.
    pub fn patronymic(&self) -> Option<&str> {
        self.patronymic.as_deref()
    }
}

/// "Surname Given-name Patronymic", the order of ballots and lists.
impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.surname, self.given_name)?;
        if let Some(p) = &self.patronymic {
            write!(f, " {p}")?;
        }
        Ok(())
    }
}

/// A registered residence (каттоо / прописка): what community membership is judged by (CAN-01,
/// with the VOT-04 test).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Residence {
    /// The settlement (or city) of the address, as a territory of the election setup.
    pub settlement: TerritoryId,
    /// Street and house, as the registry writes them. Personal data: never public.
    pub address: String,
    /// The day the address was registered.
    pub registered_on: Date,
    /// A permanent-residence stamp for this address (VOT-04).
    pub permanent: bool,
}

/// What the civil registry holds about a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CivilRecord {
    pub pin: Pin,
    pub name: PersonName,
    pub sex: Sex,
    pub birth_date: Date,
    /// `None`: no registered residence in the country.
    pub residence: Option<Residence>,
}

impl CivilRecord {
    /// The civil data of a population register record: the extract the CEC receives and the
    /// civil registry are the same source (used by the registry doubles and tests).
    pub fn from_register(r: &RegisterRecord) -> Result<CivilRecord, NameError> {
        Ok(CivilRecord {
            pin: r.pin,
            name: PersonName::new(&r.surname, &r.given_name, r.patronymic.as_deref())?,
            sex: r.sex,
            birth_date: r.birth_date,
            residence: Some(Residence {
                settlement: r.settlement.clone(),
                address: format!("{} {}", r.street, r.house).trim().to_owned(),
                registered_on: r.address_registered_on,
                permanent: r.residence_stamp,
            }),
        })
    }
}

/// The civil registry's answer for a PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum CivilAnswer {
    Found(CivilRecord),
    /// No person has this PIN.
    NotFound,
}

/// The citizenship registry's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CitizenshipAnswer {
    /// A citizen of the Kyrgyz Republic.
    pub citizen: bool,
}

/// The Interior Ministry's answer (CAN-02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CriminalRecordAnswer {
    /// A conviction not expunged (соттуулугу жоюлбаган / непогашенная судимость).
    pub unexpunged_conviction: bool,
    /// Held in a place of deprivation of liberty by a sentence in force.
    pub imprisoned: bool,
    /// Declared legally incapable by a court.
    pub court_incapable: bool,
}

/// The highest level of education a registry holds a document of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EducationLevel {
    /// No document on record: secondary education is not shown.
    NoRecord,
    /// Primary (баштапкы / начальное).
    Primary,
    /// Basic general, 9 classes (негизги / основное общее).
    Basic,
    /// General secondary, 11 classes (жалпы орто / общее среднее): what CAN-01 asks.
    SecondaryGeneral,
    /// Secondary vocational (орто кесиптик / среднее профессиональное), which includes it.
    SecondaryVocational,
    /// Higher (жогорку / высшее).
    Higher,
}

impl EducationLevel {
    /// CAN-01: at least general secondary education.
    pub fn meets_secondary(self) -> bool {
        self >= EducationLevel::SecondaryGeneral
    }
}

/// The education registry's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EducationAnswer {
    pub highest: EducationLevel,
}

/// The party-membership registry's answer: the party the person is a member of, by its
/// registration number, or none.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PartyMembershipAnswer {
    pub member_of: Option<PartyRegistrationNumber>,
}

impl PartyMembershipAnswer {
    /// The membership relative to the nominating party (CAN-04); `None` for a self-nominee.
    pub fn relative_to(&self, nominating: Option<&PartyRegistrationNumber>) -> PartyMembership {
        match (&self.member_of, nominating) {
            (None, _) => PartyMembership::NoParty,
            (Some(member), Some(nominating)) if member == nominating => {
                PartyMembership::NominatingParty
            }
            (Some(_), _) => PartyMembership::OtherParty,
        }
    }
}

/// Why a civil answer cannot identify a candidate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// No person has this PIN: the filer gets a field-level answer, nothing is stored.
    #[error("the civil registry knows no person with PIN {0}")]
    UnknownPin(Pin),
    /// The registry answered about someone else: a protocol fault, not a verdict.
    #[error("the civil registry answered about another PIN")]
    AnswerForAnotherPin,
    /// VOT-10: the PIN's sex or birth-date digits contradict the record: a data error to
    /// report to the registry, not to guess.
    #[error("PIN {0} contradicts the civil registry's sex or birth date")]
    PinContradictsRegistry(Pin),
}

impl IdentityError {
    pub fn code(&self) -> ErrorCode {
        match self {
            IdentityError::UnknownPin(_) => ErrorCode::CandidateUnknownPin,
            IdentityError::AnswerForAnotherPin => ErrorCode::CandidateAnswerForAnotherPin,
            IdentityError::PinContradictsRegistry(_) => ErrorCode::CandidatePinContradictsRegistry,
        }
    }
}

/// Who a candidate is: a PIN and the civil registry's answer about it, with its evidence.
/// Built only from that answer, so name, sex, birth date and residence are never typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Answered<CivilRecord>", into = "Answered<CivilRecord>")]
pub struct CandidateIdentity(Answered<CivilRecord>);

impl CandidateIdentity {
    /// The identity of `pin` from the civil registry's answer for it.
    pub fn from_answer(
        pin: Pin,
        civil: Answered<CivilAnswer>,
    ) -> Result<CandidateIdentity, IdentityError> {
        let Answered { answer, evidence } = civil;
        let record = match answer {
            CivilAnswer::Found(record) => record,
            CivilAnswer::NotFound => return Err(IdentityError::UnknownPin(pin)),
        };
        if record.pin != pin {
            return Err(IdentityError::AnswerForAnotherPin);
        }
        CandidateIdentity::try_from(Answered {
            answer: record,
            evidence,
        })
    }

    pub fn pin(&self) -> Pin {
        self.0.answer.pin
    }

    pub fn record(&self) -> &CivilRecord {
        &self.0.answer
    }

    pub fn name(&self) -> &PersonName {
        &self.0.answer.name
    }

    pub fn sex(&self) -> Sex {
        self.0.answer.sex
    }

    pub fn birth_date(&self) -> Date {
        self.0.answer.birth_date
    }

    /// The evidence of the civil registry's answer.
    pub fn evidence(&self) -> &Evidence {
        &self.0.evidence
    }
}

impl TryFrom<Answered<CivilRecord>> for CandidateIdentity {
    type Error = IdentityError;
    fn try_from(a: Answered<CivilRecord>) -> Result<Self, IdentityError> {
        let r = &a.answer;
        if !pin_agrees(&r.pin, r.sex, r.birth_date) {
            return Err(IdentityError::PinContradictsRegistry(r.pin));
        }
        Ok(CandidateIdentity(a))
    }
}

impl From<CandidateIdentity> for Answered<CivilRecord> {
    fn from(i: CandidateIdentity) -> Self {
        i.0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn evidence(registry: Registry) -> Evidence {
        Evidence {
            registry,
            request_id: RegistryRequestId::parse("KG-0000-1").unwrap(),
            answered_at: "2024-10-01T06:00:00Z".parse().unwrap(),
            digest: ResponseDigest::parse(&"ab".repeat(32)).unwrap(),
        }
    }

    fn record(pin: &str) -> CivilRecord {
        let pin = Pin::parse(pin).unwrap();
        CivilRecord {
            pin,
            name: PersonName::new("Асанова", "Айгүл", Some("Бакытовна")).unwrap(),
            sex: pin.sex(),
            birth_date: pin.birth_date(),
            residence: None,
        }
    }

    #[test]
    fn can_08_identity_comes_from_the_civil_answer_for_that_pin() {
        let pin = Pin::parse("11502199000123").unwrap();
        let answered = |answer| Answered {
            answer,
            evidence: evidence(Registry::Civil),
        };
        let id =
            CandidateIdentity::from_answer(pin, answered(CivilAnswer::Found(record(pin.as_str()))))
                .unwrap();
        assert_eq!(id.pin(), pin);
        assert_eq!(id.name().to_string(), "Асанова Айгүл Бакытовна");
        assert_eq!(id.birth_date(), date(1990, 2, 15));
        assert_eq!(
            CandidateIdentity::from_answer(pin, answered(CivilAnswer::NotFound)),
            Err(IdentityError::UnknownPin(pin))
        );
        assert_eq!(
            CandidateIdentity::from_answer(
                pin,
                answered(CivilAnswer::Found(record("11502199000124")))
            ),
            Err(IdentityError::AnswerForAnotherPin)
        );
        let mut wrong = record(pin.as_str());
        wrong.birth_date = date(1990, 2, 16);
        assert_eq!(
            CandidateIdentity::from_answer(pin, answered(CivilAnswer::Found(wrong))),
            Err(IdentityError::PinContradictsRegistry(pin))
        );
        // Stored and read back through the same check.
        let json = serde_json::to_value(&id).unwrap();
        assert_eq!(json["evidence"]["registry"], "civil");
        assert_eq!(
            serde_json::from_value::<CandidateIdentity>(json).unwrap(),
            id
        );
    }

    #[test]
    fn evidence_values_are_parsed() {
        assert!(RegistryRequestId::parse("").is_err());
        assert!(RegistryRequestId::parse("a b").is_err());
        assert!(RegistryRequestId::parse(&"x".repeat(129)).is_err());
        assert_eq!(
            ResponseDigest::parse(&"AB".repeat(32)).unwrap().as_str(),
            "ab".repeat(32)
        );
        assert!(ResponseDigest::parse("abc").is_err());
        assert!(ResponseDigest::parse(&"zz".repeat(32)).is_err());
        for r in Registry::ALL {
            assert_eq!(Registry::from_code(r.code()), Some(r));
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(r.code().to_owned())
            );
            assert_eq!(
                r.message_key(),
                format!("registry-{}", r.code().replace('_', "-"))
            );
        }
    }

    #[test]
    fn names_are_trimmed_and_required() {
        let n = PersonName::new(" Токтогулов ", "Азамат", Some("  ")).unwrap();
        assert_eq!(n.to_string(), "Токтогулов Азамат");
        assert_eq!(n.patronymic(), None);
        assert_eq!(PersonName::new("", "Азамат", None), Err(NameError::Missing));
        assert_eq!(
            PersonName::new("A\u{7}", "B", None),
            Err(NameError::ControlCharacter)
        );
        assert!(serde_json::from_str::<PersonName>(r#"{"surname":"","given_name":"x"}"#).is_err());
    }

    #[test]
    fn can_01_secondary_education_is_general_secondary_or_above() {
        use EducationLevel as E;
        let meets: Vec<bool> = [
            E::NoRecord,
            E::Primary,
            E::Basic,
            E::SecondaryGeneral,
            E::SecondaryVocational,
            E::Higher,
        ]
        .map(E::meets_secondary)
        .to_vec();
        assert_eq!(meets, [false, false, false, true, true, true]);
    }

    #[test]
    fn can_04_membership_is_judged_against_the_nominating_party() {
        let emgek = PartyRegistrationNumber::parse("1111-ПП").unwrap();
        let other = PartyRegistrationNumber::parse("2222-ПП").unwrap();
        let none = PartyMembershipAnswer { member_of: None };
        let own = PartyMembershipAnswer {
            member_of: Some(emgek.clone()),
        };
        let foreign = PartyMembershipAnswer {
            member_of: Some(other),
        };
        assert_eq!(none.relative_to(Some(&emgek)), PartyMembership::NoParty);
        assert_eq!(
            own.relative_to(Some(&emgek)),
            PartyMembership::NominatingParty
        );
        assert_eq!(
            foreign.relative_to(Some(&emgek)),
            PartyMembership::OtherParty
        );
        assert_eq!(own.relative_to(None), PartyMembership::OtherParty);
    }
}
