//! The three catalogues have the same keys, and every key the code and templates use exists.

use shailoo_domain::ErrorCode;
use shailoo_domain::calendar::{Action, RULES};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file with extension `ext` under `dir`, subfolders included, in path order: the
/// catalogue loader reads a language's folder recursively, and code and templates live in
/// feature folders, so a check that read one level would silently skip them.
fn files_under(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// All `.ftl` files of a language, in path order, as one text (the loader reads them all).
fn catalogue(lang: &str) -> String {
    let files = files_under(&crate_dir().join("locales").join(lang), "ftl");
    assert!(files.len() >= 2, "main.ftl and the feature catalogues");
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The message ids of a catalogue: lines `id = …` at the start of a line (terms start with
/// `-`, comments with `#`, continuation lines with whitespace; we use neither of the first two
/// for messages).
fn keys(lang: &str) -> BTreeSet<String> {
    let text = catalogue(lang);
    let ids: Vec<String> = text
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
        .collect();
    let unique: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "{lang}: a message id appears twice"
    );
    unique
}

/// Every literal key passed to a `t("…")` call (`ctx.t("…")` in templates, `lang.t("…")`,
/// `.t("…")` in code), not `get("…")` or other calls ending in `t`.
fn literal_keys(dir: &Path, ext: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for path in files_under(dir, ext) {
        let text = std::fs::read_to_string(&path).unwrap();
        for (i, _) in text.match_indices("t(\"") {
            let before = text[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = &text[i + 3..];
            if let Some(end) = rest.find('"') {
                found.insert(rest[..end].to_owned());
            }
        }
    }
    found
}

#[test]
fn the_walk_reaches_nested_folders() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("feature").join("deeper");
    std::fs::create_dir_all(&nested).unwrap();
    for (path, text) in [
        (dir.path().join("main.ftl"), "top = Top"),
        (nested.join("feature.ftl"), "nested = Nested"),
        (nested.join("notes.txt"), "skipped = Skipped"),
    ] {
        std::fs::write(path, text).unwrap();
    }
    let found = files_under(dir.path(), "ftl");
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|p| p.ends_with("feature/deeper/feature.ftl"))
    );
    // The real folders: every feature folder's code and templates are read.
    let src = crate_dir().join("src");
    for nested in [
        "kit/page.rs",
        "kit/templates/base.html",
        "setup/templates/home.html",
    ] {
        let ext = nested.rsplit('.').next().unwrap();
        assert!(
            files_under(&src, ext).contains(&src.join(nested)),
            "{nested} not read"
        );
    }
}

/// The variables (`{ $name }`) of each message of a language's catalogue.
fn variables(lang: &str) -> Vec<(String, BTreeSet<String>)> {
    let mut messages: Vec<(String, BTreeSet<String>)> = Vec::new();
    for line in catalogue(lang).lines() {
        if line.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && let Some((key, _)) = line.split_once(" =")
        {
            messages.push((key.trim().to_owned(), BTreeSet::new()));
        }
        if let Some((_, vars)) = messages.last_mut() {
            for (i, _) in line.match_indices('$') {
                let name: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                vars.insert(name);
            }
        }
    }
    messages
}

#[test]
fn every_message_of_every_catalogue_file_is_loaded() {
    // The loader and this test must agree on which files make a catalogue: a message in a file
    // the loader skipped would pass the checks here and be missing in the application.
    for lang in shailoo_web::Lang::ALL {
        let text = catalogue(lang.code());
        for (key, vars) in variables(lang.code()) {
            let args: Vec<(&'static str, String)> = vars
                .into_iter()
                .map(|v| (&*Box::leak(v.into_boxed_str()), "x".to_owned()))
                .collect();
            let m = lang.t_args(&key, &args);
            // A missing message reads as its key; `yes = yes` is no such case.
            let own = text.contains(&format!("\n{key} = {key}\n"));
            assert!(m != key || own, "{key} in {lang:?} is not loaded");
        }
    }
}

#[test]
fn the_three_catalogues_have_identical_keys() {
    let ky = keys("ky");
    assert!(ky.len() > 150, "parsed {} keys", ky.len());
    for lang in ["ru", "en"] {
        let other = keys(lang);
        let missing: Vec<_> = ky.difference(&other).collect();
        let extra: Vec<_> = other.difference(&ky).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, extra {extra:?}"
        );
    }
}

