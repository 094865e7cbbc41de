//! Adding a polling station (`shailoo_app::setup::add_station`): a CEC admin anywhere, a TEC
//! member for the PECs under their TEC ([`Power::AddStation`]). A refused form is shown again
//! with the values typed and the message beside each field.
//!
//! Nobody types an id: the council is chosen first from a list by name (a GET of the form
//! with `?council=`, so the page works without JavaScript), then the precinct commission
//! from the PECs serving that council which the account may add stations under, and the
//! settlement from those of the council's territory, by name.

use crate::AppState;
use crate::kit::format::name;
use crate::kit::input::{Form, Query};
use crate::kit::page::Choice;
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::setup::{self, AddStationError, StationDraft, StationField, StationProblem};
use shailoo_app::{
    Actor, CommissionFilter, CouncilFilter, Page, PageRequest, StationFilter, Store, StoreError,
};
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, LocalizedName,
};
use shailoo_domain::{CommissionId, CouncilId, ErrorCode, StationNumber, TerritoryId};
use std::collections::{BTreeSet, HashMap};

#[derive(Debug, Default, Deserialize)]
pub(super) struct StationInput {
    #[serde(default)]
    csrf: Option<String>,
    #[serde(default)]
    number: String,
    #[serde(default)]
    commission: String,
    #[serde(default)]
    council: String,
    #[serde(default)]
    territory: String,
    #[serde(default)]
    address_ky: String,
    #[serde(default)]
    address_ru: String,
    #[serde(default)]
    address_en: String,
    #[serde(default)]
    remote: Option<String>,
    #[serde(default)]
    ramp: Option<String>,
    #[serde(default)]
    ground_floor: Option<String>,
    #[serde(default)]
    wide_doors: Option<String>,
    #[serde(default)]
    parking: Option<String>,
    #[serde(default)]
    tactile_signs: Option<String>,
    #[serde(default)]
    call_button: Option<String>,
    #[serde(default)]
    lighting: Option<String>,
}

#[derive(Default)]
pub(crate) struct StationErrors {
    pub number: Option<String>,
    pub commission: Option<String>,
    pub council: Option<String>,
    pub territory: Option<String>,
    pub address: Option<String>,
}

impl StationErrors {
    fn any(&self) -> bool {
        self.number.is_some()
            || self.commission.is_some()
            || self.council.is_some()
            || self.territory.is_some()
            || self.address.is_some()
    }

    /// Shows a use case's problem beside its field.
    fn set(&mut self, lang: Lang, problem: StationProblem) {
        let message = Some(problem.message(lang));
        match problem.field() {
            StationField::Number => self.number = message,
            StationField::Commission => self.commission = message,
            StationField::Council => self.council = message,
            StationField::Territory => self.territory = message,
        }
    }
}

