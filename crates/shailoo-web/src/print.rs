//! The printable voter list of a station:
//! `GET /stations/{n}/voter-list.pdf?variant=posting|signatures&lang=ky|ru|en[&election=ID]`.
//!
//! * For signed-in staff whose commission covers the station's PEC (its PEC, the TEC above it,
//!   the CEC): the list holds personal data. Others get the 403 page; a visitor is sent to log
//!   in. 404 for an unknown station, 409 with a localized page while the lists are not compiled.
//! * The language of the labels is the page's (`?lang=`, the cookie, `Accept-Language`).
//! * The election is the one named, else the latest one holding the station's council, else
//!   the latest one (a remote-voting station serves voters of every council).
//! * Rendering is CPU work (Typst): it runs on a blocking thread. The answer is an attachment,
//!   never cached (`Cache-Control: no-store`), and the printing is logged with the user.

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::fail::store_status;
use crate::kit::i18n::Lang;
use crate::kit::page::error_page;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use shailoo_app::voters::{self, VoterListError};
use shailoo_app::{Actor, Store, StoreError};
use shailoo_domain::territory::PollingStation;
use shailoo_domain::{ElectionId, StationNumber};
use shailoo_print::{StationList, Variant};

/// The page routes; merged into the pages router.
fn routes() -> Router<AppState> {
    Router::new().route("/stations/{number}/voter-list.pdf", get(voter_list_pdf))
}

#[derive(Debug, Default, Deserialize)]
pub struct PrintQuery {
    variant: Option<String>,
    election: Option<String>,
}

/// The printer's language for a page language.
fn print_lang(lang: Lang) -> shailoo_print::Lang {
    match lang {
        Lang::Ky => shailoo_print::Lang::Ky,
        Lang::Ru => shailoo_print::Lang::Ru,
        Lang::En => shailoo_print::Lang::En,
    }
}

/// Whether `actor` may print the lists of `station` (used by the station page for its links).
pub(crate) async fn may_print(
    store: &dyn Store,
    actor: &Actor,
    station: &PollingStation,
) -> Result<bool, StoreError> {
    Ok(actor.covers(&store.commission_chain(&station.commission).await?))
}

/// The election whose list to print: the one named, else the latest holding the station's
/// council, else the latest.
async fn election_for(
    store: &dyn Store,
    station: &PollingStation,
    named: Option<&str>,
) -> Result<Option<ElectionId>, StoreError> {
    if let Some(id) = named.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(ElectionId::parse(id).ok());
    }
    let elections = store.elections().await?;
    Ok(elections
        .iter()
        .filter(|e| e.councils.contains(&station.council))
        .max_by_key(|e| e.voting_day)
        .or_else(|| elections.iter().max_by_key(|e| e.voting_day))
        .map(|e| e.id.clone()))
}

fn list_error(lang: Lang, e: VoterListError) -> Response {
    let status = match &e {
        VoterListError::Store(e) => {
            crate::kit::fail::log(e);
            store_status(e)
        }
        VoterListError::UnknownStation(_) | VoterListError::UnknownElection(_) => {
            StatusCode::NOT_FOUND
        }
        VoterListError::Forbidden(_) => StatusCode::FORBIDDEN,
        VoterListError::NotCompiled(_) => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    error_page(lang, status, e.code())
}

async fn voter_list_pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Path(number): Path<String>,
    Query(q): Query<PrintQuery>,
) -> Response {
    let lang = ctx.lang;
    let Ok(number) = StationNumber::parse(&number) else {
        return error_page(lang, StatusCode::BAD_REQUEST, "bad_station_number");
    };
    let staff = match crate::kit::session::current_staff(&state, &headers).await {
        Ok(Some(s)) => s,
        Ok(None) => {
            let mut next = url::form_urlencoded::Serializer::new(String::new());
            next.append_pair("next", &format!("/stations/{number}/voter-list.pdf"));
            return Redirect::to(&format!("/login?{}", next.finish())).into_response();
        }
        Err(e) => {
            crate::kit::fail::log(&e);
            return error_page(lang, store_status(&e), e.code());
        }
    };
    let variant = match Variant::parse(q.variant.as_deref().unwrap_or("posting")) {
        Ok(v) => v,
        Err(e) => return error_page(lang, StatusCode::BAD_REQUEST, e.code()),
    };
    let store = state.store.as_ref();
    let station = match store.station(number).await {
        Ok(Some(s)) => s,
        Ok(None) => return error_page(lang, StatusCode::NOT_FOUND, "unknown_station"),
        Err(e) => {
            crate::kit::fail::log(&e);
            return error_page(lang, store_status(&e), e.code());
        }
    };
    let election = match election_for(store, &station, q.election.as_deref()).await {
        Ok(Some(e)) => e,
        Ok(None) => return error_page(lang, StatusCode::NOT_FOUND, "unknown_election"),
        Err(e) => {
            crate::kit::fail::log(&e);
            return error_page(lang, store_status(&e), e.code());
        }
    };
    let actor = staff.actor();
    let roll = match voters::station_roll(store, &actor, &election, number).await {
        Ok(roll) => roll,
        Err(e) => return list_error(lang, e),
    };
    let list = StationList::from_roll(&roll, print_lang(lang), variant, state.now());
    let voters = list.voters.len();
    let file_name = list.file_name();
    let pdf = match tokio::task::spawn_blocking(move || shailoo_print::render(&list)).await {
        Ok(Ok(pdf)) => pdf,
        Ok(Err(e)) => {
            tracing::error!(error = %e, station = %number, "voter list rendering failed");
            return error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, e.code());
        }
        Err(e) => {
            tracing::error!(error = %e, station = %number, "voter list rendering panicked");
            return error_page(lang, StatusCode::INTERNAL_SERVER_ERROR, "print_failed");
        }
    };
    tracing::info!(
        user = actor.audit_name(),
        station = %number,
        election = %election,
        variant = variant.as_str(),
        voters,
        "voter list printed"
    );
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        pdf,
    )
        .into_response()
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "print",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new(),
    }
}
