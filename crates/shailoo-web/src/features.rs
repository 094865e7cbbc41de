//! THE one list of features, and what each of their routes asks of its user. Each feature
//! folder says what it serves in one `pub(crate) fn feature() -> Feature`, built route by route
//! with [`Feature::get`], [`Feature::post`] and [`Feature::api`], each of which takes the
//! route's [`Access`]: a route cannot be registered without saying who may use it.
//! [`crate::router`], the OpenAPI document ([`crate::openapi`]), the staff menu
//! ([`menu_entries`]) and the test that walks every mutating route against the authorization
//! table ([`crate::declared_routes`]) are all built from [`all`] and from nothing else.
//!
//! A staff route names the [`Power`] it needs; the route refuses, before its handler runs,
//! whoever holds that power over no commission at all (`kit::access::gate`), and the handler
//! asks `shailoo_app::authz` again about the commission of the thing acted on.

use crate::AppState;
use crate::kit::access::gate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::middleware::{Next, from_fn};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, Route as AxumRoute};
use shailoo_app::Actor;
use shailoo_app::authz::{self, Power};
use std::convert::Infallible;
use std::sync::LazyLock;
use tower::{Layer, Service};
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

/// Who may use a route: declared once, where the route is registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not: public pages, the look-up, the log-in form, the SMS gateway.
    Public,
    /// A voter signed in to the voter cabinet, acting for their own PIN only (the cabinet's
    /// own rule): no staff power.
    Voter,
    /// A staff member holding this power over some commission. Everyone else is refused by the
    /// route; the handler then asks `authz` about the commission of the thing acted on.
    Staff(Power),
    /// A staff form whose fields choose the power (publish, post or freeze the lists; check a
    /// district scheme or save it): the route lets in whoever holds any of them, and the
    /// handler asks for the one chosen.
    StaffChoice(&'static [Power]),
}

impl Access {
    /// The powers the route asks for (none for a public or a voter's route).
    pub fn powers(&self) -> &[Power] {
        match self {
            Access::Public | Access::Voter => &[],
            Access::Staff(p) => std::slice::from_ref(p),
            Access::StaffChoice(ps) => ps,
        }
    }

    /// Whether the route is for staff only.
    pub fn is_staff(&self) -> bool {
        !self.powers().is_empty()
    }

    /// Whether `actor` gets past the route: holds one of its powers over some commission.
    pub(crate) fn admits(&self, actor: &Actor) -> bool {
        self.powers().iter().any(|p| authz::holds(actor, *p))
    }
}

/// An HTTP method of a declared route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Get,
    Post,
}

impl Verb {
    /// Whether a request of this method may change something (everything but a GET).
    pub fn mutates(self) -> bool {
        self != Verb::Get
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
        }
    }
}

/// A page's entry in the staff menu: its message key and where it links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MenuEntry {
    /// The message key of the link text.
    pub key: &'static str,
    /// Where the link goes: the route itself, or (for a route with a parameter, like one
    /// election's form) the page that leads there.
    pub href: &'static str,
}

/// One declared route: method, path (axum's syntax, `{param}`), access, and menu entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredRoute {
    pub verb: Verb,
    pub path: String,
    pub access: Access,
    /// Part of the JSON API (errors as JSON, 401 without a session).
    pub api: bool,
    pub menu: Option<MenuEntry>,
}

/// What one capability serves: its pages (HTML, forms, downloads; they get the language
/// cookie layer), its part of the JSON API under `/api/v1` with the OpenAPI description of
/// every route, and the declaration of every route. Built only through its methods.
pub(crate) struct Feature {
    pub name: &'static str,
    pages: Router<AppState>,
    api: OpenApiRouter<AppState>,
    routes: Vec<DeclaredRoute>,
    /// The path of the page route declared last (what [`Feature::in_menu`] links to).
    last_page: &'static str,
}

impl Feature {
    pub(crate) fn new(name: &'static str) -> Feature {
        Feature {
            name,
            pages: Router::new(),
            api: OpenApiRouter::new(),
            routes: Vec::new(),
            last_page: "/",
        }
    }

