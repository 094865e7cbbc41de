//! i15-scan-map: the scan of the signed paper protocol, the public station page, the map and
//! the localized explanation. A PEC operator attaches the scan on the entry form once the
//! protocol is entered: a file too big (413), not a JPEG/PNG/PDF (415), a forgery with PNG's
//! magic bytes (415) or none (400) is refused and nothing is stored; the accepted protocol's
//! station page shows its lines, votes and the image, served as what it is and cached for
//! good, and the API says the same; the map draws Bishkek at its seat; the allocation's steps
//! read in Russian and Kyrgyz.

use crate::authz::{PNG, multipart};
use crate::candidacies_fixture::filed;
use crate::common::{Client, PASSWORD, TestApp, app, hidden};
use crate::results_fixture::{
    add_user, bishkek, bishkek_stations, election, evening, fix_ballot, import_the_others, protocol,
};
use axum::http::{StatusCode, header};
use shailoo_app::results::scan::MAX_SCAN_BYTES;
use shailoo_app::results::{self, ProtocolKey};
use shailoo_app::{Actor, Role, Username};
use shailoo_domain::protocol::{Contest, Protocol};
use shailoo_web::{AppState, Config};

fn client(app: &TestApp) -> Client {
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(evening);
    Client::of_router(shailoo_web::router(state))
}

fn operator(name: &str, pec: &shailoo_domain::CommissionId) -> Actor {
    Actor::User {
        username: Username::parse(name).unwrap(),
        role: Role::PecMember,
        commission: pec.clone(),
    }
}

