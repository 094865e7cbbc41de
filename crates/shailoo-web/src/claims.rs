//! Voter-list claims (VOT-08) for staff: the list of claims with filters (station, status,
//! kind, PIN), the form on which PEC staff file a claim on a voter's behalf with the passport
//! copy (multipart), the accept / reject buttons (a rejection with its reason), the passport
//! copy for download, and one voter's page: where they stand, their claims and the history of
//! the amendments made to their list entry.
//!
//! Every POST carries the session's CSRF token. Refusals (closed calendar, an open claim of
//! that kind, a copy that is not a JPEG, PNG or PDF…) re-render the page with the reason in the
//! reader's language; a refused permission is the 403 error page. Staff see only the claims
//! of stations their commission covers (`Actor::covers`). The passport copy is served as an
//! attachment with `nosniff`, so a browser never renders what a voter uploaded.

use crate::AppState;
use crate::kit::PageCtx;
use crate::kit::calendar::closed_message;
use crate::kit::fail::store_status;
use crate::kit::format::fmt_instant;
use crate::kit::forms::{check_csrf, election_of, station_number};
use crate::kit::i18n::Lang;
use crate::kit::session::Staff;
use crate::kit::{PageFail, PageResult};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use shailoo_app::StationFilter;
use shailoo_app::claims::{
    self as app, Claim, ClaimDecision, ClaimDraft, ClaimError, ClaimFilter, ClaimId, ClaimKind,
    ClaimRequest, ClaimState, ClaimStatus, CopyFormat, DataCorrection, MAX_COPY_BYTES,
    PassportCopy, Text,
};
use shailoo_app::users::{Actor, Role};
use shailoo_app::voters::Placement;
use shailoo_domain::params::Coded;
use shailoo_domain::{ElectionId, Pin, StationNumber};
use std::collections::HashMap;

/// The filing form's body: the copy and the text fields, with room for the multipart framing.
const FILING_BODY_LIMIT: usize = MAX_COPY_BYTES + 64 * 1024;

/// The page routes; merged into the pages router. Only the filing route accepts a body larger
/// than axum's default (2 MB): a passport copy may be 5 MB.
fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/claims",
            get(page)
                .post(file)
                .layer(DefaultBodyLimit::max(FILING_BODY_LIMIT)),
        )
        .route("/claims/{id}/decision", post(decide))
        .route("/claims/{id}/passport", get(passport))
        .route("/claims/voter", get(voter))
}

/// A refusal in the reader's language; the calendar's refusal names the deadline (CAL-11).
fn refusal(lang: Lang, e: &ClaimError) -> String {
    match e {
        ClaimError::Calendar(c) => closed_message(lang, c),
        ClaimError::WrongStation { listed } => lang.t_args(
            "claims-error-wrong-station",
            &[("station", listed.to_string())],
        ),
        ClaimError::AlreadyListed(station) => lang.t_args(
            "claims-error-already-listed",
            &[("station", station.to_string())],
        ),
        other => lang.t(&format!("error-{}", other.code())),
    }
}

