//! `GET /api/v1/elections/{election}/complaints`: the public registry (CMP-05) as JSON, with
//! the filters of the page (`commission`, `level`, `subject`, `status`, `station`, `q`), each
//! complaint with its history, clock and decisions, never the complainant's name or contact.
//! Each parameter's documented pattern is exactly what [`filters`] accepts.

use crate::AppState;
use crate::complaints::registry::matches;
use crate::kit::api::{ApiResult, id};
use crate::kit::forms::non_empty;
use crate::kit::input::{Json, Query};
use crate::kit::{ApiError, ApiLang, ErrorBody, Lang, OrRefused};
use axum::extract::{Path, State};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use shailoo_app::complaints::{
    self as app, ComplaintFilter, ComplaintStatus, Forum, PublicComplaint, PublicStep,
};
use shailoo_domain::complaint::{Level, Subject};
use shailoo_domain::{CommissionId, ElectionId, ErrorCode, StationNumber};
use utoipa::{IntoParams, ToSchema};

/// A decision of a commission, or the court's act.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    /// `upheld`, `partly_upheld`, `rejected` or `not_considered`.
    pub outcome: String,
    pub number: String,
    pub reasons: String,
    pub decided_at: String,
    /// Decided after the decision due (CMP-06).
    pub late: bool,
    /// BLAKE3 of the document, hex.
    pub document_digest: String,
    /// Where the document is downloaded.
    pub document_url: String,
}

/// One step: the complaint itself (1) or an appeal.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    pub seq: u32,
    /// `pec`, `tec`, `cec` or `court`.
    pub level: String,
    /// The commission hearing it; absent before the court.
    pub commission: Option<String>,
    /// The court's name, before the court.
    pub court: Option<String>,
    pub grounds: Option<String>,
    pub filed_at: String,
    /// Until when it could be filed (CMP-06); absent for an inaction and before the court.
    pub filing_deadline: Option<String>,
    /// When the commission must decide it; absent before the court.
    pub decision_due: Option<String>,
    /// Due at once (on and just after voting day).
    pub immediate: bool,
    /// Whether the filer handed in a document with the step (it is not public: it may hold
    /// personal data).
    pub attachment: bool,
    pub decision: Option<DecisionDto>,
}

/// A complaint of the public registry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDto {
    pub id: i64,
    /// `decision`, `action` or `inaction`.
    pub subject: String,
    /// The day of the act complained of.
    pub act_on: Option<String>,
    pub station: Option<u32>,
    pub nomination: Option<i64>,
    pub claim: Option<i64>,
    /// Only the kind of complainant: `voter`, `candidate`, `party` or `observer`.
    pub complainant: String,
    /// `online` or `paper`.
    pub channel: String,
    pub summary: String,
    /// `filed`, `assigned`, `decided`, `in_court` or `closed`.
    pub status: String,
    /// The level hearing it now (or last).
    pub level: String,
    /// Undecided past its decision due, at the time of the answer.
    pub overdue: bool,
    pub steps: Vec<StepDto>,
}

fn step_dto(election: &str, id: i64, s: &PublicStep) -> StepDto {
    let (commission, court) = match &s.forum {
        Forum::Commission(c) => (Some(c.to_string()), None),
        Forum::Court(name) => (None, Some(name.to_string())),
    };
    StepDto {
        seq: s.seq,
        level: s.level.code().to_owned(),
        commission,
        court,
        grounds: s.grounds.as_ref().map(ToString::to_string),
        filed_at: s.filed_at.to_string(),
        filing_deadline: s
            .clock
            .and_then(|k| k.filing_deadline)
            .map(|t| t.to_string()),
        decision_due: s.clock.map(|k| k.decision_due.instant().to_string()),
        immediate: s.clock.is_some_and(|k| k.decision_due.is_immediate()),
        attachment: s.attachment,
        decision: s.decision.as_ref().map(|d| DecisionDto {
            outcome: d.outcome.code().to_owned(),
            number: d.number.to_string(),
            reasons: d.reasons.to_string(),
            decided_at: d.decided_at.to_string(),
            late: s
                .clock
                .is_some_and(|k| d.decided_at >= k.decision_due.instant()),
            document_digest: d.document.digest.clone(),
            document_url: format!(
                "/registry/complaints/{election}/{id}/documents/{}",
                d.document.digest
            ),
        }),
    }
}

