//! Tests of the statutory calendar, named after the rules they check.
#![allow(clippy::unwrap_used, reason = "tests fail loudly on a broken fixture")]

use super::*;
use crate::time::from_bishkek;
use jiff::civil::{date, time};
use proptest::prelude::*;

fn c2024() -> Date {
    date(2024, 9, 6)
}

fn v2024() -> Date {
    date(2024, 11, 17)
}

fn cal2024() -> Calendar {
    Calendar::statutory(c2024(), v2024()).expect("the 2024 calendar is valid")
}

/// An instant in Bishkek local time.
fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8, s: i8) -> Timestamp {
    from_bishkek(date(y, mo, d), time(h, mi, s, 0))
}

fn utc(text: &str) -> Timestamp {
    text.parse().expect("a valid RFC 3339 instant")
}

fn ov(id: &str, d: Date, t: Option<Time>) -> CalendarOverride {
    CalendarOverride {
        id: id.to_owned(),
        date: d,
        time: t,
    }
}

#[test]
fn cal_2024_calendar_matches_the_seed() {
    // docs/domain-rules.md §1 and seed/README.md, written out by hand.
    let expected: [(&str, Date, Option<Time>); 18] = [
        ("CAL-01", date(2024, 9, 6), None),
        ("CAL-02", date(2024, 9, 23), None),
        ("CAL-03", date(2024, 9, 27), None),
        ("CAL-04", date(2024, 9, 28), None),
        ("CAL-05", date(2024, 9, 28), None),
        ("CAL-06", date(2024, 10, 11), None),
        ("CAL-07", date(2024, 10, 7), Some(time(18, 0, 0, 0))),
        ("CAL-08", date(2024, 10, 18), None),
        ("CAL-09", date(2024, 10, 17), Some(time(18, 0, 0, 0))),
        ("CAL-10", date(2024, 10, 28), None),
        ("CAL-11", date(2024, 11, 1), None),
        ("CAL-12", date(2024, 11, 1), None),
        ("CAL-13", date(2024, 10, 18), None),
        ("CAL-14", date(2024, 10, 28), None),
        ("CAL-15", date(2024, 11, 16), Some(time(8, 0, 0, 0))),
        ("CAL-16", date(2024, 11, 17), Some(time(20, 0, 0, 0))),
        ("CAL-17", date(2024, 12, 8), None),
        ("CAL-18", date(2024, 9, 16), None),
    ];
    let cal = cal2024();
    assert_eq!(cal.deadlines().len(), expected.len());
    for (deadline, (id, d, t)) in cal.deadlines().iter().zip(expected) {
        assert_eq!(deadline.id, id);
        assert_eq!((deadline.date, deadline.time), (d, t), "{id}");
        assert!(!deadline.overridden, "{id}");
    }
    assert_eq!(cal.get("CAL-16").unwrap().opens_at, Some(time(8, 0, 0, 0)));
    assert_eq!(cal.called_on(), c2024());
    assert_eq!(cal.voting_day(), v2024());
}

#[test]
fn cal_01_nomination_opens_at_the_start_of_the_calling_day() {
    let cal = cal2024();
    for action in [
        Action::NominateCityList,
        Action::NominateAiylCandidate,
        Action::ApplyMediaAccreditation,
        Action::SubmitDistrictScheme,
    ] {
        assert_eq!(
            cal.check(action, at(2024, 9, 5, 23, 59, 59)),
            Err(ActionClosed::NotYetOpen {
                action,
                rule: "CAL-01",
                opens_at: utc("2024-09-05T18:00:00Z"),
            })
        );
        assert_eq!(cal.check(action, at(2024, 9, 6, 0, 0, 0)), Ok(()));
    }
}