#[test]
fn kyrgyz_and_russian_are_translations_not_copies_of_english() {
    let read = catalogue;
    let (ky, ru, en) = (read("ky"), read("ru"), read("en"));
    let value = |text: &str, key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")).map(str::to_owned))
            .unwrap()
    };
    let mut same = Vec::new();
    for key in keys("en") {
        let e = value(&en, &key);
        if value(&ky, &key) == e || value(&ru, &key) == e {
            same.push(key);
        }
    }
    assert!(same.is_empty(), "untranslated: {same:?}");
    // Kyrgyz has its own letters.
    assert!(ky.contains('ү') && ky.contains('ө') && ky.contains('ң'));
}

#[test]
fn every_key_used_by_templates_and_code_exists() {
    let known = keys("ky");
    let mut used = literal_keys(&crate_dir().join("src"), "html");
    used.extend(literal_keys(&crate_dir().join("src"), "rs"));
    assert!(used.len() > 80, "found {} keys", used.len());
    // Keys built at run time.
    for code in ErrorCode::ALL {
        used.insert(code.message_key());
    }
    for r in &RULES {
        used.insert(r.message_key.to_owned());
    }
    for a in Action::ALL {
        used.insert(a.message_key().to_owned());
    }
    for k in [
        "kind-city",
        "kind-aiyl",
        "level-cec",
        "level-tec",
        "level-pec",
        "role-cec_admin",
        "role-tec_member",
        "role-pec_member",
        "role-party_representative",
        "state-past",
        "state-current",
        "state-upcoming",
        "stations-remote-only",
        "stations-regular-only",
        "calendar-not-yet-open",
        "calendar-closed",
    ] {
        used.insert(k.to_owned());
    }
    let missing: Vec<_> = used.difference(&known).collect();
    assert!(missing.is_empty(), "missing keys: {missing:?}");
}

/// Every code a client can see has its message in each language: the set is closed
/// ([`ErrorCode::ALL`]), so a new code without its messages fails here, whichever layer
/// returns it.
#[test]
fn every_error_code_has_a_message_in_every_language() {
    let mut missing = Vec::new();
    for lang in shailoo_web::Lang::ALL {
        for &code in ErrorCode::ALL {
            let key = code.message_key();
            let m = lang.t_args(&key, &[("field", "x".to_owned())]);
            if m == key || m.trim().is_empty() {
                missing.push(format!("{key} ({})", lang.code()));
            }
        }
    }
    assert!(missing.is_empty(), "no message: {missing:?}");
}

/// The other way round: every `error-<code>` message of the catalogues belongs to a code, so
/// a code removed or renamed leaves no stale message behind.
#[test]
fn every_error_message_belongs_to_a_code() {
    let stale: Vec<String> = keys("ky")
        .into_iter()
        .filter(|k| {
            k.strip_prefix("error-")
                .is_some_and(|code| ErrorCode::parse(code).is_none())
        })
        .collect();
    assert!(stale.is_empty(), "messages of no code: {stale:?}");
}

