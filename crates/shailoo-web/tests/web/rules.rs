//! "Rules and parameters": every message key of the domain (findings, protocol lines, rule
//! parameters) and every seat-allocation step has its own text in each language, and `/rules`
//! with its JSON twin shows them with the parameters in force.
//!
//! "Its own text" is checked without access to the catalogues' internals: a missing Kyrgyz
//! message comes back as its key, and a missing Russian or English one falls back to the
//! Kyrgyz text, so each language must give a text that is neither the key nor the Kyrgyz one.

use crate::common::{Client, app};
use axum::http::StatusCode;
use shailoo_apportionment::{RankedRemainder, Sex, Step, ThresholdBase, TiePhase};
use shailoo_domain::ErrorCode;
use shailoo_domain::candidate::{CandidateCode, ListCode};
use shailoo_domain::district::SchemeCode;
use shailoo_domain::params::{Coded, RuleParameters};
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
            base: ThresholdBase::VotersWhoTookPart,
            base_votes: 131_613,
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
        Step::Threshold {
            threshold_percent: 7,
            base: ThresholdBase::ValidVotes,
            base_votes: 117_519,
            minimum_votes: 8227,
        },
        Step::SeatsLeftVacant {
            list: "short".into(),
            entitled: 9,
            candidates: 6,
        },
        Step::ReservedTieAllElected {
            tied: ids(&["w1", "w2"]),
            reserved: ids(&["w1"]),
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
        Step::SeatsLeftVacant { .. } => 18,
        Step::ReservedTieAllElected { .. } => 19,
    }
}
const STEP_KINDS: usize = 20;

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
                // Codes the text renders in words.
                serde_json::Value::String(s)
                    if !["code", "phase", "base"].contains(&field.as_str()) =>
                {
                    s.clone()
                }
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

#[test]
fn every_parameter_value_reads_in_words_in_each_language() {
    // Each word of a closed list, and a number with its unit, in three own texts.
    let mut shown = RuleParameters {
        district_max_seats: Some(7),
        ..RuleParameters::default()
    };
    shown.claim_decision_days = 2;
    for p in shown
        .catalogue()
        .iter()
        .chain(&RuleParameters::default().catalogue())
    {
        let values: Vec<&str> = if p.choices.is_empty() {
            vec![p.value.as_str()]
        } else {
            p.choices.to_vec()
        };
        for v in values {
            let texts = Lang::ALL.map(|l| shailoo_web::rules::value_text(l, p, v));
            let what = format!("{}={v}", p.key);
            if p.choices.is_empty() {
                // A number reads with its unit ("70 %" may read alike in every language).
                for t in &texts {
                    assert!(!t.starts_with("param-") && !t.contains('{'), "{what}: {t}");
                    let worded = Lang::Ky
                        .try_t(&format!("{}-value-{v}", p.message_key))
                        .is_some();
                    if v.chars().all(|c| c.is_ascii_digit()) && !worded {
                        assert!(t.contains(v), "{what}: {t}");
                    }
                }
            } else {
                assert_own_texts(&what, [&texts[0], &texts[1], &texts[2]], "param-");
            }
        }
    }
}

/// Askama escapes `"`, `'`, `&`, `<`, `>` in text.
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
}