#[test]
fn cal_02_lists_online_open_claims_and_remote_voting() {
    let cal = cal2024();
    for action in [
        Action::PublishPreliminaryVoterLists,
        Action::FileVoterListClaim,
        Action::ApplyRemoteVoting,
    ] {
        let refused = cal.check(action, at(2024, 9, 22, 23, 59, 59)).unwrap_err();
        assert_eq!(refused.rule(), "CAL-02");
        assert_eq!(refused.code(), ErrorCode::ActionNotYetOpen);
        assert_eq!(cal.check(action, at(2024, 9, 23, 0, 0, 0)), Ok(()));
    }
    // Publishing never closes.
    assert_eq!(
        cal.window(Action::PublishPreliminaryVoterLists).1,
        None,
        "no closing rule"
    );
    assert_eq!(
        cal.check(
            Action::PublishPreliminaryVoterLists,
            at(2030, 1, 1, 0, 0, 0)
        ),
        Ok(())
    );
}

#[test]
fn cal_03_media_accreditation_closes_end_of_day_27_september() {
    let cal = cal2024();
    let a = Action::ApplyMediaAccreditation;
    assert_eq!(cal.check(a, at(2024, 9, 27, 23, 59, 59)), Ok(()));
    let refused = cal.check(a, at(2024, 9, 28, 0, 0, 0)).unwrap_err();
    assert_eq!(refused.rule(), "CAL-03");
    assert_eq!(refused.code(), ErrorCode::ActionClosed);
}

#[test]
fn cal_05_district_schemes_submitted_by_end_of_28_september() {
    let cal = cal2024();
    let a = Action::SubmitDistrictScheme;
    assert_eq!(cal.check(a, at(2024, 9, 28, 23, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 9, 29, 0, 0, 0)).unwrap_err().rule(),
        "CAL-05"
    );
}

#[test]
fn cal_07_city_nomination_closes_at_18_00_forty_days_before() {
    let cal = cal2024();
    let a = Action::NominateCityList;
    assert_eq!(cal.check(a, at(2024, 10, 7, 17, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 10, 7, 18, 0, 0)),
        Err(ActionClosed::Closed {
            action: a,
            rule: "CAL-07",
            closed_at: utc("2024-10-07T12:00:00Z"),
        })
    );
    assert_eq!(v2024().since(date(2024, 10, 7)).unwrap().get_days(), 41);
}

#[test]
fn cal_08_city_registration_closes_end_of_day_18_october() {
    let cal = cal2024();
    let a = Action::RegisterCityList;
    assert_eq!(cal.check(a, at(2024, 10, 18, 23, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 10, 19, 0, 0, 0)).unwrap_err().rule(),
        "CAL-08"
    );
}

#[test]
fn cal_09_aiyl_nomination_closes_at_18_00_thirty_days_before() {
    let cal = cal2024();
    let a = Action::NominateAiylCandidate;
    assert_eq!(cal.check(a, at(2024, 10, 17, 17, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 10, 17, 18, 0, 0)).unwrap_err().rule(),
        "CAL-09"
    );
}

#[test]
fn cal_10_aiyl_registration_closes_end_of_day_28_october() {
    let cal = cal2024();
    let a = Action::RegisterAiylCandidate;
    assert_eq!(cal.check(a, at(2024, 10, 28, 23, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 10, 29, 0, 0, 0)).unwrap_err().rule(),
        "CAL-10"
    );
}

#[test]
fn cal_11_claims_close_end_of_day_inclusive() {
    let cal = cal2024();
    let a = Action::FileVoterListClaim;
    // 23:59:59 on 1 November in Bishkek is 17:59:59 UTC.
    assert_eq!(cal.check(a, utc("2024-11-01T17:59:59Z")), Ok(()));
    assert_eq!(
        cal.check(a, utc("2024-11-01T18:00:00Z")),
        Err(ActionClosed::Closed {
            action: a,
            rule: "CAL-11",
            closed_at: at(2024, 11, 2, 0, 0, 0),
        })
    );
    // Still 1 November in UTC, but already 2 November in Bishkek.
    assert!(cal.check(a, utc("2024-11-01T20:00:00Z")).is_err());
    assert_eq!(
        Calendar::deadline_instant(cal.get("CAL-11").unwrap()),
        utc("2024-11-01T18:00:00Z")
    );
}

