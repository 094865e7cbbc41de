//! The one way text enters the web layer. Every query string ([`Query`]), form body
//! ([`Form`]), JSON body ([`Json`]) and multipart text field ([`text`], which
//! [`MultipartForm`](crate::kit::forms::MultipartForm) and the register upload call) is read
//! here, and each of its texts is held to the domain's rule (`shailoo_domain::text`): valid
//! UTF-8, never converted, and no control or bidirectional formatting character (tab and line
//! breaks allowed, a text area sends them). A refused field is named in the answer, the same
//! way whichever database is behind: a NUL never reaches PostgreSQL (which refuses it with a
//! 500) nor SQLite (which would store it), and an override never reaches a printed list.
//!
//! The extractors replace axum's `Query`, `Form` and `Json` (the crate's `clippy.toml` disallows
//! those outside this module). Their rejection answers in the request's language: the JSON
//! error shape under `/api/`, the error page elsewhere. Path segments need no check here:
//! every one is parsed straight into an id, a number or a PIN, which have no room for such
//! characters.
#![allow(
    clippy::disallowed_types,
    reason = "the one module that reads requests with axum's own extractors"
)]

use crate::kit::fail::ApiError;
use crate::kit::i18n::Lang;
use crate::kit::page::error_page_with_field;
use axum::body::Bytes;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shailoo_domain::ErrorCode;
use shailoo_domain::text::{self, ForbiddenCharacter, Lines};
use std::borrow::Cow;

/// Why a text field was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextProblem {
    /// Not valid UTF-8 (never replaced by U+FFFD behind the sender's back).
    NotUtf8,
    /// A control or bidirectional formatting character.
    Forbidden(ForbiddenCharacter),
}

/// A refused text field: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadText {
    pub field: String,
    pub problem: TextProblem,
}

impl BadText {
    /// The stable error code (a message `error-<code>` names the field).
    pub(crate) fn code(&self) -> ErrorCode {
        match self.problem {
            TextProblem::NotUtf8 => ErrorCode::NotUtf8,
            TextProblem::Forbidden(_) => ErrorCode::ForbiddenCharacter,
        }
    }
}

/// A field's name as the answer may repeat it: the name itself when it is clean text, else
/// with its offending characters replaced.
fn shown(name: &str) -> String {
    text::replace_forbidden(name, Lines::One).into_owned()
}

/// Checks one text field (its name and its bytes) and returns it as a string.
pub(crate) fn text(field: &str, bytes: Vec<u8>) -> Result<String, BadText> {
    let refused = |problem| BadText {
        field: shown(field),
        problem,
    };
    text::check(field, Lines::One).map_err(|e| refused(TextProblem::Forbidden(e)))?;
    let s = String::from_utf8(bytes).map_err(|_| refused(TextProblem::NotUtf8))?;
    text::check(&s, Lines::Many).map_err(|e| refused(TextProblem::Forbidden(e)))?;
    Ok(s)
}

/// Checks every name and value of an `application/x-www-form-urlencoded` string (a query or a
/// form body), decoded as the URL standard says (`+` is a space, `%XX` a byte), strictly.
fn check_urlencoded(raw: &[u8]) -> Result<(), BadText> {
    let decode = |part: &[u8]| -> Vec<u8> {
        let plus_as_space: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus_as_space).collect()
    };
    for pair in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &[][..]),
        };
        let name = String::from_utf8(decode(name)).map_err(|_| BadText {
            field: String::from_utf8_lossy(name).into_owned(),
            problem: TextProblem::NotUtf8,
        })?;
        text(&name, decode(value))?;
    }
    Ok(())
}

/// Where a request came from, as far as its rejection needs to know: the language to answer
/// in, and whether it is an API request.
#[derive(Debug, Clone, Copy)]
struct Origin {
    lang: Lang,
    api: bool,
}

impl Origin {
    fn of(parts: &Parts) -> Origin {
        Origin {
            lang: Lang::negotiate(parts),
            api: parts.uri.path().starts_with("/api/"),
        }
    }

    fn reject(self, status: StatusCode, code: ErrorCode, field: Option<String>) -> InputRejection {
        InputRejection {
            origin: self,
            status,
            code,
            field,
        }
    }

    fn bad_text(self, e: BadText) -> InputRejection {
        tracing::debug!(field = %e.field, problem = ?e.problem, "text refused");
        let code = e.code();
        self.reject(StatusCode::BAD_REQUEST, code, Some(e.field))
    }
}

/// A request whose input was refused, answered in its language: the JSON error under
/// `/api/`, the error page elsewhere.
#[derive(Debug)]
pub(crate) struct InputRejection {
    origin: Origin,
    status: StatusCode,
    code: ErrorCode,
    field: Option<String>,
}

impl InputRejection {
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }

    pub(crate) fn code(&self) -> ErrorCode {
        self.code
    }
}

