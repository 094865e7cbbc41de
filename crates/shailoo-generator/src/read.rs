//! Strict readers of the dataset files, parsing straight into domain types.
//!
//! Later imports rely on these, so nothing is guessed: the header must be exactly the documented
//! one, every row has exactly as many fields, enum values and booleans are the documented
//! spellings, dates are `YYYY-MM-DD`, ids and PINs go through their domain parsers, and a PIN
//! whose sex or birth date contradicts its row is refused (VOT-10). Every error names the file,
//! the 1-based line, the column and the reason.
//!
//! The register reader reuses one `ByteRecord` and parses fields in place: the only allocations
//! per row are the strings the `RegisterRecord` owns.

use crate::write::files;
use jiff::civil::Date;
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, CouncilKind, Election, LocalizedName,
    PollingStation, Setup, SetupError, StationArea, Territory, TerritoryKind,
};
use shailoo_domain::{
    CommissionId, CouncilId, IdError, Pin, PinError, SeatCount, Sex, StationNumber, TerritoryId,
};
use std::collections::HashSet;
use std::fs::File;
use std::path::Path;

pub const TERRITORIES_COLUMNS: [&str; 6] =
    ["id", "kind", "parent", "name_ky", "name_ru", "name_en"];
pub const COUNCILS_COLUMNS: [&str; 7] = [
    "id",
    "kind",
    "territory",
    "seats",
    "name_ky",
    "name_ru",
    "name_en",
];
pub const COMMISSIONS_COLUMNS: [&str; 7] = [
    "id",
    "level",
    "parent",
    "territory",
    "name_ky",
    "name_ru",
    "name_en",
];
pub const STATIONS_COLUMNS: [&str; 13] = [
    "number",
    "commission",
    "council",
    "territory",
    "remote_voting",
    "address_ky",
    "address_ru",
    "address_en",
    "ramp",
    "ground_floor",
    "wide_doors",
    "parking",
    "tactile_signs",
];
pub const STATION_AREAS_COLUMNS: [&str; 3] = ["station", "settlement", "street"];
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

/// The districting units written beside the setup ([`crate::files::DISTRICT_UNITS`]), or
/// `None` when the directory has no such file (datasets written before issue 5).
pub fn read_district_units(dir: &Path) -> Result<Option<Vec<crate::CouncilUnits>>, FormatError> {
    let path = dir.join(crate::files::DISTRICT_UNITS);
    let json = match std::fs::read(&path) {
        Ok(json) => json,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(FormatError::Io {
                file: crate::files::DISTRICT_UNITS.to_owned(),
                source,
            });
        }
    };
    serde_json::from_slice(&json)
        .map(Some)
        .map_err(|e| FormatError::Json {
            file: crate::files::DISTRICT_UNITS.to_owned(),
            message: e.to_string(),
        })
}

/// Why a row (or the header) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowErrorKind {
    #[error("the file is empty; the first line must be the header")]
    MissingHeader,
    #[error("the header must name column {expected:?} here, found {found:?}")]
    WrongHeader {
        expected: &'static str,
        found: String,
    },
    #[error("a row has {expected} fields, this one has {found}")]
    WrongColumnCount { expected: usize, found: usize },
    #[error("the text is not valid UTF-8")]
    NotUtf8,
    #[error("a value is required")]
    Empty,
    #[error("malformed PIN: {0}")]
    MalformedPin(PinError),
    #[error("{value:?} is not a date written YYYY-MM-DD")]
    BadDate { value: String },
    #[error("{value:?} is not one of: {allowed}")]
    UnknownValue {
        value: String,
        allowed: &'static str,
    },
    #[error("{value:?} is not a boolean: write true or false")]
    BadBool { value: String },
    #[error("{value:?} is not a whole number")]
    BadNumber { value: String },
    #[error("bad id: {0}")]
    BadId(IdError),
    #[error("the PIN encodes {from_pin}, the row says {in_row}")]
    ContradictsPin { from_pin: String, in_row: String },
    #[error("CSV syntax error: {0}")]
    Syntax(String),
}

impl RowErrorKind {
    /// A stable code for clients and translations.
    pub fn code(&self) -> &'static str {
        match self {
            RowErrorKind::MissingHeader => "missing_header",
            RowErrorKind::WrongHeader { .. } => "wrong_header",
            RowErrorKind::WrongColumnCount { .. } => "wrong_column_count",
            RowErrorKind::NotUtf8 => "not_utf8",
            RowErrorKind::Empty => "empty_value",
            RowErrorKind::MalformedPin(e) => e.code(),
            RowErrorKind::BadDate { .. } => "bad_date",
            RowErrorKind::UnknownValue { .. } => "unknown_value",
            RowErrorKind::BadBool { .. } => "bad_bool",
            RowErrorKind::BadNumber { .. } => "bad_number",
            RowErrorKind::BadId(_) => "bad_id",
            RowErrorKind::ContradictsPin { .. } => "contradicts_pin",
            RowErrorKind::Syntax(_) => "csv_syntax",
        }
    }
}