#[test]
fn cal_12_remote_voting_applications_close_end_of_day_1_november() {
    let cal = cal2024();
    let a = Action::ApplyRemoteVoting;
    assert_eq!(cal.check(a, at(2024, 11, 1, 23, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 11, 2, 0, 0, 0)).unwrap_err().rule(),
        "CAL-12"
    );
}

#[test]
fn cal_12_finalize_voter_lists_after_remote_voting_closes_until_voting_opens() {
    let cal = cal2024();
    let a = Action::FinalizeVoterLists;
    assert_eq!(
        cal.check(a, at(2024, 11, 1, 23, 59, 59))
            .unwrap_err()
            .rule(),
        "CAL-12"
    );
    assert_eq!(cal.check(a, at(2024, 11, 2, 0, 0, 0)), Ok(()));
    assert_eq!(cal.check(a, at(2024, 11, 17, 7, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 11, 17, 8, 0, 0)).unwrap_err().rule(),
        "CAL-16"
    );
}

#[test]
fn cal_12_the_lists_are_compiled_from_the_calling_until_they_become_final() {
    let cal = cal2024();
    let a = Action::CompileVoterLists;
    assert_eq!(
        cal.check(a, at(2024, 9, 5, 23, 59, 59)).unwrap_err().rule(),
        "CAL-01"
    );
    assert_eq!(cal.check(a, at(2024, 9, 6, 0, 0, 0)), Ok(()));
    assert_eq!(cal.check(a, at(2024, 11, 1, 23, 59, 59)), Ok(()));
    // Final by the calendar from the end of CAL-12, and on voting day.
    for closed in [at(2024, 11, 2, 0, 0, 0), at(2024, 11, 17, 12, 0, 0)] {
        assert_eq!(cal.check(a, closed).unwrap_err().rule(), "CAL-12");
    }
}

#[test]
fn cal_13_city_campaign_opens_with_the_close_of_city_registration() {
    let cal = cal2024();
    let a = Action::CityCampaign;
    assert_eq!(
        cal.check(a, at(2024, 10, 17, 23, 59, 59))
            .unwrap_err()
            .rule(),
        "CAL-13"
    );
    assert_eq!(cal.check(a, at(2024, 10, 18, 0, 0, 0)), Ok(()));
}

#[test]
fn cal_14_aiyl_campaign_opens_with_the_close_of_aiyl_registration() {
    let cal = cal2024();
    let a = Action::AiylCampaign;
    assert_eq!(
        cal.check(a, at(2024, 10, 27, 23, 59, 59))
            .unwrap_err()
            .rule(),
        "CAL-14"
    );
    assert_eq!(cal.check(a, at(2024, 10, 28, 0, 0, 0)), Ok(()));
}

#[test]
fn cal_15_campaign_closes_24_hours_before_voting_opens() {
    let cal = cal2024();
    for a in [Action::CityCampaign, Action::AiylCampaign] {
        assert_eq!(cal.check(a, at(2024, 11, 16, 7, 59, 59)), Ok(()));
        assert_eq!(
            cal.check(a, at(2024, 11, 16, 8, 0, 0)).unwrap_err().rule(),
            "CAL-15"
        );
    }
    let closes = cal.get("CAL-15").unwrap().closes_at();
    let voting_opens = cal.window(Action::Voting).0.unwrap();
    assert_eq!(voting_opens.duration_since(closes).as_hours(), 24);
}

#[test]
fn cal_16_voting_is_open_from_08_00_to_20_00() {
    let cal = cal2024();
    let a = Action::Voting;
    assert_eq!(
        cal.check(a, at(2024, 11, 17, 7, 59, 59)),
        Err(ActionClosed::NotYetOpen {
            action: a,
            rule: "CAL-16",
            opens_at: utc("2024-11-17T02:00:00Z"),
        })
    );
    assert_eq!(cal.check(a, at(2024, 11, 17, 8, 0, 0)), Ok(()));
    assert_eq!(cal.check(a, at(2024, 11, 17, 19, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 11, 17, 20, 0, 0)),
        Err(ActionClosed::Closed {
            action: a,
            rule: "CAL-16",
            closed_at: utc("2024-11-17T14:00:00Z"),
        })
    );
}