impl Refusal for StationProblem {
    fn status(&self) -> StatusCode {
        match self {
            StationProblem::Forbidden => StatusCode::FORBIDDEN,
            StationProblem::NumberTaken => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
    fn error_code(&self) -> ErrorCode {
        self.code()
    }
}

/// The status of the worst problem: scope 403, a taken number 409, references 422; malformed
/// fields alone 400.
fn problem_status(problems: &[StationProblem]) -> StatusCode {
    let rank = |s: StatusCode| match s {
        StatusCode::FORBIDDEN => 3,
        StatusCode::CONFLICT => 2,
        _ => 1,
    };
    problems
        .iter()
        .map(Refusal::status)
        .max_by_key(|s| rank(*s))
        .unwrap_or(StatusCode::BAD_REQUEST)
}

#[derive(Template)]
#[template(path = "setup/templates/station_form.html")]
struct StationFormTemplate {
    ctx: PageCtx,
    input: StationFormValues,
    errors: StationErrors,
    pickers: Pickers,
    /// A form sent back: shown whole, whatever its council, so that nothing typed is lost.
    posted: bool,
}

/// The lists the form picks from, by name.
#[derive(Default)]
struct Pickers {
    /// Every council the account may add a station for.
    councils: Vec<Choice>,
    /// The council chosen, by name: the second step of the form.
    council: Option<String>,
    /// The PECs serving the chosen council that the account may add a station under.
    commissions: Vec<Choice>,
    /// The settlements of the chosen council's territory.
    settlements: Vec<Choice>,
}

/// Every item of a listing, page by page.
async fn every<T, F, Fut>(mut page_of: F) -> Result<Vec<T>, StoreError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, StoreError>>,
{
    let mut all = Vec::new();
    for page in 1.. {
        let p = page_of(PageRequest {
            page,
            per_page: PageRequest::MAX_PER_PAGE,
        })
        .await?;
        let done = p.items.len() < PageRequest::MAX_PER_PAGE as usize;
        all.extend(p.items);
        if done || all.len() as u64 >= p.total {
            break;
        }
    }
    Ok(all)
}

/// The PECs under `tecs` the actor may add stations under, by name.
async fn pecs_under(
    state: &AppState,
    actor: &Actor,
    tecs: &BTreeSet<CommissionId>,
) -> Result<Vec<Commission>, StoreError> {
    let store = &*state.store;
    let mut pecs = Vec::new();
    for tec in tecs {
        let chain = store.commission_chain(tec).await?;
        let children = every(|page| async move {
            let filter = CommissionFilter {
                level: Some(CommissionLevel::Pec),
                parent: Some(tec.clone()),
                page,
                ..CommissionFilter::default()
            };
            store.commissions(&filter).await
        })
        .await?;
        for pec in children {
            let mut within = vec![pec.id.clone()];
            within.extend(chain.iter().cloned());
            if authz::allowed(actor, Power::AddStation, Target::Within(&within)) {
                pecs.push(pec);
            }
        }
    }
    Ok(pecs)
}

/// The councils an account adding stations may pick: those its PECs serve (`scope`, a TEC's
/// own commission), or any.
async fn pickable_councils(
    state: &AppState,
    scope: Option<&CommissionId>,
) -> Result<Vec<Council>, StoreError> {
    let store = &*state.store;
    match scope {
        Some(commission) => {
            let ids: BTreeSet<CouncilId> = crate::setup::stations_covered(state, commission)
                .await?
                .into_iter()
                .map(|s| s.council)
                .collect();
            let mut found = Vec::new();
            for id in ids {
                found.extend(store.council(&id).await?);
            }
            Ok(found)
        }
        None => {
            every(|page| async move {
                let filter = CouncilFilter {
                    page,
                    ..CouncilFilter::default()
                };
                store.councils(&filter).await
            })
            .await
        }
    }
}

/// The TECs of a council: the parents of its stations' PECs.
async fn council_tecs(
    store: &dyn Store,
    council: &CouncilId,
) -> Result<BTreeSet<CommissionId>, StoreError> {
    let stations = every(|page| async move {
        let filter = StationFilter {
            council: Some(council.clone()),
            page,
            ..StationFilter::default()
        };
        store.stations(&filter).await
    })
    .await?;
    let mut tecs = BTreeSet::new();
    for pec in stations
        .iter()
        .map(|s| &s.commission)
        .collect::<BTreeSet<_>>()
    {
        if let Some(parent) = store.commission(pec).await?.and_then(|c| c.parent) {
            tecs.insert(parent);
        }
    }
    Ok(tecs)
}

/// The lists of the form for `actor`, with `values` selected; the second step's lists when
/// `values.council` names a council.
async fn pickers(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    values: &StationFormValues,
) -> Result<Pickers, StoreError> {
    let store = &*state.store;
    // A TEC member adds stations for the councils its PECs serve; the CEC for any.
    let scope = authz::listing_scope(actor, Power::AddStation).unwrap_or(None);
    let mut councils = pickable_councils(state, scope.as_ref()).await?;
    councils.sort_by(|a, b| a.name.get(lang.code()).cmp(b.name.get(lang.code())));
    let chosen = CouncilId::parse(values.council.trim())
        .ok()
        .and_then(|id| councils.iter().find(|c| c.id == id).cloned());
    let mut pickers = Pickers {
        councils: councils
            .iter()
            .map(|c| Choice {
                value: c.id.to_string(),
                label: name(&c.name, lang),
                selected: chosen.as_ref().is_some_and(|k| k.id == c.id),
            })
            .collect(),
        ..Pickers::default()
    };
    let Some(council) = chosen else {
        return Ok(pickers);
    };
    // The PECs of the council's TECs (the parents of its stations' PECs), else those the
    // account covers.
    let mut tecs = council_tecs(store, &council.id).await?;
    if tecs.is_empty()
        && let Some(own) = &scope
    {
        tecs.insert(own.clone());
    }
    let mut pecs = pecs_under(state, actor, &tecs).await?;
    pecs.sort_by(|a, b| a.name.get(lang.code()).cmp(b.name.get(lang.code())));
    pickers.commissions = pecs
        .iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: name(&c.name, lang),
            selected: c.id.as_str() == values.commission.trim(),
        })
        .collect();
    pickers.settlements = store
        .territory_children(Some(&council.territory))
        .await?
        .iter()
        .map(|t| Choice {
            value: t.id.to_string(),
            label: name(&t.name, lang),
            selected: t.id.as_str() == values.territory.trim(),
        })
        .collect();
    pickers.council = Some(name(&council.name, lang));
    Ok(pickers)
}

