//! Talapker, the ballots and the candidates' API and open data: what the public sees of the
//! nominations filed, checked and decided through the use cases against the registry doubles.

use crate::candidacies_fixture::{Filed, bishkek_tec, filed};
use crate::common::{Client, app};
use axum::http::StatusCode;
use shailoo_domain::register::RegisterRecord;

fn surname(p: &RegisterRecord) -> &str {
    &p.surname
}

/// No PIN of any candidate anywhere in `body`.
fn no_pin(body: &str, people: &[&RegisterRecord]) {
    for p in people {
        assert!(
            !body.contains(p.pin.as_str()),
            "the PIN of {} is public",
            p.surname
        );
    }
}

fn everyone(f: &Filed) -> Vec<&RegisterRecord> {
    f.registered
        .iter()
        .chain(&f.refused)
        .chain(&f.pending)
        .chain([&f.excluded])
        .collect()
}

#[tokio::test]
async fn talapker_shows_each_council_s_candidates_with_status_and_ground_never_a_pin() {
    let app = app().await;
    let f = filed(&app).await;
    let mut c = Client::new(&app);
    let r = c.get("/talapker?lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("/talapker/local-2024"), "{}", r.body);

    let r = c
        .get("/talapker/local-2024?council=bishkek-city&lang=en")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for p in everyone(&f) {
        assert!(r.body.contains(surname(p)), "{} missing", p.surname);
    }
    assert!(r.body.contains("Registered"));
    assert!(r.body.contains("Awaiting the TEC"));
    // The refusal names its ground (CAN-08), the exclusion its rule (CAN-02).
    assert!(r.body.contains("CAN-08"), "{}", r.body);
    assert!(r.body.contains("CAN-02"), "{}", r.body);
    no_pin(&r.body, &everyone(&f));

    // Per party, per status, by name.
    let r = c.get("/talapker/local-2024?party=kok-bel&lang=en").await;
    for p in &f.refused {
        assert!(r.body.contains(surname(p)));
    }
    assert!(!r.body.contains(surname(&f.registered[0])));
    let r = c.get("/talapker/local-2024?status=pending&lang=en").await;
    assert!(r.body.contains(surname(&f.pending[0])));
    assert!(!r.body.contains(surname(&f.refused[0])));
    let r = c
        .get(&format!(
            "/talapker/local-2024?name={}",
            crate::common::enc(&f.registered[1].surname.to_lowercase())
        ))
        .await;
    assert!(r.body.contains(surname(&f.registered[1])));
}

#[tokio::test]
async fn a_candidate_s_page_shows_the_history_of_the_nomination() {
    let app = app().await;
    let f = filed(&app).await;
    let mut c = Client::new(&app);
    let list = c.get("/talapker/local-2024?party=ak-zhol&lang=ru").await;
    let re = regex::Regex::new(r#"href="(/talapker/local-2024/candidates/[^"]+)""#).unwrap();
    let links: Vec<String> = re
        .captures_iter(&list.body)
        .map(|m| m[1].to_owned())
        .collect();
    assert_eq!(links.len(), 3, "{}", list.body);
    let mut seen_exclusion = false;
    for link in links {
        let r = c.get(&format!("{link}?lang=ru")).await;
        assert_eq!(r.status, StatusCode::OK, "{link}");
        assert!(r.body.contains("Документы поданы"), "{}", r.body);
        no_pin(&r.body, &everyone(&f));
        seen_exclusion |= r.body.contains("Исключён из зарегистрированного списка");
    }
    assert!(seen_exclusion);
    let r = c
        .get("/talapker/local-2024/candidates/999999/n999999-1")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_candidates_api_filters_by_council_party_and_status() {
    let app = app().await;
    let f = filed(&app).await;
    let mut c = Client::new(&app);
    let r = c
        .get("/api/v1/elections/local-2024/candidates?council=bishkek-city&party=kok-bel&status=refused")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let json = r.json();
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{json}");
    for i in items {
        assert_eq!(i["status"], "refused");
        assert_eq!(i["ground"], "CAN-08_documents_deficient");
        assert_eq!(i["party"], "kok-bel");
        assert!(i.get("pin").is_none());
    }
    no_pin(&r.body, &everyone(&f));

    let r = c
        .get("/api/v1/elections/local-2024/candidates?party=ak-zhol&status=registered")
        .await;
    let json = r.json();
    assert_eq!(json["total"], 2, "{json}");
    let positions: Vec<_> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].as_u64())
        .collect();
    assert_eq!(positions, [Some(1), Some(2)]);

    let r = c
        .get("/api/v1/elections/local-2024/candidates?status=elected")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "status");
    let r = c.get("/api/v1/elections/local-2099/candidates").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn ballots_wait_for_registration_to_close() {
    let app = app().await;
    let _f = filed(&app).await;
    let mut c = Client::new(&app);
    // 1 October: city registration runs until CAL-08 (RES-02: the ballot is fixed after).
    let r = c
        .get("/api/v1/elections/local-2024/ballots/bishkek-city?lang=en")
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.json()["error"]["code"], "ballot_registration_open");
    let r = c
        .get("/talapker/local-2024/ballots/bishkek-city?lang=en")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Registration is still open"), "{}", r.body);
}