fn status_of(e: &ClaimError) -> StatusCode {
    match e {
        ClaimError::Store(e) => store_status(e),
        ClaimError::Forbidden => StatusCode::FORBIDDEN,
        ClaimError::UnknownClaim(_) | ClaimError::UnknownElection(_) => StatusCode::NOT_FOUND,
        ClaimError::AlreadyOpen
        | ClaimError::AlreadyDecided
        | ClaimError::AlreadyListed(_)
        | ClaimError::Frozen { .. }
        | ClaimError::Calendar(_) => StatusCode::CONFLICT,
        ClaimError::CopyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ClaimError::CopyNotRecognised => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// One claim as a row of the list.
struct ClaimRow {
    id: i64,
    pin: String,
    station: String,
    kind: String,
    /// The corrected fields of a correction, "field: value; …".
    details: String,
    statement: String,
    channel: String,
    status: String,
    status_label: String,
    /// The rejection's reason or the acceptance's note.
    text: String,
    filed: String,
    decided: String,
    copy: String,
    pending: bool,
}

fn claim_row(lang: Lang, c: &Claim) -> ClaimRow {
    let details = match &c.request {
        ClaimRequest::Inclusion => String::new(),
        ClaimRequest::Correction(d) => d
            .values()
            .iter()
            .map(|(f, v)| format!("{}: {v}", lang.t(&format!("claims-field-{}", f.as_str()))))
            .collect::<Vec<_>>()
            .join("; "),
    };
    let state = c.status.state();
    ClaimRow {
        id: c.id.get(),
        pin: c.pin.as_str().to_owned(),
        station: c.station.to_string(),
        kind: lang.t(&format!("claims-kind-{}", c.request.kind().as_str())),
        details,
        statement: c
            .statement
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        channel: lang.t(&format!("claims-channel-{}", c.channel.as_str())),
        status: state.as_str().to_owned(),
        status_label: lang.t(&format!("claims-status-{}", state.as_str())),
        text: c
            .status
            .text()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        filed: format!("{} · {}", fmt_instant(c.filed_at), c.filed_by),
        decided: c
            .status
            .decided()
            .map(|d| format!("{} · {}", fmt_instant(d.at), d.by))
            .unwrap_or_default(),
        copy: format!(
            "{} · {} KB",
            c.copy.format.extension().to_uppercase(),
            c.copy.size.div_ceil(1024)
        ),
        pending: c.status == ClaimStatus::Filed,
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

fn choices(lang: Lang, prefix: &str, values: &[&str], selected: Option<&str>) -> Vec<Choice> {
    values
        .iter()
        .map(|v| Choice {
            value: (*v).to_owned(),
            label: lang.t(&format!("{prefix}{v}")),
            selected: selected == Some(*v),
        })
        .collect()
}

/// What the filing form showed, to fill it again after a refusal.
#[derive(Default, Clone)]
struct FormValues {
    pin: String,
    station: String,
    kind: String,
    surname: String,
    given_name: String,
    patronymic: String,
    birth_date: String,
    street: String,
    house: String,
    statement: String,
}

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsTemplate {
    ctx: PageCtx,
    election: String,
    notice: Option<String>,
    message: Option<String>,
    rows: Vec<ClaimRow>,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    form_kinds: Vec<Choice>,
    filter_station: String,
    filter_pin: String,
    form: FormValues,
    passport_label: String,
}

/// The station a PEC member's form starts with: their own.
async fn own_station(state: &AppState, actor: &Actor) -> Option<StationNumber> {
    let Actor::User {
        role: Role::PecMember,
        commission,
        ..
    } = actor
    else {
        return None;
    };
    let filter = StationFilter {
        commission: Some(commission.clone()),
        ..StationFilter::default()
    };
    let page = state.store.stations(&filter).await.ok()?;
    page.items.first().map(|s| s.number)
}

fn render(t: &impl Template, status: StatusCode) -> PageResult {
    Ok(crate::kit::render(status, t))
}

#[allow(clippy::too_many_arguments, reason = "a page's parts")]
async fn render_page(
    state: &AppState,
    ctx: PageCtx,
    staff: &Staff,
    election: &ElectionId,
    q: &HashMap<String, String>,
    status: StatusCode,
    notice: Option<String>,
    message: Option<String>,
    form: Option<FormValues>,
) -> PageResult {
    let lang = ctx.lang;
    let filter = ClaimFilter {
        station: station_number(q.get("station").map(String::as_str)),
        state: q.get("status").and_then(|s| ClaimState::parse(s)),
        kind: q.get("kind").and_then(|s| ClaimKind::parse(s)),
        pin: q.get("pin").and_then(|p| Pin::parse(p.trim()).ok()),
        // The use case narrows it to the account's commission.
        within: None,
    };
    let actor = staff.actor();
    let found = match app::claims(&*state.store, &actor, election, &filter).await {
        Ok(found) => found,
        Err(ClaimError::Store(e)) => return Err(PageFail::refused(lang, &e)),
        Err(e) => return Err(PageFail::new(lang, status_of(&e), e.code())),
    };
    let form = match form {
        Some(f) => f,
        None => FormValues {
            station: own_station(state, &actor)
                .await
                .map(|s| s.to_string())
                .unwrap_or_default(),
            kind: "inclusion".into(),
            ..FormValues::default()
        },
    };
    let states: Vec<&str> = ClaimState::ALL.iter().map(|s| s.as_str()).collect();
    let kinds: Vec<&str> = ClaimKind::ALL.iter().map(|k| k.as_str()).collect();
    let t = ClaimsTemplate {
        election: election.to_string(),
        notice,
        message,
        rows: found.iter().map(|c| claim_row(lang, c)).collect(),
        statuses: choices(
            lang,
            "claims-status-",
            &states,
            filter.state.map(ClaimState::as_str),
        ),
        kinds: choices(
            lang,
            "claims-kind-",
            &kinds,
            filter.kind.map(ClaimKind::as_str),
        ),
        form_kinds: choices(lang, "claims-kind-", &kinds, Some(form.kind.as_str())),
        filter_station: filter.station.map(|s| s.to_string()).unwrap_or_default(),
        filter_pin: q.get("pin").cloned().unwrap_or_default(),
        form,
        passport_label: lang.t_args(
            "claims-passport",
            &[("mb", (MAX_COPY_BYTES / (1024 * 1024)).to_string())],
        ),
        ctx,
    };
    render(&t, status)
}

async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "filed" | "accepted" | "rejected"))
        .map(|d| lang.t(&format!("claims-done-{d}")));
    render_page(
        &state,
        ctx,
        &staff,
        &election.id,
        &q,
        StatusCode::OK,
        notice,
        None,
        None,
    )
    .await
}

/// The fields of the multipart filing form.
#[derive(Default)]
struct Filing {
    csrf: Option<String>,
    election: Option<String>,
    values: FormValues,
    copy: Option<Result<Vec<u8>, ClaimError>>,
}

/// Reads the multipart form. A copy over the limit (or a body axum cut off) is
/// `CopyTooLarge`; other malformed bodies are `None` (a bad form).
async fn read_filing(mut multipart: Multipart) -> Option<Filing> {
    let mut f = Filing::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                f.copy = Some(Err(ClaimError::CopyTooLarge));
                break;
            }
            Err(_) => return None,
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "passport" {
            // What the file is comes from its bytes, not from its name or declared type.
            f.copy = Some(match field.bytes().await {
                Ok(b) => Ok(b.to_vec()),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    Err(ClaimError::CopyTooLarge)
                }
                Err(_) => return None,
            });
            continue;
        }
        let text = field.text().await.ok()?;
        let v = &mut f.values;
        match name.as_str() {
            "csrf" => f.csrf = Some(text),
            "election" => f.election = Some(text),
            "pin" => v.pin = text,
            "station" => v.station = text,
            "kind" => v.kind = text,
            "surname" => v.surname = text,
            "given_name" => v.given_name = text,
            "patronymic" => v.patronymic = text,
            "birth_date" => v.birth_date = text,
            "street" => v.street = text,
            "house" => v.house = text,
            "statement" => v.statement = text,
            _ => {}
        }
    }
    Some(f)
}

