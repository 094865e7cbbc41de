//! District schemes (DIS-02, CAL-05) through the web: a TEC member drafts with the no-script
//! editor, proposes automatically, saves and submits; the CEC approves or returns; the approved
//! scheme is published with its open data. Over the small generated dataset (4 aiyl councils).

use crate::common::{Client, PASSWORD, TestApp, app, fixed_now, hidden, password_hash};
use axum::http::StatusCode;
use jiff::Timestamp;
use shailoo_app::AuditAction;
use shailoo_app::districts::{CouncilDistrictingUnits, DistrictingUnit, SchemeStatus};
use shailoo_app::{AuditEvent, NewUser, Role, Username};
use shailoo_domain::territory::{CommissionLevel, CouncilKind};
use shailoo_domain::{CommissionId, CouncilId};
use shailoo_generator::{Generator, Scale, district_units};
use shailoo_web::{AppState, Config, Lang};

/// 20 September 2024, 12:00 in Bishkek: before CAL-05 (28 September 2024, whole day).
fn before_cal_05() -> Timestamp {
    "2024-09-20T06:00:00Z".parse().unwrap()
}

struct Fixture {
    app: TestApp,
    council: CouncilId,
}

/// The test app with the districting units loaded, a member `tec.aiyl` of the TEC of the
/// first aiyl council, and the clock at `now`.
async fn fixture(now: fn() -> Timestamp) -> Fixture {
    let mut app = app().await;
    let generator = Generator::new(Scale::Small, 2024);
    let units: Vec<CouncilDistrictingUnits> = district_units(&generator)
        .iter()
        .map(|c| CouncilDistrictingUnits {
            council: c.council.clone(),
            units: c
                .units
                .iter()
                .map(|u| DistrictingUnit {
                    id: u.id.clone(),
                    settlement: Some(u.settlement.clone()),
                    station: Some(u.station),
                    voters: u.voters,
                    remote: u.remote,
                    neighbors: u.neighbors.clone(),
                    x_km: u.x_km,
                    y_km: u.y_km,
                    name: None,
                })
                .collect(),
        })
        .collect();
    assert_eq!(units.len(), 4);
    app.store
        .import_district_units(
            &units,
            AuditEvent::new(
                "system",
                AuditAction::DistrictUnitsImported,
                "small",
                fixed_now(),
            ),
        )
        .await
        .unwrap();
    let setup = &app.data.setup;
    let council = setup
        .councils
        .iter()
        .find(|c| c.kind == CouncilKind::Aiyl)
        .unwrap()
        .id
        .clone();
    let pec = &setup
        .stations
        .iter()
        .find(|s| s.council == council)
        .unwrap()
        .commission;
    let tec: CommissionId = setup
        .commissions
        .iter()
        .find(|c| &c.id == pec)
        .and_then(|c| c.parent.clone())
        .unwrap();
    assert_eq!(
        setup
            .commissions
            .iter()
            .find(|c| c.id == tec)
            .unwrap()
            .level,
        CommissionLevel::Tec
    );
    assert_ne!(tec, app.own_tec, "tec.one must belong to another raion");
    app.store
        .add_user(
            &NewUser {
                username: Username::parse("tec.aiyl").unwrap(),
                display_name: "Aiyl TEC".into(),
                role: Role::TecMember,
                commission: tec,
                password_hash: password_hash(),
            },
            AuditEvent::new("system", AuditAction::UserAdded, "tec.aiyl", fixed_now()),
        )
        .await
        .unwrap();
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(now);
    app.router = shailoo_web::router(state);
    Fixture { app, council }
}

async fn logged_in(app: &TestApp, user: &str) -> (Client, String) {
    let mut c = Client::new(app);
    assert_eq!(c.login(user, PASSWORD).await.status, StatusCode::SEE_OTHER);
    let form = c.get("/").await;
    let csrf = hidden(&form.body, "csrf");
    (c, csrf)
}

