//! The complainant's side of the registry in the voter cabinet, over real HTTP (i16-cases2):
//! a complaint filed online with its supporting document, which only the complainant and the
//! commissions' staff download (another voter is refused, the public registry says only that
//! it exists); the complainant's online appeal of a decision within its clock (CMP-06) with a
//! document, refused naming the rule once the clock ran out; a flood of filings meets 429.

use crate::authz::PNG;
use crate::cabinet::{Browser, Cabinet, OTHER, PASSPORT, Reply, VOTER, cabinet};
use crate::common::{fixed_now, hidden};
use shailoo_app::complaints::{
    self, Complaint, ComplaintFilter, DecisionDraft, Document, Outcome, Text,
};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::{claims, setup};
use shailoo_domain::{CommissionId, ElectionId, Pin};
use std::sync::atomic::Ordering;

const OTHER_PASSPORT: &str = "AN7654321";

/// A small PDF the structural check accepts (the appeal's document).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\nappeal\nstartxref\n0\n%%EOF\n";

fn body(fields: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----shailoo-cases-boundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some(file) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; \
                 filename=\"scan\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post(b: &Browser, path: &str, fields: &[(&str, &str)], file: Option<&[u8]>) -> Reply {
    let (content_type, body) = body(fields, file);
    Browser::read(
        b.http
            .post(format!("{}{path}", b.base))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn get_bytes(b: &Browser, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let r = b
        .http
        .get(format!("{}{path}", b.base))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let cache = r
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, cache, r.bytes().await.unwrap().to_vec())
}

fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

/// The voter's PEC and the TEC above it.
async fn chain(c: &Cabinet) -> Vec<CommissionId> {
    let store = c.store.as_ref();
    let station = claims::listed_station(store, &election(), &Pin::parse(VOTER).unwrap())
        .await
        .unwrap()
        .expect("the voter is listed");
    setup::station_chain(store, station).await.unwrap()
}

async fn own(c: &Cabinet) -> Complaint {
    let all = c
        .store
        .complaints(&election(), &ComplaintFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 1, "one complaint filed");
    all.into_iter().next().unwrap()
}

/// Staff of `commission` decide the step it hears.
async fn decide(c: &Cabinet, commission: &CommissionId, role: Role, number: &str) {
    let member = Actor::User {
        username: Username::parse(&format!("member{}", number.to_lowercase().replace('-', "")))
            .unwrap(),
        role,
        commission: commission.clone(),
    };
    let id = own(c).await.id;
    let mut bytes = PDF.to_vec();
    bytes.extend_from_slice(number.as_bytes());
    let d = DecisionDraft {
        outcome: Outcome::Rejected,
        reasons: Text::parse("Considered at the session").unwrap(),
        number: Text::parse(number).unwrap(),
        document: Document::parse(bytes).unwrap(),
    };
    complaints::decide(c.store.as_ref(), &member, &election(), id, d, fixed_now())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_complainant_files_with_a_document_appeals_online_in_time_and_is_refused_late() {
    let c = cabinet().await;
    let commissions = chain(&c).await;
    let (pec, tec) = (&commissions[0], &commissions[1]);
    let voter = Browser::new(&c);
    voter.sign_in(&c, VOTER, PASSPORT).await;
    let page = voter.get("/cabinet/complaints?lang=en").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("enctype=\"multipart/form-data\""));
    let csrf = hidden(&page.body, "csrf");

    // Filed online with a supporting document.
    let filed = post(
        &voter,
        "/cabinet/complaints?lang=en",
        &[
            ("csrf", &csrf),
            ("complainant_kind", "voter"),
            ("commission", pec.as_str()),
            ("subject", "decision"),
            ("act_on", "2024-09-30"),
            ("complainant_name", "Асанов Бакыт"),
            ("summary", "The PEC refused to show me the list"),
        ],
        Some(PNG),
    )
    .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let complaint = own(&c).await;
    let attachment = complaint.steps[0]
        .attachment
        .clone()
        .expect("stored with it");
    let link = format!(
        "/cabinet/complaints/local-2024/{}/documents/{}",
        complaint.id, attachment.digest
    );
    let page = voter.get("/cabinet/complaints?lang=en").await;
    assert!(page.body.contains(&link), "{}", page.body);
    let (status, cache, bytes) = get_bytes(&voter, &link).await;
    assert_eq!((status, bytes.as_slice()), (200, PNG));
    assert_eq!(cache.as_deref(), Some("private, no-store"));

    // The public registry says a document exists, and serves it to nobody.
    let public = Browser::new(&c);
    let case = public
        .get(&format!(
            "/registry/complaints/local-2024/{}?lang=en",
            complaint.id
        ))
        .await;
    assert!(
        case.body.contains("A document was handed in"),
        "{}",
        case.body
    );
    assert!(!case.body.contains(&attachment.digest));
    assert!(!case.body.contains("Асанов"));
    let public_doc = format!(
        "/registry/complaints/local-2024/{}/documents/{}",
        complaint.id, attachment.digest
    );
    assert_eq!(get_bytes(&public, &public_doc).await.0, 404);
    // Signed out, the cabinet's link leads to the sign-in.
    assert_eq!(get_bytes(&public, &link).await.0, 303);

    // Another voter, signed in, neither downloads it nor appeals it.
    let other = Browser::new(&c);
    other.sign_in(&c, OTHER, OTHER_PASSPORT).await;
    assert_eq!(get_bytes(&other, &link).await.0, 403);

    // Decided by the PEC: the complainant appeals online, with a document, in time.
    decide(&c, pec, Role::PecMember, "PEC-1").await;
    let page = voter.get("/cabinet/complaints?lang=en").await;
    assert!(
        page.body.contains("The decision may be appealed until"),
        "{}",
        page.body
    );
    let appeal_path = format!("/cabinet/complaints/local-2024/{}/appeal", complaint.id);
    let other_csrf = hidden(&other.get("/cabinet/complaints").await.body, "csrf");
    let refused = post(
        &other,
        &appeal_path,
        &[("csrf", &other_csrf), ("grounds", "Not mine to appeal")],
        None,
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let appealed = post(
        &voter,
        &format!("{appeal_path}?lang=en"),
        &[("csrf", &csrf), ("grounds", "The PEC ignored my evidence")],
        Some(PDF),
    )
    .await;
    assert_eq!(appealed.status, 303, "{}", appealed.body);
    assert_eq!(appealed.location, "/cabinet/complaints?done=appealed");
    let complaint = own(&c).await;
    assert_eq!(complaint.steps.len(), 2);
    assert_eq!(complaint.current().forum.commission(), Some(tec));
    let second = complaint.steps[1].attachment.clone().expect("the appeal's");
    let (status, _, bytes) = get_bytes(
        &voter,
        &format!(
            "/cabinet/complaints/local-2024/{}/documents/{}",
            complaint.id, second.digest
        ),
    )
    .await;
    assert_eq!((status, bytes.as_slice()), (200, PDF));

    // Decided by the TEC; five days later the time to appeal has run out (CMP-06).
    decide(&c, tec, Role::TecMember, "TEC-1").await;
    c.clock.store(5 * 24 * 3600, Ordering::SeqCst);
    // The cabinet's session has long ended: the voter signs in again.
    let voter = Browser::new(&c);
    voter.sign_in(&c, VOTER, PASSPORT).await;
    let page = voter.get("/cabinet/complaints?lang=en").await;
    let csrf = hidden(&page.body, "csrf");
    assert!(
        page.body
            .contains("The time to appeal the decision ran out"),
        "{}",
        page.body
    );
    let late = post(
        &voter,
        &format!("{appeal_path}?lang=en"),
        &[("csrf", &csrf), ("grounds", "Too late")],
        None,
    )
    .await;
    assert_eq!(late.status, 409, "{}", late.body);
    assert!(late.body.contains("CMP-06"), "{}", late.body);
    assert_eq!(own(&c).await.steps.len(), 2, "nothing stored");
}

#[tokio::test]
async fn a_flood_of_online_filings_meets_a_localized_429() {
    let c = cabinet().await;
    let pec = chain(&c).await[0].clone();
    let voter = Browser::new(&c);
    voter.sign_in(&c, VOTER, PASSPORT).await;
    let csrf = hidden(&voter.get("/cabinet/complaints").await.body, "csrf");
    // A refused document is refused by its bytes: 415, counted but nothing stored.
    let mut last = None;
    for _ in 0..8 {
        let r = post(
            &voter,
            "/cabinet/complaints?lang=ru",
            &[
                ("csrf", &csrf),
                ("commission", pec.as_str()),
                ("subject", "decision"),
                ("act_on", "2024-09-30"),
                ("complainant_name", "Асанов Бакыт"),
                ("summary", "Flood"),
            ],
            Some(b"<html>not a scan</html>"),
        )
        .await;
        if r.status == 429 {
            last = Some(r);
            break;
        }
        assert_eq!(r.status, 415, "{}", r.body);
    }
    let limited = last.expect("the limit is reached within the burst");
    assert!(limited.retry_after.is_some());
    let ru = shailoo_web::Lang::Ru.t_args("complaints-rate-limited", &[("minutes", "1".into())]);
    let prefix = ru.split('1').next().unwrap();
    assert!(limited.body.contains(prefix.trim()), "{}", limited.body);
    assert!(
        c.store
            .complaints(&election(), &ComplaintFilter::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn searching_the_public_registry_is_rate_limited_with_a_localized_429() {
    let app = crate::common::app().await;
    let mut public = crate::common::Client::new(&app);
    // The registry without a search is never limited.
    for _ in 0..40 {
        let r = public.get("/registry/complaints?election=local-2024").await;
        assert_eq!(r.status, axum::http::StatusCode::OK);
    }
    let mut limited = None;
    for n in 0..40 {
        let r = public
            .get(&format!(
                "/registry/complaints?election=local-2024&q=list{n}&lang=ky"
            ))
            .await;
        if r.status == axum::http::StatusCode::TOO_MANY_REQUESTS {
            limited = Some((n, r));
            break;
        }
        assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
    }
    let (n, r) = limited.expect("a flood of searches meets 429");
    assert_eq!(n, 30, "the burst is 30 searches");
    let ky = shailoo_web::Lang::Ky.error(shailoo_domain::ErrorCode::ComplaintSearchRateLimited);
    assert!(r.body.contains(&ky), "{}", r.body);
    assert!(r.headers.get("retry-after").is_some());
}
