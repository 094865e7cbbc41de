//! The complaints registry on the web (CMP-05, CMP-06): a complaint entered on paper at a
//! PEC, assigned, decided with its document, appealed PEC → TEC → CEC → court and closed by
//! the court's act, each step by whom the law lets take it and never by who filed it; the
//! working lists (the court stage leaves the TEC's and PEC's), and what the public registry,
//! the API and the open data show (no complainant's name or contact).

use crate::authz::{PNG, multipart};
use crate::common::{Client, PASSWORD, TestApp, app, fixed_now, hidden, password_hash};
use axum::http::StatusCode;
use shailoo_app::{AuditAction, AuditEvent, NewUser, Role, Username};
use shailoo_domain::CommissionId;
use tower::ServiceExt;

const NAME: &str = "Айбек Токтогулов";
const CONTACT: &str = "+996 700 123 456";
/// The observer's scan handed in with the complaint (a PDF, unlike the decisions' PNG).
const SCAN: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\nobserver\nstartxref\n0\n%%EOF\n";

async fn add(app: &TestApp, name: &str, role: Role, commission: &CommissionId) {
    app.store
        .add_user(
            &NewUser {
                username: Username::parse(name).unwrap(),
                display_name: format!("Test {name}"),
                role,
                commission: commission.clone(),
                password_hash: password_hash(),
            },
            AuditEvent::new("system", AuditAction::UserAdded, name, fixed_now()),
        )
        .await
        .unwrap();
}

async fn signed_in(app: &TestApp, user: &str) -> (Client, String) {
    let mut c = Client::new(app);
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let home = c.get("/complaints?lang=en").await;
    assert_eq!(home.status, StatusCode::OK, "{user}: {}", home.body);
    let csrf = hidden(&home.body, "csrf");
    (c, csrf)
}

fn decision(uri: &str, csrf: &str, number: &str) -> axum::http::Request<axum::body::Body> {
    multipart(
        uri,
        &[
            ("csrf", csrf),
            ("outcome", "rejected"),
            ("number", number),
            ("reasons", "Considered at the commission's session"),
        ],
        Some(("document", PNG)),
    )
}

