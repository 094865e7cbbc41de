//! Who may do what over which commissions, walked end to end: every mutating route the web
//! declares (`shailoo_web::declared_routes`: the pages' POSTs and the API's writes), for every
//! role (a CEC administrator, a TEC member, a PEC member, a party's representative, and nobody
//! signed in, which is also where a voter of the cabinet stands), on a thing of the member's
//! own commission and on one of another TEC's, answered as `shailoo_app::authz`'s table says: allowed, anything but a
//! refusal; refused, the refusal (403, or the log-in page without a session), with nothing
//! written. A route declared without a case here fails the walk, and so does a write that no
//! staff power guards and that is not listed below with its reason.

use crate::common::{
    Client, PASSWORD, Reply, add_representative, fixed_now, hidden, password_hash,
};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::claims::{self, ClaimDraft, ClaimRequest, PassportCopy};
use shailoo_app::districts::{CouncilDistrictingUnits, DistrictingUnit};
use shailoo_app::voters::{self, ImportBatcher, ImportOptions};
use shailoo_app::{Actor, AuditAction, AuditEvent, NewUser, Role, Store, Username};
use shailoo_domain::candidate::PartyId;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{
    CommissionLevel, CouncilKind, LocalizedName, PollingStation, StationArea,
};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, Pin, Sex, StationNumber};
use shailoo_generator::{Generator, Scale, district_units};
use shailoo_web::{AppState, Config, Verb};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tempfile::TempDir;

/// A real (tiny) PNG: a passport copy is recognised by its structure, not only its first bytes.
pub const PNG: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shailoo-app/tests/data/passport.png"
));

/// Writes that no staff power guards, each with its reason. Anything else that changes
/// something is a staff route with its `Power`, walked below.
const NON_STAFF_WRITES: &[(&str, &str)] = &[
    ("/login", "anyone may log in (the throttle guards it)"),
    ("/logout", "anyone may end their own session"),
    (
        "/cabinet/sign-in",
        "a voter starts signing in to the cabinet",
    ),
    ("/cabinet/code", "a voter confirms the SMS code"),
    (
        "/cabinet/sign-out",
        "a voter ends their own cabinet session",
    ),
    (
        "/cabinet/remote-voting",
        "a voter applies for their own PIN only (remote::may_file_for)",
    ),
    (
        "/cabinet/remote-voting/{id}/cancel",
        "a voter cancels their own application only (remote::may_file_for)",
    ),
    (
        "/cabinet/claims",
        "a voter files a claim for their own PIN only (claims::file)",
    ),
    // Campaign and disputes (issue 16).
    (
        "/cabinet/complaints",
        "a voter files a complaint as themself only (complaints::file: the session's PIN)",
    ),
    // i16-cases2: the complainant's online appeal.
    (
        "/cabinet/complaints/{election}/{id}/appeal",
        "only the complainant appeals their complaint online (complaints::appeal: NotTheComplainant)",
    ),
    (
        "/cabinet/candidacy",
        "a voter nominates themself only (candidates::open_nomination: NotTheVoter)",
    ),
    (
        "/cabinet/candidacy/{election}/{id}/edit",
        "a voter changes their own self-nomination only (candidates: voters_own)",
    ),
    (
        "/cabinet/candidacy/{election}/{id}/withdraw",
        "a voter withdraws their own candidacy only (candidates: voters_own)",
    ),
    (
        "/cabinet/candidacy/{election}/{id}/documents",
        "a voter attaches documents to their own self-nomination only (candidates: voters_own)",
    ),
    (
        "/api/v1/sms/119",
        "the SMS gateway asks a look-up: nothing is written",
    ),
    // Violation reports (CMP-07).
    (
        "/violations",
        "anyone reports a violation on the public form (rate-limited per address)",
    ),
    (
        "/api/v1/violations/messages",
        "the messaging gateway, signed with the shared secret (HMAC), rate-limited",
    ),
];

fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

/// A thing of the member's own commission, or of another TEC's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Own,
    Foreign,
}

/// What one side holds: a regular station, a remote-voting station with an application
/// waiting, a claim waiting, a person to file a claim for, an aiyl council and its units, and
/// a draft nomination in one of the council's approved districts.
struct Place {
    station: PollingStation,
    chain: Vec<CommissionId>,
    remote: StationNumber,
    remote_chain: Vec<CommissionId>,
    application: i64,
    claim: i64,
    to_file: Pin,
    council: CouncilId,
    council_chain: Vec<CommissionId>,
    nomination: String,
    /// A violation report at the station, triaged to its TEC.
    violation: u32,
    /// The draft of `rep.one`'s party in district 2 of the same council.
    party_nomination: String,
    /// A complaint about the station's PEC, entered on paper by the operator.
    complaint: i64,
}

struct Walk {
    router: Router,
    store: Arc<dyn Store>,
    own: Place,
    foreign: Place,
    cec: CommissionId,
    own_tec: CommissionId,
    /// The party of `rep.one`.
    party: PartyId,
    /// A media outlet's application, entered by the operator before CAL-03.
    outlet: i64,
    /// Fresh station numbers for the form that adds one.
    next_number: AtomicU32,
    _dir: TempDir,
}

impl Walk {
    /// The accounts of the walk as the table reads them, the narrowest first.
    fn members(&self) -> Vec<(&'static str, Actor)> {
        let user = |name: &str, role, commission: &CommissionId| Actor::User {
            username: Username::parse(name).unwrap(),
            role,
            commission: commission.clone(),
        };
        vec![
            (
                "rep.one",
                Actor::Representative {
                    username: Username::parse("rep.one").unwrap(),
                    party: self.party.clone(),
                },
            ),
            (
                "pec.one",
                user("pec.one", Role::PecMember, &self.own.station.commission),
            ),
            ("tec.one", user("tec.one", Role::TecMember, &self.own_tec)),
            ("admin", user("admin", Role::CecAdmin, &self.cec)),
        ]
    }

