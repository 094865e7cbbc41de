//! Tests of the candidate workflow, named after the rules they check, with the fixtures they
//! share: the 2024 calendar, Bishkek (a city council of 51 seats) and an aiyl council, parties,
//! and people as the civil registry describes them.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on a broken fixture")]

mod ballot;
mod checks;
mod transitions;

use super::checks::RegistryAnswers;
use super::nomination::{Entry, EntryStatus, Nomination, NominationKind, NominationStatus, Rules};
use super::party::{Party, PartyRegistrationNumber};
use super::registry::*;
use super::transitions::{Draft, Submitted};
use super::{CandidateId, Nominator, PartyId};
use crate::calendar::Calendar;
use crate::ids::{CouncilId, DistrictId, ElectionId, SeatCount, TerritoryId};
use crate::params::RuleParameters;
use crate::pin::{Pin, Sex};
use crate::territory::{Council, CouncilKind, LocalizedName};
use crate::time::from_bishkek;
use jiff::Timestamp;
use jiff::civil::{Date, date, time};

pub fn cal2024() -> Calendar {
    Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap()
}

/// An instant in Bishkek local time.
pub fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Timestamp {
    from_bishkek(date(y, mo, d), time(h, mi, 0, 0))
}

pub fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

pub fn council(id: &str, kind: CouncilKind, seats: u32) -> Council {
    Council {
        id: CouncilId::parse(id).unwrap(),
        kind,
        territory: TerritoryId::parse(id).unwrap(),
        name: name(id),
        seats: SeatCount::new(seats).unwrap(),
    }
}

pub fn bishkek() -> Council {
    council("bishkek", CouncilKind::City, 51)
}

pub fn alamudun() -> Council {
    council("alamudun", CouncilKind::Aiyl, 21)
}

pub fn name(s: &str) -> LocalizedName {
    LocalizedName {
        ky: format!("{s} (ky)"),
        ru: format!("{s} (ru)"),
        en: s.to_owned(),
    }
}

pub fn party(id: &str) -> Party {
    Party {
        id: PartyId::parse(id).unwrap(),
        name: name(id),
        registration_number: PartyRegistrationNumber::parse(&format!("{id}-ПП")).unwrap(),
    }
}

pub fn cid(s: &str) -> CandidateId {
    CandidateId::parse(s).unwrap()
}

pub fn evidence(registry: Registry, n: u32) -> Evidence {
    Evidence {
        registry,
        request_id: RegistryRequestId::parse(&format!("KG-{}-{n}", registry.code())).unwrap(),
        answered_at: at(2024, 9, 20, 10, 0),
        digest: ResponseDigest::parse(&format!("{n:064x}")).unwrap(),
    }
}

pub fn answered<T>(answer: T, registry: Registry) -> Reply<T> {
    Ok(Answered {
        answer,
        evidence: evidence(registry, 1),
    })
}

pub fn down(registry: Registry) -> Unanswered {
    Unanswered {
        registry,
        reason: UnansweredReason::Timeout,
        at: at(2024, 9, 20, 10, 0),
    }
}

/// The PIN of the `serial`-th person of a sex born on a day.
pub fn pin(sex: Sex, born: Date, serial: u32) -> Pin {
    Pin::compose(sex, born, serial)
}

/// A person registered in `settlement` since 2010, with a surname to sort by.
pub fn person(pin: Pin, surname: &str, settlement: &str) -> CandidateIdentity {
    let record = CivilRecord {
        pin,
        name: PersonName::new(surname, "Айбек", None).unwrap(),
        sex: pin.sex(),
        birth_date: pin.birth_date(),
        residence: Some(Residence {
            settlement: TerritoryId::parse(settlement).unwrap(),
            address: "Чүй 1".to_owned(),
            registered_on: date(2010, 1, 1),
            permanent: false,
        }),
    };
    CandidateIdentity::from_answer(
        pin,
        Answered {
            answer: CivilAnswer::Found(record),
            evidence: evidence(Registry::Civil, 1),
        },
    )
    .unwrap()
}

