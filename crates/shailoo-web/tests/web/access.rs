//! Accessibility of polling premises: staff covering a station record the local government's
//! survey (audited), the station page and the look-up then say what the premises offer, and
//! the overview shows which stations lack what, with counts and as CSV.

use crate::common::{Client, PASSWORD, TestApp, app, hidden};
use axum::http::StatusCode;
use shailoo_domain::ErrorCode;
use shailoo_domain::territory::{AccessRequirement, PollingStation};
use shailoo_web::Lang;

async fn signed_in(app: &TestApp, user: &str) -> Client {
    let mut c = Client::new(app);
    let r = c.login(user, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    c
}

fn own_station(app: &TestApp) -> PollingStation {
    app.data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec)
        .unwrap()
        .clone()
}

/// Every finding ticked: the premises meet the seed's whole list.
const ALL: [&str; 7] = [
    "ramp",
    "call_button",
    "wide_doors",
    "parking",
    "ground_floor",
    "tactile_signs",
    "lighting",
];

async fn survey(
    c: &mut Client,
    n: u32,
    day: &str,
    surveyor: &str,
    ticked: &[&str],
) -> crate::common::Reply {
    let page = c.get(&format!("/stations/{n}/accessibility?lang=en")).await;
    let csrf = hidden(&page.body, "csrf");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("surveyed_on", day),
        ("surveyor", surveyor),
        ("note", "a new ramp at the side door"),
    ];
    fields.extend(ticked.iter().map(|f| (*f, "on")));
    c.post_form(&format!("/stations/{n}/accessibility?lang=en"), &fields)
        .await
}

