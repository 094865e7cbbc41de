//! The register extract's reader is strict (one test per kind of error, each naming the file,
//! the line and the column) and reads back exactly what the writer wrote.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly on purpose")]

use shailoo_domain::register::RegisterRecord;
use shailoo_formats::{
    FormatError, REGISTER_COLUMNS, RegisterReader, RegisterRow, RegisterWriter, RowError,
    RowErrorKind,
};

const GOOD_ROW: &str = "21502199000123,Асанов,Бакыт,Нурланович,male,1990-02-15,true,true,bishkek.centre,Манас көчөсү,\"12, кв. 3\",2010-05-01,true,false,false";

fn register_error(content: &str) -> RowError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(&path, content).unwrap();
    match RegisterReader::open(&path) {
        Err(FormatError::Row(e)) => e,
        Err(other) => panic!("unexpected error {other}"),
        Ok(reader) => {
            let results: Vec<_> = reader.collect();
            results.into_iter().find_map(Result::err).expect("an error")
        }
    }
}

/// The file with a header, one good row, then `bad` as line 3.
fn with_bad_row(bad: &str) -> RowError {
    register_error(&format!(
        "{}\n{GOOD_ROW}\n{bad}\n",
        REGISTER_COLUMNS.join(",")
    ))
}

fn replace_field(i: usize, value: &str) -> String {
    let header = REGISTER_COLUMNS.join(",");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(&path, format!("{header}\n{GOOD_ROW}\n")).unwrap();
    let mut reader = csv::ReaderBuilder::new().from_path(&path).unwrap();
    let record = reader.records().next().unwrap().unwrap();
    let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
    fields[i] = value.to_owned();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&fields).unwrap();
    String::from_utf8(w.into_inner().unwrap())
        .unwrap()
        .trim_end()
        .to_owned()
}

fn column(name: &str) -> usize {
    REGISTER_COLUMNS.iter().position(|c| *c == name).unwrap()
}

#[test]
fn reader_accepts_the_good_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    std::fs::write(
        &path,
        format!("{}\n{GOOD_ROW}\n", REGISTER_COLUMNS.join(",")),
    )
    .unwrap();
    let records: Vec<_> = RegisterReader::open(&path)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].house, "12, кв. 3");
    assert_eq!(records[0].patronymic.as_deref(), Some("Нурланович"));
}

#[test]
fn reader_rejects_an_empty_file_as_missing_header() {
    let e = register_error("");
    assert_eq!(
        (e.line, e.column, e.reason.clone()),
        (1, None, RowErrorKind::MissingHeader)
    );
    assert_eq!(e.file, "register.csv");
}

