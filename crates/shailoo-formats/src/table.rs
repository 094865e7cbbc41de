//! The CSV conventions every table shares (`docs/data-formats.md`, "Conventions"): reading with
//! the header checked and one reused record, typed field access whose errors point at the
//! column, and writing with a large buffer from borrowed text.
//!
//! Readers parse fields in place from a `ByteRecord`: the only allocations per row are the
//! strings the parsed value owns.

use crate::error::{FormatError, RowError, RowErrorKind, WriteError};
use crate::manifest::FileSummary;
use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shailoo_domain::IdError;
use shailoo_domain::identity::PhoneNumber;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::text::{self, Lines};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Buffer of readers and writers: large enough that a national register is read and written
/// in big sequential blocks.
const BUFFER: usize = 1 << 20;

/// One CSV file being read: header checked, one reused record.
pub(crate) struct Table {
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
    pub(crate) fn open(
        path: &Path,
        columns: &'static [&'static str],
    ) -> Result<Table, FormatError> {
        let file = file_name(path);
        let handle = File::open(path).map_err(|source| FormatError::Io {
            file: file.clone(),
            source,
        })?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(BUFFER)
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
    pub(crate) fn advance(&mut self) -> Option<Result<u64, RowError>> {
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

    /// Bytes of the file read so far (up to the end of the last row returned).
    pub(crate) fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    pub(crate) fn fields(&self, line: u64) -> Fields<'_> {
        Fields { table: self, line }
    }
}

/// Typed access to the fields of the current row, with errors that point at the column.
pub(crate) struct Fields<'t> {
    table: &'t Table,
    line: u64,
}

impl<'t> Fields<'t> {
    pub(crate) fn err(&self, i: usize, reason: RowErrorKind) -> RowError {
        self.table
            .error(self.line, Some(self.table.columns[i]), reason)
    }