/// Parses the form into a claim and its copy, or names the first thing wrong (as a
/// translated message).
fn parse_filing(lang: Lang, f: &Filing) -> Result<(ClaimDraft, PassportCopy), String> {
    let v = &f.values;
    let msg = |e: ClaimError| lang.t(&format!("error-{}", e.code()));
    // The copy first: its refusal decides the status code (413, 415).
    let bytes = match &f.copy {
        None => return Err(msg(ClaimError::CopyMissing)),
        Some(Err(ClaimError::CopyTooLarge)) => return Err(msg(ClaimError::CopyTooLarge)),
        Some(Err(_)) => return Err(msg(ClaimError::CopyMissing)),
        Some(Ok(b)) => b.clone(),
    };
    let copy = PassportCopy::parse(bytes).map_err(msg)?;
    let pin = Pin::parse(v.pin.trim()).map_err(|_| lang.t("claims-error-bad-pin"))?;
    let station =
        station_number(Some(&v.station)).ok_or_else(|| lang.t("error-bad_station_number"))?;
    let request = match ClaimKind::parse(&v.kind) {
        Some(ClaimKind::Inclusion) => ClaimRequest::Inclusion,
        Some(ClaimKind::Correction) => {
            let birth_date = if v.birth_date.trim().is_empty() {
                None
            } else {
                Some(
                    v.birth_date
                        .trim()
                        .parse::<jiff::civil::Date>()
                        .map_err(|_| lang.t("error-bad_date"))?,
                )
            };
            ClaimRequest::Correction(
                DataCorrection::new(
                    Text::optional(&v.surname).map_err(msg)?,
                    Text::optional(&v.given_name).map_err(msg)?,
                    Text::optional(&v.patronymic).map_err(msg)?,
                    birth_date,
                    Text::optional(&v.street).map_err(msg)?,
                    Text::optional(&v.house).map_err(msg)?,
                )
                .map_err(msg)?,
            )
        }
        None => return Err(lang.t("error-bad_form")),
    };
    let statement = Text::optional(&v.statement).map_err(msg)?;
    Ok((
        ClaimDraft {
            pin,
            station,
            request,
            statement,
        },
        copy,
    ))
}