    fn place(&self, side: Side) -> &Place {
        match side {
            Side::Own => &self.own,
            Side::Foreign => &self.foreign,
        }
    }
}

fn person(serial: u32, area: &StationArea, street: &str) -> RegisterRecord {
    let birth = jiff::civil::date(1990, 4, 12);
    RegisterRecord {
        pin: Pin::compose(Sex::Female, birth, serial),
        surname: "Асанова".into(),
        given_name: "Айгүл".into(),
        patronymic: None,
        sex: Sex::Female,
        birth_date: birth,
        citizen: true,
        biometrics: true,
        settlement: area.settlement.clone(),
        street: street.into(),
        house: "5".into(),
        address_registered_on: jiff::civil::date(2012, 6, 1),
        residence_stamp: false,
        court_incapable: false,
        imprisoned: false,
    }
}

/// The small dataset with two sides under two TECs, each with an aiyl council's station, a
/// remote-voting station, a waiting remote-voting application and a waiting claim; the
/// district units; and four accounts: `admin` (CEC), `tec.one` and `pec.one` of the own
/// side, and `rep.one`, a party's representative.
async fn walk() -> Walk {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("walk.db").display());
    let store = shailoo_store::connect(&url).await.unwrap();
    let generator = Generator::new(Scale::Small, 2024);
    let data = generator.dataset();
    let ev = |action: AuditAction| AuditEvent::new("system", action, "walk", fixed_now());
    store
        .import_setup(
            &data.setup,
            &data.station_areas,
            ev(AuditAction::SetupImported),
        )
        .await
        .unwrap();
    let units: Vec<CouncilDistrictingUnits> = district_units(&generator)
        .iter()
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
    store
        .import_district_units(&units, ev(AuditAction::DistrictUnitsImported))
        .await
        .unwrap();
    let setup = &data.setup;
    let tec_of = |s: &PollingStation| {
        setup
            .commissions
            .iter()
            .find(|c| c.id == s.commission)
            .and_then(|c| c.parent.clone())
            .unwrap()
    };
    // A regular station of an aiyl council with districting units and a street, per side.
    let candidates: Vec<(&PollingStation, &StationArea)> = setup
        .stations
        .iter()
        .filter(|s| !s.remote_voting)
        .filter(|s| {
            setup
                .councils
                .iter()
                .any(|c| c.id == s.council && c.kind == CouncilKind::Aiyl)
                && units.iter().any(|u| u.council == s.council)
        })
        .filter_map(|s| {
            let area = data.station_areas.iter().find(|a| a.station == s.number)?;
            Some((s, area))
        })
        .collect();
    let (own_station, own_area) = candidates[0];
    let own_tec = tec_of(own_station);
    let (foreign_station, foreign_area) = *candidates
        .iter()
        .find(|(s, _)| tec_of(s) != own_tec)
        .expect("aiyl stations under two TECs");
    let cec = setup
        .commissions
        .iter()
        .find(|c| c.level == CommissionLevel::Cec)
        .unwrap()
        .id
        .clone();

    // The register: on each side one voter on the list (to apply for remote voting), one
    // with a claim waiting, one to file a claim for (on no list: a street no station serves).
    let people = [
        person(21, own_area, &own_area.street),
        person(22, own_area, "Жок көчөсү"),
        person(23, own_area, "Жок көчөсү"),
        person(31, foreign_area, &foreign_area.street),
        person(32, foreign_area, "Жок көчөсү"),
        person(33, foreign_area, "Жок көчөсү"),
    ];
    let mut import = store
        .begin_register_import(ImportOptions::apply(
            "walk",
            "system",
            fixed_now(),
            None,
            None,
        ))
        .await
        .unwrap();
    let mut batcher = ImportBatcher::new(None, 10, people.len() as u64);
    for p in people.iter().cloned() {
        assert!(batcher.add(p).is_none());
    }
    let (batch, duplicates) = batcher.finish();
    import.push(&batch).await.unwrap();
    import.finish(&duplicates).await.unwrap();
    voters::compile(&*store, &election(), "system", fixed_now())
        .await
        .unwrap();

    let party = add_representative(&*store, "rep.one", &cec).await;
    let mut places = Vec::new();
    for (i, (station, people)) in [(own_station, &people[..3]), (foreign_station, &people[3..])]
        .into_iter()
        .enumerate()
    {
        // A remote-voting station beside the regular one, for the same council.
        let remote = PollingStation {
            number: StationNumber::new(9901 + i as u32).unwrap(),
            remote_voting: true,
            address: LocalizedName {
                ky: "Мектеп".into(),
                ru: "Школа".into(),
                en: "School".into(),
            },
            ..station.clone()
        };
        store
            .add_station(&remote, ev(AuditAction::StationAdded))
            .await
            .unwrap();
        let application = shailoo_app::remote::file(
            &*store,
            &Actor::System,
            &election(),
            &people[0].pin,
            remote.number,
            fixed_now(),
        )
        .await
        .unwrap()
        .id;
        let claim = claims::file(
            &*store,
            &Actor::System,
            &election(),
            ClaimDraft {
                pin: people[1].pin,
                station: station.number,
                request: ClaimRequest::Inclusion,
                statement: None,
            },
            PassportCopy::parse(PNG.to_vec()).unwrap(),
            fixed_now(),
        )
        .await
        .unwrap()
        .id;
        let complaint = file_complaint(&*store, &station.commission).await;
        let nomination = draft_nomination(&*store, &station.council).await;
        let party_nomination = party_draft(&*store, &station.council, &party).await;
        let violation = violation_at(&*store, station.number).await;
        let chain = store.commission_chain(&station.commission).await.unwrap();
        places.push(Place {
            station: station.clone(),
            violation,
            remote: remote.number,
            remote_chain: chain.clone(),
            council_chain: chain[1..].to_vec(),
            chain,
            application,
            claim: claim.get(),
            to_file: people[2].pin,
            complaint,
            council: station.council.clone(),
            nomination,
            party_nomination,
        });
    }
    let foreign = places.pop().unwrap();
    let own = places.pop().unwrap();

    for (name, role, commission) in [
        ("admin", Role::CecAdmin, cec.clone()),
        ("tec.one", Role::TecMember, own_tec.clone()),
        ("pec.one", Role::PecMember, own_station.commission.clone()),
    ] {
        store
            .add_user(
                &NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: format!("Test {name}"),
                    role,
                    commission,
                    password_hash: password_hash(),
                },
                ev(AuditAction::UserAdded),
            )
            .await
            .unwrap();
    }
    let outlet = file_outlet(&*store).await;
    let state = AppState::new(store.clone(), Config::default())
        .with_clock(fixed_now)
        .with_candidate_registries(unanswered_registries());
    Walk {
        router: shailoo_web::router(state),
        store,
        own,
        foreign,
        cec,
        own_tec,
        party,
        outlet,
        next_number: AtomicU32::new(9500),
        _dir: dir,
    }
}

