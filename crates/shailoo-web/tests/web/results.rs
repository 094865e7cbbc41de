//! Results on the staff's pages (RES-01, RES-04…RES-11, CAL-16, CAL-17): two PEC operators
//! enter a Bishkek protocol on voting evening, bad input is named field by field and nothing
//! is stored, the control checks refuse an error and ask a warning to be confirmed, the TEC
//! sees the difference field by field and keeps one entry, accepts with a comment on the
//! warning and determines the council's result once every protocol is accepted; after CAL-17
//! the determination is refused; the CEC uploads preliminary counts (all or nothing) and its
//! dashboard flags the station whose official count is apart from its box's.

use crate::candidacies_fixture::filed;
use crate::common::{Client, PASSWORD, Reply, TestApp, app, hidden};
use crate::results_fixture::{
    add_user, bishkek, bishkek_stations, election, evening, fix_ballot, import_the_others, protocol,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::Timestamp;
use shailoo_app::results::{self, PreliminaryCount};
use shailoo_app::setup::{self, CalendarOverrideRecord, DecisionNumber};
use shailoo_app::{Actor, Role, Username};
use shailoo_domain::CommissionId;
use shailoo_domain::calendar::Action;
use shailoo_domain::protocol::Protocol;
use shailoo_web::{AppState, Config};

/// A client of the app served with the clock at `now`, signed in as `user`, reading English.
async fn at(app: &TestApp, now: fn() -> Timestamp, user: &str) -> Client {
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(now);
    let mut c = Client::of_router(shailoo_web::router(state));
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    // The pages in English from here on (the choice is remembered).
    c.get("/?lang=en").await;
    c
}

/// The form fields of a protocol, as an operator types them.
fn fields(p: &Protocol) -> Vec<(String, String)> {
    let lines = [
        p.voters_on_list,
        p.voters_on_additional_lists,
        p.ballots_received,
        p.ballots_issued_at_station,
        p.ballots_issued_outside,
        p.voters_took_part,
        p.ballots_cancelled,
        p.ballots_in_mobile_boxes,
        p.ballots_in_stationary_boxes,
        p.valid_ballots,
        p.invalid_ballots,
    ];
    let mut out: Vec<(String, String)> = lines
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("line.{i}"), v.to_string()))
        .collect();
    out.push(("line.12".into(), p.against_all.unwrap_or(0).to_string()));
    out.push(("party.ak-zhol".into(), p.votes[0].votes.to_string()));
    out
}

async fn post(c: &mut Client, uri: &str, csrf: &str, extra: &[(String, String)]) -> Reply {
    let mut all: Vec<(&str, &str)> = vec![("csrf", csrf), ("contest", "party_list")];
    all.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    c.post_form(uri, &all).await
}

