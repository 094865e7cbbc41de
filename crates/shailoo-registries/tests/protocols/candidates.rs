//! The five candidate registries (CAN-08): the Tunduk adapter against the double.

use super::loopback;
use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::candidates::{CandidateRegistries, RegistryError, RegistryResult, into_reply};
use shailoo_domain::calendar::Calendar;
use shailoo_domain::candidate::checks::{CheckContext, RegistryAnswers, check_nomination};
use shailoo_domain::candidate::nomination::{NominationKind, Rules};
use shailoo_domain::candidate::registry::{
    Answered, CandidateIdentity, CivilAnswer, EducationLevel, Registry, UnansweredReason,
};
use shailoo_domain::candidate::transitions::{Draft, TransitionError};
use shailoo_domain::candidate::{Nominator, Party, PartyRegistrationNumber};
use shailoo_domain::params::{Coded, RuleParameters};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{Council, CouncilKind, LocalizedName};
use shailoo_domain::{
    CandidateId, CouncilId, DistrictId, ElectionId, ErrorCode, PartyId, Pin, SeatCount, Sex,
    TerritoryId,
};
use shailoo_registries::doubles::candidates::OTHER_PARTY;
use shailoo_registries::doubles::{Behaviour, CandidateRegistryDouble, Person, Profile, Running};
use shailoo_registries::{
    CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A register record of someone living in Ala-Buka since 2000.
fn record(pin: Pin) -> RegisterRecord {
    RegisterRecord {
        pin,
        surname: "Токтосунова".to_owned(),
        given_name: "Гүлзат".to_owned(),
        patronymic: None,
        sex: pin.sex(),
        birth_date: pin.birth_date(),
        citizen: true,
        biometrics: true,
        settlement: TerritoryId::parse("ala-buka").unwrap(),
        street: "Ленин көчөсү".to_owned(),
        house: "12".to_owned(),
        address_registered_on: date(2000, 1, 1),
        residence_stamp: true,
        court_incapable: false,
        imprisoned: false,
    }
}

fn pin(serial: u32) -> Pin {
    Pin::compose(Sex::Female, date(1980, 4, 12), serial)
}

fn adapter(url: &str, timeout: Duration) -> Arc<TundukCandidateRegistries> {
    Arc::new(
        TundukCandidateRegistries::new(CandidateRegistriesConfig {
            security_server: url.to_owned(),
            client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
            services: CandidateServices::default(),
            timeout,
        })
        .unwrap(),
    )
}

/// A double seeded with people of serials 0…=9 (profiles by serial), and its adapter.
async fn setup(timeout: Duration) -> (Arc<CandidateRegistryDouble>, Running, CandidateRegistries) {
    let double = CandidateRegistryDouble::new(&CandidateServices::default(), 2024);
    double.extend((0..10).map(|s| Person::from_register(&record(pin(s))).unwrap()));
    let running = double.serve(loopback()).await.unwrap();
    let registries = CandidateRegistries::all(adapter(&running.url(), timeout));
    (double, running, registries)
}

/// The answers the four non-civil registries give about `pin`, as the checks take them.
async fn ask_all(r: &CandidateRegistries, pin: &Pin) -> RegistryAnswers {
    let now = Timestamp::now();
    RegistryAnswers {
        citizenship: into_reply(
            r.citizenship.citizenship(pin).await,
            Registry::Citizenship,
            now,
        ),
        criminal_record: into_reply(
            r.criminal_record.criminal_record(pin).await,
            Registry::CriminalRecord,
            now,
        ),
        education: into_reply(r.education.education(pin).await, Registry::Education, now),
        party_membership: Some(into_reply(
            r.party_membership.party_membership(pin).await,
            Registry::PartyMembership,
            now,
        )),
    }
}

fn evidence_of<T>(result: &RegistryResult<T>) -> &shailoo_domain::candidate::registry::Evidence {
    &result.as_ref().unwrap().evidence
}

#[tokio::test]
async fn can_08_each_registry_answers_with_its_evidence() {
    let (double, running, r) = setup(Duration::from_secs(5)).await;
    let clean = pin(0);
    let before = Timestamp::now();
    let civil = r.civil.person(&clean).await;
    let after = Timestamp::now();
    let Ok(Answered {
        answer: CivilAnswer::Found(person),
        evidence,
    }) = &civil
    else {
        panic!("the civil registry knows the person: {civil:?}");
    };
    assert_eq!(person.pin, clean);
    assert_eq!(person.name.to_string(), "Токтосунова Гүлзат");
    assert_eq!(person.birth_date, date(1980, 4, 12));
    let residence = person.residence.as_ref().unwrap();
    assert_eq!(residence.settlement.as_str(), "ala-buka");
    assert_eq!(residence.address, "Ленин көчөсү 12");
    assert!(residence.permanent);
    assert_eq!(evidence.registry, Registry::Civil);
    assert!(evidence.request_id.as_str().starts_with("KG-double-civil-"));
    assert!(before <= evidence.answered_at && evidence.answered_at <= after);
    // The digest is of the body exactly as the registry sent it.
    let url = format!(
        "{}/r1/{}/persons/{}",
        running.url(),
        CandidateServices::default().civil,
        clean
    );
    let body = reqwest::Client::new()
        .get(&url)
        .header("X-Road-Client", "KG/GOV/70000001/shailoo")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        evidence.digest.as_str(),
        blake3::hash(&body).to_hex().as_str()
    );

    let citizenship = r.citizenship.citizenship(&clean).await;
    assert!(citizenship.as_ref().unwrap().answer.citizen);
    let record = r.criminal_record.criminal_record(&clean).await;
    let record = &record.as_ref().unwrap().answer;
    assert!(!record.unexpunged_conviction && !record.imprisoned && !record.court_incapable);
    let education = r.education.education(&clean).await;
    assert_eq!(
        education.as_ref().unwrap().answer.highest,
        EducationLevel::SecondaryGeneral
    );
    let membership = r.party_membership.party_membership(&clean).await;
    assert_eq!(membership.as_ref().unwrap().answer.member_of, None);
    // Each answer has its own message id, from its own registry.
    let ids: std::collections::BTreeSet<&str> = [
        evidence_of(&citizenship).request_id.as_str(),
        evidence_of(&education).request_id.as_str(),
        evidence_of(&membership).request_id.as_str(),
        evidence.request_id.as_str(),
    ]
    .into();
    assert_eq!(ids.len(), 4);
    for registry in Registry::ALL {
        assert!(double.requests(registry) >= 1, "{registry}");
    }
}

