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
use crate::features::{Access, Feature};
use crate::kit::input::Query;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::voters;
use shailoo_app::{Actor, Store, StoreError};
use shailoo_domain::territory::PollingStation;
use shailoo_domain::{ElectionId, ErrorCode, StationNumber};
use shailoo_print::{StationList, Variant};

pub(crate) fn feature() -> Feature {
    Feature::new("print").get(
        "/stations/{number}/voter-list.pdf",
        Access::Staff(Power::PrintVoterList),
        voter_list_pdf,
    )
}

#[derive(Debug, Default, Deserialize)]
struct PrintQuery {
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
    let chain = store.commission_chain(&station.commission).await?;
    Ok(authz::allowed(
        actor,
        Power::PrintVoterList,
        Target::Within(&chain),
    ))
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

/// The list as PDF, rendered on a blocking thread (Typst is CPU work).
async fn render_pdf(
    lang: Lang,
    list: StationList,
    number: StationNumber,
) -> Result<Vec<u8>, PageFail> {
    match tokio::task::spawn_blocking(move || shailoo_print::render(&list)).await {
        Ok(Ok(pdf)) => Ok(pdf),
        Ok(Err(e)) => {
            tracing::error!(error = %e, station = %number, "voter list rendering failed");
            Err(PageFail::new(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                e.code(),
            ))
        }
        Err(e) => {
            tracing::error!(error = %e, station = %number, "voter list rendering panicked");
            let code = ErrorCode::PrintFailed;
            Err(PageFail::new(lang, StatusCode::INTERNAL_SERVER_ERROR, code))
        }
    }
}

/// A PDF as a download, never cached.
fn attachment(pdf: Vec<u8>, file_name: &str) -> Response {
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

/// `GET /stations/{n}/voter-list.pdf?variant=&election=`.
async fn voter_list_pdf(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(number): Path<String>,
    Query(q): Query<PrintQuery>,
) -> PageResult {
    let lang = ctx.lang;
    let number = StationNumber::parse(&number)
        .map_err(|_| PageFail::new(lang, StatusCode::BAD_REQUEST, ErrorCode::BadStationNumber))?;
    let actor = ctx.require_staff()?.actor();
    let variant = Variant::parse(q.variant.as_deref().unwrap_or("posting"))
        .map_err(|e| PageFail::new(lang, StatusCode::BAD_REQUEST, e.code()))?;
    let store = state.store.as_ref();
    let station = store
        .station(number)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::new(lang, StatusCode::NOT_FOUND, ErrorCode::UnknownStation))?;
    let election = election_for(store, &station, q.election.as_deref())
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::new(lang, StatusCode::NOT_FOUND, ErrorCode::UnknownElection))?;
    let roll = voters::station_roll(store, &actor, &election, number)
        .await
        .or_page(lang)?;
    let list = StationList::from_roll(&roll, print_lang(lang), variant, state.now());
    let voters = list.voters.len();
    let file_name = list.file_name();
    let pdf = render_pdf(lang, list, number).await?;
    tracing::info!(
        user = actor.audit_name(),
        station = %number,
        election = %election,
        variant = variant.as_str(),
        voters,
        "voter list printed"
    );
    Ok(attachment(pdf, &file_name))
}
