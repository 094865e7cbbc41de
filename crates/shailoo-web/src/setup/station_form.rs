//! Adding a polling station: a CEC admin anywhere, a TEC member for the PECs under their TEC.
//! A refused form is shown again with the values typed and the message beside each field.

use crate::AppState;
use crate::kit::session::Staff;
use crate::kit::{Lang, OrRefused, PageCtx, PageFail, PageResult, Refusal, render};
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shailoo_app::{Actor, AuditEvent, Role, StoreError};
use shailoo_domain::territory::{
    Accessibility, Commission, CommissionLevel, Council, LocalizedName, PollingStation,
};
use shailoo_domain::{CommissionId, CouncilId, StationNumber, TerritoryId};

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
}

/// What is wrong with the form, and the status of the worst of it: malformed input 400,
/// unknown references 422, a commission out of the account's reach 403.
struct Problems {
    errors: StationErrors,
    status: StatusCode,
}

impl Problems {
    fn raise(&mut self, status: StatusCode) {
        let rank = |s: StatusCode| match s {
            StatusCode::FORBIDDEN => 2,
            StatusCode::UNPROCESSABLE_ENTITY => 1,
            _ => 0,
        };
        if rank(status) > rank(self.status) {
            self.status = status;
        }
    }
}

#[derive(Template)]
#[template(path = "setup/templates/station_form.html")]
struct StationFormTemplate {
    ctx: PageCtx,
    input: StationFormValues,
    errors: StationErrors,
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

/// The account, if it is one that adds stations (403 otherwise).
fn station_adder(lang: Lang, staff: &Staff) -> Result<Actor, PageFail> {
    if matches!(staff.user.role, Role::CecAdmin | Role::TecMember) {
        Ok(staff.actor())
    } else {
        Err(PageFail::forbidden(lang))
    }
}

/// `GET /stations/new`.
pub(super) async fn station_form(ctx: PageCtx) -> PageResult {
    station_adder(ctx.lang, ctx.require_staff()?)?;
    let t = StationFormTemplate {
        input: StationFormValues::default(),
        errors: StationErrors::default(),
        ctx,
    };
    Ok(render(StatusCode::OK, &t))
}

/// The PEC the form names, if it is one and the account covers it.
async fn pec_of(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    text: &str,
    p: &mut Problems,
) -> Result<Option<Commission>, PageFail> {
    let Ok(id) = CommissionId::parse(text.trim()) else {
        p.errors.commission = Some(lang.error("bad_id"));
        return Ok(None);
    };
    let (code, status) = match state.store.commission(&id).await.or_page(lang)? {
        None => ("unknown_commission", StatusCode::UNPROCESSABLE_ENTITY),
        Some(c) if c.level != CommissionLevel::Pec => {
            ("not_a_pec", StatusCode::UNPROCESSABLE_ENTITY)
        }
        Some(c) => {
            let chain = state.store.commission_chain(&c.id).await.or_page(lang)?;
            if actor.covers(&chain) {
                return Ok(Some(c));
            }
            ("forbidden", StatusCode::FORBIDDEN)
        }
    };
    p.errors.commission = Some(lang.error(code));
    p.raise(status);
    Ok(None)
}

/// The council the form names, if it exists.
async fn council_of(
    state: &AppState,
    lang: Lang,
    text: &str,
    p: &mut Problems,
) -> Result<Option<Council>, PageFail> {
    let Ok(id) = CouncilId::parse(text.trim()) else {
        p.errors.council = Some(lang.error("bad_id"));
        return Ok(None);
    };
    let council = state.store.council(&id).await.or_page(lang)?;
    if council.is_none() {
        p.errors.council = Some(lang.error("unknown_council"));
        p.raise(StatusCode::UNPROCESSABLE_ENTITY);
    }
    Ok(council)
}

/// The station the form describes, or `None` with the problems noted.
async fn parse_station(
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    input: &StationInput,
    p: &mut Problems,
) -> Result<Option<PollingStation>, PageFail> {
    let number = StationNumber::parse(&input.number).ok();
    if number.is_none() {
        p.errors.number = Some(lang.error("bad_station_number"));
    }
    let pec = pec_of(state, lang, actor, &input.commission, p).await?;
    let council = council_of(state, lang, &input.council, p).await?;
    // The settlement defaults to the council's own territory (a city or aiyl aimak).
    let territory = match input.territory.trim() {
        "" => council.as_ref().map(|c| c.territory.clone()),
        t => TerritoryId::parse(t).ok().or_else(|| {
            p.errors.territory = Some(lang.error("bad_id"));
            None
        }),
    };
    let address = LocalizedName {
        ky: input.address_ky.trim().to_owned(),
        ru: input.address_ru.trim().to_owned(),
        en: input.address_en.trim().to_owned(),
    };
    if address.ky.is_empty() || address.ru.is_empty() || address.en.is_empty() {
        p.errors.address = Some(lang.error("required"));
    }
    let (Some(number), Some(pec), Some(council), Some(territory)) =
        (number, pec, council, territory)
    else {
        return Ok(None);
    };
    if p.errors.any() {
        return Ok(None);
    }
    Ok(Some(PollingStation {
        number,
        commission: pec.id,
        council: council.id,
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
    }))
}

/// The store's refusal of a new station, beside the field it concerns; a failure that no field
/// explains is the error page.
fn stored_refusal(lang: Lang, e: StoreError, p: &mut Problems) -> Result<(), PageFail> {
    crate::kit::fail::log(&e);
    p.status = e.status();
    let message = Some(e.message(lang));
    match &e {
        StoreError::Duplicate { .. } | StoreError::Invalid(_) => p.errors.number = message,
        StoreError::UnknownReference {
            what: "council", ..
        } => p.errors.council = message,
        StoreError::UnknownReference {
            what: "territory", ..
        } => p.errors.territory = message,
        StoreError::UnknownReference { .. } => p.errors.commission = message,
        _ => return Err(PageFail::refused(lang, &e)),
    }
    Ok(())
}

/// `POST /stations/new`.
pub(super) async fn station_submit(
    State(state): State<AppState>,
    ctx: PageCtx,
    form: Result<Form<StationInput>, FormRejection>,
) -> PageResult {
    let lang = ctx.lang;
    let Form(input) = form.map_err(|_| PageFail::bad_form(lang))?;
    let actor = station_adder(lang, ctx.require_staff_csrf(input.csrf.as_deref())?)?;
    let mut p = Problems {
        errors: StationErrors::default(),
        status: StatusCode::BAD_REQUEST,
    };
    if let Some(station) = parse_station(&state, lang, &actor, &input, &mut p).await? {
        let number = station.number;
        let event = AuditEvent::new(
            actor.audit_name(),
            "station_added",
            number.to_string(),
            state.now(),
        )
        .after(&station);
        match state.store.add_station(&station, event).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/stations/{number}?added=1")).into_response());
            }
            Err(e) => stored_refusal(lang, e, &mut p)?,
        }
    }
    let t = StationFormTemplate {
        input: StationFormValues::from(&input),
        errors: p.errors,
        ctx,
    };
    Ok(render(p.status, &t))
}