/// A refused row: where, which column, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}{}: {reason}", column.map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct RowError {
    /// The file name (without directory).
    pub file: String,
    /// 1-based line number where the row starts; the header is line 1.
    pub line: u64,
    /// The column, when the error concerns one field.
    pub column: Option<&'static str>,
    pub reason: RowErrorKind,
}

/// Reading a dataset failed.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The cause follows as the error's source (callers print the chain).
    #[error("cannot read {file}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Row(#[from] RowError),
    #[error("{file}: {message}")]
    Json { file: String, message: String },
    #[error("the setup is inconsistent: {0}")]
    Inconsistent(#[from] SetupError),
    #[error("{file}, line {line}: {message}")]
    BadArea {
        file: String,
        line: u64,
        message: String,
    },
}

impl FormatError {
    /// The row error, if this is one (for tests and precise reporting).
    pub fn row(&self) -> Option<&RowError> {
        match self {
            FormatError::Row(e) => Some(e),
            _ => None,
        }
    }
}

/// One CSV file being read: header checked, one reused record.
struct Table {
    file: String,
    reader: csv::Reader<File>,
    record: csv::ByteRecord,
    columns: &'static [&'static str],
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

impl Table {
    fn open(path: &Path, columns: &'static [&'static str]) -> Result<Table, FormatError> {
        let file = file_name(path);
        let handle = File::open(path).map_err(|source| FormatError::Io {
            file: file.clone(),
            source,
        })?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(handle);
        let mut table = Table {
            file,
            reader,
            record: csv::ByteRecord::new(),
            columns,
        };
        table.check_header()?;
        Ok(table)
    }

    fn error(&self, line: u64, column: Option<&'static str>, reason: RowErrorKind) -> RowError {
        RowError {
            file: self.file.clone(),
            line,
            column,
            reason,
        }
    }

    fn check_header(&mut self) -> Result<(), RowError> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| self.csv_error(e))?;
        if !more {
            return Err(self.error(1, None, RowErrorKind::MissingHeader));
        }
        for (i, expected) in self.columns.iter().enumerate() {
            let found = self.record.get(i).unwrap_or(b"");
            if found != expected.as_bytes() {
                let found = String::from_utf8_lossy(found).into_owned();
                return Err(self.error(
                    1,
                    Some(expected),
                    RowErrorKind::WrongHeader { expected, found },
                ));
            }
        }
        if self.record.len() != self.columns.len() {
            return Err(self.error(
                1,
                None,
                RowErrorKind::WrongColumnCount {
                    expected: self.columns.len(),
                    found: self.record.len(),
                },
            ));
        }
        Ok(())
    }

    fn csv_error(&self, e: csv::Error) -> RowError {
        let line = e.position().map_or(0, |p| p.line());
        self.error(line, None, RowErrorKind::Syntax(e.to_string()))
    }

    /// Reads the next row into the reused record; returns its line, or `None` at the end.
    fn advance(&mut self) -> Option<Result<u64, RowError>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => Some(Err(self.csv_error(e))),
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                if self.record.len() != self.columns.len() {
                    return Some(Err(self.error(
                        line,
                        None,
                        RowErrorKind::WrongColumnCount {
                            expected: self.columns.len(),
                            found: self.record.len(),
                        },
                    )));
                }
                Some(Ok(line))
            }
        }
    }

    fn fields(&self, line: u64) -> Fields<'_> {
        Fields { table: self, line }
    }
}

/// Typed access to the fields of the current row, with errors that point at the column.
struct Fields<'t> {
    table: &'t Table,
    line: u64,
}

impl<'t> Fields<'t> {
    fn err(&self, i: usize, reason: RowErrorKind) -> RowError {
        self.table
            .error(self.line, Some(self.table.columns[i]), reason)
    }

