//! Places for printed campaign material on the web (i16-badges, CAL-06): a TEC member records
//! the place at its own stations and not at another TEC's; after CAL-06 the stations still
//! without one stand out on the TEC's page and in the CEC's overview (counted per TEC), not
//! before; a PEC member is refused the page; the public list shows what was recorded.

use crate::common::{Client, PASSWORD, TestApp, app, fixed_now, hidden};
use axum::http::StatusCode;
use jiff::Timestamp;
use shailoo_web::{AppState, Config};

/// 15 October 2024: CAL-06 (11 October) has passed.
fn after_cal_06() -> Timestamp {
    "2024-10-15T06:00:00Z".parse().unwrap()
}

async fn signed_in(app: &TestApp, clock: fn() -> Timestamp, user: &str) -> Client {
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(clock);
    let mut c = Client::of_router(shailoo_web::router(state));
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    c
}

/// The stations of the setup under `pec`.
fn stations_of(app: &TestApp, pec: &shailoo_domain::CommissionId) -> Vec<u32> {
    app.data
        .setup
        .stations
        .iter()
        .filter(|s| &s.commission == pec)
        .map(|s| s.number.get())
        .collect()
}

#[tokio::test]
async fn a_tec_records_places_and_the_stations_without_one_stand_out_after_cal_06() {
    let app = app().await;
    let own = stations_of(&app, &app.own_pec)[0];
    let other = stations_of(&app, &app.other_pec)[0];

    // Before CAL-06 nothing stands out.
    let mut tec = signed_in(&app, fixed_now, "tec.one").await;
    let page = tec
        .get("/campaign-places?election=local-2024&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("CAL-06 has not passed yet"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("id=\"missing-places\""));
    assert!(page.body.contains(&format!("id=\"station-{own}\"")));
    // Only its own stations.
    assert!(!page.body.contains(&format!("id=\"station-{other}\"")));

    // After CAL-06 its station stands out until the place is recorded.
    let mut tec = signed_in(&app, after_cal_06, "tec.one").await;
    let page = tec
        .get("/campaign-places?election=local-2024&lang=en")
        .await;
    assert!(page.body.contains("id=\"missing-places\""), "{}", page.body);
    assert!(
        page.body.contains(&format!("<li data-station=\"{own}\">")),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(
        "id=\"station-{own}\" class=\"missing\" data-missing=\"true\""
    )));
    let csrf = hidden(&page.body, "csrf");
    // An empty description is refused, named.
    let r = tec
        .post_form(
            &format!("/campaign-places/local-2024/{own}?lang=en"),
            &[("csrf", &csrf), ("description", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Describe the place"), "{}", r.body);
    let r = tec
        .post_form(
            &format!("/campaign-places/local-2024/{own}?lang=en"),
            &[("csrf", &csrf), ("description", "Board at school No 5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = tec
        .get("/campaign-places?election=local-2024&lang=en")
        .await;
    assert!(page.body.contains("Board at school No 5"), "{}", page.body);
    assert!(!page.body.contains(&format!("<li data-station=\"{own}\">")));
    // Another TEC's station: refused.
    let r = tec
        .post_form(
            &format!("/campaign-places/local-2024/{other}?lang=en"),
            &[("csrf", &csrf), ("description", "Elsewhere")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The CEC's overview counts per TEC and lists the country's missing stations.
    let mut cec = signed_in(&app, after_cal_06, "admin").await;
    let page = cec
        .get("/campaign-places?election=local-2024&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("class=\"places-per-tec\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("<li data-station=\"{other}\">"))
    );
    assert!(!page.body.contains(&format!("<li data-station=\"{own}\">")));
    let own_tec = app.own_tec.to_string();
    assert!(
        page.body.contains(&format!("data-tec=\"{own_tec}\"")),
        "{}",
        page.body
    );
    // One TEC opened: its stations with their forms.
    let page = cec
        .get(&format!(
            "/campaign-places?election=local-2024&tec={own_tec}&lang=en"
        ))
        .await;
    assert!(page.body.contains(&format!("id=\"station-{own}\"")));
    assert!(!page.body.contains(&format!("id=\"station-{other}\"")));

    // A PEC member holds no such power.
    let mut pec = signed_in(&app, after_cal_06, "pec.one").await;
    let page = pec
        .get("/campaign-places?election=local-2024&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    // The public list.
    let mut anon = Client::of_router(shailoo_web::router(
        AppState::new(app.store.clone(), Config::default()).with_clock(after_cal_06),
    ));
    let page = anon
        .get("/registry/campaign-places?election=local-2024&lang=en")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Board at school No 5"), "{}", page.body);
    assert!(page.body.contains(&format!("id=\"station-{own}\"")));
}