/// A complaint about `pec`'s decision of the day before, entered on paper by the operator.
async fn file_complaint(store: &dyn Store, pec: &CommissionId) -> i64 {
    use shailoo_app::complaints::{
        self, About, Complainant, ComplainantKind, ComplaintDraft, Text,
    };
    let draft = ComplaintDraft {
        commission: pec.clone(),
        subject: shailoo_domain::complaint::Subject::Decision,
        act_on: Some(jiff::civil::date(2024, 9, 30)),
        about: About::default(),
        complainant: Complainant {
            kind: ComplainantKind::Voter,
            name: Text::parse("Walk Complainant").unwrap(),
            contact: None,
        },
        summary: Text::parse("The walk's complaint").unwrap(),
        document: None,
    };
    complaints::file(store, &Actor::System, &election(), draft, fixed_now())
        .await
        .unwrap()
        .id
        .get()
}

/// A media outlet's application with a clean price list, entered before CAL-03.
async fn file_outlet(store: &dyn Store) -> i64 {
    use shailoo_app::media::{self, OutletDraft, Text};
    let prices = shailoo_formats::read_media_prices(
        "media_prices.csv",
        b"period,service,unit,buyer,price,charged_on\n\
          election,airtime,minute,all,100,\n\
          earlier,airtime,minute,,100,2024-07-01\n"
            .to_vec(),
    )
    .unwrap();
    let draft = OutletDraft {
        name: Text::parse("Walk TV").unwrap(),
        kind: shailoo_domain::media::MediaKind::Tv,
        contact: None,
        prices,
    };
    let at: jiff::Timestamp = "2024-09-20T06:00:00Z".parse().unwrap();
    media::file(store, &Actor::System, &election(), draft, at)
        .await
        .unwrap()
        .id
        .get()
}

/// A violation report taken by the hotline at `station`, triaged to the station's TEC.
async fn violation_at(store: &dyn Store, station: StationNumber) -> u32 {
    use shailoo_app::violations::{self, Place as At, ReportText, ViolationDraft};
    use shailoo_domain::violation::{Category, Intake};
    let draft = ViolationDraft {
        intake: Intake::Hotline1255,
        text: ReportText::parse("Flour for votes").unwrap(),
        place: At {
            station: Some(station),
            location: None,
        },
        contact: None,
        evidence: None,
        external_id: None,
    };
    let r = violations::take(store, &Actor::System, &election(), draft, 1, fixed_now())
        .await
        .unwrap();
    violations::triage(
        store,
        &Actor::System,
        &election(),
        r.id,
        Category::VoteBuying,
        None,
        fixed_now(),
    )
    .await
    .unwrap();
    r.id.get()
}

/// A self-nominee's draft nomination in district 1 of `council`, whose scheme (one district
/// of all its units and seats) is submitted and approved the day after the election is called
/// (CAL-01, 6 September 2024). No candidate: the registries are never asked.
async fn draft_nomination(store: &dyn Store, council: &CouncilId) -> String {
    use shailoo_app::candidates;
    use shailoo_app::districts;
    use shailoo_domain::DistrictId;
    use shailoo_domain::candidate::Nominator;
    use shailoo_domain::candidate::nomination::NominationKind;
    use shailoo_domain::district::District;
    let at = |t: &str| t.parse::<jiff::Timestamp>().unwrap();
    let ctx = districts::council_districting(store, council)
        .await
        .unwrap();
    let district = DistrictId::parse("1").unwrap();
    let whole = District {
        id: district.clone(),
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
    let kind = NominationKind::District {
        district,
        nominator: Nominator::SelfNominated,
    };
    candidates::open_nomination(
        store,
        &unanswered_registries(),
        &Actor::System,
        &election(),
        council,
        kind,
        None,
        fixed_now(),
    )
    .await
    .unwrap()
    .id
    .to_string()
}

/// The draft of `party`'s nominee in district 1 of `council` (whose scheme `draft_nomination`
/// approved), opened without a candidate.
async fn party_draft(store: &dyn Store, council: &CouncilId, party: &PartyId) -> String {
    use shailoo_app::candidates;
    use shailoo_domain::DistrictId;
    use shailoo_domain::candidate::Nominator;
    use shailoo_domain::candidate::nomination::NominationKind;
    let kind = NominationKind::District {
        district: DistrictId::parse("1").unwrap(),
        nominator: Nominator::Party(party.clone()),
    };
    candidates::open_nomination(
        store,
        &unanswered_registries(),
        &Actor::System,
        &election(),
        council,
        kind,
        None,
        fixed_now(),
    )
    .await
    .unwrap()
    .id
    .to_string()
}

/// Candidate registries at an address where nothing answers: a step that gets as far as asking
/// them ends "could not check", never a refusal by the walk.
fn unanswered_registries() -> shailoo_app::candidates::CandidateRegistries {
    use shailoo_registries::{
        CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
    };
    let unused = TundukCandidateRegistries::new(CandidateRegistriesConfig {
        security_server: "http://127.0.0.1:9".into(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        services: CandidateServices::default(),
        timeout: std::time::Duration::from_secs(1),
    })
    .unwrap();
    shailoo_app::candidates::CandidateRegistries::all(Arc::new(unused))
}

fn form(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.finish()))
        .unwrap()
}

