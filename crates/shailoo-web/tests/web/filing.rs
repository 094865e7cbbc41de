//! Filing nominations on the web: a party's representative builds a Bishkek list from a draft
//! (candidates by PIN, refusals beside their field naming the rule, documents, a double submit
//! that changes nothing), the TEC runs again a check that could not check, registers, cancels
//! one candidate's registration and sets the ballot order; Talapker shows each step. A voter
//! signed in to the cabinet nominates themself in a district of their own aiyl council.

use crate::candidacies_fixture::{aiyl_voter, bishkek_people, bishkek_tec};
use crate::common::{Client, PASSWORD, Reply, TestApp, add_representative, app, fixed_now, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shailoo_app::Actor;
use shailoo_app::candidates::{self, CandidateRegistries, NominationId, Stage};
use shailoo_domain::candidate::registry::Registry;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{ElectionId, Sex};
use shailoo_generator::{Generator, Scale};
use shailoo_registries::doubles::{CandidateRegistryDouble, Person, Profile, Running};
use shailoo_registries::{
    CandidateRegistriesConfig, CandidateServices, TundukCandidateRegistries, XRoadClientId,
};
use shailoo_web::{AppState, Config, Lang};
use std::sync::Arc;
use std::time::Duration;

/// A real (tiny) PNG.
const PNG: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shailoo-app/tests/data/passport.png"
));

fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

/// The candidate-registry doubles knowing `people`, served on a loopback port, and the adapter
/// that talks to them.
async fn registries(
    people: &[&RegisterRecord],
) -> (Arc<CandidateRegistryDouble>, Running, CandidateRegistries) {
    let double = CandidateRegistryDouble::new(&CandidateServices::default(), 1);
    double.extend(people.iter().map(|p| Person::from_register(p).unwrap()));
    let running = double.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let adapter = TundukCandidateRegistries::new(CandidateRegistriesConfig {
        security_server: running.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        services: CandidateServices::default(),
        timeout: Duration::from_secs(10),
    })
    .unwrap();
    (double, running, CandidateRegistries::all(Arc::new(adapter)))
}

/// `app`'s store served with the candidate registries (and, if given, the voter cabinet), on
/// the clock `now`.
fn router(
    app: &TestApp,
    registries: CandidateRegistries,
    now: fn() -> jiff::Timestamp,
) -> AppState {
    AppState::new(app.store.clone(), Config::default())
        .with_clock(now)
        .with_candidate_registries(registries)
}

