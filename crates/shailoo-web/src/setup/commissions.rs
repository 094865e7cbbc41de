//! The election commissions: the CEC and its TECs (or search results), and one commission with
//! its children (a TEC's PECs) or, for a PEC, its stations.

use crate::AppState;
use crate::kit::format::name;
use crate::kit::forms::non_empty;
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::pager::{Pager, page_of};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use crate::setup::views::{CommissionRow, StationRow};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::{CommissionFilter, Page, PageRequest, StationFilter};
use shailoo_domain::CommissionId;
use shailoo_domain::territory::{Commission, CommissionLevel};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "setup/templates/commissions.html")]
struct CommissionsTemplate {
    ctx: PageCtx,
    q: String,
    levels: Vec<Choice>,
    /// Search results, or the CEC and its TECs when not searching.
    top: Vec<CommissionRow>,
    rows: Vec<CommissionRow>,
    searching: bool,
    pager: Pager,
}

fn level_choices(lang: Lang, level: Option<CommissionLevel>) -> Vec<Choice> {
    [
        CommissionLevel::Cec,
        CommissionLevel::Tec,
        CommissionLevel::Pec,
    ]
    .iter()
    .map(|l| Choice {
        value: l.as_str().to_owned(),
        label: lang.t(&format!("level-{}", l.as_str())),
        selected: level == Some(*l),
    })
    .collect()
}

/// Browsing (no search): the CEC at the top, its TECs below; each TEC's page lists its PECs.
async fn cec_and_tecs(
    state: &AppState,
    lang: Lang,
    page: PageRequest,
) -> Result<(Vec<Commission>, Page<Commission>), PageFail> {
    let cec = state
        .store
        .commissions(&CommissionFilter {
            level: Some(CommissionLevel::Cec),
            ..CommissionFilter::default()
        })
        .await
        .or_page(lang)?;
    let tecs = state
        .store
        .commissions(&CommissionFilter {
            level: Some(CommissionLevel::Tec),
            parent: cec.items.first().map(|c| c.id.clone()),
            query: None,
            page,
        })
        .await
        .or_page(lang)?;
    Ok((cec.items, tecs))
}

/// `GET /commissions?q=&level=&page=`.
pub(super) async fn commissions(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let query = non_empty(q.get("q").map(String::as_str));
    let level = q.get("level").and_then(|l| CommissionLevel::parse(l));
    let page = page_of(&q);
    let searching = query.is_some() || level.is_some();
    let (top, result) = if searching {
        let filter = CommissionFilter {
            level,
            parent: None,
            query: query.clone(),
            page,
        };
        (
            Vec::new(),
            state.store.commissions(&filter).await.or_page(lang)?,
        )
    } else {
        cec_and_tecs(&state, lang, page).await?
    };
    let row = |c: &Commission| CommissionRow::new(c, lang);
    let t = CommissionsTemplate {
        q: query.unwrap_or_default(),
        levels: level_choices(lang, level),
        top: top.iter().map(row).collect(),
        rows: result.items.iter().map(row).collect(),
        searching,
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

#[derive(Template)]
#[template(path = "setup/templates/commission.html")]
struct CommissionTemplate {
    ctx: PageCtx,
    commission: CommissionRow,
    territory: String,
    parent: Option<CommissionRow>,
    children: Vec<CommissionRow>,
    stations: Vec<StationRow>,
    pager: Pager,
}

/// What is below a commission, a page at a time: a PEC's stations, or the commissions under
/// a higher one.
async fn below(
    state: &AppState,
    ctx: &PageCtx,
    c: &Commission,
    page: PageRequest,
) -> Result<(Vec<CommissionRow>, Vec<StationRow>, Pager), PageFail> {
    let lang = ctx.lang;
    let store = &state.store;
    if c.level == CommissionLevel::Pec {
        let filter = StationFilter {
            commission: Some(c.id.clone()),
            page,
            ..StationFilter::default()
        };
        let s = store.stations(&filter).await.or_page(lang)?;
        let rows = StationRow::all(state, &s.items, lang).await.or_page(lang)?;
        Ok((
            Vec::new(),
            rows,
            Pager::new(ctx, s.page, s.per_page, s.total),
        ))
    } else {
        let filter = CommissionFilter {
            parent: Some(c.id.clone()),
            page,
            ..CommissionFilter::default()
        };
        let ch = store.commissions(&filter).await.or_page(lang)?;
        let rows = ch
            .items
            .iter()
            .map(|c| CommissionRow::new(c, lang))
            .collect();
        Ok((
            rows,
            Vec::new(),
            Pager::new(ctx, ch.page, ch.per_page, ch.total),
        ))
    }
}

/// `GET /commissions/{id}`.
pub(super) async fn commission(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let id = CommissionId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let store = &state.store;
    let c = store
        .commission(&id)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let parent = match &c.parent {
        Some(p) => store.commission(p).await.or_page(lang)?,
        None => None,
    };
    let territory = store
        .territory(&c.territory)
        .await
        .or_page(lang)?
        .map_or_else(|| c.territory.to_string(), |t| name(&t.name, lang));
    let (children, stations, pager) = below(&state, &ctx, &c, page_of(&q)).await?;
    let t = CommissionTemplate {
        commission: CommissionRow::new(&c, lang),
        territory,
        parent: parent.map(|p| CommissionRow::new(&p, lang)),
        children,
        stations,
        pager,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
