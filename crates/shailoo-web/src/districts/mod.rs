//! Electoral districts of aiyl councils (DIS-01…DIS-05, CAL-05): the TEC's draft editor, the
//! CEC's review, the published schemes and their open data.
//!
//! The editor works without JavaScript: one form assigns every unit to a district number and
//! gives each district its mandates; its buttons "Check", "Propose automatically", "Save draft"
//! and "Submit" all post the whole form back, and the page re-renders with the figures of
//! DIS-01 (voters per mandate, deviation from the norm, green / amber / red against the 15% or
//! 20% limit), DIS-03 (contiguity, every unit once, seats adding up) and DIS-04 (reserved
//! mandates), keeping what the user typed. The picture is an SVG drawn on the server:
//! the units at their points, the borders as lines, each unit coloured by its district, with a
//! title, a description and the table of units beside it for those who cannot see it.
//!
//! The geometry we hold is one point per unit (synthetic, km from the council's centre), so the
//! GeoJSON export has Point features only.
//!
//! * `editor.rs`: the TEC's editor; `review.rs`: the CEC's review; `public.rs`: the published
//!   schemes; `figures.rs`: a scheme's figures as the pages show them; `svg.rs`: the picture;
//!   `api.rs`: the approved scheme as JSON; `export.rs`: the same as CSV and GeoJSON.

mod api;
mod drafts;
mod editor;
mod export;
mod figures;
mod public;
mod review;
mod svg;

use crate::AppState;
use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, PageFail, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::districts::{
    self as app, CouncilDistricting, DistrictError, SchemeRecord, SchemeStatus,
};
use shailoo_domain::{CouncilId, ErrorCode};
use utoipa_axum::routes;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff, StaffChoice};
    Feature::new("districts")
        .get("/districts", Public, public::public_list)
        .get(
            "/districts/drafts",
            Staff(Power::ViewDistrictDrafts),
            drafts::drafts,
        )
        .in_menu("menu-district-drafts")
        .get(
            "/districts/review",
            Staff(Power::DecideDistricts),
            review::review,
        )
        .in_menu("menu-district-review")
        .get(
            "/councils/{id}/districts",
            Staff(Power::ViewDistrictDrafts),
            editor::editor_get,
        )
        // "Check" and "Propose" only look; "Save" and "Submit" draft.
        .post(
            "/councils/{id}/districts",
            StaffChoice(&[Power::DraftDistricts, Power::ViewDistrictDrafts]),
            editor::editor_post,
        )
        .post(
            "/councils/{id}/districts/decision",
            Staff(Power::DecideDistricts),
            review::decision,
        )
        .get(
            "/councils/{id}/districts/approved",
            Public,
            public::approved_page,
        )
        .get(
            "/open-data/councils/{id}/districts.csv",
            Public,
            export::open_csv,
        )
        .get(
            "/open-data/councils/{id}/districts.geojson",
            Public,
            export::open_geojson,
        )
        .api(Public, routes!(api::api_districts))
}

/// The refusals of the scheme workflow. A council that is not there to district (unknown, a
/// city council, elected by no election) is "not found".
impl Refusal for DistrictError {
    fn status(&self) -> StatusCode {
        match self {
            DistrictError::Store(e) => e.status(),
            DistrictError::UnknownCouncil(_)
            | DistrictError::NotAiyl(_)
            | DistrictError::NoElection(_) => StatusCode::NOT_FOUND,
            DistrictError::Forbidden => StatusCode::FORBIDDEN,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        match self {
            DistrictError::UnknownCouncil(_)
            | DistrictError::NotAiyl(_)
            | DistrictError::NoElection(_) => ErrorCode::NotFound,
            other => other.code(),
        }
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            DistrictError::Store(e) => Some(e),
            _ => None,
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            DistrictError::Transition(app::TransitionError::Calendar(c)) => closed_message(lang, c),
            DistrictError::Transition(app::TransitionError::Invalid { errors }) => {
                lang.t_args("districts-error-invalid", &[("count", errors.to_string())])
            }
            DistrictError::Transition(app::TransitionError::EmptyComment) => {
                lang.t("districts-error-comment")
            }
            DistrictError::Transition(app::TransitionError::NotAllowed { from, .. }) => lang
                .t_args(
                    "districts-error-step",
                    &[("status", lang.t(&format!("districts-status-{from}")))],
                ),
            DistrictError::Store(StoreError::Duplicate { .. }) => {
                lang.t("districts-error-conflict")
            }
            DistrictError::NoUnits(_) => lang.t("districts-no-units"),
            other => lang.error(other.code()),
        }
    }
}

/// The aiyl council the path names, with its units and scheme (404 otherwise).
async fn load(state: &AppState, lang: Lang, id: &str) -> Result<CouncilDistricting, PageFail> {
    let id = CouncilId::parse(id).map_err(|_| PageFail::not_found(lang))?;
    app::council_districting(state.store.as_ref(), &id)
        .await
        .map_err(|e| PageFail::refused(lang, &e))
}

/// A council with its approved scheme (404 when none is approved).
async fn approved(
    state: &AppState,
    lang: Lang,
    id: &str,
) -> Result<(CouncilDistricting, SchemeRecord), PageFail> {
    let c = load(state, lang, id).await?;
    match c.scheme.clone() {
        Some(s) if s.status == SchemeStatus::Approved => Ok((c, s)),
        _ => Err(PageFail::not_found(lang)),
    }
}

/// A council's name in the reader's language (its id when the store cannot say).
async fn council_name(state: &AppState, lang: Lang, id: &CouncilId) -> String {
    match state.store.council(id).await {
        Ok(Some(c)) => c.name.get(lang.code()).to_owned(),
        _ => id.to_string(),
    }
}
