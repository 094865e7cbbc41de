//! The TEC's side of the results (RES-04…RES-11): `/protocols/councils` lists the councils of
//! the member's TEC; `/protocols/{election}/councils/{council}` shows each protocol of one
//! council where it stands, with the two entries' differences field by field (keep one, or
//! order a re-entry), the figures and control checks of an entered one (accept, commenting on
//! any warning; or return with a reason), a correction of an accepted one (a new version with
//! a reason), and the council's result as it stands: determined once every protocol is
//! accepted, with the allocation's explanation, a drawing of lots when RES-08 asks for one,
//! and a determination after CAL-17 (possible only when the CEC moved the deadline) marked late.

use super::views::{
    self, Figure, ballot_of, contest_label, field_label, figures, findings, stage_label,
};
use crate::AppState;
use crate::kit::format::{fmt_instant, name};
use crate::kit::forms::{election_of, non_empty, station_number};
use crate::kit::input::{Form, Query};
use crate::kit::page::Feedback;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::results::{
    self, CouncilContext, CouncilResult, OptionResult, ProtocolRecord, ResultsError, contest_key,
};
use shailoo_app::{Actor, Store};
use shailoo_apportionment::Lots;
use shailoo_domain::calendar::Action;
use shailoo_domain::protocol::Contest;
use shailoo_domain::results::{Resolution, Stage};
use shailoo_domain::{CouncilId, ErrorCode};
use std::collections::{BTreeMap, BTreeSet, HashMap};

struct CouncilLink {
    href: String,
    name: String,
    accepted: usize,
    determined: Option<String>,
}

#[derive(Template)]
#[template(path = "results/templates/councils.html")]
struct ListTemplate {
    ctx: PageCtx,
    councils: Vec<CouncilLink>,
}

/// `GET /protocols/councils?election=`: the councils of the member's TEC.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let stations = match authz::listing_scope(&actor, Power::DecideProtocol) {
        Ok(Some(commission)) => crate::setup::stations_covered(&state, &commission)
            .await
            .or_page(lang)?,
        Ok(None) | Err(_) => Vec::new(),
    };
    let ids: BTreeSet<CouncilId> = stations.into_iter().map(|s| s.council).collect();
    let store = state.store.as_ref();
    let mut councils = Vec::new();
    for id in ids {
        let Some(council) = store.council(&id).await.or_page(lang)? else {
            continue;
        };
        let protocols = store
            .council_protocols(&election.id, &id)
            .await
            .or_page(lang)?;
        let accepted = protocols
            .iter()
            .filter(|r| r.history.counted().is_some())
            .count();
        let determined = store
            .determination(&election.id, &id)
            .await
            .or_page(lang)?
            .map(|d| status_label(lang, d.result.status.as_str()));
        councils.push(CouncilLink {
            href: format!("/protocols/{}/councils/{id}", election.id),
            name: name(&council.name, lang),
            accepted,
            determined,
        });
    }
    Ok(render(StatusCode::OK, &ListTemplate { ctx, councils }))
}

fn status_label(lang: Lang, status: &str) -> String {
    lang.t(&format!("protocols-status-{}", status.replace('_', "-")))
}

struct DiffRow {
    label: String,
    first: String,
    second: String,
}

/// One protocol of the council, as the TEC sees it.
struct ProtocolRow {
    id: String,
    station: u32,
    contest: String,
    contest_label: String,
    stage_code: &'static str,
    stage: String,
    version: u32,
    reason: Option<String>,
    returned: Option<String>,
    operators: String,
    differences: Vec<DiffRow>,
    figures: Vec<Figure>,
    findings: Vec<(bool, String)>,
    warnings: bool,
    comment: Option<String>,
    action: String,
    may_decide: bool,
}

struct OptionRow {
    name: String,
    votes: u64,
    seats: String,
}

struct ContestResult {
    label: String,
    status: String,
    took_part: u64,
    options: Vec<OptionRow>,
}

struct TieRow {
    index: usize,
    tied: String,
    seats: u64,
    choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "results/templates/council.html")]
struct CouncilTemplate {
    ctx: PageCtx,
    council_name: String,
    action: String,
    accepted: u64,
    expected: u64,
    rows: Vec<ProtocolRow>,
    status_code: &'static str,
    status: String,
    contests: Vec<ContestResult>,
    explanation: String,
    ties: Vec<TieRow>,
    determined: Option<String>,
    late: bool,
    deadline: Option<String>,
    may_determine: bool,
    notice: Option<String>,
    message: Option<String>,
}

