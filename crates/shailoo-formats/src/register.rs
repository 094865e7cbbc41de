//! The population register extract (ЕГРН), `register.csv`: one person per row, read as a
//! stream of [`RegisterRecord`]s and written from borrowed [`RegisterRow`]s.
//!
//! Both directions stream: a national extract (about 4.3 million rows, 790 MB) is never held
//! in memory. The reader reuses one record and parses fields in place, so the only allocations
//! per row are the strings the record owns; the writer takes borrowed text and formats dates
//! into stack buffers. A PIN whose sex or birth date contradicts its row is refused (VOT-10).

use crate::error::{FormatError, RowError, RowErrorKind, WriteError};
use crate::manifest::FileSummary;
use crate::table::{Table, TableWriter, bool_str, format_date};
use jiff::civil::Date;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::{Pin, Sex, TerritoryId};
use std::collections::HashSet;
use std::path::Path;

pub const REGISTER_COLUMNS: [&str; 15] = [
    "pin",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_date",
    "citizen",
    "biometrics",
    "settlement",
    "street",
    "house",
    "address_registered_on",
    "residence_stamp",
    "court_incapable",
    "imprisoned",
];

/// One row of the extract as borrowed text: what the writer takes, so that a producer can
/// stream persons without building a [`RegisterRecord`] for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterRow<'a> {
    pub pin: Pin,
    pub surname: &'a str,
    pub given_name: &'a str,
    pub patronymic: Option<&'a str>,
    pub sex: Sex,
    pub birth_date: Date,
    pub citizen: bool,
    pub biometrics: bool,
    pub settlement: &'a TerritoryId,
    pub street: &'a str,
    pub house: &'a str,
    pub address_registered_on: Date,
    pub residence_stamp: bool,
    pub court_incapable: bool,
    pub imprisoned: bool,
}

impl RegisterRow<'_> {
    /// The record the reader would give for this row.
    pub fn to_record(self) -> RegisterRecord {
        RegisterRecord {
            pin: self.pin,
            surname: self.surname.to_owned(),
            given_name: self.given_name.to_owned(),
            patronymic: self.patronymic.map(str::to_owned),
            sex: self.sex,
            birth_date: self.birth_date,
            citizen: self.citizen,
            biometrics: self.biometrics,
            settlement: self.settlement.clone(),
            street: self.street.to_owned(),
            house: self.house.to_owned(),
            address_registered_on: self.address_registered_on,
            residence_stamp: self.residence_stamp,
            court_incapable: self.court_incapable,
            imprisoned: self.imprisoned,
        }
    }
}

impl<'a> From<&'a RegisterRecord> for RegisterRow<'a> {
    fn from(r: &'a RegisterRecord) -> RegisterRow<'a> {
        RegisterRow {
            pin: r.pin,
            surname: &r.surname,
            given_name: &r.given_name,
            patronymic: r.patronymic.as_deref(),
            sex: r.sex,
            birth_date: r.birth_date,
            citizen: r.citizen,
            biometrics: r.biometrics,
            settlement: &r.settlement,
            street: &r.street,
            house: &r.house,
            address_registered_on: r.address_registered_on,
            residence_stamp: r.residence_stamp,
            court_incapable: r.court_incapable,
            imprisoned: r.imprisoned,
        }
    }
}

/// A streaming, strict reader of `register.csv`: an iterator of records or row errors. A row
/// error does not end the iteration; the caller decides whether to stop.
pub struct RegisterReader {
    table: Table,
    /// The settlements a row may name, when the caller knows them (the election's setup).
    known: Option<HashSet<TerritoryId>>,
}

impl RegisterReader {
    /// Opens the file and checks its header.
    pub fn open(path: &Path) -> Result<RegisterReader, FormatError> {
        Ok(RegisterReader {
            table: Table::open(path, &REGISTER_COLUMNS)?,
            known: None,
        })
    }

    /// Refuses a row whose settlement is not one of `known` (the territories of the setup the
    /// extract is imported into): a place the election does not know is an error of the
    /// extract, named at its line like any other, not a person silently left off every list.
    pub fn known_settlements(mut self, known: HashSet<TerritoryId>) -> RegisterReader {
        self.known = Some(known);
        self
    }

