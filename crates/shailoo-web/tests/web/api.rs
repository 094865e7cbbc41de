//! The JSON API: documented shapes, statuses and localized errors.

use crate::common::{Client, app};
use axum::http::StatusCode;
use shailoo_domain::ErrorCode;
use shailoo_web::Lang;

#[tokio::test]
async fn elections_and_their_calendar_have_the_documented_shape() {
    let app = app().await;
    let mut c = Client::new(&app);
    let r = c.get("/api/v1/elections").await;
    assert_eq!(r.status, StatusCode::OK);
    let list = r.json();
    assert_eq!(list[0]["id"], "local-2024");
    assert_eq!(list[0]["voting_day"], "2024-11-17");

    let one = c.get("/api/v1/elections/local-2024").await.json();
    for field in [
        "id",
        "name",
        "decree_number",
        "decree_date",
        "called_on",
        "voting_day",
        "councils",
    ] {
        assert!(one.get(field).is_some(), "{field}");
    }
    assert!(one["name"]["ky"].is_string() && one["name"]["ru"].is_string());

    let cal = c.get("/api/v1/elections/local-2024/calendar?lang=ru").await;
    assert_eq!(cal.status, StatusCode::OK);
    let cal = cal.json();
    let items = cal.as_array().unwrap();
    assert_eq!(items.len(), 18, "CAL-01..CAL-18; CAL-19 has no date");
    let cal07 = items.iter().find(|d| d["id"] == "CAL-07").unwrap();
    assert_eq!(cal07["name"], "city_nomination_closes");
    assert_eq!(cal07["date"], "2024-10-07");
    assert_eq!(cal07["time"], "18:00");
    assert_eq!(cal07["title"], Lang::Ru.t("cal-07"));
    let cal08 = items.iter().find(|d| d["id"] == "CAL-08").unwrap();
    assert!(cal08["time"].is_null());

    let missing = c.get("/api/v1/elections/nope-2030").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn listings_are_filtered_and_paged() {
    let app = app().await;
    let mut c = Client::new(&app);
    let page = c.get("/api/v1/councils?kind=city&per_page=2").await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.json();
    assert_eq!(page["per_page"], 2);
    assert_eq!(page["page"], 1);
    assert!(page["items"].as_array().unwrap().len() <= 2);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "city")
    );
    assert!(page["total"].as_u64().unwrap() >= 1);

    let council = &app.a_station().council;
    let one = c.get(&format!("/api/v1/councils/{council}")).await.json();
    assert_eq!(one["id"], council.as_str());

    let tecs = c
        .get("/api/v1/commissions?level=tec&parent=cec")
        .await
        .json();
    assert!(
        tecs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["level"] == "tec")
    );
    let cec = c.get("/api/v1/commissions/cec").await.json();
    assert_eq!(cec["level"], "cec");
    assert!(cec["parent"].is_null());

    let s = app.a_station();
    let by_council = c
        .get(&format!(
            "/api/v1/stations?council={}&per_page=500",
            s.council
        ))
        .await
        .json();
    assert!(
        by_council["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["number"] == s.number.get())
    );
    let remote = c.get("/api/v1/stations?remote=true").await.json();
    assert!(
        remote["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["remote_voting"] == true)
    );
    let one = c
        .get(&format!("/api/v1/stations/{}", s.number))
        .await
        .json();
    assert_eq!(one["number"], s.number.get());
    assert_eq!(one["commission"], s.commission.as_str());
    assert!(one["accessibility"]["ramp"].is_boolean());
}

#[tokio::test]
async fn malformed_input_is_400_naming_the_field_and_unknown_is_404() {
    let app = app().await;
    let mut c = Client::new(&app);

    let r = c.get("/api/v1/stations/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let e = r.json();
    assert_eq!(e["error"]["code"], "bad_station_number");
    assert_eq!(e["error"]["field"], "number");
    assert_eq!(
        e["error"]["message"],
        Lang::Ky.error(ErrorCode::BadStationNumber)
    );

    let r = c.get("/api/v1/stations/99999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");

    for (uri, code, field) in [
        ("/api/v1/councils?kind=town", "bad_parameter", "kind"),
        ("/api/v1/councils?page=0", "bad_parameter", "page"),
        ("/api/v1/councils?page=2147483648", "bad_parameter", "page"),
        ("/api/v1/commissions?per_page=", "bad_parameter", "per_page"),
        ("/api/v1/stations?remote=", "bad_parameter", "remote"),
        (
            "/api/v1/councils?per_page=100000",
            "bad_parameter",
            "per_page",
        ),
        ("/api/v1/stations?remote=maybe", "bad_parameter", "remote"),
        ("/api/v1/stations?council=Bad%20Id", "bad_id", "council"),
        // Blank is no id, and not "no filter" either: only an empty value is that.
        ("/api/v1/stations?council=+", "bad_id", "council"),
        ("/api/v1/commissions?level=top", "bad_parameter", "level"),
    ] {
        let r = c.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        let e = r.json();
        assert_eq!(e["error"]["code"], code, "{uri}");
        assert_eq!(e["error"]["field"], field, "{uri}");
        if code == "bad_parameter" {
            assert!(
                e["error"]["message"].as_str().unwrap().contains(field),
                "{uri}"
            );
        }
    }

    let r = c.get("/api/v1/no-such-thing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn error_messages_follow_lang_and_accept_language() {
    let app = app().await;
    let mut c = Client::new(&app);
    let en = c.get("/api/v1/stations/abc?lang=en").await.json();
    assert_eq!(
        en["error"]["message"],
        Lang::En.error(ErrorCode::BadStationNumber)
    );
    c.headers.push(("accept-language".into(), "ru".into()));
    let ru = c.get("/api/v1/stations/abc").await.json();
    assert_eq!(
        ru["error"]["message"],
        Lang::Ru.error(ErrorCode::BadStationNumber)
    );
    assert_ne!(en["error"]["message"], ru["error"]["message"]);
}

#[tokio::test]
async fn the_openapi_document_is_served_and_matches_its_snapshot() {
    let app = app().await;
    let mut c = Client::new(&app);
    let served = c.get("/api/v1/openapi.json").await;
    assert_eq!(served.status, StatusCode::OK);
    let spec = serde_json::to_value(shailoo_web::openapi()).unwrap();
    assert_eq!(served.json(), spec);
    for path in [
        "/api/v1/elections",
        "/api/v1/elections/{id}",
        "/api/v1/elections/{id}/calendar",
        "/api/v1/councils",
        "/api/v1/councils/{id}",
        "/api/v1/commissions",
        "/api/v1/commissions/{id}",
        "/api/v1/stations",
        "/api/v1/stations/{number}",
        "/api/v1/elections/{election}/candidates",
        "/api/v1/elections/{election}/ballots/{council}",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} documented");
    }
    insta::assert_json_snapshot!("openapi", spec);
}

/// The document lists every error code there is, in the order of the closed set, as the enum
/// of `ErrorDetail.code`: a client generated from it knows every code it can receive.
#[test]
fn the_openapi_document_lists_every_error_code() {
    let spec = serde_json::to_value(shailoo_web::openapi()).unwrap();
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["ErrorDetail"]["properties"]["code"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    let listed: Vec<&str> = schemas["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    let all: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, all);
}

/// The formats the server enforces, as the document states them, checked against the domain's
/// own statement of them (`PIN_PATTERN`, `SLUG_PATTERN`, `STATION_NUMBERS`, which its tests
/// hold to the parsers): a request valid by the document is not refused as malformed.
#[tokio::test]
async fn the_document_states_the_formats_the_server_enforces() {
    use shailoo_domain::pin::PIN_PATTERN;
    use shailoo_domain::{SLUG_PATTERN, STATION_NUMBERS, TEXT_ID_PATTERN};
    let spec = serde_json::to_value(shailoo_web::openapi()).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, op) in operations.as_object().unwrap() {
            let at = format!("{method} {path}");
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                let (name, schema) = (p["name"].as_str().unwrap(), &p["schema"]);
                match name {
                    "pin" => assert_eq!(schema["pattern"], PIN_PATTERN, "{at}"),
                    "id" => assert_eq!(schema["pattern"], SLUG_PATTERN, "{at}"),
                    // An id in the path is required; the same name as a query filter is not.
                    "council" | "election" if p["in"] == "path" => {
                        assert_eq!(schema["pattern"], SLUG_PATTERN, "{at} {name}")
                    }
                    // A filter left empty is no filter, as the pages' forms send it.
                    "council" | "commission" | "region" | "parent" | "election" | "party" => {
                        let optional = format!("^({})?$", SLUG_PATTERN.trim_matches(['^', '$']));
                        assert_eq!(schema["pattern"], optional, "{at} {name}")
                    }
                    "district" if p["in"] == "query" => {
                        let optional = format!("^({})?$", TEXT_ID_PATTERN.trim_matches(['^', '$']));
                        assert_eq!(schema["pattern"], optional, "{at} {name}")
                    }
                    "number" => {
                        assert_eq!(schema["minimum"], *STATION_NUMBERS.start(), "{at}");
                        assert_eq!(schema["maximum"], *STATION_NUMBERS.end(), "{at}");
                    }
                    "page" => assert_eq!(schema["minimum"], 1, "{at}"),
                    "per_page" => assert_eq!(
                        schema["maximum"],
                        shailoo_app::PageRequest::MAX_PER_PAGE,
                        "{at}"
                    ),
                    _ => {}
                }
                seen.insert(name.to_owned());
            }
            // Whatever reads a query or a body may refuse it, in the documented shape.
            let reads_query = params
                .iter()
                .any(|p| p["in"] == "query" && p["name"] != "lang");
            if reads_query || op.get("requestBody").is_some() {
                assert!(op["responses"].get("400").is_some(), "{at} documents 400");
            }
            if op.get("requestBody").is_some() {
                assert!(op["responses"].get("415").is_some(), "{at} documents 415");
            }
        }
    }
    for name in [
        "pin", "id", "number", "council", "election", "page", "per_page", "district", "party",
    ] {
        assert!(seen.contains(name), "a parameter {name} is documented");
    }
    let check_in = &spec["components"]["schemas"]["CheckInRequest"]["properties"];
    assert_eq!(check_in["pin"]["pattern"], PIN_PATTERN);
    assert_eq!(check_in["election"]["pattern"], SLUG_PATTERN);
}
