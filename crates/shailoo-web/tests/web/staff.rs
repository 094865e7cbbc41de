//! Staff forms: adding a polling station and overriding a calendar deadline, with CSRF,
//! scopes, and bad input that changes nothing.

use crate::common::{Client, PASSWORD, TestApp, app, hidden};
use axum::http::StatusCode;
use shailoo_app::StationFilter;
use shailoo_domain::{ErrorCode, StationNumber};
use shailoo_web::Lang;

async fn station_count(app: &TestApp) -> u64 {
    app.store
        .stations(&StationFilter::default())
        .await
        .unwrap()
        .total
}

async fn logged_in(app: &TestApp, user: &str) -> (Client, String) {
    let mut c = Client::new(app);
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let form = c.get("/").await;
    let csrf = hidden(&form.body, "csrf");
    (c, csrf)
}

fn station_fields<'a>(
    csrf: &'a str,
    number: &'a str,
    pec: &'a str,
    council: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("number", number),
        ("commission", pec),
        ("council", council),
        ("territory", ""),
        ("address_ky", "Ленин көчөсү, 1, мектеп"),
        ("address_ru", "ул. Ленина, 1, школа"),
        ("address_en", "Lenin St 1, school"),
        ("ramp", "on"),
    ]
}

#[tokio::test]
async fn a_cec_admin_adds_a_station_and_it_is_listed() {
    let app = app().await;
    let (mut c, csrf) = logged_in(&app, "admin").await;
    let form = c.get("/stations/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let council = app.a_station().council.to_string();
    let pec = app.other_pec.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, "9001", &pec, &council),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), Some("/stations/9001?added=1"));
    let page = c.get("/stations/9001?added=1&lang=ru").await;
    assert!(page.body.contains(&Lang::Ru.t("station-added")));
    assert!(page.body.contains("ул. Ленина, 1, школа"));
    assert!(page.body.contains(&Lang::Ru.t("access-ramp")));
    let list = c.get("/stations?q=9001").await;
    assert!(list.body.contains("href=\"/stations/9001\""));
    let stored = app
        .store
        .station(StationNumber::new(9001).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.commission, app.other_pec);
    assert!(stored.accessibility.ramp && !stored.accessibility.parking);
    // The change is in the audit log, by the admin.
    let entries = app.store.audit_entries(0, 100).await.unwrap();
    let last = entries.last().unwrap();
    assert_eq!(
        (last.event.actor.as_str(), last.event.action.as_str()),
        ("admin", "station_added")
    );
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = app().await;
    let before = station_count(&app).await;
    let (mut c, _csrf) = logged_in(&app, "admin").await;
    let council = app.a_station().council.to_string();
    let pec = app.own_pec.to_string();
    for token in ["", "0123456789abcdef"] {
        let r = c
            .post_form(
                "/stations/new",
                &station_fields(token, "9002", &pec, &council),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains(&Lang::Ky.error(ErrorCode::CsrfFailed)));
    }
    assert_eq!(station_count(&app).await, before);
    assert!(
        app.store
            .station(StationNumber::new(9002).unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_tec_member_adds_stations_only_for_the_pecs_under_its_tec() {
    let app = app().await;
    let before = station_count(&app).await;
    let (mut c, csrf) = logged_in(&app, "tec.one").await;
    let council = app.a_station().council.to_string();
    let other = app.other_pec.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, "9003", &other, &council),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains(&Lang::Ky.error(ErrorCode::Forbidden)));
    // The form comes back with what was typed.
    assert!(r.body.contains("value=\"9003\""));
    assert_eq!(station_count(&app).await, before);

    let own = app.own_pec.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, "9003", &own, &council),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(station_count(&app).await, before + 1);
}

