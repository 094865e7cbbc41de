//! Places for printed campaign material (i16-badges, CAL-06): `/campaign-places`, the TEC's
//! page of its stations, each with the place the local government provides or a form to
//! record it, and, after CAL-06, the stations still without one standing out; for the CEC the
//! same page counts them per TEC and lists the missing ones across the country (`?tec=` opens
//! one TEC's stations with their forms). `/registry/campaign-places` lists the places
//! recorded, per station, for voters and candidates.
//!
//! Who may: `shailoo_app::authz`'s `RecordCampaignPlaces` (the TEC above a station, the CEC),
//! asked by `shailoo_app::campaign_places::{board, record_place}`.

mod pages;

use crate::features::{Access, Feature};
use crate::kit::calendar::closed_message;
use crate::kit::{Lang, Refusal};
use axum::http::StatusCode;
use shailoo_app::StoreError;
use shailoo_app::authz::Power;
use shailoo_app::campaign_places::PlaceError;
use shailoo_domain::ErrorCode;

pub(crate) fn feature() -> Feature {
    use Access::{Public, Staff};
    Feature::new("campaign_places")
        .get(
            "/campaign-places",
            Staff(Power::RecordCampaignPlaces),
            pages::board,
        )
        .in_menu("menu-campaign-places")
        .post(
            "/campaign-places/{election}/{station}",
            Staff(Power::RecordCampaignPlaces),
            pages::record,
        )
        .get("/registry/campaign-places", Public, pages::public)
}

impl Refusal for PlaceError {
    fn status(&self) -> StatusCode {
        match self {
            PlaceError::Store(e) => e.status(),
            PlaceError::UnknownElection(_) | PlaceError::UnknownStation(_) => StatusCode::NOT_FOUND,
            PlaceError::Forbidden => StatusCode::FORBIDDEN,
            PlaceError::Calendar(_) => StatusCode::CONFLICT,
            PlaceError::CalendarInvalid(_) => StatusCode::INTERNAL_SERVER_ERROR,
            PlaceError::Empty | PlaceError::BadText => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    fn error_code(&self) -> ErrorCode {
        self.code()
    }

    fn store_error(&self) -> Option<&StoreError> {
        match self {
            PlaceError::Store(e) => Some(e),
            _ => None,
        }
    }

    /// A closed window names its deadline.
    fn message(&self, lang: Lang) -> String {
        match self {
            PlaceError::Calendar(c) => closed_message(lang, c),
            other => lang.error(other.code()),
        }
    }
}