/// The editor's form as the page shows it: every field with its current value.
fn form_fields(html: &str, csrf: &str) -> Vec<(String, String)> {
    let mut fields = vec![("csrf".to_owned(), csrf.to_owned())];
    fields.push(("count".to_owned(), hidden_value(html, "count")));
    for part in html.split("<select id=\"unit-").skip(1) {
        let name = part
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        let body = part.split("</select>").next().unwrap();
        let selected = body
            .split("<option value=\"")
            .skip(1)
            .find(|o| o.contains("\" selected>"))
            .and_then(|o| o.split('"').next())
            .unwrap_or_default()
            .to_owned();
        fields.push((name, selected));
    }
    for part in html.split("name=\"seats.").skip(1) {
        let n = part.split('"').next().unwrap();
        let value = part
            .split("value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default();
        fields.push((format!("seats.{n}"), value.to_owned()));
    }
    for part in html.split("name=\"remote.").skip(1) {
        let n = part.split('"').next().unwrap();
        if part.split('>').next().unwrap().contains("checked") {
            fields.push((format!("remote.{n}"), "on".to_owned()));
        }
    }
    fields
}

/// The value of an input named `name`, whatever its type.
fn hidden_value(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\""))
        .nth(1)
        .and_then(|r| r.split("value=\"").nth(1))
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

fn with_action(mut fields: Vec<(String, String)>, action: &str) -> Vec<(String, String)> {
    fields.push(("action".to_owned(), action.to_owned()));
    fields
}

async fn post(c: &mut Client, uri: &str, fields: &[(String, String)]) -> crate::common::Reply {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post_form(uri, &pairs).await
}

async fn status_of(f: &Fixture) -> Option<SchemeStatus> {
    let election = &f.app.data.setup.elections[0].id;
    f.app
        .store
        .district_scheme(&f.council, election)
        .await
        .unwrap()
        .map(|s| s.status)
}

async fn version_of(f: &Fixture) -> Option<u32> {
    let election = &f.app.data.setup.elections[0].id;
    f.app
        .store
        .district_scheme(&f.council, election)
        .await
        .unwrap()
        .map(|s| s.version)
}