    /// The field as text: UTF-8, on one line, without control or bidirectional formatting
    /// characters (`shailoo_domain::text`), so that what is refused here is refused the same
    /// way whichever database the rows go to.
    pub(crate) fn text(&self, i: usize) -> Result<&'t str, RowError> {
        let bytes = self.table.record.get(i).unwrap_or(b"");
        let s = std::str::from_utf8(bytes).map_err(|_| self.err(i, RowErrorKind::NotUtf8))?;
        text::check(s, Lines::One).map_err(|e| self.err(i, RowErrorKind::ForbiddenCharacter(e)))?;
        Ok(s)
    }

    pub(crate) fn required(&self, i: usize) -> Result<&'t str, RowError> {
        let s = self.text(i)?;
        if s.is_empty() {
            Err(self.err(i, RowErrorKind::Empty))
        } else {
            Ok(s)
        }
    }

    pub(crate) fn optional(&self, i: usize) -> Result<Option<&'t str>, RowError> {
        self.text(i)
            .map(|s| if s.is_empty() { None } else { Some(s) })
    }

    pub(crate) fn id<T>(
        &self,
        i: usize,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Result<T, RowError> {
        parse(self.required(i)?).map_err(|e| self.err(i, RowErrorKind::BadId(e)))
    }

    pub(crate) fn optional_id<T>(
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

    /// A phone number, or nothing when the field is empty.
    pub(crate) fn optional_phone(&self, i: usize) -> Result<Option<PhoneNumber>, RowError> {
        match self.optional(i)? {
            None => Ok(None),
            Some(s) => PhoneNumber::parse(s).map(Some).map_err(|_| {
                self.err(
                    i,
                    RowErrorKind::BadPhone {
                        value: s.to_owned(),
                    },
                )
            }),
        }
    }

    pub(crate) fn boolean(&self, i: usize) -> Result<bool, RowError> {
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

    pub(crate) fn date(&self, i: usize) -> Result<Date, RowError> {
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

    pub(crate) fn optional_date(&self, i: usize) -> Result<Option<Date>, RowError> {
        if self.table.record.get(i).unwrap_or(b"").is_empty() {
            Ok(None)
        } else {
            self.date(i).map(Some)
        }
    }

    pub(crate) fn number(&self, i: usize) -> Result<u32, RowError> {
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

    pub(crate) fn enumerated<T>(
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

    pub(crate) fn name(&self, first: usize) -> Result<LocalizedName, RowError> {
        Ok(LocalizedName {
            ky: self.required(first)?.to_owned(),
            ru: self.required(first + 1)?.to_owned(),
            en: self.required(first + 2)?.to_owned(),
        })
    }
}

/// Parses exactly `YYYY-MM-DD` into a real calendar date.
pub(crate) fn parse_date(b: &[u8]) -> Option<Date> {
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

/// Reads every row of a (small) table with the line it starts on, up to the first error.
pub(crate) fn read_rows<T>(
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

/// One CSV file being written: the header first, then rows of fields given as borrowed text.
pub(crate) struct TableWriter {
    path: PathBuf,
    writer: csv::Writer<File>,
    rows: u64,
}

impl TableWriter {
    /// Creates (or truncates) the file and writes the header.
    pub(crate) fn create(path: &Path, header: &[&str]) -> Result<TableWriter, WriteError> {
        let file = File::create(path).map_err(|source| io_error(path, source))?;
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(BUFFER)
            .from_writer(file);
        writer
            .write_record(header)
            .map_err(|source| WriteError::Csv {
                path: path.to_owned(),
                source,
            })?;
        Ok(TableWriter {
            path: path.to_owned(),
            writer,
            rows: 0,
        })
    }

    /// Writes one data row.
    pub(crate) fn write<I, T>(&mut self, fields: I) -> Result<(), WriteError>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.writer
            .write_record(fields)
            .map_err(|source| WriteError::Csv {
                path: self.path.clone(),
                source,
            })?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes the file and says what it holds.
    pub(crate) fn finish(mut self) -> Result<FileSummary, WriteError> {
        self.writer
            .flush()
            .map_err(|source| io_error(&self.path, source))?;
        summary(&self.path, self.rows)
    }
}

/// Writes a whole table: the header and rows of borrowed fields.
pub(crate) fn write_table<'a, I, R>(
    path: &Path,
    header: &[&str],
    rows: I,
) -> Result<FileSummary, WriteError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = &'a str>,
{
    let mut table = TableWriter::create(path, header)?;
    for row in rows {
        table.write(row)?;
    }
    table.finish()
}

/// Writes a JSON file, indented when `pretty` (files meant to be read by people).
pub(crate) fn write_json<T: Serialize + ?Sized>(
    path: &Path,
    value: &T,
    pretty: bool,
) -> Result<FileSummary, WriteError> {
    let json = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    }
    .map_err(|source| WriteError::Json {
        path: path.to_owned(),
        source,
    })?;
    std::fs::write(path, json).map_err(|source| io_error(path, source))?;
    summary(path, 1)
}

/// Reads a JSON file whole.
pub(crate) fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, FormatError> {
    let json = std::fs::read(path).map_err(|source| FormatError::Io {
        file: file_name(path),
        source,
    })?;
    parse_json(path, &json)
}

/// Reads a JSON file whole, or `None` when there is no such file.
pub(crate) fn read_optional_json<T: DeserializeOwned>(
    path: &Path,
) -> Result<Option<T>, FormatError> {
    match std::fs::read(path) {
        Ok(json) => parse_json(path, &json).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(FormatError::Io {
            file: file_name(path),
            source,
        }),
    }
}

/// Parses a JSON file, refusing any string (or key) with a control or bidirectional formatting
/// character, named by its JSON pointer (`/name/ky`), as the CSV readers refuse such a field.
fn parse_json<T: DeserializeOwned>(path: &Path, json: &[u8]) -> Result<T, FormatError> {
    let error = |message: String| FormatError::Json {
        file: file_name(path),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| error(e.to_string()))?;
    if let Some((pointer, e)) = forbidden_in_json(&value, &mut String::new()) {
        return Err(error(format!("{pointer}: {e}")));
    }
    serde_json::from_value(value).map_err(|e| error(e.to_string()))
}

/// The first string of `value` holding a character text may not hold, with its JSON pointer.
fn forbidden_in_json(
    value: &serde_json::Value,
    pointer: &mut String,
) -> Option<(String, text::ForbiddenCharacter)> {
    let inside = |pointer: &mut String, key: &str, v: &serde_json::Value| {
        let len = pointer.len();
        pointer.push('/');
        let key_text = text::replace_forbidden(key, Lines::One);
        pointer.push_str(&key_text.replace('~', "~0").replace('/', "~1"));
        let found = text::check(key, Lines::One)
            .err()
            .map(|e| (pointer.clone(), e))
            .or_else(|| forbidden_in_json(v, pointer));
        pointer.truncate(len);
        found
    };
    match value {
        serde_json::Value::String(s) => text::check(s, Lines::One)
            .err()
            .map(|e| (pointer.clone(), e)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| inside(pointer, &i.to_string(), v)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| inside(pointer, k, v)),
        _ => None,
    }
}

pub(crate) fn io_error(path: &Path, source: std::io::Error) -> WriteError {
    WriteError::Io {
        path: path.to_owned(),
        source,
    }
}

fn summary(path: &Path, rows: u64) -> Result<FileSummary, WriteError> {
    let bytes = std::fs::metadata(path)
        .map_err(|source| io_error(path, source))?
        .len();
    Ok(FileSummary {
        name: file_name(path),
        rows,
        bytes,
    })
}

pub(crate) fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// `YYYY-MM-DD` without allocating.
pub(crate) fn format_date(d: Date, out: &mut [u8; 10]) -> &[u8] {
    let y = d.year() as u32;
    let (m, day) = (d.month() as u32, d.day() as u32);
    let digits = [
        y / 1000,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        m / 10,
        m % 10,
        day / 10,
        day % 10,
    ];
    out[4] = b'-';
    out[7] = b'-';
    for (pos, digit) in [0, 1, 2, 3, 5, 6, 8, 9].into_iter().zip(digits) {
        out[pos] = b'0' + digit as u8;
    }
    &out[..]
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
        assert_eq!(format_date(date(2006, 3, 9), &mut buf), b"2006-03-09");
    }
}
