//! Candidates and parties (CAN-01…CAN-10, CAL-07…CAL-10, RES-02) on both engines: parties and
//! their representatives, a city list from draft to registration with its checks, evidence,
//! history and audit entries, district nominations and self-nominees, CAN-05 across the
//! election (also under concurrent filings), the calendar and CAN-09's limits, documents by
//! digest, and the ballots fixed once registration closes. The use cases of
//! `shailoo_app::candidates` run over the store, as the web pages will call them, with the
//! registries answered in memory (the HTTP doubles are `shailoo-registries`' to test).

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, date, time};
use shailoo_app::candidates::{
    self, CandidacyError, CandidateDetails, CandidateFilter, CandidateRegistries, CandidateStore,
    CheckRunner, CitizenshipRegistry, CivilRegistry, CriminalRecordRegistry, Decision, Document,
    DocumentKind, EducationRegistry, NewRepresentative, NominationFilter, NominationId,
    NominationRecord, Occupation, PartyMembershipRegistry, PublicStatus, RegistryError,
    RegistryResult, Stage,
};
use shailoo_app::districts::{
    CouncilDistrictingUnits, DistrictSchemeStore, DistrictingUnit, SchemeRecord, SchemeStatus,
};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{AccountStore, AuditAction, AuditStore, SetupStore, verify_audit};
use shailoo_domain::candidate::ballot::BallotLabel;
use shailoo_domain::candidate::checks::{Check, CheckOutcome};
use shailoo_domain::candidate::nomination::{
    Cancellation, CancellationReason, CandidateStatus, Ground, NominationKind, NominationStatus,
};
use shailoo_domain::candidate::registry::{
    Answered, CitizenshipAnswer, CivilAnswer, CivilRecord, CriminalRecordAnswer, EducationAnswer,
    EducationLevel, Evidence, PartyMembershipAnswer, PersonName, Registry, RegistryRequestId,
    Residence, ResponseDigest,
};
use shailoo_domain::candidate::{
    CandidateCode, Nominator, Party, PartyId, PartyRegistrationNumber,
};
use shailoo_domain::district::{District, DistrictId, UnitId};
use shailoo_domain::protocol::BallotOption;
use shailoo_domain::territory::{
    Commission, CommissionLevel, Council, CouncilKind, Setup, Territory, TerritoryKind,
};
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CouncilId, ErrorCode, Pin, SeatCount, Sex, TerritoryId};
use shailoo_store::Db;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    can_03_a_city_list_goes_from_draft_to_registration_with_history_and_audit,
    can_03_a_party_has_one_list_per_city_council,
    can_01_a_candidate_under_21_or_unknown_to_the_registry_is_refused_at_the_door,
    can_05_one_candidacy_per_person_across_councils,
    can_05_concurrent_filings_of_one_person_hold_one_candidacy,
    can_06_a_list_over_70_percent_of_one_sex_is_not_filed,
    can_07_filing_closes_at_cal_07_and_cal_09_18_00,
    can_08_a_registry_down_could_not_check_and_blocks_registration_until_rerun,
    can_09_the_tec_refuses_naming_a_ground_a_failed_check_shows,
    can_09_decisions_come_within_ten_days_of_filing,
    can_09_a_registration_is_cancelled_with_its_reason,
    can_09_withdrawals_and_replacements_within_their_windows,
    a_self_nominee_files_in_a_district_of_their_own_community,
    a_double_submit_is_idempotent,
    documents_are_kept_by_digest_and_only_photos_and_programs_are_public,
    only_the_partys_representative_files_and_only_the_councils_tec_decides,
    representatives_are_accounts_scoped_to_one_party,
    res_02_ballots_are_fixed_from_registered_nominations_once_registration_closes,
    can_01_candidate_min_age_in_force_is_applied_at_the_door,
    can_06_list_composition_parameters_in_force_are_applied_to_filing,
    can_08_candidacy_decision_days_in_force_set_the_decision_due,
    can_09_withdrawal_days_in_force_close_withdrawals,
    res_02_aiyl_ballot_order_in_force_is_applied_to_district_ballots,
);

// ---------------------------------------------------------------------------------------------
// Fixtures: Bishkek (a city council of 45 seats) and the aiyl council of Alamudun (21 seats,
// two districts in an approved scheme), two parties, people in the registries.

const CITY: &str = "bishkek-city";
const AIYL: &str = "alamudun-aiyl";

/// An instant in Bishkek local time.
fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> Timestamp {
    from_bishkek(date(y, mo, d), time(h, mi, 0, 0))
}

/// 20 September 2024, 12:00: nominations open, registration open.
fn open() -> Timestamp {
    at(2024, 9, 20, 12, 0)
}

fn council(id: &str) -> CouncilId {
    CouncilId::parse(id).unwrap()
}

fn party(id: &str) -> PartyId {
    PartyId::parse(id).unwrap()
}

fn district(d: &str) -> DistrictId {
    DistrictId::parse(d).unwrap()
}

fn list(p: &str) -> NominationKind {
    NominationKind::CityList { party: party(p) }
}

fn in_district(d: &str, nominator: Nominator) -> NominationKind {
    NominationKind::District {
        district: district(d),
        nominator,
    }
}

/// The shared Bishkek setup plus Alamudun: an aiyl aimak with a village, its council, its TEC
/// and PEC and a station, elected in the same election.
fn setup_with_aiyl() -> Setup {
    let mut s = setup();
    let alamudun = TerritoryId::parse("alamudun").unwrap();
    s.territories.push(Territory {
        id: alamudun.clone(),
        kind: TerritoryKind::AiylAimak,
        name: name("Аламүдүн", "Аламудун", "Alamudun"),
        parent: None,
    });
    s.territories.push(Territory {
        id: TerritoryId::parse("ak-bashat").unwrap(),
        kind: TerritoryKind::Settlement,
        name: name("Ак-Башат", "Ак-Башат", "Ak-Bashat"),
        parent: Some(alamudun.clone()),
    });
    s.councils.push(Council {
        id: council(AIYL),
        kind: CouncilKind::Aiyl,
        territory: alamudun.clone(),
        name: name(
            "Аламүдүн айылдык кеңеши",
            "Аламудунский айыльный кенеш",
            "Alamudun",
        ),
        seats: SeatCount::new(21).unwrap(),
    });
    s.commissions.push(Commission {
        id: mid("tec-alamudun"),
        level: CommissionLevel::Tec,
        parent: Some(mid("cec")),
        territory: alamudun.clone(),
        name: name("Аламүдүн ШК", "Аламудунская ТИК", "Alamudun TEC"),
        phone: None,
    });
    s.commissions.push(Commission {
        id: mid("pec-3001"),
        level: CommissionLevel::Pec,
        parent: Some(mid("tec-alamudun")),
        territory: alamudun.clone(),
        name: name("УШК 3001", "УИК 3001", "PEC 3001"),
        phone: None,
    });
    let mut station = station(
        3001,
        "pec-3001",
        name("Ак-Башат", "Ак-Башат", "Ak-Bashat"),
        false,
    );
    station.council = council(AIYL);
    station.territory = alamudun;
    s.stations.push(station);
    s.elections[0].councils.push(council(AIYL));
    s
}

fn ata_jurt() -> Party {
    Party {
        id: party("ata-jurt"),
        name: name("Ата-Журт", "Ата-Журт", "Ata-Jurt"),
        registration_number: PartyRegistrationNumber::parse("1001-ПП").unwrap(),
    }
}

fn emgek() -> Party {
    Party {
        id: party("emgek"),
        name: name("Эмгек", "Эмгек", "Emgek"),
        registration_number: PartyRegistrationNumber::parse("1002-ПП").unwrap(),
    }
}

fn rep(p: &str) -> Actor {
    Actor::Representative {
        username: Username::parse(&format!("rep.{p}")).unwrap(),
        party: party(p),
    }
}

fn staff(role: Role, commission: &str) -> Actor {
    Actor::User {
        username: Username::parse(&format!("staff.{commission}")).unwrap(),
        role,
        commission: mid(commission),
    }
}

