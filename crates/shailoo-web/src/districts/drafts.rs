//! `GET /districts/drafts`: the aiyl councils whose district schemes the member drafts or
//! looks at (a TEC its own councils, the CEC every one, by page), each with where its scheme
//! stands and a link to its editor: the way in from the staff menu.

use crate::AppState;
use crate::kit::input::Query;
use crate::kit::pager::{Pager, page_of};
use crate::kit::{OrRefused, PageCtx, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use shailoo_app::CouncilFilter;
use shailoo_app::authz::{self, Power};
use shailoo_app::districts::SchemeRecord;
use shailoo_domain::CouncilId;
use shailoo_domain::territory::{Council, CouncilKind};
use std::collections::{BTreeSet, HashMap};

pub(crate) struct DraftRow {
    pub council_id: String,
    pub council_name: String,
    pub seats: u32,
    pub status: String,
    pub version: u32,
}

#[derive(Template)]
#[template(path = "districts/templates/drafts.html")]
struct DraftsTemplate {
    ctx: PageCtx,
    rows: Vec<DraftRow>,
    pager: Option<Pager>,
}

/// `GET /districts/drafts?page=`.
pub(super) async fn drafts(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let store = &*state.store;
    let (councils, paging): (Vec<Council>, Option<(u32, u32, u64)>) =
        match authz::listing_scope(&actor, Power::ViewDistrictDrafts) {
            Ok(Some(commission)) => {
                let stations = crate::setup::stations_covered(&state, &commission)
                    .await
                    .or_page(lang)?;
                let ids: BTreeSet<CouncilId> = stations.into_iter().map(|s| s.council).collect();
                let mut councils = Vec::new();
                for id in ids {
                    if let Some(c) = store.council(&id).await.or_page(lang)?
                        && c.kind == CouncilKind::Aiyl
                    {
                        councils.push(c);
                    }
                }
                (councils, None)
            }
            Ok(None) => {
                let filter = CouncilFilter {
                    kind: Some(CouncilKind::Aiyl),
                    page: page_of(&q),
                    ..CouncilFilter::default()
                };
                let page = store.councils(&filter).await.or_page(lang)?;
                (page.items, Some((page.page, page.per_page, page.total)))
            }
            Err(_) => (Vec::new(), None),
        };
    // The newest scheme of each council (a council is districted for its latest election).
    let mut schemes: HashMap<CouncilId, SchemeRecord> = HashMap::new();
    for s in store.district_schemes(None).await.or_page(lang)? {
        match schemes.get(&s.council) {
            Some(kept) if kept.updated_at >= s.updated_at => {}
            _ => {
                schemes.insert(s.council.clone(), s);
            }
        }
    }
    let rows = councils
        .iter()
        .map(|c| {
            let scheme = schemes.get(&c.id);
            DraftRow {
                council_id: c.id.to_string(),
                council_name: c.name.get(lang.code()).to_owned(),
                seats: c.seats.get(),
                status: lang.t(&format!(
                    "districts-status-{}",
                    scheme.map_or("none", |s| s.status.as_str())
                )),
                version: scheme.map_or(0, |s| s.version),
            }
        })
        .collect();
    let pager = paging.map(|(page, per_page, total)| Pager::new(&ctx, page, per_page, total));
    Ok(render(StatusCode::OK, &DraftsTemplate { ctx, rows, pager }))
}