/// A council's context for a member who holds `power` over its TEC (403 before anything of
/// the council is read otherwise).
async fn council_for(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    (election, council): (&str, &str),
    power: Power,
) -> Result<CouncilContext, PageFail> {
    let election = election_of(state, lang, Some(election)).await?.id;
    let council = CouncilId::parse(council).map_err(|_| PageFail::not_found(lang))?;
    let store = state.store.as_ref();
    let chain = shailoo_app::setup::council_chain(store, &council)
        .await
        .or_page(lang)?;
    if chain.is_empty() {
        return Err(PageFail::not_found(lang));
    }
    views::require(lang, actor, power, &chain)?;
    results::council_context(store, &election, &council, state.now())
        .await
        .map_err(|e| PageFail::refused(lang, &e))
}

/// `GET /protocols/{election}/councils/{council}?done=`.
pub(super) async fn council(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, council)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let cctx = council_for(
        &state,
        lang,
        &actor,
        (&election, &council),
        Power::DecideProtocol,
    )
    .await?;
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("protocols-done-{d}")));
    council_page(&state, ctx, &cctx, Feedback::ok(notice)).await
}

async fn council_page(
    state: &AppState,
    ctx: PageCtx,
    cctx: &CouncilContext,
    feedback: Feedback,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let store = state.store.as_ref();
    let rows = protocol_rows(store, lang, &actor, cctx).await?;
    let determination = store
        .determination(&cctx.election, &cctx.facts.council.id)
        .await
        .or_page(lang)?;
    let lots = determination
        .as_ref()
        .map(|d| d.lots.clone())
        .unwrap_or_default();
    let result = results::council_result(store, cctx, &lots, lang.code())
        .await
        .map_err(|e| PageFail::refused(lang, &e))?;
    let deadline = cctx
        .calendar
        .window(Action::DetermineResults)
        .1
        .map(fmt_instant);
    let t = CouncilTemplate {
        council_name: name(&cctx.facts.council.name, lang),
        action: format!(
            "/protocols/{}/councils/{}/determination",
            cctx.election, cctx.facts.council.id
        ),
        accepted: result.protocols_accepted,
        expected: result.protocols_expected,
        rows,
        status_code: result.status.as_str(),
        status: status_label(lang, result.status.as_str()),
        contests: contest_results(lang, &result),
        explanation: if result.steps.is_empty() {
            result.explanation.join("\n")
        } else {
            super::explain::explain(lang, &result.steps).join("\n")
        },
        ties: ties(&result),
        determined: determination
            .as_ref()
            .map(|d| format!("{} · {}", d.by, fmt_instant(d.at))),
        late: determination.as_ref().is_some_and(|d| d.late),
        deadline,
        may_determine: authz::allowed(
            &actor,
            Power::DetermineResults,
            Target::Within(&cctx.tec_chain),
        ),
        notice: feedback.notice,
        message: feedback.message,
        ctx,
    };
    Ok(render(feedback.status, &t))
}

/// Every expected protocol and every other stored one (a remote station's), by station and
/// contest.
async fn protocol_rows(
    store: &dyn Store,
    lang: Lang,
    actor: &Actor,
    cctx: &CouncilContext,
) -> Result<Vec<ProtocolRow>, PageFail> {
    let stored: BTreeMap<(u32, String), ProtocolRecord> = store
        .council_protocols(&cctx.election, &cctx.facts.council.id)
        .await
        .or_page(lang)?
        .into_iter()
        .map(|r| ((r.key.station.get(), contest_key(&r.key.contest)), r))
        .collect();
    let mut keys: BTreeMap<(u32, String), Contest> = cctx
        .facts
        .expected
        .iter()
        .map(|(s, c)| ((s.get(), contest_key(c)), c.clone()))
        .collect();
    for r in stored.values() {
        keys.entry((r.key.station.get(), contest_key(&r.key.contest)))
            .or_insert_with(|| r.key.contest.clone());
    }
    let mut rows = Vec::with_capacity(keys.len());
    for ((station, key), contest) in keys {
        // A remote station's PEC is not in the council's chains: the use case asks about it.
        let chain = shailoo_domain::StationNumber::new(station)
            .ok()
            .and_then(|n| cctx.station_chains.get(&n));
        let may_decide =
            chain.is_none_or(|c| authz::allowed(actor, Power::DecideProtocol, Target::Within(c)));
        let record = stored.get(&(station, key.clone()));
        rows.push(protocol_row(
            lang, cctx, station, &contest, record, may_decide,
        ));
    }
    Ok(rows)
}

