//! What text may hold when it enters shailoo: names, addresses, filters, reasons, any field of
//! a form, a query, a JSON body or a file.
//!
//! Refused everywhere, the same way on both database engines:
//! * control characters (C0 but the line breaks and tab allowed below, DEL, C1): a NUL ends a
//!   string for PostgreSQL and for C libraries, and the others are invisible on a page or a
//!   printed list;
//! * the bidirectional formatting characters (Unicode's `Bidi_Control`: LRE, RLE, PDF, LRO,
//!   RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM): an override reverses the text that follows, so a
//!   name could read on the printed list as something other than what is stored. Kyrgyz and
//!   Russian text never needs them.
//!
//! Tab, line feed and carriage return are allowed in [`Lines::Many`] text (a reason typed into
//! a text area arrives with CR LF); one-line text (a field of a file, a name) refuses them too.

use std::fmt;

/// Whether line breaks (and tabs) belong in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// A value of a file's field, an id, a name: no tab, no line break.
    One,
    /// What a person types into a form, a text area included: tab, LF and CR allowed.
    Many,
}

/// The first character that text may not hold, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} at character {position}", describe(*.character))]
pub struct ForbiddenCharacter {
    pub character: char,
    /// 1-based position in characters (what an editor's column shows).
    pub position: usize,
}

impl ForbiddenCharacter {
    /// The character as `U+XXXX`, the way an operator finds it in an editor.
    pub fn code_point(&self) -> CodePoint {
        CodePoint(self.character)
    }
}

/// A character written as `U+XXXX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodePoint(pub char);

impl fmt::Display for CodePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U+{:04X}", u32::from(self.0))
    }
}

fn describe(c: char) -> String {
    let kind = if is_bidi_control(c) {
        "a bidirectional formatting character"
    } else {
        "a control character"
    };
    format!("{kind} ({})", CodePoint(c))
}

/// Unicode's `Bidi_Control` property: the characters that change the direction of text.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` may not appear in text of the given kind.
pub fn is_forbidden(c: char, lines: Lines) -> bool {
    match c {
        '\t' | '\n' | '\r' => lines == Lines::One,
        c => c.is_control() || is_bidi_control(c),
    }
}

/// The first character `s` may not hold, if any.
///
/// Fast on the common case: every forbidden character is ASCII below 0x20 or DEL, or starts
/// with one of three UTF-8 lead bytes (0xC2 for C1, 0xD8 for ALM, 0xE2 for the rest), none of
/// which Kyrgyz or Russian letters use; a text without them is accepted after one byte scan
/// (the register reader calls this for every field of millions of rows).
pub fn check(s: &str, lines: Lines) -> Result<(), ForbiddenCharacter> {
    let suspicious = |b: &u8| *b < 0x20 || *b == 0x7F || matches!(*b, 0xC2 | 0xD8 | 0xE2);
    if !s.as_bytes().iter().any(suspicious) {
        return Ok(());
    }
    match s.chars().enumerate().find(|(_, c)| is_forbidden(*c, lines)) {
        Some((i, character)) => Err(ForbiddenCharacter {
            character,
            position: i + 1,
        }),
        None => Ok(()),
    }
}

/// `s` with every forbidden character replaced by U+FFFD (�), for output that must never carry
/// one even when older data holds it (the printed lists).
pub fn replace_forbidden(s: &str, lines: Lines) -> std::borrow::Cow<'_, str> {
    if check(s, lines).is_ok() {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if is_forbidden(c, lines) {
                    char::REPLACEMENT_CHARACTER
                } else {
                    c
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyrgyz_russian_and_latin_text_passes() {
        for s in [
            "Өмүрбеков Ңаалы Үсөн кызы",
            "ул. Ленина, 12/3 «А» — кв. №5",
            "Bishkek, Chüy avenue 1",
            "",
            "€ … ’ ‘ “ ” •", // U+20AC, U+2026 and the quotes start with 0xE2 too
            "© ° ± µ ½",     // 0xC2 lead bytes that are not C1
            "ؠ",             // 0xD8 but not ALM
        ] {
            assert_eq!(check(s, Lines::One), Ok(()), "{s:?}");
        }
    }

    #[test]
    fn control_characters_are_refused_with_their_position() {
        assert_eq!(
            check("Ай\0гүл", Lines::Many),
            Err(ForbiddenCharacter {
                character: '\0',
                position: 3
            })
        );
        for c in ['\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}'] {
            let s = format!("a{c}b");
            assert!(check(&s, Lines::Many).is_err(), "{:?}", CodePoint(c));
        }
    }

    #[test]
    fn line_breaks_belong_only_in_text_of_many_lines() {
        let reason = "first line\r\nsecond\tline";
        assert_eq!(check(reason, Lines::Many), Ok(()));
        assert_eq!(check(reason, Lines::One).map_err(|e| e.position), Err(11));
    }

    #[test]
    fn every_bidirectional_control_is_refused() {
        let all = [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
        ];
        for c in all {
            let name = format!("Асан{c}ова");
            let err = check(&name, Lines::Many).expect_err("refused");
            assert_eq!((err.character, err.position), (c, 5));
            assert!(err.to_string().contains("bidirectional"), "{err}");
        }
        assert_eq!(
            CodePoint('\u{202E}').to_string(),
            "U+202E",
            "written the way an editor finds it"
        );
    }

    #[test]
    fn replacing_makes_text_acceptable_and_keeps_good_text_borrowed() {
        let fixed = replace_forbidden("A\u{202E}B\0C", Lines::One);
        assert_eq!(fixed, "A\u{FFFD}B\u{FFFD}C");
        assert_eq!(check(&fixed, Lines::One), Ok(()));
        assert!(matches!(
            replace_forbidden("Бишкек", Lines::One),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