async fn file(State(state): State<AppState>, ctx: PageCtx, multipart: Multipart) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let Some(filing) = read_filing(multipart).await else {
        return Err(PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_form"));
    };
    check_csrf(lang, &staff, filing.csrf.as_deref())?;
    let election = election_of(&state, lang, filing.election.as_deref()).await?;
    let q = HashMap::new();
    let values = filing.values.clone();
    let (draft, copy) = match parse_filing(lang, &filing) {
        Ok(parsed) => parsed,
        Err(message) => {
            let status = match &filing.copy {
                Some(Err(ClaimError::CopyTooLarge)) => StatusCode::PAYLOAD_TOO_LARGE,
                Some(Ok(b)) if b.len() > MAX_COPY_BYTES => StatusCode::PAYLOAD_TOO_LARGE,
                Some(Ok(b)) if !b.is_empty() && CopyFormat::sniff(b).is_none() => {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return render_page(
                &state,
                ctx,
                &staff,
                &election.id,
                &q,
                status,
                None,
                Some(message),
                Some(values),
            )
            .await;
        }
    };
    let now = (state.clock)();
    match app::file(
        &*state.store,
        &staff.actor(),
        &election.id,
        draft,
        copy,
        now,
    )
    .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/claims?election={}&done=filed", election.id)).into_response(),
        ),
        Err(ClaimError::Forbidden) => Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden")),
        Err(e) => {
            if let ClaimError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = refusal(lang, &e);
            render_page(
                &state,
                ctx,
                &staff,
                &election.id,
                &q,
                status_of(&e),
                None,
                Some(m),
                Some(values),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct DecisionInput {
    csrf: Option<String>,
    election: Option<String>,
    decision: Option<String>,
    text: Option<String>,
}

async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Form(input): Form<DecisionInput>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    check_csrf(lang, &staff, input.csrf.as_deref())?;
    let id =
        ClaimId::parse(&id).map_err(|_| PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"))?;
    let election = election_of(&state, lang, input.election.as_deref()).await?;
    let q = HashMap::new();
    let decision = match ClaimDecision::parse(
        input.decision.as_deref().unwrap_or_default(),
        input.text.as_deref().unwrap_or_default(),
    ) {
        Ok(d) => d,
        Err(ClaimError::BadDecision) => {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_form",
            ));
        }
        Err(e) => {
            let m = refusal(lang, &e);
            return render_page(
                &state,
                ctx,
                &staff,
                &election.id,
                &q,
                status_of(&e),
                None,
                Some(m),
                None,
            )
            .await;
        }
    };
    let done = match decision {
        ClaimDecision::Accept { .. } => "accepted",
        ClaimDecision::Reject { .. } => "rejected",
    };
    let now = (state.clock)();
    match app::decide(
        &*state.store,
        &staff.actor(),
        &election.id,
        id,
        decision,
        now,
    )
    .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/claims?election={}&done={done}", election.id)).into_response(),
        ),
        Err(ClaimError::Forbidden) => Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden")),
        Err(ClaimError::UnknownClaim(_)) => {
            Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"))
        }
        Err(e) => {
            if let ClaimError::Store(s) = &e {
                crate::kit::fail::log(s);
            }
            let m = refusal(lang, &e);
            render_page(
                &state,
                ctx,
                &staff,
                &election.id,
                &q,
                status_of(&e),
                None,
                Some(m),
                None,
            )
            .await
        }
    }
}

