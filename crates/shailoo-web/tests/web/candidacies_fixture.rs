//! Nominations filed, checked and decided through the use cases against the candidate-registry
//! doubles, for the journey and browser tests of Talapker and the TEC's queue.

use crate::common::{Client, TestApp, fixed_now};
use jiff::ToSpan;
use shailoo_app::Actor;
use shailoo_app::candidates::{
    self, CandidateDetails, CandidateRegistries, CheckRunner, Decision, Occupation,
};
use shailoo_app::districts::{self, CouncilDistrictingUnits, DistrictingUnit};
use shailoo_app::{AuditAction, AuditEvent};
use shailoo_domain::DistrictId;
use shailoo_domain::candidate::eligibility::CandidateCode;
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::candidate::{Party, PartyId, PartyRegistrationNumber};
use shailoo_domain::district::District;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::{CouncilId, ElectionId, Sex};
use shailoo_generator::district_units;
use shailoo_generator::{Generator, Scale};
use shailoo_registries::doubles::{CandidateRegistryDouble, Person, Profile, Running};
use shailoo_registries::{
    CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
};
use std::sync::Arc;
use std::time::Duration;

/// The nominations filed in [`filed`]: who stands where, for the assertions.
pub struct Filed {
    /// Registered, on party A's list (the first two), the third left out as imprisoned.
    pub registered: Vec<RegisterRecord>,
    pub excluded: RegisterRecord,
    /// Party B's list, refused for deficient documents (CAN-08).
    pub refused: Vec<RegisterRecord>,
    /// Party C's list, awaiting the TEC.
    pub pending: Vec<RegisterRecord>,
    _doubles: Running,
}

fn party(id: &str, name: &str, number: &str) -> Party {
    Party {
        id: PartyId::parse(id).unwrap(),
        name: LocalizedName {
            ky: format!("«{name}» партиясы"),
            ru: format!("Партия «{name}»"),
            en: format!("{name} party"),
        },
        registration_number: PartyRegistrationNumber::parse(number).unwrap(),
    }
}

/// Bishkek's adults of the small register whose registries answer `profile`, living there long
/// enough to be members of its community (CAN-01).
pub fn bishkek_people(profile: Profile, sex: Option<Sex>, n: usize) -> Vec<RegisterRecord> {
    Generator::new(Scale::Small, 2024)
        .persons()
        .filter(|p| {
            p.settlement.as_str().starts_with("bishkek")
                && p.citizen
                && !p.imprisoned
                && !p.court_incapable
                && p.birth_date.year() < 1990
                && p.address_registered_on.year() < 2024
                && Profile::of(&p.pin) == profile
                && sex.is_none_or(|s| p.sex == s)
        })
        .take(n)
        .collect()
}

