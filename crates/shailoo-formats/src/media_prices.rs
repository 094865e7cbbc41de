//! A media outlet's price list (CMP-01, CMP-02), `media_prices.csv`: its election prices per
//! service and buyer, and the prices it charged for the same services in the six months
//! before the election was called (`docs/data-formats.md`, "Media price list").
//!
//! Columns: `period,service,unit,buyer,price,charged_on`.
//! - `period`: `election` (a price for the campaign) or `earlier` (a price charged before the
//!   calling);
//! - `service`, `unit`: what is sold and per what, as the outlet names them (`airtime_prime`,
//!   `minute`); the check compares rows with the same service and unit;
//! - `buyer`: for an election price, `all` or the party or candidate it is for; empty for an
//!   earlier price;
//! - `price`: som with at most two decimals (`1500`, `1500.50`);
//! - `charged_on`: for an earlier price, the day it was charged (`YYYY-MM-DD`); empty for an
//!   election price.
//!
//! The file is read whole from an upload: any malformed row refuses the whole file, naming
//! the line and the column.

use crate::error::{FormatError, RowError, RowErrorKind};
use crate::table::{Fields, Table};
use shailoo_domain::media::{Buyer, EarlierPrice, ElectionPrice, Money, PriceList};

/// The file's name in errors and downloads.
pub const MEDIA_PRICES: &str = "media_prices.csv";

pub const MEDIA_PRICES_COLUMNS: [&str; 6] =
    ["period", "service", "unit", "buyer", "price", "charged_on"];

const PERIOD: usize = 0;
const SERVICE: usize = 1;
const UNIT: usize = 2;
const BUYER: usize = 3;
const PRICE: usize = 4;
const CHARGED_ON: usize = 5;

/// The longest service, unit or buyer name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

enum Period {
    Election,
    Earlier,
}

fn period(s: &str) -> Option<Period> {
    match s {
        "election" => Some(Period::Election),
        "earlier" => Some(Period::Earlier),
        _ => None,
    }
}

fn name(f: &Fields<'_>, i: usize) -> Result<String, RowError> {
    let s = f.required(i)?;
    if s.chars().count() > MAX_NAME_CHARS {
        return Err(f.err(
            i,
            RowErrorKind::Inconsistent {
                why: "longer than 200 characters",
            },
        ));
    }
    Ok(s.to_owned())
}

fn money(f: &Fields<'_>, i: usize) -> Result<Money, RowError> {
    let s = f.required(i)?;
    Money::parse(s).map_err(|_| {
        f.err(
            i,
            RowErrorKind::BadMoney {
                value: s.to_owned(),
            },
        )
    })
}

fn empty(f: &Fields<'_>, i: usize, why: &'static str) -> Result<(), RowError> {
    match f.optional(i)? {
        None => Ok(()),
        Some(_) => Err(f.err(i, RowErrorKind::Inapplicable { why })),
    }
}

/// Reads a price list from the bytes of an upload named `file`: all of it, or the first bad
/// row with its line and column.
pub fn read_media_prices(file: &str, bytes: Vec<u8>) -> Result<PriceList, FormatError> {
    let mut table = Table::from_bytes(file, bytes, &MEDIA_PRICES_COLUMNS)?;
    let mut list = PriceList::default();
    while let Some(line) = table.advance() {
        let line = line?;
        let f = table.fields(line);
        let service = name(&f, SERVICE)?;
        let unit = name(&f, UNIT)?;
        match f.enumerated(PERIOD, period, "election, earlier")? {
            Period::Election => {
                empty(&f, CHARGED_ON, "an election price has no date charged")?;
                list.election.push(ElectionPrice {
                    line,
                    service,
                    unit,
                    buyer: Buyer::parse(&name(&f, BUYER)?),
                    price: money(&f, PRICE)?,
                });
            }
            Period::Earlier => {
                empty(
                    &f,
                    BUYER,
                    "an earlier price is the outlet's price for anyone",
                )?;
                list.earlier.push(EarlierPrice {
                    line,
                    service,
                    unit,
                    price: money(&f, PRICE)?,
                    charged_on: f.date(CHARGED_ON)?,
                });
            }
        }
    }
    Ok(list)
}

/// Writes a price list as [`read_media_prices`] reads it: the election prices, then the
/// earlier ones.
pub fn write_media_prices(list: &PriceList) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(MEDIA_PRICES_COLUMNS)?;
    for p in &list.election {
        let price = p.price.to_string();
        w.write_record([
            "election",
            &p.service,
            &p.unit,
            p.buyer.as_str(),
            &price,
            "",
        ])?;
    }
    for p in &list.earlier {
        let (price, on) = (p.price.to_string(), p.charged_on.to_string());
        w.write_record(["earlier", &p.service, &p.unit, "", &price, &on])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use jiff::civil::date;

    const GOOD: &str = "period,service,unit,buyer,price,charged_on\n\
        election,airtime_prime,minute,all,1500,\n\
        election,airtime_prime,minute,emgek,1200.50,\n\
        earlier,airtime_prime,minute,,1500.00,2024-05-01\n";

    fn read(text: &str) -> Result<PriceList, FormatError> {
        read_media_prices(MEDIA_PRICES, text.as_bytes().to_vec())
    }

    #[test]
    fn cmp_01_a_price_list_reads_its_election_and_earlier_prices_with_their_lines() {
        let list = read(GOOD).unwrap();
        assert_eq!(list.election.len(), 2);
        assert_eq!(list.election[1].line, 3);
        assert_eq!(list.election[1].buyer, Buyer::Named("emgek".into()));
        assert_eq!(list.election[1].price, Money::from_tyiyn(120_050));
        assert_eq!(list.earlier[0].line, 4);
        assert_eq!(list.earlier[0].charged_on, date(2024, 5, 1));
        let written = write_media_prices(&list).unwrap();
        assert_eq!(read_media_prices(MEDIA_PRICES, written).unwrap(), list);
    }

    #[test]
    fn cmp_01_a_malformed_row_is_named_by_line_and_column() {
        let cases = [
            ("election,x,minute,all,15 000,\n", "price", "bad_money"),
            (
                "election,x,minute,all,1500,2024-05-01\n",
                "charged_on",
                "inapplicable_value",
            ),
            (
                "earlier,x,minute,emgek,1500,2024-05-01\n",
                "buyer",
                "inapplicable_value",
            ),
            ("earlier,x,minute,,1500,1 May\n", "charged_on", "bad_date"),
            ("later,x,minute,all,1500,\n", "period", "unknown_value"),
            ("election,,minute,all,1500,\n", "service", "empty_value"),
            (
                "election,x,minute,\u{202E}all,1500,\n",
                "buyer",
                "forbidden_character",
            ),
        ];
        for (row, column, code) in cases {
            let text = format!("{GOOD}{row}");
            let e = read(&text).unwrap_err();
            let row = e.row().unwrap();
            assert_eq!(
                (row.line, row.column, row.reason.code()),
                (5, Some(column), code),
                "{text}"
            );
            assert!(e.to_string().contains("media_prices.csv, line 5"), "{e}");
        }
        let e = read("period,service,unit,buyer,price\n").unwrap_err();
        assert_eq!(e.row().unwrap().reason.code(), "wrong_header");
        let e = read(&format!("{GOOD}election,x,minute,all\n")).unwrap_err();
        assert_eq!(e.row().unwrap().reason.code(), "wrong_column_count");
    }
}
