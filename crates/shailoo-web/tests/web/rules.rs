//! "Rules and parameters": every message key of the domain (findings, protocol lines, rule
//! parameters) and every seat-allocation step has its own text in each language, and `/rules`
//! with its JSON twin shows them with the parameters in force.
//!
//! "Its own text" is checked without access to the catalogues' internals: a missing Kyrgyz
//! message comes back as its key, and a missing Russian or English one falls back to the
//! Kyrgyz text, so each language must give a text that is neither the key nor the Kyrgyz one.

use crate::common::{Client, app};
use axum::http::StatusCode;
use shailoo_apportionment::{RankedRemainder, Sex, Step, TiePhase};
use shailoo_domain::candidate::{CandidateCode, ListCode};
use shailoo_domain::district::SchemeCode;
use shailoo_domain::params::{Coded, LeapDayBirthday, RuleParameters};
use shailoo_domain::protocol::{Line, ProtocolCode};
use shailoo_domain::voter::IneligibilityReason;
use shailoo_web::rules::explain_step;
use shailoo_web::{AppState, Config, Lang};

/// Every message key the domain hands to clients.
fn domain_keys() -> Vec<String> {
    fn coded<C: Coded>(all: &[C]) -> impl Iterator<Item = String> + '_ {
        all.iter().map(|c| c.message_key().to_owned())
    }
    let mut keys: Vec<String> = coded(IneligibilityReason::ALL)
        .chain(coded(CandidateCode::ALL))
        .chain(coded(ListCode::ALL))
        .chain(coded(SchemeCode::ALL))
        .chain(coded(ProtocolCode::ALL))
        .collect();
    keys.extend(Line::ALL.iter().map(|l| l.message_key().to_owned()));
    keys.extend(
        RuleParameters::default()
            .catalogue()
            .iter()
            .map(|p| p.message_key.to_owned()),
    );
    keys
}

/// The keys the page builds at run time.
fn page_keys() -> Vec<String> {
    let mut keys = Vec::new();
    for group in ["voter", "candidate", "party_list", "district", "protocol"] {
        keys.push(format!("rules-{group}-title"));
        keys.push(format!("rules-{group}-intro"));
    }
    for kind in ["error", "warning", "refusal", "data_error", "pending"] {
        keys.push(format!("rules-kind-{kind}"));
    }
    for c in ["seed", "sure", "likely", "unsure"] {
        keys.push(format!("rules-confidence-{c}"));
        keys.push(format!("rules-confidence-{c}-help"));
    }
    keys.push("rules-seats-example-city".to_owned());
    keys.push("rules-seats-example-aiyl".to_owned());
    keys
}

/// Asserts that `texts` (ky, ru, en) are three own texts, not the key and not a fallback.
fn assert_own_texts(what: &str, [ky, ru, en]: [&str; 3], key_prefix: &str) {
    assert!(
        !ky.is_empty() && !ky.starts_with(key_prefix),
        "{what}: no Kyrgyz text ({ky:?})"
    );
    assert!(!ky.contains('{'), "{what}: unresolved variable in {ky:?}");
    for (lang, text) in [("ru", ru), ("en", en)] {
        assert!(
            !text.starts_with(key_prefix) && !text.contains('{'),
            "{what}: {lang} gives {text:?}"
        );
        assert_ne!(text, ky, "{what}: {lang} falls back to Kyrgyz");
    }
    assert_ne!(ru, en, "{what}: Russian is a copy of English");
}

#[test]
fn every_domain_message_key_has_its_own_text_in_each_language() {
    let keys = domain_keys();
    // 9 voter reasons, 15 candidate and 3 list codes, 14 district and 15 protocol codes,
    // 13 lines, 24 parameters at the time of writing: the lists are read, not copied.
    assert!(keys.len() >= 90, "only {} keys", keys.len());
    for key in keys.iter().chain(page_keys().iter()) {
        let [ky, ru, en] = Lang::ALL.map(|l| l.t(key));
        assert_own_texts(key, [&ky, &ru, &en], key);
    }
}