    fn text(&self, i: usize) -> Result<&'t str, RowError> {
        let bytes = self.table.record.get(i).unwrap_or(b"");
        std::str::from_utf8(bytes).map_err(|_| self.err(i, RowErrorKind::NotUtf8))
    }

    fn required(&self, i: usize) -> Result<&'t str, RowError> {
        let s = self.text(i)?;
        if s.is_empty() {
            Err(self.err(i, RowErrorKind::Empty))
        } else {
            Ok(s)
        }
    }

    fn optional(&self, i: usize) -> Result<Option<&'t str>, RowError> {
        self.text(i)
            .map(|s| if s.is_empty() { None } else { Some(s) })
    }

    fn id<T>(&self, i: usize, parse: fn(&str) -> Result<T, IdError>) -> Result<T, RowError> {
        parse(self.required(i)?).map_err(|e| self.err(i, RowErrorKind::BadId(e)))
    }

    fn optional_id<T>(
        &self,
        i: usize,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Result<Option<T>, RowError> {
        match self.optional(i)? {
            None => Ok(None),
            Some(s) => parse(s)
                .map(Some)
                .map_err(|e| self.err(i, RowErrorKind::BadId(e))),
        }
    }

    fn boolean(&self, i: usize) -> Result<bool, RowError> {
        match self.table.record.get(i).unwrap_or(b"") {
            b"true" => Ok(true),
            b"false" => Ok(false),
            other => Err(self.err(
                i,
                RowErrorKind::BadBool {
                    value: String::from_utf8_lossy(other).into_owned(),
                },
            )),
        }
    }

    fn date(&self, i: usize) -> Result<Date, RowError> {
        let bytes = self.table.record.get(i).unwrap_or(b"");
        parse_date(bytes).ok_or_else(|| {
            self.err(
                i,
                RowErrorKind::BadDate {
                    value: String::from_utf8_lossy(bytes).into_owned(),
                },
            )
        })
    }

    fn number(&self, i: usize) -> Result<u32, RowError> {
        let s = self.required(i)?;
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(
                i,
                RowErrorKind::BadNumber {
                    value: s.to_owned(),
                },
            ));
        }
        s.parse().map_err(|_| {
            self.err(
                i,
                RowErrorKind::BadNumber {
                    value: s.to_owned(),
                },
            )
        })
    }

    fn enumerated<T>(
        &self,
        i: usize,
        parse: fn(&str) -> Option<T>,
        allowed: &'static str,
    ) -> Result<T, RowError> {
        let s = self.text(i)?;
        parse(s).ok_or_else(|| {
            self.err(
                i,
                RowErrorKind::UnknownValue {
                    value: s.to_owned(),
                    allowed,
                },
            )
        })
    }

    fn name(&self, first: usize) -> Result<LocalizedName, RowError> {
        Ok(LocalizedName {
            ky: self.required(first)?.to_owned(),
            ru: self.required(first + 1)?.to_owned(),
            en: self.required(first + 2)?.to_owned(),
        })
    }
}

/// Parses exactly `YYYY-MM-DD` into a real calendar date.
fn parse_date(b: &[u8]) -> Option<Date> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i32> {
        b[range].iter().try_fold(0i32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i32::from(d - b'0'))
        })
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Date::new(y as i16, m as i8, d as i8).ok()
}

fn sex_of(s: &str) -> Option<Sex> {
    // Only the documented spellings; `Sex::from_str` is more lenient for people typing.
    match s {
        "female" => Some(Sex::Female),
        "male" => Some(Sex::Male),
        _ => None,
    }
}

fn read_rows<T>(
    dir: &Path,
    name: &str,
    columns: &'static [&'static str],
    mut parse: impl FnMut(&Fields<'_>) -> Result<T, RowError>,
) -> Result<Vec<(u64, T)>, FormatError> {
    let mut table = Table::open(&dir.join(name), columns)?;
    let mut out = Vec::new();
    while let Some(line) = table.advance() {
        let line = line?;
        out.push((line, parse(&table.fields(line))?));
    }
    Ok(out)
}

