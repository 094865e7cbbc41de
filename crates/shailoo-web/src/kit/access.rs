//! The gate in front of every declared route ([`Access`]), and the page that says why a staff
//! action was refused.
//!
//! A staff route answers, before its handler runs: no session, the log-in page (a JSON 401 in
//! the API); a member who holds none of the route's powers, the refusal page (a JSON 403). The
//! member found is handed to the handler's [`PageCtx`], so the session is read once. When the
//! handler itself refuses (the thing acted on is another commission's), or fails otherwise,
//! its error page is shown again here with the member's header and menu, a way back to the
//! page the action came from, and, for a refusal, why: what the account may not do, and who
//! may (from `shailoo_app::authz::Power::grant`). Never a bare status code.

use crate::AppState;
use crate::features::Access;
use crate::kit::fail::{ApiError, Failure, PageFail};
use crate::kit::i18n::Lang;
use crate::kit::page::{ErrorTemplate, PageCtx, SignedIn, failure_message, render};
use crate::kit::session::{Staff, current_staff};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shailoo_app::Actor;
use shailoo_app::authz::{self, Power, Reach};
use shailoo_app::users::Role;
use shailoo_domain::ErrorCode;

/// The staff member the gate found, for the handler's [`PageCtx`].
#[derive(Debug, Clone)]
pub(crate) struct GateStaff(pub Staff);

/// Lets the request through to a route declared with `access`, or answers it.
pub(crate) async fn gate(access: Access, api: bool, req: Request, next: Next) -> Response {
    if !access.is_staff() {
        return next.run(req).await;
    }
    let Some(state) = req.extensions().get::<AppState>().cloned() else {
        // `crate::router` always adds it; without it nothing can be checked.
        tracing::error!("the application state is missing from a request");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (mut parts, body) = req.into_parts();
    let lang = Lang::negotiate(&parts);
    let staff = match current_staff(&state, &parts.headers).await {
        Ok(Some(staff)) => staff,
        Ok(None) if api => {
            return ApiError::new(lang, StatusCode::UNAUTHORIZED, ErrorCode::LoginRequired)
                .into_response();
        }
        Ok(None) => return to_login(&parts),
        Err(e) if api => return ApiError::refused(lang, &e).into_response(),
        Err(e) => return PageFail::refused(lang, &e).into_response(),
    };
    let actor = staff.actor();
    if !access.admits(&actor) {
        if api {
            return ApiError::new(lang, StatusCode::FORBIDDEN, ErrorCode::Forbidden)
                .into_response();
        }
        let ctx = PageCtx::build(lang, &parts.uri, SignedIn::Staff(Box::new(staff)));
        let refused = Failure {
            code: ErrorCode::Forbidden,
            field: None,
        };
        return explained(ctx, &parts.headers, access, StatusCode::FORBIDDEN, refused);
    }
    let uri = parts.uri.clone();
    let headers = parts.headers.clone();
    parts.extensions.insert(GateStaff(staff.clone()));
    let response = next.run(Request::from_parts(parts, body)).await;
    if api {
        return response;
    }
    match response.extensions().get::<Failure>().cloned() {
        Some(failure) => {
            let ctx = PageCtx::build(lang, &uri, SignedIn::Staff(Box::new(staff)));
            explained(ctx, &headers, access, response.status(), failure)
        }
        None => response,
    }
}

/// No session: the log-in page, which comes back to the page asked for (for a form sent
/// without one, to the page the form was on).
fn to_login(parts: &Parts) -> Response {
    let next = if parts.method == Method::GET {
        parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned())
    } else {
        came_from(&parts.headers).unwrap_or_else(|| "/".to_owned())
    };
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    q.append_pair("next", &next);
    PageFail::redirect(&format!("/login?{}", q.finish())).into_response()
}

/// The page of this site the request came from (its `Referer`, same host only), as a path.
pub(crate) fn came_from(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    let origin = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str()?),
        None => url.host_str()?.to_owned(),
    };
    if !origin.eq_ignore_ascii_case(host) || !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let mut path = url.path().to_owned();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    // Only a path of this site: never `//elsewhere`.
    (path.starts_with('/') && !path.starts_with("//")).then_some(path)
}