/// A GET whose body is not text (the test client reads text).
async fn raw_get(app: &TestApp, uri: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use tower::ServiceExt;
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(evening);
    let request = axum::http::Request::get(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let res = shailoo_web::router(state).oneshot(request).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = axum::body::to_bytes(res.into_body(), 20 << 20)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

/// The journey's protocol: consistent, 500 votes for Ak Zhol.
fn first_protocol(app: &TestApp) -> Protocol {
    let mut p = protocol(bishkek_stations(app)[0].0, 500);
    p.voters_took_part = 600;
    p
}

#[tokio::test]
async fn res_04_a_scan_is_attached_at_entry_checked_by_its_bytes_and_shown_with_the_station() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let (station, pec) = bishkek_stations(&app)[0].clone();
    add_user(&app, "op.s", Role::PecMember, &pec).await;
    let store = app.store.as_ref();
    let ctx = results::council_context(store, &election(), &bishkek(), evening())
        .await
        .unwrap();
    let p = first_protocol(&app);
    results::enter(store, &ctx, &operator("op.s", &pec), p.clone(), evening())
        .await
        .unwrap();

    let mut op = client(&app);
    assert_eq!(
        op.login("op.s", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let form_uri = format!("/protocols/local-2024/stations/{station}/bishkek-city?lang=en");
    let form = op.get(&form_uri).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("id=\"scan-form\""), "{}", form.body);
    assert!(form.body.contains("id=\"no-scan\""));
    let csrf = hidden(&form.body, "csrf");
    let scan_uri = format!("/protocols/local-2024/stations/{station}/bishkek-city/scan?lang=en");
    let fields = [("csrf", csrf.as_str()), ("contest", "party_list")];

    // Refusals, each by what the bytes are, naming why; nothing is stored.
    let html: &[u8] = b"<html>not a scan</html>";
    let mut forged = b"\x89PNG\r\n\x1a\n".to_vec();
    forged.extend_from_slice(b"<script>alert(1)</script>");
    let mut big = PNG.to_vec();
    big.resize(MAX_SCAN_BYTES + 1, 0);
    for (file, status, words) in [
        (
            Some(html),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a JPEG, PNG or PDF",
        ),
        (
            Some(&forged[..]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not a JPEG, PNG or PDF",
        ),
        (
            Some(&big[..]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than 10 MB",
        ),
        (None, StatusCode::BAD_REQUEST, "Choose the scan"),
    ] {
        let r = op
            .send(multipart(&scan_uri, &fields, file.map(|f| ("scan", f))))
            .await;
        assert_eq!(r.status, status, "{}", r.body);
        assert!(r.body.contains(words), "{}", r.body);
    }
    let none = store
        .station_scans(&election(), &bishkek(), station)
        .await
        .unwrap();
    assert!(none.is_empty());
    // Without the form's token, refused before anything is read.
    let r = op
        .send(multipart(
            &scan_uri,
            &[("contest", "party_list")],
            Some(("scan", PNG)),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let r = op
        .send(multipart(&scan_uri, &fields, Some(("scan", PNG))))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().unwrap().contains("done=scan"));
    let attached = store
        .station_scans(&election(), &bishkek(), station)
        .await
        .unwrap();
    assert_eq!(attached.len(), 1);
    let digest = attached[0].scan.digest.clone();
    let form = op.get(&form_uri).await;
    assert!(form.body.contains(&digest[..12]), "{}", form.body);

    // The station page says nothing is accepted yet, and the scan is not public.
    let mut reader = client(&app);
    let page_uri = format!("/results/local-2024/bishkek-city/stations/{station}?lang=en");
    let page = reader.get(&page_uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"no-protocol\""), "{}", page.body);
    let scan_href = format!("/results/local-2024/scans/{digest}");
    assert_eq!(reader.get(&scan_href).await.status, StatusCode::NOT_FOUND);

    // The second operator's equal entry, accepted.
    add_user(&app, "op.t", Role::PecMember, &pec).await;
    results::enter(store, &ctx, &operator("op.t", &pec), p.clone(), evening())
        .await
        .unwrap();
    let key = ProtocolKey::of(&election(), &bishkek(), &p);
    results::accept(store, &ctx, &Actor::System, &key, None, evening())
        .await
        .unwrap();
    let form = op.get(&form_uri).await;
    assert!(form.body.contains("id=\"scan-closed\""), "{}", form.body);

    let page = reader.get(&page_uri).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("id=\"protocol-party-list\" data-version=\"1\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(&format!("<img src=\"{scan_href}\"")),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<td class=\"num\">500</td>"),
        "Ak Zhol's votes"
    );
    assert!(
        page.body.contains("<td class=\"num\">600</td>"),
        "voters who took part"
    );
    assert!(
        page.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let (status, headers, bytes) = raw_get(&app, &scan_href).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let cache = headers[header::CACHE_CONTROL].to_str().unwrap();
    assert!(
        cache.contains("immutable") && cache.contains("max-age=31536000"),
        "{cache}"
    );
    assert_eq!(bytes, PNG);
    // An unknown or malformed digest is not found.
    let zeros = "0".repeat(64);
    assert_eq!(
        reader
            .get(&format!("/results/local-2024/scans/{zeros}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        reader
            .get("/results/local-2024/scans/..%2Fetc")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The council's page links the station; the API gives the same.
    let council = reader.get("/results/local-2024/bishkek-city?lang=en").await;
    assert!(
        council.body.contains(&format!(
            "href=\"/results/local-2024/bishkek-city/stations/{station}\""
        )),
        "{}",
        council.body
    );
    let api = reader
        .get(&format!(
            "/api/v1/elections/local-2024/results/bishkek-city/stations/{station}?lang=en"
        ))
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let j = api.json();
    let proto = &j["protocols"][0];
    assert_eq!(proto["contest"], "party_list");
    assert_eq!(proto["version"], 1);
    let took_part = proto["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["line"] == "voters_took_part")
        .unwrap();
    assert_eq!(took_part["value"], 600);
    assert_eq!(proto["votes"][0]["id"], "ak-zhol");
    assert_eq!(proto["votes"][0]["votes"], 500);
    assert_eq!(proto["votes"][1]["id"], "against_all");
    assert_eq!(proto["scans"][0]["digest"], digest.as_str());
    assert_eq!(proto["scans"][0]["content_type"], "image/png");
    assert_eq!(proto["scans"][0]["href"], scan_href.as_str());

    // A station that does not exist is not found; one of another council has nothing here.
    assert_eq!(
        reader
            .get("/results/local-2024/bishkek-city/stations/99999")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let api = reader
        .get("/api/v1/elections/local-2024/results/bishkek-city/stations/abc")
        .await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST, "{}", api.body);
}

#[tokio::test]
async fn the_map_draws_each_council_at_its_seat_and_lists_those_it_cannot_place() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    import_the_others(&app).await;
    let mut reader = client(&app);
    let list = reader.get("/results?lang=en").await;
    assert!(
        list.body.contains("href=\"/results/local-2024/map\""),
        "{}",
        list.body
    );
    let map = reader.get("/results/local-2024/map?lang=en").await;
    assert_eq!(map.status, StatusCode::OK, "{}", map.body);
    let body = &map.body;
    assert!(body.contains("<svg id=\"results-map\""), "{body}");
    assert!(
        body.contains("<path id=\"outline\" d=\"M"),
        "the country's outline"
    );
    // Bishkek is drawn, filled: protocols are counted, Ak Zhol leads.
    let marker = body
        .split("id=\"marker-bishkek-city\"")
        .nth(1)
        .expect("Bishkek's marker");
    assert!(
        marker
            .split("</circle>")
            .next()
            .unwrap()
            .contains("fill=\"#1f77b4\""),
        "{marker}"
    );
    assert!(body.contains("<tr id=\"row-bishkek-city\">"));
    let row = body.split("<tr id=\"row-bishkek-city\">").nth(1).unwrap();
    assert!(
        row.split("</tr>")
            .next()
            .unwrap()
            .contains("#1f77b4\"/></svg> Ак Жол"),
        "{row}"
    );
    assert!(
        body.contains("GeoNames") && body.contains("Natural Earth"),
        "attribution"
    );
    // Every council is in the table; those not drawn are listed.
    let councils = app
        .data
        .setup
        .councils
        .iter()
        .filter(|c| body.contains(&format!("<tr id=\"row-{}\">", c.id)))
        .count();
    let markers = body.matches("class=\"marker\"").count();
    let unplaced = body.matches("<li data-council=").count();
    assert!(markers >= 1);
    assert_eq!(
        markers + unplaced,
        councils,
        "drawn or listed, never dropped"
    );
    for (lang, title) in [
        ("ru", "Карта результатов"),
        ("ky", "Жыйынтыктардын картасы"),
    ] {
        let page = reader
            .get(&format!("/results/local-2024/map?lang={lang}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(title), "{lang}");
    }
    assert_eq!(
        reader.get("/results/no-such/map").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn res_07_the_allocation_is_explained_in_the_readers_language() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    import_the_others(&app).await;
    let store = app.store.as_ref();
    let ctx = results::council_context(store, &election(), &bishkek(), evening())
        .await
        .unwrap();
    let p = first_protocol(&app);
    assert_eq!(p.contest, Contest::PartyList);
    results::import_protocol(store, &ctx, &Actor::System, p, "", evening())
        .await
        .unwrap();
    let mut reader = client(&app);
    for (lang, quota) in [
        ("en", "Hare quota"),
        ("ru", "Квота Хэйра"),
        ("ky", "Хэйр квотасы"),
    ] {
        let page = reader
            .get(&format!("/results/local-2024/bishkek-city?lang={lang}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        let explanation = page
            .body
            .split("id=\"explanation\"")
            .nth(1)
            .unwrap_or_default();
        assert!(explanation.contains(quota), "{lang}: {explanation}");
        let api = reader
            .get(&format!(
                "/api/v1/elections/local-2024/results/bishkek-city?lang={lang}"
            ))
            .await;
        let steps = api.json()["explanation"].as_array().unwrap().clone();
        assert!(
            steps.iter().any(|s| s.as_str().unwrap().contains(quota)),
            "{lang}: {steps:?}"
        );
    }
}

/// VOT-07 on `/protocols`: a remote-voting station holds the contests of its voters' own
/// councils, so its PEC sees, once a voter of Bishkek is moved to it, Bishkek's party-list
/// protocol to enter for that station (before, that no voter is on its list).
#[tokio::test]
async fn vot_07_a_remote_station_lists_the_contests_of_its_voters_councils() {
    use crate::common::{fixed_now, person, register_and_compile};
    use shailoo_app::remote::{self, Decision};
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let store = app.store.as_ref();
    let (home, _) = bishkek_stations(&app)[0].clone();
    let remote_station = app
        .data
        .setup
        .stations
        .iter()
        .find(|s| s.remote_voting)
        .expect("a remote-voting station")
        .clone();
    let area = app
        .data
        .station_areas
        .iter()
        .find(|a| a.station == home)
        .expect("the home station's area");
    let voter = person(77, "Асанов", &area.settlement, &area.street, "1");
    register_and_compile(store, vec![voter.clone()]).await;
    add_user(&app, "op.r", Role::PecMember, &remote_station.commission).await;
    let mut op = client(&app);
    assert_eq!(
        op.login("op.r", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    let entry = format!(
        "href=\"/protocols/local-2024/stations/{}/bishkek-city?contest=party_list\"",
        remote_station.number
    );
    let list = op.get("/protocols?lang=en").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains("no voter is on its list yet"),
        "{}",
        list.body
    );
    assert!(!list.body.contains(&entry));

    let filed = remote::file(
        store,
        &Actor::System,
        &election(),
        &voter.pin,
        remote_station.number,
        fixed_now(),
    )
    .await
    .unwrap();
    let approve = Decision::Approve {
        default_capacity: 100,
    };
    remote::decide(
        store,
        &Actor::System,
        &election(),
        filed.id,
        approve,
        fixed_now(),
    )
    .await
    .unwrap();
    let list = op.get("/protocols?lang=en").await;
    assert!(list.body.contains(&entry), "{}", list.body);
    assert!(!list.body.contains("no voter is on its list yet"));
}