impl ComplaintDto {
    pub(crate) fn new(c: &PublicComplaint, now: Timestamp) -> ComplaintDto {
        let id = c.id.get();
        let election = c.election.as_str();
        let current = c.steps.last();
        ComplaintDto {
            id,
            subject: c.subject.code().to_owned(),
            act_on: c.act_on.map(|d| d.to_string()),
            station: c.about.station.map(StationNumber::get),
            nomination: c.about.nomination.map(|n| n.get()),
            claim: c.about.claim.map(|k| k.get()),
            complainant: c.complainant.code().to_owned(),
            channel: c.channel.code().to_owned(),
            summary: c.summary.to_string(),
            status: c.status.code().to_owned(),
            level: current
                .map(|s| s.level.code())
                .unwrap_or_default()
                .to_owned(),
            overdue: current.is_some_and(|s| {
                s.decision.is_none() && s.clock.is_some_and(|k| k.is_overdue(now))
            }),
            steps: c.steps.iter().map(|s| step_dto(election, id, s)).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintQuery {
    /// The commission hearing the complaint now.
    #[param(pattern = "^([a-z0-9.-]{1,64})?$")]
    pub commission: Option<String>,
    /// The level hearing it now.
    #[param(value_type = Option<String>, pattern = "^(pec|tec|cec|court)?$")]
    pub level: Option<String>,
    #[param(value_type = Option<String>, pattern = "^(decision|action|inaction)?$")]
    pub subject: Option<String>,
    #[param(value_type = Option<String>, pattern = "^(filed|assigned|decided|in_court|closed)?$")]
    pub status: Option<String>,
    /// A polling station the complaint names, 1 to 99999.
    #[param(value_type = Option<String>, pattern = "^([1-9][0-9]{0,4})?$")]
    pub station: Option<String>,
    /// The complaint's number, or words of its summary (any case).
    pub q: Option<String>,
    /// `ky`, `ru` or `en`: the language of error messages.
    #[allow(
        dead_code,
        reason = "documented for OpenAPI; ApiLang reads it from the raw query"
    )]
    pub lang: Option<String>,
}

fn code<T>(
    lang: Lang,
    s: Option<&str>,
    field: &'static str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    match s {
        None | Some("") => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or_else(|| ApiError::bad(lang, ErrorCode::BadParameter, field)),
    }
}

/// A station number exactly as documented: 1 to 5 digits, no leading zero.
fn station(s: &str) -> Option<StationNumber> {
    let digits = !s.is_empty() && s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits || s.starts_with('0') {
        return None;
    }
    s.parse::<u32>()
        .ok()
        .and_then(|n| StationNumber::new(n).ok())
}

/// The query's filters, each checked: 400 naming the malformed one.
fn filters(lang: Lang, q: &ComplaintQuery) -> Result<ComplaintFilter, ApiError> {
    Ok(ComplaintFilter {
        commission: id(
            lang,
            q.commission.clone(),
            "commission",
            CommissionId::parse,
        )?,
        level: code(lang, q.level.as_deref(), "level", Level::from_code)?,
        subject: code(lang, q.subject.as_deref(), "subject", Subject::from_code)?,
        status: code(
            lang,
            q.status.as_deref(),
            "status",
            ComplaintStatus::from_code,
        )?,
        station: code(lang, q.station.as_deref(), "station", station)?,
        within: None,
    })
}

/// The election named in the path, or 400 / 404.
pub(crate) async fn election_exists(
    state: &AppState,
    lang: Lang,
    id: &str,
) -> Result<ElectionId, ApiError> {
    let id =
        ElectionId::parse(id).map_err(|_| ApiError::bad(lang, ErrorCode::BadId, "election"))?;
    state
        .store
        .election(&id)
        .await
        .or_api(lang)?
        .ok_or_else(|| ApiError::not_found(lang))?;
    Ok(id)
}

/// The complaints of an election, newest first (at most 500), with their history.
#[utoipa::path(get, path = "/api/v1/elections/{election}/complaints", tag = "complaints",
    params(("election" = String, Path, pattern = "^[a-z0-9.-]{1,64}$", description = "Election id, e.g. `local-2024`"), ComplaintQuery),
    responses(
        (status = 200, description = "The complaints, newest first", body = Vec<ComplaintDto>),
        (status = 400, description = "A malformed parameter, named in `field`", body = ErrorBody),
        (status = 404, description = "No such election", body = ErrorBody),
    ))]
pub(super) async fn api_complaints(
    State(state): State<AppState>,
    ApiLang(lang): ApiLang,
    Path(election): Path<String>,
    Query(q): Query<ComplaintQuery>,
) -> ApiResult<Vec<ComplaintDto>> {
    let election = election_exists(&state, lang, &election).await?;
    let filter = filters(lang, &q)?;
    let search = non_empty(q.q.as_deref());
    let found = app::public_complaints(state.store.as_ref(), &election, &filter)
        .await
        .or_api(lang)?;
    let now = state.now();
    Ok(Json(
        found
            .iter()
            .filter(|c| matches(c, search.as_deref()))
            .map(|c| ComplaintDto::new(c, now))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_station_is_accepted_exactly_as_documented() {
        for ok in ["1", "1001", "99999"] {
            assert!(station(ok).is_some(), "{ok}");
        }
        for bad in ["0", "01", "100000", " 1", "1a", "+1", ""] {
            assert!(station(bad).is_none(), "{bad:?}");
        }
    }
}
