//! The public results (issue 15, RES-06…RES-11): before any protocol is accepted Bishkek's
//! council reads incomplete and not final on `/results`, its page and the API; once every
//! protocol is accepted and the TEC determined the result, the page and the API show the
//! votes, the seats and the official status alike; a reader who has the page gets `304`.

use crate::candidacies_fixture::filed;
use crate::common::{Client, TestApp, app};
use crate::results_fixture::{
    bishkek, bishkek_stations, election, evening, fix_ballot, import_the_others, protocol,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use shailoo_app::Actor;
use shailoo_app::results;
use shailoo_web::{AppState, Config};

/// An anonymous reader on voting evening.
fn reader(app: &TestApp) -> Client {
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(evening);
    Client::of_router(shailoo_web::router(state))
}

const PAGE: &str = "/results/local-2024/bishkek-city?lang=en";
const API: &str = "/api/v1/elections/local-2024/results/bishkek-city?lang=en";

#[tokio::test]
async fn res_11_the_public_sees_the_count_not_final_then_the_official_result() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let stations = bishkek_stations(&app);
    let mut c = reader(&app);

    // Nothing accepted: incomplete, not final, no seats.
    let list = c.get("/results?lang=en").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body
            .contains("<tr id=\"council-bishkek-city\" data-status=\"incomplete\">"),
        "{}",
        list.body
    );
    assert!(list.body.contains(&format!("0 / {}", stations.len())));
    assert!(
        list.body
            .contains("href=\"/results/local-2024/bishkek-city\"")
    );
    let page = c.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("data-status=\"incomplete\""));
    assert!(page.body.contains("data-official=\"false\""));
    assert!(page.body.contains("<svg"), "the chart of the votes");
    assert!(
        !page.body.contains("id=\"seats-party-list-title\""),
        "no seats yet"
    );
    let api = c.get(API).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let j = api.json();
    assert_eq!(j["status"], "incomplete");
    assert_eq!(j["official"], false);
    assert_eq!(j["protocols_accepted"], 0);
    assert_eq!(j["protocols_expected"], stations.len());
    assert!(j["contests"][0]["options"][0]["seats"].is_null());

    // Every protocol accepted and the result determined by the TEC.
    import_the_others(&app).await;
    let ctx = results::council_context(app.store.as_ref(), &election(), &bishkek(), evening())
        .await
        .unwrap();
    let mut first = protocol(stations[0].0, 500);
    first.voters_took_part = 600;
    results::import_protocol(
        app.store.as_ref(),
        &ctx,
        &Actor::System,
        first,
        "",
        evening(),
    )
    .await
    .unwrap();
    let determined =
        results::determine(app.store.as_ref(), &ctx, &Actor::System, vec![], evening())
            .await
            .unwrap();
    let ak_zhol = determined
        .result
        .options
        .iter()
        .find(|o| o.id == "ak-zhol")
        .expect("Ak Zhol on the ballot");
    let votes = 500 + 400 * (stations.len() as u64 - 1);
    assert_eq!(ak_zhol.votes, votes);

    let api = c.get(API).await;
    assert!(
        api.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let j = api.json();
    assert_eq!(j["status"], determined.result.status.as_str());
    assert_eq!(j["official"], true);
    assert_eq!(j["protocols_accepted"], stations.len());
    assert_eq!(j["took_part"], 600 * stations.len() as u64);
    let options = j["contests"][0]["options"].as_array().unwrap();
    let ak = options.iter().find(|o| o["id"] == "ak-zhol").unwrap();
    assert_eq!(ak["votes"], votes);
    assert_eq!(ak["seats"], ak_zhol.seats.unwrap());
    let against = options.last().unwrap();
    assert_eq!(against["id"], "against_all");
    assert_eq!(against["votes"], 590 * stations.len() as u64 - votes);
    assert!(against["seats"].is_null());
    // The steps, one line each, worded in the language asked for (i15-scan-map).
    assert_eq!(
        j["explanation"].as_array().unwrap().len(),
        determined.result.explanation.len()
    );

    let list = c.get("/api/v1/elections/local-2024/results").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let row = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["council"] == "bishkek-city")
        .cloned()
        .unwrap();
    assert_eq!(row["official"], true);
    assert_eq!(row["voters_listed"], 1000 * stations.len() as u64);

    let page = c.get(PAGE).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("data-official=\"true\""),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(
        "data-status=\"{}\"",
        determined.result.status.as_str()
    )));
    assert!(
        page.body
            .contains(&format!("<td class=\"num\">{votes}</td>"))
    );
    assert!(page.body.contains("id=\"option-against-all\""));
    assert!(page.body.contains("id=\"explanation\""));
    assert!(
        ak_zhol.seats.is_some_and(|s| s > 0),
        "the only list over the threshold"
    );
    assert!(
        page.body.contains("id=\"seats-party-list-title\""),
        "the chart of the seats"
    );

    // Cached briefly; a reader who has this very page is told so.
    let cache = page.headers[header::CACHE_CONTROL].to_str().unwrap();
    assert!(cache.contains("max-age="), "{cache}");
    let tag = page.headers[header::ETAG].clone();
    let again = c
        .send(
            Request::get(PAGE)
                .header(header::IF_NONE_MATCH, tag.clone())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.headers[header::ETAG], tag);
}

#[tokio::test]
async fn malformed_or_unknown_councils_are_refused_on_the_page_and_the_api() {
    let app = app().await;
    let _filed = filed(&app).await;
    fix_ballot(&app).await;
    let mut c = reader(&app);
    let r = c.get("/results/local-2024/no-such-council").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = c
        .get("/api/v1/elections/local-2024/results/no-such-council")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = c.get("/api/v1/elections/local-2024/results/Bad%20Id").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "bad_id");
    let r = c.get("/api/v1/elections/no-such/results").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}
