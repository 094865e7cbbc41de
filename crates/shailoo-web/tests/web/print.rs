//! The printable voter list of a station (`/stations/{n}/voter-list.pdf`): staff of the TEC
//! over the station get the PDF, staff of another TEC the 403 page, visitors the log-in; before
//! the lists are compiled, a localized page says so. The PDF's content is tested in
//! `shailoo-print`.

use crate::common::{self, Client, TestApp, password_hash};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::civil::date;
use shailoo_app::AuditAction;
use shailoo_app::voters::{self, ImportBatch, ImportOptions};
use shailoo_app::{AuditEvent, NewUser, Role, Username};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::PollingStation;
use shailoo_domain::{Pin, Sex};
use tower::ServiceExt;

fn own_station(app: &TestApp) -> PollingStation {
    app.data
        .setup
        .stations
        .iter()
        .find(|s| s.commission == app.own_pec)
        .unwrap()
        .clone()
}

/// Voters on the streets of `station`, imported into the register and compiled into lists.
async fn compile_lists(app: &TestApp, station: &PollingStation) {
    let areas: Vec<_> = app
        .data
        .station_areas
        .iter()
        .filter(|a| a.station == station.number)
        .collect();
    let records: Vec<RegisterRecord> = (0..12u32)
        .map(|i| {
            let area = areas[i as usize % areas.len()];
            let birth = date(1970, 5, 17);
            RegisterRecord {
                pin: Pin::compose(Sex::Female, birth, 100 + i),
                surname: format!("Өмүрбекова{i}"),
                given_name: "Айгүл".into(),
                patronymic: Some("Үсөновна".into()),
                sex: Sex::Female,
                birth_date: birth,
                citizen: true,
                biometrics: true,
                settlement: area.settlement.clone(),
                street: area.street.clone(),
                house: (i + 1).to_string(),
                address_registered_on: date(2015, 1, 1),
                residence_stamp: true,
                court_incapable: false,
                imprisoned: false,
            }
        })
        .collect();
    let mut import = app
        .store
        .begin_register_import(ImportOptions::apply(
            "print.csv",
            "system",
            common::fixed_now(),
            None,
            None,
        ))
        .await
        .unwrap();
    import
        .push(&ImportBatch {
            records,
            assessed: Vec::new(),
        })
        .await
        .unwrap();
    import.finish(&[]).await.unwrap();
    let election = &app.data.setup.elections[0].id;
    let report = voters::compile(app.store.as_ref(), election, "system", common::fixed_now())
        .await
        .unwrap();
    assert!(report.eligible >= 12, "{report:?}");
}

/// A GET with the client's cookies, the body kept as bytes (a PDF is not UTF-8).
async fn get_bytes(
    app: &TestApp,
    client: &Client,
    uri: &str,
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let cookies = client
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let mut req = Request::get(uri).body(Body::empty()).unwrap();
    if !cookies.is_empty() {
        req.headers_mut()
            .insert(header::COOKIE, cookies.parse().unwrap());
    }
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), 50 << 20)
        .await
        .unwrap()
        .to_vec();
    (status, headers, body)
}

#[tokio::test]
async fn staff_of_the_stations_tec_get_the_pdf_and_another_tecs_member_is_refused() {
    let app = common::app().await;
    let station = own_station(&app);
    let uri = format!(
        "/stations/{}/voter-list.pdf?variant=signatures&lang=ru",
        station.number
    );

    // A member of a TEC that does not cover the station.
    let other_tec = app
        .data
        .setup
        .commissions
        .iter()
        .find(|c| c.id == app.other_pec)
        .and_then(|c| c.parent.clone())
        .unwrap();
    assert_ne!(other_tec, app.own_tec);
    app.store
        .add_user(
            &NewUser {
                username: Username::parse("tec.two").unwrap(),
                display_name: "Test tec.two".into(),
                role: Role::TecMember,
                commission: other_tec,
                password_hash: password_hash(),
            },
            AuditEvent::new(
                "system",
                AuditAction::UserAdded,
                "tec.two",
                common::fixed_now(),
            ),
        )
        .await
        .unwrap();

    // A visitor is sent to log in.
    let mut visitor = Client::new(&app);
    let r = visitor.get(&uri).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.location().unwrap().starts_with("/login?next="),
        "{:?}",
        r.location()
    );
    let page = visitor.get(&format!("/stations/{}", station.number)).await;
    assert!(
        !page.body.contains("voter-list.pdf"),
        "no links for visitors"
    );

    let mut tec = Client::new(&app);
    assert_eq!(
        tec.login("tec.one", common::PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Before the lists are compiled: a page in the language asked for.
    let r = tec.get(&uri).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("Списки избирателей ещё не составлены"),
        "{}",
        r.body
    );

    compile_lists(&app, &station).await;
    let (status, headers, body) = get_bytes(&app, &tec, &uri).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(body.starts_with(b"%PDF"));
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!(
            "attachment; filename=\"station-{}-signatures.pdf\"",
            station.number
        )
        .as_str()
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    // The station page links the lists for this member.
    let page = tec.get(&format!("/stations/{}", station.number)).await;
    assert!(
        page.body.contains(&format!(
            "/stations/{}/voter-list.pdf?variant=posting&amp;lang=ky",
            station.number
        )),
        "{}",
        page.body
    );

    let mut stranger = Client::new(&app);
    assert_eq!(
        stranger.login("tec.two", common::PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let r = stranger.get(&uri).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let page = stranger.get(&format!("/stations/{}", station.number)).await;
    assert!(
        !page.body.contains("voter-list.pdf"),
        "no links for another TEC"
    );

    // Unknown station, unknown variant.
    let r = tec.get("/stations/99999/voter-list.pdf").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = tec
        .get(&format!(
            "/stations/{}/voter-list.pdf?variant=poster",
            station.number
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

/// The text of a PDF, as `pdftotext -raw` reads it, with white space runs made one space.
fn pdf_text(pdf: &[u8]) -> String {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw"])
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/test)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test]
async fn a_list_speaks_one_language_addresses_included() {
    let app = common::app().await;
    let station = own_station(&app);
    compile_lists(&app, &station).await;
    let mut tec = Client::new(&app);
    tec.login("tec.one", common::PASSWORD).await;
    let areas: Vec<_> = app
        .data
        .station_areas
        .iter()
        .filter(|a| a.station == station.number)
        .collect();
    let chain = shailoo_domain::address::territory_chain(&station.territory, |id| {
        app.data.setup.territories.iter().find(|t| &t.id == id)
    });
    let address = shailoo_domain::address::StationAddress::new(&station.address, chain);
    for lang in ["ru", "ky", "en"] {
        let uri = format!(
            "/stations/{}/voter-list.pdf?variant=posting&lang={lang}",
            station.number
        );
        let (status, _, body) = get_bytes(&app, &tec, &uri).await;
        assert_eq!(status, StatusCode::OK);
        let text = pdf_text(&body);
        // The station's address with its settlement, in the list's language.
        let full = address
            .get(lang)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains(&full), "{lang}: {full} in {text}");
        for area in &areas {
            let street = area.street_name();
            assert!(
                text.contains(street.get(lang)),
                "{lang}: {} in {text}",
                street.get(lang)
            );
            if lang != "ky" {
                // No Kyrgyz street form on a Russian or English list.
                assert!(
                    !text.contains(&area.street),
                    "{lang}: {} in {text}",
                    area.street
                );
            }
        }
    }
}
