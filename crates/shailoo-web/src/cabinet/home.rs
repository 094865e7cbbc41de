//! `GET /cabinet`: the signed-in voter's cabinet (else the sign-in form): their station and
//! council, their remote-voting applications with the form to apply, and their claims with the
//! form to file one.

use crate::AppState;
use crate::cabinet::sign_in::first_sign_in_page;
use crate::cabinet::{adapters, current};
use crate::claims::correction_details;
use crate::kit::calendar::deadline_date;
use crate::kit::format::fmt_instant;
use crate::kit::format::{fmt_date, ineligibility};
use crate::kit::input::Query;
use crate::kit::page::{Choice, Feedback};
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use crate::lookup::{ResultView, claims_deadline, not_found_message, result_view};
use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use shailoo_app::cabinet::VoterSession;
use shailoo_app::claims::{self, Claim, ClaimRequest};
use shailoo_app::lookup::LookupOutcome;
use shailoo_app::remote::{ApplicationFilter, RemoteApplication};
use shailoo_app::voters::{ListedEntry, Placement, listed_entry};
use shailoo_app::{PageRequest, StationFilter};
use shailoo_domain::Pin;
use shailoo_domain::params::Coded;
use shailoo_domain::territory::Election;
use std::collections::HashMap;

struct ApplicationView {
    id: i64,
    station: String,
    status: String,
    status_label: String,
    reason: String,
    filed: String,
    live: bool,
}

impl ApplicationView {
    fn new(lang: Lang, a: &RemoteApplication) -> ApplicationView {
        ApplicationView {
            id: a.id,
            station: a.remote_station.to_string(),
            status: a.status.as_str().to_owned(),
            status_label: lang.t(&format!("remote-status-{}", a.status.as_str())),
            reason: a.reason.clone().unwrap_or_default(),
            filed: fmt_instant(a.filed_at),
            live: a.status.is_live(),
        }
    }
}

struct ClaimView {
    kind: String,
    details: String,
    station: String,
    filed: String,
    status: String,
    status_label: String,
    /// The rejection's reason or the acceptance's note.
    text: String,
}

impl ClaimView {
    fn new(lang: Lang, c: &Claim) -> ClaimView {
        let state = c.status.state();
        ClaimView {
            kind: lang.t(&format!("claims-kind-{}", c.request.kind().as_str())),
            details: match &c.request {
                ClaimRequest::Inclusion => String::new(),
                ClaimRequest::Correction(d) => correction_details(lang, d),
            },
            station: c.station.to_string(),
            filed: fmt_instant(c.filed_at),
            status: state.as_str().to_owned(),
            status_label: lang.t(&format!("claims-status-{}", state.as_str())),
            text: c
                .status
                .text()
                .map(|t| t.as_str().to_owned())
                .unwrap_or_default(),
        }
    }
}

/// The voter's own entry as the list shows it, so that a correction claim is not filed blind.
struct EntryView {
    name: String,
    birth_date: String,
    /// The address as registered: settlement, street, house.
    address: String,
    /// Where the entry stands: on the list of station N, or why not.
    standing: String,
    /// An accepted correction changed what the register says.
    corrected: bool,
    /// The current values, for the correction form's placeholders.
    surname: String,
    given_name: String,
    patronymic: String,
    street: String,
    house: String,
}

