//! Text at the edge (`kit::input`): a control character, a NUL, a bidirectional formatting
//! character or invalid UTF-8 in a query, a form, a JSON body or a multipart field is refused
//! with 400 naming the field, the same on SQLite and PostgreSQL (where a NUL used to be a 500),
//! and nothing is stored; a body that is not JSON gets the API's error shape.

use crate::common::{Client, PASSWORD, TestApp, apps_on_both_engines, hidden};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shailoo_domain::StationNumber;
use shailoo_web::Lang;

/// The English message of a refused field.
fn refused(code: &str, field: &str) -> String {
    Lang::En.t_args(&format!("error-{code}"), &[("field", field.to_owned())])
}

async fn logged_in(app: &TestApp, user: &str) -> Client {
    let mut c = Client::new(app);
    let r = c.login(user, PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "{}: {}",
        app.engine,
        r.body
    );
    c
}

#[tokio::test]
async fn a_nul_an_override_or_bad_utf8_in_a_list_filter_is_400_naming_it_on_both_engines() {
    for app in apps_on_both_engines().await {
        let engine = app.engine;
        let mut c = Client::new(&app);
        for (filter, code) in [
            ("a%00b", "forbidden_character"),
            ("%E2%80%AE1", "forbidden_character"),
            ("%1B", "forbidden_character"),
            ("%FF", "not_utf8"),
        ] {
            for page in ["/stations", "/councils", "/commissions"] {
                let uri = format!("{page}?lang=en&q={filter}");
                let r = c.get(&uri).await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{engine} {uri}");
                assert!(r.body.contains(&refused(code, "q")), "{engine} {uri}");
            }
            for api in [
                "/api/v1/stations",
                "/api/v1/councils",
                "/api/v1/commissions",
            ] {
                let uri = format!("{api}?q={filter}");
                let r = c.get(&uri).await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{engine} {uri}");
                let e = r.json();
                assert_eq!(e["error"]["code"], code, "{engine} {uri}");
                assert_eq!(e["error"]["field"], "q", "{engine} {uri}");
            }
        }
        // The same filters without the character work.
        assert_eq!(c.get("/stations?q=ab").await.status, StatusCode::OK);
        assert_eq!(c.get("/api/v1/stations?q=ab").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_station_address_with_a_nul_or_an_override_is_refused_and_not_stored_on_both_engines() {
    for app in apps_on_both_engines().await {
        let engine = app.engine;
        let mut c = logged_in(&app, "admin").await;
        let csrf = hidden(&c.get("/").await.body, "csrf");
        let council = app.a_station().council.to_string();
        let pec = app.own_pec.to_string();
        for (number, field, address) in [
            ("9101", "address_ru", "ул. Ленина\0, 1"),
            ("9102", "address_ky", "Ленин көчөсү \u{202E}1"),
            ("9103", "address_en", "Lenin St\u{7}"),
        ] {
            let mut fields = vec![
                ("csrf", csrf.as_str()),
                ("number", number),
                ("commission", pec.as_str()),
                ("council", council.as_str()),
                ("address_ky", "Ленин көчөсү, 1"),
                ("address_ru", "ул. Ленина, 1"),
                ("address_en", "Lenin St 1"),
            ];
            for f in &mut fields {
                if f.0 == field {
                    f.1 = address;
                }
            }
            let r = c.post_form("/stations/new?lang=en", &fields).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{engine} {field}");
            assert!(
                r.body.contains(&refused("forbidden_character", field)),
                "{engine} {field}: {}",
                r.body
            );
            let n = StationNumber::new(number.parse().unwrap()).unwrap();
            assert!(app.store.station(n).await.unwrap().is_none(), "{engine}");
        }
        // Line breaks belong in a text area, not in the other fields; here they are allowed by
        // the edge, and the form's own rules decide.
        let r = c
            .post_form(
                "/stations/new",
                &[
                    ("csrf", &csrf),
                    ("number", "9104"),
                    ("commission", &pec),
                    ("council", &council),
                    ("address_ky", "Ленин көчөсү, 1"),
                    ("address_ru", "ул. Ленина, 1"),
                    ("address_en", "Lenin St 1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{engine}: {}", r.body);
    }
}

/// A multipart body with one field of raw bytes, as a client that does not send UTF-8 would.
fn multipart(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----shailoo-input-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn a_multipart_field_that_is_not_utf8_or_holds_an_override_is_refused_not_converted() {
    for app in apps_on_both_engines().await {
        let engine = app.engine;
        let mut c = logged_in(&app, "pec.one").await;
        let csrf = hidden(&c.get("/claims").await.body, "csrf");
        let before = app.store.audit_entries(0, 10_000).await.unwrap().len();
        for (statement, code) in [
            (&b"moved in August \xFF"[..], "not_utf8"),
            ("Асан\u{202E}ова".as_bytes(), "forbidden_character"),
            (&b"a\0b"[..], "forbidden_character"),
        ] {
            let (content_type, body) = multipart(&[
                ("csrf", csrf.as_bytes()),
                ("kind", b"inclusion"),
                ("statement", statement),
            ]);
            let r = c
                .send(
                    Request::post("/claims?lang=en")
                        .header(header::CONTENT_TYPE, content_type)
                        .body(Body::from(body))
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{engine} {code}");
            assert!(
                r.body.contains(&refused(code, "statement")),
                "{engine} {code}: {}",
                r.body
            );
        }
        let after = app.store.audit_entries(0, 10_000).await.unwrap().len();
        assert_eq!(before, after, "{engine}: nothing filed");
    }
}

async fn post_body(
    c: &mut Client,
    uri: &str,
    content_type: &str,
    body: &str,
) -> crate::common::Reply {
    c.send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn a_check_in_body_that_is_not_the_documented_json_gets_the_api_error_shape() {
    for app in apps_on_both_engines().await {
        let engine = app.engine;
        let mut c = logged_in(&app, "pec.one").await;
        let uri = format!(
            "/api/v1/stations/{}/check-ins?lang=en",
            app.a_station().number
        );
        let json = "application/json";
        for (content_type, body, status, code, field) in [
            (
                "text/plain",
                r#"{"pin":"20101199000123"}"#,
                415,
                "not_json",
                None,
            ),
            (json, r#"{"pin":"#, 400, "bad_json", Some("body")),
            (json, "", 400, "bad_json", Some("body")),
            (json, "{}", 400, "missing_field", Some("pin")),
            (json, r#"{"pin":5}"#, 400, "bad_parameter", Some("pin")),
            (json, "[]", 400, "bad_parameter", Some("body")),
            (
                json,
                r#"{"pin":"2010\u0000"}"#,
                400,
                "forbidden_character",
                Some("pin"),
            ),
            (
                json,
                r#"{"pin":"1","election":"\u202e"}"#,
                400,
                "forbidden_character",
                Some("election"),
            ),
        ] {
            let r = post_body(&mut c, &uri, content_type, body).await;
            assert_eq!(r.status.as_u16(), status, "{engine} {body}: {}", r.body);
            assert!(
                r.headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("application/json"),
                "{engine} {body}"
            );
            let e = r.json();
            assert_eq!(e["error"]["code"], code, "{engine} {body}");
            assert_eq!(e["error"]["field"].as_str(), field, "{engine} {body}");
            assert_eq!(
                e["error"]["message"],
                refused(code, field.unwrap_or_default()),
                "{engine} {body}"
            );
        }
    }
}
