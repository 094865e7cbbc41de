//! What goes wrong reading or writing the files: a refused row says where and why, so that an
//! operator can fix the extract and import it again.

use shailoo_domain::candidate::party::PartyRegistrationNumberError;
use shailoo_domain::territory::SetupError;
use shailoo_domain::text::ForbiddenCharacter;
use shailoo_domain::{IdError, PinError};
use std::path::PathBuf;

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
    /// A control or bidirectional formatting character (`shailoo_domain::text`): a NUL would
    /// end the text in PostgreSQL, an override would make a name read differently on the
    /// printed list.
    #[error("{0}")]
    ForbiddenCharacter(ForbiddenCharacter),
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
    #[error("{value:?} is not a Kyrgyz phone number (+996 and nine digits, or 0 and nine)")]
    BadPhone { value: String },
    #[error("bad id: {0}")]
    BadId(IdError),
    #[error("the PIN encodes {from_pin}, the row says {in_row}")]
    ContradictsPin { from_pin: String, in_row: String },
    #[error("bad party registration number: {0}")]
    BadRegistrationNumber(PartyRegistrationNumberError),
    /// A value in a column that must be empty in this row, e.g. a district for a city list.
    #[error("no value belongs here: {why}")]
    Inapplicable { why: &'static str },
    /// A value that contradicts another of the row or of an earlier row.
    #[error("{why}")]
    Inconsistent { why: &'static str },
    /// A reference to a row of another file (or of this one) that does not exist.
    #[error("{value:?} is not {what}")]
    UnknownReference { what: &'static str, value: String },
    /// A value that must be unique and appeared on an earlier row.
    #[error("{value:?} appears on an earlier row; it must be unique")]
    Duplicate { value: String },
    #[error("CSV syntax error: {0}")]
    Syntax(String),
    #[error("{value:?} is not a settlement of the election's setup")]
    UnknownSettlement { value: String },
}

impl RowErrorKind {
    /// A stable code for clients and translations.
    pub fn code(&self) -> &'static str {
        match self {
            RowErrorKind::MissingHeader => "missing_header",
            RowErrorKind::WrongHeader { .. } => "wrong_header",
            RowErrorKind::WrongColumnCount { .. } => "wrong_column_count",
            RowErrorKind::NotUtf8 => "not_utf8",
            RowErrorKind::ForbiddenCharacter(_) => "forbidden_character",
            RowErrorKind::Empty => "empty_value",
            RowErrorKind::MalformedPin(e) => e.code().as_str(),
            RowErrorKind::BadDate { .. } => "bad_date",
            RowErrorKind::UnknownValue { .. } => "unknown_value",
            RowErrorKind::BadBool { .. } => "bad_bool",
            RowErrorKind::BadNumber { .. } => "bad_number",
            RowErrorKind::BadPhone { .. } => "bad_phone",
            RowErrorKind::BadId(_) => "bad_id",
            RowErrorKind::ContradictsPin { .. } => "contradicts_pin",
            RowErrorKind::BadRegistrationNumber(e) => e.code().as_str(),
            RowErrorKind::Inapplicable { .. } => "inapplicable_value",
            RowErrorKind::Inconsistent { .. } => "inconsistent_value",
            RowErrorKind::UnknownReference { .. } => "unknown_reference",
            RowErrorKind::Duplicate { .. } => "duplicate_value",
            RowErrorKind::Syntax(_) => "csv_syntax",
            RowErrorKind::UnknownSettlement { .. } => "unknown_settlement",
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

/// Writing a file failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}