#[tokio::test]
async fn open_data_lists_every_filed_candidate_without_personal_data() {
    let app = app().await;
    let f = filed(&app).await;
    let mut c = Client::new(&app);
    let r = c
        .get("/open-data/elections/local-2024/candidates.csv")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut lines = r.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "candidate,nomination,council,district,party,position,name,birth_year,occupation,status,ground"
        )
    );
    assert_eq!(lines.count(), 7, "{}", r.body);
    no_pin(&r.body, &everyone(&f));
    let r = c
        .get("/open-data/elections/local-2024/candidates.json")
        .await;
    let json = r.json();
    assert_eq!(json.as_array().unwrap().len(), 7);
    for p in everyone(&f) {
        assert!(!r.body.contains(&p.street), "an address is public");
    }
}

#[tokio::test]
async fn the_tec_sees_each_check_with_its_evidence_and_refuses_naming_the_ground() {
    let app = app().await;
    let f = filed(&app).await;
    let mut tec = bishkek_tec(&app).await;
    let page = tec.get("/candidacies/queue?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // Only the pending list awaits; each of its checks passed, with the registry's evidence.
    for p in &f.pending {
        assert!(page.body.contains(surname(p)), "{}", page.body);
    }
    assert!(!page.body.contains(surname(&f.refused[0])));
    assert!(page.body.contains("data-outcome=\"pass\""));
    assert!(page.body.contains("criminal record registry"));
    assert!(!page.body.contains("data-outcome=\"fail\""));
    let re = regex::Regex::new(r#"action="(/candidacies/local-2024/\d+/decision)""#).unwrap();
    let action = re.captures(&page.body).unwrap()[1].to_owned();
    let csrf = crate::common::hidden(&page.body, "csrf");

    // A refusal without its ground is refused, and nothing changes.
    let r = tec
        .post_form(
            &action,
            &[("csrf", &csrf), ("decision", "refuse"), ("ground", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("names its legal ground"), "{}", r.body);
    // A ground a registry answers needs a failed check showing it (CAN-08, CAN-09).
    let r = tec
        .post_form(
            &action,
            &[
                ("csrf", &csrf),
                ("decision", "refuse"),
                ("ground", "CAN-02_imprisoned"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The TEC's own reading of the documents is a ground of its own.
    let r = tec
        .post_form(
            &action,
            &[
                ("csrf", &csrf),
                ("decision", "refuse"),
                ("ground", "CAN-08_documents_deficient"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut public = Client::new(&app);
    let json = public
        .get("/api/v1/elections/local-2024/candidates?party=tash-kol")
        .await
        .json();
    for i in json["items"].as_array().unwrap() {
        assert_eq!(i["status"], "refused");
        assert_eq!(i["ground"], "CAN-08_documents_deficient");
    }
    let page = tec.get("/candidacies/queue?lang=en").await;
    assert!(page.body.contains("No nomination awaits a decision"));

    // Without a session, the decision is sent to log in first.
    let r = public.post_form(&action, &[("decision", "register")]).await;
    assert!(
        r.location().is_some_and(|l| l.starts_with("/login")),
        "{:?}",
        r.location()
    );
}

#[tokio::test]
async fn once_registration_closes_the_city_ballot_is_fixed_with_against_all_and_printed() {
    use shailoo_app::Actor;
    use shailoo_app::candidates;
    use shailoo_domain::candidate::PartyId;
    use shailoo_domain::{CouncilId, ElectionId};
    let app = app().await;
    let _f = filed(&app).await;
    // 20 October 2024: city registration closed on 18 October (CAL-08).
    let later: jiff::Timestamp = "2024-10-20T04:00:00Z".parse().unwrap();
    let election = ElectionId::parse("local-2024").unwrap();
    let bishkek = CouncilId::parse("bishkek-city").unwrap();
    // Only the registered list can be ordered: the refused and the pending ones are not on it.
    let order = vec![PartyId::parse("ak-zhol").unwrap()];
    candidates::set_ballot_order(
        app.store.as_ref(),
        &Actor::System,
        &election,
        &bishkek,
        order,
        later,
    )
    .await
    .unwrap();
    let state = shailoo_web::AppState::new(app.store.clone(), shailoo_web::Config::default())
        .with_clock(move || later);
    let router = shailoo_web::router(state);
    let mut c = Client::of_router(router.clone());
    let r = c
        .get("/api/v1/elections/local-2024/ballots/bishkek-city?lang=en")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let json = r.json();
    let ballot = &json[0];
    assert_eq!(ballot["contest"], "party_list");
    assert_eq!(ballot["against_all"], true);
    let lines = ballot["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["party"], "ak-zhol");
    assert_eq!(lines[0]["label"], "Ак Жол party");

    let r = c
        .get("/talapker/local-2024/ballots/bishkek-city?lang=ru")
        .await;
    assert!(r.body.contains("Партия «Ак Жол»"));
    assert!(r.body.contains("Против всех"));
    for lang in ["ky", "ru"] {
        use tower::ServiceExt;
        let uri = format!("/talapker/local-2024/ballots/bishkek-city/proof.pdf?lang={lang}");
        let req = axum::http::Request::get(uri)
            .body(axum::body::Body::empty())
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{lang}");
        assert_eq!(res.headers()["content-type"], "application/pdf");
        let body = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .unwrap();
        assert!(body.starts_with(b"%PDF"), "{lang}");
    }
}
