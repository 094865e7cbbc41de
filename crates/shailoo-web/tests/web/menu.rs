//! Staff find their way: the staff menu shows each role the pages it may use (and no other),
//! and a refused action's page says why in the reader's language, with a way back.

use crate::common::{Client, PASSWORD, add_representative, app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shailoo_web::Lang;

/// A page's text with the entities askama writes turned back into characters.
fn text(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The links of the staff menu on a page, in order.
fn menu(html: &str) -> Vec<String> {
    let Some(start) = html.find("id=\"staff-menu\"") else {
        return Vec::new();
    };
    let nav = &html[start..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| a.split('"').next().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_role_sees_its_own_pages_in_the_staff_menu() {
    let app = app().await;
    add_representative(&*app.store, "rep.one", &app.cec()).await;
    // What each role's work is, written out independently of the declarations (as
    // `shailoo_app::authz`'s table grants it: ballots are issued by a PEC only, the register is
    // the CEC's desk, a party's representative files the party's nominations, the TEC decides
    // them and orders the city ballot, the CEC and the TEC cancel registrations).
    let expected: [(&str, &[&str]); 4] = [
        (
            "admin",
            &[
                "/calendar",
                "/stations/new",
                "/accessibility",
                "/rules",
                "/districts/drafts",
                "/districts/review",
                "/register",
                "/remote-voting",
                "/claims",
                "/candidacies/registrations",
                // The CEC hears complaints and accredits the media (issue 16).
                "/complaints",
                "/media",
                // i16-badges: the places for campaign material (CAL-06).
                "/campaign-places",
                "/protocols/dashboard",
                "/protocols/preliminary",
                "/violations/desk",
            ],
        ),
        (
            "tec.one",
            &[
                "/stations/new",
                "/accessibility",
                "/districts/drafts",
                "/remote-voting",
                "/claims",
                "/candidacies/queue",
                "/candidacies/registrations",
                "/candidacies/ballot-order",
                "/complaints",
                "/campaign-places",
                "/protocols/councils",
                "/funds",
                "/violations/desk",
            ],
        ),
        (
            "pec.one",
            &[
                "/accessibility",
                "/claims",
                "/complaints",
                "/check-in",
                "/protocols",
            ],
        ),
        ("rep.one", &["/candidacies", "/funds"]),
    ];
    for (user, pages) in expected {
        let mut c = Client::new(&app);
        assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
        let home = c.get("/?lang=ru").await;
        assert_eq!(menu(&home.body), pages, "{user}");
        // Every link leads to a page the role may open.
        for href in pages {
            let page = c.get(href).await;
            assert!(
                matches!(page.status, StatusCode::OK | StatusCode::SEE_OTHER),
                "{user} {href}: {}",
                page.status
            );
        }
        // The page shown is marked in the menu; a page of no entry is refused.
        let claims = c.get("/claims").await;
        if pages.contains(&"/claims") {
            assert!(
                claims
                    .body
                    .contains("<a href=\"/claims\" aria-current=\"page\">")
            );
        } else {
            assert_eq!(claims.status, StatusCode::FORBIDDEN, "{user}");
        }
    }
    // A visitor has no staff menu.
    let mut visitor = Client::new(&app);
    assert!(menu(&visitor.get("/").await.body).is_empty());
}

#[tokio::test]
async fn a_refused_action_says_why_in_the_readers_language_with_a_way_back() {
    let app = app().await;
    let mut pec = Client::new(&app);
    pec.login("pec.one", PASSWORD).await;
    let foreign = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.other_pec)
        .unwrap()
        .number;
    for lang in Lang::ALL {
        // Another commission's station: the account holds the power, but not there.
        let r = pec
            .send(
                Request::get(format!("/stations/{foreign}/check-in?lang={}", lang.code()))
                    .header(header::HOST, "vote.example")
                    .header(header::REFERER, "http://vote.example/check-in")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let role = lang.t("role-pec_member");
        let why = lang.t_args(
            "refusal-outside",
            &[
                ("role", role.clone()),
                ("action", lang.t("power-check-in-voters")),
            ],
        );
        let page = text(&r.body);
        assert!(page.contains(&why), "{}: {}", lang.code(), r.body);
        assert!(page.contains(&lang.t("refusal-grant-pec_member-below")));
        assert!(r.body.contains("<a href=\"/check-in\" rel=\"prev\">"));
        assert!(text(&r.body).contains(&lang.t("page-error-back")));
        assert!(!r.body.contains("HTTP 403"));
        // The member's header and menu stay: the way on is there too.
        assert!(r.body.contains("Test pec.one"));
        assert!(r.body.contains("id=\"staff-menu\""));

        // A page of another role: what the account may not do, and who may.
        let r = pec
            .get(&format!("/remote-voting?lang={}", lang.code()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let why = lang.t_args(
            "refusal-role",
            &[
                ("role", role),
                ("action", lang.t("power-view-remote-applications")),
            ],
        );
        let page = text(&r.body);
        assert!(page.contains(&why), "{}", r.body);
        assert!(page.contains(&lang.t("refusal-grant-cec_admin-anywhere")));
        assert!(page.contains(&lang.t("refusal-grant-tec_member-below")));
        assert!(!page.contains(&lang.t("refusal-grant-pec_member-below")));
    }
    // A form sent without a session goes to log in, and comes back to the page it was on.
    let mut visitor = Client::new(&app);
    let r = visitor
        .send(
            Request::post("/remote-voting")
                .header(header::HOST, "vote.example")
                .header(
                    header::REFERER,
                    "http://vote.example/remote-voting?station=1",
                )
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("pin=1"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some("/login?next=%2Fremote-voting%3Fstation%3D1")
    );
}

/// The menu's entries for pages that need a station or a council lead to the member's own.
#[tokio::test]
async fn check_in_and_district_schemes_start_from_the_members_own_stations_and_councils() {
    let app = app().await;
    let setup = &app.data.setup;
    let mut pec = Client::new(&app);
    pec.login("pec.one", PASSWORD).await;
    let page = pec.get("/check-in").await;
    let own: Vec<_> = setup
        .stations
        .iter()
        .filter(|s| s.commission == app.own_pec)
        .collect();
    for s in &own {
        assert!(
            page.body
                .contains(&format!("href=\"/stations/{}/check-in\"", s.number))
        );
    }
    assert_eq!(
        page.body.matches("/check-in\">№").count(),
        own.len(),
        "{}",
        page.body
    );
    // A number typed leads to that station's page.
    let r = pec
        .get(&format!("/check-in?station={}", own[0].number))
        .await;
    assert_eq!(
        r.location(),
        Some(format!("/stations/{}/check-in", own[0].number).as_str())
    );

    // VOT-06: a commission above the station issues no ballots, so a TEC member has no
    // stations to check voters in at, nor the page that lists them.
    let mut tec = Client::new(&app);
    tec.login("tec.one", PASSWORD).await;
    let page = tec.get("/check-in").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(page.body.matches("/check-in\">№").count(), 0);
    // A member of the TEC over the aiyl councils finds each of them, and only them.
    let aiyl_tec = setup
        .stations
        .iter()
        .find(|s| {
            setup.councils.iter().any(|c| {
                c.id == s.council && c.kind == shailoo_domain::territory::CouncilKind::Aiyl
            })
        })
        .and_then(|s| setup.commissions.iter().find(|c| c.id == s.commission))
        .and_then(|pec| pec.parent.clone())
        .unwrap();
    app.store
        .add_user(
            &shailoo_app::NewUser {
                username: shailoo_app::Username::parse("tec.aiyl").unwrap(),
                display_name: "Aiyl TEC".into(),
                role: shailoo_app::Role::TecMember,
                commission: aiyl_tec.clone(),
                password_hash: crate::common::password_hash(),
            },
            shailoo_app::AuditEvent::new(
                "system",
                shailoo_app::AuditAction::UserAdded,
                "tec.aiyl",
                crate::common::fixed_now(),
            ),
        )
        .await
        .unwrap();
    let mut tec = Client::new(&app);
    tec.login("tec.aiyl", PASSWORD).await;
    let drafts = tec.get("/districts/drafts").await;
    assert_eq!(drafts.status, StatusCode::OK);
    let pecs: Vec<_> = setup
        .commissions
        .iter()
        .filter(|c| c.parent.as_ref() == Some(&aiyl_tec))
        .map(|c| &c.id)
        .collect();
    let aiyl: std::collections::BTreeSet<_> = setup
        .stations
        .iter()
        .filter(|s| pecs.contains(&&s.commission))
        .filter(|s| {
            setup.councils.iter().any(|c| {
                c.id == s.council && c.kind == shailoo_domain::territory::CouncilKind::Aiyl
            })
        })
        .map(|s| &s.council)
        .collect();
    assert!(!aiyl.is_empty());
    for c in &aiyl {
        assert!(
            drafts
                .body
                .contains(&format!("href=\"/councils/{c}/districts\""))
        );
    }
    assert_eq!(
        drafts.body.matches("href=\"/councils/").count(),
        aiyl.len(),
        "{}",
        drafts.body
    );
}