#[tokio::test]
async fn an_unknown_pin_is_not_found_by_the_civil_registry_and_a_fault_elsewhere() {
    let (_double, _running, r) = setup(Duration::from_secs(5)).await;
    let stranger = pin(77_777);
    let civil = r.civil.person(&stranger).await.unwrap();
    assert_eq!(civil.answer, CivilAnswer::NotFound);
    assert!(
        civil
            .evidence
            .request_id
            .as_str()
            .starts_with("KG-double-civil-")
    );
    assert!(matches!(
        CandidateIdentity::from_answer(stranger, civil),
        Err(e) if e.code() == ErrorCode::CandidateUnknownPin
    ));
    assert!(matches!(
        r.citizenship.citizenship(&stranger).await,
        Err(RegistryError::Protocol(_))
    ));
}

fn council() -> Council {
    Council {
        id: CouncilId::parse("ala-buka").unwrap(),
        kind: CouncilKind::Aiyl,
        territory: TerritoryId::parse("ala-buka").unwrap(),
        name: LocalizedName {
            ky: "Ала-Бука".into(),
            ru: "Ала-Бука".into(),
            en: "Ala-Buka".into(),
        },
        seats: SeatCount::new(21).unwrap(),
    }
}

#[tokio::test]
async fn the_seeded_double_makes_chosen_pins_fail_each_rule_and_the_rest_pass() {
    let (_double, _running, r) = setup(Duration::from_secs(5)).await;
    let calendar = Calendar::statutory(date(2024, 9, 6), date(2024, 11, 17)).unwrap();
    let params = RuleParameters::default();
    let c = council();
    let rules = Rules {
        calendar: &calendar,
        params: &params,
        seats: c.seats,
    };
    let emgek = Party {
        id: PartyId::parse("emgek").unwrap(),
        name: c.name.clone(),
        registration_number: PartyRegistrationNumber::parse("0077-ПП").unwrap(),
    };
    assert_ne!(emgek.registration_number.as_str(), OTHER_PARTY);
    let in_council = |t: &TerritoryId| t.as_str() == "ala-buka";
    let nowhere_else = |_: &Pin| false;
    let ctx = CheckContext {
        rules,
        party: Some(&emgek),
        in_council_territory: &in_council,
        candidacy_elsewhere: &nowhere_else,
    };
    let filed_at: Timestamp = "2024-10-01T04:00:00Z".parse().unwrap();
    for serial in 0..10 {
        let pin = pin(serial);
        let identity =
            CandidateIdentity::from_answer(pin, r.civil.person(&pin).await.unwrap()).unwrap();
        let id = CandidateId::parse(&format!("c{serial}")).unwrap();
        let kind = NominationKind::District {
            district: DistrictId::parse("1").unwrap(),
            nominator: Nominator::Party(emgek.id.clone()),
        };
        let draft = Draft::new(ElectionId::parse("local-2024").unwrap(), &c, kind, filed_at)
            .unwrap()
            .add(id.clone(), identity, &rules, filed_at)
            .unwrap();
        let seen = draft.record().content();
        let filed = draft.submit(&seen, &rules, filed_at).unwrap();
        let answers = ask_all(&r, &pin).await;
        let report = check_nomination(filed.record(), &[(id, answers)], &ctx).unwrap();
        let grounds: Vec<&str> = report.grounds().iter().map(|(_, g)| g.code()).collect();
        let expected: Vec<&str> = Profile::of(&pin)
            .ground()
            .iter()
            .map(|g| g.code())
            .collect();
        assert_eq!(grounds, expected, "serial {serial}");
    }
    // The too-young person fails by their birth date, at the door of the nomination.
    let young = Pin::compose(Sex::Male, date(2004, 1, 1), 10);
    let double_pin = {
        let d = CandidateRegistryDouble::new(&CandidateServices::default(), 1);
        d.insert(Person::from_register(&record(young)).unwrap());
        d
    };
    let running = double_pin.serve(loopback()).await.unwrap();
    let r2 = CandidateRegistries::all(adapter(&running.url(), Duration::from_secs(5)));
    let identity =
        CandidateIdentity::from_answer(young, r2.civil.person(&young).await.unwrap()).unwrap();
    let kind = NominationKind::District {
        district: DistrictId::parse("1").unwrap(),
        nominator: Nominator::SelfNominated,
    };
    let refused = Draft::new(ElectionId::parse("local-2024").unwrap(), &c, kind, filed_at)
        .unwrap()
        .add(CandidateId::parse("y").unwrap(), identity, &rules, filed_at)
        .unwrap_err();
    assert!(matches!(refused, TransitionError::Candidate { .. }));
    assert_eq!(refused.code(), ErrorCode::CandidacyIneligible);
    assert_eq!(refused.ground().map(|g| g.code()), Some("CAN-01_under_age"));
}

