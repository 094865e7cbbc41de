//! One mapping from failures to responses. A refused or failed use case becomes, through the
//! [`Refusal`] trait, an HTTP status, a stable [`ErrorCode`] (with a message `error-<code>` in
//! the three catalogues) and a sentence in the reader's language; pages show it as the error page
//! ([`PageFail`]) or beside the form, the API as `{"error": {…}}` ([`ApiError`]). Internal
//! causes go to the log, never to the client.

use crate::kit::i18n::Lang;
use crate::kit::input::BadText;
use crate::kit::input::Json;
use crate::kit::page::{error_page, error_page_with_field};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use shailoo_app::StoreError;
use shailoo_domain::ErrorCode;
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

/// How the web answers a refusal of a use case (or a failure under it). Each error type of
/// the app layer implements it once, in the feature that owns it; pages, forms and the API all
/// go through it, so the same refusal never gets two statuses.
pub(crate) trait Refusal {
    /// The HTTP status.
    fn status(&self) -> StatusCode;
    /// The stable code the client sees; its message is `error-<code>`.
    fn error_code(&self) -> ErrorCode;
    /// The store failure behind the refusal, if that is what it is (logged by [`log`]).
    fn store_error(&self) -> Option<&StoreError> {
        None
    }
    /// The sentence a page shows beside the form it re-renders.
    fn message(&self, lang: Lang) -> String {
        lang.error(self.error_code())
    }

    /// The sentence the voter cabinet shows: where the staff wording speaks of "the voter",
    /// the voter's own (`voter-error-<code>`, for the codes of [`VOTER_ERROR_CODES`]), else
    /// [`Refusal::message`]. `args` fill the voter's wording (a station number).
    fn voter_message(&self, lang: Lang) -> String {
        let code = self.error_code();
        if !VOTER_ERROR_CODES.contains(&code) {
            return self.message(lang);
        }
        let key = format!("voter-error-{code}");
        lang.try_t_args(&key, &self.voter_args())
            .unwrap_or_else(|| self.message(lang))
    }

    /// The arguments of the voter's wording.
    fn voter_args(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// The codes whose staff message speaks of "the voter" and which a voter can meet in the
/// cabinet: each has a second message `voter-error-<code>` that speaks to the voter
/// (`tests/web/i18n.rs` checks it exists and differs from the staff one, and that no other
/// code has one).
pub const VOTER_ERROR_CODES: &[ErrorCode] = &[
    ErrorCode::ClaimAlreadyOpen,
    ErrorCode::ClaimAlreadyListed,
    ErrorCode::ClaimWrongStation,
    ErrorCode::ClaimNotInRegister,
    ErrorCode::RemoteNotOnList,
    ErrorCode::RemoteAlreadyApplied,
];

/// Logs the store failure behind a refusal: an error when it is the server's fault.
pub(crate) fn log(refusal: &impl Refusal) {
    if let Some(e) = refusal.store_error() {
        if store_status(e).is_server_error() {
            tracing::error!(error = %e, code = %e.code(), "store failure");
        } else {
            tracing::debug!(error = %e, code = %e.code(), "store refused");
        }
    }
}

/// The HTTP status of a store failure.
pub(crate) fn store_status(e: &StoreError) -> StatusCode {
    match e {
        StoreError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        StoreError::Duplicate { .. } => StatusCode::CONFLICT,
        StoreError::UnknownReference { .. } | StoreError::Invalid(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        StoreError::BadUrl(_) | StoreError::Corrupt(_) | StoreError::Backend(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

impl Refusal for StoreError {
    fn status(&self) -> StatusCode {
        store_status(self)
    }
    fn error_code(&self) -> ErrorCode {
        self.code()
    }
    fn store_error(&self) -> Option<&StoreError> {
        Some(self)
    }
}

// --- pages ---

/// Marks a response as an error page with its code, so that the route's gate can show it
/// again with the staff member's header and a way back ([`crate::kit::access`]).
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub code: ErrorCode,
    /// The field a refused input names (`error-forbidden_character`), shown again with it.
    pub field: Option<String>,
}

/// A page that could not be shown: the error page, or a redirect (to the log-in page). Boxed:
/// a response is large, and handlers return it through `?`.
pub(crate) struct PageFail(Box<Response>);

/// What a page handler returns.
pub(crate) type PageResult = Result<Response, PageFail>;

impl PageFail {
    /// The error page for `code`, in the reader's language.
    pub(crate) fn new(lang: Lang, status: StatusCode, code: ErrorCode) -> PageFail {
        PageFail(Box::new(error_page(lang, status, code)))
    }

    /// The error page for a refusal (logged first when a store failure is behind it).
    pub(crate) fn refused(lang: Lang, refusal: &impl Refusal) -> PageFail {
        log(refusal);
        PageFail::new(lang, refusal.status(), refusal.error_code())
    }

    /// Somewhere else first (the log-in page, which comes back here).
    pub(crate) fn redirect(to: &str) -> PageFail {
        PageFail(Box::new(Redirect::to(to).into_response()))
    }

    /// 404 "not found".
    pub(crate) fn not_found(lang: Lang) -> PageFail {
        PageFail::new(lang, StatusCode::NOT_FOUND, ErrorCode::NotFound)
    }

    /// 403 "forbidden".
    pub(crate) fn forbidden(lang: Lang) -> PageFail {
        PageFail::new(lang, StatusCode::FORBIDDEN, ErrorCode::Forbidden)
    }

    /// 400 "bad form": a body that does not parse.
    pub(crate) fn bad_form(lang: Lang) -> PageFail {
        PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadForm)
    }

    /// 400 naming a text field that was refused ([`crate::kit::input`]).
    pub(crate) fn bad_text(lang: Lang, e: &BadText) -> PageFail {
        let status = StatusCode::BAD_REQUEST;
        PageFail(Box::new(error_page_with_field(
            lang,
            status,
            e.code(),
            &e.field,
        )))
    }
}

impl IntoResponse for PageFail {
    fn into_response(self) -> Response {
        *self.0
    }
}

/// Marks a response as never to be cached (personal data, answers about a PIN).
pub(crate) fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

// --- the API ---

/// The body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code (`bad_parameter`, `not_found`, `duplicate_station_number`…): clients
    /// match on this, never on the message. One of the values of the `ErrorCode` schema.
    #[schema(value_type = ErrorCodeSchema)]
    pub code: ErrorCode,
    /// The message in the language asked for (`?lang=` or `Accept-Language`).
    pub message: String,
    /// The input field or parameter at fault, for 400 and 422.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error of the JSON API.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub lang: Lang,
    pub status: StatusCode,
    pub code: ErrorCode,
    /// A parameter's name, or a field of the request (`items/0/name`) that was refused.
    pub field: Option<Cow<'static, str>>,
}

/// [`ErrorCode`] in the OpenAPI document (the domain crate knows nothing of OpenAPI): the
/// schema `ErrorCode`, a string enum of every code there is, derived from [`ErrorCode::ALL`].
pub(crate) struct ErrorCodeSchema;

impl PartialSchema for ErrorCodeSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "Every error code a client can see. Clients match on the code, never on the \
                 message; the message is in the language asked for.",
            ))
            .enum_values(Some(ErrorCode::ALL.iter().map(|c| c.as_str())))
            .into()
    }
}

