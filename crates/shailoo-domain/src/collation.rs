//! Kyrgyz alphabetical order (Ң after Н, Ө after О, Ү after У, all before the next letter),
//! which byte order gets wrong: for ballots (RES-02) and name lists. ICU4X's compiled data, so
//! no I/O.

use icu_collator::options::CollatorOptions;
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use std::cmp::Ordering;
use std::sync::LazyLock;

static COLLATOR: LazyLock<Option<CollatorBorrowed<'static>>> = LazyLock::new(|| {
    let locale: icu_locale_core::Locale = "ky".parse().ok()?;
    CollatorBorrowed::try_new(
        CollatorPreferences::from(&locale),
        CollatorOptions::default(),
    )
    .ok()
});

/// Compares two texts in Kyrgyz order (code-point order only if ICU's compiled data were
/// missing, which the build makes impossible; a test pins the Kyrgyz order).
pub fn compare_ky(a: &str, b: &str) -> Ordering {
    match COLLATOR.as_ref() {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyrgyz_letters_sort_after_their_russian_neighbours() {
        let expected = [
            "Нурлан",
            "Ңуров",
            "Орозбек",
            "Өмүр",
            "Пазыл",
            "Улан",
            "Үсөн",
            "Фарид",
            "Ясин",
        ];
        let mut names = expected;
        names.reverse();
        names.sort_by(|a, b| compare_ky(a, b));
        assert_eq!(names, expected);
        // Byte order would put Ң, Ө, Ү after Я.
        assert_eq!(compare_ky("Үсөн", "Ясин"), Ordering::Less);
    }
}
