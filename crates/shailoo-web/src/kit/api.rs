//! What every handler of the JSON API under `/api/v1` shares: its language, the documented
//! `?lang=` parameter, and the parsing of query parameters (taken as strings and parsed here,
//! so that a malformed one gets the common error shape with the parameter named).
//!
//! Wire types (`*Dto`) are separate from domain types: the domain crate knows nothing of
//! OpenAPI, and the wire format is a contract of its own.

use crate::kit::fail::ApiError;
use crate::kit::i18n::Lang;
use crate::kit::input::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Deserialize;
use shailoo_app::PageRequest;
use shailoo_domain::ErrorCode;
use utoipa::IntoParams;

/// What an API handler returns.
pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;

/// The language of an API request: `?lang`, `Accept-Language` (or the `lang` cookie), Kyrgyz.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ApiLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ApiLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiLang(Lang::negotiate(parts)))
    }
}

/// The language of messages; also taken from `Accept-Language`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LangQuery {
    /// `ky`, `ru` or `en`.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

/// The last page number a request may name: the largest 32-bit integer, as the API document
/// says (`format: int32`), far past the last page of any listing.
pub(crate) const MAX_PAGE: u32 = i32::MAX as u32;

/// `page` (1 to [`MAX_PAGE`]) and `per_page` (1 to [`PageRequest::MAX_PER_PAGE`]), or 400 naming
/// the one at fault.
pub(crate) fn page_request(
    lang: Lang,
    page: Option<String>,
    per_page: Option<String>,
) -> Result<PageRequest, ApiError> {
    let mut req = PageRequest::default();
    // Unlike the filters, an empty `page=` is no number: the document says integer.
    if let Some(p) = page {
        req.page = p
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PAGE).contains(n))
            .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, "page"))?;
    }
    if let Some(p) = per_page {
        req.per_page = p
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=PageRequest::MAX_PER_PAGE).contains(n))
            .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, "per_page"))?;
    }
    Ok(req)
}

/// An optional id parameter, or 400 `bad_id` naming `field`. Only an empty value is no filter
/// (as a page's form sends it, and as the document's pattern `^(…)?$` says); a blank one is
/// not trimmed into "no filter" but refused, like any other text that is no id.
pub(crate) fn id<T>(
    lang: Lang,
    s: Option<String>,
    field: &'static str,
    parse: impl Fn(&str) -> Result<T, shailoo_domain::IdError>,
) -> Result<Option<T>, ApiError> {
    s.filter(|s| !s.is_empty())
        .map(|s| parse(&s).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, field)))
        .transpose()
}