#[test]
fn cal_17_protocols_and_results_from_close_of_voting_until_8_december() {
    let cal = cal2024();
    for a in [Action::EnterProtocols, Action::DetermineResults] {
        assert_eq!(
            cal.check(a, at(2024, 11, 17, 19, 59, 59))
                .unwrap_err()
                .rule(),
            "CAL-16"
        );
        assert_eq!(cal.check(a, at(2024, 11, 17, 20, 0, 0)), Ok(()));
        assert_eq!(cal.check(a, at(2024, 12, 8, 23, 59, 59)), Ok(()));
        assert_eq!(
            cal.check(a, at(2024, 12, 9, 0, 0, 0)).unwrap_err().rule(),
            "CAL-17"
        );
    }
}

#[test]
fn cal_18_media_prices_published_by_16_september() {
    let cal = cal2024();
    let a = Action::PublishMediaPrices;
    assert_eq!(cal.check(a, at(2024, 9, 16, 23, 59, 59)), Ok(()));
    assert_eq!(
        cal.check(a, at(2024, 9, 17, 0, 0, 0)).unwrap_err().rule(),
        "CAL-18"
    );
    assert_eq!(cal.get("CAL-18").unwrap().confidence, Confidence::Likely);
}

#[test]
fn cal_19_has_no_date_but_is_a_rule() {
    let cal = cal2024();
    assert_eq!(cal.get("CAL-19"), None);
    assert!(cal.deadlines().iter().all(|d| d.id != "CAL-19"));
    let r = rule("CAL-19").unwrap();
    assert_eq!(r.anchor, Anchor::Undated);
    assert_eq!(r.confidence, Confidence::Unsure);
    assert_eq!(r.message_key, "cal-19");
    let p = RuleParameters::default();
    assert_eq!(
        cal.claim_decision_due(at(2024, 10, 3, 15, 0, 0), &p),
        ClaimDecisionDue::By(at(2024, 10, 4, 0, 0, 0))
    );
    assert_eq!(
        cal.claim_decision_due(at(2024, 11, 15, 23, 59, 59), &p),
        ClaimDecisionDue::By(at(2024, 11, 16, 0, 0, 0))
    );
    assert_eq!(
        cal.claim_decision_due(at(2024, 11, 16, 0, 0, 0), &p),
        ClaimDecisionDue::Immediately
    );
    assert_eq!(
        cal.claim_decision_due(at(2024, 11, 17, 12, 0, 0), &p),
        ClaimDecisionDue::Immediately
    );
}

#[test]
fn cal_19_claim_decision_days_is_read_from_the_parameters() {
    let cal = cal2024();
    let three_days = RuleParameters {
        claim_decision_days: 3,
        ..RuleParameters::default()
    };
    assert_eq!(
        cal.claim_decision_due(at(2024, 10, 3, 15, 0, 0), &three_days),
        ClaimDecisionDue::By(at(2024, 10, 7, 0, 0, 0))
    );
    // Never past the start of the immediate period (V − 1 = 16 November).
    assert_eq!(
        cal.claim_decision_due(at(2024, 11, 14, 9, 0, 0), &three_days),
        ClaimDecisionDue::By(at(2024, 11, 16, 0, 0, 0))
    );
}

#[test]
fn cal_19_claim_immediate_days_before_voting_is_read_from_the_parameters() {
    let cal = cal2024();
    let filed = at(2024, 11, 14, 9, 0, 0);
    assert_eq!(
        cal.claim_decision_due(filed, &RuleParameters::default()),
        ClaimDecisionDue::By(at(2024, 11, 15, 0, 0, 0))
    );
    let three_days = RuleParameters {
        claim_immediate_days_before_voting: 3,
        ..RuleParameters::default()
    };
    assert_eq!(
        cal.claim_decision_due(filed, &three_days),
        ClaimDecisionDue::Immediately
    );
}

