//! Public pages: languages, search, detail pages.

use crate::common::{Client, app, enc};
use axum::http::StatusCode;
use shailoo_domain::ErrorCode;
use shailoo_web::Lang;

#[tokio::test]
async fn every_public_page_renders_in_each_language_with_its_lang_attribute_and_title() {
    let app = app().await;
    let station = app.a_station().number;
    let council = &app.a_station().council;
    let pec = &app.a_station().commission;
    let pages = [
        ("/".to_owned(), "home-title"),
        ("/councils".to_owned(), "councils-title"),
        ("/commissions".to_owned(), "commissions-title"),
        ("/stations".to_owned(), "stations-title"),
        (
            "/elections/local-2024/calendar".to_owned(),
            "calendar-title",
        ),
        ("/login".to_owned(), "login-title"),
        (format!("/stations/{station}"), "station-title"),
        (format!("/councils/{council}"), "nav-stations"),
        (format!("/commissions/{pec}"), "nav-stations"),
        ("/commissions/cec".to_owned(), "commissions-children"),
    ];
    for lang in Lang::ALL {
        let mut client = Client::new(&app);
        for (path, key) in &pages {
            let sep = if path.contains('?') { '&' } else { '?' };
            let r = client
                .get(&format!("{path}{sep}lang={}", lang.code()))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{path} in {lang:?}");
            assert!(
                r.body.contains(&format!("<html lang=\"{}\">", lang.code())),
                "{path}: lang attribute"
            );
            assert!(r.body.contains(&lang.t(key)), "{path}: {key} in {lang:?}");
            assert!(r.body.contains("href=\"#main\""), "{path}: skip link");
            assert!(
                r.body.contains("<main id=\"main\""),
                "{path}: main landmark"
            );
        }
        let home = client.get("/").await;
        let title = format!(
            "<title>{} — {}</title>",
            lang.t("home-title"),
            lang.t("site-name")
        );
        assert!(home.body.contains(&title), "localized title in {lang:?}");
    }
}