fn protocol_row(
    lang: Lang,
    cctx: &CouncilContext,
    station: u32,
    contest: &Contest,
    record: Option<&ProtocolRecord>,
    may_decide: bool,
) -> ProtocolRow {
    let ballot = ballot_of(cctx, contest);
    let awaiting = Stage::AwaitingEntry { returned: None };
    let version = record.map(|r| r.history.current());
    let stage = version.map_or(&awaiting, |v| &v.stage);
    let key = contest_key(contest);
    let mut row = ProtocolRow {
        id: format!("{station}-{}", key.replace('/', "-")),
        station,
        contest_label: contest_label(lang, contest),
        contest: key,
        stage_code: stage.as_str(),
        stage: stage_label(lang, stage),
        version: version.map_or(1, |v| v.number),
        reason: version.and_then(|v| v.reason.clone()),
        returned: None,
        operators: String::new(),
        differences: Vec::new(),
        figures: Vec::new(),
        findings: Vec::new(),
        warnings: false,
        comment: None,
        action: format!(
            "/protocols/{}/stations/{station}/{}/decision",
            cctx.election, cctx.facts.council.id
        ),
        may_decide,
    };
    fill_stage(lang, ballot, stage, &mut row);
    row
}

/// What a stage shows of a protocol: who entered it, the differences, figures and checks.
fn fill_stage(
    lang: Lang,
    ballot: Option<&shailoo_domain::candidate::ballot::Ballot>,
    stage: &Stage,
    row: &mut ProtocolRow,
) {
    let number = |n: Option<u64>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    match stage {
        Stage::AwaitingEntry { returned } => row.returned.clone_from(returned),
        Stage::FirstEntered { first } => row.operators.clone_from(&first.operator),
        Stage::Differs {
            first,
            second,
            differences,
        } => {
            row.operators = format!("{}, {}", first.operator, second.operator);
            row.differences = differences
                .iter()
                .map(|d| DiffRow {
                    label: field_label(lang, ballot, &d.field),
                    first: number(d.first),
                    second: number(d.second),
                })
                .collect();
        }
        Stage::Entered {
            protocol,
            checks,
            operators,
        } => {
            row.operators = operators.join(", ");
            row.figures = figures(lang, ballot, protocol);
            row.findings = findings(lang, checks);
            row.warnings = !checks.warnings.is_empty();
        }
        Stage::Accepted {
            protocol,
            checks,
            comment,
            by,
            operators,
        } => {
            row.operators = format!("{} · {}", operators.join(", "), by);
            row.figures = figures(lang, ballot, protocol);
            row.findings = findings(lang, checks);
            row.comment.clone_from(comment);
        }
    }
}

fn option_rows(options: &[OptionResult]) -> Vec<OptionRow> {
    options
        .iter()
        .map(|o| OptionRow {
            name: o.name.clone(),
            votes: o.votes,
            seats: o.seats.map_or_else(|| "—".to_owned(), |s| s.to_string()),
        })
        .collect()
}

fn contest_results(lang: Lang, r: &CouncilResult) -> Vec<ContestResult> {
    if r.districts.is_empty() {
        return vec![ContestResult {
            label: contest_label(lang, &Contest::PartyList),
            status: status_label(lang, r.status.as_str()),
            took_part: r.took_part,
            options: option_rows(&r.options),
        }];
    }
    r.districts
        .iter()
        .map(|d| ContestResult {
            label: contest_label(
                lang,
                &Contest::District {
                    district: d.district.clone(),
                },
            ),
            status: status_label(lang, d.status.as_str()),
            took_part: d.took_part,
            options: option_rows(&d.options),
        })
        .collect()
}

/// The ties the commission draws lots for (RES-08), each with its candidates to pick from.
fn ties(r: &CouncilResult) -> Vec<TieRow> {
    let names: HashMap<&str, &str> = r
        .options
        .iter()
        .chain(r.districts.iter().flat_map(|d| d.options.iter()))
        .map(|o| (o.id.as_str(), o.name.as_str()))
        .collect();
    r.lots_required
        .iter()
        .enumerate()
        .map(|(index, l)| TieRow {
            index,
            tied: l.tied.join(","),
            seats: l.seats_in_question,
            choices: l
                .tied
                .iter()
                .map(|id| {
                    let label = names.get(id.as_str()).copied().unwrap_or(id).to_owned();
                    (id.clone(), label)
                })
                .collect(),
        })
        .collect()
}