#[test]
fn cal_08_override_moves_cal_13() {
    let cal = Calendar::with_overrides(c2024(), v2024(), &[ov("CAL-08", date(2024, 10, 20), None)])
        .unwrap();
    let cal08 = cal.get("CAL-08").unwrap();
    assert_eq!(cal08.date, date(2024, 10, 20));
    assert!(cal08.overridden);
    let cal13 = cal.get("CAL-13").unwrap();
    assert_eq!(cal13.date, date(2024, 10, 20));
    assert!(!cal13.overridden, "CAL-13 follows its anchor");
    assert_eq!(
        cal.check(Action::RegisterCityList, at(2024, 10, 20, 23, 0, 0)),
        Ok(())
    );
    assert_eq!(
        cal.check(Action::CityCampaign, at(2024, 10, 19, 12, 0, 0))
            .unwrap_err()
            .rule(),
        "CAL-13"
    );
    // Nothing else moved.
    let statutory = cal2024();
    for d in cal.deadlines() {
        if !["CAL-08", "CAL-13"].contains(&d.id) {
            assert_eq!(Some(d), statutory.get(d.id));
        }
    }
}

#[test]
fn cal_10_override_moves_cal_14() {
    let cal = Calendar::with_overrides(
        c2024(),
        v2024(),
        &[ov("CAL-10", date(2024, 10, 26), Some(time(18, 0, 0, 0)))],
    )
    .unwrap();
    let cal10 = cal.get("CAL-10").unwrap();
    assert_eq!(
        (cal10.date, cal10.time),
        (date(2024, 10, 26), Some(time(18, 0, 0, 0)))
    );
    assert_eq!(cal.get("CAL-14").unwrap().date, date(2024, 10, 26));
    assert_eq!(
        cal.check(Action::RegisterAiylCandidate, at(2024, 10, 26, 18, 0, 0))
            .unwrap_err()
            .rule(),
        "CAL-10"
    );
}

#[test]
fn cal_13_override_of_the_follower_leaves_its_anchor() {
    let cal = Calendar::with_overrides(c2024(), v2024(), &[ov("CAL-13", date(2024, 10, 19), None)])
        .unwrap();
    assert_eq!(cal.get("CAL-13").unwrap().date, date(2024, 10, 19));
    assert_eq!(cal.get("CAL-08").unwrap().date, date(2024, 10, 18));
}

#[test]
fn cal_07_override_time_of_day() {
    let cal = Calendar::with_overrides(c2024(), v2024(), &[ov("CAL-07", date(2024, 10, 8), None)])
        .unwrap();
    // Now a whole-day deadline: open until the end of 8 October.
    assert_eq!(
        cal.check(Action::NominateCityList, at(2024, 10, 8, 23, 59, 59)),
        Ok(())
    );
    assert!(
        cal.check(Action::NominateCityList, at(2024, 10, 9, 0, 0, 0))
            .is_err()
    );
}

#[test]
fn cal_16_override_changes_closing_time_not_the_day() {
    let cal = Calendar::with_overrides(
        c2024(),
        v2024(),
        &[ov("CAL-16", v2024(), Some(time(21, 0, 0, 0)))],
    )
    .unwrap();
    assert_eq!(
        cal.check(Action::Voting, at(2024, 11, 17, 20, 30, 0)),
        Ok(())
    );
    assert_eq!(
        Calendar::with_overrides(c2024(), v2024(), &[ov("CAL-16", date(2024, 11, 24), None)]),
        Err(CalendarError::VotingDayMoved {
            voting_day: v2024(),
            date: date(2024, 11, 24),
        })
    );
}

#[test]
fn cal_bad_input_voting_day_not_after_calling() {
    for v in [date(2024, 9, 6), date(2024, 9, 5), date(2023, 11, 17)] {
        let err = Calendar::statutory(c2024(), v).unwrap_err();
        assert_eq!(
            err,
            CalendarError::VotingDayNotAfterCalling {
                called: c2024(),
                voting_day: v
            }
        );
        assert_eq!(err.code(), ErrorCode::VotingDayNotAfterCalling);
    }
}

