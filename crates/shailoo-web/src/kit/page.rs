//! What every page shares: the context its template gets ([`PageCtx`]: language, the URL for
//! the language switch, the signed-in staff member), the one way to render a template, the
//! error page, and the stylesheet.
//!
//! Pages work without JavaScript. Every string comes from the Fluent catalogues; names come
//! from `LocalizedName::get`. Handlers build small view structs of plain strings so that the
//! templates stay free of logic.

use crate::AppState;
use crate::kit::access::GateStaff;
use crate::kit::fail::{Failure, PageFail, Refusal, log};
use crate::kit::i18n::Lang;
use crate::kit::session::{Staff, current_staff, same_secret};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use shailoo_app::Actor;
use shailoo_app::authz::{self, Power};
use shailoo_domain::ErrorCode;

const STYLE: &str = include_str!("../../static/style.css");

/// The signed-in staff member as the header shows them.
#[derive(Debug, Clone)]
pub(crate) struct StaffView {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// [`Power::AddStation`] somewhere: the menu entry.
    pub can_add_station: bool,
    /// [`Power::OverrideDeadline`]: the CEC's own forms.
    pub is_cec_admin: bool,
    /// The staff menu: the pages this member's role may use ([`crate::features::menu_entries`]).
    pub menu: Vec<MenuLink>,
    actor: Actor,
}

/// A link of the staff menu.
#[derive(Debug, Clone)]
pub(crate) struct MenuLink {
    pub href: &'static str,
    pub label: String,
    /// The page shown now.
    pub current: bool,
}

impl StaffView {
    /// Whether the member holds `power` over some commission (what a page offers; the use
    /// case or handler still checks the target).
    pub(crate) fn may(&self, power: Power) -> bool {
        authz::holds(&self.actor, power)
    }
}

/// What every page needs: language, the current URL (for the language switch and the pager),
/// the staff member if signed in, and the session's CSRF token for the log-out form.
#[derive(Debug)]
pub(crate) struct PageCtx {
    pub lang: Lang,
    pub(in crate::kit) path: String,
    pub(in crate::kit) query: Vec<(String, String)>,
    /// The path and query as requested: where the log-in page sends the reader back to.
    here: String,
    pub staff: Option<StaffView>,
    pub csrf: String,
    signed_in: SignedIn,
}

/// Who sent the request, as far as the store could tell.
#[derive(Debug)]
pub(crate) enum SignedIn {
    Staff(Box<Staff>),
    Nobody,
    /// The store failed: public pages are shown as to a visitor, staff pages fail.
    Unknown {
        status: StatusCode,
        code: ErrorCode,
    },
}

impl PageCtx {
    /// The context of a request to `uri`, in `lang`, by whoever `signed_in` says.
    pub(crate) fn build(lang: Lang, uri: &Uri, signed_in: SignedIn) -> PageCtx {
        let query = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let here = uri
            .path_and_query()
            .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
        let mut ctx = PageCtx {
            lang,
            path: uri.path().to_owned(),
            query,
            here,
            staff: None,
            csrf: String::new(),
            signed_in,
        };
        if let Some(s) = ctx.staff() {
            let actor = s.actor();
            let view = StaffView {
                username: s.user.username.to_string(),
                display_name: s.user.display_name.clone(),
                role: lang.t(&format!("role-{}", s.user.role.as_str())),
                can_add_station: authz::holds(&actor, Power::AddStation),
                is_cec_admin: authz::holds(&actor, Power::OverrideDeadline),
                menu: crate::features::menu_entries()
                    .filter(|(_, access)| access.admits(&actor))
                    .map(|(entry, _)| MenuLink {
                        href: entry.href,
                        label: lang.t(entry.key),
                        current: ctx.path == entry.href,
                    })
                    .collect(),
                actor,
            };
            ctx.csrf = s.session.csrf_token.clone();
            ctx.staff = Some(view);
        }
        ctx
    }

    /// The path and query of the page, as requested.
    pub(crate) fn here(&self) -> &str {
        &self.here
    }

    /// The context of a page shown to a visitor (the error page, and pages rendered in tests).
    pub(crate) fn anonymous(lang: Lang) -> PageCtx {
        PageCtx {
            lang,
            path: "/".to_owned(),
            query: Vec::new(),
            here: "/".to_owned(),
            staff: None,
            csrf: String::new(),
            signed_in: SignedIn::Nobody,
        }
    }

    /// A message of the page's language.
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The current page in another language.
    pub fn lang_href(&self, code: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.query.iter().filter(|(k, _)| k != "lang") {
            q.append_pair(k, v);
        }
        q.append_pair("lang", code);
        format!("{}?{}", self.path, q.finish())
    }

    pub fn is_lang(&self, code: &str) -> bool {
        self.lang.code() == code
    }

    /// The signed-in staff member, if any.
    pub(crate) fn staff(&self) -> Option<&Staff> {
        match &self.signed_in {
            SignedIn::Staff(s) => Some(s),
            _ => None,
        }
    }