#[tokio::test]
async fn a_pec_member_records_the_survey_and_the_station_then_suits_disabled_voters() {
    let app = app().await;
    let station = own_station(&app);
    let n = station.number.get();
    let mut pec = signed_in(&app, "pec.one").await;
    let page = pec
        .get(&format!("/stations/{n}/accessibility?lang=en"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // The form starts from what is recorded now.
    assert_eq!(
        page.body.contains("name=\"parking\" value=\"on\" checked"),
        station.accessibility.parking
    );

    let r = survey(&mut pec, n, "2024-09-25", "Мэрия города Бишкек", &ALL).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        Some(format!("/stations/{n}/accessibility?done=recorded").as_str())
    );
    let page = pec
        .get(&format!(
            "/stations/{n}/accessibility?done=recorded&lang=en"
        ))
        .await;
    // (The notice's apostrophe arrives escaped.)
    let done = Lang::En.t("access-done-recorded").replace('\'', "&#39;");
    assert!(page.body.contains(&done), "{}", page.body);
    let history = &page.body[page.body.find("id=\"access-history\"").unwrap()..];
    assert!(history.contains("25.09.2024") && history.contains("Мэрия города Бишкек"));
    assert!(history.contains("pec.one"));
    // The station page and the store say the same.
    let station_page = Client::new(&app)
        .get(&format!("/stations/{n}?lang=en"))
        .await;
    assert!(
        station_page.body.contains(&Lang::En.t("access-suits")),
        "{}",
        station_page.body
    );
    assert!(station_page.body.contains("data-accessible=\"true\""));
    let stored = app.store.station(station.number).await.unwrap().unwrap();
    assert!(stored.accessibility.is_accessible());
    // One audit entry, by the PEC member, naming the station.
    let head = app.store.audit_head().await.unwrap().unwrap().0;
    let last = app.store.audit_entries(head - 1, 1).await.unwrap();
    assert_eq!(last[0].event.action, "station_access_surveyed");
    assert_eq!(last[0].event.actor, "pec.one");
    assert_eq!(last[0].event.subject, format!("stations/{n}"));

    // A survey without lighting: the station lacks it again, and says so.
    let r = survey(&mut pec, n, "2024-09-30", "Мэрия", &ALL[..6]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let station_page = Client::new(&app)
        .get(&format!("/stations/{n}?lang=en"))
        .await;
    let lacks = Lang::En.t_args(
        "access-lacks",
        &[("missing", Lang::En.t("access-req-lighting"))],
    );
    assert!(station_page.body.contains(&lacks), "{}", station_page.body);
}

#[tokio::test]
async fn a_survey_is_refused_in_the_future_without_a_surveyor_or_a_token_and_elsewhere() {
    let app = app().await;
    let n = own_station(&app).number.get();
    let before = app.store.audit_head().await.unwrap();
    let mut pec = signed_in(&app, "pec.one").await;
    // The clock reads 1 October 2024.
    let r = survey(&mut pec, n, "2024-10-02", "Мэрия", &ALL).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(&Lang::En.error(ErrorCode::AccessSurveyInFuture))
    );
    let r = survey(&mut pec, n, "2024-09-02", "  ", &ALL).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains(&Lang::En.error(ErrorCode::AccessNoSurveyor))
    );
    // The form comes back as it was sent.
    assert!(r.body.contains("value=\"2024-09-02\""));
    let r = survey(&mut pec, n, "not a day", "Мэрия", &ALL).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&Lang::En.t("access-error-bad-date")));
    let r = pec
        .post_form(
            &format!("/stations/{n}/accessibility"),
            &[
                ("csrf", "forged"),
                ("surveyed_on", "2024-09-02"),
                ("surveyor", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another PEC's station: neither the form nor the post.
    let other = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.other_pec)
        .unwrap()
        .number
        .get();
    let r = pec.get(&format!("/stations/{other}/accessibility")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = survey(&mut pec, other, "2024-09-02", "Мэрия", &ALL).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A visitor is sent to log in.
    let r = Client::new(&app)
        .get(&format!("/stations/{n}/accessibility"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.audit_head().await.unwrap(),
        before,
        "nothing was recorded"
    );
}

#[tokio::test]
async fn the_overview_counts_what_stations_lack_per_region_and_council_and_gives_csv() {
    let app = app().await;
    let stations = &app.data.setup.stations;
    let lacking_light: Vec<u32> = stations
        .iter()
        .filter(|s| !s.accessibility.meets(AccessRequirement::Lighting))
        .map(|s| s.number.get())
        .collect();
    assert!(
        !lacking_light.is_empty(),
        "the small dataset has dark stations"
    );
    let accessible = stations
        .iter()
        .filter(|s| s.accessibility.is_accessible())
        .count();

    let mut admin = signed_in(&app, "admin").await;
    let page = admin.get("/accessibility?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let total = &page.body[page.body.find("id=\"access-total\"").unwrap()..];
    let total = &total[..total.find("</table>").unwrap()];
    assert!(
        total.contains(&format!("<td class=\"num\">{}</td>", stations.len())),
        "{total}"
    );
    assert!(
        total.contains(&format!(">{}</a>", lacking_light.len())),
        "{total}"
    );
    assert!(total.contains(&format!("{accessible} (")), "{total}");
    assert!(page.body.contains("id=\"access-regions\""));

    // Narrowed to the stations without lighting.
    let page = admin.get("/accessibility?lacking=lighting&lang=en").await;
    let listed: Vec<u32> = page
        .body
        .match_indices("data-station=\"")
        .map(|(i, m)| {
            page.body[i + m.len()..]
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(listed, lacking_light);
    // A region chosen: its councils are counted too.
    let region = page
        .body
        .split("href=\"/accessibility?region=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let page = admin
        .get(&format!("/accessibility?region={region}&lang=en"))
        .await;
    assert!(
        page.body.contains("id=\"access-councils\""),
        "{}",
        page.body
    );

    // The same stations as CSV.
    let csv = admin.get("/accessibility.csv?lacking=lighting").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut lines = csv.body.lines();
    assert_eq!(
        lines.next(),
        Some(
            "station,region,council,remote_voting,ramp,call_button,wide_doors,parking,\
             ground_floor,tactile_signs,lighting,suits_disabled_voters,missing,surveyed_on"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), lacking_light.len());
    assert!(rows.iter().all(|r| r.contains("lighting")));

    // Staff only.
    let r = Client::new(&app).get("/accessibility").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