#[tokio::test]
async fn can_08_outages_timeouts_and_malformed_answers_are_could_not_check() {
    let (double, running, r) = setup(Duration::from_millis(500)).await;
    let p = pin(0);
    let education = |r: &CandidateRegistries| {
        let r = r.clone();
        async move { r.education.education(&p).await }
    };
    double.set_available(Registry::Education, false);
    assert_eq!(
        education(&r).await.unwrap_err(),
        RegistryError::Unavailable("Server.ServerProxy.NetworkError".to_owned())
    );
    // Only that registry is down.
    assert!(r.citizenship.citizenship(&p).await.is_ok());
    for (behaviour, what) in [
        (Behaviour::Malformed, "not the documented JSON"),
        (Behaviour::WrongPin, "another PIN"),
        (Behaviour::Anonymous, "no X-Road-Id"),
    ] {
        double.set_behaviour(Registry::Education, behaviour);
        match education(&r).await {
            Err(RegistryError::Protocol(detail)) => assert!(detail.contains(what), "{detail}"),
            other => panic!("{behaviour:?}: {other:?}"),
        }
    }
    double.set_behaviour(Registry::Education, Behaviour::Normal);
    double.set_delay(Registry::Education, Duration::from_secs(2));
    let slow = education(&r).await;
    assert_eq!(slow, Err(RegistryError::Timeout));
    let now = Timestamp::now();
    let reply = into_reply(slow, Registry::Education, now);
    assert_eq!(reply.unwrap_err().reason, UnansweredReason::Timeout);
    double.set_delay(Registry::Education, Duration::ZERO);
    assert!(education(&r).await.is_ok());
    // Nobody listening at all.
    let addr = running.addr();
    drop(running);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let gone = adapter(&format!("http://{addr}"), Duration::from_millis(500));
    let r = CandidateRegistries::all(gone);
    assert!(matches!(
        r.civil.person(&p).await,
        Err(RegistryError::Unavailable(_) | RegistryError::Timeout)
    ));
}

#[tokio::test]
async fn the_double_simulates_its_latency_and_insists_on_the_protocol() {
    let (double, running, r) = setup(Duration::from_secs(5)).await;
    double.set_latency(Duration::from_millis(50), Duration::from_millis(200));
    let p = pin(0);
    let expected = double.latency(&p, Registry::Citizenship);
    assert!(expected >= Duration::from_millis(50));
    let start = Instant::now();
    r.citizenship.citizenship(&p).await.unwrap();
    assert!(start.elapsed() >= expected);

    let service = CandidateServices::default().citizenship;
    let url = format!("{}/r1/{service}/persons/{p}", running.url());
    let response = reqwest::get(&url).await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["X-Road-Error"].to_str().unwrap(),
        "Client.BadRequest"
    );
    let unknown = format!("{}/r1/KG/GOV/1/x/unknown/persons/{p}", running.url());
    let response = reqwest::Client::new()
        .get(&unknown)
        .header("X-Road-Client", "KG/GOV/70000001/shailoo")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["X-Road-Error"].to_str().unwrap(),
        "Server.ServerProxy.UnknownService"
    );
}