#[test]
fn cal_02_too_short_a_calendar_puts_deadlines_before_the_calling() {
    let called = date(2024, 9, 6);
    let err = Calendar::statutory(called, date(2024, 10, 30)).unwrap_err();
    assert_eq!(
        err,
        CalendarError::DeadlineBeforeCalling {
            id: "CAL-02",
            date: date(2024, 9, 5),
            called,
        }
    );
    // 55 days is the shortest default calendar.
    assert!(Calendar::statutory(called, date(2024, 10, 31)).is_ok());
    // The CEC can fix a short calendar by overrides.
    let fixed = Calendar::with_overrides(called, date(2024, 10, 30), &[ov("CAL-02", called, None)])
        .unwrap();
    assert_eq!(fixed.get("CAL-02").unwrap().date, called);
}

#[test]
fn cal_bad_overrides_are_refused() {
    let (c, v) = (c2024(), v2024());
    assert_eq!(
        Calendar::with_overrides(c, v, &[ov("CAL-99", v, None)]),
        Err(CalendarError::UnknownOverride("CAL-99".to_owned()))
    );
    assert_eq!(
        Calendar::with_overrides(c, v, &[ov("city_registration_closes", v, None)])
            .unwrap_err()
            .code(),
        ErrorCode::UnknownOverride
    );
    assert_eq!(
        Calendar::with_overrides(c, v, &[ov("CAL-19", v, None)]),
        Err(CalendarError::UndatedOverride("CAL-19"))
    );
    let twice = [
        ov("CAL-08", date(2024, 10, 19), None),
        ov("CAL-08", date(2024, 10, 20), None),
    ];
    assert_eq!(
        Calendar::with_overrides(c, v, &twice),
        Err(CalendarError::DuplicateOverride("CAL-08"))
    );
    assert_eq!(
        Calendar::with_overrides(c, v, &[ov("CAL-03", date(2024, 9, 1), None)]),
        Err(CalendarError::DeadlineBeforeCalling {
            id: "CAL-03",
            date: date(2024, 9, 1),
            called: c,
        })
    );
    // Campaign closing before the city campaign opens.
    assert_eq!(
        Calendar::with_overrides(c, v, &[ov("CAL-15", date(2024, 10, 10), None)]),
        Err(CalendarError::WindowInverted {
            action: Action::CityCampaign,
            opens: "CAL-13",
            closes: "CAL-15",
        })
    );
}

#[test]
fn cal_json_of_a_timed_and_a_whole_day_deadline() {
    let cal = cal2024();
    let json = serde_json::to_string(cal.get("CAL-07").unwrap()).unwrap();
    assert_eq!(
        json,
        r#"{"id":"CAL-07","name":"city_nomination_closes","date":"2024-10-07","time":"18:00"}"#
    );
    let whole_day = serde_json::to_value(cal.get("CAL-11").unwrap()).unwrap();
    assert_eq!(
        whole_day,
        serde_json::json!({
            "id": "CAL-11",
            "name": "voter_list_claims_close",
            "date": "2024-11-01",
            "time": null
        })
    );
    let all = serde_json::to_value(cal.deadlines()).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 18);
    for item in all.as_array().unwrap() {
        assert_eq!(item.as_object().unwrap().len(), 4, "{item}");
    }
}

#[test]
fn cal_override_json_round_trip() {
    let parsed: Vec<CalendarOverride> = serde_json::from_str(
        r#"[{"id":"CAL-08","date":"2024-10-20","time":null},
            {"id":"CAL-07","date":"2024-10-08","time":"17:30"},
            {"id":"CAL-10","date":"2024-10-27"}]"#,
    )
    .unwrap();
    assert_eq!(
        parsed,
        vec![
            ov("CAL-08", date(2024, 10, 20), None),
            ov("CAL-07", date(2024, 10, 8), Some(time(17, 30, 0, 0))),
            ov("CAL-10", date(2024, 10, 27), None),
        ]
    );
    assert_eq!(
        serde_json::to_string(&parsed[1]).unwrap(),
        r#"{"id":"CAL-07","date":"2024-10-08","time":"17:30"}"#
    );
    assert!(
        serde_json::from_str::<CalendarOverride>(
            r#"{"id":"CAL-07","date":"2024-10-08","time":"25:00"}"#
        )
        .is_err()
    );
}

