//! The CEC's review of submitted schemes (`/districts/review`): each with its figures (the
//! voters, seats, voters per mandate and deviation of every district, the council's norm and
//! the checks' findings), to approve, or return with a comment.

use crate::AppState;
use crate::districts::figures::{DistrictRow, Totals, figures};
use crate::districts::{app, council_name, load};
use crate::kit::format::fmt_instant;
use crate::kit::input::{Form, Query};
use crate::kit::page::Feedback;
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::Actor;
use shailoo_app::authz::{self, Power};
use shailoo_app::districts::SchemeStatus;
use std::collections::{BTreeMap, HashMap};

pub(crate) struct ReviewRow {
    pub council_id: String,
    pub council_name: String,
    pub version: u32,
    pub author: String,
    pub submitted_at: String,
    /// Every district's figures, as the TEC's editor showed them.
    pub rows: Vec<DistrictRow>,
    pub totals: Totals,
}

#[derive(Template)]
#[template(path = "districts/templates/review.html")]
struct ReviewTemplate {
    ctx: PageCtx,
    rows: Vec<ReviewRow>,
    message: Option<String>,
    notice: Option<String>,
}

/// The account, if it decides district schemes ([`Power::DecideDistricts`]; 403 otherwise).
fn cec_admin(lang: Lang, staff: &Staff) -> Result<Actor, PageFail> {
    let actor = staff.actor();
    if authz::holds(&actor, Power::DecideDistricts) {
        Ok(actor)
    } else {
        Err(PageFail::forbidden(lang))
    }
}

/// The submitted schemes, with what a decision just did or why it was refused.
async fn review_page(state: &AppState, ctx: PageCtx, feedback: Feedback) -> PageResult {
    let lang = ctx.lang;
    let schemes = state
        .store
        .district_schemes(Some(SchemeStatus::Submitted))
        .await
        .or_page(lang)?;
    let mut rows = Vec::new();
    for s in schemes {
        // The figures under the council's units and the election's parameters in force.
        let c = load(state, lang, s.council.as_str()).await?;
        let report = c.check(&s.districts);
        let (districts, mut totals) =
            figures(lang, &c.units, &s.districts, &BTreeMap::new(), &report);
        totals.seats_council = c.council.seats.get();
        rows.push(ReviewRow {
            council_id: s.council.to_string(),
            council_name: council_name(state, lang, &s.council).await,
            version: s.version,
            author: s.author.clone(),
            submitted_at: s.submitted_at.map(fmt_instant).unwrap_or_default(),
            rows: districts,
            totals,
        });
    }
    let t = ReviewTemplate {
        ctx,
        rows,
        message: feedback.message,
        notice: feedback.notice,
    };
    Ok(render(feedback.status, &t))
}

/// `GET /districts/review?done=`.
pub(super) async fn review(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    cec_admin(lang, ctx.require_staff()?)?;
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "approved" | "returned"))
        .map(|d| lang.t(&format!("districts-notice-{d}")));
    review_page(&state, ctx, Feedback::ok(notice)).await
}

#[derive(Debug, Deserialize)]
pub(super) struct DecisionInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    action: String,
    #[serde(default)]
    comment: String,
}

/// `POST /councils/{id}/districts/decision`: approve or return.
pub(super) async fn decision(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    form: Form<DecisionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form;
    let actor = cec_admin(lang, ctx.require_staff_csrf(input.csrf.as_deref())?)?;
    let c = load(&state, lang, &id).await?;
    let now = state.now();
    let store = state.store.as_ref();
    let result = match input.action.as_str() {
        "approve" => app::approve(store, &c, &actor, now)
            .await
            .map(|_| "approved"),
        "return" => app::return_scheme(store, &c, &actor, &input.comment, now)
            .await
            .map(|_| "returned"),
        _ => return Err(PageFail::bad_form(lang)),
    };
    match result {
        Ok(done) => Ok(Redirect::to(&format!("/districts/review?done={done}")).into_response()),
        Err(e) => review_page(&state, ctx, Feedback::of(lang, &e)).await,
    }
}
