//! The public registry of an election's media (CMP-01): accredited outlets by default (any
//! status on request, so an outlet follows its application by its number), each with its
//! price list and the CMP-02 findings on it.

use crate::AppState;
use crate::kit::forms::election_of;
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use crate::media::views::{OutletView, status_label};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::media::{self as app, MediaError, MediaStatus, OutletId};
use shailoo_domain::ElectionId;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "media/templates/registry.html")]
struct RegistryTemplate {
    ctx: PageCtx,
    election: String,
    outlets: Vec<OutletView>,
    statuses: Vec<Choice>,
    public_base: &'static str,
}

/// `GET /registry/media?election=&status=` (`status=all` for every outlet).
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let wanted = q.get("status").map_or("accredited", |s| s.trim());
    let status = MediaStatus::from_code(wanted);
    let outlets = app::registry(&*state.store, &election.id, status)
        .await
        .or_page(lang)?;
    let mut statuses: Vec<Choice> = MediaStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: status_label(lang, *s),
            selected: status == Some(*s),
        })
        .collect();
    statuses.push(Choice {
        value: "all".into(),
        label: lang.t("media-status-all"),
        selected: status.is_none(),
    });
    let t = RegistryTemplate {
        election: election.id.to_string(),
        outlets: outlets.iter().map(|o| OutletView::new(lang, o)).collect(),
        statuses,
        public_base: "/registry/media",
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

#[derive(Template)]
#[template(path = "media/templates/outlet_page.html")]
struct OutletTemplate {
    ctx: PageCtx,
    election: String,
    o: OutletView,
}

/// `GET /registry/media/{election}/{id}`: one outlet, with its price list and findings.
pub(super) async fn outlet(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, id)): Path<(String, String)>,
) -> PageResult {
    let lang = ctx.lang;
    let election = ElectionId::parse(&election).map_err(|_| PageFail::not_found(lang))?;
    let id = OutletId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let found = match app::outlet(&*state.store, &election, id).await {
        Ok(o) => o,
        Err(MediaError::UnknownOutlet(_) | MediaError::UnknownElection(_)) => {
            return Err(PageFail::not_found(lang));
        }
        Err(e) => return Err(PageFail::refused(lang, &e)),
    };
    let t = OutletTemplate {
        election: election.to_string(),
        o: OutletView::new(lang, &found),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
