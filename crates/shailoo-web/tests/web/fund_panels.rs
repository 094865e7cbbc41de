//! Election funds beside the candidates (i16-cases2): a candidate's Talapker page shows their
//! nomination's fund (income, expenses, the reports) with its chart and the link to the
//! election's funds; the staff's funds desk chooses the election.

use crate::authz::multipart;
use crate::candidacies_fixture::{bishkek_tec, filed};
use crate::common::{Client, app, fixed_now, hidden};
use axum::http::StatusCode;
use shailoo_app::candidates::NominationId;
use shailoo_app::funds::{self, Source};
use shailoo_app::users::Actor;
use shailoo_domain::ElectionId;
use shailoo_domain::funds::{DonorKind, Movement, MovementKind};
use shailoo_domain::media::Money;

#[tokio::test]
async fn a_candidate_s_page_shows_the_fund_of_their_nomination_with_its_chart() {
    let app = app().await;
    let _f = filed(&app).await;
    let mut c = Client::new(&app);
    let list = c.get("/talapker/local-2024?party=ak-zhol&lang=en").await;
    let re = regex::Regex::new(r#"href="(/talapker/local-2024/candidates/(\d+)/[^"]+)""#).unwrap();
    let (link, nomination) = re
        .captures_iter(&list.body)
        .map(|m| (m[1].to_owned(), m[2].parse::<i64>().unwrap()))
        .next()
        .expect("a candidate of the list");
    let nomination = NominationId::new(nomination).unwrap();
    let income = Movement {
        line: 1,
        on: jiff::civil::date(2024, 9, 28),
        amount: Money::parse("125000").unwrap(),
        kind: MovementKind::Income {
            donor_kind: DonorKind::Own,
            donor: String::new(),
        },
    };
    let expense = Movement {
        line: 2,
        on: jiff::civil::date(2024, 9, 29),
        amount: Money::parse("40000.50").unwrap(),
        kind: MovementKind::Expense {
            purpose: "Printing".into(),
        },
    };
    funds::add_movements(
        app.store.as_ref(),
        &Actor::System,
        &ElectionId::parse("local-2024").unwrap(),
        nomination,
        vec![income, expense],
        Source::Entry,
        fixed_now(),
    )
    .await
    .unwrap();
    let r = c.get(&format!("{link}?lang=en")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let panel = &r.body[r.body.find("id=\"fund\"").expect("the fund panel")..];
    let income = Money::parse("125000").unwrap().to_string();
    let expenses = Money::parse("40000.50").unwrap().to_string();
    assert!(panel.contains(&income), "{panel}");
    assert!(panel.contains(&expenses), "{panel}");
    assert!(panel.contains("<svg"), "a chart: {panel}");
    assert!(
        panel.contains(&format!("href=\"/funds/local-2024#fund-{nomination}\"")),
        "{panel}"
    );
    // The election's funds page has the row the link points at.
    let all = c.get("/funds/local-2024?lang=en").await;
    assert!(all.body.contains(&format!("id=\"fund-{nomination}\"")));
}

#[tokio::test]
async fn the_funds_desk_chooses_the_election_and_a_bad_statement_row_is_named_in_the_readers_language()
 {
    let app = app().await;
    let _f = filed(&app).await;
    let mut tec = bishkek_tec(&app).await;
    let r = tec.get("/funds?election=local-2024&lang=en").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let re = regex::Regex::new(r#"href="(/funds/local-2024/\d+/accounts)""#).unwrap();
    let accounts = re
        .captures_iter(&r.body)
        .map(|m| m[1].to_owned())
        .next()
        .expect("a fund the TEC keeps");
    assert_eq!(
        tec.get("/funds?election=no-such-election").await.status,
        StatusCode::NOT_FOUND
    );

    let page = tec.get(&accounts).await;
    let csrf = hidden(&page.body, "csrf");
    let statement = "date,direction,amount,donor_kind,counterparty,purpose\n\
                     2024-09-28,in,1500,person,Асанов Бакыт,\n\
                     2024-09-29,in,много,person,Токтогулов Айбек,\n";
    let head = app.store.audit_head().await.unwrap();
    use shailoo_web::Lang;
    for (lang, code) in [(Lang::Ru, "ru"), (Lang::Ky, "ky"), (Lang::En, "en")] {
        let place = lang.t_args(
            "register-row-at-column",
            &[("line", "3".into()), ("column", "amount".into())],
        );
        let r = tec
            .send(multipart(
                &format!(
                    "{}?lang={code}",
                    accounts.replace("/accounts", "/statement")
                ),
                &[("csrf", &csrf)],
                Some(("statement", statement.as_bytes())),
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(&place), "{code}: {}", r.body);
        assert!(r.body.contains("много"), "{code}: {}", r.body);
    }
    let ru = Lang::Ru.t_args("register-row-bad_money", &[("value", "много".into())]);
    let r = tec
        .send(multipart(
            &format!("{}?lang=ru", accounts.replace("/accounts", "/statement")),
            &[("csrf", &csrf)],
            Some(("statement", statement.as_bytes())),
        ))
        .await;
    assert!(r.body.contains(&ru), "{}", r.body);
    // All or nothing: the good first row is not kept either.
    assert_eq!(app.store.audit_head().await.unwrap(), head);
}
