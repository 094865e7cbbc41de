//! Paging of the listing pages: which page the query asks for, and the links to the pages
//! beside it that keep the other query parameters.

use crate::kit::page::PageCtx;
use shailoo_app::PageRequest;
use std::collections::HashMap;

/// Rows per page of a listing page.
const PER_PAGE: u32 = 25;

/// Paging links that keep the other query parameters.
pub(crate) struct Pager {
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    pub(crate) fn new(ctx: &PageCtx, page: u32, per_page: u32, total: u64) -> Pager {
        let pages = u32::try_from(total.div_ceil(u64::from(per_page.max(1))))
            .unwrap_or(u32::MAX)
            .max(1);
        let href = |p: u32| {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in ctx.query.iter().filter(|(k, _)| k != "page") {
                q.append_pair(k, v);
            }
            q.append_pair("page", &p.to_string());
            format!("{}?{}", ctx.path, q.finish())
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
        }
    }
}

/// The page `?page=` asks for (the first when absent or malformed).
pub(crate) fn page_of(q: &HashMap<String, String>) -> PageRequest {
    PageRequest {
        page: q
            .get("page")
            .and_then(|p| p.parse::<u32>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1),
        per_page: PER_PAGE,
    }
}