/// The values of the form as typed, to show them again.
#[derive(Default)]
pub(crate) struct StationFormValues {
    pub number: String,
    pub commission: String,
    pub council: String,
    pub territory: String,
    pub address_ky: String,
    pub address_ru: String,
    pub address_en: String,
    pub remote: bool,
    pub ramp: bool,
    pub ground_floor: bool,
    pub wide_doors: bool,
    pub parking: bool,
    pub tactile_signs: bool,
    pub call_button: bool,
    pub lighting: bool,
}

impl From<&StationInput> for StationFormValues {
    fn from(i: &StationInput) -> Self {
        StationFormValues {
            number: i.number.clone(),
            commission: i.commission.clone(),
            council: i.council.clone(),
            territory: i.territory.clone(),
            address_ky: i.address_ky.clone(),
            address_ru: i.address_ru.clone(),
            address_en: i.address_en.clone(),
            remote: i.remote.is_some(),
            ramp: i.ramp.is_some(),
            ground_floor: i.ground_floor.is_some(),
            wide_doors: i.wide_doors.is_some(),
            parking: i.parking.is_some(),
            tactile_signs: i.tactile_signs.is_some(),
            call_button: i.call_button.is_some(),
            lighting: i.lighting.is_some(),
        }
    }
}

/// The account, if it adds stations over some commission ([`Power::AddStation`]; 403
/// otherwise). Which PECs it may add them under is the use case's question.
fn station_adder(lang: Lang, staff: &Staff) -> Result<Actor, PageFail> {
    let actor = staff.actor();
    if authz::holds(&actor, Power::AddStation) {
        Ok(actor)
    } else {
        Err(PageFail::forbidden(lang))
    }
}