/// One step of each kind, with distinct numbers to find in the text.
fn sample_steps() -> Vec<Step> {
    let f = shailoo_apportionment::Fraction::new;
    let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        Step::AgainstAll { votes: 8746 },
        Step::Threshold {
            threshold_percent: 5,
            took_part: 131_613,
            minimum_votes: 6581,
        },
        Step::ListThreshold {
            list: "ata-jurt".into(),
            votes: 37_903,
            passed: true,
        },
        Step::ListThreshold {
            list: "small".into(),
            votes: 1204,
            passed: false,
        },
        Step::NoListQualified,
        Step::Quota {
            total_votes: 117_519,
            seats: 51,
            quota: f(117_519, 51),
        },
        Step::WholeSeats {
            list: "ata-jurt".into(),
            votes: 37_903,
            whole_seats: 16,
            remainder: f(1_130_712, 51),
        },
        Step::CandidatesCap {
            list: "short".into(),
            entitled: 7,
            candidates: 4,
        },
        Step::RemaindersRanked {
            remaining_seats: 3,
            ranking: vec![
                RankedRemainder {
                    list: "a".into(),
                    remainder: f(2071, 3),
                },
                RankedRemainder {
                    list: "b".into(),
                    remainder: f(450, 1),
                },
            ],
            exhausted: ids(&["short"]),
        },
        Step::RemainderSeat {
            seat: 49,
            list: "a".into(),
            remainder: f(2071, 3),
        },
        Step::RemainderRound {
            lists: ids(&["a", "b"]),
            seats_each: 2,
        },
        Step::LotsApplied {
            phase: TiePhase::Remainder,
            tied: ids(&["a", "b"]),
            winners: ids(&["b"]),
            seats: 1,
        },
        Step::LotsRequired {
            phase: TiePhase::Reserved,
            tied: ids(&["c1", "c2"]),
            seats: 1,
        },
        Step::LotsRequired {
            phase: TiePhase::Open,
            tied: ids(&["c3", "c4"]),
            seats: 1,
        },
        Step::ListSeats {
            list: "ata-jurt".into(),
            seats: 17,
        },
        Step::UnfilledSeats { seats: 2 },
        Step::ReservedMandates {
            seats: 5,
            reserved: 2,
            by_default: true,
        },
        Step::ReservedMandates {
            seats: 4,
            reserved: 1,
            by_default: false,
        },
        Step::FewerWomenThanReserved {
            reserved: 2,
            women_running: 1,
            moved_to_open: 1,
        },
        Step::ReservedSeat {
            seat: 1,
            candidate: "c5".into(),
            votes: 120,
        },
        Step::OpenSeat {
            seat: 2,
            candidate: "c3".into(),
            sex: Sex::Male,
            votes: 310,
        },
        Step::OpenSeat {
            seat: 3,
            candidate: "c7".into(),
            sex: Sex::Female,
            votes: 290,
        },
    ]
}

/// The position of a step's kind; the exhaustive match makes a new kind of step fail to
/// compile here until it is given a sample above.
fn kind_index(step: &Step) -> usize {
    match step {
        Step::AgainstAll { .. } => 0,
        Step::Threshold { .. } => 1,
        Step::ListThreshold { .. } => 2,
        Step::NoListQualified => 3,
        Step::Quota { .. } => 4,
        Step::WholeSeats { .. } => 5,
        Step::CandidatesCap { .. } => 6,
        Step::RemaindersRanked { .. } => 7,
        Step::RemainderSeat { .. } => 8,
        Step::RemainderRound { .. } => 9,
        Step::LotsApplied { .. } => 10,
        Step::LotsRequired { .. } => 11,
        Step::ListSeats { .. } => 12,
        Step::UnfilledSeats { .. } => 13,
        Step::ReservedMandates { .. } => 14,
        Step::FewerWomenThanReserved { .. } => 15,
        Step::ReservedSeat { .. } => 16,
        Step::OpenSeat { .. } => 17,
    }
}
const STEP_KINDS: usize = 18;

#[test]
fn every_seat_allocation_step_has_its_own_text_in_each_language() {
    let steps = sample_steps();
    let mut seen = [false; STEP_KINDS];
    for step in &steps {
        seen[kind_index(step)] = true;
        let [ky, ru, en] = Lang::ALL.map(|l| explain_step(l, step));
        assert_own_texts(step.code(), [&ky, &ru, &en], "seats-");
        // The numbers and ids reach the text in every language.
        let json = serde_json::to_value(step).unwrap();
        for (field, value) in json.as_object().unwrap() {
            let expected = match value {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(s) if field != "code" && field != "phase" => s.clone(),
                _ => continue,
            };
            if field == "sex" {
                continue;
            }
            for text in [&ky, &ru, &en] {
                assert!(
                    text.contains(&expected),
                    "{field}={expected} not in {text:?}"
                );
            }
        }
    }
    assert!(seen.iter().all(|s| *s), "a kind of step has no sample");
    // The joined pieces: remainders ranked, and the lists left out.
    let ranked = explain_step(Lang::En, &steps[8]);
    assert!(ranked.contains("1. a (690 1/3), 2. b (450)"), "{ranked}");
    assert!(ranked.contains("short"), "{ranked}");
    let male = steps
        .iter()
        .find(|s| matches!(s, Step::OpenSeat { sex: Sex::Male, .. }))
        .unwrap();
    assert!(explain_step(Lang::Ky, male).contains(&Lang::Ky.t("seats-sex-male")));
}