#[tokio::test]
async fn kyrgyz_is_the_default_then_accept_language_then_the_cookie() {
    let app = app().await;
    let mut client = Client::new(&app);
    assert!(client.get("/").await.body.contains("<html lang=\"ky\">"));

    client
        .headers
        .push(("accept-language".into(), "ru-RU,ru;q=0.9,en;q=0.5".into()));
    assert!(client.get("/").await.body.contains("<html lang=\"ru\">"));

    client.cookies.insert("lang".into(), "en".into());
    assert!(client.get("/").await.body.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_that_later_pages_follow() {
    let app = app().await;
    let mut client = Client::new(&app);
    let home = client.get("/").await;
    // Every page links to itself in the three languages.
    assert!(home.body.contains("href=\"/?lang=ru\""));
    let switched = client.get("/stations?lang=ru").await;
    assert!(
        switched
            .set_cookies()
            .iter()
            .any(|c| c.starts_with("lang=ru"))
    );
    assert!(switched.body.contains("<html lang=\"ru\">"));
    // Later pages without ?lang keep Russian, through the cookie.
    let later = client.get("/councils").await;
    assert!(later.body.contains("<html lang=\"ru\">"));
    assert!(later.body.contains(&Lang::Ru.t("councils-title")));
    // The switch keeps the other query parameters.
    let search = client.get("/stations?q=1&lang=ru").await;
    assert!(search.body.contains("href=\"/stations?q=1&#38;lang=en\""));
}

#[tokio::test]
async fn station_search_finds_a_station_by_its_number() {
    let app = app().await;
    let number = app.a_station().number;
    let mut client = Client::new(&app);
    let r = client.get(&format!("/stations?q={number}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("href=\"/stations/{number}\"")));

    let detail = client.get(&format!("/stations/{number}?lang=ru")).await;
    assert!(detail.body.contains(&app.a_station().address.ru));
}

#[tokio::test]
async fn council_search_finds_a_council_by_its_cyrillic_name() {
    let app = app().await;
    let council = app.data.setup.councils.first().unwrap();
    // A word of its Kyrgyz name, in Cyrillic, in a different case.
    let word = council
        .name
        .ky
        .split_whitespace()
        .next()
        .unwrap()
        .to_lowercase();
    assert!(
        word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
        "{word}"
    );
    let mut client = Client::new(&app);
    let r = client.get(&format!("/councils?q={}", enc(&word))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains(&format!("href=\"/councils/{}\"", council.id)),
        "{word}"
    );
    // The search box keeps what was typed.
    assert!(r.body.contains(&format!("value=\"{word}\"")));
}

#[tokio::test]
async fn council_filters_and_paging_work_without_javascript() {
    let app = app().await;
    let mut client = Client::new(&app);
    let city = client.get("/councils?kind=city&lang=en").await;
    let aiyl = client.get("/councils?kind=aiyl&lang=en").await;
    assert!(city.body.contains(&Lang::En.t("kind-city")));
    assert!(
        !city
            .body
            .contains(&format!("<td>{}</td>", Lang::En.t("kind-aiyl")))
    );
    assert!(
        aiyl.body
            .contains(&format!("<td>{}</td>", Lang::En.t("kind-aiyl")))
    );
    // A page far beyond the end is empty, not an error.
    let far = client.get("/councils?page=999").await;
    assert_eq!(far.status, StatusCode::OK);
    // A malformed page number falls back to the first page.
    assert_eq!(
        client.get("/councils?page=abc").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn unknown_records_and_malformed_numbers_get_localized_pages() {
    let app = app().await;
    let mut client = Client::new(&app);
    let r = client.get("/stations/99999?lang=ru").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains(&Lang::Ru.error(ErrorCode::NotFound)));
    let r = client.get("/stations/abc?lang=en").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body
            .contains(&Lang::En.error(ErrorCode::BadStationNumber))
    );
    let r = client.get("/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The language chosen earlier (the cookie set by ?lang=en) applies to the 404 page too.
    assert!(r.body.contains("<html lang=\"en\">"));
    assert!(r.body.contains(&Lang::En.error(ErrorCode::NotFound)));
}

#[tokio::test]
async fn the_calendar_shows_every_deadline_and_highlights_open_actions() {
    let app = app().await;
    let mut client = Client::new(&app);
    let r = client.get("/calendar").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = client.get("/elections/local-2024/calendar?lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    for key in ["cal-01", "cal-07", "cal-16", "cal-17"] {
        assert!(r.body.contains(&Lang::En.t(key)), "{key}");
    }
    // On 1 October 2024 the city nomination (until 7 October 18:00) is open…
    assert!(r.body.contains(&Lang::En.t("action-nominate-city-list")));
    // …the media accreditation (until 27 September) is past, voting day upcoming.
    assert!(r.body.contains("<tr class=\"past\">"));
    assert!(r.body.contains("<tr class=\"upcoming\">"));
    assert!(
        r.body
            .contains("<time datetime=\"2024-10-07\">07.10.2024</time>")
    );
    assert!(r.body.contains("18:00"));
}

#[tokio::test]
async fn the_calendar_lists_deadlines_in_date_order() {
    let app = app().await;
    let mut client = Client::new(&app);
    let r = client.get("/elections/local-2024/calendar?lang=en").await;
    assert_eq!(r.status, StatusCode::OK);
    let dates: Vec<&str> = r
        .body
        .match_indices("<td><time datetime=\"")
        .map(|(i, m)| &r.body[i + m.len()..i + m.len() + 10])
        .collect();
    assert!(dates.len() >= 18, "{dates:?}");
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(
        dates, sorted,
        "the rows follow the calendar, not the rule ids"
    );
    // The rule ids are then out of order (CAL-18, 16 September, comes before CAL-02).
    let ids: Vec<&str> = r
        .body
        .match_indices("<th scope=\"row\">CAL-")
        .map(|(i, m)| &r.body[i + m.len() - 4..i + m.len() + 2])
        .collect();
    let mut by_id = ids.clone();
    by_id.sort_by_key(|id| id[4..].trim_end_matches('<').parse::<u32>().unwrap_or(0));
    assert_ne!(ids, by_id, "{ids:?}");
}