impl InputRejection {
    /// The API's error for it (a handler that reads its input after other checks, such as a
    /// rate limit that must count malformed requests too).
    pub(crate) fn into_api(self) -> ApiError {
        ApiError {
            lang: self.origin.lang,
            status: self.status,
            code: self.code,
            field: self.field.map(Cow::Owned),
        }
    }
}

impl IntoResponse for InputRejection {
    fn into_response(self) -> Response {
        let lang = self.origin.lang;
        if self.origin.api {
            self.into_api().into_response()
        } else {
            let field = self.field.as_deref().unwrap_or_default();
            error_page_with_field(lang, self.status, self.code, field)
        }
    }
}

/// The query string, checked, then deserialized into `T`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = InputRejection;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let origin = Origin::of(parts);
        let raw = parts.uri.query().unwrap_or_default();
        check_urlencoded(raw.as_bytes()).map_err(|e| origin.bad_text(e))?;
        serde_urlencoded::from_str(raw).map(Query).map_err(|e| {
            tracing::debug!(error = %e, "malformed query string");
            let field = Some("query".to_owned());
            origin.reject(StatusCode::BAD_REQUEST, ErrorCode::BadParameter, field)
        })
    }
}

fn has_content_type(headers: &HeaderMap, expected: &str, suffix: Option<&str>) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(expected)
        || suffix.is_some_and(|s| essence.to_ascii_lowercase().ends_with(s))
}

/// Where the request came from, and its body within the route's size limit (axum's
/// `DefaultBodyLimit`, read from the request's extensions) if it has the content type.
async fn body<S: Send + Sync>(
    req: Request,
    state: &S,
    content_type: (&str, Option<&str>),
    wrong_type: ErrorCode,
) -> Result<(Origin, Bytes), InputRejection> {
    let (parts, body) = req.into_parts();
    let origin = Origin::of(&parts);
    if !has_content_type(&parts.headers, content_type.0, content_type.1) {
        let status = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return Err(origin.reject(status, wrong_type, None));
    }
    let req = Request::from_parts(parts, body);
    let bytes = Bytes::from_request(req, state).await.map_err(|e| {
        tracing::debug!(error = %e, "body not read");
        let code = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ErrorCode::BodyTooLarge
        } else {
            ErrorCode::BadForm
        };
        origin.reject(e.status(), code, None)
    })?;
    Ok((origin, bytes))
}

/// An `application/x-www-form-urlencoded` body, checked, then deserialized into `T`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = InputRejection;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let form_type = ("application/x-www-form-urlencoded", None);
        let (origin, bytes) = body(req, state, form_type, ErrorCode::BadForm).await?;
        check_urlencoded(&bytes).map_err(|e| origin.bad_text(e))?;
        serde_urlencoded::from_bytes(&bytes).map(Form).map_err(|e| {
            tracing::debug!(error = %e, "malformed form");
            origin.reject(StatusCode::BAD_REQUEST, ErrorCode::BadForm, None)
        })
    }
}

/// A `multipart/form-data` body, read part by part. Its text parts go through [`text`]
/// (whole, in memory: [`MultipartForm`](crate::kit::forms::MultipartForm)) or [`small_text`]
/// (while streaming a file: the register upload).
pub(crate) struct Multipart(axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = InputRejection;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let origin = Origin::of(&parts);
        let req = Request::from_parts(parts, body);
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Multipart)
            .map_err(|e| {
                tracing::debug!(error = %e, "not a multipart body");
                origin.reject(StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::BadForm, None)
            })
    }
}

impl Multipart {
    /// The next part, `None` after the last.
    pub(crate) async fn next_field(&mut self) -> Result<Option<Field<'_>>, MultipartError> {
        self.0.next_field().await
    }
}

/// Why a short text part of a multipart body could not be read.
#[derive(Debug)]
pub(crate) enum SmallTextError {
    /// The body broke off, or went over the route's limit.
    Body(MultipartError),
    /// Longer than the limit given.
    TooLong,
    Bad(BadText),
}

/// Reads a text part of at most `limit` bytes, checked like every other text field.
pub(crate) async fn small_text(
    mut field: Field<'_>,
    limit: usize,
) -> Result<String, SmallTextError> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(SmallTextError::Body)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limit {
            return Err(SmallTextError::TooLong);
        }
    }
    text(&name, bytes).map_err(SmallTextError::Bad)
}