fn tec() -> Actor {
    staff(Role::TecMember, "tec-bishkek")
}

fn tec_alamudun() -> Actor {
    staff(Role::TecMember, "tec-alamudun")
}

/// A person as the registries hold them.
#[derive(Debug, Clone)]
struct Person {
    civil: CivilRecord,
    citizen: bool,
    convicted: bool,
    education: EducationLevel,
    party: Option<PartyRegistrationNumber>,
}

fn born(sex: Sex, birth: Date, serial: u32, surname: &str, settlement: &str) -> Person {
    let pin = Pin::compose(sex, birth, serial);
    Person {
        civil: CivilRecord {
            pin,
            name: PersonName::new(surname, "Айбек", None).unwrap(),
            sex,
            birth_date: birth,
            residence: Some(Residence {
                settlement: TerritoryId::parse(settlement).unwrap(),
                address: "Чүй проспекти 1".into(),
                registered_on: date(2010, 1, 1),
                permanent: false,
            }),
        },
        citizen: true,
        convicted: false,
        education: EducationLevel::Higher,
        party: None,
    }
}

/// The `serial`-th adult of a sex living in Bishkek.
fn bishkek_adult(sex: Sex, serial: u32) -> Person {
    born(
        sex,
        date(1980, 1, 1),
        serial,
        &format!("Асанов{serial}"),
        "bishkek",
    )
}

fn villager(sex: Sex, serial: u32) -> Person {
    born(
        sex,
        date(1975, 6, 1),
        serial,
        &format!("Осмонов{serial}"),
        "ak-bashat",
    )
}

fn women(n: u32) -> Vec<Pin> {
    (1..=n)
        .map(|s| bishkek_adult(Sex::Female, s).civil.pin)
        .collect()
}

fn men(n: u32) -> Vec<Pin> {
    (1..=n)
        .map(|s| bishkek_adult(Sex::Male, s).civil.pin)
        .collect()
}

fn convicted() -> Person {
    Person {
        convicted: true,
        ..bishkek_adult(Sex::Male, 50)
    }
}

fn too_young() -> Person {
    born(Sex::Female, date(2005, 3, 1), 60, "Жаш", "bishkek")
}

/// The five registries in memory: each answers with evidence, or is down.
#[derive(Default)]
struct Registries {
    people: Mutex<HashMap<Pin, Person>>,
    down: Mutex<HashSet<Registry>>,
    messages: AtomicU64,
}

impl Registries {
    fn with(people: Vec<Person>) -> Arc<Registries> {
        let r = Registries::default();
        r.people
            .lock()
            .unwrap()
            .extend(people.into_iter().map(|p| (p.civil.pin, p)));
        Arc::new(r)
    }

    fn set_down(&self, registry: Registry, down: bool) {
        let mut set = self.down.lock().unwrap();
        if down {
            set.insert(registry);
        } else {
            set.remove(&registry);
        }
    }

    fn answer<T>(
        &self,
        registry: Registry,
        pin: &Pin,
        f: impl FnOnce(&Person) -> T,
    ) -> RegistryResult<T> {
        if self.down.lock().unwrap().contains(&registry) {
            return Err(RegistryError::Unavailable("down for the test".into()));
        }
        let person = self
            .people
            .lock()
            .unwrap()
            .get(pin)
            .cloned()
            .ok_or_else(|| RegistryError::Protocol("unknown PIN".into()))?;
        Ok(Answered {
            answer: f(&person),
            evidence: self.evidence(registry),
        })
    }

    fn evidence(&self, registry: Registry) -> Evidence {
        let n = self.messages.fetch_add(1, Ordering::SeqCst) + 1;
        Evidence {
            registry,
            request_id: RegistryRequestId::parse(&format!("KG-test-{n}")).unwrap(),
            answered_at: open(),
            digest: ResponseDigest::parse(&format!("{n:064x}")).unwrap(),
        }
    }
}

#[async_trait]
impl CivilRegistry for Registries {
    async fn person(&self, pin: &Pin) -> RegistryResult<CivilAnswer> {
        if self.down.lock().unwrap().contains(&Registry::Civil) {
            return Err(RegistryError::Timeout);
        }
        let found = self.people.lock().unwrap().get(pin).cloned();
        Ok(Answered {
            answer: match found {
                Some(p) => CivilAnswer::Found(p.civil),
                None => CivilAnswer::NotFound,
            },
            evidence: self.evidence(Registry::Civil),
        })
    }
}

#[async_trait]
impl CitizenshipRegistry for Registries {
    async fn citizenship(&self, pin: &Pin) -> RegistryResult<CitizenshipAnswer> {
        self.answer(Registry::Citizenship, pin, |p| CitizenshipAnswer {
            citizen: p.citizen,
        })
    }
}

#[async_trait]
impl CriminalRecordRegistry for Registries {
    async fn criminal_record(&self, pin: &Pin) -> RegistryResult<CriminalRecordAnswer> {
        self.answer(Registry::CriminalRecord, pin, |p| CriminalRecordAnswer {
            unexpunged_conviction: p.convicted,
            imprisoned: false,
            court_incapable: false,
        })
    }
}

#[async_trait]
impl EducationRegistry for Registries {
    async fn education(&self, pin: &Pin) -> RegistryResult<EducationAnswer> {
        self.answer(Registry::Education, pin, |p| EducationAnswer {
            highest: p.education,
        })
    }
}

#[async_trait]
impl PartyMembershipRegistry for Registries {
    async fn party_membership(&self, pin: &Pin) -> RegistryResult<PartyMembershipAnswer> {
        self.answer(Registry::PartyMembership, pin, |p| PartyMembershipAnswer {
            member_of: p.party.clone(),
        })
    }
}

struct World {
    db: Db,
    registries: Arc<Registries>,
    runner: CheckRunner,
}

impl World {
    fn reg(&self) -> &CandidateRegistries {
        self.runner.registries()
    }
}

fn everyone() -> Vec<Person> {
    let mut people: Vec<Person> = (1..=6)
        .flat_map(|s| [bishkek_adult(Sex::Female, s), bishkek_adult(Sex::Male, s)])
        .collect();
    people.extend([
        villager(Sex::Female, 1),
        villager(Sex::Male, 2),
        convicted(),
        too_young(),
    ]);
    people
}

/// The setup, the two parties, Alamudun's approved scheme (districts 1 and 2) and the people.
async fn world(ctx: &Ctx) -> World {
    let db = ctx.db().await;
    db.import_setup(&setup_with_aiyl(), &[], event(AuditAction::SetupImported))
        .await
        .unwrap();
    for p in [ata_jurt(), emgek()] {
        candidates::add_party(&db, &Actor::System, p, open())
            .await
            .unwrap();
    }
    let units: Vec<DistrictingUnit> = ["u1", "u2"]
        .into_iter()
        .zip([(0.0, "u2"), (1.0, "u1")])
        .map(|(id, (x, neighbor))| DistrictingUnit {
            id: UnitId::parse(id).unwrap(),
            settlement: None,
            station: None,
            voters: 1000,
            remote: false,
            neighbors: vec![UnitId::parse(neighbor).unwrap()],
            x_km: x,
            y_km: 0.0,
            name: None,
        })
        .collect();
    db.import_district_units(
        &[CouncilDistrictingUnits {
            council: council(AIYL),
            units,
        }],
        event(AuditAction::DistrictUnitsImported),
    )
    .await
    .unwrap();
    let scheme = SchemeRecord {
        id: 0,
        council: council(AIYL),
        election: election(),
        version: 1,
        status: SchemeStatus::Approved,
        comment: None,
        author: "tec.alamudun".into(),
        created_at: open(),
        updated_at: open(),
        submitted_at: Some(open()),
        decided_at: Some(open()),
        decided_by: Some("cec.admin".into()),
        districts: [("1", "u1", 11), ("2", "u2", 10)]
            .into_iter()
            .map(|(d, u, seats)| District {
                id: district(d),
                units: vec![UnitId::parse(u).unwrap()],
                seats,
                remote: false,
            })
            .collect(),
    };
    db.put_district_scheme(&scheme, event(AuditAction::DistrictSchemeApproved))
        .await
        .unwrap();
    let registries = Registries::with(everyone());
    let runner = CheckRunner::new(CandidateRegistries::all(registries.clone()), 8);
    World {
        db,
        registries,
        runner,
    }
}