impl ToSchema for ErrorCodeSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ErrorCode")
    }
}

impl ApiError {
    pub(crate) fn new(lang: Lang, status: StatusCode, code: ErrorCode) -> Self {
        ApiError {
            lang,
            status,
            code,
            field: None,
        }
    }

    /// A malformed parameter: 400 naming the field.
    pub(crate) fn bad(lang: Lang, code: ErrorCode, field: &'static str) -> Self {
        ApiError {
            field: Some(Cow::Borrowed(field)),
            ..ApiError::new(lang, StatusCode::BAD_REQUEST, code)
        }
    }

    /// The thing the path names does not exist.
    pub(crate) fn not_found(lang: Lang) -> Self {
        Self::new(lang, StatusCode::NOT_FOUND, ErrorCode::NotFound)
    }

    /// A refusal (logged first when a store failure is behind it).
    pub(crate) fn refused(lang: Lang, refusal: &impl Refusal) -> Self {
        log(refusal);
        Self::new(lang, refusal.status(), refusal.error_code())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let field = self.field.as_deref().unwrap_or_default().to_owned();
        let message = self
            .lang
            .t_args(&self.code.message_key(), &[("field", field)]);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message,
                field: self.field.map(Cow::into_owned),
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Unknown paths: a JSON 404 under `/api`, a page otherwise.
pub(crate) async fn fallback(req: axum::extract::Request) -> Response {
    let (parts, _) = req.into_parts();
    let lang = Lang::negotiate(&parts);
    if parts.uri.path().starts_with("/api/") {
        ApiError::not_found(lang).into_response()
    } else {
        error_page(lang, StatusCode::NOT_FOUND, ErrorCode::NotFound)
    }
}

/// Turns the error of a fallible call into the page's or the API's answer to it.
pub(crate) trait OrRefused<T> {
    /// The error page for the refusal.
    fn or_page(self, lang: Lang) -> Result<T, PageFail>;
    /// The API error for the refusal.
    fn or_api(self, lang: Lang) -> Result<T, ApiError>;
}

impl<T, E: Refusal> OrRefused<T> for Result<T, E> {
    fn or_page(self, lang: Lang) -> Result<T, PageFail> {
        self.map_err(|e| PageFail::refused(lang, &e))
    }
    fn or_api(self, lang: Lang) -> Result<T, ApiError> {
        self.map_err(|e| ApiError::refused(lang, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body of a response that is already complete (the error page, a JSON error).
    fn body(r: Response) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        rt.block_on(async {
            axum::body::to_bytes(r.into_body(), usize::MAX)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        })
    }

    #[test]
    fn one_refusal_reads_the_same_on_a_page_and_in_the_api() {
        let down = StoreError::Unavailable("gone".into());
        let page = PageFail::refused(Lang::En, &down).into_response();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(body(page).contains(&Lang::En.error(ErrorCode::DbUnavailable)));
        let api = ApiError::refused(Lang::Ru, &down).into_response();
        assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
        let json: serde_json::Value =
            serde_json::from_str(&body(api)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(json["error"]["code"], "db_unavailable");
        assert_eq!(
            json["error"]["message"],
            Lang::Ru.error(ErrorCode::DbUnavailable)
        );
        let corrupt: Result<(), StoreError> = Err(StoreError::Corrupt("x".into()));
        let Err(fail) = corrupt.or_page(Lang::Ky) else {
            panic!("an error");
        };
        assert_eq!(
            fail.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