/// The error page of a staff route: the failure's message, or for a refusal what the account
/// may not do and who may; with a way back.
fn explained(
    ctx: PageCtx,
    headers: &HeaderMap,
    access: Access,
    status: StatusCode,
    failure: Failure,
) -> Response {
    let lang = ctx.lang;
    let back = came_from(headers).filter(|b| *b != ctx.here());
    let (message, reason) = match (failure.code, ctx.staff()) {
        (ErrorCode::Forbidden, Some(staff)) => {
            let (m, r) = refusal(lang, &staff.actor(), staff.user.role, access);
            (m, Some(r))
        }
        (code, _) => (failure_message(lang, code, failure.field.as_deref()), None),
    };
    let t = ErrorTemplate {
        ctx,
        message,
        reason,
        back,
    };
    let mut r = render(status, &t);
    r.extensions_mut().insert(failure);
    r
}

/// Why `actor` was refused a route declared with `access`, and who may do it.
fn refusal(lang: Lang, actor: &Actor, role: Role, access: Access) -> (String, String) {
    let role_name = lang.t(&format!("role-{}", role.as_str()));
    let powers = access.powers();
    // A power the account does not hold at all, else the route's first: then the thing acted
    // on was outside the account's commission.
    let (power, held) = match powers.iter().find(|p| !authz::holds(actor, **p)) {
        Some(p) => (*p, false),
        None => (powers.first().copied().unwrap_or(Power::AddUser), true),
    };
    let action = lang.t(&power_key(power));
    let message = if held {
        lang.t_args(
            "refusal-outside",
            &[("role", role_name), ("action", action)],
        )
    } else {
        lang.t_args("refusal-role", &[("role", role_name), ("action", action)])
    };
    (message, who_may(lang, power))
}

/// The message key of a power's action (`power-decide-remote-application`).
pub(crate) fn power_key(power: Power) -> String {
    let name = format!("{power:?}");
    let mut key = String::from("power");
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            key.push('-');
        }
        key.push(c.to_ascii_lowercase());
    }
    key
}

/// Who holds `power`, and where, in words: the table `Power::grant` read aloud.
pub(crate) fn who_may(lang: Lang, power: Power) -> String {
    let grant = power.grant();
    let holders: Vec<String> = [
        Role::CecAdmin,
        Role::TecMember,
        Role::PecMember,
        Role::PartyRepresentative,
    ]
    .into_iter()
    .filter_map(|role| {
        let reach = match grant.of(role)? {
            Reach::Anywhere => "anywhere",
            Reach::Below => "below",
            Reach::OwnParty => "own-party",
        };
        Some(lang.t(&format!("refusal-grant-{}-{reach}", role.as_str())))
    })
    .collect();
    if holders.is_empty() {
        lang.t("refusal-grant-none")
    } else {
        lang.t_args("refusal-who", &[("holders", holders.join("; "))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_power_has_a_message_key_in_kebab_case() {
        assert_eq!(
            power_key(Power::DecideRemoteApplication),
            "power-decide-remote-application"
        );
        assert_eq!(power_key(Power::AddStation), "power-add-station");
    }

    #[test]
    fn every_power_reads_aloud_in_every_language() {
        for lang in Lang::ALL {
            for power in Power::ALL {
                let key = power_key(power);
                assert!(lang.try_t(&key).is_some(), "{key} in {}", lang.code());
                let who = who_may(lang, power);
                assert!(!who.contains("refusal-"), "{who}");
            }
        }
    }

    #[test]
    fn the_way_back_is_a_page_of_this_site_only() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "vote.example:8080".parse().expect("host"));
        h.insert(
            header::REFERER,
            "http://vote.example:8080/remote-voting?election=local-2024"
                .parse()
                .expect("referer"),
        );
        assert_eq!(
            came_from(&h).as_deref(),
            Some("/remote-voting?election=local-2024")
        );
        h.insert(
            header::REFERER,
            "http://evil.example/x".parse().expect("referer"),
        );
        assert_eq!(came_from(&h), None);
        h.insert(header::REFERER, "javascript:alert(1)".parse().expect("r"));
        assert_eq!(came_from(&h), None);
    }
}
