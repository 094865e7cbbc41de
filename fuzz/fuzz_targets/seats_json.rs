//! Fuzz target: arbitrary bytes into the `shailoo seats` JSON contract.
//!
//! Checks that `run_json` never panics, and the electoral invariants of whatever it completes:
//! seat conservation (seats given + unfilled = council size; no unfilled seat when no list is
//! capped by its candidates), the women's reserve met as far as women run (DIS-04, RES-10), and
//! well-formed ties (RES-08).

#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use shailoo_apportionment::{SeatsInput, parse_input, run_json};

fn count(value: &Value, key: &str) -> u64 {
    value[key].as_u64().expect("counts are unsigned integers")
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(out) = run_json(text) else {
        return;
    };
    let input = parse_input(text).expect("an input that ran parses");
    match out["status"].as_str() {
        Some("completed") => match &input {
            SeatsInput::PartyList(p) => {
                let lists = out["seats"].as_array().expect("party lists report seats");
                let given: u64 = lists.iter().map(|l| count(l, "seats")).sum();
                assert_eq!(
                    given + count(&out, "unfilled"),
                    p.seats,
                    "seat conservation"
                );
                if p.lists.iter().all(|l| l.candidates.is_none()) {
                    assert_eq!(count(&out, "unfilled"), 0, "no cap, no unfilled seat");
                }
            }
            SeatsInput::DistrictPlurality(d) => {
                let elected = out["elected"].as_array().expect("districts report elected");
                let filled = d.seats.min(d.candidates.len() as u64);
                assert_eq!(
                    elected.len() as u64,
                    filled,
                    "every mandate filled while candidates last"
                );
                assert_eq!(
                    filled + count(&out, "unfilled"),
                    d.seats,
                    "seat conservation"
                );
                let women = d
                    .candidates
                    .iter()
                    .filter(|c| c.sex == shailoo_apportionment::Sex::Female)
                    .count() as u64;
                let reserved = elected.iter().filter(|e| e["reserved"] == true).count() as u64;
                assert_eq!(reserved, d.reserved().min(women), "women's reserve");
            }
        },
        Some("lots_required") => {
            let tied = out["tied"].as_array().expect("a tie names its ids").len() as u64;
            let seats = count(&out, "seats_in_question");
            assert!(
                seats >= 1 && seats < tied,
                "a tie is for fewer seats than tied ids"
            );
        }
        Some("failed") => assert!(matches!(input, SeatsInput::PartyList(_))),
        other => panic!("unknown status {other:?}"),
    }
});