pub fn multipart(uri: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Request<Body> {
    let boundary = "----shailoo-walk-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"copy.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

/// What a case is about: the whole country, or the thing of one side.
#[derive(Debug, Clone, Copy)]
enum About {
    Nationwide,
    Station,
    RemoteStation,
    Council,
    /// The station's PEC alone: hearing a complaint is the addressed commission's own.
    PecItself,
    /// A nomination of `rep.one`'s party in the side's council.
    PartyNomination,
}

/// One way to use one power through one declared route.
struct Case {
    verb: Verb,
    path: &'static str,
    power: Power,
    about: About,
    request: Build,
}

/// The request of a case, for a side, with the member's CSRF token.
type Build = Box<dyn Fn(&Walk, Side, &str) -> Request<Body>>;

impl Case {
    fn new(
        verb: Verb,
        path: &'static str,
        power: Power,
        about: About,
        request: impl Fn(&Walk, Side, &str) -> Request<Body> + 'static,
    ) -> Case {
        Case {
            verb,
            path,
            power,
            about,
            request: Box::new(request),
        }
    }

    /// The target of the case on `side`, as the authorization table reads it.
    fn target<'a>(&self, w: &'a Walk, side: Side) -> Target<'a> {
        let p = w.place(side);
        match self.about {
            About::Nationwide => Target::Nationwide,
            About::Station => Target::Within(&p.chain),
            About::PecItself => Target::Within(std::slice::from_ref(&p.station.commission)),
            About::RemoteStation => Target::Within(&p.remote_chain),
            About::Council => Target::Within(&p.council_chain),
            About::PartyNomination => Target::Nomination {
                chain: &p.council_chain,
                party: Some(&w.party),
            },
        }
    }

    fn sides(&self) -> &'static [Side] {
        match self.about {
            About::Nationwide => &[Side::Own],
            _ => &[Side::Own, Side::Foreign],
        }
    }
}