#[tokio::test]
async fn the_rules_page_lists_parameters_and_checks_in_each_language() {
    let app = app().await;
    for lang in Lang::ALL {
        let mut client = Client::new(&app);
        let r = client.get(&format!("/rules?lang={}", lang.code())).await;
        assert_eq!(r.status, StatusCode::OK, "{lang:?}");
        let body = &r.body;
        assert!(body.contains(&format!("<html lang=\"{}\">", lang.code())));
        assert!(body.contains(&lang.t("rules-title")), "{lang:?}");
        // The choice of language sticks, as on every page.
        assert_eq!(
            client.cookies.get("lang").map(String::as_str),
            Some(lang.code())
        );
        for code in [
            "VOT-02",
            "VOT-02_under_age",
            "DIS-01",
            "DIS-01.deviation_exceeded",
        ] {
            assert!(body.contains(code), "{code} in {lang:?}");
        }
        for c in ProtocolCode::ALL {
            assert!(body.contains(c.code()), "{c} in {lang:?}");
        }
        for p in RuleParameters::default().catalogue() {
            assert!(
                body.contains(&format!("<code>{}</code>", p.key)),
                "{}",
                p.key
            );
        }
        for text in [
            lang.t(IneligibilityReason::UnderAge.message_key()),
            lang.t(SchemeCode::NotContiguous.message_key()),
            lang.t(Line::VotersTookPart.message_key()),
            lang.t("rules-confidence-unsure"),
            lang.t("rules-kind-warning"),
            // The worked examples ran: list A passed the threshold, c3 took the reserved seat.
            lang.t("seats-threshold-passed"),
        ] {
            assert!(body.contains(&text), "{text:?} in {lang:?}");
        }
        assert!(
            !body.contains(&lang.t("rules-changed")),
            "nothing is changed"
        );
    }
    // The page is linked from every page.
    let home = Client::new(&app).get("/").await;
    assert!(home.body.contains("href=\"/rules\""));
}

#[tokio::test]
async fn the_json_twin_gives_every_parameter_and_check_with_its_text() {
    let app = app().await;
    let r = Client::new(&app).get("/api/v1/rules?lang=ru").await;
    assert_eq!(r.status, StatusCode::OK);
    let json = r.json();
    assert_eq!(json["lang"], "ru");
    let params = json["parameters"].as_array().unwrap();
    let catalogue = RuleParameters::default().catalogue();
    assert_eq!(params.len(), catalogue.len());
    for (p, info) in params.iter().zip(&catalogue) {
        assert_eq!(p["key"], info.key);
        assert_eq!(p["confidence"], info.confidence.as_str());
        assert_eq!(p["changed"], false);
        assert_eq!(p["description"], Lang::Ru.t(info.message_key));
    }
    let checks = json["checks"].as_array().unwrap();
    let expected = IneligibilityReason::ALL.len()
        + CandidateCode::ALL.len()
        + ListCode::ALL.len()
        + SchemeCode::ALL.len()
        + ProtocolCode::ALL.len();
    assert_eq!(checks.len(), expected);
    let find = |code: &str| checks.iter().find(|c| c["code"] == code).unwrap();
    let received = find("RES-05.received_balance");
    assert_eq!(received["group"], "protocol");
    assert_eq!(received["kind"], "error");
    assert_eq!(received["lines"][0], "ballots_received");
    assert_eq!(
        received["text"],
        Lang::Ru.t("check-res-05-received-balance")
    );
    assert_eq!(find("RES-05.turnout_high")["kind"], "warning");
    assert_eq!(find("VOT-06_duplicate_pin")["kind"], "data_error");
    assert_eq!(find("CAN-08_citizenship_unchecked")["kind"], "pending");
    assert_eq!(find("DIS-01.remote_without_remote_unit")["kind"], "error");
    assert_eq!(find("DIS-03.asymmetric_adjacency")["kind"], "warning");
    assert_eq!(
        json["protocol_lines"].as_array().unwrap().len(),
        Line::ALL.len()
    );
}

#[tokio::test]
async fn a_changed_parameter_is_shown_beside_its_default() {
    let app = app().await;
    let config = Config {
        rule_parameters: RuleParameters {
            leap_day_birthday: LeapDayBirthday::March1,
            threshold_percent: 7,
            ..RuleParameters::default()
        },
        ..Config::default()
    };
    // `Client` talks to the default app; this one is asked directly.
    let router = shailoo_web::router(AppState::new(app.store.clone(), config));
    let reply = |uri: &'static str| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let res = router
                .oneshot(
                    axum::http::Request::get(uri)
                        .body(axum::body::Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
                .await
                .unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    };
    let json: serde_json::Value =
        serde_json::from_str(&reply("/api/v1/rules?lang=en").await).unwrap();
    let leap = json["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "leap_day_birthday")
        .unwrap();
    assert_eq!(leap["value"], "march1");
    assert_eq!(leap["default"], "february28");
    assert_eq!(leap["changed"], true);
    let page = reply("/rules?lang=en").await;
    assert!(page.contains("<code>march1</code> <span class=\"tag\">changed</span>"));
    // The worked example uses the threshold in force.
    assert!(
        page.contains("Threshold (RES-06): 7%"),
        "threshold not in the example"
    );
}