/// A JSON body (`Content-Type: application/json` or `…+json`), checked, then deserialized
/// into `T`; as a response, `T` serialized. Every refusal has the API's error shape: 415
/// `not_json`, 400 `bad_json` (not JSON at all), 400 `forbidden_character` / `missing_field` /
/// `bad_parameter` naming the field (`election`, `items/0/name`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = InputRejection;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json_type = ("application/json", Some("+json"));
        let (origin, bytes) = body(req, state, json_type, ErrorCode::NotJson).await?;
        let bad = |code, field: String| origin.reject(StatusCode::BAD_REQUEST, code, Some(field));
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| bad(ErrorCode::BadJson, "body".to_owned()))?;
        if let Some(e) = forbidden_in_json(&value, &mut String::new()) {
            return Err(origin.bad_text(e));
        }
        serde_path_to_error::deserialize(value)
            .map(Json)
            .map_err(|e| {
                let path = e.path().to_string();
                let message = e.inner().to_string();
                tracing::debug!(%path, %message, "JSON body does not fit");
                match message.strip_prefix("missing field `") {
                    Some(rest) if path == "." => bad(
                        ErrorCode::MissingField,
                        rest.trim_end_matches('`').to_owned(),
                    ),
                    _ if path == "." => bad(ErrorCode::BadParameter, "body".to_owned()),
                    _ => bad(ErrorCode::BadParameter, path),
                }
            })
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// The first string or key of a JSON value that text may not hold, named by its path
/// (`items/0/name`; the whole body is `body`).
fn forbidden_in_json(value: &serde_json::Value, path: &mut String) -> Option<BadText> {
    let inside = |path: &mut String, key: &str, v: &serde_json::Value| {
        let len = path.len();
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(&shown(key));
        let found = text::check(key, Lines::One)
            .err()
            .map(|e| BadText {
                field: path.clone(),
                problem: TextProblem::Forbidden(e),
            })
            .or_else(|| forbidden_in_json(v, path));
        path.truncate(len);
        found
    };
    match value {
        serde_json::Value::String(s) => text::check(s, Lines::Many).err().map(|e| BadText {
            field: if path.is_empty() {
                "body".to_owned()
            } else {
                path.clone()
            },
            problem: TextProblem::Forbidden(e),
        }),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| inside(path, &i.to_string(), v)),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| inside(path, k, v)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(raw: &str) -> Option<(String, ErrorCode)> {
        check_urlencoded(raw.as_bytes())
            .err()
            .map(|e| (e.field.clone(), e.code()))
    }

    #[test]
    fn urlencoded_text_is_decoded_strictly_and_checked_field_by_field() {
        assert_eq!(
            problem("q=%D0%91%D0%B8%D1%88%D0%BA%D0%B5%D0%BA&page=2"),
            None
        );
        assert_eq!(problem("reason=line+one%0D%0Aline%09two"), None);
        assert_eq!(problem(""), None);
        assert_eq!(problem("&&flag&"), None);
        let forbidden = Some(("q".to_owned(), ErrorCode::ForbiddenCharacter));
        assert_eq!(problem("page=1&q=a%00b"), forbidden);
        assert_eq!(problem("q=%E2%80%AEevil"), forbidden);
        assert_eq!(problem("q=%C2%85"), forbidden);
        assert_eq!(problem("q=%FF"), Some(("q".to_owned(), ErrorCode::NotUtf8)));
        assert_eq!(problem("q=%C3"), Some(("q".to_owned(), ErrorCode::NotUtf8)));
        // A bad name is named as well as it can be.
        assert_eq!(
            problem("a%00b=1"),
            Some(("a\u{FFFD}b".to_owned(), ErrorCode::ForbiddenCharacter))
        );
    }

    #[test]
    fn json_strings_and_keys_are_checked_with_their_path() {
        let value = serde_json::json!({
            "pin": "20101199000123",
            "items": [{"name": "ok"}, {"name": "A\u{202E}B"}],
        });
        let e = forbidden_in_json(&value, &mut String::new()).expect("refused");
        assert_eq!(
            (e.field.as_str(), e.code()),
            ("items/1/name", ErrorCode::ForbiddenCharacter)
        );
        let key = serde_json::json!({"na\u{0}me": 1});
        let e = forbidden_in_json(&key, &mut String::new()).expect("refused");
        assert_eq!(e.field, "na\u{FFFD}me");
        let fine = serde_json::json!({"reason": "two\nlines", "n": 1, "x": null});
        assert_eq!(forbidden_in_json(&fine, &mut String::new()), None);
        let top = serde_json::json!("\u{7}");
        assert_eq!(
            forbidden_in_json(&top, &mut String::new()).map(|e| e.field),
            Some("body".to_owned())
        );
    }

    #[test]
    fn a_multipart_text_field_is_utf8_without_replacement() {
        assert_eq!(
            text("name", "Айгүл".as_bytes().to_vec()),
            Ok("Айгүл".to_owned())
        );
        let e = text("name", vec![0x41, 0xFF]).expect_err("refused");
        assert_eq!((e.field.as_str(), e.code()), ("name", ErrorCode::NotUtf8));
        let e = text("name", "A\u{2067}".as_bytes().to_vec()).expect_err("refused");
        assert_eq!(e.code(), ErrorCode::ForbiddenCharacter);
    }
}