#[test]
fn reader_rejects_a_file_without_header() {
    let e = register_error(&format!("{GOOD_ROW}\n"));
    assert_eq!(e.line, 1);
    assert_eq!(e.column, Some("pin"));
    assert!(
        matches!(
            e.reason,
            RowErrorKind::WrongHeader {
                expected: "pin",
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn reader_rejects_a_wrong_column_count() {
    let e = with_bad_row("21502199000124,Асанов,Бакыт");
    assert_eq!(e.line, 3);
    assert_eq!(
        e.reason,
        RowErrorKind::WrongColumnCount {
            expected: 15,
            found: 3
        }
    );
}

#[test]
fn reader_rejects_a_malformed_pin() {
    let e = with_bad_row(&replace_field(column("pin"), "2150219900012"));
    assert_eq!((e.line, e.column), (3, Some("pin")));
    assert!(matches!(e.reason, RowErrorKind::MalformedPin(_)), "{e}");
    assert!(
        e.to_string().contains("register.csv, line 3, column pin"),
        "{e}"
    );
}

#[test]
fn reader_rejects_a_bad_date() {
    let e = with_bad_row(&replace_field(
        column("address_registered_on"),
        "2010-02-30",
    ));
    assert_eq!((e.line, e.column), (3, Some("address_registered_on")));
    assert!(matches!(e.reason, RowErrorKind::BadDate { .. }), "{e}");
}

#[test]
fn reader_rejects_an_unknown_enum_value() {
    let e = with_bad_row(&replace_field(column("sex"), "M"));
    assert_eq!((e.line, e.column), (3, Some("sex")));
    assert!(matches!(e.reason, RowErrorKind::UnknownValue { .. }), "{e}");
}

#[test]
fn reader_rejects_a_bad_boolean() {
    let e = with_bad_row(&replace_field(column("biometrics"), "yes"));
    assert_eq!((e.line, e.column), (3, Some("biometrics")));
    assert!(matches!(e.reason, RowErrorKind::BadBool { .. }), "{e}");
}

#[test]
fn reader_rejects_a_bad_id() {
    let e = with_bad_row(&replace_field(column("settlement"), "Bishkek Centre"));
    assert_eq!((e.line, e.column), (3, Some("settlement")));
    assert!(matches!(e.reason, RowErrorKind::BadId(_)), "{e}");
}

#[test]
fn reader_rejects_an_empty_required_value() {
    let e = with_bad_row(&replace_field(column("surname"), ""));
    assert_eq!(
        (e.line, e.column, e.reason.clone()),
        (3, Some("surname"), RowErrorKind::Empty)
    );
}

#[test]
fn vot_10_reader_rejects_a_pin_contradicting_the_row() {
    let e = with_bad_row(&replace_field(column("sex"), "female"));
    assert_eq!((e.line, e.column), (3, Some("sex")));
    assert!(
        matches!(e.reason, RowErrorKind::ContradictsPin { .. }),
        "{e}"
    );
    let e = with_bad_row(&replace_field(column("birth_date"), "1990-02-16"));
    assert_eq!((e.line, e.column), (3, Some("birth_date")));
}

#[test]
fn reader_rejects_invalid_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    let row = replace_field(column("surname"), "QQQ");
    let (before, after) = row.split_once("QQQ").unwrap();
    let mut bytes = format!("{}\n{before}", REGISTER_COLUMNS.join(",")).into_bytes();
    bytes.push(0xff);
    bytes.extend_from_slice(after.as_bytes());
    bytes.push(b'\n');
    std::fs::write(&path, bytes).unwrap();
    let e = RegisterReader::open(&path)
        .unwrap()
        .find_map(Result::err)
        .unwrap();
    assert_eq!(
        (e.line, e.column, e.reason),
        (2, Some("surname"), RowErrorKind::NotUtf8)
    );
}

#[test]
fn a_line_break_inside_a_quoted_field_is_refused_at_the_line_its_row_starts() {
    // CSV allows it, but no field of the register is more than one line, and a printed list
    // would show the break.
    let multiline = replace_field(column("house"), "12\nкв. 3");
    let e = with_bad_row(&format!(
        "{multiline}\n{}",
        replace_field(column("pin"), "x")
    ));
    assert_eq!(
        (e.line, e.column, e.reason.code()),
        (3, Some("house"), "forbidden_character")
    );
}

/// A second person: no patronymic, a house with a quote, born on 29 February.
const OTHER_ROW: &str = "12902200012345,Асанова,Айгүл,,female,2000-02-29,true,false,bishkek.centre,Манас көчөсү,\"12 \"\"а\"\"\",2024-09-18,false,false,true";

#[test]
fn writer_writes_what_the_reader_reads() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source.csv");
    let text = format!("{}\n{GOOD_ROW}\n{OTHER_ROW}\n", REGISTER_COLUMNS.join(","));
    std::fs::write(&source, &text).unwrap();
    let mut reader = RegisterReader::open(&source).unwrap();
    let records: Vec<RegisterRecord> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].patronymic, None);
    assert_eq!(records[1].house, "12 \"а\"");
    assert_eq!(reader.bytes_read(), text.len() as u64);

    let copy = dir.path().join("register.csv");
    let mut writer = RegisterWriter::create(&copy).unwrap();
    for record in &records {
        writer.write(&RegisterRow::from(record)).unwrap();
    }
    let summary = writer.finish().unwrap();
    assert_eq!(
        (summary.name.as_str(), summary.rows, summary.bytes),
        ("register.csv", 2, text.len() as u64)
    );
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), text);
    let again: Vec<RegisterRecord> = RegisterReader::open(&copy)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(again, records);
    assert_eq!(RegisterRow::from(&records[0]).to_record(), records[0]);
}

