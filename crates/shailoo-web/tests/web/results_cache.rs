//! The cache of public answers (issue 15, "fast under load"; `kit::cache`): a results page or
//! API answer asked again is served from memory with the same `ETag`, and is made again, never
//! stale, as soon as the store changes: a protocol accepted, the result determined (both
//! behind the web's back, as another server process would), or a deadline of the calendar
//! passes. On both engines.

use crate::candidacies_fixture::filed;
use crate::common::{Client, Reply, TestApp, apps_on_both_engines};
use crate::results_fixture::{
    bishkek, bishkek_stations, election, evening, fix_ballot, import_the_others, protocol,
};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::SignedDuration;
use shailoo_app::Actor;
use shailoo_app::results;
use shailoo_web::{AppState, Config};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

const PAGE: &str = "/results/local-2024/bishkek-city?lang=en";
const API: &str = "/api/v1/elections/local-2024/results/bishkek-city?lang=en";
const LIST: &str = "/results?lang=en";
const LIST_API: &str = "/api/v1/elections/local-2024/results?lang=en";

/// An anonymous reader whose clock reads voting evening plus `minutes`.
fn reader(app: &TestApp, minutes: Arc<AtomicI64>) -> Client {
    let clock = move || {
        evening()
            .checked_add(SignedDuration::from_mins(minutes.load(Ordering::SeqCst)))
            .unwrap()
    };
    let state = AppState::new(app.store.clone(), Config::default()).with_clock(clock);
    Client::of_router(shailoo_web::router(state))
}

fn cache(r: &Reply) -> &str {
    r.headers["x-cache"].to_str().unwrap()
}

fn etag(r: &Reply) -> String {
    r.headers[header::ETAG].to_str().unwrap().to_owned()
}

/// `uri` made now (a miss), then served from memory (a hit) with the same body and `ETag`.
async fn made_then_kept(c: &mut Client, uri: &str) -> Reply {
    let first = c.get(uri).await;
    assert_eq!(first.status, StatusCode::OK, "{uri}: {}", first.body);
    assert_eq!(cache(&first), "miss", "{uri}");
    let again = c.get(uri).await;
    assert_eq!(again.status, StatusCode::OK, "{uri}");
    assert_eq!(cache(&again), "hit", "{uri} is served from memory");
    assert_eq!(etag(&again), etag(&first), "{uri}");
    assert_eq!(again.body, first.body, "{uri}");
    again
}

#[tokio::test]
async fn res_11_public_results_are_served_from_memory_until_a_protocol_or_determination_lands() {
    for app in apps_on_both_engines().await {
        let _filed = filed(&app).await;
        fix_ballot(&app).await;
        import_the_others(&app).await;
        let stations = bishkek_stations(&app);
        let minutes = Arc::new(AtomicI64::new(0));
        let mut c = reader(&app, minutes.clone());

        let page = made_then_kept(&mut c, PAGE).await;
        let waiting = format!("{} / {}", stations.len() - 1, stations.len());
        assert!(
            page.body.contains(&waiting),
            "{}: {}",
            app.engine,
            page.body
        );
        assert!(page.body.contains("data-official=\"false\""));
        let api = made_then_kept(&mut c, API).await;
        assert_eq!(api.json()["protocols_accepted"], stations.len() - 1);
        made_then_kept(&mut c, LIST).await;
        made_then_kept(&mut c, LIST_API).await;
        // Another language is another answer; a reader who holds one gets 304.
        let ru = c.get("/results/local-2024/bishkek-city?lang=ru").await;
        assert_eq!(cache(&ru), "miss");
        assert_ne!(etag(&ru), etag(&page));
        let held = c
            .send(
                Request::get(PAGE)
                    .header(header::IF_NONE_MATCH, etag(&page))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(held.status, StatusCode::NOT_MODIFIED);
        assert_eq!(cache(&held), "hit");

        // Time matters only through the calendar: a minute later the page is still kept;
        // past the next deadline (a month on, past CAL-17) it is made again.
        minutes.store(1, Ordering::SeqCst);
        assert_eq!(cache(&c.get(PAGE).await), "hit", "{}", app.engine);
        minutes.store(60 * 24 * 30, Ordering::SeqCst);
        let later = c.get(PAGE).await;
        assert_eq!(cache(&later), "miss", "{}", app.engine);
        assert_eq!(later.status, StatusCode::OK);

        // The last protocol accepted (by the import, not through this server): the very next
        // answer counts it.
        let ctx = results::council_context(app.store.as_ref(), &election(), &bishkek(), evening())
            .await
            .unwrap();
        let mut last = protocol(stations[0].0, 500);
        last.voters_took_part = 600;
        results::import_protocol(
            app.store.as_ref(),
            &ctx,
            &Actor::System,
            last,
            "",
            evening(),
        )
        .await
        .unwrap();
        let page = c.get(PAGE).await;
        assert_eq!(cache(&page), "miss", "{}", app.engine);
        let all = format!("{} / {}", stations.len(), stations.len());
        assert!(page.body.contains(&all), "{}: {}", app.engine, page.body);
        assert!(page.body.contains("data-official=\"false\""));
        let api = c.get(API).await;
        assert_eq!(cache(&api), "miss");
        assert_eq!(api.json()["protocols_accepted"], stations.len());
        assert_eq!(api.json()["official"], false);
        let kept = made_then_kept(&mut c, LIST_API).await;
        let row = |r: &Reply| {
            r.json()
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["council"] == "bishkek-city")
                .cloned()
                .unwrap()
        };
        assert_eq!(row(&kept)["official"], false);

        // The result determined: official at once, on the page, the API and the list.
        results::determine(app.store.as_ref(), &ctx, &Actor::System, vec![], evening())
            .await
            .unwrap();
        let page = c.get(PAGE).await;
        assert_eq!(cache(&page), "miss");
        assert!(
            page.body.contains("data-official=\"true\""),
            "{}: {}",
            app.engine,
            page.body
        );
        assert_eq!(c.get(API).await.json()["official"], true);
        let list = c.get(LIST_API).await;
        assert_eq!(cache(&list), "miss");
        assert_eq!(row(&list)["official"], true);
        made_then_kept(&mut c, "/results?lang=ky").await;
    }
}
