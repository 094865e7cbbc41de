//! The TEC's editor of an aiyl council's district scheme (`/councils/{id}/districts`): one
//! form assigns every unit to a district and gives each district its mandates; "Check",
//! "Propose automatically", "Save draft" and "Submit" all post the whole form back, and the
//! page re-renders with the figures, keeping what the user typed.

use crate::AppState;
use crate::districts::figures::{DistrictRow, Totals, colour, figures, pct};
use crate::districts::svg::svg;
use crate::districts::{app, load};
use crate::kit::calendar::closed_message;
use crate::kit::format::fmt_instant;
use crate::kit::input::{Form, Query};
use crate::kit::page::Feedback;
use crate::kit::{Lang, PageCtx, PageFail, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use shailoo_app::Actor;
use shailoo_app::authz::{self, Power};
use shailoo_app::districts::{CouncilDistricting, DistrictError, DistrictingUnit, SchemeStatus};
use shailoo_districting::ProposedDistrict;
use shailoo_domain::CouncilId;
use shailoo_domain::calendar::Action;
use shailoo_domain::district::{District, DistrictId, UnitId};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What the editor form holds: the district of every unit, the number of districts, and per
/// district the mandates (as typed) and the remote claim.
#[derive(Debug, Clone, Default)]
struct EditorInput {
    count: u32,
    assignment: HashMap<UnitId, u32>,
    seats: BTreeMap<u32, String>,
    remote: BTreeSet<u32>,
}

/// The most districts the form offers (a council has at most 101 seats, DIS-05).
const MAX_DISTRICTS: u32 = 40;

impl EditorInput {
    fn from_districts(districts: &[District]) -> EditorInput {
        let mut input = EditorInput::default();
        for d in districts {
            let Ok(n) = d.id.as_str().parse::<u32>() else {
                continue;
            };
            input.count = input.count.max(n);
            input.seats.insert(n, d.seats.to_string());
            if d.remote {
                input.remote.insert(n);
            }
            for u in &d.units {
                input.assignment.insert(u.clone(), n);
            }
        }
        input
    }

    /// The districts of a proposal, numbered in its order.
    fn from_proposal(districts: &[ProposedDistrict]) -> EditorInput {
        let mut input = EditorInput::default();
        for (n, d) in (1u32..).zip(districts) {
            input.count = n;
            input.seats.insert(n, d.seats.to_string());
            if d.remote {
                input.remote.insert(n);
            }
            for u in &d.units {
                input.assignment.insert(u.clone(), n);
            }
        }
        input
    }

    fn parse(fields: &[(String, String)]) -> EditorInput {
        let mut input = EditorInput::default();
        for (k, v) in fields {
            if k == "count" {
                input.count = v.trim().parse::<u32>().unwrap_or(0).min(MAX_DISTRICTS);
            } else if let Some(unit) = k.strip_prefix("unit.") {
                if let (Ok(u), Ok(n)) = (UnitId::parse(unit), v.trim().parse::<u32>())
                    && (1..=MAX_DISTRICTS).contains(&n)
                {
                    input.assignment.insert(u, n);
                }
            } else if let Some(n) = k.strip_prefix("seats.") {
                if let Ok(n) = n.parse::<u32>() {
                    input.seats.insert(n, v.trim().to_owned());
                }
            } else if let Some(n) = k.strip_prefix("remote.")
                && let Ok(n) = n.parse::<u32>()
            {
                input.remote.insert(n);
            }
        }
        let used = input.assignment.values().copied().max().unwrap_or(0);
        input.count = input.count.max(used);
        input
    }

    /// The districts 1..=count in the order of the units (a bad mandate count reads as 0,
    /// which DIS-05 then reports).
    fn districts(&self, units: &[DistrictingUnit]) -> Vec<District> {
        (1..=self.count)
            .filter_map(|n| Some((n, DistrictId::parse(&n.to_string()).ok()?)))
            .map(|(n, id)| District {
                id,
                units: units
                    .iter()
                    .filter(|u| self.assignment.get(&u.id) == Some(&n))
                    .map(|u| u.id.clone())
                    .collect(),
                seats: self
                    .seats
                    .get(&n)
                    .and_then(|s| s.parse::<u32>().ok())
                    .unwrap_or(0),
                remote: self.remote.contains(&n),
            })
            .collect()
    }
}

pub(crate) struct UnitView {
    pub id: String,
    pub index: usize,
    pub label: String,
    pub voters: u64,
    pub remote: bool,
    pub neighbors: String,
    pub options: Vec<(u32, bool)>,
    pub unassigned: bool,
    pub colour: &'static str,
}

#[derive(Template)]
#[template(path = "districts/templates/editor.html")]
struct EditorTemplate {
    ctx: PageCtx,
    council_id: String,
    council_name: String,
    election_name: String,
    status: String,
    version: u32,
    comment: Option<String>,
    deadline: String,
    count: u32,
    units: Vec<UnitView>,
    rows: Vec<DistrictRow>,
    totals: Totals,
    svg: String,
    checked: bool,
    message: Option<String>,
    notice: Option<String>,
    may_edit: bool,
    /// "Submit" is offered while CAL-05 is open (the calendar decides, with the CEC's
    /// overrides); after it, why not.
    may_submit: bool,
    submission_closed: Option<String>,
    is_cec: bool,
    submitted: bool,
}

/// What the editor shows besides the form: whether to show the findings, the CAL-05 deadline,
/// and the status with a notice or an error.
struct Shown {
    checked: bool,
    deadline: Deadline,
    feedback: Feedback,
}

/// CAL-05 as the editor shows it: the deadline, and whether submission is open now.
struct Deadline {
    text: String,
    /// `Ok` while the window is open, else the calendar's refusal in words.
    open: Result<(), String>,
}

/// The rows of the units' table, with the district each is in on the form.
fn unit_views(
    lang: Lang,
    units: &[DistrictingUnit],
    district_of: &HashMap<&UnitId, u32>,
    count: u32,
) -> Vec<UnitView> {
    let position: HashMap<&UnitId, usize> = units
        .iter()
        .enumerate()
        .map(|(i, u)| (&u.id, i + 1))
        .collect();
    units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let d = district_of.get(&u.id).copied().unwrap_or(0);
            UnitView {
                id: u.id.to_string(),
                index: i + 1,
                label: u.label(lang.code()),
                voters: u.voters,
                remote: u.remote,
                neighbors: u
                    .neighbors
                    .iter()
                    .map(|n| {
                        position
                            .get(n)
                            .map_or_else(|| n.to_string(), |p| p.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                options: (1..=count.max(1)).map(|n| (n, n == d)).collect(),
                unassigned: d == 0,
                colour: colour(d),
            }
        })
        .collect()
}

fn editor_page(
    ctx: PageCtx,
    c: &CouncilDistricting,
    actor: &Actor,
    input: &EditorInput,
    shown: Shown,
) -> Response {
    let lang = ctx.lang;
    let districts = input.districts(&c.units);
    let report = c.check(&districts);
    let (rows, mut totals) = figures(lang, &c.units, &districts, &input.seats, &report);
    totals.seats_council = c.council.seats.get();
    let district_of: HashMap<&UnitId, u32> =
        input.assignment.iter().map(|(u, n)| (u, *n)).collect();
    let status = c.scheme.as_ref().map(|s| s.status);
    let may_edit = c.may_draft(actor)
        && !matches!(
            status,
            Some(SchemeStatus::Submitted | SchemeStatus::Approved)
        );
    let t = EditorTemplate {
        council_id: c.council.id.to_string(),
        council_name: c.council.name.get(lang.code()).to_owned(),
        election_name: c.election.name.get(lang.code()).to_owned(),
        status: lang.t(&format!(
            "districts-status-{}",
            status.map_or("none", SchemeStatus::as_str)
        )),
        version: c.scheme.as_ref().map_or(0, |s| s.version),
        comment: c.scheme.as_ref().and_then(|s| s.comment.clone()),
        deadline: shown.deadline.text,
        count: input.count,
        units: unit_views(lang, &c.units, &district_of, input.count),
        rows,
        totals,
        svg: svg(&c.units, &district_of, lang, "scheme"),
        checked: shown.checked,
        message: shown.feedback.message,
        notice: shown.feedback.notice,
        may_edit,
        may_submit: may_edit && shown.deadline.open.is_ok(),
        submission_closed: if may_edit {
            shown.deadline.open.err()
        } else {
            None
        },
        is_cec: authz::holds(actor, Power::DecideDistricts),
        submitted: status == Some(SchemeStatus::Submitted),
        ctx,
    };
    render(shown.feedback.status, &t)
}

/// When the TEC must have submitted the scheme (CAL-05), and whether it still may now.
async fn deadline(state: &AppState, lang: Lang, c: &CouncilDistricting) -> Deadline {
    match app::election_calendar(state.store.as_ref(), &c.election).await {
        Ok(cal) => Deadline {
            text: match cal.window(Action::SubmitDistrictScheme).1 {
                Some(t) => format!("{} (CAL-05)", fmt_instant(t)),
                None => "—".to_owned(),
            },
            open: cal
                .check(Action::SubmitDistrictScheme, state.now())
                .map_err(|closed| closed_message(lang, &closed)),
        },
        Err(e) => {
            let text = lang.error(e.code());
            Deadline {
                open: Err(text.clone()),
                text,
            }
        }
    }
}

/// A first layout for an empty form: as many districts as about 5 mandates each (2024 had
/// 1,259 districts for 5,391 seats), every unit still to be assigned.
fn initial_input(c: &CouncilDistricting) -> EditorInput {
    match &c.scheme {
        Some(s) if !s.districts.is_empty() => EditorInput::from_districts(&s.districts),
        _ => EditorInput {
            count: c.council.seats.get().div_ceil(5).clamp(1, MAX_DISTRICTS),
            ..EditorInput::default()
        },
    }
}

/// The council of the path, if the account may see its scheme (403 otherwise).
async fn viewable(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    id: &str,
) -> Result<CouncilDistricting, PageFail> {
    let c = load(state, lang, id).await?;
    if c.may_view(actor) {
        Ok(c)
    } else {
        Err(PageFail::forbidden(lang))
    }
}

/// `GET /councils/{id}/districts?done=`.
pub(super) async fn editor_get(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = ctx.require_staff()?.actor();
    let c = viewable(&state, lang, &actor, &id).await?;
    let notice = q
        .get("done")
        .filter(|d| matches!(d.as_str(), "saved" | "submitted"))
        .map(|d| lang.t(&format!("districts-notice-{d}")));
    let shown = Shown {
        checked: c.scheme.is_some(),
        deadline: deadline(&state, lang, &c).await,
        feedback: Feedback::ok(notice),
    };
    let input = initial_input(&c);
    Ok(editor_page(ctx, &c, &actor, &input, shown))
}

/// A fixed seed per council, so that "Propose automatically" gives the same scheme every time
/// (FNV-1a of the council id).
fn seed_of(council: &CouncilId) -> u64 {
    council
        .as_str()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

/// Why the proposer found no valid scheme, in the reader's language (DIS-01, DIS-03, DIS-05).
fn no_scheme_reason(lang: Lang, e: &shailoo_districting::NoValidScheme) -> String {
    use shailoo_districting::NoValidScheme as N;
    let args: Vec<(&'static str, String)> = match e {
        N::UnitTooLarge {
            unit,
            voters,
            max_seats,
            limit_percent,
            ..
        } => vec![
            ("unit", unit.to_string()),
            ("voters", voters.to_string()),
            ("seats", max_seats.to_string()),
            ("limit", limit_percent.to_string()),
        ],
        N::IsolatedPart {
            units,
            limit_percent,
            ..
        } => vec![
            (
                "units",
                units
                    .iter()
                    .map(UnitId::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("limit", limit_percent.to_string()),
        ],
        N::NotFound {
            districts,
            best_max_deviation_bp,
            limit_percent,
        } => vec![
            ("districts", districts.to_string()),
            ("deviation", pct(*best_max_deviation_bp)),
            ("limit", limit_percent.to_string()),
        ],
        _ => Vec::new(),
    };
    lang.t_args(&format!("districts-propose-{}", e.code()), &args)
}

/// "Propose automatically": the proposer's scheme on the form, or why there is none.
fn propose(lang: Lang, c: &CouncilDistricting) -> Result<EditorInput, Feedback> {
    let input = shailoo_districting::ProposalInput {
        council: Some(c.council.id.clone()),
        seats: c.council.seats,
        units: c.units.iter().map(DistrictingUnit::to_domain).collect(),
        districts: None,
        magnitude: None,
        seed: None,
    };
    match shailoo_districting::propose(&input, &c.params, seed_of(&c.council.id)) {
        Ok(p) => Ok(EditorInput::from_proposal(&p.districts)),
        Err(e) => {
            let reason = no_scheme_reason(lang, &e);
            let m = lang.t_args("districts-propose-failed", &[("reason", reason)]);
            Err(Feedback::refused(StatusCode::UNPROCESSABLE_ENTITY, m))
        }
    }
}

/// "Save draft", or "Submit" the form to the CEC in one step (refused, nothing is saved and
/// the draft keeps its version).
async fn save(
    state: &AppState,
    c: &CouncilDistricting,
    actor: &Actor,
    input: &EditorInput,
    submit: bool,
) -> Result<&'static str, DistrictError> {
    let now = state.now();
    let store = state.store.as_ref();
    let districts = input.districts(&c.units);
    if submit {
        app::submit_districts(store, c, actor, districts, now).await?;
        Ok("submitted")
    } else {
        app::save_draft(store, c, actor, districts, now).await?;
        Ok("saved")
    }
}

/// `POST /councils/{id}/districts`: check, propose, save or submit the form.
pub(super) async fn editor_post(
    State(state): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<String>,
    form: Form<Vec<(String, String)>>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(fields) = form;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let actor = ctx.require_staff_csrf(field("csrf"))?.actor();
    let mut c = viewable(&state, lang, &actor, &id).await?;
    let mut input = EditorInput::parse(&fields);
    let deadline = deadline(&state, lang, &c).await;
    let feedback = match field("action").unwrap_or("check") {
        "propose" => match propose(lang, &c) {
            Ok(proposed) => {
                input = proposed;
                Feedback::ok(None)
            }
            Err(refused) => refused,
        },
        action @ ("save" | "submit") => {
            match save(&state, &c, &actor, &input, action == "submit").await {
                Ok(done) => {
                    let to = format!("/councils/{}/districts?done={done}", c.council.id);
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(e) => {
                    // Reload: someone else may have saved meanwhile.
                    c = load(&state, lang, &id).await?;
                    Feedback::of(lang, &e)
                }
            }
        }
        _ => Feedback::ok(None),
    };
    let shown = Shown {
        checked: true,
        deadline,
        feedback,
    };
    Ok(editor_page(ctx, &c, &actor, &input, shown))
}
