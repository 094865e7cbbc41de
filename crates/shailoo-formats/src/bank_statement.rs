//! The statement of an election fund's special account (CMP-04), `bank_statement.csv`: one
//! row per movement, money in from a donor or out for a purpose (`docs/data-formats.md`,
//! "Bank statement of an election fund").
//!
//! Columns: `date,direction,amount,donor_kind,counterparty,purpose`.
//! - `direction`: `in` or `out`;
//! - `amount`: som with at most two decimals;
//! - `donor_kind`: for money in, `own`, `person`, `legal_entity`, `foreign` or `anonymous`;
//!   empty for money out;
//! - `counterparty`: the donor (a PIN, a registration number, a name; empty only for an
//!   anonymous donation) or the payee;
//! - `purpose`: required for money out.
//!
//! Read whole from an upload: any malformed row refuses the file, naming line and column.

use crate::error::{FormatError, RowError, RowErrorKind};
use crate::table::{Fields, Table};
use shailoo_domain::funds::{DonorKind, Movement, MovementKind};
use shailoo_domain::media::Money;

pub const BANK_STATEMENT: &str = "bank_statement.csv";

pub const BANK_STATEMENT_COLUMNS: [&str; 6] = [
    "date",
    "direction",
    "amount",
    "donor_kind",
    "counterparty",
    "purpose",
];

const DATE: usize = 0;
const DIRECTION: usize = 1;
const AMOUNT: usize = 2;
const DONOR_KIND: usize = 3;
const COUNTERPARTY: usize = 4;
const PURPOSE: usize = 5;

fn direction(s: &str) -> Option<bool> {
    match s {
        "in" => Some(true),
        "out" => Some(false),
        _ => None,
    }
}

fn amount(f: &Fields<'_>) -> Result<Money, RowError> {
    let s = f.required(AMOUNT)?;
    Money::parse(s).map_err(|_| {
        f.err(
            AMOUNT,
            RowErrorKind::BadMoney {
                value: s.to_owned(),
            },
        )
    })
}

/// Reads a fund's bank statement from the bytes of an upload named `file`.
pub fn read_bank_statement(file: &str, bytes: Vec<u8>) -> Result<Vec<Movement>, FormatError> {
    let mut table = Table::from_bytes(file, bytes, &BANK_STATEMENT_COLUMNS)?;
    let mut out = Vec::new();
    while let Some(line) = table.advance() {
        let line = line?;
        let f = table.fields(line);
        let on = f.date(DATE)?;
        let incoming = f.enumerated(DIRECTION, direction, "in, out")?;
        let amount = amount(&f)?;
        let counterparty = f.optional(COUNTERPARTY)?.unwrap_or("").to_owned();
        let kind = if incoming {
            let donor_kind = f.enumerated(
                DONOR_KIND,
                DonorKind::from_code,
                "own, person, legal_entity, foreign, anonymous",
            )?;
            if counterparty.is_empty() && donor_kind != DonorKind::Anonymous {
                return Err(f.err(COUNTERPARTY, RowErrorKind::Empty).into());
            }
            MovementKind::Income {
                donor_kind,
                donor: counterparty,
            }
        } else {
            if f.optional(DONOR_KIND)?.is_some() {
                return Err(f
                    .err(
                        DONOR_KIND,
                        RowErrorKind::Inapplicable {
                            why: "money out has no donor",
                        },
                    )
                    .into());
            }
            MovementKind::Expense {
                purpose: f.required(PURPOSE)?.to_owned(),
            }
        };
        out.push(Movement {
            line,
            on,
            amount,
            kind,
        });
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use jiff::civil::date;

    const GOOD: &str = "date,direction,amount,donor_kind,counterparty,purpose\n\
        2024-10-20,in,100000,own,party,\n\
        2024-10-21,in,500.50,anonymous,,\n\
        2024-10-22,out,20000,,Typography LLC,posters\n";

    fn read(text: &str) -> Result<Vec<Movement>, FormatError> {
        read_bank_statement(BANK_STATEMENT, text.as_bytes().to_vec())
    }

    #[test]
    fn cmp_04_a_statement_reads_income_and_expenses_with_their_lines() {
        let m = read(GOOD).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!((m[1].line, m[1].on), (3, date(2024, 10, 21)));
        assert_eq!(m[1].amount, Money::from_tyiyn(50_050));
        assert_eq!(
            m[2].kind,
            MovementKind::Expense {
                purpose: "posters".into()
            }
        );
    }

    #[test]
    fn cmp_04_a_malformed_statement_row_is_named_by_line_and_column() {
        let cases = [
            ("2024-10-23,in,1e5,person,x,\n", "amount", "bad_money"),
            (
                "2024-10-23,sideways,1,person,x,\n",
                "direction",
                "unknown_value",
            ),
            ("2024-10-23,in,1,friend,x,\n", "donor_kind", "unknown_value"),
            ("2024-10-23,in,1,person,,\n", "counterparty", "empty_value"),
            (
                "2024-10-23,out,1,person,x,ads\n",
                "donor_kind",
                "inapplicable_value",
            ),
            ("2024-10-23,out,1,,x,\n", "purpose", "empty_value"),
            ("23.10.2024,out,1,,x,ads\n", "date", "bad_date"),
        ];
        for (row, column, code) in cases {
            let e = read(&format!("{GOOD}{row}")).unwrap_err();
            let r = e.row().unwrap();
            assert_eq!(
                (r.line, r.column, r.reason.code()),
                (5, Some(column), code),
                "{row}"
            );
        }
    }
}
