//! Renderings of generated Kyrgyz names: the Russian spelling, a Latin transliteration for the
//! English interface, and the ASCII slug used in ids.
//!
//! Real names come with their established spellings from the tables; these rules only serve
//! composed toponyms ("Кара-Булак"), where a regular transliteration is what a reader expects.

/// The Russian spelling of a Kyrgyz name: the letters Russian lacks (ң, ө, ү) lose their marks.
pub fn ky_to_ru(ky: &str) -> String {
    ky.chars()
        .map(|c| match c {
            'ң' => 'н',
            'Ң' => 'Н',
            'ө' => 'о',
            'Ө' => 'О',
            'ү' => 'у',
            'Ү' => 'У',
            other => other,
        })
        .collect()
}

/// A Latin transliteration of Kyrgyz or Russian Cyrillic, close to the one used on Kyrgyz maps
/// (ж → j, ы → y, ч → ch), ASCII only.
pub fn to_latin(cyrillic: &str) -> String {
    let mut out = String::with_capacity(cyrillic.len());
    for c in cyrillic.chars() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        let latin: &str = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'ё' => "yo",
            'ж' => "j",
            'з' => "z",
            'и' => "i",
            'й' => "i",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ү' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            _ => {
                out.push(c);
                continue;
            }
        };
        if c != lower {
            // Capitalise the first Latin letter only ("Ж" → "J", "Ч" → "Ch").
            let mut chars = latin.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(latin);
        }
    }
    out
}

/// An id slug from a Latin name: lowercase ASCII letters and digits, words joined by '-'.
/// The result only ever contains characters ids accept; it is cut at `max` bytes.
pub fn slug(latin: &str, max: usize) -> String {
    let mut out = String::with_capacity(latin.len());
    for c in latin.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(max);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_kyrgyz_toponyms() {
        assert_eq!(ky_to_ru("Көк-Жаңгак"), "Кок-Жангак");
        assert_eq!(to_latin("Көк-Жаңгак"), "Kok-Jangak");
        assert_eq!(to_latin("Чоң-Алай"), "Chon-Alai");
        assert_eq!(to_latin("Ысык-Ата"), "Ysyk-Ata");
        assert_eq!(slug("Kok-Jangak", 64), "kok-jangak");
        assert_eq!(slug("Rukhiy Muras!", 64), "rukhiy-muras");
        assert_eq!(slug("abc-def", 4), "abc");
    }
}