#[tokio::test]
async fn res_04_two_operators_enter_the_tec_resolves_accepts_and_determines() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let (station, pec) = bishkek_stations(&app).remove(0);
    add_user(&app, "op.a", Role::PecMember, &pec).await;
    add_user(&app, "op.b", Role::PecMember, &pec).await;
    let tec = CommissionId::parse("tec-bishkek").unwrap();
    add_user(&app, "tec.b", Role::TecMember, &tec).await;
    import_the_others(&app).await;

    // The operator's list leads to the station's party-list protocol.
    let mut a = at(&app, evening, "op.a").await;
    let list = a.get("/protocols").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let form_uri = format!("/protocols/local-2024/stations/{station}/bishkek-city");
    assert!(
        list.body
            .contains(&format!("{form_uri}?contest=party_list"))
    );
    let form = a.get(&format!("{form_uri}?contest=party_list")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("name=\"party.ak-zhol\""),
        "{}",
        form.body
    );
    assert!(
        form.body.contains("name=\"line.12\""),
        "against all is on a city ballot"
    );
    let csrf = hidden(&form.body, "csrf");

    // Bad input is named beside its field; nothing is stored.
    let head = app.store.audit_head().await.unwrap();
    let p = protocol(station, 500);
    let mut bad = fields(&p);
    bad[0].1 = "12a".into();
    bad[1].1 = " ".into();
    bad.push(("party.ak-zhol".into(), "-3".into()));
    let r = post(&mut a, &form_uri, &csrf, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"line.0-error\""), "{}", r.body);
    assert!(r.body.contains("Write a whole number, 0 or more"));
    assert!(r.body.contains("id=\"line.1-error\""));
    assert!(r.body.contains("Write a number here"));
    assert!(r.body.contains("value=\"12a\""), "what was typed stays");
    assert_eq!(app.store.audit_head().await.unwrap(), head);

    // An error of the control checks refuses the entry, naming the rule.
    let mut wrong = p.clone();
    wrong.invalid_ballots = 20;
    let r = post(&mut a, &form_uri, &csrf, &fields(&wrong)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("data-severity=\"error\""), "{}", r.body);
    assert!(r.body.contains("RES-05"));
    assert_eq!(app.store.audit_head().await.unwrap(), head);

    // A warning is confirmed against the paper before the entry is taken.
    let r = post(&mut a, &form_uri, &csrf, &fields(&p)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("data-severity=\"warning\""));
    assert!(r.body.contains("name=\"confirm_warnings\""));
    assert_eq!(app.store.audit_head().await.unwrap(), head);
    let mut confirmed = fields(&p);
    confirmed.push(("confirm_warnings".into(), "on".into()));
    let r = post(&mut a, &form_uri, &csrf, &confirmed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().contains("done=first_entered"));

    // The same operator cannot be the second entry.
    let again = a.get(&format!("{form_uri}?contest=party_list")).await;
    assert!(!again.body.contains("id=\"protocol-form\""));
    let r = post(&mut a, &form_uri, &csrf, &confirmed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("another operator"), "{}", r.body);

    // The second operator types one figure differently.
    let mut b = at(&app, evening, "op.b").await;
    let form = b.get(&format!("{form_uri}?contest=party_list")).await;
    let csrf_b = hidden(&form.body, "csrf");
    let mut second = fields(&protocol(station, 499));
    second.push(("confirm_warnings".into(), "on".into()));
    let r = post(&mut b, &form_uri, &csrf_b, &second).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().contains("done=differs"));

    // The TEC sees both values of each differing field and keeps the first entry.
    let mut t = at(&app, evening, "tec.b").await;
    let councils = t.get("/protocols/councils").await;
    assert_eq!(councils.status, StatusCode::OK);
    let page_uri = "/protocols/local-2024/councils/bishkek-city";
    assert!(councils.body.contains(page_uri), "{}", councils.body);
    let page = t.get(page_uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-stage=\"differs\""));
    assert!(page.body.contains(">500<") && page.body.contains(">499<"));
    assert!(page.body.contains(">90<") && page.body.contains(">91<"));
    let csrf_t = hidden(&page.body, "csrf");
    let decision = format!("/protocols/local-2024/stations/{station}/bishkek-city/decision");
    let keep = [("action".to_owned(), "keep_first".to_owned())];
    let r = post(&mut t, &decision, &csrf_t, &keep).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The result cannot be determined while a protocol waits.
    let determination = "/protocols/local-2024/councils/bishkek-city/determination";
    let r = post(&mut t, determination, &csrf_t, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("1 protocols are missing"), "{}", r.body);

    // Accepting a protocol with a warning needs a comment.
    let accept = [("action".to_owned(), "accept".to_owned())];
    let r = post(&mut t, &decision, &csrf_t, &accept).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("write a comment"), "{}", r.body);
    let commented = [
        ("action".to_owned(), "accept".to_owned()),
        (
            "comment".to_owned(),
            "One voter took a ballot home; the act is attached.".to_owned(),
        ),
    ];
    let r = post(&mut t, &decision, &csrf_t, &commented).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(page_uri).await;
    assert!(page.body.contains("the act is attached"));
    assert!(!page.body.contains("data-stage=\"differs\""));

    // Every protocol accepted: the TEC determines the result, with its explanation.
    let r = post(&mut t, determination, &csrf_t, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(page_uri).await;
    assert!(page.body.contains("id=\"determined\""), "{}", page.body);
    assert!(!page.body.contains("id=\"late\""));
    assert!(page.body.contains("id=\"explanation\""));
    let stored = app
        .store
        .determination(&election(), &bishkek())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.by, "tec.b");
    assert_eq!(
        stored.result.protocols_accepted,
        stored.result.protocols_expected
    );

    // An operator may not decide, a TEC member may not enter.
    let r = post(&mut a, &decision, &csrf, &keep).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = post(&mut t, &form_uri, &csrf_t, &confirmed).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// After CAL-17 (a week after voting day, far past it here).
