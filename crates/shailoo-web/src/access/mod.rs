//! Accessibility of polling premises for voters with disabilities: how a station's findings
//! read everywhere they are shown (the station page, the look-up, the cabinet), the form on
//! which staff covering a station record the local government's survey
//! (`/stations/{n}/accessibility`), and the overview of which stations lack what
//! (`/accessibility`, and as CSV `/accessibility.csv`).
//!
//! * `survey.rs`: the survey form and the station's earlier surveys; `overview.rs`: the
//!   overview page and its CSV.
//! * Who may: `shailoo_app::authz`'s `RecordAccessSurvey` (the station's PEC, the TEC above it,
//!   the CEC), asked by `shailoo_app::access::record_survey` and here for the form and the
//!   station page's link; `ViewAccessOverview` for the overview.

mod overview;
mod survey;

use crate::features::{Access, Feature};
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use serde::Serialize;
use shailoo_app::access::AccessError;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::{Actor, Store, StoreError};
use shailoo_domain::ErrorCode;
use shailoo_domain::territory::PollingStation;
use shailoo_domain::territory::{AccessRequirement, Accessibility};
use utoipa::ToSchema;

pub(crate) fn feature() -> Feature {
    use Access::Staff;
    Feature::new("access")
        .get(
            "/stations/{number}/accessibility",
            Staff(Power::RecordAccessSurvey),
            survey::page,
        )
        .post(
            "/stations/{number}/accessibility",
            Staff(Power::RecordAccessSurvey),
            survey::record,
        )
        .get(
            "/accessibility",
            Staff(Power::ViewAccessOverview),
            overview::page,
        )
        .in_menu("menu-accessibility")
        .get(
            "/accessibility.csv",
            Staff(Power::ViewAccessOverview),
            overview::csv,
        )
}

impl Refusal for AccessError {
    fn status(&self) -> StatusCode {
        match self {
            AccessError::Store(e) => e.status(),
            AccessError::UnknownStation(_) => StatusCode::NOT_FOUND,
            AccessError::Forbidden(_) => StatusCode::FORBIDDEN,
            AccessError::NoSurveyor | AccessError::TextTooLong | AccessError::SurveyInFuture => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            AccessError::Store(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether `actor` may record a survey of `station` (for the station page's link and the
/// form).
pub(crate) async fn may_survey(
    store: &dyn Store,
    actor: &Actor,
    station: &PollingStation,
) -> Result<bool, StoreError> {
    let chain = store.commission_chain(&station.commission).await?;
    Ok(authz::allowed(
        actor,
        Power::RecordAccessSurvey,
        Target::Within(&chain),
    ))
}

/// The seven findings of a survey, each with its form field name and label key, in the order
/// the form and the CSV list them.
pub(crate) const FINDINGS: [&str; 7] = [
    "ramp",
    "call_button",
    "wide_doors",
    "parking",
    "ground_floor",
    "tactile_signs",
    "lighting",
];

/// One finding of `a` by its field name.
pub(crate) fn finding(a: &Accessibility, field: &str) -> bool {
    match field {
        "ramp" => a.ramp,
        "call_button" => a.call_button,
        "wide_doors" => a.wide_doors,
        "parking" => a.parking,
        "ground_floor" => a.ground_floor,
        "tactile_signs" => a.tactile_signs,
        "lighting" => a.lighting,
        _ => false,
    }
}

/// The label of a requirement in the reader's language.
pub(crate) fn requirement_label(lang: Lang, r: AccessRequirement) -> String {
    lang.t(&format!("access-req-{}", r.as_str()))
}

/// How a station's accessibility reads to a voter: whether the premises suit a voter with a
/// disability, and if not, what they lack.
pub(crate) struct AccessView {
    pub accessible: bool,
    /// "The premises suit…" or "…lack: lighting, parking".
    pub summary: String,
    /// Each requirement with whether it is met.
    pub requirements: Vec<(String, bool)>,
}

impl AccessView {
    pub(crate) fn new(lang: Lang, a: &Accessibility) -> AccessView {
        let missing: Vec<String> = a
            .missing()
            .into_iter()
            .map(|r| requirement_label(lang, r))
            .collect();
        AccessView {
            accessible: missing.is_empty(),
            summary: if missing.is_empty() {
                lang.t("access-suits")
            } else {
                lang.t_args("access-lacks", &[("missing", missing.join(", "))])
            },
            requirements: AccessRequirement::ALL
                .into_iter()
                .map(|r| (requirement_label(lang, r), a.meets(r)))
                .collect(),
        }
    }
}

/// The premises' accessibility for voters with disabilities (the latest survey of the local
/// government): each finding, and what the seed's list says is missing.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccessibilityDto {
    /// Every requirement is met: a ramp or a call button, wide doors, parking, the ground
    /// floor or a lift, tactile signs and lighting.
    pub suits_disabled_voters: bool,
    /// The requirements not met: `entrance` (a ramp or a call button), `wide_doors`,
    /// `parking`, `ground_floor` (or a lift), `tactile_signs`, `lighting`.
    #[schema(example = json!(["lighting"]))]
    pub missing: Vec<&'static str>,
    pub ramp: bool,
    pub call_button: bool,
    pub ground_floor: bool,
    pub wide_doors: bool,
    pub parking: bool,
    pub tactile_signs: bool,
    pub lighting: bool,
}

impl From<&Accessibility> for AccessibilityDto {
    fn from(a: &Accessibility) -> Self {
        AccessibilityDto {
            suits_disabled_voters: a.is_accessible(),
            missing: a
                .missing()
                .into_iter()
                .map(AccessRequirement::as_str)
                .collect(),
            ramp: a.ramp,
            call_button: a.call_button,
            ground_floor: a.ground_floor,
            wide_doors: a.wide_doors,
            parking: a.parking,
            tactile_signs: a.tactile_signs,
            lighting: a.lighting,
        }
    }
}
