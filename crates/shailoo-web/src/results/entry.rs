//! The PEC's protocol entry (RES-04, CAL-16): `/protocols` lists the stations the member's PEC
//! covers with each contest they hold and where its protocol stands; the form
//! `/protocols/{election}/stations/{station}/{council}?contest=` takes one operator's entry of
//! the RES-04 lines and the votes of every option of the contest's fixed ballot.
//!
//! Nothing is stored from a bad form: a field that is not a whole number of 0 or more is named
//! beside it; the RES-05 control checks run before the entry is sent, and an error refuses it
//! naming the lines it concerns (the paper protocol is wrong: the PEC corrects it first); a
//! warning is shown and the operator confirms that the paper says so (the TEC comments on it
//! when it accepts). The double entry itself (a second, different operator; equal entries
//! proceed) is the domain's.
//!
//! Once a protocol is entered, the form offers to attach the scan or photo of the signed paper
//! (`POST …/scan`, multipart, at most [`SCAN_BODY_LIMIT`]): a JPEG, PNG or PDF recognised by
//! its bytes, linked to the protocol's current version (i15-scan-map).

use super::views::{
    self, TYPED_LINES, ballot_of, contest_label, findings, line_field, option_field, option_label,
    stage_label,
};
use crate::AppState;
use crate::kit::format::name;
use crate::kit::forms::{FileTooLarge, MultipartForm, check_csrf, election_of};
use crate::kit::input::{Form, Multipart, Query};
use crate::kit::page::Feedback;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shailoo_app::Actor;
use shailoo_app::authz::{self, Power};
use shailoo_app::results::scan::{self, AttachedScan, MAX_SCAN_BYTES, ProtocolScan};
use shailoo_app::results::{self, CouncilContext, ProtocolRecord, ResultsError, contest_key};
use shailoo_domain::candidate::ballot::Ballot;
use shailoo_domain::protocol::{self, CheckResult, Contest, Line, OptionVotes, Protocol};
use shailoo_domain::results::Stage;
use shailoo_domain::{CouncilId, ElectionId, StationNumber};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The body of the scan's form: the file and the text fields, with room for framing.
pub(super) const SCAN_BODY_LIMIT: usize = MAX_SCAN_BYTES + 64 * 1024;

/// One contest of a station in the list.
struct ContestRow {
    station: u32,
    council: String,
    council_name: String,
    contest: String,
    contest_label: String,
    stage: String,
    href: String,
}

#[derive(Template)]
#[template(path = "results/templates/entry_list.html")]
struct ListTemplate {
    ctx: PageCtx,
    rows: Vec<ContestRow>,
    /// Councils whose contests cannot be listed yet, with why.
    unavailable: Vec<String>,
}