/// Proposes a scheme through the page and returns the filled form.
async fn proposed(c: &mut Client, uri: &str, csrf: &str) -> Vec<(String, String)> {
    let page = c.get(uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let r = post(
        c,
        uri,
        &with_action(form_fields(&page.body, csrf), "propose"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The "valid" notice, in whatever language the client chose.
    assert!(
        r.body.contains("<p class=\"notice\" role=\"status\">"),
        "{}",
        r.body
    );
    form_fields(&r.body, csrf)
}

#[tokio::test]
async fn dis_02_a_tec_member_drafts_submits_and_the_cec_approves_and_it_is_published() {
    let f = fixture(before_cal_05).await;
    let uri = format!("/councils/{}/districts", f.council);
    let (mut tec, csrf) = logged_in(&f.app, "tec.aiyl").await;

    // The page shows the units with voters and borders, and the picture.
    let page = tec.get(&format!("{uri}?lang=en")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
    );
    assert!(page.body.contains("<title id=\"scheme-title\">"));
    assert!(page.body.contains(&Lang::En.t("districts-col-neighbors")));

    // "Check" on an empty assignment keeps the input and lists the errors.
    let mut fields = form_fields(&page.body, &csrf);
    fields.retain(|(k, _)| k != "count");
    fields.push(("count".into(), "3".into()));
    let checked = post(&mut tec, &uri, &with_action(fields, "check")).await;
    assert_eq!(checked.status, StatusCode::OK);
    assert!(checked.body.contains("DIS-03.unit_unassigned"));
    assert!(checked.body.contains("name=\"seats.3\""));

    // "Propose automatically" fills the form with a valid scheme; save, then submit.
    let filled = proposed(&mut tec, &uri, &csrf).await;
    let saved = post(&mut tec, &uri, &with_action(filled.clone(), "save")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Draft));
    let submitted = post(&mut tec, &uri, &with_action(filled, "submit")).await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Submitted));
    // The submission took the form in one step: version 1 saved, version 2 submitted.
    assert_eq!(version_of(&f).await, Some(2));
    let after = tec.get(submitted.location().unwrap()).await;
    assert!(
        after
            .body
            .contains(&Lang::En.t("districts-notice-submitted"))
    );
    // Submitted: the TEC can no longer save.
    assert!(!after.body.contains("value=\"save\""));

    // Not published before approval.
    let mut public = Client::new(&f.app);
    let none = public
        .get(&format!("/councils/{}/districts/approved", f.council))
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);

    // The CEC sees it in the review list with its figures, and approves.
    let (mut cec, cec_csrf) = logged_in(&f.app, "admin").await;
    let review = cec.get("/districts/review?lang=en").await;
    assert_eq!(review.status, StatusCode::OK);
    assert!(
        review
            .body
            .contains(&format!("/councils/{}/districts/decision", f.council))
    );
    let c = shailoo_app::districts::council_districting(f.app.store.as_ref(), &f.council)
        .await
        .unwrap();
    let scheme = c.scheme.clone().unwrap();
    let report = c.check(&scheme.districts);
    for column in [
        "districts-col-voters",
        "districts-col-deviation",
        "districts-col-seats",
        "districts-norm",
    ] {
        assert!(review.body.contains(&Lang::En.t(column)), "{column}");
    }
    for d in &report.districts {
        // Each district's voters and its deviation from the norm, as the check computes them.
        let row = format!("<th scope=\"row\">{}</th>", d.id);
        let at = review.body.find(&row).expect("a row per district");
        let rest = &review.body[at..];
        let row_end = rest.find("</tr>").unwrap();
        let row = &rest[..row_end];
        assert!(row.contains(&format!("<td>{}</td>", d.voters)), "{row}");
        if let Some(bp) = d.deviation_bp {
            let sign = if bp < 0 { "−" } else { "+" };
            let pct = format!("{sign}{}.{:02}%", bp.abs() / 100, bp.abs() % 100);
            assert!(row.contains(&pct), "{row} lacks {pct}");
        }
    }
    let approved = cec
        .post_form(
            &format!("/councils/{}/districts/decision", f.council),
            &[("csrf", &cec_csrf), ("action", "approve")],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Approved));

    // Published: the list, the page with the picture, and the open data.
    let list = public.get("/districts?lang=ru").await;
    assert!(
        list.body
            .contains(&format!("/councils/{}/districts/approved", f.council))
    );
    let page = public
        .get(&format!("/councils/{}/districts/approved", f.council))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg xmlns="));
    assert!(page.body.contains(&Lang::Ru.t("districts-col-reserved")));
    let json = public
        .get(&format!("/api/v1/councils/{}/districts", f.council))
        .await;
    assert_eq!(json.status, StatusCode::OK);
    let value = json.json();
    let districts = value["districts"].as_array().unwrap();
    assert!(!districts.is_empty());
    let seats: u64 = districts.iter().map(|d| d["seats"].as_u64().unwrap()).sum();
    assert_eq!(value["seats"].as_u64().unwrap(), seats);
    let csv = public
        .get(&format!("/open-data/councils/{}/districts.csv", f.council))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let geo = public
        .get(&format!(
            "/open-data/councils/{}/districts.geojson",
            f.council
        ))
        .await;
    assert_eq!(geo.status, StatusCode::OK);
    let geo = geo.json();
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(geo["features"][0]["geometry"]["type"], "Point");
    insta::assert_snapshot!("districts_csv", csv.body);
    insta::assert_json_snapshot!("districts_json", value);

    // Every step is in the audit log, by whom it was taken.
    let entries = f.app.store.audit_entries(0, 1000).await.unwrap();
    let steps: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.event.action.starts_with("district_scheme_"))
        .map(|e| (e.event.actor.as_str(), e.event.action.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("tec.aiyl", "district_scheme_saved"),
            ("tec.aiyl", "district_scheme_submitted"),
            ("admin", "district_scheme_approved"),
        ]
    );
}

#[tokio::test]
async fn cal_05_after_the_deadline_submit_is_not_offered_and_a_forged_one_changes_nothing() {
    // fixed_now is 1 October 2024: CAL-05 (28 September) has passed.
    let f = fixture(fixed_now).await;
    let uri = format!("/councils/{}/districts", f.council);
    let (mut tec, csrf) = logged_in(&f.app, "tec.aiyl").await;
    let filled = proposed(&mut tec, &uri, &csrf).await;
    // Saving a draft is still possible; submitting is not offered, and the page says why.
    let saved = post(&mut tec, &uri, &with_action(filled.clone(), "save")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(version_of(&f).await, Some(1));
    let page = tec.get(&format!("{uri}?lang=en")).await;
    assert!(page.body.contains("value=\"save\""), "{}", page.body);
    assert!(!page.body.contains("value=\"submit\""), "{}", page.body);
    assert!(page.body.contains("id=\"submission-closed\""));
    assert!(page.body.contains("29.09.2024 00:00"), "{}", page.body);
    // A submission sent anyway is refused by the calendar, again and again, and the draft
    // keeps its version (it used to be saved first: 1 → 2 → 4).
    for _ in 0..2 {
        let r = post(
            &mut tec,
            &format!("{uri}?lang=en"),
            &with_action(filled.clone(), "submit"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("CAL-05"), "{}", r.body);
        assert!(
            r.body
                .contains(&Lang::En.t("action-submit-district-scheme"))
        );
        // The input is still there.
        assert!(r.body.contains(" selected>1</option>"));
    }
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Draft));
    assert_eq!(version_of(&f).await, Some(1));
}

