//! The councils (kenesh): the list with its filters, and one council with its stations.

use crate::AppState;
use crate::kit::format::name;
use crate::kit::forms::non_empty;
use crate::kit::input::Query;
use crate::kit::page::Choice;
use crate::kit::pager::{Pager, page_of};
use crate::kit::{OrRefused, PageCtx, PageFail, PageResult, render};
use crate::setup::views::{CouncilRow, StationRow};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shailoo_app::{CouncilFilter, StationFilter};
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CouncilId, TerritoryId};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "setup/templates/councils.html")]
struct CouncilsTemplate {
    ctx: PageCtx,
    q: String,
    kinds: Vec<Choice>,
    regions: Vec<Choice>,
    rows: Vec<CouncilRow>,
    pager: Pager,
}

/// `GET /councils?q=&kind=&region=&page=`.
pub(super) async fn councils(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let query = non_empty(q.get("q").map(String::as_str));
    let kind = q.get("kind").and_then(|k| CouncilKind::parse(k));
    let region = q.get("region").and_then(|r| TerritoryId::parse(r).ok());
    let filter = CouncilFilter {
        kind,
        within: region.clone(),
        query: query.clone(),
        page: page_of(&q),
    };
    let result = state.store.councils(&filter).await.or_page(lang)?;
    let tops = state.store.territory_children(None).await.or_page(lang)?;
    let kinds = [CouncilKind::City, CouncilKind::Aiyl]
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: lang.t(&format!("kind-{}", k.as_str())),
            selected: kind == Some(*k),
        })
        .collect();
    let regions = tops
        .iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: name(&t.name, lang),
            selected: region.as_ref() == Some(&t.id),
        })
        .collect();
    let t = CouncilsTemplate {
        q: query.unwrap_or_default(),
        kinds,
        regions,
        rows: result
            .items
            .iter()
            .map(|c| CouncilRow::new(c, lang))
            .collect(),
        pager: Pager::new(&ctx, result.page, result.per_page, result.total),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

#[derive(Template)]
#[template(path = "setup/templates/council.html")]
struct CouncilTemplate {
    ctx: PageCtx,
    council: CouncilRow,
    /// Aiyl councils are elected in districts (TER-04): link their scheme pages.
    aiyl: bool,
    territory: String,
    stations: Vec<StationRow>,
    pager: Pager,
}

/// `GET /councils/{id}`.
pub(super) async fn council(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let id = CouncilId::parse(&id).map_err(|_| PageFail::not_found(lang))?;
    let c = state
        .store
        .council(&id)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    let territory = state
        .store
        .territory(&c.territory)
        .await
        .or_page(lang)?
        .map_or_else(|| c.territory.to_string(), |t| name(&t.name, lang));
    let filter = StationFilter {
        council: Some(id),
        page: page_of(&q),
        ..StationFilter::default()
    };
    let stations = state.store.stations(&filter).await.or_page(lang)?;
    let t = CouncilTemplate {
        council: CouncilRow::new(&c, lang),
        aiyl: c.kind == CouncilKind::Aiyl,
        territory,
        stations: StationRow::all(&state, &stations.items, lang)
            .await
            .or_page(lang)?,
        pager: Pager::new(&ctx, stations.page, stations.per_page, stations.total),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}