/// `GET /protocols?election=`: the member's stations and their contests.
pub(super) async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let election = election_of(&state, lang, q.get("election").map(String::as_str)).await?;
    let stations = match authz::listing_scope(&actor, Power::EnterProtocol) {
        Ok(Some(commission)) => crate::setup::stations_covered(&state, &commission)
            .await
            .or_page(lang)?,
        Ok(None) | Err(_) => Vec::new(),
    };
    let mut by_council: BTreeMap<CouncilId, HashSet<StationNumber>> = BTreeMap::new();
    for s in stations.iter().filter(|s| !s.remote_voting) {
        by_council
            .entry(s.council.clone())
            .or_default()
            .insert(s.number);
    }
    let (mut rows, mut unavailable) = (Vec::new(), Vec::new());
    for (council, held) in by_council {
        match council_rows(&state, lang, &election.id, &council, &held).await? {
            Ok(more) => rows.extend(more),
            Err(why) => unavailable.push(format!("{council}: {why}")),
        }
    }
    for s in stations.iter().filter(|s| s.remote_voting) {
        let (more, why) = remote_rows(&state, lang, &election.id, s.number).await?;
        rows.extend(more);
        unavailable.extend(why);
    }
    rows.sort_by_key(|r| (r.station, r.council.clone(), r.contest.clone()));
    let t = ListTemplate {
        rows,
        unavailable,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The contests of one council held by `held` stations, where each protocol stands; or why
/// the council's contests cannot be entered yet (its ballot is not fixed…).
async fn council_rows(
    state: &AppState,
    lang: Lang,
    election: &ElectionId,
    council: &CouncilId,
    held: &HashSet<StationNumber>,
) -> Result<Result<Vec<ContestRow>, String>, PageFail> {
    let store = state.store.as_ref();
    let cctx = match results::council_context(store, election, council, state.now()).await {
        Ok(c) => c,
        Err(e @ (ResultsError::Store(_) | ResultsError::Forbidden)) => {
            return Err(PageFail::refused(lang, &e));
        }
        Err(e) => return Ok(Err(crate::kit::Refusal::message(&e, lang))),
    };
    let council_name = name(&cctx.facts.council.name, lang);
    let mut rows = Vec::new();
    for (station, contest) in cctx.facts.expected.iter().filter(|(s, _)| held.contains(s)) {
        let key = views::key(election, council, *station, contest.clone());
        let stage = store.protocol(&key).await.or_page(lang)?.map_or_else(
            || stage_label(lang, &Stage::AwaitingEntry { returned: None }),
            |r| stage_label(lang, &r.history.current().stage),
        );
        rows.push(ContestRow {
            station: station.get(),
            council: council.to_string(),
            council_name: council_name.clone(),
            contest: contest_key(contest),
            contest_label: contest_label(lang, contest),
            stage,
            href: entry_href(election, *station, council, contest),
        });
    }
    Ok(Ok(rows))
}

/// The contests a remote-voting station (VOT-07) holds: those of its voters' home stations,
/// each voter voting there for their own council; or why some cannot be listed.
async fn remote_rows(
    state: &AppState,
    lang: Lang,
    election: &ElectionId,
    remote: StationNumber,
) -> Result<(Vec<ContestRow>, Vec<String>), PageFail> {
    let store = state.store.as_ref();
    let homes: BTreeSet<StationNumber> = store
        .station_voters(election, remote)
        .await
        .or_page(lang)?
        .into_iter()
        .map(|v| v.home_station)
        .collect();
    let mut by_council: BTreeMap<CouncilId, HashSet<StationNumber>> = BTreeMap::new();
    for home in homes {
        if let Some(found) = store.station(home).await.or_page(lang)? {
            by_council.entry(found.council).or_default().insert(home);
        }
    }
    if by_council.is_empty() {
        let why = lang.t_args("protocols-remote-empty", &[("station", remote.to_string())]);
        return Ok((Vec::new(), vec![why]));
    }
    let (mut rows, mut unavailable) = (Vec::new(), Vec::new());
    for (council, homes) in by_council {
        match council_rows(state, lang, election, &council, &homes).await? {
            Ok(home_rows) => {
                let mut seen = HashSet::new();
                for row in home_rows {
                    let Some(contest) = views::contest_of(Some(&row.contest)) else {
                        continue;
                    };
                    if !seen.insert(row.contest.clone()) {
                        continue;
                    }
                    let key = views::key(election, &council, remote, contest.clone());
                    let stage = store.protocol(&key).await.or_page(lang)?.map_or_else(
                        || stage_label(lang, &Stage::AwaitingEntry { returned: None }),
                        |r| stage_label(lang, &r.history.current().stage),
                    );
                    rows.push(ContestRow {
                        station: remote.get(),
                        href: entry_href(election, remote, &council, &contest),
                        stage,
                        ..row
                    });
                }
            }
            Err(why) => unavailable.push(format!("{council}: {why}")),
        }
    }
    Ok((rows, unavailable))
}

/// The entry form's address.
pub(super) fn entry_href(
    election: &ElectionId,
    station: StationNumber,
    council: &CouncilId,
    contest: &Contest,
) -> String {
    format!(
        "/protocols/{election}/stations/{station}/{council}?contest={}",
        contest_key(contest)
    )
}

/// One input of the form, with what was typed and what is wrong with it.
struct InputRow {
    field: String,
    label: String,
    value: String,
    error: Option<String>,
    /// A control check's finding concerns this line.
    flagged: bool,
}

#[derive(Template)]
#[template(path = "results/templates/entry_form.html")]
struct FormTemplate {
    ctx: PageCtx,
    action: String,
    station: u32,
    council_name: String,
    contest: String,
    contest_label: String,
    stage: String,
    /// Why the form is not offered now, if it is not.
    closed: Option<String>,
    lines: Vec<InputRow>,
    options: Vec<InputRow>,
    against_all: Option<InputRow>,
    /// The control checks' findings on what was sent: `true` for an error.
    findings: Vec<(bool, String)>,
    /// Warnings only: the operator confirms the paper says so.
    confirm_warnings: bool,
    notice: Option<String>,
    message: Option<String>,
    /// Where the scan's form posts, when a scan may be attached now.
    scan_action: Option<String>,
    /// The scans attached so far, every version.
    scans: Vec<ScanRow>,
}

/// A scan attached to the protocol, as the form lists it.
struct ScanRow {
    version: u32,
    digest: String,
    kind: &'static str,
    size_kb: u64,
    by: String,
}

impl ScanRow {
    fn of(a: &AttachedScan) -> ScanRow {
        ScanRow {
            version: a.version,
            digest: a.scan.digest.chars().take(12).collect(),
            kind: a.scan.format.extension(),
            size_kb: a.scan.size.div_ceil(1024),
            by: a.by.clone(),
        }
    }
}

/// What a form's path names.
struct Target {
    election: ElectionId,
    station: StationNumber,
    council: CouncilId,
    contest: Contest,
}

async fn target(
    state: &AppState,
    lang: Lang,
    (election, station, council): (String, String, String),
    contest: Option<&str>,
) -> Result<Target, PageFail> {
    let election = election_of(state, lang, Some(&election)).await?.id;
    let station = crate::kit::forms::station_number(Some(&station))
        .ok_or_else(|| PageFail::not_found(lang))?;
    let council = CouncilId::parse(&council).map_err(|_| PageFail::not_found(lang))?;
    let contest = views::contest_of(contest).ok_or_else(|| PageFail::not_found(lang))?;
    Ok(Target {
        election,
        station,
        council,
        contest,
    })
}

/// The council's context for a member who may enter the station's protocols (403 otherwise,
/// before anything of the council is read).
async fn context_for(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    t: &Target,
) -> Result<CouncilContext, PageFail> {
    let store = state.store.as_ref();
    let chain = views::station_chain(store, lang, t.station).await?;
    views::require(lang, actor, Power::EnterProtocol, &chain)?;
    results::council_context(store, &t.election, &t.council, state.now())
        .await
        .map_err(|e| PageFail::refused(lang, &e))
}

/// `GET /protocols/{election}/stations/{station}/{council}?contest=&done=`.
pub(super) async fn form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(path): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let t = target(&state, lang, path, q.get("contest").map(String::as_str)).await?;
    let cctx = context_for(&state, lang, &actor, &t).await?;
    let notice = q
        .get("done")
        .and_then(|d| lang.try_t(&format!("protocols-done-{d}")));
    let typed = HashMap::new();
    let page = FormPage::new(&state, &cctx, &t, &actor, lang).await?;
    Ok(page.render(ctx, &typed, Fill::default(), Feedback::ok(notice)))
}