fn long_after() -> Timestamp {
    "2025-02-01T06:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn cal_17_entry_and_determination_after_the_deadline_are_refused_by_the_calendar() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let (station, pec) = bishkek_stations(&app).remove(0);
    add_user(&app, "op.a", Role::PecMember, &pec).await;
    add_user(
        &app,
        "tec.b",
        Role::TecMember,
        &CommissionId::parse("tec-bishkek").unwrap(),
    )
    .await;
    let calendar = shailoo_app::setup::calendar(app.store.as_ref(), &election())
        .await
        .unwrap();
    assert!(calendar.window(Action::DetermineResults).1.unwrap() < long_after());

    let mut a = at(&app, long_after, "op.a").await;
    let form_uri = format!("/protocols/local-2024/stations/{station}/bishkek-city");
    let form = a.get(&format!("{form_uri}?contest=party_list")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = hidden(&form.body, "csrf");
    let head = app.store.audit_head().await.unwrap();
    let mut typed = fields(&protocol(station, 500));
    typed.push(("confirm_warnings".into(), "on".into()));
    let r = post(&mut a, &form_uri, &csrf, &typed).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("CAL-"),
        "the refusal names its rule: {}",
        r.body
    );

    let mut t = at(&app, long_after, "tec.b").await;
    let page = t.get("/protocols/local-2024/councils/bishkek-city").await;
    let csrf_t = hidden(&page.body, "csrf");
    let r = post(
        &mut t,
        "/protocols/local-2024/councils/bishkek-city/determination",
        &csrf_t,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("CAL-17"), "{}", r.body);
    assert_eq!(app.store.audit_head().await.unwrap(), head);

    // The CEC moves CAL-17 past "now": the protocols come in and the determination is taken,
    // shown as late (after the deadline the law sets).
    let record = CalendarOverrideRecord {
        rule_id: "CAL-17".into(),
        date: jiff::civil::date(2025, 2, 10),
        time: None,
        decision: Some(DecisionNumber::parse("12/345-р").unwrap()),
    };
    let cec = Actor::User {
        username: Username::parse("admin").unwrap(),
        role: Role::CecAdmin,
        commission: app.cec(),
    };
    setup::override_deadline(app.store.as_ref(), &cec, &election(), &record, long_after())
        .await
        .unwrap();
    let ctx = results::council_context(app.store.as_ref(), &election(), &bishkek(), long_after())
        .await
        .unwrap();
    for (n, _) in bishkek_stations(&app) {
        let mut p = protocol(n, 400);
        p.voters_took_part = 600;
        results::import_protocol(
            app.store.as_ref(),
            &ctx,
            &Actor::System,
            p,
            "",
            long_after(),
        )
        .await
        .unwrap();
    }
    let r = post(
        &mut t,
        "/protocols/local-2024/councils/bishkek-city/determination",
        &csrf_t,
        &[],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get("/protocols/local-2024/councils/bishkek-city").await;
    assert!(page.body.contains("id=\"late\""), "{}", page.body);
}

fn multipart(fields: &[(&str, &str)], file: &[u8]) -> Request<Body> {
    let boundary = "----shailoo-results-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"boxes.json\"\r\nContent-Type: application/json\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/protocols/preliminary")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn res_01_preliminary_counts_upload_all_or_nothing_and_the_dashboard_flags_the_gap() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let stations = bishkek_stations(&app);
    let ctx = results::council_context(app.store.as_ref(), &election(), &bishkek(), evening())
        .await
        .unwrap();
    for (n, _) in &stations {
        let mut p = protocol(*n, 400);
        p.voters_took_part = 600;
        results::import_protocol(app.store.as_ref(), &ctx, &Actor::System, p, "", evening())
            .await
            .unwrap();
    }
    let (first, _) = stations[0];
    let mut apart = protocol(first, 300);
    apart.voters_took_part = 600;
    let close = {
        let mut p = protocol(stations[1].0, 401);
        p.voters_took_part = 600;
        p
    };
    let counts = vec![
        PreliminaryCount {
            council: bishkek(),
            protocol: apart,
        },
        PreliminaryCount {
            council: bishkek(),
            protocol: close,
        },
    ];
    let json = serde_json::to_vec(&counts).unwrap();

    let mut cec = at(&app, evening, "admin").await;
    let form = cec.get("/protocols/preliminary").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Preliminary"));
    let csrf = hidden(&form.body, "csrf");

    // A file that is not the format is refused whole, naming where.
    let head = app.store.audit_head().await.unwrap();
    let r = cec
        .send(multipart(
            &[("csrf", &csrf), ("election", "local-2024")],
            b"[{\"council\": 3}]",
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("line 1"), "{}", r.body);
    assert_eq!(app.store.audit_head().await.unwrap(), head);

    let r = cec
        .send(multipart(
            &[("csrf", &csrf), ("election", "local-2024")],
            &json,
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().contains("imported=2"));
    assert_eq!(
        app.store
            .preliminary(&election(), &bishkek())
            .await
            .unwrap()
            .len(),
        2
    );

    // The dashboard: Bishkek reported in full, the station 100 votes apart flagged, the one
    // a vote apart not.
    let d = cec.get("/protocols/dashboard").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    let all = stations.len();
    assert!(d.body.contains(&format!("{all} / {all}")), "{}", d.body);
    assert!(d.body.contains(&format!("№ {first}</td>")), "{}", d.body);
    assert!(!d.body.contains(&format!("№ {}</td>", stations[1].0)));
    assert!(d.body.contains("more than 2 %"));

    // The PEC and the TEC do not see it.
    let (_, pec) = &stations[0];
    add_user(&app, "op.a", Role::PecMember, pec).await;
    let mut a = at(&app, evening, "op.a").await;
    assert_eq!(
        a.get("/protocols/dashboard").await.status,
        StatusCode::FORBIDDEN
    );
}