/// Reads the setup files of a dataset directory (territories, councils, commissions, stations,
/// station areas, election) and checks them as an import would: [`Setup::check`], and every
/// station area names a regular station and a settlement that exist, each (settlement, street)
/// once.
pub fn read_setup(dir: &Path) -> Result<crate::Dataset, FormatError> {
    let territories = read_rows(dir, files::TERRITORIES, &TERRITORIES_COLUMNS, |f| {
        Ok(Territory {
            id: f.id(0, TerritoryId::parse)?,
            kind: f.enumerated(
                1,
                TerritoryKind::parse,
                "region, republican_city, raion, city, aiyl_aimak, settlement",
            )?,
            parent: f.optional_id(2, TerritoryId::parse)?,
            name: f.name(3)?,
        })
    })?;
    let councils = read_rows(dir, files::COUNCILS, &COUNCILS_COLUMNS, |f| {
        let seats = f.number(3)?;
        Ok(Council {
            id: f.id(0, CouncilId::parse)?,
            kind: f.enumerated(1, CouncilKind::parse, "city, aiyl")?,
            territory: f.id(2, TerritoryId::parse)?,
            seats: SeatCount::new(seats).map_err(|e| f.err(3, RowErrorKind::BadId(e)))?,
            name: f.name(4)?,
        })
    })?;
    let commissions = read_rows(dir, files::COMMISSIONS, &COMMISSIONS_COLUMNS, |f| {
        Ok(Commission {
            id: f.id(0, CommissionId::parse)?,
            level: f.enumerated(1, CommissionLevel::parse, "cec, tec, pec")?,
            parent: f.optional_id(2, CommissionId::parse)?,
            territory: f.id(3, TerritoryId::parse)?,
            name: f.name(4)?,
        })
    })?;
    let stations = read_rows(dir, files::STATIONS, &STATIONS_COLUMNS, |f| {
        Ok(PollingStation {
            number: f.id(0, StationNumber::parse)?,
            commission: f.id(1, CommissionId::parse)?,
            council: f.id(2, CouncilId::parse)?,
            territory: f.id(3, TerritoryId::parse)?,
            remote_voting: f.boolean(4)?,
            address: f.name(5)?,
            accessibility: Accessibility {
                ramp: f.boolean(8)?,
                ground_floor: f.boolean(9)?,
                wide_doors: f.boolean(10)?,
                parking: f.boolean(11)?,
                tactile_signs: f.boolean(12)?,
            },
        })
    })?;
    let areas = read_rows(dir, files::STATION_AREAS, &STATION_AREAS_COLUMNS, |f| {
        Ok(StationArea {
            station: f.id(0, StationNumber::parse)?,
            settlement: f.id(1, TerritoryId::parse)?,
            street: f.required(2)?.to_owned(),
        })
    })?;
    let path = dir.join(files::ELECTION);
    let json = std::fs::read(&path).map_err(|source| FormatError::Io {
        file: files::ELECTION.into(),
        source,
    })?;
    let election: Election = serde_json::from_slice(&json).map_err(|e| FormatError::Json {
        file: files::ELECTION.into(),
        message: e.to_string(),
    })?;

    let setup = Setup {
        territories: territories.into_iter().map(|(_, t)| t).collect(),
        councils: councils.into_iter().map(|(_, c)| c).collect(),
        commissions: commissions.into_iter().map(|(_, c)| c).collect(),
        stations: stations.into_iter().map(|(_, s)| s).collect(),
        elections: vec![election],
    };
    setup.check()?;

    let regular: HashSet<StationNumber> = setup
        .stations
        .iter()
        .filter(|s| !s.remote_voting)
        .map(|s| s.number)
        .collect();
    let settlements: HashSet<&TerritoryId> = setup.territories.iter().map(|t| &t.id).collect();
    let mut seen: HashSet<(&TerritoryId, &str)> = HashSet::new();
    let bad = |line: u64, message: String| FormatError::BadArea {
        file: files::STATION_AREAS.into(),
        line,
        message,
    };
    for (line, a) in &areas {
        if !regular.contains(&a.station) {
            return Err(bad(
                *line,
                format!(
                    "station {} is not a regular polling station of the setup",
                    a.station
                ),
            ));
        }
        if !settlements.contains(&a.settlement) {
            return Err(bad(
                *line,
                format!(
                    "settlement {} is not a territory of the setup",
                    a.settlement
                ),
            ));
        }
        if !seen.insert((&a.settlement, a.street.as_str())) {
            return Err(bad(
                *line,
                format!(
                    "{} / {} is served by more than one station",
                    a.settlement, a.street
                ),
            ));
        }
    }
    let station_areas = areas.into_iter().map(|(_, a)| a).collect();
    Ok(crate::Dataset {
        setup,
        station_areas,
    })
}

/// A streaming, strict reader of `register.csv`: an iterator of records or row errors. A row
/// error does not end the iteration; the caller decides whether to stop.
pub struct RegisterReader {
    table: Table,
}

impl RegisterReader {
    /// Opens the file and checks its header.
    pub fn open(path: &Path) -> Result<RegisterReader, FormatError> {
        Ok(RegisterReader {
            table: Table::open(path, &REGISTER_COLUMNS)?,
        })
    }

    /// Bytes of the file read so far (up to the end of the last row returned), for progress
    /// reports of a long import (the web page shows bytes done of the file's size).
    pub fn bytes_read(&self) -> u64 {
        self.table.reader.position().byte()
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
        Ok(RegisterRecord {
            pin,
            surname: f.required(1)?.to_owned(),
            given_name: f.required(2)?.to_owned(),
            patronymic: f.optional(3)?.map(str::to_owned),
            sex,
            birth_date,
            citizen: f.boolean(6)?,
            biometrics: f.boolean(7)?,
            settlement: f.id(8, TerritoryId::parse)?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date(b"2024-11-17"), Some(date(2024, 11, 17)));
        assert_eq!(parse_date(b"2024-02-30"), None);
        assert_eq!(parse_date(b"2024-1-17"), None);
        assert_eq!(parse_date(b"17.11.2024"), None);
        let mut buf = [0u8; 10];
        assert_eq!(
            crate::write::format_date(date(2006, 3, 9), &mut buf),
            b"2006-03-09"
        );
    }
}
