//! Languages of the interface and the Fluent catalogues behind every user-facing string.
//!
//! The language of a request is, in order: `?lang=`, the `lang` cookie, `Accept-Language`,
//! then Kyrgyz, the state language. Catalogues live in `locales/{ky,ru,en}/*.ftl` (`main.ftl`,
//! and one file per feature such as `lookup.ftl`; every `.ftl` file under a language directory,
//! subfolders included, is loaded) and are compiled into the binary.

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use shailoo_domain::ErrorCode;
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ky",
        // Isolation marks (U+2068/U+2069) around arguments would end up inside HTML attributes
        // and JSON messages, where they only confuse; our arguments are never right-to-left.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static KY: LanguageIdentifier = langid!("ky");
static RU: LanguageIdentifier = langid!("ru");
static EN: LanguageIdentifier = langid!("en");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Kyrgyz, the state language: the default.
    #[default]
    Ky,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Ky, Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ky => "ky",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Parses `ky`, `ru`, `en` (also with a region, e.g. `ru-KG`), case-insensitively.
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ky" | "kir" => Some(Lang::Ky),
            "ru" | "rus" => Some(Lang::Ru),
            "en" | "eng" => Some(Lang::En),
            _ => None,
        }
    }

    fn langid(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Ky => &KY,
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }

    /// The message `key`; the key itself (and a warning in the log) if it is missing, so that a
    /// gap shows up in review instead of as an empty page.
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.langid(), key).unwrap_or_else(|| {
            tracing::warn!(key, lang = self.code(), "missing message");
            key.to_owned()
        })
    }

    /// The message `key`, or `None` when the catalogue has none (for a wording that only some
    /// codes have, like the voter's own: `Refusal::voter_message`).
    pub fn try_t_args(self, key: &str, args: &[(&'static str, String)]) -> Option<String> {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.try_lookup_with_args(self.langid(), key, &map)
    }

    /// The message `key` with arguments of any Fluent type (a number selects a plural form),
    /// if the catalogues have it (i15-scan-map: the allocation's steps).
    pub fn try_t_values(
        self,
        key: &str,
        args: &HashMap<Cow<'static, str>, FluentValue<'static>>,
    ) -> Option<String> {
        LOCALES.try_lookup_with_args(self.langid(), key, args)
    }

    /// The message `key`, if the catalogues have it (for a message that exists only for some
    /// values, like a parameter's value in words).
    pub fn try_t(self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.langid(), key)
    }

    /// The message `key` with named arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.langid(), key, &map)
            .unwrap_or_else(|| {
                tracing::warn!(key, lang = self.code(), "missing message");
                key.to_owned()
            })
    }

    /// The localized message of a stable error code (`error-<code>`). Messages that name a
    /// field (`error-bad_parameter`) get an empty one here; callers that know it use
    /// [`Lang::t_args`].
    pub fn error(self, code: ErrorCode) -> String {
        self.t_args(&code.message_key(), &[("field", String::new())])
    }

    /// The language of a page request: `?lang`, cookie, `Accept-Language`, Kyrgyz.
    pub fn negotiate(parts: &Parts) -> Lang {
        query_lang(parts.uri.query())
            .or_else(|| cookie(&parts.headers, "lang").and_then(|v| Lang::parse(&v)))
            .or_else(|| accept_language(&parts.headers))
            .unwrap_or_default()
    }
}

/// `lang=` in a query string, if it names a language we have.
pub fn query_lang(query: Option<&str>) -> Option<Lang> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v))
}

/// `?lang=xx` on any page also sets the `lang` cookie, so the choice sticks on later pages.
pub(crate) async fn remember_language(req: Request, next: Next) -> Response {
    let chosen = query_lang(req.uri().query());
    let mut response = next.run(req).await;
    if let Some(lang) = chosen {
        let c = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// The first language of `Accept-Language` we have, by quality.
pub fn accept_language(headers: &HeaderMap) -> Option<Lang> {
    let value = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut ranked: Vec<(f32, Lang)> = value
        .split(',')
        .filter_map(|item| {
            let mut pieces = item.split(';');
            let lang = Lang::parse(pieces.next()?)?;
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, lang))
        })
        .collect();
    // A stable sort keeps the header's order among equal qualities.
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranked.first().map(|(_, l)| *l)
}

/// The value of a cookie in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_language_we_have() {
        let mut h = HeaderMap::new();
        h.insert(
            axum::http::header::ACCEPT_LANGUAGE,
            "de-DE, en;q=0.5, ru-RU;q=0.8".parse().expect("header"),
        );
        assert_eq!(accept_language(&h), Some(Lang::Ru));
    }

    #[test]
    fn the_default_language_is_kyrgyz() {
        assert_eq!(Lang::default(), Lang::Ky);
        assert_eq!(Lang::parse("RU-kg"), Some(Lang::Ru));
        assert_eq!(Lang::parse("de"), None);
    }
}