fn multipart(uri: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> Request<Body> {
    let boundary = "----shailoo-filing-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    let (name, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
             filename=\"file\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

async fn record(app: &TestApp, id: NominationId) -> candidates::NominationRecord {
    candidates::nomination(app.store.as_ref(), &Actor::System, &election(), id)
        .await
        .unwrap()
}

fn ids(r: &candidates::NominationRecord) -> Vec<String> {
    r.nomination
        .standing()
        .map(|(_, e)| e.candidate.to_string())
        .collect()
}

/// The refusal shown beside a form: the page again, with the reason.
fn refused(r: &Reply, status: StatusCode, says: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert!(r.body.contains("id=\"refusal\""), "{}", r.body);
    assert!(r.body.contains(says), "{says:?} in {}", r.body);
}

#[tokio::test]
async fn a_party_representative_files_a_city_list_that_the_tec_checks_registers_and_orders() {
    let mut app = app().await;
    let men = bishkek_people(Profile::Clean, Some(Sex::Male), 2);
    let women = bishkek_people(Profile::Clean, Some(Sex::Female), 2);
    let list: Vec<RegisterRecord> = men
        .into_iter()
        .zip(women)
        .flat_map(|(m, w)| [m, w])
        .collect();
    // Under 21 on voting day (CAN-01), known to the registries.
    let young = Generator::new(Scale::Small, 2024)
        .persons()
        .find(|p| p.settlement.as_str().starts_with("bishkek") && p.birth_date.year() == 2005)
        .unwrap();
    let known: Vec<&RegisterRecord> = list.iter().chain([&young]).collect();
    let (double, _running, regs) = registries(&known).await;
    app.router = shailoo_web::router(router(&app, regs, fixed_now));
    let store = app.store.clone();
    let party = add_representative(store.as_ref(), "rep.one", &app.cec()).await;

    let mut rep = Client::new(&app);
    rep.login("rep.one", PASSWORD).await;
    let page = rep.get("/candidacies?election=local-2024").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&Lang::Ky.t("party-open-city")));
    let csrf = hidden(&page.body, "csrf");
    let r = rep
        .post_form(
            "/candidacies/open",
            &[
                ("csrf", &csrf),
                ("election", "local-2024"),
                ("council", "bishkek-city"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap().to_owned();
    let base = to.split('?').next().unwrap().to_owned();
    let id = NominationId::parse(base.rsplit('/').next().unwrap()).unwrap();
    let page = rep.get(&to).await;
    assert!(page.body.contains(&Lang::Ky.t("filing-done-opened")));
    let edit = format!("{base}/edit");

    // A malformed PIN, then a person under 21: each refused beside the PIN field, nothing kept.
    let r = rep
        .post_form(&edit, &[("csrf", &csrf), ("action", "add"), ("pin", "123")])
        .await;
    refused(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        &Lang::Ky.t("filing-error-pin"),
    );
    assert!(r.body.contains("aria-invalid=\"true\""));
    let young_pin = young.pin.to_string();
    let r = rep
        .post_form(
            &edit,
            &[("csrf", &csrf), ("action", "add"), ("pin", &young_pin)],
        )
        .await;
    refused(&r, StatusCode::UNPROCESSABLE_ENTITY, "CAN-01");
    assert!(record(&app, id).await.nomination.entries.is_empty());

    for p in &list {
        let pin = p.pin.to_string();
        let r = rep
            .post_form(
                &edit,
                &[
                    ("csrf", &csrf),
                    ("action", "add"),
                    ("pin", &pin),
                    ("occupation", "Мугалим"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = rep.get(&base).await;
    for p in &list {
        assert!(page.body.contains(&p.surname), "{} on the page", p.surname);
        // The PIN typed is not shown back.
        assert!(!page.body.contains(p.pin.as_str()));
    }

    // The second moves up; the first's programme is set.
    let order = ids(&record(&app, id).await);
    let r = rep
        .post_form(
            &edit,
            &[("csrf", &csrf), ("action", "up"), ("candidate", &order[1])],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let moved = ids(&record(&app, id).await);
    assert_eq!(moved[..2], [order[1].clone(), order[0].clone()]);
    let r = rep
        .post_form(
            &edit,
            &[
                ("csrf", &csrf),
                ("action", "details"),
                ("candidate", &moved[0]),
                ("occupation", "Инженер"),
                ("program", "Таза суу ар бир үйгө."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Documents: the party's decision as a PNG; a programme must be a PDF; 6 MB is too large.
    let docs = format!("{base}/documents");
    let up = |kind: &'static str, bytes: Vec<u8>| {
        let csrf = csrf.clone();
        let docs = docs.clone();
        move || {
            multipart(
                &docs,
                &[("csrf", &csrf), ("kind", kind)],
                ("document", &bytes),
            )
        }
    };
    let r = rep.send(up("party_decision", PNG.to_vec())()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = rep.send(up("program", PNG.to_vec())()).await;
    refused(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        &Lang::Ky.error(shailoo_domain::ErrorCode::CandidacyDocumentWrongType),
    );
    let r = rep
        .send(up("party_decision", vec![0u8; 5 * 1024 * 1024 + 1])())
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    let shown = rep.get(&base).await;
    assert!(
        shown
            .body
            .contains(&Lang::Ky.t("talapker-document-party_decision"))
    );

    // The education registry is down at filing: that check could not check.
    double.set_available(Registry::Education, false);
    let seen = moved.join(",");
    let submit = [
        ("csrf", csrf.as_str()),
        ("action", "submit"),
        ("seen", &seen),
    ];
    let r = rep.post_form(&edit, &submit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let filed = record(&app, id).await;
    assert_eq!(Stage::of(&filed.nomination.status), Stage::Submitted);
    assert_eq!(filed.unchecked().len(), list.len());
    // A double submit changes nothing.
    let head = store.audit_head().await.unwrap();
    let r = rep.post_form(&edit, &submit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(store.audit_head().await.unwrap(), head);

    // The TEC runs the checks again once the registry answers, then registers.
    let mut tec = bishkek_tec(&app).await;
    let queue = tec.get("/candidacies/queue?election=local-2024").await;
    assert!(
        queue.body.contains(&Lang::Ky.t("queue-recheck")),
        "{}",
        queue.body
    );
    let tec_csrf = hidden(&queue.body, "csrf");
    double.set_available(Registry::Education, true);
    let r = tec
        .post_form(&format!("{base}/checks"), &[("csrf", &tec_csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(record(&app, id).await.unchecked().is_empty());
    let r = tec
        .post_form(
            &format!("{base}/decision"),
            &[("csrf", &tec_csrf), ("decision", "register")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let talapker = rep
        .get(&format!(
            "/talapker/local-2024?council=bishkek-city&party={party}&lang=en"
        ))
        .await;
    for p in &list {
        assert!(talapker.body.contains(&p.surname));
    }
    assert!(talapker.body.contains("Registered"));

    // One candidate's registration is cancelled by the commission's decision.
    let regs = tec
        .get("/candidacies/registrations?election=local-2024")
        .await;
    assert_eq!(regs.status, StatusCode::OK);
    let r = tec
        .post_form(
            &format!("{base}/cancel"),
            &[
                ("csrf", &tec_csrf),
                ("candidate", &moved[3]),
                ("reason", "CAN-09_court_decision"),
                ("note", ""),
            ],
        )
        .await;
    // The note naming the decision is required.
    assert!(r.status.is_client_error(), "{}", r.body);
    let r = tec
        .post_form(
            &format!("{base}/cancel"),
            &[
                ("csrf", &tec_csrf),
                ("candidate", &moved[3]),
                ("reason", "CAN-09_court_decision"),
                ("note", "Бишкек шаардык сотунун 2024-10-01 чечими"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let talapker = rep
        .get(&format!(
            "/talapker/local-2024?council=bishkek-city&party={party}&lang=en"
        ))
        .await;
    assert!(
        talapker.body.contains("Registration cancelled"),
        "{}",
        talapker.body
    );

    // After city registration closes (CAL-08), the TEC sets the ballot order.
    let (_double2, _running2, regs) = registries(&known).await;
    let later = || "2024-10-19T04:00:00Z".parse().unwrap();
    let mut tec = Client::of_router(shailoo_web::router(router(&app, regs, later)));
    tec.login("tec.bishkek", PASSWORD).await;
    let page = tec
        .get("/candidacies/ballot-order?election=local-2024&council=bishkek-city")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let position = format!("position.{party}");
    assert!(page.body.contains(&position), "{}", page.body);
    let tec_csrf = hidden(&page.body, "csrf");
    let r = tec
        .post_form(
            "/candidacies/local-2024/ballots/bishkek-city/order",
            &[("csrf", &tec_csrf), (&position, "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let set = store
        .ballot_order(&election(), &"bishkek-city".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(set, Some(vec![party.clone()]));
}

#[tokio::test]
async fn a_voter_nominates_themself_in_a_district_of_their_own_aiyl_council_from_the_cabinet() {
    use shailoo_domain::Pin;
    use shailoo_domain::identity::{Msisdn, PassportNumber};
    use shailoo_registries::doubles::{RegistryDouble, RegistryRecord, SmsDouble};
    use shailoo_registries::tunduk::DEFAULT_SERVICE;
    use shailoo_registries::{
        KannelConfig, KannelGateway, TundukConfig, TundukRegistry, XRoadServiceId,
    };

    let mut app = app().await;
    let (voter, council) = aiyl_voter(&app).await;
    // The cabinet's passport registry and SMS gateway, and the candidate registries.
    let loopback = "127.0.0.1:0".parse().unwrap();
    let passports = RegistryDouble::new(DEFAULT_SERVICE);
    passports.insert(
        voter.pin,
        RegistryRecord::valid(
            PassportNumber::parse("ID7654321").unwrap(),
            Some(Msisdn::parse("+996555765432").unwrap()),
        ),
    );
    let passports_server = passports.serve(loopback).await.unwrap();
    let sms = SmsDouble::new("shailoo", "sms-secret");
    let sms_server = sms.serve(loopback).await.unwrap();
    let tunduk = TundukRegistry::new(TundukConfig {
        security_server: passports_server.url(),
        client: XRoadClientId::parse("KG/GOV/70000001/shailoo").unwrap(),
        service: XRoadServiceId::parse(DEFAULT_SERVICE).unwrap(),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    let kannel = KannelGateway::new(KannelConfig {
        url: sms_server.url(),
        username: "shailoo".to_owned(),
        password: "sms-secret".to_owned(),
        from: "SHAILOO".to_owned(),
        timeout: Duration::from_secs(5),
    })
    .unwrap();
    let (_double, _running, regs) = registries(&[&voter]).await;
    let state =
        router(&app, regs, fixed_now).with_voter_cabinet(Arc::new(tunduk), Arc::new(kannel));
    app.router = shailoo_web::router(state);

    // Without a session the page leads to the sign-in.
    let mut c = Client::new(&app);
    let r = c.get("/cabinet/candidacy").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), Some("/cabinet"));

    // Signing in as the cabinet does: PIN + passport, then the SMS code.
    let form = c.get("/cabinet").await;
    let csrf = hidden(&form.body, "csrf");
    let pin = voter.pin.to_string();
    let code_page = c
        .post_form(
            "/cabinet/sign-in",
            &[("csrf", &csrf), ("pin", &pin), ("passport", "ID7654321")],
        )
        .await;
    assert_eq!(code_page.status, StatusCode::OK, "{}", code_page.body);
    let text = sms.outbox().last().unwrap().text.clone();
    let code: String = text
        .split(|ch: char| !ch.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_owned();
    let r = c
        .post_form(
            "/cabinet/code",
            &[
                ("csrf", &hidden(&code_page.body, "csrf")),
                ("code", &code),
                ("phone", &hidden(&code_page.body, "phone")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let page = c.get("/cabinet/candidacy").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("form method=\"post\" action=\"/cabinet/candidacy\""),
        "{}",
        page.body
    );
    let csrf = hidden(&page.body, "csrf");
    let r = c
        .post_form(
            "/cabinet/candidacy",
            &[("csrf", &csrf), ("district", "1"), ("occupation", "Фермер")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/cabinet/candidacy").await;
    assert!(page.body.contains(&voter.surname), "{}", page.body);
    assert!(page.body.contains(&Lang::Ky.t("filing-stage-draft")));
    let own = candidates::own_nominations(
        app.store.as_ref(),
        &Actor::Voter { pin: voter.pin },
        &election(),
        &council,
    )
    .await
    .unwrap();
    let id = own[0].id;
    let base = format!("/cabinet/candidacy/local-2024/{id}");

    // Another person's PIN cannot be added to the own self-nomination.
    let other: Pin = Pin::compose(Sex::Female, jiff::civil::date(1985, 3, 3), 77);
    let r = c
        .post_form(
            &format!("{base}/edit"),
            &[
                ("csrf", &csrf),
                ("action", "add"),
                ("pin", &other.to_string()),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);

    // The consent as a PNG, then filing.
    let r = c
        .send(multipart(
            &format!("{base}/documents"),
            &[
                ("csrf", &csrf),
                ("kind", "consent"),
                ("candidate", &ids(&own[0])[0]),
            ],
            ("document", PNG),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let seen = ids(&own[0]).join(",");
    let r = c
        .post_form(
            &format!("{base}/edit"),
            &[("csrf", &csrf), ("action", "submit"), ("seen", &seen)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = c.get("/cabinet/candidacy?done=submitted").await;
    assert!(
        page.body.contains(&Lang::Ky.t("filing-stage-submitted")),
        "{}",
        page.body
    );
    assert_eq!(
        Stage::of(&record(&app, id).await.nomination.status),
        Stage::Submitted
    );
    // Talapker shows the self-nominee as awaiting the TEC.
    let talapker = c
        .get(&format!("/talapker/local-2024?council={}&lang=en", council))
        .await;
    assert!(talapker.body.contains(&voter.surname));
    assert!(talapker.body.contains("Self-nominated"));
}

/// A server started without candidate registries (no `--tunduk-url`): what asks no registry
/// works (a party opens its list), and what asks one is refused as the registry's
/// unavailability (503), never as a verdict about the person.
#[tokio::test]
async fn without_registries_a_list_opens_and_adding_a_candidate_says_the_registry_is_unavailable() {
    let mut app = app().await;
    app.router = shailoo_web::router(
        AppState::new(app.store.clone(), Config::default()).with_clock(fixed_now),
    );
    add_representative(app.store.as_ref(), "rep.one", &app.cec()).await;
    let mut rep = Client::new(&app);
    rep.login("rep.one", PASSWORD).await;
    let page = rep.get("/candidacies?election=local-2024").await;
    let csrf = hidden(&page.body, "csrf");
    let r = rep
        .post_form(
            "/candidacies/open",
            &[
                ("csrf", &csrf),
                ("election", "local-2024"),
                ("council", "bishkek-city"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let base = r.location().unwrap().split('?').next().unwrap().to_owned();
    let id = NominationId::parse(base.rsplit('/').next().unwrap()).unwrap();
    let pin = bishkek_people(Profile::Clean, Some(Sex::Male), 1)[0]
        .pin
        .to_string();
    let r = rep
        .post_form(
            &format!("{base}/edit"),
            &[("csrf", &csrf), ("action", "add"), ("pin", &pin)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert!(record(&app, id).await.nomination.entries.is_empty());
}