    /// Bytes of the file read so far (up to the end of the last row returned), for progress
    /// reports of a long import (the web page shows bytes done of the file's size).
    pub fn bytes_read(&self) -> u64 {
        self.table.bytes_read()
    }

    fn parse(&self, line: u64) -> Result<RegisterRecord, RowError> {
        let f = self.table.fields(line);
        let pin =
            Pin::parse(f.required(0)?).map_err(|e| f.err(0, RowErrorKind::MalformedPin(e)))?;
        let sex = f.enumerated(4, sex_of, "female, male")?;
        if pin.sex() != sex {
            return Err(f.err(
                4,
                RowErrorKind::ContradictsPin {
                    from_pin: pin.sex().as_str().into(),
                    in_row: sex.as_str().into(),
                },
            ));
        }
        let birth_date = f.date(5)?;
        if pin.birth_date() != birth_date {
            return Err(f.err(
                5,
                RowErrorKind::ContradictsPin {
                    from_pin: pin.birth_date().to_string(),
                    in_row: birth_date.to_string(),
                },
            ));
        }
        let settlement = f.id(8, TerritoryId::parse)?;
        if let Some(known) = &self.known
            && !known.contains(&settlement)
        {
            return Err(f.err(
                8,
                RowErrorKind::UnknownSettlement {
                    value: settlement.to_string(),
                },
            ));
        }
        Ok(RegisterRecord {
            pin,
            surname: f.required(1)?.to_owned(),
            given_name: f.required(2)?.to_owned(),
            patronymic: f.optional(3)?.map(str::to_owned),
            sex,
            birth_date,
            citizen: f.boolean(6)?,
            biometrics: f.boolean(7)?,
            settlement,
            street: f.required(9)?.to_owned(),
            house: f.required(10)?.to_owned(),
            address_registered_on: f.date(11)?,
            residence_stamp: f.boolean(12)?,
            court_incapable: f.boolean(13)?,
            imprisoned: f.boolean(14)?,
        })
    }
}

impl Iterator for RegisterReader {
    type Item = Result<RegisterRecord, RowError>;
    fn next(&mut self) -> Option<Self::Item> {
        let line = match self.table.advance()? {
            Ok(line) => line,
            Err(e) => return Some(Err(e)),
        };
        Some(self.parse(line))
    }
}

fn sex_of(s: &str) -> Option<Sex> {
    // Only the documented spellings; `Sex::from_str` is more lenient for people typing.
    match s {
        "female" => Some(Sex::Female),
        "male" => Some(Sex::Male),
        _ => None,
    }
}

/// A streaming writer of `register.csv`: the header on creation, then one row per
/// [`RegisterWriter::write`], and [`RegisterWriter::finish`] to flush.
pub struct RegisterWriter {
    table: TableWriter,
    birth_date: [u8; 10],
    registered_on: [u8; 10],
}

impl RegisterWriter {
    /// Creates (or truncates) the file and writes the header.
    pub fn create(path: &Path) -> Result<RegisterWriter, WriteError> {
        Ok(RegisterWriter {
            table: TableWriter::create(path, &REGISTER_COLUMNS)?,
            birth_date: [0; 10],
            registered_on: [0; 10],
        })
    }

    /// Writes one person.
    pub fn write(&mut self, p: &RegisterRow<'_>) -> Result<(), WriteError> {
        let fields: [&[u8]; 15] = [
            p.pin.as_str().as_bytes(),
            p.surname.as_bytes(),
            p.given_name.as_bytes(),
            p.patronymic.unwrap_or("").as_bytes(),
            p.sex.as_str().as_bytes(),
            format_date(p.birth_date, &mut self.birth_date),
            bool_str(p.citizen).as_bytes(),
            bool_str(p.biometrics).as_bytes(),
            p.settlement.as_str().as_bytes(),
            p.street.as_bytes(),
            p.house.as_bytes(),
            format_date(p.address_registered_on, &mut self.registered_on),
            bool_str(p.residence_stamp).as_bytes(),
            bool_str(p.court_incapable).as_bytes(),
            bool_str(p.imprisoned).as_bytes(),
        ];
        self.table.write(fields)
    }

    /// Flushes the file and says what it holds (persons written, bytes).
    pub fn finish(self) -> Result<FileSummary, WriteError> {
        self.table.finish()
    }
}
