//! `GET /claims/voter?pin=&election=`: one voter, for staff covering the station the voter is
//! listed at or one of their claims (its station, or the voter's home station): where they
//! stand, the claims and amendments the reader's commission may see, none made elsewhere.

use crate::AppState;
use crate::claims::views::{ClaimRow, correction_details};
use crate::kit::format::{fmt_instant, ineligibility};
use crate::kit::forms::election_of;
use crate::kit::input::Query;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use shailoo_app::claims::{self as app, Amendment};
use shailoo_app::voters::{Placement, VoterStatus};
use shailoo_domain::ErrorCode;
use shailoo_domain::Pin;
use shailoo_domain::params::Coded;
use std::collections::HashMap;

struct AmendmentRow {
    claim: i64,
    field: String,
    before: String,
    after: String,
    by: String,
    note: String,
}

impl AmendmentRow {
    fn new(lang: Lang, a: &Amendment) -> AmendmentRow {
        AmendmentRow {
            claim: a.claim.get(),
            field: lang.t(&format!("claims-field-{}", a.field.as_str())),
            before: a.before.clone().unwrap_or_else(|| "—".into()),
            after: a.after.clone(),
            by: format!("{} · {}", fmt_instant(a.at), a.by),
            note: a.note.clone().unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "claims/templates/voter.html")]
struct VoterTemplate {
    ctx: PageCtx,
    election: String,
    pin: String,
    /// Where the voter stands, in words.
    placement: String,
    /// The corrected data the lists show, "field: value; …" (empty: none).
    corrected: String,
    claims: Vec<ClaimRow>,
    amendments: Vec<AmendmentRow>,
}

/// Where the voter stands, in words.
fn placement(lang: Lang, status: Option<&VoterStatus>) -> String {
    match status.map(|s| &s.placement) {
        None => lang.t("claims-voter-not-in-register"),
        Some(Placement::OnList { station, .. }) => {
            lang.t_args("claims-voter-on-list", &[("station", station.to_string())])
        }
        Some(Placement::NotOnList { reasons, .. }) => {
            let why = reasons
                .into_iter()
                .map(|r| ineligibility(lang, r.code()))
                .collect::<Vec<_>>()
                .join(", ");
            lang.t_args("claims-voter-not-on-list", &[("reasons", why)])
        }
        Some(Placement::NotCompiled) => lang.t("claims-voter-not-compiled"),
    }
}

/// `GET /claims/voter`.
pub(super) async fn voter(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let pin = q
        .get("pin")
        .and_then(|p| Pin::parse(p.trim()).ok())
        .ok_or_else(|| PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadParameter))?;
    let record = app::voter_record(&*state.store, &actor, &election.id, &pin)
        .await
        .or_page(lang)?;
    let t = VoterTemplate {
        election: election.id.to_string(),
        pin: pin.as_str().to_owned(),
        placement: placement(lang, record.status.as_ref()),
        corrected: record
            .correction
            .map(|c| correction_details(lang, &c.data))
            .unwrap_or_default(),
        claims: record
            .claims
            .iter()
            .map(|c| ClaimRow::new(lang, c))
            .collect(),
        amendments: record
            .amendments
            .iter()
            .map(|a| AmendmentRow::new(lang, a))
            .collect(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
