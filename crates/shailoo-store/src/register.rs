//! The `COPY` text encoding of register rows (PostgreSQL's `COPY … FROM STDIN` format: tab
//! between fields, `\N` for NULL, backslash escapes). Register imports (`voters/bulk.rs`) hold
//! each record in this form until they write it: sent as is to PostgreSQL, split back into
//! fields for SQLite's multi-row `INSERT`, and compared with the stored rows on a re-import.

use shailoo_domain::register::RegisterRecord;
use std::io::Write;

/// Appends a field in COPY text format: backslash, tab, newline and carriage return escaped.
pub(crate) fn copy_text(buf: &mut Vec<u8>, value: &str) {
    copy_bytes(buf, value.as_bytes());
}

/// [`copy_text`] for text already in bytes (SQLite's own, validated where it is parsed).
pub(crate) fn copy_bytes(buf: &mut Vec<u8>, value: &[u8]) {
    if !value
        .iter()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        buf.extend_from_slice(value);
        return;
    }
    for &b in value {
        match b {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            other => buf.push(other),
        }
    }
}

fn copy_bool(buf: &mut Vec<u8>, value: bool) {
    buf.push(if value { b't' } else { b'f' });
}

/// One record as a COPY text-format line, columns in the order of `persons`.
pub(crate) fn copy_row(buf: &mut Vec<u8>, r: &RegisterRecord) {
    let tab = |buf: &mut Vec<u8>| buf.push(b'\t');
    copy_text(buf, r.pin.as_str());
    tab(buf);
    copy_text(buf, &r.surname);
    tab(buf);
    copy_text(buf, &r.given_name);
    tab(buf);
    match &r.patronymic {
        Some(p) => copy_text(buf, p),
        None => buf.extend_from_slice(b"\\N"),
    }
    tab(buf);
    buf.extend_from_slice(r.sex.as_str().as_bytes());
    tab(buf);
    // Writing into a Vec cannot fail.
    let _ = write!(buf, "{}", r.birth_date);
    tab(buf);
    copy_bool(buf, r.citizen);
    tab(buf);
    copy_bool(buf, r.biometrics);
    tab(buf);
    copy_text(buf, r.settlement.as_str());
    tab(buf);
    copy_text(buf, &r.street);
    tab(buf);
    copy_text(buf, &r.house);
    tab(buf);
    let _ = write!(buf, "{}", r.address_registered_on);
    tab(buf);
    copy_bool(buf, r.residence_stamp);
    tab(buf);
    copy_bool(buf, r.court_incapable);
    tab(buf);
    copy_bool(buf, r.imprisoned);
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_control_characters() {
        let mut buf = Vec::new();
        copy_text(&mut buf, "a\\b\tc\nd\re");
        assert_eq!(buf, b"a\\\\b\\tc\\nd\\re");
    }
}