#[tokio::test]
async fn a_pec_member_may_not_add_stations() {
    let app = app().await;
    let (mut c, _) = logged_in(&app, "pec.one").await;
    assert_eq!(c.get("/stations/new").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_duplicate_station_number_is_refused_with_a_localized_message_and_nothing_changes() {
    let app = app().await;
    let before = station_count(&app).await;
    let (mut c, csrf) = logged_in(&app, "admin").await;
    c.cookies.insert("lang".into(), "ru".into());
    let taken = app.a_station().number.to_string();
    let council = app.a_station().council.to_string();
    let pec = app.own_pec.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, &taken, &pec, &council),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body
            .contains(&Lang::Ru.error(ErrorCode::DuplicateStationNumber))
    );
    assert!(
        r.body.contains("id=\"number-error\""),
        "the error is next to the field"
    );
    // No lost input.
    assert!(r.body.contains("value=\"ул. Ленина, 1, школа\""));
    assert!(r.body.contains(&format!("value=\"{pec}\"")));
    assert_eq!(station_count(&app).await, before);
    let stored = app
        .store
        .station(app.a_station().number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&stored, app.a_station());
}

#[tokio::test]
async fn malformed_and_unknown_fields_are_reported_beside_each_field() {
    let app = app().await;
    let before = station_count(&app).await;
    let (mut c, csrf) = logged_in(&app, "admin").await;
    c.cookies.insert("lang".into(), "en".into());
    let pec = app.own_pec.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, "12ab", &pec, "no-such-council"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(&Lang::En.error(ErrorCode::BadStationNumber))
    );
    assert!(r.body.contains(&Lang::En.error(ErrorCode::UnknownCouncil)));
    assert!(r.body.contains("value=\"12ab\""));

    let council = app.a_station().council.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, "9004", "pec-no-such", &council),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(&Lang::En.error(ErrorCode::UnknownCommission))
    );

    // A TEC is not a PEC.
    let tec = app.own_tec.to_string();
    let r = c
        .post_form(
            "/stations/new",
            &station_fields(&csrf, "9004", &tec, &council),
        )
        .await;
    assert!(r.body.contains(&Lang::En.error(ErrorCode::NotAPec)));
    assert_eq!(station_count(&app).await, before);
}

