//! One mapping from failures to responses: a stable code, an HTTP status and a localized
//! message. Internal causes go to the log, never to the client.

use crate::i18n::Lang;
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use shailoo_app::StoreError;
use utoipa::ToSchema;

/// Every error code the web layer can show. Each has a message `error-<code>` in all three
/// catalogues (a test checks it): codes of the store, the setup checks, the PIN parser, the
/// calendar, and the web layer's own.
pub const ERROR_CODES: &[&str] = &[
    // voting-day check-in (messages in checkin.ftl)
    "already_voted",
    "not_on_list",
    "not_on_this_list",
    "voting_closed",
    "unknown_station",
    // printed voter lists (messages in print.ftl)
    "voter_lists_not_compiled",
    "bad_list_variant",
    "print_failed",
    // voter cabinet (messages in cabinet.ftl)
    "cabinet_unavailable",
    "cabinet_not_confirmed",
    "cabinet_no_phone",
    "cabinet_bad_code",
    "cabinet_wrong_code",
    "cabinet_too_many_attempts",
    "cabinet_code_expired",
    "registry_unavailable",
    "registry_timeout",
    "registry_protocol",
    "sms_unavailable",
    "sms_timeout",
    "sms_rejected",
    "passport_wrong_length",
    "passport_bad_series",
    "passport_not_a_digit",
    // web
    "bad_parameter",
    "bad_form",
    "bad_station_number",
    "bad_id",
    "bad_date",
    "bad_time",
    "required",
    "not_found",
    "forbidden",
    "login_required",
    "csrf_failed",
    "throttled",
    "wrong_credentials",
    "unknown_rule",
    "not_a_pec",
    "internal",
    // RemoteVotingError::code() (messages in remote.ftl)
    "remote_not_on_list",
    "remote_not_remote_station",
    "remote_already_applied",
    "remote_unknown_application",
    "remote_wrong_status",
    "remote_station_full",
    "remote_reason_required",
    "voter_lists_frozen",
    // ClaimError::code() (messages in claims.ftl)
    "claim_bad_id",
    "claim_unknown",
    "claim_not_in_register",
    "claim_unknown_station",
    "claim_station_not_for_claims",
    "claim_already_listed",
    "claim_wrong_station",
    "claim_already_open",
    "claim_already_decided",
    "claim_empty_correction",
    "claim_empty_text",
    "claim_text_too_long",
    "claim_reason_required",
    "claim_bad_decision",
    "claim_copy_missing",
    "claim_copy_too_large",
    "claim_copy_not_recognised",
    // the register page and VoterListError::code() (messages in register.ftl)
    "register_job_running",
    "register_not_multipart",
    "register_no_file",
    "register_upload_failed",
    "register_upload_too_large",
    "register_job_interrupted",
    "voter_lists_not_published",
    "voter_lists_step_already_taken",
    // voter look-up
    "voter_not_found",
    "rate_limited",
    // StoreError::code()
    "db_unavailable",
    "db_bad_url",
    "duplicate_station_number",
    "duplicate_user",
    "duplicate",
    "unknown_council",
    "unknown_commission",
    "unknown_territory",
    "unknown_election",
    "unknown_reference",
    "db_corrupt",
    "db_error",
    // SetupError::code()
    "duplicate_territory",
    "unknown_parent_territory",
    "duplicate_council",
    "council_unknown_territory",
    "duplicate_commission",
    "unknown_parent_commission",
    "wrong_commission_level",
    "commission_unknown_territory",
    "station_unknown_pec",
    "station_unknown_territory",
    "voting_day_not_after_calling",
    // PinError::code()
    "pin_wrong_length",
    "pin_not_a_digit",
    "pin_bad_sex_digit",
    "pin_bad_birth_date",
    "pin_unknown_sex",
    // CalendarError::code()
    "deadline_before_calling",
    "unknown_override",
    "duplicate_override",
    "undated_override",
    "voting_day_moved",
    "window_inverted",
    "out_of_range",
    // ActionClosed::code()
    "action_not_yet_open",
    "action_closed",
    // UserError::code()
    "bad_username",
    "unknown_role",
    "weak_password",
];

/// The HTTP status of a store failure.
pub fn store_status(e: &StoreError) -> StatusCode {
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

/// Logs a store failure that the client will only see as a code.
pub fn log_store_error(e: &StoreError) {
    if store_status(e).is_server_error() {
        tracing::error!(error = %e, code = e.code(), "store failure");
    } else {
        tracing::debug!(error = %e, code = e.code(), "store refused");
    }
}

/// The body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code (`bad_parameter`, `not_found`, `duplicate_station_number`…): clients
    /// match on this, never on the message.
    pub code: String,
    /// The message in the language asked for (`?lang=` or `Accept-Language`).
    pub message: String,
    /// The input field or parameter at fault, for 400 and 422.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error of the JSON API.
#[derive(Debug)]
pub struct ApiError {
    pub lang: Lang,
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<&'static str>,
}

impl ApiError {
    pub fn new(lang: Lang, status: StatusCode, code: &'static str) -> Self {
        ApiError {
            lang,
            status,
            code,
            field: None,
        }
    }
    /// A malformed parameter: 400 naming the field.
    pub fn bad(lang: Lang, code: &'static str, field: &'static str) -> Self {
        ApiError {
            lang,
            status: StatusCode::BAD_REQUEST,
            code,
            field: Some(field),
        }
    }
    pub fn not_found(lang: Lang) -> Self {
        Self::new(lang, StatusCode::NOT_FOUND, "not_found")
    }
    pub fn store(lang: Lang, e: StoreError) -> Self {
        log_store_error(&e);
        Self::new(lang, store_status(&e), e.code())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let field = self.field.unwrap_or_default().to_owned();
        let message = self
            .lang
            .t_args(&format!("error-{}", self.code), &[("field", field)]);
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message,
                field: self.field.map(str::to_owned),
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// The language of an API request: `?lang`, `Accept-Language` (or the `lang` cookie), Kyrgyz.
#[derive(Debug, Clone, Copy)]
pub struct ApiLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ApiLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ApiLang(Lang::negotiate(parts)))
    }
}

/// Unknown paths: a JSON 404 under `/api`, a page otherwise.
pub async fn fallback(req: axum::extract::Request) -> Response {
    let (parts, _) = req.into_parts();
    let lang = Lang::negotiate(&parts);
    if parts.uri.path().starts_with("/api/") {
        ApiError::not_found(lang).into_response()
    } else {
        crate::pages::error_page(lang, StatusCode::NOT_FOUND, "not_found")
    }
}