#[test]
fn reader_continues_after_a_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    let bad = replace_field(column("sex"), "M");
    std::fs::write(
        &path,
        format!("{}\n{bad}\n{OTHER_ROW}\n", REGISTER_COLUMNS.join(",")),
    )
    .unwrap();
    let results: Vec<_> = RegisterReader::open(&path).unwrap().collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap_err().line, 2);
    assert_eq!(results[1].as_ref().unwrap().given_name, "Айгүл");
}

#[test]
fn opening_a_missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let e = match RegisterReader::open(&dir.path().join("register.csv")) {
        Err(e) => e,
        Ok(_) => panic!("a missing file opens"),
    };
    assert!(
        matches!(e, FormatError::Io { ref file, .. } if file == "register.csv"),
        "{e}"
    );
    assert_eq!(e.to_string(), "cannot read register.csv");
}

#[test]
fn reader_refuses_control_and_bidirectional_characters_naming_line_and_column() {
    // Each would reach the database (a NUL fails PostgreSQL's COPY far from its line; SQLite
    // stores it) or the printed list (an override reverses the name that follows).
    let cases = [
        ("surname", "Асан\0ов", '\0'),
        ("given_name", "Бак\u{1b}ыт", '\u{1b}'),
        ("patronymic", "\u{202E}чивонаруН", '\u{202E}'),
        ("street", "Манас\u{2066} көчөсү", '\u{2066}'),
        ("house", "12\u{85}", '\u{85}'),
        ("house", "12\nкв. 3", '\n'),
        ("street", "Манас\tкөчөсү", '\t'),
        ("surname", "Асанов\u{200F}", '\u{200F}'),
    ];
    for (name, value, character) in cases {
        let e = with_bad_row(&replace_field(column(name), value));
        assert_eq!(
            (e.file.as_str(), e.line, e.column, e.reason.code()),
            ("register.csv", 3, Some(name), "forbidden_character"),
            "{name} = {value:?}"
        );
        let RowErrorKind::ForbiddenCharacter(found) = e.reason else {
            panic!("{e}");
        };
        assert_eq!(found.character, character);
        assert!(
            e.to_string().contains(&found.code_point().to_string()),
            "{e}"
        );
    }
}

#[test]
fn reader_rejects_a_settlement_the_setup_does_not_know_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("register.csv");
    let unknown = replace_field(column("settlement"), "atlantis");
    std::fs::write(
        &path,
        format!(
            "{}\n{GOOD_ROW}\n{GOOD_ROW}\n{unknown}\n",
            REGISTER_COLUMNS.join(",")
        ),
    )
    .unwrap();
    let known = |ids: &[&str]| {
        ids.iter()
            .map(|id| shailoo_domain::TerritoryId::parse(id).unwrap())
            .collect()
    };
    // Without the setup's settlements the reader cannot tell: every row reads.
    assert!(
        RegisterReader::open(&path)
            .unwrap()
            .all(|r: Result<RegisterRecord, RowError>| r.is_ok())
    );
    let results: Vec<_> = RegisterReader::open(&path)
        .unwrap()
        .known_settlements(known(&["bishkek.centre", "osh"]))
        .collect();
    assert!(results[..2].iter().all(Result::is_ok));
    let e = results[2].clone().unwrap_err();
    assert_eq!(
        (e.line, e.column, e.reason.code()),
        (4, Some("settlement"), "unknown_settlement")
    );
    assert_eq!(
        e.to_string(),
        "register.csv, line 4, column settlement: \"atlantis\" is not a settlement of the \
         election's setup"
    );
}