#[test]
fn cal_action_closed_json_and_display() {
    let cal = cal2024();
    let err = cal
        .check(Action::NominateCityList, at(2024, 10, 7, 18, 0, 0))
        .unwrap_err();
    assert_eq!(
        serde_json::to_value(err).unwrap(),
        serde_json::json!({
            "code": "action_closed",
            "action": "nominate_city_list",
            "rule": "CAL-07",
            "closed_at": "2024-10-07T12:00:00Z"
        })
    );
    assert_eq!(
        err.to_string(),
        "nominate_city_list closed at 2024-10-07 18:00 Asia/Bishkek (CAL-07)"
    );
    assert_eq!(err.message_key(), "calendar-closed");
    assert_eq!(err.action(), Action::NominateCityList);
    assert_eq!(err.instant(), utc("2024-10-07T12:00:00Z"));
}

#[test]
fn cal_open_actions_on_a_few_days_of_2024() {
    let cal = cal2024();
    assert_eq!(cal.open_actions(at(2024, 9, 1, 12, 0, 0)), vec![]);
    assert_eq!(
        cal.open_actions(at(2024, 10, 20, 12, 0, 0)),
        vec![
            Action::RegisterAiylCandidate,
            Action::PublishPreliminaryVoterLists,
            Action::FileVoterListClaim,
            Action::ApplyRemoteVoting,
            Action::CityCampaign,
            Action::CompileVoterLists,
            Action::SetRuleParameters,
            Action::SetBallotOrder,
            Action::IssueMediaBadges,
            Action::RecordCampaignPlaces,
        ]
    );
    // The rule parameters are fixed once voting opens.
    assert!(
        cal.check(Action::SetRuleParameters, at(2024, 11, 17, 7, 59, 59))
            .is_ok()
    );
    assert!(
        cal.check(Action::SetRuleParameters, at(2024, 11, 17, 8, 0, 0))
            .is_err()
    );
    assert_eq!(
        cal.open_actions(at(2024, 11, 17, 12, 0, 0)),
        vec![
            Action::PublishPreliminaryVoterLists,
            Action::Voting,
            Action::IssueMediaBadges
        ]
    );
    assert_eq!(
        cal.open_actions(at(2024, 11, 18, 12, 0, 0)),
        vec![
            Action::PublishPreliminaryVoterLists,
            Action::EnterProtocols,
            Action::DetermineResults,
            Action::IssueMediaBadges
        ]
    );
}

#[test]
fn cal_status_at_marks_past_current_and_upcoming() {
    let cal = cal2024();
    let status = cal.status_at(at(2024, 10, 7, 12, 0, 0));
    let state = |id: &str| status.iter().find(|s| s.deadline.id == id).unwrap().state;
    assert_eq!(state("CAL-05"), DeadlineState::Past);
    assert_eq!(state("CAL-07"), DeadlineState::Current);
    assert_eq!(state("CAL-06"), DeadlineState::Upcoming);
    assert_eq!(status.len(), 18);
    let later = cal.status_at(at(2024, 10, 7, 18, 0, 0));
    assert_eq!(later[6].deadline.id, "CAL-07");
    assert_eq!(later[6].state, DeadlineState::Past);
    // Voting is upcoming until 08:00 on voting day.
    let morning = cal.status_at(at(2024, 11, 17, 7, 0, 0));
    assert_eq!(morning[15].deadline.id, "CAL-16");
    assert_eq!(morning[15].state, DeadlineState::Upcoming);
    let json = serde_json::to_value(status[6]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "CAL-07",
            "name": "city_nomination_closes",
            "date": "2024-10-07",
            "time": "18:00",
            "starts_at": "2024-10-06T18:00:00Z",
            "closes_at": "2024-10-07T12:00:00Z",
            "state": "current"
        })
    );
}