#[tokio::test]
async fn dis_02_an_invalid_scheme_cannot_be_submitted() {
    let f = fixture(before_cal_05).await;
    let uri = format!("/councils/{}/districts", f.council);
    let (mut tec, csrf) = logged_in(&f.app, "tec.aiyl").await;
    let page = tec.get(&uri).await;
    // Every unit in district 1, with one mandate too many: DIS-03 seats sum.
    let mut fields = form_fields(&page.body, &csrf);
    for (k, v) in &mut fields {
        if k.starts_with("unit.") {
            *v = "1".into();
        }
        if k == "count" {
            *v = "1".into();
        }
    }
    fields.retain(|(k, _)| !k.starts_with("seats."));
    let seats = f
        .app
        .data
        .setup
        .councils
        .iter()
        .find(|c| c.id == f.council)
        .unwrap()
        .seats
        .get();
    fields.push(("seats.1".into(), (seats + 1).to_string()));
    let r = post(&mut tec, &uri, &with_action(fields, "submit")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("DIS-03.seats_sum"));
    assert!(r.body.contains(&format!("value=\"{}\"", seats + 1)));
    // Refused, nothing is stored: the form keeps what was typed.
    assert_eq!(status_of(&f).await, None);
}

#[tokio::test]
async fn dis_02_a_tec_member_of_another_raion_is_forbidden() {
    let f = fixture(before_cal_05).await;
    let uri = format!("/councils/{}/districts", f.council);
    let (mut other, csrf) = logged_in(&f.app, "tec.one").await;
    assert_eq!(other.get(&uri).await.status, StatusCode::FORBIDDEN);
    let r = other
        .post_form(&uri, &[("csrf", &csrf), ("action", "save"), ("count", "1")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&f).await, None);
    // Anonymous visitors are sent to log in; a wrong CSRF token is refused.
    let mut anon = Client::new(&f.app);
    let r = anon.get(&uri).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login?next="));
    let (mut tec, _) = logged_in(&f.app, "tec.aiyl").await;
    let r = tec
        .post_form(&uri, &[("csrf", "wrong"), ("action", "save")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn dis_02_only_the_cec_approves_or_returns_and_a_returned_scheme_is_resubmitted() {
    let f = fixture(before_cal_05).await;
    let uri = format!("/councils/{}/districts", f.council);
    let decision = format!("/councils/{}/districts/decision", f.council);
    let (mut tec, csrf) = logged_in(&f.app, "tec.aiyl").await;
    let filled = proposed(&mut tec, &uri, &csrf).await;
    let r = post(&mut tec, &uri, &with_action(filled.clone(), "submit")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A TEC member cannot decide, nor see the review list.
    let r = tec
        .post_form(&decision, &[("csrf", &csrf), ("action", "approve")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        tec.get("/districts/review").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Submitted));

    // The CEC returns it: a comment is required.
    let (mut cec, cec_csrf) = logged_in(&f.app, "admin").await;
    let r = cec
        .post_form(
            &decision,
            &[("csrf", &cec_csrf), ("action", "return"), ("comment", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&Lang::Ky.t("districts-error-comment")));
    let r = cec
        .post_form(
            &decision,
            &[
                ("csrf", &cec_csrf),
                ("action", "return"),
                ("comment", "Merge the two northern villages"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Returned));
    // Approving a returned scheme is not possible.
    let r = cec
        .post_form(&decision, &[("csrf", &cec_csrf), ("action", "approve")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The TEC sees the comment, edits and resubmits.
    let page = tec.get(&uri).await;
    assert!(page.body.contains("Merge the two northern villages"));
    let r = post(&mut tec, &uri, &with_action(filled, "submit")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(status_of(&f).await, Some(SchemeStatus::Submitted));
}
