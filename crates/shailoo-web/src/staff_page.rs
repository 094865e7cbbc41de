//! What every staff page shares: the boxed failure a handler returns (the error page or a
//! redirect to the log-in page), the signed-in staff member, the CSRF check of a POST, and the
//! reader's wording of a closed calendar window. One copy, so that every page refuses the same
//! way.

use crate::AppState;
use crate::auth::{self, Staff};
use crate::error::{log_store_error, store_status};
use crate::i18n::Lang;
use crate::pages::error_page;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use shailoo_app::StoreError;
use shailoo_domain::calendar::ActionClosed;

/// A page that could not be shown: the error page or a redirect, boxed (a response is large).
pub(crate) struct Fail(pub(crate) Box<Response>);

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub(crate) type PageResult = Result<Response, Fail>;

/// The error page for `code`, in the reader's language.
pub(crate) fn fail(lang: Lang, status: StatusCode, code: &str) -> Fail {
    Fail(Box::new(error_page(lang, status, code)))
}

/// The error page for a store failure, logged first when it is the server's fault.
pub(crate) fn store_fail(lang: Lang, e: &StoreError) -> Fail {
    log_store_error(e);
    fail(lang, store_status(e), e.code())
}

/// The signed-in staff member, or a redirect to the log-in page that comes back here (query
/// included, so filters survive the detour).
pub(crate) async fn require_staff(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    uri: &Uri,
) -> Result<Staff, Fail> {
    match auth::current_staff(state, headers).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => {
            let here = uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("next", &here);
            Err(Fail(Box::new(
                Redirect::to(&format!("/login?{}", q.finish())).into_response(),
            )))
        }
        Err(e) => Err(store_fail(lang, &e)),
    }
}

/// A staff POST must carry its session's CSRF token.
pub(crate) fn check_csrf(lang: Lang, staff: &Staff, token: Option<&str>) -> Result<(), Fail> {
    if auth::same_secret(token.unwrap_or_default(), &staff.session.csrf_token) {
        Ok(())
    } else {
        Err(fail(lang, StatusCode::FORBIDDEN, "csrf_failed"))
    }
}

/// An instant as staff read it: Bishkek time, day first.
pub(crate) fn fmt_instant(t: jiff::Timestamp) -> String {
    shailoo_domain::time::to_bishkek(t)
        .strftime("%d.%m.%Y %H:%M")
        .to_string()
}

/// A closed (or not yet open) calendar window in the reader's language, naming the rule, e.g.
/// "… closed at 01.11.2024 24:00 (CAL-11)".
pub(crate) fn closed_message(lang: Lang, closed: &ActionClosed) -> String {
    let at = match closed {
        ActionClosed::NotYetOpen { opens_at, .. } => *opens_at,
        ActionClosed::Closed { closed_at, .. } => *closed_at,
    };
    format!(
        "{} ({})",
        lang.t_args(
            closed.message_key(),
            &[
                ("action", lang.t(closed.action().message_key())),
                ("at", fmt_instant(at)),
            ],
        ),
        closed.rule()
    )
}