/// What the form shows besides the typed values: per-field errors and check findings.
#[derive(Default)]
struct Fill {
    errors: HashMap<String, String>,
    checks: Option<CheckResult>,
}

/// The form's fixed parts: the ballot, the stage and whether the member may enter now.
struct FormPage<'a> {
    target: &'a Target,
    ballot: Option<&'a Ballot>,
    council_name: String,
    stage: String,
    closed: Option<String>,
    /// A scan may be attached now (entered, not yet accepted).
    scan_open: bool,
    scans: Vec<AttachedScan>,
}

impl<'a> FormPage<'a> {
    async fn new(
        state: &AppState,
        cctx: &'a CouncilContext,
        t: &'a Target,
        actor: &Actor,
        lang: Lang,
    ) -> Result<FormPage<'a>, PageFail> {
        let key = views::key(&t.election, &t.council, t.station, t.contest.clone());
        let record = state.store.protocol(&key).await.or_page(lang)?;
        let ballot = ballot_of(cctx, &t.contest);
        let stage = record.as_ref().map_or_else(
            || stage_label(lang, &Stage::AwaitingEntry { returned: None }),
            |r| stage_label(lang, &r.history.current().stage),
        );
        let closed = match ballot {
            None => Some(lang.error(shailoo_domain::ErrorCode::ResultsContestNotHeld)),
            Some(_) => why_closed(lang, record.as_ref(), actor),
        };
        let scan_open =
            ballot.is_some() && scan::scan_version(record.as_ref().map(|r| &r.history)).is_ok();
        let scans = state
            .store
            .station_scans(&t.election, &t.council, t.station)
            .await
            .or_page(lang)?
            .into_iter()
            .filter(|a| a.contest == t.contest)
            .collect();
        Ok(FormPage {
            target: t,
            ballot,
            council_name: name(&cctx.facts.council.name, lang),
            stage,
            closed,
            scan_open,
            scans,
        })
    }

    fn render(
        self,
        ctx: PageCtx,
        typed: &HashMap<String, String>,
        fill: Fill,
        feedback: Feedback,
    ) -> axum::response::Response {
        let lang = ctx.lang;
        let flagged = flagged_lines(fill.checks.as_ref());
        let row = |field: String, label: String, line: Option<Line>| InputRow {
            value: typed.get(&field).cloned().unwrap_or_default(),
            error: fill.errors.get(&field).cloned(),
            flagged: line.is_some_and(|l| flagged.contains(&l))
                || (line.is_none() && flagged.contains(&Line::Votes)),
            field,
            label,
        };
        let lines = TYPED_LINES
            .iter()
            .map(|l| row(line_field(*l), lang.t(l.message_key()), Some(*l)))
            .collect();
        let options = self.ballot.map_or_else(Vec::new, |b| {
            b.options()
                .map(|o| row(option_field(o), option_label(lang, Some(b), o), None))
                .collect()
        });
        let against_all = self.ballot.filter(|b| b.against_all).map(|_| {
            let l = Line::AgainstAll;
            row(line_field(l), lang.t(l.message_key()), Some(l))
        });
        let t = self.target;
        let confirm_warnings = fill
            .checks
            .as_ref()
            .is_some_and(|c| c.errors.is_empty() && !c.warnings.is_empty());
        let action = format!(
            "/protocols/{}/stations/{}/{}",
            t.election, t.station, t.council
        );
        let page = FormTemplate {
            scan_action: self.scan_open.then(|| format!("{action}/scan")),
            scans: self.scans.iter().map(ScanRow::of).collect(),
            action,
            station: t.station.get(),
            council_name: self.council_name,
            contest: contest_key(&t.contest),
            contest_label: contest_label(lang, &t.contest),
            stage: self.stage,
            closed: self.closed,
            lines,
            options,
            against_all,
            findings: fill
                .checks
                .as_ref()
                .map_or_else(Vec::new, |c| findings(lang, c)),
            confirm_warnings,
            notice: feedback.notice,
            message: feedback.message,
            ctx,
        };
        render(feedback.status, &page)
    }
}