#[tokio::test]
async fn a_complaint_goes_from_paper_intake_to_the_court_s_act_and_the_public_sees_no_name() {
    let app = app().await;
    let cec = app.cec();
    add(&app, "pec.two", Role::PecMember, &app.own_pec).await;
    add(&app, "tec.two", Role::TecMember, &app.own_tec).await;
    add(&app, "cec.two", Role::CecAdmin, &cec).await;
    let pec = app.own_pec.to_string();

    // The PEC's clerk enters a paper complaint about its own commission.
    let (mut clerk, csrf) = signed_in(&app, "pec.one").await;
    // It comes with a supporting document, stored with it.
    let r = clerk
        .send(multipart(
            "/complaints?lang=en",
            &[
                ("csrf", &csrf),
                ("election", "local-2024"),
                ("commission", &pec),
                ("subject", "decision"),
                ("act_on", "2024-09-30"),
                ("complainant_kind", "observer"),
                ("complainant_name", NAME),
                ("contact", CONTACT),
                ("summary", "The PEC refused an observer a look at the list"),
            ],
            Some(("document", SCAN)),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = r.location().unwrap().split('?').next().unwrap().to_owned();
    assert!(case.starts_with("/complaints/local-2024/"), "{case}");
    let id = case.rsplit('/').next().unwrap().to_owned();
    let page = clerk.get(&format!("{case}?lang=en")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(NAME) && page.body.contains(CONTACT));
    assert!(page.body.contains("left to decide"), "{}", page.body);
    // Staff of the commission download the document handed in; the public never does.
    let handed_in = page
        .body
        .split("href=\"")
        .find(|s| s.contains("/documents/") && s.starts_with("/complaints/"))
        .and_then(|s| s.split('"').next())
        .expect("the document handed in, linked for staff")
        .to_owned();
    let d = raw_get(&app, &handed_in, Some(&clerk)).await;
    assert_eq!(d.0, StatusCode::OK);
    assert_eq!(d.1, SCAN);
    let digest = handed_in.rsplit('/').next().unwrap().to_owned();
    let public_doc = format!("/registry/complaints/local-2024/{id}/documents/{digest}");
    assert_eq!(
        raw_get(&app, &public_doc, None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        raw_get(&app, &handed_in, None).await.0,
        StatusCode::SEE_OTHER
    );
    // The clerk who entered it gets no decision form, and a decision is refused (CMP-05).
    assert!(!page.body.contains("/decision\""), "{}", page.body);
    let r = clerk
        .send(decision(&format!("{case}/decision"), &csrf, "PEC-0"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // Another member of the PEC takes it and decides it, with the document.
    let (mut member, csrf2) = signed_in(&app, "pec.two").await;
    let r = member
        .post_form(
            &format!("{case}/assign"),
            &[("csrf", &csrf2), ("member", "pec.two")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A TEC member does not decide in the PEC's place.
    let (mut tec, tec_csrf) = signed_in(&app, "tec.one").await;
    let r = tec
        .send(decision(&format!("{case}/decision"), &tec_csrf, "TEC-0"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // A document that is not a PDF, JPEG or PNG is refused by its bytes.
    let r = member
        .send(multipart(
            &format!("{case}/decision?lang=en"),
            &[
                ("csrf", &csrf2),
                ("outcome", "rejected"),
                ("number", "PEC-1"),
                ("reasons", "x"),
            ],
            Some(("document", b"<html>not a scan</html>")),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    let r = member
        .send(decision(&format!("{case}/decision"), &csrf2, "PEC-1"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // Appealed on paper to the TEC, decided there by another member.
    let r = tec
        .post_form(
            &format!("{case}/appeal"),
            &[("csrf", &tec_csrf), ("grounds", "The PEC ignored the law")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (mut tec2, tec2_csrf) = signed_in(&app, "tec.two").await;
    let r = tec2
        .send(decision(&format!("{case}/decision"), &tec2_csrf, "TEC-2"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // To the CEC, decided by a member who did not enter the appeal; then to the court.
    let (mut admin, admin_csrf) = signed_in(&app, "admin").await;
    let r = admin
        .post_form(
            &format!("{case}/appeal"),
            &[
                ("csrf", &admin_csrf),
                ("grounds", "The TEC ignored the law"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (mut cec2, cec2_csrf) = signed_in(&app, "cec.two").await;
    let r = cec2
        .send(decision(&format!("{case}/decision"), &cec2_csrf, "CEC-3"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An appeal to the court names the court (CMP-06).
    let r = admin
        .post_form(
            &format!("{case}/appeal?lang=en"),
            &[("csrf", &admin_csrf), ("grounds", "To the court")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("CMP-06"), "{}", r.body);
    let r = admin
        .post_form(
            &format!("{case}/appeal"),
            &[
                ("csrf", &admin_csrf),
                ("grounds", "To the court"),
                ("court", "Administrative Court of Bishkek"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The court stage leaves the TEC's and the PEC's working lists, not the CEC's.
    let link = format!("/complaints/local-2024/{id}\"");
    assert!(!tec.get("/complaints?lang=en").await.body.contains(&link));
    assert!(!member.get("/complaints?lang=en").await.body.contains(&link));
    assert!(admin.get("/complaints?lang=en").await.body.contains(&link));

    let r = cec2
        .send(decision(&format!("{case}/court-act"), &cec2_csrf, "AC-118"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&format!("{case}?lang=en")).await;
    assert!(page.body.contains("Closed by the court"), "{}", page.body);

    // The public registry: the case with its four levels, no name, no contact.
    let mut public = Client::new(&app);
    let r = public
        .get(&format!("/registry/complaints/local-2024/{id}?lang=en"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    for level in [
        "Administrative Court of Bishkek",
        "AC-118",
        "TEC-2",
        "CEC-3",
        "PEC-1",
    ] {
        assert!(r.body.contains(level), "{level}: {}", r.body);
    }
    assert!(!r.body.contains(NAME) && !r.body.contains(CONTACT));
    // That a document was handed in is public; the document is not.
    assert!(r.body.contains("A document was handed in"), "{}", r.body);
    assert!(!r.body.contains(&digest), "{}", r.body);
    let doc = r
        .body
        .split("href=\"")
        .find(|s| s.contains("/documents/"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    // The document is binary: read it past the text client.
    let d = app
        .router
        .clone()
        .oneshot(
            axum::http::Request::get(doc)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(d.status(), StatusCode::OK);
    assert_eq!(d.headers()["content-type"], "image/png");
    assert_eq!(d.headers()["x-content-type-options"], "nosniff");
    let bytes = axum::body::to_bytes(d.into_body(), 1 << 20).await.unwrap();
    assert_eq!(&bytes[..], PNG);

    let r = public
        .get("/registry/complaints?election=local-2024&status=closed&lang=en")
        .await;
    assert!(r.body.contains(&format!(">{id}</a>")), "{}", r.body);
    assert!(!r.body.contains(NAME));
    // The statistics count it once, at the court, with its four decisions by outcome.
    assert!(
        r.body.contains("Complaints: <strong>1</strong>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<th scope=\"row\">Court</th><td>1</td>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<th scope=\"row\">Rejected</th><td>4</td>"),
        "{}",
        r.body
    );
    let r = public
        .get("/api/v1/elections/local-2024/complaints?level=court")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let all = r.json();
    let found = all.as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "closed");
    assert_eq!(found[0]["complainant"], "observer");
    assert_eq!(found[0]["steps"].as_array().unwrap().len(), 4);
    assert!(!r.body.contains(NAME) && !r.body.contains(CONTACT));
    let r = public
        .get("/api/v1/elections/local-2024/complaints?level=nowhere")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"]["field"], "level");

    let csv = public
        .get("/open-data/elections/local-2024/complaints.csv")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 1 + 4, "{}", csv.body);
    assert!(csv.body.contains("Administrative Court of Bishkek"));
    assert!(!csv.body.contains(NAME));
    let json = public
        .get("/open-data/elections/local-2024/complaints.json")
        .await;
    assert_eq!(json.json().as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_late_complaint_is_refused_naming_cmp_06_and_nothing_is_stored() {
    let app = app().await;
    let (mut clerk, csrf) = signed_in(&app, "pec.one").await;
    let pec = app.own_pec.to_string();
    let head = app.store.audit_head().await.unwrap();
    let r = clerk
        .send(multipart(
            "/complaints?lang=en",
            &[
                ("csrf", &csrf),
                ("election", "local-2024"),
                ("commission", &pec),
                ("subject", "action"),
                ("act_on", "2024-09-20"),
                ("complainant_kind", "voter"),
                ("complainant_name", NAME),
                ("summary", "Late"),
            ],
            Some(("document", PNG)),
        ))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("CMP-06"), "{}", r.body);
    assert_eq!(app.store.audit_head().await.unwrap(), head);
    // Nor its document: the filing and the document are stored together or not at all.
    let digest = blake3::hash(PNG).to_hex().to_string();
    assert!(
        app.store
            .complaint_document(&digest)
            .await
            .unwrap()
            .is_none()
    );
    // The form comes back as it was sent.
    assert!(r.body.contains(NAME));
}

/// A binary answer read past the text client: its status and body (with `client`'s session
/// cookie when given).
async fn raw_get(app: &TestApp, uri: &str, client: Option<&Client>) -> (StatusCode, Vec<u8>) {
    let mut req = axum::http::Request::get(uri);
    if let Some(c) = client {
        let cookie: Vec<String> = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
        req = req.header("cookie", cookie.join("; "));
    }
    let d = app
        .router
        .clone()
        .oneshot(req.body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    let status = d.status();
    let bytes = axum::body::to_bytes(d.into_body(), 1 << 20).await.unwrap();
    (status, bytes.to_vec())
}