#[test]
fn cal_rules_table_is_well_formed() {
    for (i, r) in RULES.iter().enumerate() {
        assert_eq!(r.id, format!("CAL-{:02}", i + 1));
        assert_eq!(r.message_key, r.id.to_lowercase());
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}",
            r.name
        );
        assert_eq!(RULES.iter().filter(|o| o.name == r.name).count(), 1);
        if let Anchor::Rule(anchor) = r.anchor {
            let j = RULES.iter().position(|o| o.id == anchor).unwrap();
            assert!(j < i, "{} is anchored on a later rule", r.id);
            assert_ne!(RULES[j].anchor, Anchor::Undated);
        }
        assert_eq!(rule(r.id), Some(r));
    }
    assert_eq!(Calendar::rules().len(), 19);
    assert_eq!(rule("CAL-20"), None);
}

#[test]
fn cal_actions_have_stable_codes_keys_and_dated_bounds() {
    let cal = cal2024();
    for a in Action::ALL {
        assert_eq!(
            a.message_key(),
            format!("action-{}", a.code().replace('_', "-"))
        );
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::Value::String(a.code().to_owned())
        );
        assert_eq!(Action::from_code(a.code()), Some(a));
        assert_eq!(a.to_string(), a.code());
        for bound in [a.opens(), a.closes()].into_iter().flatten() {
            assert!(cal.get(bound.rule()).is_some(), "{a}: {}", bound.rule());
        }
        let (opens, closes) = cal.window(a);
        assert_eq!(opens.is_some(), a.opens().is_some());
        assert_eq!(closes.is_some(), a.closes().is_some());
    }
    assert_eq!(Action::from_code("nope"), None);
}

proptest! {
    #[test]
    fn cal_deadlines_are_in_a_sensible_order(
        called_offset in 0i32..20_000,
        gap in 60i32..400,
    ) {
        let called = date(1990, 1, 1).checked_add(jiff::Span::new().days(called_offset)).unwrap();
        let voting_day = called.checked_add(jiff::Span::new().days(gap)).unwrap();
        let cal = Calendar::statutory(called, voting_day).unwrap();
        let end = |id: &str| cal.get(id).unwrap().closes_at();
        let start = |id: &str| cal.get(id).unwrap().starts_at();
        let day = |id: &str| cal.get(id).unwrap().date;
        prop_assert_eq!(day("CAL-01"), called);
        prop_assert!(cal.deadlines().iter().all(|d| d.date >= called));
        prop_assert!(start("CAL-01") < start("CAL-02"));
        prop_assert!(start("CAL-02") < start("CAL-04"));
        prop_assert!(day("CAL-04") <= day("CAL-11"));
        prop_assert!(end("CAL-03") < end("CAL-05"));
        prop_assert!(end("CAL-07") < end("CAL-08"));
        prop_assert!(end("CAL-09") < end("CAL-10"));
        prop_assert!(end("CAL-07") < end("CAL-09"));
        prop_assert!(end("CAL-11") < from_bishkek(voting_day, Time::midnight()));
        prop_assert_eq!(end("CAL-11"), end("CAL-12"));
        prop_assert_eq!(day("CAL-13"), day("CAL-08"));
        prop_assert_eq!(day("CAL-14"), day("CAL-10"));
        prop_assert!(start("CAL-13") < start("CAL-14"));
        prop_assert!(start("CAL-14") < end("CAL-15"));
        prop_assert!(end("CAL-15") < start("CAL-16"));
        prop_assert!(start("CAL-16") < end("CAL-16"));
        prop_assert!(end("CAL-16") < end("CAL-17"));
        prop_assert_eq!(day("CAL-16"), voting_day);
        for a in Action::ALL {
            if let (Some(o), Some(c)) = cal.window(a) {
                prop_assert!(o < c, "{} window is empty", a);
            }
        }
    }

    #[test]
    fn cal_short_calendars_are_refused_not_mangled(
        called_offset in 0i32..20_000,
        gap in -30i32..55,
    ) {
        let called = date(1990, 1, 1).checked_add(jiff::Span::new().days(called_offset)).unwrap();
        let voting_day = called.checked_add(jiff::Span::new().days(gap)).unwrap();
        prop_assert!(Calendar::statutory(called, voting_day).is_err());
    }
}