#[test]
fn a_voter_is_spoken_to_not_about_where_staff_read_the_voter() {
    for code in shailoo_web::VOTER_ERROR_CODES {
        for l in shailoo_web::Lang::ALL {
            let args = [("station", "8001".to_owned()), ("field", String::new())];
            let staff = l.t_args(&code.message_key(), &args);
            let voter = l.t_args(&format!("voter-error-{code}"), &args);
            assert!(!voter.starts_with("voter-error-"), "{code} in {l:?}");
            assert_ne!(staff, voter, "{code} in {l:?}");
        }
    }
    // Only those codes have a voter's wording (another would never be shown).
    let unlisted: Vec<String> = keys("ky")
        .into_iter()
        .filter(|k| {
            k.strip_prefix("voter-error-").is_some_and(|code| {
                ErrorCode::parse(code).is_none_or(|c| !shailoo_web::VOTER_ERROR_CODES.contains(&c))
            })
        })
        .collect();
    assert!(
        unlisted.is_empty(),
        "voter's wording of no listed code: {unlisted:?}"
    );
    // The staff wording speaks of "this voter"; the voter's never does.
    let en = shailoo_web::Lang::En;
    assert!(en.error(ErrorCode::ClaimAlreadyOpen).contains("This voter"));
    for code in shailoo_web::VOTER_ERROR_CODES {
        let voter = en.t_args(&format!("voter-error-{code}"), &[("station", "1".into())]);
        assert!(!voter.to_lowercase().contains("the voter"), "{voter}");
        assert!(!voter.to_lowercase().contains("this voter"), "{voter}");
    }
}

/// One row of `docs/glossary.md`'s table: the concept and, per language, the term and the
/// variants to avoid.
struct Term {
    concept: String,
    /// (language, the term, the variants to avoid)
    langs: Vec<(&'static str, String, Vec<String>)>,
}

/// The glossary's table (the rows after the header and its rule line).
fn glossary() -> Vec<Term> {
    let path = crate_dir().join("../../docs/glossary.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(
        rows.first().map(|r| r[..7].to_vec()),
        Some(
            [
                "concept",
                "ky",
                "ru",
                "en",
                "avoid (ky)",
                "avoid (ru)",
                "avoid (en)"
            ]
            .map(String::from)
            .to_vec()
        ),
        "the glossary's header changed"
    );
    let split = |c: &str| -> Vec<String> {
        c.split(';')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect()
    };
    rows.iter()
        .skip(2)
        .map(|r| Term {
            concept: r[0].clone(),
            langs: vec![
                ("ky", r[1].clone(), split(&r[4])),
                ("ru", r[2].clone(), split(&r[5])),
                ("en", r[3].clone(), split(&r[6])),
            ],
        })
        .collect()
}

/// A glossary pattern as a regex: case ignored, from a word boundary, `*` the rest of a word.
fn pattern(p: &str) -> regex::Regex {
    let body = regex::escape(p).replace(r"\*", r"\w*");
    regex::Regex::new(&format!(r"(?i)\b{body}")).unwrap()
}

#[test]
fn the_catalogues_use_the_glossary_s_terms_and_none_of_its_avoided_variants() {
    let terms = glossary();
    assert!(terms.len() >= 2, "remote voting and PIN at least");
    for term in &terms {
        for (lang, preferred, avoid) in &term.langs {
            let text = catalogue(lang);
            // Comments may name a variant to say it is not used; messages may not.
            let messages: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                pattern(preferred).is_match(&messages),
                "{lang}: the term {preferred:?} ({}) is never used",
                term.concept
            );
            for variant in avoid {
                let avoided = pattern(variant);
                let hits: Vec<&str> = messages.lines().filter(|l| avoided.is_match(l)).collect();
                assert!(
                    hits.is_empty(),
                    "{lang}: {variant:?} instead of {preferred:?} ({}): {hits:#?}",
                    term.concept
                );
            }
        }
    }
}

#[test]
fn the_glossary_patterns_catch_inflected_variants() {
    assert!(pattern("удалённ* голосовани*").is_match("Участок удалённого голосования"));
    assert!(pattern("ЖИН*").is_match("шайлоочунун ЖИНин киргизиңиз"));
    assert!(!pattern("ЖИН*").is_match("тажиндин"));
    assert!(pattern("голосовани* по месту нахождения").is_match("Голосование по месту нахождения"));
}
