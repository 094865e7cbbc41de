//! Every reason a reader gives for refusing a row is in the table of `docs/data-formats.md`
//! ("Errors reported by the readers"), so an operator who reads a code finds what it means.

use shailoo_domain::candidate::party::PartyRegistrationNumberError;
use shailoo_domain::text::ForbiddenCharacter;
use shailoo_domain::{IdError, PinError};
use shailoo_formats::RowErrorKind;

/// One of each kind. The `match` has no wildcard, so a kind added to `RowErrorKind` does not
/// compile here until it is listed, and then must be documented to pass.
#[allow(
    clippy::too_many_lines,
    reason = "a list, one line per kind, twice: its length is the enum's"
)]
fn one_of_each_kind() -> Vec<RowErrorKind> {
    let value = String::new;
    let kinds = vec![
        RowErrorKind::MissingHeader,
        RowErrorKind::WrongHeader {
            expected: "pin",
            found: value(),
        },
        RowErrorKind::WrongColumnCount {
            expected: 2,
            found: 3,
        },
        RowErrorKind::NotUtf8,
        RowErrorKind::ForbiddenCharacter(ForbiddenCharacter {
            character: '\0',
            position: 1,
        }),
        RowErrorKind::Empty,
        RowErrorKind::MalformedPin(PinError::WrongLength(13)),
        RowErrorKind::MalformedPin(PinError::NotADigit('x')),
        RowErrorKind::MalformedPin(PinError::BadSexDigit('9')),
        RowErrorKind::MalformedPin(PinError::BadBirthDate(value())),
        RowErrorKind::BadDate { value: value() },
        RowErrorKind::UnknownValue {
            value: value(),
            allowed: "",
        },
        RowErrorKind::BadBool { value: value() },
        RowErrorKind::BadNumber { value: value() },
        RowErrorKind::BadMoney { value: value() },
        RowErrorKind::BadPhone { value: value() },
        RowErrorKind::BadId(IdError::Empty),
        RowErrorKind::ContradictsPin {
            from_pin: value(),
            in_row: value(),
        },
        RowErrorKind::BadRegistrationNumber(PartyRegistrationNumberError::Empty),
        RowErrorKind::BadRegistrationNumber(PartyRegistrationNumberError::TooLong(33)),
        RowErrorKind::BadRegistrationNumber(PartyRegistrationNumberError::BadCharacter('!')),
        RowErrorKind::Inapplicable { why: "" },
        RowErrorKind::Inconsistent { why: "" },
        RowErrorKind::UnknownReference {
            what: "",
            value: value(),
        },
        RowErrorKind::Duplicate { value: value() },
        RowErrorKind::Syntax(value()),
        RowErrorKind::UnknownSettlement { value: value() },
    ];
    for kind in &kinds {
        match kind {
            RowErrorKind::MissingHeader
            | RowErrorKind::WrongHeader { .. }
            | RowErrorKind::WrongColumnCount { .. }
            | RowErrorKind::NotUtf8
            | RowErrorKind::ForbiddenCharacter(_)
            | RowErrorKind::Empty
            | RowErrorKind::MalformedPin(_)
            | RowErrorKind::BadDate { .. }
            | RowErrorKind::UnknownValue { .. }
            | RowErrorKind::BadBool { .. }
            | RowErrorKind::BadNumber { .. }
            | RowErrorKind::BadMoney { .. }
            | RowErrorKind::BadPhone { .. }
            | RowErrorKind::BadId(_)
            | RowErrorKind::ContradictsPin { .. }
            | RowErrorKind::BadRegistrationNumber(_)
            | RowErrorKind::Inapplicable { .. }
            | RowErrorKind::Inconsistent { .. }
            | RowErrorKind::UnknownReference { .. }
            | RowErrorKind::Duplicate { .. }
            | RowErrorKind::Syntax(_)
            | RowErrorKind::UnknownSettlement { .. } => {}
        }
    }
    kinds
}

#[test]
fn every_refusal_code_of_the_readers_is_documented() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/data-formats.md"),
    )
    .expect("docs/data-formats.md is readable");
    let table = docs
        .split("## Errors reported by the readers")
        .nth(1)
        .expect("the section exists");
    for kind in one_of_each_kind() {
        let code = kind.code();
        assert!(
            table.contains(&format!("`{code}`")),
            "{code} is missing from the error table of docs/data-formats.md"
        );
    }
}