/// The `n`-th adult of a sex, living in Bishkek.
pub fn adult(sex: Sex, n: u32) -> CandidateIdentity {
    person(
        pin(sex, date(1980, 1, 1), n),
        &format!("Асанов{n}"),
        "bishkek",
    )
}

/// Answers that pass every check, for a nominee of `party` (or a self-nominee).
pub fn clean(party: Option<&Party>) -> RegistryAnswers {
    RegistryAnswers {
        citizenship: answered(CitizenshipAnswer { citizen: true }, Registry::Citizenship),
        criminal_record: answered(
            CriminalRecordAnswer {
                unexpunged_conviction: false,
                imprisoned: false,
                court_incapable: false,
            },
            Registry::CriminalRecord,
        ),
        education: answered(
            EducationAnswer {
                highest: EducationLevel::Higher,
            },
            Registry::Education,
        ),
        party_membership: party.map(|p| {
            answered(
                PartyMembershipAnswer {
                    member_of: Some(p.registration_number.clone()),
                },
                Registry::PartyMembership,
            )
        }),
    }
}

pub fn params() -> RuleParameters {
    RuleParameters::default()
}

pub fn rules<'a>(calendar: &'a Calendar, params: &'a RuleParameters, c: &Council) -> Rules<'a> {
    Rules {
        calendar,
        params,
        seats: c.seats,
    }
}

pub fn city_list(party_id: &str) -> NominationKind {
    NominationKind::CityList {
        party: PartyId::parse(party_id).unwrap(),
    }
}

pub fn district(d: &str, nominator: Nominator) -> NominationKind {
    NominationKind::District {
        district: DistrictId::parse(d).unwrap(),
        nominator,
    }
}

/// A draft of `kind` for `council` with the candidates `(id, identity)` in order.
pub fn draft(
    kind: NominationKind,
    c: &Council,
    candidates: Vec<(CandidateId, CandidateIdentity)>,
    rules: &Rules<'_>,
) -> Draft {
    let now = at(2024, 9, 10, 9, 0);
    let mut d = Draft::new(election(), c, kind, now).unwrap();
    for (id, identity) in candidates {
        d = d.add(id, identity, rules, now).unwrap();
    }
    d
}

/// The draft filed at `now`.
pub fn file(d: Draft, rules: &Rules<'_>, now: Timestamp) -> Submitted {
    let seen = d.record().content();
    d.submit(&seen, rules, now).unwrap()
}

/// A nomination as filed at `at`, built directly (past the door checks of the workflow), to
/// test the checks on what the door would refuse.
pub fn filed(
    kind: NominationKind,
    c: &Council,
    candidates: Vec<(CandidateId, CandidateIdentity)>,
    at: Timestamp,
) -> Nomination {
    Nomination {
        election: election(),
        council: c.id.clone(),
        kind,
        entries: candidates
            .into_iter()
            .map(|(candidate, identity)| Entry {
                candidate,
                identity,
                filed_at: Some(at),
                status: EntryStatus::Standing,
            })
            .collect(),
        status: NominationStatus::Submitted,
        version: 2,
        created_at: at,
        updated_at: at,
        submitted_at: Some(at),
        decided_at: None,
    }
}

/// A list of `women` women then `men` men, ids `c1`, `c2`, ….
pub fn list_of(women: u32, men: u32) -> Vec<(CandidateId, CandidateIdentity)> {
    (0..women)
        .map(|i| adult(Sex::Female, i))
        .chain((0..men).map(|i| adult(Sex::Male, i)))
        .zip(1..)
        .map(|(identity, n)| (cid(&format!("c{n}")), identity))
        .collect()
}

/// Clean answers for every standing candidate of a nomination.
pub fn clean_for(n: &Nomination, party: Option<&Party>) -> Vec<(CandidateId, RegistryAnswers)> {
    n.standing()
        .map(|(_, e)| (e.candidate.clone(), clean(party)))
        .collect()
}