#[tokio::test]
async fn a_cec_admin_overrides_a_deadline_and_bad_dates_change_nothing() {
    let app = app().await;
    let (mut c, csrf) = logged_in(&app, "admin").await;
    c.cookies.insert("lang".into(), "ru".into());
    let url = "/elections/local-2024/calendar/override";
    assert_eq!(c.get(url).await.status, StatusCode::OK);

    let r = c
        .post_form(
            url,
            &[
                ("csrf", &csrf),
                ("rule", "CAL-07"),
                ("date", "2024-02-30"),
                ("time", "18:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains(&Lang::Ru.error(ErrorCode::BadDate)));
    assert!(r.body.contains("value=\"2024-02-30\""));

    let r = c
        .post_form(
            url,
            &[
                ("csrf", &csrf),
                ("rule", "CAL-07"),
                ("date", "2024-01-15"),
                ("time", ""),
                ("decision", "12/345-р"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(&Lang::Ru.error(ErrorCode::DeadlineBeforeCalling))
    );

    let r = c
        .post_form(
            url,
            &[
                ("csrf", &csrf),
                ("rule", "CAL-99"),
                ("date", "2024-10-08"),
                ("time", "25:00"),
            ],
        )
        .await;
    assert!(r.body.contains(&Lang::Ru.error(ErrorCode::UnknownRule)));
    assert!(r.body.contains(&Lang::Ru.error(ErrorCode::BadTime)));

    let r = c
        .post_form(url, &[("rule", "CAL-07"), ("date", "2024-10-08")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no CSRF token");

    // A deadline moves by a decision of the CEC: without its number, nothing moves.
    let r = c
        .post_form(
            url,
            &[
                ("csrf", &csrf),
                ("rule", "CAL-07"),
                ("date", "2024-10-08"),
                ("time", "17:00"),
                ("decision", "   "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("id=\"decision-error\""));
    assert!(
        r.body
            .contains(&Lang::Ru.error(ErrorCode::BadDecisionNumber))
    );

    let id = "local-2024".parse().unwrap();
    assert!(app.store.calendar_overrides(&id).await.unwrap().is_empty());

    let r = c
        .post_form(
            url,
            &[
                ("csrf", &csrf),
                ("rule", "CAL-07"),
                ("date", "2024-10-08"),
                ("time", "17:00"),
                ("decision", " 12/345-р "),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Stored, audited and shown with the decision's number.
    let stored = app.store.calendar_overrides(&id).await.unwrap();
    assert_eq!(
        stored[0].decision.as_ref().map(|d| d.as_str()),
        Some("12/345-р")
    );
    let entries = app.store.audit_entries(0, 100).await.unwrap();
    let last = entries.last().unwrap();
    assert_eq!(last.event.action, "calendar_override_set");
    // The entry's digest covers the override with its decision's number.
    assert_eq!(
        last.event.after_digest,
        Some(shailoo_app::audit::digest(&stored[0]))
    );
    let cal = c.get("/api/v1/elections/local-2024/calendar").await.json();
    let cal07 = cal
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == "CAL-07")
        .unwrap()
        .clone();
    assert_eq!(
        (cal07["date"].as_str(), cal07["time"].as_str()),
        (Some("2024-10-08"), Some("17:00"))
    );
    let page = c.get("/elections/local-2024/calendar").await;
    assert!(page.body.contains(&Lang::Ru.t_args(
        "calendar-overridden-by",
        &[("decision", "12/345-р".to_owned())]
    )));
}

#[tokio::test]
async fn only_a_cec_admin_may_override_deadlines() {
    let app = app().await;
    let (mut c, csrf) = logged_in(&app, "tec.one").await;
    let url = "/elections/local-2024/calendar/override";
    assert_eq!(c.get(url).await.status, StatusCode::FORBIDDEN);
    let r = c
        .post_form(
            url,
            &[("csrf", &csrf), ("rule", "CAL-07"), ("date", "2024-10-08")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let id = "local-2024".parse().unwrap();
    assert!(app.store.calendar_overrides(&id).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_a_form_gets_a_localized_415() {
    let app = app().await;
    let (mut c, _) = logged_in(&app, "admin").await;
    let req = axum::http::Request::post("/stations/new?lang=en")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{}"))
        .unwrap();
    let r = c.send(req).await;
    // The media type is wrong, as the API says for a body that is not JSON.
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.body.contains(&Lang::En.error(ErrorCode::BadForm)));
}

/// The `<option>`s of the `<select>` with `id`, as `(value, label)`.
fn options(html: &str, id: &str) -> Vec<(String, String)> {
    let start = html
        .find(&format!("<select id=\"{id}\""))
        .unwrap_or_else(|| panic!("no select #{id}"));
    let select = &html[start..];
    let select = &select[..select.find("</select>").unwrap()];
    select
        .split("<option value=\"")
        .skip(1)
        .map(|o| {
            let value = o.split('"').next().unwrap().to_owned();
            let label = o.split('>').nth(1).unwrap().split('<').next().unwrap();
            (value, label.to_owned())
        })
        .filter(|(v, _)| !v.is_empty())
        .collect()
}

#[tokio::test]
async fn a_station_is_added_with_pickers_by_name_not_raw_ids() {
    let app = app().await;
    let setup = &app.data.setup;
    let (mut c, csrf) = logged_in(&app, "admin").await;
    // First the council, by name: every council, and no id to type.
    let first = c.get("/stations/new?lang=ru").await;
    let councils = options(&first.body, "council");
    assert_eq!(councils.len(), setup.councils.len());
    for (id, label) in &councils {
        let council = setup.councils.iter().find(|k| k.id.as_str() == id).unwrap();
        assert_eq!(label, &council.name.ru);
    }
    assert!(!first.body.contains("name=\"commission\""));

    // Then, for the council, its PECs and settlements by name.
    let station = app.a_station();
    let council = setup
        .councils
        .iter()
        .find(|k| k.id == station.council)
        .unwrap();
    let form = c
        .get(&format!("/stations/new?lang=ru&council={}", council.id))
        .await;
    assert!(form.body.contains(&council.name.ru));
    let pecs = options(&form.body, "commission");
    let pec = setup
        .commissions
        .iter()
        .find(|k| k.id == station.commission)
        .unwrap();
    assert!(
        pecs.contains(&(pec.id.to_string(), pec.name.ru.clone())),
        "{pecs:?}"
    );
    for (id, _) in &pecs {
        let k = setup
            .commissions
            .iter()
            .find(|k| k.id.as_str() == id)
            .unwrap();
        assert_eq!(k.level, shailoo_domain::territory::CommissionLevel::Pec);
    }
    let settlements = options(&form.body, "territory");
    let children: Vec<_> = setup
        .territories
        .iter()
        .filter(|t| t.parent.as_ref() == Some(&council.territory))
        .collect();
    assert_eq!(settlements.len(), children.len());
    for t in &children {
        assert!(settlements.contains(&(t.id.to_string(), t.name.ru.clone())));
    }

    // What the pickers give is what is stored.
    let (settlement, _) = settlements.first().cloned().unwrap_or_default();
    let mut fields = station_fields(&csrf, "9070", pec.id.as_str(), council.id.as_str());
    fields.retain(|(k, _)| *k != "territory");
    fields.push(("territory", &settlement));
    let r = c.post_form("/stations/new", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app
        .store
        .station(StationNumber::new(9070).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.commission, pec.id);
    if !settlement.is_empty() {
        assert_eq!(stored.territory.as_str(), settlement);
    }

    // A TEC member is offered only the PECs under its own TEC.
    let (mut tec, _) = logged_in(&app, "tec.one").await;
    let own = setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec)
        .unwrap();
    let form = tec
        .get(&format!("/stations/new?council={}", own.council))
        .await;
    let pecs = options(&form.body, "commission");
    assert!(!pecs.is_empty());
    for (id, _) in &pecs {
        let k = setup
            .commissions
            .iter()
            .find(|k| k.id.as_str() == id)
            .unwrap();
        assert_eq!(k.parent.as_ref(), Some(&app.own_tec), "{id}");
    }
}

#[tokio::test]
async fn the_station_list_filters_by_council_and_shows_full_addresses() {
    let app = app().await;
    let station = app.a_station().clone();
    let mut visitor = crate::common::Client::new(&app);
    let page = visitor
        .get(&format!("/stations?lang=ru&council={}", station.council))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let listed: Vec<&str> = page
        .body
        .split("<th scope=\"row\"><a href=\"/stations/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let expected = app
        .store
        .stations(&StationFilter {
            council: Some(station.council.clone()),
            ..StationFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.len(), expected.items.len().min(25));
    for s in &expected.items {
        assert!(listed.contains(&s.number.to_string().as_str()));
    }
    assert!(
        page.body
            .contains(&format!("<option value=\"{}\" selected>", station.council))
    );
    // Each address names its settlement: the full address, as the look-up says it.
    let full = shailoo_app::lookup::station_addresses(app.store.as_ref(), &expected.items)
        .await
        .unwrap();
    for a in full.iter().take(25) {
        assert!(page.body.contains(a.get("ru")), "{}", a.get("ru"));
    }
    let one = visitor
        .get(&format!("/stations/{}?lang=en", station.number))
        .await;
    let address = shailoo_app::lookup::station_addresses(app.store.as_ref(), &[station])
        .await
        .unwrap();
    assert!(one.body.contains(address[0].get("en")));
    assert_ne!(address[0].get("en"), app.a_station().address.en);
}