/// The passport copy, for staff covering the claim's station only: an attachment, never
/// rendered inline, with its real type and `nosniff`.
async fn passport(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let id =
        ClaimId::parse(&id).map_err(|_| PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"))?;
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let copy = match app::passport_copy(&*state.store, &staff.actor(), &election.id, id).await {
        Ok(copy) => copy,
        Err(ClaimError::Forbidden) => {
            return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
        }
        Err(ClaimError::UnknownClaim(_)) => {
            return Err(PageFail::new(lang, StatusCode::NOT_FOUND, "not_found"));
        }
        Err(ClaimError::Store(e)) => return Err(PageFail::refused(lang, &e)),
        Err(e) => return Err(PageFail::new(lang, status_of(&e), e.code())),
    };
    let format = copy.format();
    let disposition = format!(
        "attachment; filename=\"claim-{id}-passport.{}\"",
        format.extension()
    );
    let mut res = copy.bytes().to_vec().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

struct AmendmentRow {
    claim: i64,
    field: String,
    before: String,
    after: String,
    by: String,
    note: String,
}

#[derive(Template)]
#[template(path = "claims_voter.html")]
struct VoterTemplate {
    ctx: PageCtx,
    election: String,
    pin: String,
    /// Where the voter stands, in words.
    placement: String,
    /// The corrected data the lists show, "field: value; …" (empty: none).
    corrected: String,
    claims: Vec<ClaimRow>,
    amendments: Vec<AmendmentRow>,
}

/// One voter: where they stand, their claims and the amendment history (for staff covering a
/// station the voter is listed or has claimed at).
async fn voter(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let pin = q
        .get("pin")
        .and_then(|p| Pin::parse(p.trim()).ok())
        .ok_or_else(|| PageFail::new(lang, StatusCode::BAD_REQUEST, "bad_parameter"))?;
    let actor = staff.actor();
    let amendments = match app::amendments_of_voter(&*state.store, &actor, &election.id, &pin).await
    {
        Ok(a) => a,
        Err(ClaimError::Forbidden) => {
            return Err(PageFail::new(lang, StatusCode::FORBIDDEN, "forbidden"));
        }
        Err(ClaimError::Store(e)) => return Err(PageFail::refused(lang, &e)),
        Err(e) => return Err(PageFail::new(lang, status_of(&e), e.code())),
    };
    let claims = app::claims_of_voter(&*state.store, &election.id, &pin)
        .await
        .map_err(|e| PageFail::new(lang, status_of(&e), e.code()))?;
    let status = state
        .store
        .voter_status(&election.id, &pin)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let placement = match status.as_ref().map(|s| &s.placement) {
        None => lang.t("claims-voter-not-in-register"),
        Some(Placement::OnList { station, .. }) => {
            lang.t_args("claims-voter-on-list", &[("station", station.to_string())])
        }
        Some(Placement::NotOnList { reasons, .. }) => {
            let why = reasons
                .into_iter()
                .map(|r| r.code().to_owned())
                .collect::<Vec<_>>()
                .join(", ");
            lang.t_args("claims-voter-not-on-list", &[("reasons", why)])
        }
        Some(Placement::NotCompiled) => lang.t("claims-voter-not-compiled"),
    };
    let corrected = state
        .store
        .correction_of(&election.id, &pin)
        .await
        .map_err(|e| PageFail::refused(lang, &e))?
        .map(|c| {
            c.data
                .values()
                .iter()
                .map(|(f, v)| format!("{}: {v}", lang.t(&format!("claims-field-{}", f.as_str()))))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let t = VoterTemplate {
        election: election.id.to_string(),
        pin: pin.as_str().to_owned(),
        placement,
        corrected,
        claims: claims.iter().map(|c| claim_row(lang, c)).collect(),
        amendments: amendments
            .iter()
            .map(|a| AmendmentRow {
                claim: a.claim.get(),
                field: lang.t(&format!("claims-field-{}", a.field.as_str())),
                before: a.before.clone().unwrap_or_else(|| "—".into()),
                after: a.after.clone(),
                by: format!("{} · {}", fmt_instant(a.at), a.by),
                note: a.note.clone().unwrap_or_default(),
            })
            .collect(),
        ctx,
    };
    render(&t, StatusCode::OK)
}

pub(crate) fn feature() -> crate::features::Feature {
    crate::features::Feature {
        name: "claims",
        pages: routes(),
        api: utoipa_axum::router::OpenApiRouter::new(),
    }
}
