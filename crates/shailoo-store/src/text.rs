//! Keys computed in Rust at insert time so that both engines search and sort names alike.
//!
//! SQLite's `lower()` and `LIKE` fold ASCII only, and neither SQLite nor a PostgreSQL database
//! created with the `C` locale orders Kyrgyz letters (Ң, Ө, Ү) where the alphabet puts them. So
//! each row stores a lower-cased `search` text and a `sort_key` that sorts correctly byte-wise.

use shailoo_domain::territory::LocalizedName;

/// The Kyrgyz Cyrillic alphabet, lower case, in dictionary order.
const KYRGYZ_ALPHABET: [char; 36] = [
    'а', 'б', 'в', 'г', 'д', 'е', 'ё', 'ж', 'з', 'и', 'й', 'к', 'л', 'м', 'н', 'ң', 'о', 'ө', 'п',
    'р', 'с', 'т', 'у', 'ү', 'ф', 'х', 'ц', 'ч', 'ш', 'щ', 'ъ', 'ы', 'ь', 'э', 'ю', 'я',
];

/// First code point of the private-use block the alphabet is mapped onto: above every letter
/// and digit a name can hold otherwise, so Latin names come first, then Kyrgyz in its order.
const SORT_BASE: u32 = 0xE000;

/// A key whose byte order (SQLite `BINARY`, PostgreSQL `COLLATE "C"`) is the Kyrgyz
/// alphabetical order of `name`, case-insensitively. Not full ICU collation (no secondary
/// weights), but it puts Ң after Н, Ө after О and Ү after У, which code points do not.
pub fn sort_key(name: &str) -> String {
    name.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match KYRGYZ_ALPHABET.iter().position(|&k| k == c) {
            // The index is below 36, so the code point is a valid private-use character.
            Some(i) => char::from_u32(SORT_BASE + i as u32).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// The lower-cased text a free-text query is matched against: all names, one per line.
pub fn search_text(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn name_search(name: &LocalizedName) -> String {
    search_text(&[&name.ky, &name.ru, &name.en])
}

/// A `LIKE … ESCAPE '\'` pattern matching `query` as a lower-cased substring.
pub fn like_pattern(query: &str) -> String {
    let mut pattern = String::with_capacity(query.len() + 2);
    pattern.push('%');
    for c in query.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kyrgyz_letters_sort_in_alphabet_order() {
        let mut names = vec![
            "Үсөн",
            "Ясин",
            "Өмүр",
            "Нурлан",
            "Ңуров",
            "Орозбек",
            "Улан",
            "Fred",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            [
                "Fred",
                "Нурлан",
                "Ңуров",
                "Орозбек",
                "Өмүр",
                "Улан",
                "Үсөн",
                "Ясин"
            ]
        );
    }

    #[test]
    fn like_patterns_escape_wildcards_and_fold_case() {
        assert_eq!(like_pattern(" Бишкек "), "%бишкек%");
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