/// Three Bishkek lists, filed on 1 October 2024 (city nomination open), checked against the
/// doubles and decided an hour later: one registered leaving out an imprisoned candidate, one
/// refused (CAN-08 documents), one pending.
pub async fn filed(app: &TestApp) -> Filed {
    let store = app.store.as_ref();
    // Men and women alternate, so that no list has over 70 % of one sex (CAN-06).
    let men = bishkek_people(Profile::Clean, Some(Sex::Male), 3);
    let women = bishkek_people(Profile::Clean, Some(Sex::Female), 3);
    let clean: Vec<RegisterRecord> = men
        .into_iter()
        .zip(women)
        .flat_map(|(m, w)| [m, w])
        .collect();
    let imprisoned = bishkek_people(Profile::Imprisoned, None, 1).remove(0);
    let double = CandidateRegistryDouble::new(&CandidateServices::default(), 1);
    double.extend(
        clean
            .iter()
            .chain([&imprisoned])
            .map(|p| Person::from_register(p).unwrap()),
    );
    let running = double.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let adapter = TundukCandidateRegistries::new(CandidateRegistriesConfig {
        security_server: running.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        services: CandidateServices::default(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    let runner = CheckRunner::new(CandidateRegistries::all(Arc::new(adapter)), 8);
    let election = ElectionId::parse("local-2024").unwrap();
    let bishkek = CouncilId::parse("bishkek-city").unwrap();
    let now = fixed_now();
    let mut parties = Vec::new();
    for (id, name, number) in [
        ("ak-zhol", "Ак Жол", "1001-3300-ПП"),
        ("kok-bel", "Көк Бел", "1002-3300-ПП"),
        ("tash-kol", "Таш Көл", "1003-3300-ПП"),
    ] {
        let p = party(id, name, number);
        candidates::add_party(store, &Actor::System, p.clone(), now)
            .await
            .unwrap();
        parties.push(p.id);
    }
    let list = async |party: &PartyId, people: &[&RegisterRecord]| {
        let kind = NominationKind::CityList {
            party: party.clone(),
        };
        let opened = candidates::open_nomination(
            store,
            runner.registries(),
            &Actor::System,
            &election,
            &bishkek,
            kind,
            None,
            now,
        )
        .await
        .unwrap();
        for p in people {
            let details = CandidateDetails {
                occupation: Occupation::parse("Мугалим").unwrap(),
                program: None,
            };
            candidates::add_candidate(
                store,
                runner.registries(),
                &Actor::System,
                &election,
                opened.id,
                p.pin,
                details,
                now,
            )
            .await
            .unwrap();
        }
        let record = candidates::nomination(store, &Actor::System, &election, opened.id)
            .await
            .unwrap();
        let seen = record.nomination.content();
        let filed = candidates::submit(
            store,
            &runner,
            &Actor::System,
            &election,
            opened.id,
            seen,
            now,
        )
        .await
        .unwrap();
        assert!(filed.checks_failed.is_none());
        filed.record
    };
    let a = list(&parties[0], &[&clean[0], &clean[1], &imprisoned]).await;
    let b = list(&parties[1], &[&clean[2], &clean[3]]).await;
    list(&parties[2], &[&clean[4], &clean[5]]).await;
    let later = now.checked_add(1.hour()).unwrap();
    let left_out = a
        .nomination
        .standing()
        .find(|(_, e)| e.pin() == imprisoned.pin)
        .map(|(_, e)| e.candidate.clone())
        .unwrap();
    let imprisoned_ground = Ground::candidate(CandidateCode::Imprisoned).unwrap();
    let register = Decision::Register {
        excluded: vec![(left_out, imprisoned_ground)],
    };
    candidates::decide(store, &Actor::System, &election, a.id, register, later)
        .await
        .unwrap();
    let refuse = Decision::Refuse {
        ground: Ground::candidate(CandidateCode::DocumentsDeficient).unwrap(),
    };
    candidates::decide(store, &Actor::System, &election, b.id, refuse, later)
        .await
        .unwrap();
    Filed {
        registered: vec![clean[0].clone(), clean[1].clone()],
        excluded: imprisoned,
        refused: vec![clean[2].clone(), clean[3].clone()],
        pending: vec![clean[4].clone(), clean[5].clone()],
        _doubles: running,
    }
}

/// A member of Bishkek's TEC, which decides on Bishkek's lists.
pub async fn bishkek_tec(app: &TestApp) -> Client {
    use shailoo_app::{AuditEvent, NewUser, Role, Username};
    app.store
        .add_user(
            &NewUser {
                username: Username::parse("tec.bishkek").unwrap(),
                display_name: "Bishkek TEC".into(),
                role: Role::TecMember,
                commission: shailoo_domain::CommissionId::parse("tec-bishkek").unwrap(),
                password_hash: crate::common::password_hash(),
            },
            AuditEvent::new(
                "system",
                shailoo_app::AuditAction::UserAdded,
                "tec.bishkek",
                fixed_now(),
            ),
        )
        .await
        .unwrap();
    let mut c = Client::new(app);
    c.login("tec.bishkek", crate::common::PASSWORD).await;
    c
}

/// The districting units of `council` imported and a scheme of one district (all its units and
/// seats) submitted and approved the day after the election is called.
pub async fn one_district(app: &TestApp, council: &shailoo_domain::CouncilId) {
    let store = app.store.as_ref();
    let generator = Generator::new(Scale::Small, 2024);
    let units: Vec<CouncilDistrictingUnits> = district_units(&generator)
        .iter()
        .filter(|c| &c.council == council)
        .map(|c| CouncilDistrictingUnits {
            council: c.council.clone(),
            units: c
                .units
                .iter()
                .map(|u| DistrictingUnit {
                    id: u.id.clone(),
                    settlement: Some(u.settlement.clone()),
                    station: Some(u.station),
                    voters: u.voters,
                    remote: u.remote,
                    neighbors: u.neighbors.clone(),
                    x_km: u.x_km,
                    y_km: u.y_km,
                    name: None,
                })
                .collect(),
        })
        .collect();
    let ev = AuditEvent::new(
        "system",
        AuditAction::DistrictUnitsImported,
        "test",
        fixed_now(),
    );
    store.import_district_units(&units, ev).await.unwrap();
    let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
    let ctx = districts::council_districting(store, council)
        .await
        .unwrap();
    let whole = District {
        id: DistrictId::parse("1").unwrap(),
        units: ctx.units.iter().map(|u| u.id.clone()).collect(),
        seats: ctx.council.seats.get(),
        remote: false,
    };
    districts::submit_districts(
        store,
        &ctx,
        &Actor::System,
        vec![whole],
        at("2024-09-07T04:00:00Z"),
    )
    .await
    .unwrap();
    let ctx = districts::council_districting(store, council)
        .await
        .unwrap();
    districts::approve(store, &ctx, &Actor::System, at("2024-09-07T10:00:00Z"))
        .await
        .unwrap();
}

/// A voter of the register on the list of an aiyl council's station, whose scheme (one
/// district) is approved: who may nominate themself there (CAN-01). The voter and the council.
pub async fn aiyl_voter(app: &TestApp) -> (RegisterRecord, CouncilId) {
    let generator_units = district_units(&Generator::new(Scale::Small, 2024));
    let setup = &app.data.setup;
    let (station, area) = setup
        .stations
        .iter()
        .filter(|s| !s.remote_voting)
        .filter(|s| {
            setup
                .councils
                .iter()
                .any(|c| c.id == s.council && c.kind == CouncilKind::Aiyl)
                && generator_units.iter().any(|u| u.council == s.council)
        })
        .find_map(|s| {
            let area = app
                .data
                .station_areas
                .iter()
                .find(|a| a.station == s.number)?;
            Some((s.clone(), area.clone()))
        })
        .unwrap();
    let voter = crate::common::person(41, "Жумабаева", &area.settlement, &area.street, "7");
    crate::common::register_and_compile(app.store.as_ref(), vec![voter.clone()]).await;
    one_district(app, &station.council).await;
    (voter, station.council)
}