/// Opens `kind` in `council` for `actor` and adds `pins` (a district's one candidate goes in
/// with the opening).
async fn draft(
    w: &World,
    actor: &Actor,
    council_id: &str,
    kind: NominationKind,
    pins: &[Pin],
) -> NominationRecord {
    let district = matches!(kind, NominationKind::District { .. });
    let first = district.then(|| (pins[0], CandidateDetails::default()));
    let mut record = candidates::open_nomination(
        &w.db,
        w.reg(),
        actor,
        &election(),
        &council(council_id),
        kind,
        first,
        open(),
    )
    .await
    .unwrap();
    for pin in pins.iter().skip(usize::from(district)) {
        record = candidates::add_candidate(
            &w.db,
            w.reg(),
            actor,
            &election(),
            record.id,
            *pin,
            CandidateDetails::default(),
            open(),
        )
        .await
        .unwrap();
    }
    record
}

async fn submit_at(
    w: &World,
    actor: &Actor,
    record: &NominationRecord,
    now: Timestamp,
) -> Result<candidates::Filed, CandidacyError> {
    candidates::submit(
        &w.db,
        &w.runner,
        actor,
        &election(),
        record.id,
        record.nomination.content(),
        now,
    )
    .await
}

/// A Bishkek list of Ata-Jurt with two women and two men, filed and checked.
async fn filed_list(w: &World) -> NominationRecord {
    let mut pins = women(2);
    pins.extend(men(2));
    let d = draft(w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    let filed = submit_at(w, &rep("ata-jurt"), &d, open()).await.unwrap();
    assert!(filed.checks_failed.is_none());
    filed.record
}

/// Sets rule parameters of the election as the CEC does (`shailoo rules set`, the rules page).
async fn set_rules(w: &World, changes: serde_json::Value) {
    shailoo_app::params::set(
        &w.db,
        &Actor::System,
        &election(),
        changes.as_object().unwrap(),
        open(),
    )
    .await
    .unwrap();
}

fn ground(code: CandidateCode) -> Ground {
    Ground::candidate(code).unwrap()
}

/// The rule a refusal names (the code of a candidate refused at the door is the rule's).
fn refused_by(e: &CandidacyError) -> Option<&'static str> {
    e.rule()
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn can_03_a_city_list_goes_from_draft_to_registration_with_history_and_audit(ctx: Ctx) {
    let w = world(&ctx).await;
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &women(2)).await;
    assert_eq!(d.nomination.status, NominationStatus::Draft);
    assert_eq!(d.filed_by, "rep.ata-jurt");
    // Name, sex and birth date come from the civil registry, with its evidence.
    let first = &d.nomination.entries[0];
    assert_eq!(first.identity.name().surname(), "Асанов1");
    assert_eq!(first.identity.evidence().registry, Registry::Civil);
    assert_eq!(first.candidate.as_str(), format!("{}-1", d.id));
    // A draft is not public.
    let public = candidates::public_candidates(&w.db, &election(), &CandidateFilter::default())
        .await
        .unwrap();
    assert_eq!(public.total, 0);

    // Details and order while a draft.
    let occupation = Occupation::parse("мугалим").unwrap();
    let d = candidates::set_details(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        d.id,
        first.candidate.clone(),
        CandidateDetails {
            occupation: occupation.clone(),
            program: None,
        },
        open(),
    )
    .await
    .unwrap();
    let order: Vec<_> = d
        .nomination
        .entries
        .iter()
        .rev()
        .map(|e| e.candidate.clone())
        .collect();
    let d = candidates::reorder(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        d.id,
        order.clone(),
        open(),
    )
    .await
    .unwrap();
    let d = candidates::add_candidate(
        &w.db,
        w.reg(),
        &rep("ata-jurt"),
        &election(),
        d.id,
        men(1)[0],
        CandidateDetails::default(),
        open(),
    )
    .await
    .unwrap();
    assert_eq!(d.nomination.entries[0].candidate, order[0]);

    let filed = submit_at(&w, &rep("ata-jurt"), &d, open()).await.unwrap();
    assert!(!filed.repeated);
    let record = filed.record;
    assert_eq!(record.nomination.status, NominationStatus::Submitted);
    // Every check of every candidate ran, each with its evidence where a registry answered.
    let report = record.latest_report().unwrap();
    assert_eq!(report.entries.len(), 3);
    for e in &report.entries {
        assert!(
            e.results.iter().all(|r| r.outcome == CheckOutcome::Pass),
            "{e:?}"
        );
        let conviction = e
            .results
            .iter()
            .find(|r| r.check == Check::Conviction)
            .unwrap();
        let evidence = conviction.evidence.as_ref().unwrap();
        assert_eq!(evidence.registry, Registry::CriminalRecord);
        assert!(evidence.request_id.as_str().starts_with("KG-test-"));
        assert!(e.results.iter().any(|r| r.check == Check::PartyMembership));
    }
    assert_eq!(report.list.len(), 2, "CAN-06 sex share and length");
    // The TEC's queue shows it; the representative sees it; a PEC does not.
    let queue = candidates::nominations(
        &w.db,
        &tec(),
        &election(),
        &NominationFilter {
            stage: Some(Stage::Submitted),
            ..NominationFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(queue.iter().map(|r| r.id).collect::<Vec<_>>(), [record.id]);
    assert!(
        candidates::nominations(
            &w.db,
            &tec_alamudun(),
            &election(),
            &NominationFilter::default()
        )
        .await
        .unwrap()
        .is_empty(),
        "another TEC's queue"
    );

    let registered = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        at(2024, 9, 25, 10, 0),
    )
    .await
    .unwrap();
    assert_eq!(registered.nomination.status, NominationStatus::Registered);
    let history = candidates::history(&w.db, &election(), record.id)
        .await
        .unwrap();
    let steps: Vec<(&str, &str)> = history
        .iter()
        .map(|h| (h.status.as_str(), h.by.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("submitted", "rep.ata-jurt"),
            ("registered", "staff.tec-bishkek")
        ]
    );
    // Public: name, year, occupation, position, status; never a PIN.
    let public = candidates::public_candidates(
        &w.db,
        &election(),
        &CandidateFilter {
            party: Some(party("ata-jurt")),
            ..CandidateFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(public.total, 3);
    assert_eq!(
        public.items.iter().map(|c| c.position).collect::<Vec<_>>(),
        [Some(1), Some(2), Some(3)]
    );
    assert!(
        public
            .items
            .iter()
            .all(|c| c.status == CandidateStatus::Registered)
    );
    // A page cut keeps the order and each list position (counted for the page's rows only).
    let second = candidates::public_candidates(
        &w.db,
        &election(),
        &CandidateFilter {
            party: Some(party("ata-jurt")),
            page: shailoo_app::store::PageRequest {
                page: 2,
                per_page: 2,
            },
            ..CandidateFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(second.total, 3);
    assert_eq!(
        second.items.iter().map(|c| c.position).collect::<Vec<_>>(),
        [Some(3)]
    );
    assert_eq!(second.items[0].candidate, public.items[2].candidate);
    assert_eq!(public.items[1].occupation, occupation);
    assert_eq!(public.items[0].birth_year, 1980);
    let json = serde_json::to_string(&public.items).unwrap();
    assert!(
        !json.contains(women(2)[0].as_str()),
        "no PIN in public data"
    );
    assert!(!json.contains("Чүй проспекти"), "no address in public data");
    let by_name = candidates::public_candidates(
        &w.db,
        &election(),
        &CandidateFilter {
            name: Some("асанов1".into()),
            status: Some(PublicStatus::Registered),
            ..CandidateFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_name.total, 2, "Асанов1, a man and a woman of serial 1");
    // Every step is in the audit log, which verifies.
    let entries = w.db.audit_entries(0, 1000).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.event.action.as_str()).collect();
    for a in [
        "nomination_opened",
        "nomination_edited",
        "nomination_submitted",
        "nomination_checks_recorded",
        "nomination_registered",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(verify_audit(&w.db).await.unwrap().is_ok());
}

async fn can_03_a_party_has_one_list_per_city_council(ctx: Ctx) {
    let w = world(&ctx).await;
    let first = draft(&w, &rep("emgek"), CITY, list("emgek"), &[]).await;
    let again = candidates::open_nomination(
        &w.db,
        w.reg(),
        &rep("emgek"),
        &election(),
        &council(CITY),
        list("emgek"),
        None,
        open(),
    )
    .await;
    assert!(
        matches!(again, Err(CandidacyError::ListAlreadyOpen(id)) if id == first.id),
        "{again:?}"
    );
    // CAN-03: a list for an aiyl council, or a district nomination in a city, is no contest.
    let wrong = candidates::open_nomination(
        &w.db,
        w.reg(),
        &rep("emgek"),
        &election(),
        &council(AIYL),
        list("emgek"),
        None,
        open(),
    )
    .await;
    assert_eq!(wrong.unwrap_err().code(), ErrorCode::CandidacyWrongContest);
    let unknown = candidates::open_nomination(
        &w.db,
        w.reg(),
        &rep("emgek"),
        &election(),
        &council(AIYL),
        in_district("9", Nominator::Party(party("emgek"))),
        Some((
            villager(Sex::Female, 1).civil.pin,
            CandidateDetails::default(),
        )),
        open(),
    )
    .await;
    assert!(matches!(unknown, Err(CandidacyError::UnknownDistrict(_))));
    // The database holds it too, whatever writes.
    assert!(
        ctx.raw_fails(&format!(
            "INSERT INTO nominations (id, election, council, kind, party, status, version, \
             candidates_made, filed_by, created_at, updated_at) VALUES (99, 'local-2024', \
             '{CITY}', 'city_list', 'emgek', 'draft', 1, 0, 'x', 'x', 'x')"
        ))
        .await
    );
}

async fn can_01_a_candidate_under_21_or_unknown_to_the_registry_is_refused_at_the_door(ctx: Ctx) {
    let w = world(&ctx).await;
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &women(1)).await;
    let (actor, e) = (rep("ata-jurt"), election());
    let add = |pin: Pin| {
        candidates::add_candidate(
            &w.db,
            w.reg(),
            &actor,
            &e,
            d.id,
            pin,
            CandidateDetails::default(),
            open(),
        )
    };
    let young = add(too_young().civil.pin).await.unwrap_err();
    assert_eq!(young.code(), ErrorCode::CandidacyIneligible);
    assert_eq!(refused_by(&young), Some("CAN-01"));
    assert_eq!(
        young.ground().map(|(_, g)| g),
        Some(ground(CandidateCode::UnderAge))
    );
    let unknown = add(Pin::compose(Sex::Male, date(1970, 1, 1), 999))
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::CandidateUnknownPin);
    // The civil registry down: try later, nothing decided about the person.
    w.registries.set_down(Registry::Civil, true);
    let down = add(men(1)[0]).await.unwrap_err();
    assert_eq!(down.code(), ErrorCode::RegistryTimeout);
    w.registries.set_down(Registry::Civil, false);
    // Nothing was half stored.
    let stored = w.db.nomination(&election(), d.id).await.unwrap().unwrap();
    assert_eq!(stored.nomination.entries.len(), 1);
    assert_eq!(stored.nomination.version, d.nomination.version);
}

async fn can_05_one_candidacy_per_person_across_councils(ctx: Ctx) {
    let w = world(&ctx).await;
    let villager = villager(Sex::Female, 1).civil.pin;
    // Filed in an aiyl district by Emgek…
    let d = draft(
        &w,
        &rep("emgek"),
        AIYL,
        in_district("1", Nominator::Party(party("emgek"))),
        &[villager],
    )
    .await;
    let filed = submit_at(&w, &rep("emgek"), &d, open())
        .await
        .unwrap()
        .record;
    // …she cannot be put on Ata-Jurt's Bishkek list: refused at the door, naming CAN-05.
    let list = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &women(1)).await;
    let twice = candidates::add_candidate(
        &w.db,
        w.reg(),
        &rep("ata-jurt"),
        &election(),
        list.id,
        villager,
        CandidateDetails::default(),
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused_by(&twice), Some("CAN-05"));
    // Drafts hold no candidacy: both parties may prepare the same person, the first to file
    // takes it.
    let a = draft(
        &w,
        &rep("ata-jurt"),
        AIYL,
        in_district("2", Nominator::Party(party("ata-jurt"))),
        &[men(3)[0]],
    )
    .await;
    let b = draft(
        &w,
        &rep("emgek"),
        AIYL,
        in_district("2", Nominator::Party(party("emgek"))),
        &[men(3)[0]],
    )
    .await;
    submit_at(&w, &rep("ata-jurt"), &a, open()).await.unwrap();
    let second = submit_at(&w, &rep("emgek"), &b, open()).await.unwrap_err();
    assert_eq!(refused_by(&second), Some("CAN-05"));
    let b = w.db.nomination(&election(), b.id).await.unwrap().unwrap();
    assert_eq!(
        b.nomination.status,
        NominationStatus::Draft,
        "nothing half stored"
    );
    // Withdrawn, the villager is free again.
    candidates::withdraw(&w.db, &rep("emgek"), &election(), filed.id, None, open())
        .await
        .unwrap();
    candidates::add_candidate(
        &w.db,
        w.reg(),
        &rep("ata-jurt"),
        &election(),
        list.id,
        villager,
        CandidateDetails::default(),
        open(),
    )
    .await
    .unwrap();
    // The primary key holds it whatever writes the table.
    assert!(
        ctx.raw_fails(&format!(
            "INSERT INTO candidacies (election, pin, nomination, candidate) \
             SELECT election, pin, {}, '{}-1' FROM candidacies LIMIT 1",
            b.id, b.id
        ))
        .await
    );
}

async fn can_05_concurrent_filings_of_one_person_hold_one_candidacy(ctx: Ctx) {
    let w = world(&ctx).await;
    let person = men(4)[0];
    let mut drafts = Vec::new();
    for (p, d) in [("ata-jurt", "1"), ("emgek", "2")] {
        drafts.push(
            draft(
                &w,
                &rep(p),
                AIYL,
                in_district(d, Nominator::Party(party(p))),
                &[person],
            )
            .await,
        );
    }
    let mut tasks = Vec::new();
    for (d, p) in drafts.iter().zip(["ata-jurt", "emgek"]) {
        let db = w.db.clone();
        let runner = w.runner.clone();
        let (id, seen) = (d.id, d.nomination.content());
        tasks.push(tokio::spawn(async move {
            candidates::submit(&db, &runner, &rep(p), &election(), id, seen, open()).await
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    let won = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(won, 1, "{outcomes:?}");
    let lost = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
    assert_eq!(refused_by(lost), Some("CAN-05"));
    let held = w.db.candidacies(&election(), &[person]).await.unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM candidacies")
            .await,
        "1"
    );
}

async fn can_06_a_list_over_70_percent_of_one_sex_is_not_filed(ctx: Ctx) {
    let w = world(&ctx).await;
    let mut pins = women(3);
    pins.extend(men(1));
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    let refused = submit_at(&w, &rep("ata-jurt"), &d, open())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), ErrorCode::CandidacyListComposition);
    assert_eq!(refused_by(&refused), Some("CAN-06"));
    let stored = w.db.nomination(&election(), d.id).await.unwrap().unwrap();
    assert_eq!(stored.nomination.status, NominationStatus::Draft);
    assert!(
        w.db.candidacies(&election(), &pins)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn can_07_filing_closes_at_cal_07_and_cal_09_18_00(ctx: Ctx) {
    let w = world(&ctx).await;
    let mut pins = women(1);
    pins.extend(men(1));
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    let late = submit_at(&w, &rep("ata-jurt"), &d, at(2024, 10, 7, 18, 0))
        .await
        .unwrap_err();
    assert_eq!(late.code(), ErrorCode::ActionClosed);
    assert_eq!(refused_by(&late), Some("CAL-07"));
    // Editing a draft is closed too.
    let edit = candidates::add_candidate(
        &w.db,
        w.reg(),
        &rep("ata-jurt"),
        &election(),
        d.id,
        men(2)[0],
        CandidateDetails::default(),
        at(2024, 10, 7, 18, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(edit.code(), ErrorCode::ActionClosed);
    submit_at(&w, &rep("ata-jurt"), &d, at(2024, 10, 7, 17, 59))
        .await
        .unwrap();
    // Aiyl nominations until CAL-09, 18:00 (17 October).
    let v = draft(
        &w,
        &rep("emgek"),
        AIYL,
        in_district("1", Nominator::Party(party("emgek"))),
        &[villager(Sex::Male, 2).civil.pin],
    )
    .await;
    let late = submit_at(&w, &rep("emgek"), &v, at(2024, 10, 17, 18, 0))
        .await
        .unwrap_err();
    assert_eq!(refused_by(&late), Some("CAL-09"));
    submit_at(&w, &rep("emgek"), &v, at(2024, 10, 17, 17, 59))
        .await
        .unwrap();
}

async fn can_08_a_registry_down_could_not_check_and_blocks_registration_until_rerun(ctx: Ctx) {
    let w = world(&ctx).await;
    w.registries.set_down(Registry::Citizenship, true);
    let record = filed_list(&w).await;
    let entry = &record.latest_report().unwrap().entries[0];
    let citizenship = entry
        .results
        .iter()
        .find(|r| r.check == Check::Citizenship)
        .unwrap();
    assert!(
        matches!(citizenship.outcome, CheckOutcome::CouldNotCheck { unanswered } if unanswered.registry == Registry::Citizenship)
    );
    assert!(citizenship.evidence.is_none(), "no answer, no evidence");
    assert_eq!(record.unchecked().len(), 4);
    // No registration on a check that did not pass; no refusal on a verdict nobody gave.
    let register = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(register.code(), ErrorCode::CandidacyChecksNotCleared);
    let refuse = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Refuse {
            ground: ground(CandidateCode::NotCitizen),
        },
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(refuse.code(), ErrorCode::CandidacyGroundNotShown);
    // The registry is back: the TEC re-runs what could not check.
    w.registries.set_down(Registry::Citizenship, false);
    assert!(matches!(
        candidates::run_checks(
            &w.db,
            &w.runner,
            &rep("ata-jurt"),
            &election(),
            record.id,
            open()
        )
        .await,
        Err(CandidacyError::Forbidden)
    ));
    let rechecked =
        candidates::run_checks(&w.db, &w.runner, &tec(), &election(), record.id, open())
            .await
            .unwrap();
    assert!(rechecked.unchecked().is_empty());
    assert!(
        rechecked
            .checks
            .iter()
            .all(|c| c.run == 2 || c.candidate.is_none())
    );
    candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        open(),
    )
    .await
    .unwrap();
}

async fn can_09_the_tec_refuses_naming_a_ground_a_failed_check_shows(ctx: Ctx) {
    let w = world(&ctx).await;
    let mut pins = women(2);
    pins.push(convicted().civil.pin);
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    let record = submit_at(&w, &rep("ata-jurt"), &d, open())
        .await
        .unwrap()
        .record;
    let conviction = ground(CandidateCode::UnexpungedConviction);
    let report = record.latest_report().unwrap();
    assert_eq!(report.grounds().len(), 1);
    assert_eq!(report.grounds()[0].1, conviction);
    // A ground no check shows is refused.
    let wrong = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Refuse {
            ground: ground(CandidateCode::NotCitizen),
        },
        open(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(wrong, CandidacyError::GroundNotShown(g) if g == ground(CandidateCode::NotCitizen))
    );
    let refused = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Refuse { ground: conviction },
        open(),
    )
    .await
    .unwrap();
    assert_eq!(
        refused.nomination.status,
        NominationStatus::Refused { ground: conviction }
    );
    let history = candidates::history(&w.db, &election(), record.id)
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (last.status.as_str(), last.detail.as_deref()),
        ("refused", Some("CAN-02_unexpunged_conviction"))
    );
    // Refused, everyone is free again, and the public sees the ground.
    assert!(
        w.db.candidacies(&election(), &pins)
            .await
            .unwrap()
            .is_empty()
    );
    let public = candidates::public_candidates(
        &w.db,
        &election(),
        &CandidateFilter {
            status: Some(PublicStatus::Refused),
            ..CandidateFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(public.total, 3);
    assert!(
        public
            .items
            .iter()
            .all(|c| c.status == CandidateStatus::Refused { ground: conviction })
    );
}

async fn can_09_decisions_come_within_ten_days_of_filing(ctx: Ctx) {
    let w = world(&ctx).await;
    let record = filed_list(&w).await;
    let rules = candidates::rules(&w.db, &election()).await.unwrap();
    // Filed on 20 September: due at the end of 30 September (Bishkek).
    assert_eq!(
        candidates::decision_due(&record, &rules),
        Some(at(2024, 10, 1, 0, 0))
    );
    let overdue = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        at(2024, 10, 1, 0, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(overdue.code(), ErrorCode::CandidacyDecisionOverdue);
    assert_eq!(refused_by(&overdue), Some("CAN-09"));
    candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        at(2024, 9, 30, 23, 59),
    )
    .await
    .unwrap();
}

async fn can_09_a_registration_is_cancelled_with_its_reason(ctx: Ctx) {
    let w = world(&ctx).await;
    let record = filed_list(&w).await;
    candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        open(),
    )
    .await
    .unwrap();
    let cancellation = Cancellation {
        reason: CancellationReason::CampaignViolation,
        note: "TEC decision 12/3 of 16 November 2024".into(),
    };
    let blank = candidates::cancel_registration(
        &w.db,
        &tec(),
        &election(),
        record.id,
        None,
        Cancellation {
            reason: CancellationReason::CampaignViolation,
            note: "  ".into(),
        },
        at(2024, 11, 16, 12, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(blank.code(), ErrorCode::CandidacyNoteRequired);
    let cancelled = candidates::cancel_registration(
        &w.db,
        &tec(),
        &election(),
        record.id,
        None,
        cancellation.clone(),
        at(2024, 11, 16, 12, 0),
    )
    .await
    .unwrap();
    assert_eq!(
        cancelled.nomination.status,
        NominationStatus::Cancelled { cancellation }
    );
    let history = candidates::history(&w.db, &election(), record.id)
        .await
        .unwrap();
    let last = history.last().unwrap();
    assert_eq!(last.detail.as_deref(), Some("CAN-09_campaign_violation"));
    assert_eq!(
        last.note.as_deref(),
        Some("TEC decision 12/3 of 16 November 2024")
    );
    assert!(
        w.db.candidacies(&election(), &women(2))
            .await
            .unwrap()
            .is_empty(),
        "a cancelled candidacy is no longer held"
    );
    assert!(verify_audit(&w.db).await.unwrap().is_ok());
}

async fn can_09_withdrawals_and_replacements_within_their_windows(ctx: Ctx) {
    let w = world(&ctx).await;
    let mut pins = women(2);
    pins.extend(men(2));
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    let record = submit_at(&w, &rep("ata-jurt"), &d, open())
        .await
        .unwrap()
        .record;
    let second = record.nomination.entries[1].candidate.clone();
    // A replacement takes the same place, is checked, and CAN-09's days run again from it.
    let replaced = candidates::replace_candidate(
        &w.db,
        &w.runner,
        &rep("ata-jurt"),
        &election(),
        record.id,
        second.clone(),
        women(3)[2],
        CandidateDetails::default(),
        at(2024, 9, 25, 12, 0),
    )
    .await
    .unwrap();
    assert!(replaced.checks_failed.is_none());
    let r = replaced.record;
    assert_eq!(
        r.nomination.position(&r.nomination.entries[2].candidate),
        Some(2)
    );
    assert!(r.unchecked().is_empty(), "the new candidate was checked");
    let rules = candidates::rules(&w.db, &election()).await.unwrap();
    assert_eq!(
        candidates::decision_due(&r, &rules),
        Some(at(2024, 10, 6, 0, 0))
    );
    // The replaced person is free, the new one holds the candidacy.
    assert!(
        w.db.candidacies(&election(), &[women(2)[1]])
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        w.db.candidacies(&election(), &[women(3)[2]])
            .await
            .unwrap()
            .len(),
        1
    );
    // Replacements close with the nomination (CAL-07).
    let late = candidates::replace_candidate(
        &w.db,
        &w.runner,
        &rep("ata-jurt"),
        &election(),
        record.id,
        r.nomination.entries[0].candidate.clone(),
        women(4)[3],
        CandidateDetails::default(),
        at(2024, 10, 8, 12, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(refused_by(&late), Some("CAL-07"));
    // One candidate withdraws from the list, until five days before voting.
    let one = r.nomination.entries[0].candidate.clone();
    let after = candidates::withdraw(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        record.id,
        Some(one.clone()),
        at(2024, 11, 12, 23, 0),
    )
    .await
    .unwrap();
    assert_eq!(
        after.nomination.candidate_status(&one),
        Some(CandidateStatus::Withdrawn)
    );
    let too_late = candidates::withdraw(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        record.id,
        None,
        at(2024, 11, 13, 0, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(too_late.code(), ErrorCode::CandidacyWithdrawalClosed);
    let history = candidates::history(&w.db, &election(), record.id)
        .await
        .unwrap();
    let steps: Vec<(Option<String>, &str)> = history
        .iter()
        .map(|h| {
            (
                h.candidate.as_ref().map(ToString::to_string),
                h.status.as_str(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (None, "submitted"),
            (Some(second.to_string()), "replaced"),
            (Some(r.nomination.entries[2].candidate.to_string()), "filed"),
            (Some(one.to_string()), "withdrawn"),
        ]
    );
}

async fn a_self_nominee_files_in_a_district_of_their_own_community(ctx: Ctx) {
    let w = world(&ctx).await;
    let villager = villager(Sex::Male, 2).civil.pin;
    let voter = Actor::Voter { pin: villager };
    let (e, aiyl) = (election(), council(AIYL));
    let open_self = |pin: Pin| {
        candidates::open_nomination(
            &w.db,
            w.reg(),
            &voter,
            &e,
            &aiyl,
            in_district("2", Nominator::SelfNominated),
            Some((pin, CandidateDetails::default())),
            open(),
        )
    };
    // Only themself…
    let other = open_self(villager_pin_female()).await.unwrap_err();
    assert!(matches!(other, CandidacyError::NotTheVoter));
    // …and a party's nomination is not theirs to open.
    let party_kind = candidates::open_nomination(
        &w.db,
        w.reg(),
        &voter,
        &election(),
        &council(AIYL),
        in_district("2", Nominator::Party(party("emgek"))),
        Some((villager, CandidateDetails::default())),
        open(),
    )
    .await
    .unwrap_err();
    assert!(matches!(party_kind, CandidacyError::Forbidden));
    // A Bishkek resident is no member of Alamudun's community.
    let townsman = Actor::Voter { pin: men(1)[0] };
    let outside = candidates::open_nomination(
        &w.db,
        w.reg(),
        &townsman,
        &election(),
        &council(AIYL),
        in_district("2", Nominator::SelfNominated),
        Some((men(1)[0], CandidateDetails::default())),
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(refused_by(&outside), Some("CAN-01"));

    let d = open_self(villager).await.unwrap();
    assert_eq!(d.filed_by, "voter");
    let filed = submit_at(&w, &voter, &d, open()).await.unwrap().record;
    let report = filed.latest_report().unwrap();
    assert!(
        report.entries[0]
            .results
            .iter()
            .all(|r| r.check != Check::PartyMembership),
        "CAN-04 binds party nominees only"
    );
    assert!(report.list.is_empty(), "no list composition for a district");
    // The self-nominee sees their own nomination, nobody else's.
    candidates::nomination(&w.db, &voter, &election(), d.id)
        .await
        .unwrap();
    let stranger = Actor::Voter { pin: men(2)[0] };
    assert!(matches!(
        candidates::nomination(&w.db, &stranger, &election(), d.id).await,
        Err(CandidacyError::Forbidden)
    ));
    // The Alamudun TEC registers; the Bishkek TEC may not.
    assert!(matches!(
        candidates::decide(
            &w.db,
            &tec(),
            &election(),
            d.id,
            Decision::Register { excluded: vec![] },
            open()
        )
        .await,
        Err(CandidacyError::Forbidden)
    ));
    candidates::decide(
        &w.db,
        &tec_alamudun(),
        &election(),
        d.id,
        Decision::Register { excluded: vec![] },
        open(),
    )
    .await
    .unwrap();
    // The self-nominee withdraws themself.
    let withdrawn = candidates::withdraw(&w.db, &voter, &election(), d.id, None, open())
        .await
        .unwrap();
    assert!(matches!(
        withdrawn.nomination.status,
        NominationStatus::Withdrawn { .. }
    ));
}

fn villager_pin_female() -> Pin {
    villager(Sex::Female, 1).civil.pin
}

async fn a_double_submit_is_idempotent(ctx: Ctx) {
    let w = world(&ctx).await;
    let mut pins = women(1);
    pins.extend(men(1));
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    let first = submit_at(&w, &rep("ata-jurt"), &d, open()).await.unwrap();
    let count = w.db.audit_entries(0, 1000).await.unwrap().len();
    let again = submit_at(&w, &rep("ata-jurt"), &d, open()).await.unwrap();
    assert!(again.repeated);
    assert_eq!(again.record.nomination, first.record.nomination);
    assert_eq!(w.db.audit_entries(0, 1000).await.unwrap().len(), count);
    // A different content is a conflict, not a repeat.
    let mut other = d.nomination.content();
    other.candidates.pop();
    let conflict = candidates::submit(
        &w.db,
        &w.runner,
        &rep("ata-jurt"),
        &election(),
        d.id,
        other,
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(conflict.code(), ErrorCode::CandidacyStepNotAllowed);
    // A stale draft (changed since it was shown) is not submitted.
    let d2 = draft(&w, &rep("emgek"), CITY, list("emgek"), &men(3)[2..]).await;
    let seen = d2.nomination.content();
    candidates::add_candidate(
        &w.db,
        w.reg(),
        &rep("emgek"),
        &election(),
        d2.id,
        women(3)[2],
        CandidateDetails::default(),
        open(),
    )
    .await
    .unwrap();
    let stale = candidates::submit(
        &w.db,
        &w.runner,
        &rep("emgek"),
        &election(),
        d2.id,
        seen,
        open(),
    )
    .await
    .unwrap_err();
    assert_eq!(stale.code(), ErrorCode::CandidacyStale);
}

async fn documents_are_kept_by_digest_and_only_photos_and_programs_are_public(ctx: Ctx) {
    let w = world(&ctx).await;
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &women(1)).await;
    let candidate = d.nomination.entries[0].candidate.clone();
    let photo = Document::parse(DocumentKind::Photo, vec![0xFF, 0xD8, 0xFF, 0xE0, 7]).unwrap();
    let consent = Document::parse(DocumentKind::Consent, b"%PDF-1.7 consent".to_vec()).unwrap();
    let decision =
        Document::parse(DocumentKind::PartyDecision, b"%PDF-1.7 consent".to_vec()).unwrap();
    let (actor, e) = (rep("ata-jurt"), election());
    let attach = |candidate: Option<_>, doc: Document| {
        candidates::attach_document(&w.db, &actor, &e, d.id, candidate, doc, open())
    };
    attach(Some(candidate.clone()), photo.clone())
        .await
        .unwrap();
    attach(Some(candidate.clone()), consent.clone())
        .await
        .unwrap();
    // The same bytes as the party's decision: stored once.
    attach(None, decision).await.unwrap();
    assert_eq!(
        ctx.raw_text("SELECT CAST(COUNT(*) AS TEXT) FROM document_files")
            .await,
        "2"
    );
    // A candidate's document needs its candidate; a photo is no PDF.
    assert!(matches!(
        attach(None, photo.clone()).await,
        Err(CandidacyError::DocumentMisplaced)
    ));
    assert!(matches!(
        Document::parse(DocumentKind::Photo, b"%PDF-1.7".to_vec()),
        Err(CandidacyError::DocumentWrongType { .. })
    ));
    let docs = candidates::documents(&w.db, &rep("ata-jurt"), &election(), d.id)
        .await
        .unwrap();
    assert_eq!(docs.len(), 3);
    let (_, read) = candidates::document(&w.db, &tec(), &election(), d.id, consent.digest())
        .await
        .unwrap();
    assert_eq!(read.bytes(), consent.bytes());
    // Nothing of a draft is public; once filed, the photo is, the consent never.
    assert!(
        candidates::public_document(&w.db, &election(), d.id, photo.digest())
            .await
            .unwrap()
            .is_none()
    );
    let d = candidates::add_candidate(
        &w.db,
        w.reg(),
        &rep("ata-jurt"),
        &election(),
        d.id,
        men(1)[0],
        CandidateDetails::default(),
        open(),
    )
    .await
    .unwrap();
    submit_at(&w, &rep("ata-jurt"), &d, open()).await.unwrap();
    assert!(
        candidates::public_document(&w.db, &election(), d.id, photo.digest())
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        candidates::public_document(&w.db, &election(), d.id, consent.digest())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        candidates::public_documents(&w.db, &election(), d.id)
            .await
            .unwrap()
            .len(),
        1
    );
    // Another party's representative sees none of it.
    assert!(matches!(
        candidates::documents(&w.db, &rep("emgek"), &election(), d.id).await,
        Err(CandidacyError::Forbidden)
    ));
}

async fn only_the_partys_representative_files_and_only_the_councils_tec_decides(ctx: Ctx) {
    let w = world(&ctx).await;
    for actor in [
        rep("emgek"),
        tec(),
        staff(Role::CecAdmin, "cec"),
        staff(Role::PecMember, "pec-2001"),
        Actor::Voter { pin: men(1)[0] },
    ] {
        let opened = candidates::open_nomination(
            &w.db,
            w.reg(),
            &actor,
            &election(),
            &council(CITY),
            list("ata-jurt"),
            None,
            open(),
        )
        .await;
        assert!(
            matches!(opened, Err(CandidacyError::Forbidden)),
            "{actor:?}"
        );
    }
    let record = filed_list(&w).await;
    for actor in [
        rep("ata-jurt"),
        staff(Role::CecAdmin, "cec"),
        staff(Role::PecMember, "pec-2001"),
        tec_alamudun(),
    ] {
        let decided = candidates::decide(
            &w.db,
            &actor,
            &election(),
            record.id,
            Decision::Register { excluded: vec![] },
            open(),
        )
        .await;
        assert!(
            matches!(decided, Err(CandidacyError::Forbidden)),
            "{actor:?}"
        );
    }
    // Another party's representative cannot touch the list.
    let withdraw =
        candidates::withdraw(&w.db, &rep("emgek"), &election(), record.id, None, open()).await;
    assert!(matches!(withdraw, Err(CandidacyError::Forbidden)));
    // The representative lists their own party's nominations only.
    draft(&w, &rep("emgek"), CITY, list("emgek"), &[]).await;
    let own = candidates::nominations(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        &NominationFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(own.iter().map(|r| r.id).collect::<Vec<_>>(), [record.id]);
    let cec = candidates::nominations(
        &w.db,
        &staff(Role::CecAdmin, "cec"),
        &election(),
        &NominationFilter::default(),
    )
    .await
    .unwrap();
    assert_eq!(cec.len(), 2);
}

async fn representatives_are_accounts_scoped_to_one_party(ctx: Ctx) {
    let w = world(&ctx).await;
    let account = |username: &str, p: &str| NewRepresentative {
        username: Username::parse(username).unwrap(),
        display_name: "Айбек Асанов".into(),
        party: party(p),
        password: "correct horse battery".into(),
    };
    // Only the CEC accredits.
    assert!(matches!(
        candidates::add_representative(&w.db, &tec(), account("rep.one", "emgek"), open()).await,
        Err(CandidacyError::Forbidden)
    ));
    let cec = staff(Role::CecAdmin, "cec");
    let user = candidates::add_representative(&w.db, &cec, account("rep.one", "emgek"), open())
        .await
        .unwrap();
    assert_eq!(user.role, Role::PartyRepresentative);
    let stored = w.db.user(&user.username).await.unwrap().unwrap();
    assert_eq!(stored.party, Some(party("emgek")));
    assert_eq!(stored.commission, mid("cec"));
    assert_eq!(
        Actor::from_user(&stored),
        Actor::Representative {
            username: user.username.clone(),
            party: party("emgek")
        }
    );
    assert_eq!(
        w.db.representatives(&party("emgek")).await.unwrap().len(),
        1
    );
    let unknown = candidates::add_representative(&w.db, &cec, account("rep.two", "nope"), open())
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::CandidacyUnknownParty);
    // The audit entry never holds the password.
    let last = w.db.audit_entries(0, 1000).await.unwrap().pop().unwrap();
    assert_eq!(last.event.action, "party_representative_added");
    // The database keeps role and party together.
    assert!(
        ctx.raw_fails(
            "INSERT INTO users (username, display_name, role, commission, party, \
             password_hash, created_at) VALUES ('x.y', 'x', 'party_representative', 'cec', \
             NULL, 'h', 't')"
        )
        .await
    );
    assert!(
        ctx.raw_fails(
            "INSERT INTO users (username, display_name, role, commission, party, \
             password_hash, created_at) VALUES ('x.z', 'x', 'tec_member', 'tec-bishkek', \
             'emgek', 'h', 't')"
        )
        .await
    );
    // A duplicate registration number is refused.
    let copy = Party {
        id: party("emgek-2"),
        ..emgek()
    };
    let dup = candidates::add_party(&w.db, &cec, copy, open())
        .await
        .unwrap_err();
    assert_eq!(dup.code(), ErrorCode::DuplicateParty);
}

async fn res_02_ballots_are_fixed_from_registered_nominations_once_registration_closes(ctx: Ctx) {
    let w = world(&ctx).await;
    let ata = filed_list(&w).await;
    let mut pins = women(3)[2..].to_vec();
    pins.extend(men(3)[2..].to_vec());
    let d = draft(&w, &rep("emgek"), CITY, list("emgek"), &pins).await;
    let emgek_list = submit_at(&w, &rep("emgek"), &d, open())
        .await
        .unwrap()
        .record;
    for id in [ata.id, emgek_list.id] {
        candidates::decide(
            &w.db,
            &tec(),
            &election(),
            id,
            Decision::Register { excluded: vec![] },
            open(),
        )
        .await
        .unwrap();
    }
    let v = draft(
        &w,
        &rep("emgek"),
        AIYL,
        in_district("1", Nominator::Party(party("emgek"))),
        &[villager(Sex::Female, 1).civil.pin],
    )
    .await;
    submit_at(&w, &rep("emgek"), &v, open()).await.unwrap();
    candidates::decide(
        &w.db,
        &tec_alamudun(),
        &election(),
        v.id,
        Decision::Register { excluded: vec![] },
        open(),
    )
    .await
    .unwrap();

    // Before CAL-08 closes there is no ballot, and no order to set.
    let early = candidates::ballots(&w.db, &election(), &council(CITY), open())
        .await
        .unwrap_err();
    assert_eq!(early.code(), ErrorCode::BallotRegistrationOpen);
    let order = vec![party("emgek"), party("ata-jurt")];
    let closed_now = at(2024, 10, 19, 10, 0);
    assert_eq!(
        candidates::set_ballot_order(
            &w.db,
            &tec(),
            &election(),
            &council(CITY),
            order.clone(),
            open()
        )
        .await
        .unwrap_err()
        .code(),
        ErrorCode::ActionNotYetOpen
    );
    let missing = candidates::set_ballot_order(
        &w.db,
        &tec(),
        &election(),
        &council(CITY),
        vec![party("emgek")],
        closed_now,
    )
    .await
    .unwrap_err();
    assert_eq!(missing.code(), ErrorCode::BallotOrderMismatch);
    candidates::set_ballot_order(
        &w.db,
        &tec(),
        &election(),
        &council(CITY),
        order.clone(),
        closed_now,
    )
    .await
    .unwrap();
    let city = candidates::ballots(&w.db, &election(), &council(CITY), closed_now)
        .await
        .unwrap();
    assert_eq!(city.len(), 1);
    assert!(city[0].against_all);
    assert_eq!(
        city[0].options().cloned().collect::<Vec<_>>(),
        order
            .iter()
            .cloned()
            .map(BallotOption::Party)
            .collect::<Vec<_>>()
    );
    // Aiyl ballots once CAL-10 has closed: one per district, the empty one too.
    let aiyl_now = at(2024, 10, 29, 10, 0);
    let aiyl = candidates::ballots(&w.db, &election(), &council(AIYL), aiyl_now)
        .await
        .unwrap();
    assert_eq!(aiyl.len(), 2);
    assert_eq!(aiyl[0].lines.len(), 1);
    assert!(aiyl[1].lines.is_empty());
    assert!(matches!(
        &aiyl[0].lines[0].label,
        BallotLabel::Candidate { nominated_by: Some(n), .. } if n.en == "Emgek"
    ));
    // A stage filter of the staff listing.
    let registered =
        w.db.nominations(
            &election(),
            &NominationFilter {
                stage: Some(Stage::Registered),
                council: Some(council(CITY)),
                ..NominationFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(registered.len(), 2);
    let ids: Vec<NominationId> = registered.iter().map(|r| r.id).collect();
    assert!(ids.contains(&ata.id) && ids.contains(&emgek_list.id));
}

// ---------------------------------------------------------------------------------------------
// The rule parameters the candidacies apply: each changed as the CEC changes it, and the
// behaviour changes with it.

async fn can_01_candidate_min_age_in_force_is_applied_at_the_door(ctx: Ctx) {
    let w = world(&ctx).await;
    let young = too_young().civil.pin;
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &women(1)).await;
    let (actor, e) = (rep("ata-jurt"), election());
    let add = || {
        candidates::add_candidate(
            &w.db,
            w.reg(),
            &actor,
            &e,
            d.id,
            young,
            CandidateDetails::default(),
            open(),
        )
    };
    assert_eq!(refused_by(&add().await.unwrap_err()), Some("CAN-01"));
    // 19 on voting day: of age once the CEC sets 18.
    set_rules(&w, serde_json::json!({"candidate_min_age": 18})).await;
    add().await.unwrap();
}

async fn can_06_list_composition_parameters_in_force_are_applied_to_filing(ctx: Ctx) {
    let w = world(&ctx).await;
    let mut pins = women(3);
    pins.extend(men(1));
    let d = draft(&w, &rep("ata-jurt"), CITY, list("ata-jurt"), &pins).await;
    assert_eq!(
        submit_at(&w, &rep("ata-jurt"), &d, open())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::CandidacyListComposition
    );
    // 75 % of one sex is within a limit of 80 %; a minimum of five makes the four too few.
    set_rules(
        &w,
        serde_json::json!({"list_max_share_one_sex_percent": 80, "list_min_length": 5}),
    )
    .await;
    assert_eq!(
        submit_at(&w, &rep("ata-jurt"), &d, open())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::CandidacyListComposition
    );
    set_rules(&w, serde_json::json!({"list_min_length": 0})).await;
    let filed = submit_at(&w, &rep("ata-jurt"), &d, open()).await.unwrap();
    assert_eq!(filed.record.nomination.status, NominationStatus::Submitted);
    // At most as many candidates as seats (45), unless the CEC says otherwise.
    set_rules(&w, serde_json::json!({"list_max_length_is_seats": false})).await;
    let rules = candidates::rules(&w.db, &election()).await.unwrap();
    assert!(!rules.params.list_max_length_is_seats);
}

async fn can_08_candidacy_decision_days_in_force_set_the_decision_due(ctx: Ctx) {
    let w = world(&ctx).await;
    set_rules(&w, serde_json::json!({"candidacy_decision_days": 3})).await;
    let record = filed_list(&w).await;
    let rules = candidates::rules(&w.db, &election()).await.unwrap();
    assert_eq!(
        candidates::decision_due(&record, &rules),
        Some(at(2024, 9, 24, 0, 0))
    );
    let late = candidates::decide(
        &w.db,
        &tec(),
        &election(),
        record.id,
        Decision::Register { excluded: vec![] },
        at(2024, 9, 24, 0, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(late.code(), ErrorCode::CandidacyDecisionOverdue);
}

async fn can_09_withdrawal_days_in_force_close_withdrawals(ctx: Ctx) {
    let w = world(&ctx).await;
    let record = filed_list(&w).await;
    set_rules(&w, serde_json::json!({"withdrawal_days_before_voting": 10})).await;
    // The end of 7 November: ten days before voting on the 17th.
    let closed = candidates::withdraw(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        record.id,
        None,
        at(2024, 11, 8, 0, 0),
    )
    .await
    .unwrap_err();
    assert_eq!(closed.code(), ErrorCode::CandidacyWithdrawalClosed);
    candidates::withdraw(
        &w.db,
        &rep("ata-jurt"),
        &election(),
        record.id,
        None,
        at(2024, 11, 7, 23, 59),
    )
    .await
    .unwrap();
}

async fn res_02_aiyl_ballot_order_in_force_is_applied_to_district_ballots(ctx: Ctx) {
    let w = world(&ctx).await;
    // Осмонов2 is registered first, Осмонов1 second: alphabetical and registration orders differ.
    for (person, registered) in [
        (villager(Sex::Male, 2), at(2024, 9, 21, 10, 0)),
        (villager(Sex::Female, 1), at(2024, 9, 22, 10, 0)),
    ] {
        let d = draft(
            &w,
            &rep("emgek"),
            AIYL,
            in_district("1", Nominator::Party(party("emgek"))),
            &[person.civil.pin],
        )
        .await;
        submit_at(&w, &rep("emgek"), &d, open()).await.unwrap();
        candidates::decide(
            &w.db,
            &tec_alamudun(),
            &election(),
            d.id,
            Decision::Register { excluded: vec![] },
            registered,
        )
        .await
        .unwrap();
    }
    let surnames = |ballots: Vec<shailoo_domain::candidate::ballot::Ballot>| -> Vec<String> {
        ballots[0]
            .lines
            .iter()
            .map(|l| match &l.label {
                BallotLabel::Candidate { name, .. } => name.surname().to_owned(),
                BallotLabel::Party { .. } => String::new(),
            })
            .collect()
    };
    let closed = at(2024, 10, 29, 10, 0);
    let alphabetical = candidates::ballots(&w.db, &election(), &council(AIYL), closed)
        .await
        .unwrap();
    assert_eq!(surnames(alphabetical), ["Осмонов1", "Осмонов2"]);
    set_rules(&w, serde_json::json!({"aiyl_ballot_order": "registration"})).await;
    let by_registration = candidates::ballots(&w.db, &election(), &council(AIYL), closed)
        .await
        .unwrap();
    assert_eq!(surnames(by_registration), ["Осмонов2", "Осмонов1"]);
}