impl EntryView {
    fn new(lang: Lang, e: &ListedEntry) -> EntryView {
        let p = &e.person;
        let name = [Some(&p.surname), Some(&p.given_name), p.patronymic.as_ref()]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let standing = match &e.placement {
            Placement::OnList { station, .. } => {
                lang.t_args("cabinet-entry-on-list", &[("station", station.to_string())])
            }
            Placement::NotOnList { reasons, .. } => {
                let why = reasons
                    .into_iter()
                    .map(|r| ineligibility(lang, r.code()))
                    .collect::<Vec<_>>()
                    .join(" ");
                lang.t_args("cabinet-entry-not-on-list", &[("reasons", why)])
            }
            Placement::NotCompiled => lang.t("cabinet-entry-not-compiled"),
        };
        EntryView {
            name,
            birth_date: fmt_date(p.birth_date),
            address: format!(
                "{}, {}, {}",
                e.settlement.get(lang.code()),
                p.street,
                p.house
            ),
            standing,
            corrected: e.corrected,
            surname: p.surname.clone(),
            given_name: p.given_name.clone(),
            patronymic: p.patronymic.clone().unwrap_or_default(),
            street: p.street.clone(),
            house: p.house.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "cabinet/templates/cabinet.html")]
struct CabinetTemplate {
    ctx: PageCtx,
    csrf: String,
    notice: Option<String>,
    message: Option<String>,
    election: String,
    /// Where, when and in which district the voter votes.
    answer: Option<ResultView>,
    /// The voter's own entry (also when they are on no list: the reasons).
    entry: Option<EntryView>,
    not_on_list: Option<String>,
    applications: Vec<ApplicationView>,
    can_apply: bool,
    remote_choices: Vec<Choice>,
    remote_intro: String,
    claims: Vec<ClaimView>,
    /// The station a claim goes to: where the voter is listed (empty: they choose).
    claim_station: String,
    can_claim: bool,
    claims_intro: String,
}

/// `GET /cabinet?done=`.
pub(super) async fn home(
    State(state): State<AppState>,
    ctx: PageCtx,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    adapters(&state, lang)?;
    let Some(session) = current(&state, lang, &headers).await? else {
        return Ok(first_sign_in_page(&state, ctx));
    };
    let notice = q
        .get("done")
        .filter(|d| ["remote_filed", "remote_cancelled", "claim_filed"].contains(&d.as_str()))
        .map(|d| lang.t(&format!("cabinet-done-{d}")));
    cabinet_page(&state, ctx, &session, Feedback::ok(notice)).await
}

/// The voter's election: the one the look-up finds them in, or none.
pub(crate) async fn voter_election(
    state: &AppState,
    lang: Lang,
    pin: &Pin,
) -> Result<(Option<Election>, LookupOutcome), PageFail> {
    let outcome = state.lookup.find(None, pin).await.or_page(lang)?;
    let election = match &outcome {
        LookupOutcome::Found { election, .. } | LookupOutcome::NotOnList { election } => {
            Some(Election::clone(election))
        }
        _ => None,
    };
    Ok((election, outcome))
}

/// The cabinet of `session`'s voter, with what a step just did or why it was refused.
pub(super) async fn cabinet_page(
    state: &AppState,
    ctx: PageCtx,
    session: &VoterSession,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let (election, outcome) = voter_election(state, lang, &session.pin).await?;
    let mut page = CabinetTemplate {
        csrf: session.csrf_token.clone(),
        notice: feedback.notice,
        message: feedback.message,
        election: String::new(),
        answer: None,
        entry: None,
        not_on_list: None,
        applications: Vec::new(),
        can_apply: false,
        remote_choices: Vec::new(),
        remote_intro: String::new(),
        claims: Vec::new(),
        claim_station: String::new(),
        can_claim: false,
        claims_intro: String::new(),
        ctx,
    };
    match &outcome {
        LookupOutcome::Found { election, station } => {
            page.answer = Some(result_view(lang, election, station));
        }
        LookupOutcome::NotOnList { election } => {
            page.not_on_list = Some(not_found_message(state, lang, election).await);
        }
        _ => page.not_on_list = Some(lang.t("cabinet-no-election")),
    }
    if let Some(election) = &election {
        page.election = election.name.get(lang.code()).to_owned();
        page.entry = listed_entry(&*state.store, &election.id, &session.pin)
            .await
            .or_page(lang)?
            .map(|e| EntryView::new(lang, &e));
        remote_part(state, lang, session, election, &mut page).await?;
        claims_part(state, lang, session, election, &mut page).await?;
    }
    Ok(render(feedback.status, &page))
}

/// The voter's remote-voting applications, and the form to apply while none is live.
async fn remote_part(
    state: &AppState,
    lang: Lang,
    session: &VoterSession,
    election: &Election,
    page: &mut CabinetTemplate,
) -> Result<(), PageFail> {
    let date = deadline_date(state, election, "CAL-12")
        .await
        .unwrap_or_default();
    page.remote_intro = lang.t_args("cabinet-remote-intro", &[("date", date)]);
    let filter = ApplicationFilter {
        pin: Some(session.pin),
        ..ApplicationFilter::default()
    };
    let apps = state
        .store
        .remote_applications(&election.id, &filter)
        .await
        .or_page(lang)?;
    page.can_apply = page.answer.is_some() && !apps.iter().any(|a| a.status.is_live());
    page.applications = apps.iter().map(|a| ApplicationView::new(lang, a)).collect();
    if page.can_apply {
        let filter = StationFilter {
            remote_voting: Some(true),
            page: PageRequest {
                page: 1,
                per_page: 500,
            },
            ..StationFilter::default()
        };
        let stations = state.store.stations(&filter).await.or_page(lang)?;
        let addresses = shailoo_app::lookup::station_addresses(&*state.store, &stations.items)
            .await
            .or_page(lang)?;
        page.remote_choices = stations
            .items
            .iter()
            .zip(&addresses)
            .map(|(s, address)| Choice {
                value: s.number.to_string(),
                label: format!("№ {} — {}", s.number, address.get(lang.code())),
                selected: false,
            })
            .collect();
    }
    Ok(())
}

/// The voter's claims, and the form to file one (to the station they are listed at, if any).
async fn claims_part(
    state: &AppState,
    lang: Lang,
    session: &VoterSession,
    election: &Election,
    page: &mut CabinetTemplate,
) -> Result<(), PageFail> {
    let store = &*state.store;
    page.claims = claims::claims_of_voter(store, &election.id, &session.pin)
        .await
        .or_page(lang)?
        .iter()
        .map(|c| ClaimView::new(lang, c))
        .collect();
    page.claim_station = claims::listed_station(store, &election.id, &session.pin)
        .await
        .or_page(lang)?
        .map(|s| s.to_string())
        .unwrap_or_default();
    page.can_claim = true;
    page.claims_intro = match claims_deadline(state, election).await {
        Some(date) => lang.t_args("cabinet-claims-intro", &[("date", date)]),
        None => String::new(),
    };
    Ok(())
}