/// The parameters of the small dataset's election set through the store, as the CEC would.
async fn set(app: &crate::common::TestApp, changes: serde_json::Value) {
    let election = app.data.setup.elections[0].id.clone();
    shailoo_app::params::set(
        app.store.as_ref(),
        &shailoo_app::Actor::System,
        &election,
        changes.as_object().unwrap(),
        crate::common::fixed_now(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn the_rules_page_speaks_to_voters_and_gives_staff_the_notes() {
    let app = app().await;
    set(
        &app,
        serde_json::json!({"leap_day_birthday": "march1", "threshold_percent": 7}),
    )
    .await;
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
        // Every applied parameter in words, with its default and when the CEC set it.
        for p in RuleParameters::default()
            .catalogue()
            .iter()
            .filter(|p| p.is_applied())
        {
            assert!(
                body.contains(&format!("id=\"param-{}\"", p.key)),
                "{}",
                p.key
            );
            assert!(
                body.contains(&askama_escape(&lang.t(p.message_key))),
                "{}",
                p.key
            );
        }
        for text in [
            lang.t("param-vot-02-leap-day-birthday-value-march1"),
            lang.t("param-vot-02-leap-day-birthday-value-february28"),
            lang.t_args("rules-set-by-cec", &[("date", "01.10.2024".into())]),
        ] {
            assert!(body.contains(&askama_escape(&text)), "{text}");
        }
        // No developer notes for voters: no configuration keys, no confidence of the sources,
        // no usernames, no parameters of stages not run yet.
        for note in [
            "<code>leap_day_birthday</code>".to_owned(),
            lang.t("rules-confidence-unsure-help"),
            lang.t("rules-col-notes"),
            lang.t("rules-not-applied-title"),
            lang.t("param-cmp-06-appeal-filing-days"),
        ] {
            assert!(
                !body.contains(&note),
                "{note:?} shown to a voter in {lang:?}"
            );
        }
        for text in [
            lang.t(IneligibilityReason::UnderAge.message_key()),
            lang.t(SchemeCode::NotContiguous.message_key()),
            lang.t(Line::VotersTookPart.message_key()),
            lang.t("rules-kind-warning"),
            // The worked examples ran: list A passed the threshold.
            lang.t("seats-threshold-passed"),
        ] {
            assert!(body.contains(&text), "{text:?} in {lang:?}");
        }
    }
    // The worked example uses the threshold in force.
    let en = Client::new(&app).get("/rules?lang=en").await.body;
    assert!(
        en.contains("Threshold (RES-06): 7%"),
        "threshold not in the example"
    );
    // Signed-in staff see the notes: keys, confidence, who set it, the stages not run yet.
    let mut staff = Client::new(&app);
    staff.login("tec.one", crate::common::PASSWORD).await;
    let body = staff.get("/rules?lang=en").await.body;
    for p in RuleParameters::default().catalogue() {
        assert!(
            body.contains(&format!("<code>{}</code>", p.key)),
            "{}",
            p.key
        );
    }
    for note in [
        Lang::En.t("rules-confidence-unsure-help"),
        Lang::En.t("rules-not-applied-title"),
        "<code>system</code>".to_owned(),
    ] {
        assert!(body.contains(&note), "{note:?} not shown to staff");
    }
    // Only the CEC's administrator is offered the change.
    assert!(!body.contains(&Lang::En.t("rules-change-link")));
    let mut cec = Client::new(&app);
    cec.login("admin", crate::common::PASSWORD).await;
    let body = cec.get("/rules?lang=en").await.body;
    assert!(body.contains(&Lang::En.t("rules-change-link")));
    // The page is linked from every page; an unknown election is not found.
    let home = Client::new(&app).get("/").await;
    assert!(home.body.contains("href=\"/rules\""));
    let none = Client::new(&app).get("/rules?election=nowhere").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_json_twin_gives_every_parameter_in_force_and_every_check() {
    let app = app().await;
    set(&app, serde_json::json!({"leap_day_birthday": "march1"})).await;
    let r = Client::new(&app).get("/api/v1/rules?lang=ru").await;
    assert_eq!(r.status, StatusCode::OK);
    let json = r.json();
    assert_eq!(json["lang"], "ru");
    assert_eq!(json["election"], app.data.setup.elections[0].id.as_str());
    let params = json["parameters"].as_array().unwrap();
    let catalogue = RuleParameters::default().catalogue();
    assert_eq!(params.len(), catalogue.len());
    for (p, info) in params.iter().zip(&catalogue) {
        assert_eq!(p["key"], info.key);
        assert_eq!(p["confidence"], info.confidence.as_str());
        assert_eq!(p["description"], Lang::Ru.t(info.message_key));
        assert_eq!(
            p["applied_by"].as_array().unwrap().len(),
            info.applied_by.len()
        );
    }
    let leap = params
        .iter()
        .find(|p| p["key"] == "leap_day_birthday")
        .unwrap();
    assert_eq!(leap["value"], "march1");
    assert_eq!(leap["default"], "february28");
    assert_eq!(leap["changed"], true);
    assert_eq!(
        leap["value_text"],
        Lang::Ru.t("param-vot-02-leap-day-birthday-value-march1")
    );
    assert_eq!(leap["set_at"], "2024-10-01T06:00:00Z");
    assert_eq!(leap["choices"], serde_json::json!(["february28", "march1"]));
    let age = params.iter().find(|p| p["key"] == "voter_min_age").unwrap();
    assert_eq!(age["set_at"], serde_json::Value::Null);
    assert_eq!(age["applied_by"], serde_json::json!(["voter_lists"]));
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
    let unknown = Client::new(&app)
        .get("/api/v1/rules?election=nowhere")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn the_cec_sets_the_rules_of_an_election_all_or_nothing() {
    let app = app().await;
    let election = app.data.setup.elections[0].id.to_string();
    let form = format!("/elections/{election}/rules");
    // Anonymous: to the log-in page; a TEC member: refused.
    let anon = Client::new(&app).get(&form).await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    let mut tec = Client::new(&app);
    tec.login("tec.one", crate::common::PASSWORD).await;
    assert_eq!(tec.get(&form).await.status, StatusCode::FORBIDDEN);

    let mut cec = Client::new(&app);
    cec.login("admin", crate::common::PASSWORD).await;
    let page = cec.get(&format!("{form}?lang=en")).await;
    assert_eq!(page.status, StatusCode::OK);
    // Applied parameters only, filled with the value in force; a list for the closed ones.
    assert!(
        page.body
            .contains("name=\"p.threshold_percent\" value=\"5\"")
    );
    assert!(page.body.contains("<option value=\"valid_votes\">"));
    assert!(!page.body.contains("name=\"p.appeal_filing_days\""));
    assert!(page.body.contains(&Lang::En.t("rules-history-none")));
    let csrf = crate::common::hidden(&page.body, "csrf");
    let tec_csrf = crate::common::hidden(&tec.get("/rules").await.body, "csrf");

    // A value that does not read, and one out of range: both named, nothing stored.
    let bad = cec
        .post_form(
            &format!("{form}?lang=en"),
            &[
                ("csrf", &csrf),
                ("p.threshold_percent", "150"),
                ("p.max_deviation_percent", "fifteen"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(&Lang::En.error(ErrorCode::ParamBadValue)));
    assert!(
        bad.body.contains("value=\"fifteen\""),
        "what was typed stays"
    );
    let out_of_range = cec
        .post_form(
            &format!("{form}?lang=en"),
            &[("csrf", &csrf), ("p.threshold_percent", "150")],
        )
        .await;
    assert_eq!(out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        out_of_range
            .body
            .contains(&Lang::En.error(ErrorCode::ParamPercentOver100))
    );
    let in_force =
        shailoo_app::params::in_force(app.store.as_ref(), &app.data.setup.elections[0].id)
            .await
            .unwrap();
    assert!(in_force.history.is_empty(), "a refused form stores nothing");
    // Without the session's token, or from a TEC member: refused.
    let forged = cec
        .post_form(&form, &[("csrf", "forged"), ("p.threshold_percent", "7")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let by_tec = tec
        .post_form(&form, &[("csrf", &tec_csrf), ("p.threshold_percent", "7")])
        .await;
    assert_eq!(by_tec.status, StatusCode::FORBIDDEN);

    // A good form: stored, and /rules shows it.
    let done = cec
        .post_form(
            &form,
            &[
                ("csrf", &csrf),
                ("p.threshold_percent", "7"),
                ("p.threshold_base", "valid_votes"),
                ("p.reserved_share", "2/5"),
                ("p.district_max_seats", "none"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        Some(format!("/rules?election={election}#parameters").as_str())
    );
    let in_force =
        shailoo_app::params::in_force(app.store.as_ref(), &app.data.setup.elections[0].id)
            .await
            .unwrap();
    assert_eq!(in_force.parameters.threshold_percent, 7);
    assert_eq!(in_force.set["reserved_share"].by, "admin");
    assert!(
        !in_force.set.contains_key("district_max_seats"),
        "unchanged"
    );
    let rules = cec.get("/rules?lang=en").await.body;
    assert!(rules.contains(&Lang::En.t("param-res-06-threshold-base-value-valid_votes")));
    let history = cec.get(&format!("{form}?lang=en")).await.body;
    assert!(history.contains("<code>admin</code>"));
    assert!(history.contains("2/5 of the mandates"));
}

#[tokio::test]
async fn the_rules_are_fixed_once_voting_opens() {
    let app = app().await;
    // The same store, served with the clock at 17 November 2024, 09:00 in Bishkek.
    let state = AppState::new(app.store.clone(), Config::default())
        .with_clock(|| "2024-11-17T03:00:00Z".parse().unwrap());
    let election = app.data.setup.elections[0].id.to_string();
    let form = format!("/elections/{election}/rules?lang=en");
    let mut cec = Client::of_router(shailoo_web::router(state));
    cec.login("admin", crate::common::PASSWORD).await;
    let rules = cec.get("/rules?lang=en").await.body;
    assert!(rules.contains(&Lang::En.t("rules-fixed")));
    assert!(!rules.contains(&Lang::En.t("rules-change-link")));
    let page = cec.get(&form).await;
    assert!(page.body.contains(&Lang::En.t("rules-fixed")));
    assert!(!page.body.contains("name=\"p.threshold_percent\""));
    let csrf = crate::common::hidden(&cec.get("/rules").await.body, "csrf");
    let refused = cec
        .post_form(&form, &[("csrf", &csrf), ("p.threshold_percent", "7")])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused
            .body
            .contains(&Lang::En.t("action-set-rule-parameters"))
    );
}