/// The lines the control checks' findings concern.
fn flagged_lines(checks: Option<&CheckResult>) -> HashSet<Line> {
    checks.map_or_else(HashSet::new, |c| {
        c.errors
            .iter()
            .chain(&c.warnings)
            .flat_map(|code| code.lines().iter().copied())
            .collect()
    })
}

/// Why `actor` cannot enter this protocol now: entered by them already, waiting for the TEC,
/// or accepted. `None`: the form is offered.
fn why_closed(lang: Lang, record: Option<&ProtocolRecord>, actor: &Actor) -> Option<String> {
    let stage = &record?.history.current().stage;
    match stage {
        Stage::AwaitingEntry { .. } => None,
        Stage::FirstEntered { first } if first.operator != actor.audit_name() => None,
        Stage::FirstEntered { .. } => Some(lang.t("protocols-closed-own-first")),
        Stage::Differs { .. } => Some(lang.t("protocols-closed-differs")),
        Stage::Entered { .. } => Some(lang.t("protocols-closed-entered")),
        Stage::Accepted { .. } => Some(lang.t("protocols-closed-accepted")),
    }
}

/// `POST /protocols/{election}/stations/{station}/{council}`: one operator's entry.
pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(path): Path<(String, String, String)>,
    Form(input): Form<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx
        .require_staff_csrf(input.get("csrf").map(String::as_str))?
        .actor();
    let t = target(&state, lang, path, input.get("contest").map(String::as_str)).await?;
    let cctx = context_for(&state, lang, &actor, &t).await?;
    let page = FormPage::new(&state, &cctx, &t, &actor, lang).await?;
    let Some(ballot) = page.ballot else {
        let e = ResultsError::ContestNotHeld {
            station: t.station,
            council: t.council.clone(),
            contest: contest_key(&t.contest),
        };
        return Ok(page.render(ctx, &input, Fill::default(), Feedback::of(lang, &e)));
    };
    let protocol = match read_protocol(lang, &t, ballot, &input) {
        Ok(p) => p,
        Err(errors) => {
            let fill = Fill {
                errors,
                checks: None,
            };
            let m = lang.t("protocols-form-invalid");
            let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m);
            return Ok(page.render(ctx, &input, fill, feedback));
        }
    };
    let checks = protocol::check(&protocol, &cctx.params);
    let confirmed = input.get("confirm_warnings").is_some_and(|v| v == "on");
    if !checks.errors.is_empty() || (!checks.warnings.is_empty() && !confirmed) {
        let key = if checks.errors.is_empty() {
            "protocols-confirm-warnings-required"
        } else {
            "protocols-checks-block"
        };
        let feedback = Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, lang.t(key));
        let fill = Fill {
            errors: HashMap::new(),
            checks: Some(checks),
        };
        return Ok(page.render(ctx, &input, fill, feedback));
    }
    match results::enter(state.store.as_ref(), &cctx, &actor, protocol, state.now()).await {
        Ok(record) => {
            let done = record.history.current().stage.as_str();
            let to = format!(
                "{}&done={done}",
                entry_href(&t.election, t.station, &t.council, &t.contest)
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ ResultsError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => Ok(page.render(ctx, &input, Fill::default(), Feedback::of(lang, &e))),
    }
}

/// The protocol typed into the form, or every field that is not a whole number of 0 or more
/// (by field name, in words).
fn read_protocol(
    lang: Lang,
    t: &Target,
    ballot: &Ballot,
    input: &HashMap<String, String>,
) -> Result<Protocol, HashMap<String, String>> {
    let mut errors = HashMap::new();
    let mut number = |field: String| -> u32 {
        let text = input.get(&field).map_or("", |s| s.trim());
        if text.is_empty() {
            errors.insert(field, lang.t("protocols-field-required"));
            return 0;
        }
        match text.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                errors.insert(field, lang.t("protocols-field-number"));
                0
            }
        }
    };
    let mut line = |l: Line| number(line_field(l));
    let mut p = Protocol {
        station: t.station,
        contest: t.contest.clone(),
        voters_on_list: line(Line::VotersOnList),
        voters_on_additional_lists: line(Line::VotersOnAdditionalLists),
        ballots_received: line(Line::BallotsReceived),
        ballots_issued_at_station: line(Line::BallotsIssuedAtStation),
        ballots_issued_outside: line(Line::BallotsIssuedOutside),
        voters_took_part: line(Line::VotersTookPart),
        ballots_cancelled: line(Line::BallotsCancelled),
        ballots_in_mobile_boxes: line(Line::BallotsInMobileBoxes),
        ballots_in_stationary_boxes: line(Line::BallotsInStationaryBoxes),
        valid_ballots: line(Line::ValidBallots),
        invalid_ballots: line(Line::InvalidBallots),
        votes: Vec::new(),
        against_all: None,
    };
    if ballot.against_all {
        p.against_all = Some(line(Line::AgainstAll));
    }
    p.votes = ballot
        .options()
        .map(|o| OptionVotes {
            option: o.clone(),
            votes: number(option_field(o)),
        })
        .collect();
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

