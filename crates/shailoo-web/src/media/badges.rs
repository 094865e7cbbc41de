//! Journalists' badges (i16-badges, CMP-01): the CEC's staff register an accredited outlet's
//! journalists (`/media/{election}/{outlet}/badges`, `Power::IssueMediaBadges`) and print each
//! badge with its QR code (`/media/{election}/badges/{badge}`), whose payload is signed with
//! the CEC's key (`AppState::with_badge_signer`; without it issuing answers 503); a badge is
//! revoked with a reason.
//!
//! Station staff check a badge with `/media/badges/verify`, a public page that works offline:
//! the public key is in the page, the browser checks the Ed25519 signature itself (WebCrypto),
//! a camera scans the QR code where the browser has `BarcodeDetector` (else the payload is
//! pasted), and a service worker (`/media/badges/sw.js`, scope `/media/badges/`) keeps the
//! page and its script for use without a connection. Whenever it is online the page fetches
//! the election's revocation list (`GET /api/v1/elections/{election}/media/badges/revoked`)
//! and remembers it (`localStorage`), so a revoked badge shows as revoked, with the time of
//! the list it knows.

use crate::AppState;
use crate::complaints::election_exists;
use crate::kit::api::ApiResult;
use crate::kit::format::fmt_instant;
use crate::kit::input::{Form, Json, Query};
use crate::kit::page::Feedback;
use crate::kit::{ApiLang, ErrorBody, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use shailoo_app::media::{
    self as app, Badge, BadgeId, BadgeStatus, MediaError, MediaStatus, OutletId, RevokedFor, Text,
};
use shailoo_domain::{ElectionId, ErrorCode};
use std::collections::HashMap;
use utoipa::ToSchema;

/// The verification page runs one script of this site and its service worker, fetches the
/// revocation list here, and shows the camera's picture.
const VERIFY_CSP: &str = "default-src 'self'; script-src 'self'; worker-src 'self'; \
     connect-src 'self'; img-src 'self' blob:; media-src 'self' blob: mediastream:; \
     object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

const VERIFY_JS: &str = include_str!("badges/verify.js");
const SERVICE_WORKER_JS: &str = include_str!("badges/sw.js");

struct BadgeView {
    id: i64,
    name: String,
    status: &'static str,
    status_label: String,
    reason: Option<String>,
    issued_at: String,
}

impl BadgeView {
    fn new(ctx: &PageCtx, b: &Badge, outlet: MediaStatus) -> BadgeView {
        let status = b.effective_status(outlet);
        let label = match (b.status, status) {
            (BadgeStatus::Issued, BadgeStatus::Revoked) => "media-badge-status-outlet-revoked",
            (_, BadgeStatus::Revoked) => "media-badge-status-revoked",
            _ => "media-badge-status-issued",
        };
        BadgeView {
            id: b.id.get(),
            name: b.name.to_string(),
            status: status.code(),
            status_label: ctx.t(label),
            reason: b.reason.as_ref().map(ToString::to_string),
            issued_at: fmt_instant(b.issued_at),
        }
    }
}

#[derive(Template)]
#[template(path = "media/templates/badges.html")]
struct BadgesTemplate {
    ctx: PageCtx,
    election: String,
    outlet: i64,
    outlet_name: String,
    accredited: bool,
    badges: Vec<BadgeView>,
    notice: Option<String>,
    message: Option<String>,
    name: String,
}

#[derive(Template)]
#[template(path = "media/templates/badge_print.html")]
struct PrintTemplate {
    ctx: PageCtx,
    election: String,
    badge: BadgeView,
    outlet_name: String,
    qr_svg: String,
    payload: String,
}

#[derive(Template)]
#[template(path = "media/templates/verify.html")]
struct VerifyTemplate {
    ctx: PageCtx,
    public_key: Option<String>,
    /// "List as of {at}", the script putting the list's time in the place of `{at}`.
    list_at: String,
}

fn path_ids(
    lang: crate::kit::Lang,
    election: &str,
    id: &str,
) -> Result<(ElectionId, i64), PageFail> {
    let election = ElectionId::parse(election).map_err(|_| PageFail::not_found(lang))?;
    let id = id
        .trim()
        .parse::<i64>()
        .map_err(|_| PageFail::not_found(lang))?;
    Ok((election, id))
}

async fn render_outlet(
    state: &AppState,
    ctx: PageCtx,
    election: &ElectionId,
    outlet: OutletId,
    feedback: Feedback,
    name: String,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let (found, badges) = match app::badges(&*state.store, &staff.actor(), election, outlet).await {
        Ok(found) => found,
        Err(e) => return Err(PageFail::refused(lang, &e)),
    };
    let t = BadgesTemplate {
        election: election.to_string(),
        outlet: outlet.get(),
        outlet_name: found.name.to_string(),
        accredited: found.status == MediaStatus::Accredited,
        badges: badges
            .iter()
            .map(|b| BadgeView::new(&ctx, b, found.status))
            .collect(),
        notice: feedback.notice,
        message: feedback.message,
        name,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /media/{election}/{outlet}/badges?done=&badge=`: an outlet's journalists.
pub(super) async fn outlet_badges(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, outlet)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let (election, outlet) = path_ids(lang, &election, &outlet)?;
    let outlet = OutletId::new(outlet).ok_or_else(|| PageFail::not_found(lang))?;
    let badge = q.get("badge").cloned().unwrap_or_default();
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "issued" | "revoked"))
        .map(|d| {
            lang.t_args(
                &format!("media-badge-done-{d}"),
                &[("badge", badge.clone())],
            )
        });
    render_outlet(
        &state,
        ctx,
        &election,
        outlet,
        Feedback::ok(notice),
        String::new(),
    )
    .await
}

/// `POST /media/{election}/{outlet}/badges`: registers a journalist and issues the badge.
pub(super) async fn issue(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, outlet)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .clone();
    let (election, outlet) = path_ids(lang, &election, &outlet)?;
    let outlet = OutletId::new(outlet).ok_or_else(|| PageFail::not_found(lang))?;
    let name = input.get("name").cloned().unwrap_or_default();
    let issued = match Text::parse(&name) {
        Ok(text) => {
            app::issue_badge(
                &*state.store,
                &staff.actor(),
                &election,
                outlet,
                text,
                state.badge_signer.as_deref(),
                state.now(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match issued {
        Ok(b) => {
            let to = format!(
                "/media/{election}/{outlet}/badges?done=issued&badge={}",
                b.id
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (MediaError::Forbidden | MediaError::UnknownOutlet(_))) => {
            Err(PageFail::refused(lang, &e))
        }
        Err(e) => {
            let feedback = Feedback::of(lang, &e);
            render_outlet(&state, ctx, &election, outlet, feedback, name).await
        }
    }
}

/// `POST /media/{election}/badges/{badge}/revoke`: revokes a badge with its reason.
pub(super) async fn revoke(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, badge)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .clone();
    let (election, id) = path_ids(lang, &election, &badge)?;
    let id = BadgeId::new(id).ok_or_else(|| PageFail::not_found(lang))?;
    let (found, _) = app::badge(&*state.store, &staff.actor(), &election, id)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let reason = Text::parse(input.get("reason").map_or("", String::as_str));
    let done = match reason {
        Ok(reason) => {
            app::revoke_badge(
                &*state.store,
                &staff.actor(),
                &election,
                id,
                reason,
                state.now(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => {
            let to = format!(
                "/media/{election}/{}/badges?done=revoked&badge={id}",
                found.outlet
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ MediaError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            let feedback = Feedback::of(lang, &e);
            render_outlet(
                &state,
                ctx,
                &election,
                found.outlet,
                feedback,
                String::new(),
            )
            .await
        }
    }
}

/// The QR code of `payload` as an SVG element to put in the page (no XML declaration).
fn qr_svg(payload: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build();
    svg.find("<svg").map(|at| svg[at..].to_owned())
}

/// `GET /media/{election}/badges/{badge}`: the badge to print, with its QR code.
pub(super) async fn print(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, badge)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let (election, id) = path_ids(lang, &election, &badge)?;
    let id = BadgeId::new(id).ok_or_else(|| PageFail::not_found(lang))?;
    let (found, outlet_status) = app::badge(&*state.store, &staff.actor(), &election, id)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let qr_svg = qr_svg(&found.payload).ok_or_else(|| {
        PageFail::new(lang, StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal)
    })?;
    let t = PrintTemplate {
        election: election.to_string(),
        badge: BadgeView::new(&ctx, &found, outlet_status),
        outlet_name: found.outlet_name.to_string(),
        qr_svg,
        payload: found.payload.clone(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// `GET /media/badges/verify`: the offline verification page, with the CEC's public key.
pub(super) async fn verify(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let t = VerifyTemplate {
        public_key: state.badge_signer.as_ref().map(|s| s.public_key().to_hex()),
        list_at: ctx
            .lang
            .t_args("media-verify-list-at", &[("at", "{at}".to_owned())]),
        ctx,
    };
    let mut response = render(StatusCode::OK, &t);
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(VERIFY_CSP),
    );
    Ok(response)
}

fn script(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, VERIFY_CSP),
        ],
        body,
    )
        .into_response()
}

/// `GET /media/badges/verify.js`: the verification page's script.
pub(super) async fn verify_js() -> Response {
    script(VERIFY_JS)
}

/// `GET /media/badges/sw.js`: the service worker that keeps the page for offline use.
pub(super) async fn service_worker() -> Response {
    script(SERVICE_WORKER_JS)
}

/// One revoked badge.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedBadgeDto {
    pub badge: i64,
    /// `badge` (the badge was revoked) or `outlet` (the outlet's accreditation was).
    pub revoked_for: String,
}

/// An election's revocation list of journalists' badges.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevocationListDto {
    pub election: String,
    /// The CEC's Ed25519 public key that signs the badges, 64 hex digits (none when this
    /// server signs no badges).
    pub public_key: Option<String>,
    pub revoked: Vec<RevokedBadgeDto>,
}

/// The journalists' badges of an election that no longer admit their holder: revoked
/// themselves, or of an outlet whose accreditation was revoked (CMP-01).
#[utoipa::path(get, path = "/api/v1/elections/{election}/media/badges/revoked", tag = "media",
    params(
        ("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"),
        ("lang" = Option<String>, Query, description = "`ky`, `ru` or `en`: the language of error messages"),
    ),
    responses(
        (status = 200, description = "The revoked badges, by number", body = RevocationListDto),
        (status = 400, description = "A malformed election id", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_badges_revoked(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(election): Path<String>,
) -> ApiResult<RevocationListDto> {
    let election = election_exists(&state, lang, &election).await?;
    let revoked = app::revoked_badges(state.store.as_ref(), &election)
        .await
        .or_api(lang)?;
    Ok(Json(RevocationListDto {
        election: election.to_string(),
        public_key: state.badge_signer.as_ref().map(|s| s.public_key().to_hex()),
        revoked: revoked
            .iter()
            .map(|r| RevokedBadgeDto {
                badge: r.badge.get(),
                revoked_for: match r.revoked_for {
                    RevokedFor::Badge => "badge",
                    RevokedFor::Outlet => "outlet",
                }
                .to_owned(),
            })
            .collect(),
    }))
}