/// `GET /stations/new?council=`: the council's list, then with a council the whole form.
pub(super) async fn station_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let lang = ctx.lang;
    let actor = station_adder(lang, ctx.require_staff()?)?;
    let input = StationFormValues {
        council: q.get("council").cloned().unwrap_or_default(),
        ..StationFormValues::default()
    };
    let pickers = pickers(&state, lang, &actor, &input).await.or_page(lang)?;
    let mut errors = StationErrors::default();
    if !input.council.trim().is_empty() && pickers.council.is_none() {
        errors.council = Some(lang.error(ErrorCode::UnknownCouncil));
    }
    let t = StationFormTemplate {
        input,
        errors,
        pickers,
        posted: false,
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The form as typed: the draft when every field parses, else the references that did parse
/// (so that their problems are shown too), with the malformed fields noted in `errors`.
enum Parsed {
    Draft(StationDraft),
    Malformed {
        commission: Option<CommissionId>,
        council: Option<CouncilId>,
    },
}

fn parse_station(lang: Lang, input: &StationInput, errors: &mut StationErrors) -> Parsed {
    let number = StationNumber::parse(&input.number).ok();
    if number.is_none() {
        errors.number = Some(lang.error(ErrorCode::BadStationNumber));
    }
    let commission = CommissionId::parse(input.commission.trim()).ok();
    if commission.is_none() {
        errors.commission = Some(lang.error(ErrorCode::BadId));
    }
    let council = CouncilId::parse(input.council.trim()).ok();
    if council.is_none() {
        errors.council = Some(lang.error(ErrorCode::BadId));
    }
    // Empty: the council's own territory (a city or aiyl aimak), as the use case decides.
    let territory = match input.territory.trim() {
        "" => Ok(None),
        t => TerritoryId::parse(t).map(Some),
    };
    if territory.is_err() {
        errors.territory = Some(lang.error(ErrorCode::BadId));
    }
    let address = LocalizedName {
        ky: input.address_ky.trim().to_owned(),
        ru: input.address_ru.trim().to_owned(),
        en: input.address_en.trim().to_owned(),
    };
    if address.ky.is_empty() || address.ru.is_empty() || address.en.is_empty() {
        errors.address = Some(lang.error(ErrorCode::Required));
    }
    match (number, commission, council, territory) {
        (Some(number), Some(commission), Some(council), Ok(territory)) if !errors.any() => {
            Parsed::Draft(StationDraft {
                number,
                commission,
                council,
                territory,
                address,
                accessibility: Accessibility {
                    ramp: input.ramp.is_some(),
                    ground_floor: input.ground_floor.is_some(),
                    wide_doors: input.wide_doors.is_some(),
                    parking: input.parking.is_some(),
                    tactile_signs: input.tactile_signs.is_some(),
                    call_button: input.call_button.is_some(),
                    lighting: input.lighting.is_some(),
                },
                remote_voting: input.remote.is_some(),
            })
        }
        (_, commission, council, _) => Parsed::Malformed {
            commission,
            council,
        },
    }
}

/// `POST /stations/new`.
pub(super) async fn station_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Form<StationInput>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form;
    let actor = station_adder(lang, ctx.require_staff_csrf(input.csrf.as_deref())?)?;
    let mut errors = StationErrors::default();
    let problems = match parse_station(lang, &input, &mut errors) {
        Parsed::Draft(draft) => {
            match setup::add_station(&*state.store, &actor, draft, state.now()).await {
                Ok(station) => {
                    let to = format!("/stations/{}?added=1", station.number);
                    return Ok(Redirect::to(&to).into_response());
                }
                Err(AddStationError::Refused(problems)) => problems,
                Err(AddStationError::Forbidden) => return Err(PageFail::forbidden(lang)),
                Err(AddStationError::Store(e)) => return Err(PageFail::refused(lang, &e)),
            }
        }
        // Malformed fields: still say what is wrong with the references that did parse.
        Parsed::Malformed {
            commission,
            council,
        } => setup::station_problems(&*state.store, &actor, commission.as_ref(), council.as_ref())
            .await
            .or_page(lang)?,
    };
    for p in &problems {
        errors.set(lang, *p);
    }
    let values = StationFormValues::from(&input);
    let pickers = pickers(&state, lang, &actor, &values).await.or_page(lang)?;
    let t = StationFormTemplate {
        input: values,
        errors,
        pickers,
        posted: true,
        ctx,
    };
    Ok(render(problem_status(&problems), &t))
}