    /// The signed-in staff member, or a redirect to the log-in page that comes back here (query
    /// included, so filters survive the detour); the error page when the store failed.
    pub(crate) fn require_staff(&self) -> Result<&Staff, PageFail> {
        match &self.signed_in {
            SignedIn::Staff(s) => Ok(s),
            SignedIn::Nobody => {
                let mut q = url::form_urlencoded::Serializer::new(String::new());
                q.append_pair("next", &self.here);
                Err(PageFail::redirect(&format!("/login?{}", q.finish())))
            }
            SignedIn::Unknown { status, code } => Err(PageFail::new(self.lang, *status, *code)),
        }
    }

    /// The staff member after checking the form's CSRF token (403 when missing or wrong).
    pub(crate) fn require_staff_csrf(&self, token: Option<&str>) -> Result<&Staff, PageFail> {
        let staff = self.require_staff()?;
        if same_secret(token.unwrap_or_default(), &staff.session.csrf_token) {
            Ok(staff)
        } else {
            Err(PageFail::new(
                self.lang,
                StatusCode::FORBIDDEN,
                ErrorCode::CsrfFailed,
            ))
        }
    }
}

impl FromRequestParts<AppState> for PageCtx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::negotiate(parts);
        // The route's gate has read the session already (`kit::access`).
        let signed_in = match parts.extensions.get::<GateStaff>() {
            Some(GateStaff(s)) => SignedIn::Staff(Box::new(s.clone())),
            // A failing store must not take the public pages down with it: browse as
            // anonymous.
            None => match current_staff(state, &parts.headers).await {
                Ok(Some(s)) => SignedIn::Staff(Box::new(s)),
                Ok(None) => SignedIn::Nobody,
                Err(e) => {
                    log(&e);
                    SignedIn::Unknown {
                        status: e.status(),
                        code: e.error_code(),
                    }
                }
            },
        };
        Ok(PageCtx::build(lang, &parts.uri, signed_in))
    }
}

/// A template as an HTML response with `status`. A template that fails to render is logged and
/// answered with a plain 500, never shown.
pub(crate) fn render(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// The error page: what went wrong in the reader's language, and a way back.
#[derive(Template)]
#[template(path = "kit/templates/error.html")]
pub(crate) struct ErrorTemplate {
    pub ctx: PageCtx,
    pub message: String,
    /// Who may do what was refused (`kit::access`).
    pub reason: Option<String>,
    /// The page the reader came from.
    pub back: Option<String>,
}

/// A page that says what went wrong, in the reader's language. On a staff route the gate
/// shows it again with the member's header, the reason of a refusal and a way back
/// ([`crate::kit::access`]); the [`Failure`] mark tells it which code it was.
pub(crate) fn error_page(lang: Lang, status: StatusCode, code: ErrorCode) -> Response {
    error_page_with_field(lang, status, code, "")
}

/// The error page of a code whose message names a field (`error-forbidden_character`).
pub(crate) fn error_page_with_field(
    lang: Lang,
    status: StatusCode,
    code: ErrorCode,
    field: &str,
) -> Response {
    let field = (!field.is_empty()).then(|| field.to_owned());
    let t = ErrorTemplate {
        message: failure_message(lang, code, field.as_deref()),
        reason: None,
        back: None,
        ctx: PageCtx::anonymous(lang),
    };
    let mut r = render(status, &t);
    r.extensions_mut().insert(Failure { code, field });
    r
}

/// The message of an error page: the code's, naming the field when there is one.
pub(crate) fn failure_message(lang: Lang, code: ErrorCode, field: Option<&str>) -> String {
    match field {
        Some(field) => lang.t_args(&code.message_key(), &[("field", field.to_owned())]),
        None => lang.error(code),
    }
}

/// `GET /static/style.css`: the one stylesheet, from the binary.
pub(crate) async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// An option of a `<select>`.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What a page says besides its data: its status, a notice after a step was taken, or why a
/// step was refused (the page is shown again with the reason above the form).
pub(crate) struct Feedback {
    pub status: StatusCode,
    pub notice: Option<String>,
    pub message: Option<String>,
}

impl Feedback {
    /// 200, with a notice when a step was just taken.
    pub(crate) fn ok(notice: Option<String>) -> Feedback {
        Feedback {
            status: StatusCode::OK,
            notice,
            message: None,
        }
    }

    /// A step refused by the page itself (a field that does not parse).
    pub(crate) fn refused(status: StatusCode, message: String) -> Feedback {
        Feedback {
            status,
            notice: None,
            message: Some(message),
        }
    }

    /// A step refused by a use case (logged first when a store failure is behind it).
    pub(crate) fn of(lang: Lang, refusal: &impl Refusal) -> Feedback {
        log(refusal);
        Feedback::refused(refusal.status(), refusal.message(lang))
    }

    /// A step the voter took in the cabinet, refused: in the voter's own wording.
    pub(crate) fn for_voter(lang: Lang, refusal: &impl Refusal) -> Feedback {
        log(refusal);
        Feedback::refused(refusal.status(), refusal.voter_message(lang))
    }
}