/// `POST /protocols/{election}/stations/{station}/{council}/scan` (multipart, the file `scan`):
/// the scan or photo of the signed paper protocol, attached to its current version. A file
/// that is too large (413), not a JPEG, PNG or PDF by its bytes (415) or absent (400) is
/// refused on the form, and nothing is stored.
pub(super) async fn attach_scan(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(path): Path<(String, String, String)>,
    multipart: Multipart,
) -> PageResult {
    let lang = ctx.lang;
    let staff = ctx.require_staff()?.clone();
    let f = MultipartForm::read(lang, multipart, "scan").await?;
    check_csrf(lang, &staff, f.field("csrf"))?;
    let actor = staff.actor();
    let t = target(&state, lang, path, f.field("contest")).await?;
    let cctx = context_for(&state, lang, &actor, &t).await?;
    let parsed = match f.file() {
        Some(Ok(b)) if !b.is_empty() => ProtocolScan::parse(b.to_vec()),
        Some(Err(FileTooLarge)) => Err(ResultsError::ScanTooLarge),
        _ => Err(ResultsError::ScanMissing),
    };
    let key = views::key(&t.election, &t.council, t.station, t.contest.clone());
    let attached = match parsed {
        Ok(s) => {
            scan::attach_scan(state.store.as_ref(), &cctx, &actor, &key, &s, state.now()).await
        }
        Err(e) => Err(e),
    };
    match attached {
        Ok(_) => {
            let to = format!(
                "{}&done=scan",
                entry_href(&t.election, t.station, &t.council, &t.contest)
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ ResultsError::Forbidden) => Err(PageFail::refused(lang, &e)),
        Err(e) => {
            let page = FormPage::new(&state, &cctx, &t, &actor, lang).await?;
            Ok(page.render(
                ctx,
                &HashMap::new(),
                Fill::default(),
                Feedback::of(lang, &e),
            ))
        }
    }
}
