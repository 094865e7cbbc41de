//! Media accreditation on the web (CMP-01…CMP-03): the CEC's staff enter an outlet's written
//! application with its price list until CAL-03; the CMP-02 breaches are shown with the rows
//! concerned and stop the accreditation; the CEC refuses with a reason, accredits a clean list
//! and revokes; the public registry, the API and the open data show the outlets with their
//! price lists and findings.

use crate::authz::multipart;
use crate::common::{Client, PASSWORD, TestApp, app, fixed_now, hidden, password_hash};
use axum::http::StatusCode;
use jiff::Timestamp;
use shailoo_app::{AuditAction, AuditEvent, NewUser, Role, Username};
use shailoo_web::{AppState, Config};

/// 20 September 2024, 12:00 in Bishkek: applications are open until CAL-03 (27 September).
fn before_cal_03() -> Timestamp {
    "2024-09-20T06:00:00Z".parse().unwrap()
}

/// Line 3 (earlier price) and 2 (election price, above it); line 4 a lower price for one party.
const BREACHING: &str = "period,service,unit,buyer,price,charged_on\n\
election,airtime_prime,minute,all,1500,\n\
earlier,airtime_prime,minute,,1200,2024-07-01\n\
election,airtime_prime,minute,yntymak,1000,\n";

const CLEAN: &str = "period,service,unit,buyer,price,charged_on\n\
election,airtime_prime,minute,all,1200,\n\
earlier,airtime_prime,minute,,1200,2024-07-01\n";

async fn cec_clerk(app: &TestApp) {
    app.store
        .add_user(
            &NewUser {
                username: Username::parse("cec.clerk").unwrap(),
                display_name: "CEC clerk".into(),
                role: Role::CecAdmin,
                commission: app.cec(),
                password_hash: password_hash(),
            },
            AuditEvent::new("system", AuditAction::UserAdded, "cec.clerk", fixed_now()),
        )
        .await
        .unwrap();
}

async fn signed_in(app: &TestApp, clock: fn() -> Timestamp, user: &str) -> (Client, String) {
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(clock);
    let mut c = Client::of_router(shailoo_web::router(state));
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let page = c.get("/media?lang=en").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    (c, csrf)
}

fn application(csrf: &str, name: &str, prices: &str) -> axum::http::Request<axum::body::Body> {
    multipart(
        "/media?lang=en",
        &[
            ("csrf", csrf),
            ("election", "local-2024"),
            ("name", name),
            ("kind", "tv"),
            ("contact", "info@ordo.example"),
        ],
        Some(("prices", prices.as_bytes())),
    )
}

#[tokio::test]
async fn an_outlet_with_a_price_breach_is_refused_a_clean_one_accredited_then_revoked() {
    let app = app().await;
    cec_clerk(&app).await;
    let (mut clerk, csrf) = signed_in(&app, before_cal_03, "cec.clerk").await;

    // A malformed row names its line.
    let r = clerk
        .send(application(
            &csrf,
            "Broken TV",
            "period,service,unit,buyer,price,charged_on\nelection,airtime,minute,all,12x,\n",
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Line 2"), "{}", r.body);

    let r = clerk.send(application(&csrf, "Ordo TV", BREACHING)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().contains("outlet=1"));
    let r = clerk.send(application(&csrf, "Too-Tash TV", CLEAN)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The breaches, with the rows concerned, on the CEC's page.
    let page = clerk.get("/media?lang=en").await;
    assert!(page.body.contains("CMP-02.unequal_price"), "{}", page.body);
    assert!(page.body.contains("CMP-02.above_earlier_price"));
    assert!(page.body.contains("data-line=\"4\""));
    assert!(
        page.body
            .contains("class=\"breach field-error\" data-line=\"2\""),
        "{}",
        page.body
    );

    // Who entered the applications does not decide them.
    let r = clerk
        .post_form(
            "/media/local-2024/2/decision",
            &[("csrf", &csrf), ("decision", "accredit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let (mut admin, admin_csrf) = signed_in(&app, before_cal_03, "admin").await;
    // CMP-02 stops the accreditation of the breaching list…
    let r = admin
        .post_form(
            "/media/local-2024/1/decision?lang=en",
            &[("csrf", &admin_csrf), ("decision", "accredit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("CMP-02"));
    // …the CEC refuses it with the reason, accredits the clean one, then revokes it.
    for (id, decision, reason) in [
        ("1", "refuse", "CMP-02: unequal prices"),
        ("2", "accredit", ""),
        ("2", "revoke", "CMP-03: unpaid campaign material"),
    ] {
        let r = admin
            .post_form(
                &format!("/media/local-2024/{id}/decision"),
                &[
                    ("csrf", &admin_csrf),
                    ("decision", decision),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{decision}: {}", r.body);
    }

    // The public registry, the API and the open data.
    let mut public = Client::new(&app);
    let r = public
        .get("/registry/media?election=local-2024&status=all&lang=en")
        .await;
    assert!(r.body.contains("Ordo TV") && r.body.contains("CMP-02: unequal prices"));
    assert!(r.body.contains("Revoked"));
    let r = public
        .get("/registry/media?election=local-2024&lang=en")
        .await;
    assert!(
        !r.body.contains("Ordo TV"),
        "only accredited outlets by default"
    );
    let r = public.get("/api/v1/elections/local-2024/media").await;
    assert_eq!(r.status, StatusCode::OK);
    let outlets = r.json();
    let ordo = &outlets[0];
    assert_eq!(ordo["status"], "refused");
    let codes: Vec<&str> = ordo["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"CMP-02.unequal_price"), "{codes:?}");
    assert!(
        ordo["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] == "CMP-02" && !f["lines"].as_array().unwrap().is_empty())
    );
    assert_eq!(outlets[1]["status"], "revoked");
    let r = public
        .get("/api/v1/elections/local-2024/media?status=sometimes")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let csv = public
        .get("/open-data/elections/local-2024/media.csv")
        .await;
    assert_eq!(csv.body.lines().count(), 1 + 3 + 2, "{}", csv.body);
    assert!(csv.body.contains("CMP-02.unequal_price"));
}

#[tokio::test]
async fn applications_close_with_cal_03() {
    let app = app().await;
    // The common clock: 1 October, after CAL-03.
    let (mut admin, csrf) = signed_in(&app, fixed_now, "admin").await;
    let head = app.store.audit_head().await.unwrap();
    let r = admin.send(application(&csrf, "Late TV", CLEAN)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("CAL-03"), "{}", r.body);
    assert_eq!(app.store.audit_head().await.unwrap(), head);
}