    /// A page (or download) answering GET.
    pub(crate) fn get<H, T>(self, path: &'static str, access: Access, handler: H) -> Feature
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Verb::Get, path, access, axum::routing::get(handler))
    }

    /// A form's POST.
    pub(crate) fn post<H, T>(self, path: &'static str, access: Access, handler: H) -> Feature
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.route(Verb::Post, path, access, axum::routing::post(handler))
    }

    /// A form's POST whose body may be up to `limit` bytes (a file upload).
    pub(crate) fn post_upload<H, T>(
        self,
        path: &'static str,
        access: Access,
        limit: usize,
        handler: H,
    ) -> Feature
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let method = axum::routing::post(handler).layer(DefaultBodyLimit::max(limit));
        self.route(Verb::Post, path, access, method)
    }

    fn route(
        mut self,
        verb: Verb,
        path: &'static str,
        access: Access,
        method: MethodRouter<AppState>,
    ) -> Feature {
        let method = method.layer(from_fn(move |req: Request, next: Next| {
            gate(access, false, req, next)
        }));
        self.pages = self.pages.route(path, method);
        self.last_page = path;
        self.routes.push(DeclaredRoute {
            verb,
            path: path.to_owned(),
            access,
            api: false,
            menu: None,
        });
        self
    }

    /// Puts the route just declared in the staff menu, under the message `key`: shown to
    /// whoever the route admits.
    pub(crate) fn in_menu(self, key: &'static str) -> Feature {
        debug_assert!(
            !self.last_page.contains('{'),
            "{}: a route with a parameter goes in the menu with in_menu_via",
            self.last_page
        );
        let href = self.last_page;
        self.in_menu_via(key, href)
    }

    /// Puts the route just declared in the staff menu, linking to `href`: the page that leads
    /// there, for a route with a parameter (an election's form is reached from its page).
    pub(crate) fn in_menu_via(mut self, key: &'static str, href: &'static str) -> Feature {
        if let Some(last) = self.routes.last_mut() {
            last.menu = Some(MenuEntry { key, href });
        }
        self
    }

    /// Routes of the JSON API (`utoipa_axum::routes!`), with their OpenAPI description; the
    /// methods and paths declared are the ones the description names.
    pub(crate) fn api(mut self, access: Access, routes: UtoipaMethodRouter<AppState>) -> Feature {
        let (schemas, paths, method) = routes;
        for (path, item) in &paths.paths {
            for (verb, present) in [
                (Verb::Get, item.get.is_some()),
                (Verb::Post, item.post.is_some()),
            ] {
                if present {
                    self.routes.push(DeclaredRoute {
                        verb,
                        path: path.clone(),
                        access,
                        api: true,
                        menu: None,
                    });
                }
            }
            assert!(
                item.put.is_none()
                    && item.delete.is_none()
                    && item.patch.is_none()
                    && item.head.is_none()
                    && item.options.is_none(),
                "{path}: declare its method in features::Verb first"
            );
        }
        let method = method.layer(from_fn(move |req: Request, next: Next| {
            gate(access, true, req, next)
        }));
        self.api = self.api.routes((schemas, paths, method));
        self
    }

    /// A layer over every page route declared so far (the cabinet's `no-store`).
    pub(crate) fn layer_pages<L>(mut self, layer: L) -> Feature
    where
        L: Layer<AxumRoute> + Clone + Send + Sync + 'static,
        L::Service: Service<Request> + Clone + Send + Sync + 'static,
        <L::Service as Service<Request>>::Response: IntoResponse + 'static,
        <L::Service as Service<Request>>::Error: Into<Infallible> + 'static,
        <L::Service as Service<Request>>::Future: Send + 'static,
    {
        self.pages = self.pages.layer(layer);
        self
    }
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
        crate::candidates::feature(),
        // Campaign and disputes (issue 16): the complaints registry and media accreditation.
        crate::complaints::feature(),
        crate::media::feature(),
        // i16-badges: places for campaign material (CAL-06).
        crate::campaign_places::feature(),
        crate::print::feature(),
        crate::checkin::feature(),
        // results: the staff's entry, coordination and dashboard (i15-entry)
        crate::results::feature(),
        // Election funds and violation reports (CMP-04, CMP-07).
        crate::funds::feature(),
        crate::violations::feature(),
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
        (name = "candidates", description = "Candidates and ballots (Talapker): never a PIN, an address or a document"),
        (name = "complaints", description = "The complaints registry (CMP-05, CMP-06): complaints, appeals, decisions and their clocks; never the complainant's name or contact"),
        (name = "media", description = "Media accreditation (CMP-01…CMP-03): outlets, their status and price lists, each CMP-02 finding with its rule and lines"),
        (name = "voters", description = "Where do I vote? Look-up by PIN (VOT-09), and SMS 119"),
        (name = "funds", description = "Election funds (CMP-04): income, expenses and reports with their lateness"),
        (name = "violations", description = "Violation reports (CMP-07): statistics, and the messaging gateway's webhook"),
        // The public results (i15-public).
        (name = "results", description = "Live results per council from the accepted protocols (RES-06…RES-11): official once the commission determined them"),
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

/// Every route of every feature with its declaration, in the order of [`all`].
pub(crate) fn declared() -> &'static [DeclaredRoute] {
    static DECLARED: LazyLock<Vec<DeclaredRoute>> =
        LazyLock::new(|| all().into_iter().flat_map(|f| f.routes).collect());
    &DECLARED
}

/// The staff menu: every declared page with a menu entry, with the access that decides who
/// sees it.
pub(crate) fn menu_entries() -> impl Iterator<Item = (MenuEntry, Access)> {
    declared()
        .iter()
        .filter_map(|r| r.menu.map(|m| (m, r.access)))
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

    #[test]
    fn every_route_is_declared_once_and_menu_entries_are_staff_pages_without_parameters() {
        let mut seen = std::collections::BTreeSet::new();
        for r in declared() {
            assert!(seen.insert((r.verb, r.path.clone())), "{r:?} twice");
            if let Some(m) = r.menu {
                assert!(r.access.is_staff(), "{r:?}: the menu is the staff's");
                assert_eq!(r.verb, Verb::Get, "{r:?}");
                assert!(!m.href.contains('{'), "{r:?}");
                assert!(
                    declared()
                        .iter()
                        .any(|t| t.verb == Verb::Get && t.path == m.href),
                    "{r:?}: the menu links to a declared page"
                );
            }
        }
        assert!(menu_entries().count() >= 8);
    }
}
