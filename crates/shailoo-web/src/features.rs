//! THE one list of features. Each feature folder says what it serves in one
//! `pub(crate) fn feature() -> Feature`; [`crate::router`] and the OpenAPI document
//! ([`crate::openapi`]) are built from [`all`] and from nothing else, so a capability is
//! registered by adding its folder and one line here.

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// What one capability serves: its pages (HTML, forms, downloads; they get the language
/// cookie layer) and its part of the JSON API under `/api/v1`, with the OpenAPI description
/// of every route.
pub(crate) struct Feature {
    pub name: &'static str,
    pub pages: Router<AppState>,
    pub api: OpenApiRouter<AppState>,
}

/// Every feature, in the order of an election: the setup, staff accounts, the rules, the voter
/// look-up and cabinet, districts, the register and lists, remote voting, claims, printing,
/// voting day; then operations.
pub(crate) fn all() -> Vec<Feature> {
    vec![
        crate::setup::feature(),
        crate::access::feature(),
        crate::accounts::feature(),
        crate::rules::feature(),
        crate::lookup::feature(),
        crate::cabinet::feature(),
        crate::districts::feature(),
        crate::register::feature(),
        crate::remote::feature(),
        crate::claims::feature(),
        crate::print::feature(),
        crate::checkin::feature(),
        crate::ops::feature(),
    ]
}

/// The title, description and tags of the API document; the paths come from the features.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "shailoo API",
        version = "1",
        description = "Read-only data of the Kyrgyz local council elections: elections and \
                       their calendars, councils, election commissions and polling stations. \
                       Errors have one shape, `{\"error\": {\"code\", \"message\"}}`, with the \
                       message in the language of `?lang=` or `Accept-Language` (ky, ru, en)."
    ),
    tags(
        (name = "elections", description = "Elections and their statutory calendars"),
        (name = "councils", description = "Local councils (kenesh)"),
        (name = "commissions", description = "Election commissions: CEC, TECs, PECs"),
        (name = "stations", description = "Polling stations"),
        (name = "voters", description = "Where do I vote? Look-up by PIN (VOT-09), and SMS 119"),
    )
)]
struct ApiDoc;

/// The pages of every feature, and the API of every feature with its document.
pub(crate) fn routes() -> (Router<AppState>, OpenApiRouter<AppState>) {
    let mut pages = Router::new();
    let mut api = OpenApiRouter::with_openapi(ApiDoc::openapi());
    for feature in all() {
        tracing::trace!(feature = feature.name, "routes registered");
        pages = pages.merge(feature.pages);
        api = api.merge(feature.api);
    }
    (pages, api)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_is_listed_once() {
        let names: Vec<&str> = all().iter().map(|f| f.name).collect();
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }
}