/// `POST /protocols/{election}/stations/{station}/{council}/decision`: keep one entry, order a
/// re-entry, accept, return or correct.
pub(super) async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, station, council)): Path<(String, String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let field = |k: &str| input.get(k).map(String::as_str);
    let actor = ctx.require_staff_csrf(field("csrf"))?.actor();
    let station = station_number(Some(&station)).ok_or_else(|| PageFail::not_found(lang))?;
    let chain = views::station_chain(state.store.as_ref(), lang, station).await?;
    views::require(lang, &actor, Power::DecideProtocol, &chain)?;
    let election_id = election_of(&state, lang, Some(&election)).await?.id;
    let council_id = CouncilId::parse(&council).map_err(|_| PageFail::not_found(lang))?;
    let cctx =
        results::council_context(state.store.as_ref(), &election_id, &council_id, state.now())
            .await
            .map_err(|e| PageFail::refused(lang, &e))?;
    let contest = views::contest_of(field("contest")).ok_or_else(|| PageFail::bad_form(lang))?;
    let key = views::key(&election_id, &council_id, station, contest);
    let (store, now) = (state.store.as_ref(), state.now());
    let text = |k: &str| non_empty(field(k)).unwrap_or_default();
    let action = field("action").unwrap_or_default();
    let done = match action {
        "keep_first" | "keep_second" | "re_enter" => {
            let resolution = match action {
                "keep_first" => Resolution::KeepFirst,
                "keep_second" => Resolution::KeepSecond,
                _ => Resolution::ReEnter,
            };
            results::resolve(store, &cctx, &actor, &key, resolution, now).await
        }
        "accept" => {
            let comment = non_empty(field("comment"));
            results::accept(store, &cctx, &actor, &key, comment, now).await
        }
        "return" => results::return_protocol(store, &cctx, &actor, &key, text("reason"), now).await,
        "correct" => results::correct(store, &cctx, &actor, &key, text("reason"), now).await,
        _ => {
            return Err(PageFail::new(
                lang,
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BadForm,
            ));
        }
    };
    match done {
        Ok(_) => Ok(back(
            &cctx,
            action,
            &format!("{station}-{}", contest_key(&key.contest).replace('/', "-")),
        )),
        Err(e @ ResultsError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => council_page(&state, ctx, &cctx, Feedback::of(lang, &e)).await,
    }
}

fn back(cctx: &CouncilContext, done: &str, anchor: &str) -> Response {
    let to = format!(
        "/protocols/{}/councils/{}?done={done}#protocol-{anchor}",
        cctx.election, cctx.facts.council.id
    );
    Redirect::to(&to).into_response()
}

/// `POST /protocols/{election}/councils/{council}/determination`: determines the council's
/// result, with the drawings of lots the form records (`lots.<i>.tied`, `lots.<i>.win.<id>`).
pub(super) async fn determine(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path((election, council)): Path<(String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .actor();
    let cctx = council_for(
        &state,
        lang,
        &actor,
        (&election, &council),
        Power::DetermineResults,
    )
    .await?;
    let lots = lots_of(&input);
    match results::determine(state.store.as_ref(), &cctx, &actor, lots, state.now()).await {
        Ok(_) => Ok(back(&cctx, "determined", "result")),
        Err(e @ ResultsError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => council_page(&state, ctx, &cctx, Feedback::of(lang, &e)).await,
    }
}

/// The drawings of lots recorded in the form: each tie's ids and the winners ticked.
fn lots_of(input: &HashMap<String, String>) -> Vec<Lots> {
    (0..)
        .map_while(|i| input.get(&format!("lots.{i}.tied")).map(|t| (i, t)))
        .map(|(i, tied)| {
            let tied: Vec<String> = tied
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            let winners = tied
                .iter()
                .filter(|id| input.contains_key(&format!("lots.{i}.win.{id}")))
                .cloned()
                .collect();
            Lots { tied, winners }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn res_08_the_drawing_is_read_from_the_ticked_boxes() {
        let input: HashMap<String, String> = [
            ("lots.0.tied", "a,b,c"),
            ("lots.0.win.b", "on"),
            ("lots.1.tied", "x,y"),
            ("lots.1.win.y", "on"),
            ("lots.3.tied", "p,q"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let lots = lots_of(&input);
        assert_eq!(lots.len(), 2, "numbering stops at the first gap");
        assert_eq!(lots[0].winners, ["b"]);
        assert_eq!(lots[1].tied, ["x", "y"]);
        assert_eq!(lots[1].winners, ["y"]);
    }
}
