//! The published schemes: the list of approved schemes (`/districts`) and one approved scheme
//! with its figures and picture (`/councils/{id}/districts/approved`).

use crate::AppState;
use crate::districts::figures::{DistrictRow, Totals, figures};
use crate::districts::svg::svg;
use crate::districts::{approved, council_name};
use crate::kit::format::fmt_instant;
use crate::kit::{OrRefused, PageCtx, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::districts::SchemeStatus;
use shailoo_domain::ElectionId;
use shailoo_domain::district::{UnitId, reserved_for_women};
use shailoo_domain::params::RuleParameters;
use std::collections::{BTreeMap, HashMap};

pub(crate) struct PublicRow {
    pub council_id: String,
    pub council_name: String,
    pub districts: usize,
    pub seats: u32,
    pub reserved: u32,
    pub approved_at: String,
}

#[derive(Template)]
#[template(path = "districts/templates/list.html")]
struct ListTemplate {
    ctx: PageCtx,
    rows: Vec<PublicRow>,
}

/// `GET /districts`.
pub(super) async fn public_list(State(state): State<AppState>, ctx: PageCtx) -> PageResult {
    let lang = ctx.lang;
    let schemes = state
        .store
        .district_schemes(Some(SchemeStatus::Approved))
        .await
        .or_page(lang)?;
    // Each scheme's reserve under its own election's parameters in force (DIS-04).
    let mut params_of: HashMap<ElectionId, RuleParameters> = HashMap::new();
    let mut rows = Vec::new();
    for s in schemes {
        if !params_of.contains_key(&s.election) {
            let p = shailoo_app::params::parameters(state.store.as_ref(), &s.election)
                .await
                .or_page(lang)?;
            params_of.insert(s.election.clone(), p);
        }
        let params = &params_of[&s.election];
        rows.push(PublicRow {
            council_id: s.council.to_string(),
            council_name: council_name(&state, lang, &s.council).await,
            districts: s.districts.len(),
            seats: s.districts.iter().map(|d| d.seats).sum(),
            reserved: s
                .districts
                .iter()
                .map(|d| reserved_for_women(d.seats, params))
                .sum(),
            approved_at: s.decided_at.map(fmt_instant).unwrap_or_default(),
        });
    }
    Ok(render(StatusCode::OK, &ListTemplate { ctx, rows }))
}

#[derive(Template)]
#[template(path = "districts/templates/approved.html")]
struct ApprovedTemplate {
    ctx: PageCtx,
    council_id: String,
    council_name: String,
    election_name: String,
    approved_at: String,
    rows: Vec<DistrictRow>,
    totals: Totals,
    svg: String,
}

/// `GET /councils/{id}/districts/approved`.
pub(super) async fn approved_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
) -> PageResult {
    let lang = ctx.lang;
    let (c, s) = approved(&state, lang, &id).await?;
    let report = c.check(&s.districts);
    let (rows, mut totals) = figures(lang, &c.units, &s.districts, &BTreeMap::new(), &report);
    totals.seats_council = c.council.seats.get();
    let district_of: HashMap<&UnitId, u32> = s
        .districts
        .iter()
        .flat_map(|d| {
            let n = d.id.as_str().parse::<u32>().unwrap_or(0);
            d.units.iter().map(move |u| (u, n))
        })
        .collect();
    let t = ApprovedTemplate {
        council_id: c.council.id.to_string(),
        council_name: c.council.name.get(lang.code()).to_owned(),
        election_name: c.election.name.get(lang.code()).to_owned(),
        approved_at: s.decided_at.map(fmt_instant).unwrap_or_default(),
        rows,
        totals,
        svg: svg(&c.units, &district_of, lang, "approved"),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