fn cases() -> Vec<Case> {
    use About::*;
    use Verb::Post;
    let e = "local-2024";
    vec![
        Case::new(
            Post,
            "/elections/{id}/calendar/override",
            Power::OverrideDeadline,
            Nationwide,
            move |_, _, csrf| {
                form(
                    &format!("/elections/{e}/calendar/override"),
                    &[
                        ("csrf", csrf),
                        ("rule", "CAL-07"),
                        ("date", "2024-10-07"),
                        ("time", "18:00"),
                        ("decision", "12/345-р"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/stations/new",
            Power::AddStation,
            Station,
            |w, side, csrf| {
                let p = w.place(side);
                let n = w.next_number.fetch_add(1, Ordering::Relaxed).to_string();
                form(
                    "/stations/new",
                    &[
                        ("csrf", csrf),
                        ("number", &n),
                        ("commission", p.station.commission.as_str()),
                        ("council", p.station.council.as_str()),
                        ("territory", ""),
                        ("address_ky", "Мектеп"),
                        ("address_ru", "Школа"),
                        ("address_en", "School"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/stations/{number}/accessibility",
            Power::RecordAccessSurvey,
            Station,
            |w, side, csrf| {
                let n = w.place(side).station.number;
                form(
                    &format!("/stations/{n}/accessibility"),
                    &[
                        ("csrf", csrf),
                        ("surveyed_on", "2024-09-30"),
                        ("surveyor", "Айыл өкмөтү"),
                        ("ramp", "on"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/elections/{id}/rules",
            Power::SetRuleParameters,
            Nationwide,
            move |_, _, csrf| {
                form(
                    &format!("/elections/{e}/rules"),
                    &[("csrf", csrf), ("p.remote_station_capacity", "900")],
                )
            },
        ),
        Case::new(
            Post,
            "/councils/{id}/districts",
            Power::DraftDistricts,
            Council,
            |w, side, csrf| {
                let c = &w.place(side).council;
                form(
                    &format!("/councils/{c}/districts"),
                    &[("csrf", csrf), ("action", "save"), ("count", "1")],
                )
            },
        ),
        Case::new(
            Post,
            "/councils/{id}/districts",
            Power::ViewDistrictDrafts,
            Council,
            |w, side, csrf| {
                let c = &w.place(side).council;
                form(
                    &format!("/councils/{c}/districts"),
                    &[("csrf", csrf), ("action", "check"), ("count", "1")],
                )
            },
        ),
        Case::new(
            Post,
            "/councils/{id}/districts/decision",
            Power::DecideDistricts,
            Council,
            |w, side, csrf| {
                let c = &w.place(side).council;
                form(
                    &format!("/councils/{c}/districts/decision"),
                    &[("csrf", csrf), ("action", "approve")],
                )
            },
        ),
        // No file: a CEC upload stops before a job starts, so nothing runs behind the walk.
        Case::new(
            Post,
            "/register/import",
            Power::ImportRegister,
            Nationwide,
            move |_, _, csrf| {
                multipart("/register/import", &[("csrf", csrf), ("election", e)], None)
            },
        ),
        // A preview that does not exist: the CEC's confirmation finds nothing to import.
        Case::new(
            Post,
            "/register/jobs/{id}/confirm",
            Power::ImportRegister,
            Nationwide,
            |_, _, csrf| form("/register/jobs/999999/confirm", &[("csrf", csrf)]),
        ),
        // An election that does not exist: the CEC's compile stops before its job starts.
        Case::new(
            Post,
            "/register/compile",
            Power::CompileLists,
            Nationwide,
            |_, _, csrf| {
                form(
                    "/register/compile",
                    &[("csrf", csrf), ("election", "local-1999")],
                )
            },
        ),
        Case::new(
            Post,
            "/register/steps",
            Power::PublishLists,
            Nationwide,
            move |_, _, csrf| {
                form(
                    "/register/steps",
                    &[("csrf", csrf), ("election", e), ("step", "published")],
                )
            },
        ),
        Case::new(
            Post,
            "/register/steps",
            Power::PostLists,
            Nationwide,
            move |_, _, csrf| {
                form(
                    "/register/steps",
                    &[("csrf", csrf), ("election", e), ("step", "posted")],
                )
            },
        ),
        Case::new(
            Post,
            "/register/steps",
            Power::FreezeLists,
            Nationwide,
            move |_, _, csrf| {
                form(
                    "/register/steps",
                    &[("csrf", csrf), ("election", e), ("step", "frozen")],
                )
            },
        ),
        // Filing for a voter: at a remote-voting station of the member's area (VOT-07).
        Case::new(
            Post,
            "/remote-voting",
            Power::FileRemoteApplication,
            RemoteStation,
            move |w, side, csrf| {
                let p = w.place(side);
                let pin = p.to_file.to_string();
                let station = p.remote.to_string();
                form(
                    "/remote-voting",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("pin", &pin),
                        ("station", &station),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/remote-voting/{id}/decision",
            Power::DecideRemoteApplication,
            RemoteStation,
            move |w, side, csrf| {
                let id = w.place(side).application;
                form(
                    &format!("/remote-voting/{id}/decision"),
                    &[("csrf", csrf), ("election", e), ("action", "approve")],
                )
            },
        ),
        // Cancelling is also the filer's, at the remote-voting stations of the member's area.
        Case::new(
            Post,
            "/remote-voting/{id}/decision",
            Power::FileRemoteApplication,
            RemoteStation,
            move |w, side, csrf| {
                let id = w.place(side).application;
                form(
                    &format!("/remote-voting/{id}/decision"),
                    &[("csrf", csrf), ("election", e), ("action", "cancel")],
                )
            },
        ),
        Case::new(
            Post,
            "/remote-voting/capacity",
            Power::SetRemoteCapacity,
            Nationwide,
            move |w, _, csrf| {
                let station = w.own.remote.to_string();
                form(
                    "/remote-voting/capacity",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("station", &station),
                        ("capacity", "40"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/claims",
            Power::FileClaim,
            Station,
            move |w, side, csrf| {
                let p = w.place(side);
                let station = p.station.number.to_string();
                let pin = p.to_file.to_string();
                multipart(
                    "/claims",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("pin", &pin),
                        ("station", &station),
                        ("kind", "inclusion"),
                    ],
                    Some(("passport", PNG)),
                )
            },
        ),
        Case::new(
            Post,
            "/claims/{id}/decision",
            Power::DecideClaim,
            Station,
            move |w, side, csrf| {
                let id = w.place(side).claim;
                form(
                    &format!("/claims/{id}/decision"),
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("decision", "reject"),
                        ("text", "No proof of residence"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/stations/{number}/check-in",
            Power::CheckInVoters,
            Station,
            move |w, side, csrf| {
                let p = w.place(side);
                let pin = p.to_file.to_string();
                form(
                    &format!("/stations/{}/check-in", p.station.number),
                    &[("csrf", csrf), ("election", e), ("pin", &pin)],
                )
            },
        ),
        Case::new(
            Post,
            "/api/v1/stations/{number}/check-ins",
            Power::CheckInVoters,
            Station,
            |w, side, csrf| {
                let p = w.place(side);
                Request::post(format!("/api/v1/stations/{}/check-ins", p.station.number))
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("x-csrf-token", csrf)
                    .body(Body::from(format!("{{\"pin\":\"{}\"}}", p.to_file)))
                    .unwrap()
            },
        ),
        // results (i15-entry): the PEC enters its station's protocol, the TEC above it
        // decides on it and determines its council's result, the CEC imports preliminary
        // counts. Let through, each meets the calendar (voting is weeks away in the walk).
        Case::new(
            Post,
            "/protocols/{election}/stations/{station}/{council}",
            Power::EnterProtocol,
            Station,
            move |w, side, csrf| {
                let s = &w.place(side).station;
                form(
                    &format!("/protocols/{e}/stations/{}/{}", s.number, s.council),
                    &[("csrf", csrf), ("contest", "party_list"), ("line.0", "1")],
                )
            },
        ),
        // i15-scan-map: the scan of the signed protocol, on the entry form.
        Case::new(
            Post,
            "/protocols/{election}/stations/{station}/{council}/scan",
            Power::EnterProtocol,
            Station,
            move |w, side, csrf| {
                let s = &w.place(side).station;
                multipart(
                    &format!("/protocols/{e}/stations/{}/{}/scan", s.number, s.council),
                    &[("csrf", csrf), ("contest", "party_list")],
                    Some(("scan", PNG)),
                )
            },
        ),
        Case::new(
            Post,
            "/protocols/{election}/stations/{station}/{council}/decision",
            Power::DecideProtocol,
            Station,
            move |w, side, csrf| {
                let s = &w.place(side).station;
                form(
                    &format!(
                        "/protocols/{e}/stations/{}/{}/decision",
                        s.number, s.council
                    ),
                    &[
                        ("csrf", csrf),
                        ("contest", "party_list"),
                        ("action", "accept"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/protocols/{election}/councils/{council}/determination",
            Power::DetermineResults,
            Council,
            move |w, side, csrf| {
                let c = &w.place(side).council;
                form(
                    &format!("/protocols/{e}/councils/{c}/determination"),
                    &[("csrf", csrf)],
                )
            },
        ),
        Case::new(
            Post,
            "/protocols/preliminary",
            Power::ImportPreliminaryResults,
            Nationwide,
            move |_, _, csrf| {
                multipart(
                    "/protocols/preliminary",
                    &[("csrf", csrf), ("election", e)],
                    Some(("file", b"[]")),
                )
            },
        ),
        // A decision on a draft: the TEC of the council is let through to the workflow, which
        // answers that a draft is not yet filed; anyone else is refused first.
        Case::new(
            Post,
            "/candidacies/{election}/{id}/decision",
            Power::DecideNomination,
            Council,
            move |w, side, csrf| {
                let id = &w.place(side).nomination;
                form(
                    &format!("/candidacies/{e}/{id}/decision"),
                    &[("csrf", csrf), ("decision", "register")],
                )
            },
        ),
        // The party's representative opens a nominee in the side's council: a second one in
        // the same district is the workflow's refusal, not the table's.
        Case::new(
            Post,
            "/candidacies/open",
            Power::FileNomination,
            PartyNomination,
            move |w, side, csrf| {
                let c = w.place(side).council.to_string();
                form(
                    "/candidacies/open",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("council", &c),
                        ("district", "1"),
                    ],
                )
            },
        ),
        // Removing a candidate the draft does not have: past the table, the workflow answers.
        Case::new(
            Post,
            "/candidacies/{election}/{id}/edit",
            Power::FileNomination,
            PartyNomination,
            move |w, side, csrf| {
                let id = &w.place(side).party_nomination;
                form(
                    &format!("/candidacies/{e}/{id}/edit"),
                    &[
                        ("csrf", csrf),
                        ("action", "remove"),
                        ("candidate", "nobody"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/candidacies/{election}/{id}/documents",
            Power::FileNomination,
            PartyNomination,
            move |w, side, csrf| {
                let id = &w.place(side).party_nomination;
                multipart(
                    &format!("/candidacies/{e}/{id}/documents"),
                    &[("csrf", csrf), ("kind", "party_decision")],
                    Some(("document", PNG)),
                )
            },
        ),
        // Withdrawing a draft: the workflow answers that nothing is filed yet.
        Case::new(
            Post,
            "/candidacies/{election}/{id}/withdraw",
            Power::WithdrawNomination,
            PartyNomination,
            move |w, side, csrf| {
                let id = &w.place(side).party_nomination;
                form(
                    &format!("/candidacies/{e}/{id}/withdraw"),
                    &[("csrf", csrf)],
                )
            },
        ),
        Case::new(
            Post,
            "/candidacies/{election}/{id}/checks",
            Power::RecheckNomination,
            Council,
            move |w, side, csrf| {
                let id = &w.place(side).nomination;
                form(&format!("/candidacies/{e}/{id}/checks"), &[("csrf", csrf)])
            },
        ),
        // Cancelling a draft's registration: the workflow answers that it is not registered.
        Case::new(
            Post,
            "/candidacies/{election}/{id}/cancel",
            Power::CancelRegistration,
            Council,
            move |w, side, csrf| {
                let id = &w.place(side).nomination;
                form(
                    &format!("/candidacies/{e}/{id}/cancel"),
                    &[
                        ("csrf", csrf),
                        ("reason", "CAN-09_court_decision"),
                        ("note", "Decision No. 1"),
                    ],
                )
            },
        ),
        // An aiyl council has no city ballot: past the table, the calendar and the rules answer.
        Case::new(
            Post,
            "/candidacies/{election}/ballots/{council}/order",
            Power::SetBallotOrder,
            Council,
            move |w, side, csrf| {
                let c = &w.place(side).council;
                form(
                    &format!("/candidacies/{e}/ballots/{c}/order"),
                    &[("csrf", csrf), ("position.ata-jurt", "1")],
                )
            },
        ),
        // Campaign and disputes (issue 16): the complaints registry and media accreditation.
        Case::new(
            Post,
            "/complaints",
            Power::FileComplaint,
            Station,
            move |w, side, csrf| {
                let pec = w.place(side).station.commission.to_string();
                multipart(
                    "/complaints",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("commission", &pec),
                        ("subject", "decision"),
                        ("act_on", "2024-09-30"),
                        ("complainant_kind", "voter"),
                        ("complainant_name", "Walk Complainant"),
                        ("summary", "Filed in the walk"),
                    ],
                    Some(("document", PNG)),
                )
            },
        ),
        Case::new(
            Post,
            "/complaints/{election}/{id}/assign",
            Power::AssignComplaint,
            PecItself,
            move |w, side, csrf| {
                let id = w.place(side).complaint;
                form(
                    &format!("/complaints/{e}/{id}/assign"),
                    &[("csrf", csrf), ("member", "pec.one")],
                )
            },
        ),
        // Decided by the PEC's own member first, so that the appeal below finds a decision.
        Case::new(
            Post,
            "/complaints/{election}/{id}/decision",
            Power::DecideComplaint,
            PecItself,
            move |w, side, csrf| {
                let id = w.place(side).complaint;
                multipart(
                    &format!("/complaints/{e}/{id}/decision"),
                    &[
                        ("csrf", csrf),
                        ("outcome", "rejected"),
                        ("number", "W-1"),
                        ("reasons", "Walked"),
                    ],
                    Some(("document", PNG)),
                )
            },
        ),
        // An appeal goes to the commissions above the one that decided.
        Case::new(
            Post,
            "/complaints/{election}/{id}/appeal",
            Power::FileComplaint,
            Council,
            move |w, side, csrf| {
                let id = w.place(side).complaint;
                form(
                    &format!("/complaints/{e}/{id}/appeal"),
                    &[("csrf", csrf), ("grounds", "Walked up")],
                )
            },
        ),
        Case::new(
            Post,
            "/complaints/{election}/{id}/court-act",
            Power::RecordCourtAct,
            Nationwide,
            move |w, _, csrf| {
                let id = w.own.complaint;
                multipart(
                    &format!("/complaints/{e}/{id}/court-act"),
                    &[
                        ("csrf", csrf),
                        ("outcome", "rejected"),
                        ("number", "W-C"),
                        ("reasons", "Walked"),
                    ],
                    Some(("document", PNG)),
                )
            },
        ),
        // After CAL-03 at the walk's clock: the CEC is let through to the calendar's refusal.
        Case::new(
            Post,
            "/media",
            Power::FileMediaApplication,
            Nationwide,
            move |_, _, csrf| {
                multipart(
                    "/media",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("name", "Walk FM"),
                        ("kind", "radio"),
                    ],
                    Some((
                        "prices",
                        b"period,service,unit,buyer,price,charged_on\nelection,a,m,all,1,\n",
                    )),
                )
            },
        ),
        Case::new(
            Post,
            "/media/{election}/{id}/decision",
            Power::DecideMediaAccreditation,
            Nationwide,
            move |w, _, csrf| {
                let id = w.outlet;
                form(
                    &format!("/media/{e}/{id}/decision"),
                    &[("csrf", csrf), ("decision", "accredit")],
                )
            },
        ),
        // i16-badges: journalists' badges (the walk's outlet is not accredited: the CEC is
        // let through to the refusal; no badge 1 exists: to 404).
        Case::new(
            Post,
            "/media/{election}/{outlet}/badges",
            Power::IssueMediaBadges,
            Nationwide,
            move |w, _, csrf| {
                let id = w.outlet;
                form(
                    &format!("/media/{e}/{id}/badges"),
                    &[("csrf", csrf), ("name", "Walk Journalist")],
                )
            },
        ),
        Case::new(
            Post,
            "/media/{election}/badges/{badge}/revoke",
            Power::IssueMediaBadges,
            Nationwide,
            move |_, _, csrf| {
                form(
                    &format!("/media/{e}/badges/1/revoke"),
                    &[("csrf", csrf), ("reason", "lost")],
                )
            },
        ),
        // i16-badges: the place for campaign material at a station (CAL-06).
        Case::new(
            Post,
            "/campaign-places/{election}/{station}",
            Power::RecordCampaignPlaces,
            Station,
            move |w, side, csrf| {
                let station = w.place(side).station.number;
                form(
                    &format!("/campaign-places/{e}/{station}"),
                    &[("csrf", csrf), ("description", "Board at the school")],
                )
            },
        ),
        // Election funds (CMP-04): the walk's nominations are self-nominees' drafts, kept
        // by the TEC of the council (a draft has no fund yet: 404 past the authorization).
        Case::new(
            Post,
            "/funds/{election}/{nomination}/movements",
            Power::KeepFundAccounts,
            Council,
            move |w, side, csrf| {
                let n = &w.place(side).nomination;
                form(
                    &format!("/funds/{e}/{n}/movements"),
                    &[
                        ("csrf", csrf),
                        ("on", "2024-10-01"),
                        ("direction", "in"),
                        ("amount", "100"),
                        ("donor_kind", "own"),
                        ("counterparty", "candidate"),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/funds/{election}/{nomination}/statement",
            Power::KeepFundAccounts,
            Council,
            move |w, side, csrf| {
                let n = &w.place(side).nomination;
                multipart(
                    &format!("/funds/{e}/{n}/statement"),
                    &[("csrf", csrf)],
                    Some((
                        "statement",
                        b"date,direction,amount,donor_kind,counterparty,purpose\n\
                          2024-10-01,in,100,own,x,\n",
                    )),
                )
            },
        ),
        Case::new(
            Post,
            "/funds/{election}/{nomination}/reports",
            Power::KeepFundAccounts,
            Council,
            move |w, side, csrf| {
                let n = &w.place(side).nomination;
                form(
                    &format!("/funds/{e}/{n}/reports"),
                    &[("csrf", csrf), ("report", "first")],
                )
            },
        ),
        // Violation reports (CMP-07).
        Case::new(
            Post,
            "/violations/desk/intake",
            Power::TakeViolationReport,
            Station,
            move |w, side, csrf| {
                let n = w.place(side).station.number.to_string();
                form(
                    "/violations/desk/intake",
                    &[
                        ("csrf", csrf),
                        ("election", e),
                        ("intake", "hotline_1255"),
                        ("text", "Flour for votes"),
                        ("station", &n),
                    ],
                )
            },
        ),
        Case::new(
            Post,
            "/violations/desk/{election}/{id}/triage",
            Power::HandleViolationReport,
            Station,
            move |w, side, csrf| {
                let id = w.place(side).violation;
                form(
                    &format!("/violations/desk/{e}/{id}/triage"),
                    &[("csrf", csrf), ("category", "vote_buying")],
                )
            },
        ),
        Case::new(
            Post,
            "/violations/desk/{election}/{id}/assign",
            Power::HandleViolationReport,
            Station,
            move |w, side, csrf| {
                let id = w.place(side).violation;
                form(
                    &format!("/violations/desk/{e}/{id}/assign"),
                    &[("csrf", csrf), ("to", "tec.one")],
                )
            },
        ),
        Case::new(
            Post,
            "/violations/desk/{election}/{id}/close",
            Power::HandleViolationReport,
            Station,
            move |w, side, csrf| {
                let id = w.place(side).violation;
                form(
                    &format!("/violations/desk/{e}/{id}/close"),
                    &[
                        ("csrf", csrf),
                        ("status", "dismissed"),
                        ("note", "A duplicate"),
                    ],
                )
            },
        ),
    ]
}

/// A client signed in as `user` (none: nobody signed in), with its CSRF token.
async fn client(w: &Walk, user: Option<&str>) -> (Client, String) {
    let mut c = Client::of_router(w.router.clone());
    let Some(user) = user else {
        return (c, String::new());
    };
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let home = c.get("/").await;
    let csrf = hidden(&home.body, "csrf");
    (c, csrf)
}

fn refused_without_session(api: bool, r: &Reply) -> bool {
    if api {
        r.status == StatusCode::UNAUTHORIZED
    } else {
        r.status == StatusCode::SEE_OTHER && r.location().is_some_and(|l| l.starts_with("/login"))
    }
}

#[tokio::test]
async fn every_mutating_route_answers_every_role_as_the_authorization_table_says() {
    let declared = shailoo_web::declared_routes();
    let cases = cases();

    // The walk covers every declaration, and nothing else.
    for r in declared.iter().filter(|r| r.verb.mutates()) {
        if r.access.is_staff() {
            for p in r.access.powers() {
                assert!(
                    cases
                        .iter()
                        .any(|c| c.verb == r.verb && c.path == r.path && c.power == *p),
                    "{} {} asks for {p:?}: add a case for it to this walk",
                    r.verb.as_str(),
                    r.path
                );
            }
        } else {
            assert!(
                NON_STAFF_WRITES.iter().any(|(path, _)| *path == r.path),
                "{} {} is declared {:?}: a write that no staff power guards; declare its Power, \
                 or list it in NON_STAFF_WRITES with the reason",
                r.verb.as_str(),
                r.path,
                r.access
            );
        }
    }
    for c in &cases {
        assert!(
            declared.iter().any(|r| r.verb == c.verb
                && r.path == c.path
                && r.access.powers().contains(&c.power)),
            "{} {} with {:?} is declared nowhere",
            c.verb.as_str(),
            c.path,
            c.power
        );
    }

    let w = walk().await;
    // Nobody first, the widest role last: each role that may act finds the waiting
    // applications and claims of its own side still waiting.
    let mut clients = vec![(None, client(&w, None).await)];
    for (name, actor) in w.members() {
        clients.push((Some(actor), client(&w, Some(name)).await));
    }

    let (mut allowed, mut refused) = (0, 0);
    for case in &cases {
        let api = case.path.starts_with("/api/");
        for (actor, (c, csrf)) in clients.iter_mut() {
            for &side in case.sides() {
                let expected = actor
                    .as_ref()
                    .is_some_and(|a| authz::allowed(a, case.power, case.target(&w, side)));
                let head = w.store.audit_head().await.unwrap();
                let r = c.send((case.request)(&w, side, csrf.as_str())).await;
                let what = format!(
                    "{} {} ({:?}) by {:?} on the {side:?} side",
                    case.verb.as_str(),
                    case.path,
                    case.power,
                    actor.as_ref().map(Actor::audit_name)
                );
                if expected {
                    allowed += 1;
                    assert!(
                        r.status != StatusCode::FORBIDDEN && !refused_without_session(api, &r),
                        "{what}: allowed by the table, refused with {}: {}",
                        r.status,
                        r.body
                    );
                } else {
                    refused += 1;
                    let refusal = match actor {
                        Some(_) => r.status == StatusCode::FORBIDDEN,
                        None => refused_without_session(api, &r),
                    };
                    assert!(
                        refusal,
                        "{what}: refused by the table, answered {}: {}",
                        r.status, r.body
                    );
                    assert_eq!(
                        w.store.audit_head().await.unwrap(),
                        head,
                        "{what}: refused, yet something was written"
                    );
                }
            }
        }
    }
    // Both halves of the table were exercised.
    assert!(
        allowed > 20 && refused > 40,
        "{allowed} allowed, {refused} refused"
    );
}

/// Every staff page without a parameter: the route lets in whoever holds its power over some
/// commission, and answers anyone else with the refusal page.
#[tokio::test]
async fn every_staff_page_lets_in_exactly_the_roles_that_hold_its_power() {
    let w = walk().await;
    for (name, actor) in w.members() {
        let (mut c, _) = client(&w, Some(name)).await;
        for r in shailoo_web::declared_routes() {
            if r.verb != Verb::Get || !r.access.is_staff() || r.path.contains('{') {
                continue;
            }
            let holds = r.access.powers().iter().any(|p| authz::holds(&actor, *p));
            let reply = c.get(&r.path).await;
            if holds {
                // In: the page itself answers (`/claims/voter` without a PIN asks for one).
                assert!(
                    matches!(reply.status, StatusCode::OK | StatusCode::BAD_REQUEST),
                    "{} for {name}: {}",
                    r.path,
                    reply.status
                );
            } else {
                assert_eq!(reply.status, StatusCode::FORBIDDEN, "{} for {name}", r.path);
                assert!(!reply.body.contains("HTTP 403"), "{}", reply.body);
            }
        }
    }
}
